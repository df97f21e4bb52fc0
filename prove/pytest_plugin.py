"""pytest plugin: every `*.claims` file is a test module and every claim a test;
with `--claims-md`, so is every Markdown file that has a ```claims block.

Registered through the `pytest11` entry point, so installing prove is enough.
A claim passes when its verdict meets its expectation (`verified` meets
`proved`); `unknown` fails unless the claim says `expect unknown`. A failure
is reported as the verdict, the witness or reason and the claim's source,
located at `file:line`, with no Python traceback.

This module is imported by every pytest run in an environment where prove is
installed, so it imports nothing heavy: the parser, the runner, SymPy and Z3
load only when a claim file is collected.  The claims of one file are checked
in one batch, through the runner's worker pool, when the first of them runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from prove.runner import Task
    from prove.verdict import Result

DEFAULT_TIMEOUT = 10.0


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("prove", "claim files (*.claims), checked by prove")
    group.addoption("--claims-timeout", type=float, default=None, metavar="SECONDS",
                    help=f"time limit per claim in *.claims files (default: the claims_timeout ini "
                         f"value, else {DEFAULT_TIMEOUT:g})")
    group.addoption("--claims-jobs", type=int, default=None, metavar="N",
                    help="claims of a file checked in parallel (default: number of cores, at most 4)")
    group.addoption("--claims-md", action="store_true", default=None,
                    help="also collect Markdown files (*.md) that have ```claims blocks (default: the "
                         "claims_md ini value, else off)")
    parser.addini("claims_md", "collect Markdown files that have ```claims blocks", type="bool", default=False)
    group.addoption("--claims-no-cache", action="store_true", default=False,
                    help="check every claim again, neither reading nor writing prove's result cache "
                         "(.prove_cache/ beside the claim files, or $PROVE_CACHE_DIR)")
    parser.addini("claims_timeout", f"time limit per claim in *.claims files (default {DEFAULT_TIMEOUT:g})",
                  default=str(DEFAULT_TIMEOUT))


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".claims":
        return ClaimsFile.from_parent(parent, path=file_path)
    if file_path.suffix.lower() in (".md", ".markdown") and _markdown_wanted(parent.config):
        from prove.markdown import has_claims  # light: no parser, SymPy or Z3

        if has_claims(file_path):
            return ClaimsFile.from_parent(parent, path=file_path)
    return None


def _markdown_wanted(config) -> bool:
    value = config.getoption("claims_md")
    return bool(config.getini("claims_md")) if value is None else value


class ClaimFailed(Exception):
    """A claim's verdict did not meet its expectation; carries the result to report."""

    def __init__(self, result: "Result", source: str):
        super().__init__(result.name)
        self.result = result
        self.source = source


def _timeout(config) -> float:
    value = config.getoption("claims_timeout")
    if value is None:
        raw = config.getini("claims_timeout")
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise pytest.UsageError(f"claims_timeout must be a number of seconds, got {raw!r}")
    if not value > 0:
        raise pytest.UsageError(f"--claims-timeout must be a positive number of seconds, got {value:g}")
    return value


class ClaimsFile(pytest.File):
    """A claim file: one item per claim (and per statement that does not parse)."""

    def collect(self):
        from prove.runner import tasks_for_file

        # The absolute path, so that `use "defs.claims"` resolves beside this file. A file that
        # cannot be read is one item with its error: a collection error would stop the whole run.
        tasks = tasks_for_file(self.path)
        self._results: dict[int, "Result"] = {}
        seen: dict[str, int] = {}
        for task in tasks:
            name = task.name
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:  # two claims of one name still get two items
                name = f"{name}[line {task.line}]"
            yield ClaimItem.from_parent(self, name=name, task=task)

    def result_for(self, item: "ClaimItem") -> "Result":
        if id(item.task) not in self._results:
            self._run_batch(item)
        return self._results[id(item.task)]

    def _run_batch(self, first: "ClaimItem") -> None:
        """Check every selected claim of this file still unchecked, at once (one pool, in parallel)."""
        from prove.runner import default_jobs, run_tasks
        from prove.backends.base import Limits

        batch = [it.task for it in self.session.items
                 if isinstance(it, ClaimItem) and it.parent is self and id(it.task) not in self._results]
        if id(first.task) not in {id(t) for t in batch}:
            batch.append(first.task)
        from prove.cache import open_cache

        jobs = self.config.getoption("claims_jobs") or default_jobs()
        cache = None if self.config.getoption("claims_no_cache") else open_cache([self.path])
        try:
            results = run_tasks(batch, Limits(timeout=_timeout(self.config)), jobs, cache=cache)
        finally:
            if cache is not None:
                cache.close()
        self._results.update({id(t): r for t, r in zip(batch, results)})

    def claim_source(self, task: "Task") -> str:
        """The claim as written, from its `claim` line to its last line."""
        if task.job is None:
            return ""
        end = max(task.line, task.job.decl.span.end_line)
        return "\n".join(task.text.splitlines()[task.line - 1: end])


class ClaimItem(pytest.Item):
    def __init__(self, *, task: "Task", **kwargs):
        super().__init__(**kwargs)
        self.task = task
        self.seconds: "float | None" = None
        self.add_marker(pytest.mark.claims)

    def runtest(self) -> None:
        result = self.parent.result_for(self)
        self.seconds = result.seconds
        self.user_properties.append(("verdict", result.verdict.value))
        if result.cached:
            self.user_properties.append(("cached", True))
        if result.bound:
            self.user_properties.append(("bound", result.bound))
        if not result.as_expected:
            raise ClaimFailed(result, self.parent.claim_source(self.task))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ClaimFailed):
            shown = _relative(self.path, self.config.invocation_params.dir)
            return _describe(excinfo.value.result, excinfo.value.source, shown)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, self.task.line - 1, self.name


def _relative(path, start) -> str:
    try:
        return str(path.relative_to(start))
    except ValueError:
        return str(path)


def _describe(result: "Result", source: str, shown: str) -> str:
    from dataclasses import replace

    from prove.report import format_result
    from prove.verdict import Verdict

    reason = result.reason
    if reason and "time limit" in reason:  # the runner's advice names the command's flag
        reason = reason.replace("--timeout", "--claims-timeout")
    result = replace(result, file=shown, reason=reason)
    if result.verdict is Verdict.ERROR:
        return format_result(result)
    verdict = result.verdict.value + (" (internal error, please report)" if result.internal else "")
    lines = [f"{shown}:{result.line}: {result.name}: {verdict}, expected {result.expected}"]
    detail = format_result(result).splitlines()[1:]  # bound, witness, reason, steps
    if result.method:
        detail.insert(0, f"    method: {result.method}")
    lines.extend(detail)
    if source:
        lines.append("")
        width = len(str(result.line + source.count("\n")))
        for k, text in enumerate(source.splitlines()):
            lines.append(f"  {str(result.line + k).rjust(width)} | {text}")
    return "\n".join(lines)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A claim's duration (in --durations and --junitxml) is its own checking time,
    not the batch of its file that its item happened to start."""
    report = yield
    if call.when == "call" and isinstance(item, ClaimItem) and item.seconds is not None:
        report.duration = item.seconds
    return report


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "claims: a claim from a *.claims file, checked by prove")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under `pytest -n N`, a claim file goes whole to one worker (as `--dist loadfile`), since
    its claims are checked in one batch: split across workers, each would check all of them.
    An explicit `--dist` is kept."""
    if config.getoption("dist", "load") != "load" or any(
            a == "--dist" or a.startswith("--dist=") or a.startswith("-d") for a in config.invocation_params.args):
        return None
    from xdist.scheduler import LoadFileScheduling

    return LoadFileScheduling(config, log)

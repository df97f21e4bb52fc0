"""Files to results: the parent reads and parses each file; each claim is
elaborated and checked in a worker process under a hard time limit and a
memory cap.

- A file that cannot be read or decoded is one `error` result; a statement
  that does not parse is one `error`; the run goes on with the rest.
- The task sent to a worker carries only its claim, the `let`s the claim
  reaches and the lemmas it cites, so the cost of a claim does not grow with
  the size of its file.
- A worker says when it is ready and when it starts a claim; the time limit
  counts from that start, so worker start-up and queueing are not charged to
  the claim, and `seconds` is the claim's own time measured in the worker.
- A worker that overruns is killed and replaced, one that crashes is
  replaced; either way that claim is `unknown` with the reason and every
  other verdict of the run survives. An exception in the tool itself is
  `unknown` marked `internal` (a bug to report, never as expected).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Iterable, Optional, Union

from prove import ast as A
from prove.claim import Claim, LemmaEntry, ModuleContext
from prove.didyoumean import nearest
from prove.elaborate import elaborate
from prove.scope import module_context
from prove.errors import SHOWN_WIDTH, ProveError, caret_block
from prove.markdown import has_claims, is_markdown, markdown_tasks
from prove.parser import parse, parse_tolerant
from prove.backends.base import WALL_CAP, Limits, clock
from prove.verdict import INTERNAL_ERROR, Outcome, Result, Verdict
from prove.vocabulary import BUILTINS

MAX_FILE_BYTES = 4_000_000
START_GRACE = 60.0  # seconds a fresh worker may take to say it is ready, or to start a claim sent to it
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") and "SC_CLK_TCK" in os.sysconf_names else 100


def cpu_seconds(pid: int) -> Optional[float]:
    """CPU seconds a process has used (user + system, all its threads), or None
    where /proc cannot tell (then the limit falls back to wall time)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields_ = f.read().rsplit(b")", 1)[1].split()
        return (int(fields_[11]) + int(fields_[12])) / _TICK
    except (OSError, IndexError, ValueError):
        return None
NESTED_TOO_DEEPLY = "expression nested too deeply for the checker (after expanding its `let` definitions)"


class UsageError(Exception):
    """A problem with how the command was called (exit code 2)."""


# ------------------------------------------------------------------ loading


@dataclass(frozen=True)
class Job:
    """What a worker needs for one claim: its declaration, the `let`s it
    reaches and the lemmas it cites; never the rest of its file."""

    decl: A.ClaimDecl
    path: str
    lets: tuple[A.Let, ...] = ()
    lemmas: tuple[tuple[str, LemmaEntry], ...] = ()

    def elaborate(self) -> Claim:
        ctx = ModuleContext({let.name: let for let in self.lets}, dict(self.lemmas))
        return elaborate(self.decl, self.path, ctx)


@dataclass(frozen=True, eq=False)
class Task:
    """One claim of a file to run, or a statement already decided (an error)."""

    path: str
    name: str
    line: int
    expected: str
    source: str
    job: Optional[Job] = None
    decided: Optional[Result] = None
    text: str = field(default="", repr=False)  # the file's text, for the caret under an error

    @property
    def claim(self) -> Optional[Claim]:
        """The elaborated claim (elaborated in this process on first use); None for an error."""
        return self._elaborated[0]

    @property
    def result(self) -> Optional[Result]:
        """The error this task is known to end in before any worker runs it, else None."""
        return self.decided if self.job is None else self._elaborated[1]

    @cached_property
    def _elaborated(self) -> tuple[Optional[Claim], Optional[Result]]:
        if self.job is None:
            return None, self.decided
        answer = _elaborate(self.job)
        if isinstance(answer, Claim):
            return answer, None
        return None, _result(self, answer, 0.0)


def collect(paths: Iterable[Union[str, Path]], markdown: bool = False) -> list[Path]:
    """Files named, and every `*.claims` below folders named, in order; with
    `markdown`, also the Markdown files below them that have a `claims` block."""
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = [q for q in p.rglob("*.claims") if q.is_file()]
            if markdown:
                found += [q for q in p.rglob("*") if is_markdown(q) and q.is_file() and has_claims(q)]
            found.sort()
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            raise UsageError(f"no such file or folder: {raw}")
    return files


def _error_task(path: str, text: str, err: ProveError, name: str, expected: str = "proved") -> Task:
    source = caret_block(text, err.span)
    result = Result(name=name or "(statement)", verdict=Verdict.ERROR, expected=expected,
                    reason=err.describe(), method="", line=err.span.line, column=err.span.column,
                    file=path, source=source)
    return Task(path, result.name, err.span.line, expected, source, decided=result, text=text)


def _file_task(path: str, reason: str, line: int = 1, column: int = 1, internal: bool = False) -> Task:
    """The one result of a file that cannot be read or parsed at all."""
    verdict = Verdict.UNKNOWN if internal else Verdict.ERROR
    result = Result(name="(file)", verdict=verdict, reason=reason, line=line, column=column, file=path,
                    internal=internal)
    return Task(path, result.name, line, "proved", "", decided=result)


def tasks_for_text(text: str, path: str, parse: Optional[Callable] = None) -> list[Task]:
    """Parse a file's text into tasks; never raises for anything the text says.
    `parse(text, path) -> (module, bad statements)` replaces the claim parser
    (prove.markdown parses a Markdown file's blocks one by one)."""
    try:
        return _tasks(text, path, parse or parse_tolerant)
    except RecursionError:
        return [_file_task(path, "the file is nested too deeply to read")]
    except Exception as exc:  # a bug of the parser must cost this file only
        return [_file_task(path, f"{INTERNAL_ERROR}: reading the file failed: {type(exc).__name__}: {exc}",
                           internal=True)]


def _tasks(text: str, path: str, parse: Callable) -> list[Task]:
    module, bad = parse(text, path)
    lines = text.splitlines()
    tasks: list[Task] = []
    for b in bad:
        tasks.append(_error_task(path, text, b.error, b.name, b.expect or "proved"))
    ctx, failed = module_context(module, path)
    for use, err in failed:
        tasks.append(_error_task(path, text, err, f"use {use.target}"))
    for item in module.items:
        if not isinstance(item, A.ClaimDecl):
            continue
        line = item.span.line
        source = lines[line - 1].strip()[:SHOWN_WIDTH] if 0 < line <= len(lines) else ""
        tasks.append(Task(path, item.name, line, item.expect or "proved", source, job=_job(item, path, ctx),
                          text=text))
    tasks.sort(key=lambda t: t.line)
    return tasks


def tasks_for_file(path: Union[str, Path]) -> list[Task]:
    """Read and parse one claim file; unreadable, too large or not UTF-8 is one `error` task."""
    shown = str(path)
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            return [_file_task(shown, f"the file is too large to check ({size} bytes, at most {MAX_FILE_BYTES})")]
        data = Path(path).read_bytes()
    except OSError as exc:
        return [_file_task(shown, f"cannot read the file: {exc.strerror or exc}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        return [_file_task(shown, f"not a UTF-8 text file (byte 0x{data[exc.start]:02x} cannot be decoded); "
                                  "expected a claims file saved as UTF-8 text", line, column)]
    if "\x00" in text:
        at = text.index("\x00")
        line = text.count("\n", 0, at) + 1
        return [_file_task(shown, "not a text file (it contains a NUL byte); expected a claims file",
                           line, at - (text.rfind("\n", 0, at) + 1) + 1)]
    if is_markdown(path):
        return markdown_tasks(text, shown)
    return tasks_for_text(text, shown)


def _job(decl: A.ClaimDecl, path: str, ctx: ModuleContext) -> Job:
    """The claim with only the `let`s it reaches and the lemmas it cites."""
    lets: dict[str, A.Let] = {}
    cited: list[str] = []
    todo = [decl]
    while todo:
        names, hints = _names_and_citations(todo.pop())
        cited.extend(hints)
        for name in names:
            if name in ctx.lets:
                reached = [name]
            else:  # a misspelt definition brings its close spellings, for the error's did-you-mean
                reached = nearest(name, ctx.lets) if ctx.lets and name not in BUILTINS else []
            for near in reached:
                if near not in lets:
                    lets[near] = ctx.lets[near]
                    todo.append(lets[near])
    lemmas = {n: ctx.lemmas[n] for n in cited if n in ctx.lemmas and n != decl.name}
    if len(lemmas) < len(set(cited)):
        # A citation that names no lemma in scope: the error lists the ones that are.
        lemmas = {n: v for n, v in ctx.lemmas.items() if n != decl.name}
    ordered = tuple(let for name, let in ctx.lets.items() if name in lets)
    return Job(decl, path, ordered, tuple(lemmas.items()))


_FIELDS: dict[type, tuple[str, ...]] = {}


def _names_and_citations(root: A.Node) -> tuple[set[str], list[str]]:
    """Every name written in a tree, and the lemmas its `by lemma NAME` hints cite (no recursion)."""
    names: set[str] = set()
    cited: list[str] = []
    stack: list = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, A.Name):
            names.add(node.id)
        elif isinstance(node, A.Hint) and node.kind == "by" and node.name == "lemma" and node.arg:
            cited.append(node.arg)
        kind = type(node)
        if kind not in _FIELDS:
            _FIELDS[kind] = tuple(f.name for f in fields(node) if f.name not in ("span", "name_span"))
        for name in _FIELDS[kind]:
            value = getattr(node, name)
            if isinstance(value, A.Node):
                stack.append(value)
            elif isinstance(value, tuple):
                stack.extend(v for v in value if isinstance(v, A.Node))
    return names, cited


# ------------------------------------------------------------------ workers


@dataclass(frozen=True)
class _Failed:
    """A claim that turned out malformed in the worker (elaboration), at a span."""

    message: str
    span: A.Span


def _elaborate(job: Job) -> Union[Claim, _Failed]:
    try:
        return job.elaborate()
    except ProveError as err:
        return _Failed(err.describe(), err.span)
    except RecursionError:
        return _Failed(NESTED_TOO_DEEPLY, job.decl.span)


def _run_job(job: Job, limits: Limits, memory_mb: int) -> Union[Outcome, _Failed]:
    from prove.backends.base import check

    start = clock()
    try:
        claim = _elaborate(job)
        if isinstance(claim, _Failed):
            return claim
        # The limit counts from the start of the claim: the backend gets what elaboration left.
        left = max(0.05, limits.timeout - (clock() - start))
        return check(claim, replace(limits, timeout=left))
    except MemoryError:
        return Outcome.unknown(f"the memory limit of {memory_mb} MB was exceeded")
    except RecursionError:
        return Outcome.unknown("the expression is nested too deeply for the checker")
    except Exception as exc:  # a bug of the tool must cost this claim only
        return Outcome.internal_error(f"the checker failed: {type(exc).__name__}: {exc}")


def _worker(conn, memory_mb: int) -> None:
    try:
        import resource
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ImportError, ValueError, OSError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, job, limits = message
        conn.send(("started", index))
        start = time.perf_counter()
        answer = _run_job(job, limits, memory_mb)
        try:
            conn.send(("done", index, answer, time.perf_counter() - start))
        except Exception as exc:
            conn.send(("done", index, Outcome.internal_error(f"the result could not be returned: {exc}"),
                       time.perf_counter() - start))


_WARM = False


def _warm_up() -> None:
    """Load SymPy, Z3 and every backend, and check one trivial claim, once per
    process before workers fork: no claim then pays for imports and first-use
    set-up in its time limit or its `seconds`."""
    global _WARM
    if _WARM:
        return
    _WARM = True
    import importlib

    from prove.backends.base import BACKENDS, check

    for name in BACKENDS.values():
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # dispatch says `unknown: no backend` for that family
    try:
        check(Job(parse("claim warm_up: x + x = 2*x").items[0], "<warm-up>").elaborate())
    except Exception:
        pass  # only a warm-up: a real claim meets the same failure in a worker, and reports it


@dataclass
class _Slot:
    process: mp.Process
    conn: object
    spawned: float
    ready: bool = False
    job: Optional[int] = None
    sent: float = 0.0
    started: Optional[float] = None  # when the worker said it started the job
    cpu_start: Optional[float] = None  # the worker's CPU seconds then
    check_at: float = 0.0  # when to look again whether the claim has used its time

    def deadline(self, timeout: float) -> float:
        if not self.ready:
            return self.spawned + START_GRACE
        if self.job is None:
            return float("inf")
        if self.started is None:
            return self.sent + START_GRACE
        return self.check_at

    def start(self, now: float, timeout: float) -> None:
        self.started, self.cpu_start, self.check_at = now, cpu_seconds(self.process.pid), now + timeout

    def used_up(self, now: float, timeout: float) -> bool:
        """The limit counts the CPU time of the claim's own work, so that a loaded
        machine stretches a claim's wall time but does not change its verdict;
        wall time counts where the CPU time cannot be read, and caps the claim
        at WALL_CAP times its limit."""
        cpu = cpu_seconds(self.process.pid) if self.cpu_start is not None else None
        used = now - self.started if cpu is None else cpu - self.cpu_start
        if used >= timeout or now - self.started >= WALL_CAP * timeout:
            return True
        self.check_at = now + max(0.02, timeout - used)
        return False


class Pool:
    """Pre-forked workers; a claim past its time limit costs its worker."""

    def __init__(self, size: int, limits: Limits):
        self.limits = limits
        self.size = max(1, size)
        try:
            self.ctx = mp.get_context("fork")
        except ValueError:
            self.ctx = mp.get_context("spawn")
        self.slots: list[_Slot] = []
        self.failed_starts = 0

    def _spawn(self) -> _Slot:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker, args=(child, self.limits.memory_mb), daemon=True)
        proc.start()
        child.close()
        return _Slot(proc, parent, time.perf_counter())

    def __enter__(self):
        _warm_up()
        self.slots = [self._spawn() for _ in range(self.size)]
        return self

    def __exit__(self, *exc):
        for slot in self.slots:
            try:
                slot.conn.send(None)
            except Exception:
                pass
        for slot in self.slots:
            slot.process.join(timeout=0.5)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join(timeout=1)
        return False

    def _replace(self, slot: _Slot) -> None:
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join(timeout=1)
        try:
            slot.conn.close()
        except Exception:
            pass
        fresh = self._spawn()
        slot.process, slot.conn, slot.spawned = fresh.process, fresh.conn, fresh.spawned
        slot.ready, slot.job, slot.started = False, None, None

    def run(self, jobs: list[Job], done: Callable[[int, Union[Outcome, _Failed], float], None]) -> None:
        """Run every job; `done(index, answer, seconds)` is called once per job, in finishing order."""
        pending = list(range(len(jobs)))
        pending.reverse()
        timeout = self.limits.timeout
        self._done = done
        while pending or any(s.job is not None for s in self.slots):
            for slot in self.slots:
                if slot.ready and slot.job is None and pending:
                    index = pending.pop()
                    try:
                        slot.conn.send((index, jobs[index], self.limits))
                    except (OSError, EOFError):  # the worker died while idle: another one takes the claim
                        pending.append(index)
                        self.failed_starts += 1
                        self._replace(slot)
                        continue
                    except Exception as exc:  # the job did not pickle: nothing was sent
                        done(index, Outcome.internal_error(
                            f"the claim could not be sent to a worker: {type(exc).__name__}: {exc}"), 0.0)
                        continue
                    slot.job, slot.sent, slot.started = index, time.perf_counter(), None
            now = time.perf_counter()
            wait_for = max(0.0, min(s.deadline(timeout) for s in self.slots) - now)
            ready = wait([s.conn for s in self.slots] + [s.process.sentinel for s in self.slots],
                         timeout=min(wait_for, START_GRACE) + 0.01)
            now = time.perf_counter()
            for slot in self.slots:
                if slot.conn in ready:
                    try:
                        while slot.conn.poll():
                            message = slot.conn.recv()
                            if message[0] == "ready":
                                slot.ready, self.failed_starts = True, 0
                            elif message[0] == "started" and message[1] == slot.job:
                                slot.start(time.perf_counter(), timeout)
                            elif message[0] == "done" and message[1] == slot.job:
                                index, slot.job, slot.started = slot.job, None, None
                                done(index, message[2], message[3])
                    except (EOFError, OSError):
                        self._lost(slot, now)
                        continue
                if slot.process.sentinel in ready and not slot.process.is_alive() and not slot.conn.poll():
                    self._lost(slot, now)
                elif now >= slot.deadline(timeout) and (slot.started is None or slot.used_up(now, timeout)):
                    self._overran(slot, now, timeout)
            if self.failed_starts > 3 * self.size:
                while pending:
                    done(pending.pop(), Outcome.internal_error("the checker processes could not start"), 0.0)

    def _lost(self, slot: _Slot, now: float) -> None:
        """The worker died: its claim (if any) is unknown, and a fresh worker replaces it."""
        if slot.job is None:
            self.failed_starts += 0 if slot.ready else 1
            self._replace(slot)
            return
        outcome, seconds = self._died(slot), now - (slot.started or slot.sent)
        index = slot.job
        self._replace(slot)
        self._done(index, outcome, seconds)

    def _overran(self, slot: _Slot, now: float, timeout: float) -> None:
        index, started = slot.job, slot.started
        self._replace(slot)
        if index is None:
            self.failed_starts += 1
            return
        if started is None:
            outcome = Outcome.unknown(f"the checker process did not start the claim within {START_GRACE:g} s; "
                                      "the machine may be overloaded (try fewer --jobs)")
            seconds = 0.0
        else:
            outcome = Outcome.unknown(
                f"time limit of {timeout:g} s exceeded; raise it with --timeout, or split the claim")
            seconds = now - started
        self._done(index, outcome, seconds)

    def _died(self, slot: _Slot) -> Outcome:
        code = slot.process.exitcode
        if code is not None and code < 0:
            try:
                what = signal.Signals(-code).name
            except ValueError:
                what = f"signal {-code}"
            return Outcome.unknown(f"the checker process died ({what}), perhaps out of memory "
                                   f"(cap {self.limits.memory_mb} MB)")
        return Outcome.internal_error(f"the checker process exited unexpectedly (code {code})")


# --------------------------------------------------------------------- runs


def _result(task: Task, answer: Union[Outcome, _Failed], seconds: float) -> Result:
    if isinstance(answer, _Failed):
        span = answer.span
        line = span.line or task.line
        return Result(name=task.name, verdict=Verdict.ERROR, expected=task.expected, reason=answer.message,
                      line=line, column=span.column, seconds=seconds, file=task.path,
                      source=caret_block(task.text, span) if span.line else task.source)
    return Result(name=task.name, verdict=answer.verdict, expected=task.expected, witness=answer.witness,
                  bound=answer.bound, reason=answer.reason, method=answer.method, line=task.line,
                  seconds=seconds, file=task.path, source=task.source, steps=answer.steps,
                  internal=answer.internal, repair=answer.repair, figure=answer.figure)


def _known(task: Task) -> Optional[Result]:
    """The result of a task decided without a worker: an error, or an elaboration
    error found because someone asked for `task.claim` in this process."""
    if task.job is None:
        return task.decided
    if "_elaborated" in task.__dict__:
        return task.__dict__["_elaborated"][1]
    return None


def run_tasks(tasks: list[Task], limits: Limits = Limits(), jobs: int = 1,
              on_result: Optional[Callable[[Result], None]] = None, cache=None) -> list[Result]:
    """Check every task; results come back in task order (on_result streams them in order).
    With a `prove.cache.ResultCache`, a claim checked before is answered from it."""
    results: list[Optional[Result]] = [_known(t) for t in tasks]
    keys = cache.answer(tasks, results, limits, _result) if cache is not None else {}
    runnable = [i for i, r in enumerate(results) if r is None]
    emitted = 0

    def flush():
        nonlocal emitted
        while emitted < len(results) and results[emitted] is not None:
            if on_result:
                on_result(results[emitted])
            emitted += 1

    def done(k: int, answer: Union[Outcome, _Failed], seconds: float) -> None:
        results[runnable[k]] = _result(tasks[runnable[k]], answer, seconds)
        if runnable[k] in keys and isinstance(answer, Outcome):
            cache.put(*keys[runnable[k]], answer, seconds)
        flush()

    flush()
    if runnable:
        with Pool(min(jobs, len(runnable)), limits) as pool:
            pool.run([tasks[i].job for i in runnable], done)
    flush()
    return [r for r in results if r is not None]


def check_text(text: str, path: str = "<text>", limits: Limits = Limits(), jobs: int = 1,
               on_result=None) -> list[Result]:
    return run_tasks(tasks_for_text(text, path), limits, jobs, on_result)


def check_paths(paths, limits: Limits = Limits(), jobs: int = 1, on_result=None,
                on_start=None, markdown: bool = False, cache=None) -> list[Result]:
    """Check every claim under `paths` (UsageError when a path is missing);
    `markdown`: folders give their Markdown files with `claims` blocks too."""
    files = collect(paths, markdown)
    if cache is not None:  # an unchanged file is answered from its file entry, unread
        from prove.filecache import check_files
        return check_files(files, limits, jobs, on_result, on_start, cache)
    tasks: list[Task] = []
    for f in files:
        tasks.extend(tasks_for_file(f))
    if on_start:
        on_start(tasks)
    return run_tasks(tasks, limits, jobs, on_result, cache)


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 4))

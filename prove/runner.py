"""Files to results: parse, elaborate, then check each claim in a worker
process under a hard time limit and a memory cap.

A worker that overruns is killed and replaced, one that crashes is
replaced; either way that claim is `unknown` with the reason and every other
verdict of the run survives.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Iterable, Optional, Union

from prove import ast as A
from prove.elaborate import Claim, elaborate, module_context, without
from prove.errors import ProveError, caret_block
from prove.parser import parse_tolerant
from prove.solver import Limits
from prove.verdict import Outcome, Result, Verdict


class UsageError(Exception):
    """A problem with how the command was called (exit code 2)."""


# ------------------------------------------------------------------ loading


@dataclass
class Task:
    """One claim of a file, ready to run or already decided (an error)."""

    path: str
    name: str
    line: int
    expected: str
    source: str
    claim: Optional[Claim] = None
    result: Optional[Result] = None


def collect(paths: Iterable[Union[str, Path]]) -> list[Path]:
    """Files named, and every `*.claims` below folders named, in order."""
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*.claims") if q.is_file())
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            raise UsageError(f"no such file or folder: {raw}")
    return files


def tasks_for_text(text: str, path: str) -> list[Task]:
    module, bad = parse_tolerant(text, path)
    lines = text.splitlines()
    tasks: list[Task] = []

    def error_task(err: ProveError, name: str, expected: str = "proved") -> Task:
        source = caret_block(text, err.span)
        result = Result(name=name or "(statement)", verdict=Verdict.ERROR, expected=expected,
                        reason=err.describe(), method="", line=err.span.line, column=err.span.column,
                        file=path, source=source)
        return Task(path, result.name, err.span.line, expected, source, result=result)

    for b in bad:
        tasks.append(error_task(b.error, b.name, b.expect or "proved"))
    ctx, failed = module_context(module, path)
    for use, err in failed:
        tasks.append(error_task(err, f"use {use.target}"))
    for item in module.items:
        if not isinstance(item, A.ClaimDecl):
            continue
        expected = item.expect or "proved"
        line = item.span.line
        source = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        local = without(ctx, item.name)
        try:
            claim = elaborate(item, path, local)
        except ProveError as err:
            tasks.append(error_task(err, item.name, expected))
            continue
        tasks.append(Task(path, item.name, line, expected, source, claim=claim))
    tasks.sort(key=lambda t: t.line)
    return tasks


# ------------------------------------------------------------------ workers


def _worker(conn, memory_mb: int) -> None:
    try:
        import resource
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ImportError, ValueError, OSError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from prove.solver import check

    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        index, claim, limits = job
        start = time.perf_counter()
        try:
            outcome = check(claim, limits)
        except MemoryError:
            outcome = Outcome.unknown(f"the memory limit of {memory_mb} MB was exceeded")
        except RecursionError:
            outcome = Outcome.unknown("the expression is nested too deeply for the checker")
        except Exception as exc:  # a backend bug must not lose the run
            outcome = Outcome.unknown(f"the checker failed: {type(exc).__name__}: {exc}")
        try:
            conn.send((index, outcome, time.perf_counter() - start))
        except Exception as exc:
            conn.send((index, Outcome.unknown(f"the result could not be returned: {exc}"),
                       time.perf_counter() - start))


@dataclass
class _Slot:
    process: mp.Process
    conn: object
    job: Optional[int] = None
    started: float = 0.0


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

    def _spawn(self) -> _Slot:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker, args=(child, self.limits.memory_mb), daemon=True)
        proc.start()
        child.close()
        return _Slot(proc, parent)

    def __enter__(self):
        # Warm the workers: they fork with SymPy already imported.
        import sympy  # noqa: F401
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
        slot.process, slot.conn, slot.job = fresh.process, fresh.conn, None

    def run(self, claims: list[Claim], done: Callable[[int, Outcome, float], None]) -> None:
        pending = list(range(len(claims)))
        pending.reverse()
        active = 0
        timeout = self.limits.timeout
        while pending or active:
            for slot in self.slots:
                if slot.job is None and pending:
                    index = pending.pop()
                    slot.conn.send((index, claims[index], self.limits))
                    slot.job, slot.started = index, time.perf_counter()
                    active += 1
            busy = [s for s in self.slots if s.job is not None]
            now = time.perf_counter()
            wait_for = max(0.0, min(s.started + timeout for s in busy) - now)
            ready = wait([s.conn for s in busy] + [s.process.sentinel for s in busy], timeout=wait_for + 0.01)
            now = time.perf_counter()
            for slot in busy:
                if slot.conn in ready:
                    try:
                        index, outcome, seconds = slot.conn.recv()
                    except (EOFError, OSError):
                        index, outcome, seconds = slot.job, self._died(slot), now - slot.started
                        self._replace(slot)
                        done(index, outcome, seconds)
                        active -= 1
                        continue
                    slot.job = None
                    active -= 1
                    done(index, outcome, seconds)
                elif slot.process.sentinel in ready and not slot.process.is_alive():
                    index = slot.job
                    outcome = self._died(slot)
                    self._replace(slot)
                    active -= 1
                    done(index, outcome, now - slot.started)
                elif now - slot.started >= timeout:
                    index = slot.job
                    self._replace(slot)
                    active -= 1
                    done(index, Outcome.unknown(
                        f"time limit of {timeout:g} s exceeded; raise it with --timeout, or split the claim"),
                        now - slot.started)

    def _died(self, slot: _Slot) -> Outcome:
        code = slot.process.exitcode
        if code is not None and code < 0:
            try:
                what = signal.Signals(-code).name
            except ValueError:
                what = f"signal {-code}"
            return Outcome.unknown(f"the checker process died ({what}), perhaps out of memory "
                                   f"(cap {self.limits.memory_mb} MB)")
        return Outcome.unknown(f"the checker process exited unexpectedly (code {code})")


# --------------------------------------------------------------------- runs


def run_tasks(tasks: list[Task], limits: Limits = Limits(), jobs: int = 1,
              on_result: Optional[Callable[[Result], None]] = None) -> list[Result]:
    """Check every task; results come back in task order (on_result streams them in order)."""
    results: list[Optional[Result]] = [t.result for t in tasks]
    runnable = [i for i, t in enumerate(tasks) if t.claim is not None]
    emitted = 0

    def flush():
        nonlocal emitted
        while emitted < len(results) and results[emitted] is not None:
            if on_result:
                on_result(results[emitted])
            emitted += 1

    def done(k: int, outcome: Outcome, seconds: float) -> None:
        t = tasks[runnable[k]]
        results[runnable[k]] = Result(
            name=t.name, verdict=outcome.verdict, expected=t.expected, witness=outcome.witness,
            bound=outcome.bound, reason=outcome.reason, method=outcome.method, line=t.line,
            seconds=seconds, file=t.path, source=t.source, steps=outcome.steps)
        flush()

    flush()
    if runnable:
        with Pool(min(jobs, len(runnable)), limits) as pool:
            pool.run([tasks[i].claim for i in runnable], done)
    flush()
    return [r for r in results if r is not None]


def check_text(text: str, path: str = "<text>", limits: Limits = Limits(), jobs: int = 1,
               on_result=None) -> list[Result]:
    return run_tasks(tasks_for_text(text, path), limits, jobs, on_result)


def check_paths(paths, limits: Limits = Limits(), jobs: int = 1, on_result=None,
                on_start=None) -> list[Result]:
    tasks: list[Task] = []
    for f in collect(paths):
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read {f}: {exc}")
        tasks.extend(tasks_for_text(text, str(f)))
    if on_start:
        on_start(tasks)
    return run_tasks(tasks, limits, jobs, on_result)


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 4))

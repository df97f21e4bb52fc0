"""File entries of the result cache: an unchanged file is not even parsed.

Method.  A claim file whose every result was final (read from the claim
entries of `prove.cache`, or stored there, or an error of the file's own text)
gets a file entry, keyed by the sha256 of the tool's fingerprint, the limits,
the file's name as the run shows it and its bytes.  The entry lists what
reading the file depended on beyond its bytes: every `use` it (or a file it
used, to any depth) resolved, with the folder and file it resolved to and
whether that file existed, and the sha256 of every file a `use` read
(`prove.scope.USE_LOG`).  For each claim it holds the claim entry's key and
place and what the report shows of the claim (name, line, source, expected);
for each error, the error's result.

Soundness.  A file entry is used only when, now: the file's bytes are those
of the key; every recorded `use` resolves to the same file, which exists as
it did, in a folder that resolves as it did; every file read has the same
bytes; and every claim entry it names is still there, signed by this user
(`ResultCache.get`, the same test as any claim's lookup).  Anything else, and
the file is read and its claims are looked up one by one as before.  An entry
is signed like a claim entry, so one not written by this user's runs is not
read.  A file with a result that is not final (an `unknown` from a time limit
or a solver budget, an internal error) gets no file entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from dataclasses import replace
from pathlib import Path
from typing import Optional

from prove import scope
from prove.cache import _sign, tool_fingerprint
from prove.verdict import Result, Verdict

TABLE = "files_v3"
_SHOWN = ("name", "expected", "line", "source")  # what a claim's result takes from its task


def _digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def _unchanged(record: list) -> bool:
    """Whether one `use` record of `prove.scope.USE_LOG` still holds."""
    if record[0] == "content":
        return _digest(record[1]) == record[2]
    _, user, target, is_file, root, resolved, existed = record
    try:
        if is_file:
            now_root = Path(user).parent.resolve()
            now = (now_root / target).resolve()
            if str(now_root) != root:
                return False
        else:
            now = (scope.LEMMA_DIR / f"{target}.claims").resolve()
        return str(now) == resolved and now.is_file() == existed
    except (OSError, RuntimeError):
        return False


class FileEntries:
    """The file entries of one `prove.cache.ResultCache`, for one run's limits."""

    def __init__(self, cache, limits):
        self.cache = cache
        self.head = [tool_fingerprint(), float(limits.timeout), int(limits.memory_mb)]
        self.keys: dict[str, str] = {}  # shown path -> key, for files that missed

    def _db(self) -> Optional[sqlite3.Connection]:
        db = self.cache._conn()
        if db is not None and not getattr(self.cache, "_files_table", False):
            try:
                db.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (key TEXT PRIMARY KEY, entry TEXT NOT NULL, "
                           "stored REAL NOT NULL, mac TEXT NOT NULL)")
                self.cache._files_table = True
            except sqlite3.Error:
                return None
        return db

    def key(self, path: Path) -> Optional[str]:
        from prove.runner import MAX_FILE_BYTES

        try:
            if os.path.getsize(path) > MAX_FILE_BYTES:
                return None
            data = path.read_bytes()
        except OSError:
            return None
        head = json.dumps(self.head + [str(path), hashlib.sha256(data).hexdigest()])
        return hashlib.sha256(head.encode()).hexdigest()

    def lookup(self, path: Path) -> Optional[list[Result]]:
        """The results of an unchanged file, each marked cached; None on any doubt."""
        key = self.key(path)
        db = self._db() if key is not None else None
        if db is None:
            return None
        self.keys[str(path)] = key
        try:
            row = db.execute(f"SELECT entry, mac FROM {TABLE} WHERE key = ?", (key,)).fetchone()
            if row is None or not self._signed(key, *row):
                return None
            entry = json.loads(row[0])
            if not all(_unchanged(record) for record in entry["uses"]):
                return None
            results = []
            for item in entry["items"]:
                if "claim" in item:
                    outcome = self.cache.get(*item["claim"])
                    if outcome is None:
                        return None
                    results.append(_claim_result(item, outcome, str(path)))
                else:
                    results.append(replace(_error_result(item["error"]), cached=True))
            return results
        except (sqlite3.Error, ValueError, KeyError, TypeError):
            return None

    def _signed(self, key: str, entry: str, mac: str) -> bool:
        import hmac

        return hmac.compare_digest(mac, _sign(self.cache._secret, "file", key, entry))

    def store(self, path: str, uses: list, tasks: list, results: list[Result]) -> None:
        """A file entry for a file read in this run, when every result of it is final."""
        key = self.keys.get(path)
        if key is None or self.key(Path(path)) != key:  # changed while it was being checked
            return
        items = []
        for task, result in zip(tasks, results):
            if result.internal:
                return
            if result.verdict is Verdict.ERROR:
                if result.steps or result.repair or result.witness:
                    return
                items.append({"error": _error_json(result)})
                continue
            known = self.cache.task_keys.get(id(task))
            if task.job is None or known is None or known[0] not in self.cache.final_keys:
                return
            items.append({"claim": list(known[:2]), **{f: getattr(task, f) for f in _SHOWN}})
        if any(not _unchanged(record) for record in uses):  # a used file changed meanwhile
            return
        db = self._db()
        if db is None:
            return
        text = json.dumps({"uses": uses, "items": items}, sort_keys=True)
        try:
            db.execute(f"INSERT OR REPLACE INTO {TABLE} VALUES (?, ?, ?, ?)",
                       (key, text, time.time(), _sign(self.cache._secret, "file", key, text)))
        except sqlite3.Error:
            pass


def _claim_result(item: dict, outcome, path: str) -> Result:
    """What the runner makes of a claim's outcome, answered from the cache."""
    from prove.runner import Task, _result

    task = Task(path, item["name"], item["line"], item["expected"], item["source"])
    return replace(_result(task, outcome, 0.0), cached=True)


_ERROR_FIELDS = ("name", "expected", "reason", "method", "line", "column", "file", "source")


def _error_json(result: Result) -> dict:
    return {f: getattr(result, f) for f in _ERROR_FIELDS}


def _error_result(data: dict) -> Result:
    return Result(verdict=Verdict.ERROR, **{f: data[f] for f in _ERROR_FIELDS})


def check_files(files: list[Path], limits, jobs: int, on_result, on_start, cache) -> list[Result]:
    """`runner.check_paths` with a cache: unchanged files answered from their file entries."""
    from prove.runner import Task, run_tasks, tasks_for_file

    entries = FileEntries(cache, limits)
    tasks, read = [], []
    for f in files:
        hit = entries.lookup(f)
        if hit is not None:
            tasks.extend(Task(r.file, r.name, r.line, r.expected, r.source, decided=r) for r in hit)
            continue
        scope.USE_LOG = []
        try:
            own = tasks_for_file(f)
            read.append((str(f), scope.USE_LOG, len(tasks), len(own)))
        finally:
            scope.USE_LOG = None
        tasks.extend(own)
    if on_start:
        on_start(tasks)
    results = run_tasks(tasks, limits, jobs, on_result, cache)
    if len(results) == len(tasks):
        for path, uses, start, count in read:
            entries.store(path, uses, tasks[start:start + count], results[start:start + count])
    return results

"""The result cache: a claim's verdict, kept under a key of everything it depends on.

Method.  The key is the sha256 of a canonical JSON serialisation of what the
worker receives for the claim (`runner.Job`): its declaration, the `let`s it
reaches, and every lemma it may reach through `by lemma` (each lemma's
declaration and the `let`s it reaches in its own file, with the lemmas that
one cites, to any depth; lemma files that `use` others included); together
with the limits (time and memory), the versions of Python, SymPy, mpmath, Z3
and lark, and a fingerprint of the tool: its version and the bytes of every
source, grammar and library file of the installed `prove` package (so a
development checkout that changes any line of the checker never reuses a
verdict of the old code).  Nothing is read through pickle: keys and stored
results are JSON.

Positions and file names are not in the key: a claim moved down its file, or
the same claim in another student's file, finds its verdict; the report gives
the new file and line.  They are kept beside the entry ("the place"), and a
result whose text depends on them (calc steps, any mention of a line, a
column or a file name of the old place) is used only at the same place.

Soundness.  Stored are the definite verdicts, `proved`, `verified` and
`refuted` (a refutation already re-checked by exact evaluation when it was
made), and the `unknown`s that `backends.base.check` marks settled: reached
while no deadline cut work short and no solver ran under a time budget, with
no caught failure in their reason ("this method cannot decide": the same
inputs give it again).  Any other `unknown` is never stored, since it may
come from a time limit, a solver budget, a memory cap, a loaded machine or an
internal error, and a later run may decide it; `error` is cheap to find again.  A key covers every input of the
check, so a hit is the verdict the same code gave the same claim under the
same limits.  Every entry is signed with a key only this user holds (an
HMAC with a random secret kept outside the checked tree, `~/.config/prove/cache.key`
or `$PROVE_CACHE_KEY`): an entry that does not carry this user's signature,
such as one shipped in a student's `.prove_cache/`, is not read; its claim is
checked.  Any failure of the cache (a locked, corrupt
or unwritable database) costs the caching, never the run: claims are then
simply checked.

Concurrency.  SQLite in WAL mode with a busy timeout; only the parent process
of a run writes (workers never open the database), one short transaction
per result, so concurrent runs and `--jobs` share one cache safely.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import re
import sqlite3
import sys
import time
from dataclasses import fields, is_dataclass
from fractions import Fraction
from pathlib import Path
from typing import Iterable, Optional, Union

from prove import ast as A
from prove.figure import Figure
from prove.verdict import Outcome, Repair, Step, Verdict

CACHE_DIR_NAME = ".prove_cache"
DB_NAME = "results.sqlite"
ENV_DIR = "PROVE_CACHE_DIR"
ENV_KEY = "PROVE_CACHE_KEY"  # the file holding this user's signing key
SCHEMA = 3
TABLE = "results_v3"  # entries of schema 1 carried no signature; of 2, no settled unknowns
STORED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.REFUTED)
_PLACE_WORDS = re.compile(r"\b(line|lines|column)\b")


class Uncacheable(Exception):
    """A job whose inputs this module cannot serialise: it is checked, never cached."""


# ------------------------------------------------------------------ the key

_FINGERPRINT: Optional[str] = None


def tool_fingerprint() -> str:
    """The tool's version, a hash of its own files, and the versions of what it runs on."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        import prove

        h = hashlib.sha256(f"prove {prove.__version__} schema {SCHEMA}\n".encode())
        root = Path(prove.__file__).resolve().parent
        for p in sorted(root.rglob("*")):
            if p.suffix in (".py", ".lark", ".claims") and p.is_file() and "__pycache__" not in p.parts:
                h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
        h.update(f"python {sys.version_info[:3]}\n".encode())
        for dist in ("sympy", "mpmath", "z3-solver", "lark"):
            h.update(f"{dist} {_dist_version(dist)}\n".encode())
        _FINGERPRINT = h.hexdigest()
    return _FINGERPRINT


def _dist_version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def _canon(value, spans: list):
    """A JSON-able form of an AST value with every span moved out to `spans`."""
    if isinstance(value, A.Span):
        spans.append([value.line, value.column, value.end_line, value.end_column])
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, Fraction):
        return ["Q", value.numerator, value.denominator]
    if isinstance(value, tuple):
        return ["T", [_canon(v, spans) for v in value]]
    if is_dataclass(value) and isinstance(value, A.Node):
        body = {}
        for f in fields(value):
            item = getattr(value, f.name)
            if isinstance(item, A.Span):
                _canon(item, spans)
            else:
                body[f.name] = _canon(item, spans)
        return [type(value).__name__, body]
    raise Uncacheable(f"cannot serialise {type(value).__name__}")


class KeyMaker:
    """Keys for the jobs of one run; lemma entries shared by many claims are serialised once."""

    def __init__(self, limits):
        self.head = [tool_fingerprint(), float(limits.timeout), int(limits.memory_mb)]
        self._local: dict[int, tuple[str, list, list[str], dict]] = {}

    def key(self, job) -> tuple[str, str, list[str]]:
        """(content key, place digest, file names of the place) of a job; raises Uncacheable."""
        try:
            spans: list = []
            own = [_canon(job.decl, spans), [_canon(let, spans) for let in job.lets]]
            names = [job.path]
            # The lemmas reachable from the claim, numbered in breadth-first order with the
            # citations of each taken by name: a faithful, canonical picture of the graph
            # (cycles included) that the worker elaborates.
            number: dict[int, int] = {}
            entries: list = []

            def node(entry) -> int:
                if id(entry) not in number:
                    number[id(entry)] = len(entries)
                    entries.append(entry)
                return number[id(entry)]

            top = [[name, node(entry)] for name, entry in sorted(job.lemmas, key=lambda p: p[0])]
            graph = []
            k = 0
            while k < len(entries):
                digest, entry_spans, path, cites = self._entry(entries[k])
                graph.append([digest, [[n, node(e)] for n, e in sorted(cites.items(), key=lambda p: p[0])]])
                spans.append(entry_spans)
                names.append(path)
                k += 1
        except RecursionError:
            raise Uncacheable("nested too deeply to serialise")
        content = json.dumps([self.head, own, top, graph], separators=(",", ":"))
        place = json.dumps([names, spans], separators=(",", ":"))
        return (hashlib.sha256(content.encode()).hexdigest(), hashlib.sha256(place.encode()).hexdigest(),
                sorted({Path(n).name for n in names}))

    def _entry(self, entry) -> tuple[str, list, str, dict]:
        """A lemma's own digest (its declaration and the lets it reaches in its file), its spans,
        its file and the lemmas it cites there, by name (what `runner._job` gives its worker)."""
        known = self._local.get(id(entry))
        if known is None:
            from prove.runner import _job  # late: the runner imports this module

            closure = _job(entry.decl, entry.path, entry.context)
            spans: list = []
            own = [_canon(closure.decl, spans), [_canon(let, spans) for let in closure.lets]]
            digest = hashlib.sha256(json.dumps(own, separators=(",", ":")).encode()).hexdigest()
            known = self._local[id(entry)] = (digest, spans, entry.path, dict(closure.lemmas), entry)
        return known[:4]


# --------------------------------------------------------------- the store


def outcome_to_json(o: Outcome) -> dict:
    return {"verdict": o.verdict.value, "settled": o.settled, "method": o.method, "witness": o.witness,
            "bound": o.bound, "reason": o.reason, "internal": o.internal,
            "steps": [{"line": s.line, "verdict": s.verdict.value, "witness": s.witness, "reason": s.reason,
                       "method": s.method, "text": s.text} for s in o.steps],
            "repair": None if o.repair is None else {"condition": o.repair.condition,
                                                     "verdict": o.repair.verdict.value},
            "figure": None if o.figure is None else o.figure.to_json()}


def outcome_from_json(d: dict) -> Outcome:
    repair = d["repair"]
    return Outcome(Verdict(d["verdict"]), method=d["method"], witness=d["witness"], bound=d["bound"],
                   reason=d["reason"], internal=bool(d["internal"]), settled=bool(d["settled"]),
                   steps=tuple(Step(line=s["line"], verdict=Verdict(s["verdict"]), witness=s["witness"],
                                    reason=s["reason"], method=s["method"], text=s["text"]) for s in d["steps"]),
                   repair=None if repair is None else Repair(repair["condition"], Verdict(repair["verdict"])),
                   figure=Figure.from_json(d.get("figure")))


def storable(o: Outcome) -> Optional[str]:
    """The stored text of an outcome, or None when it must not be stored (see the module's docstring)."""
    if not final(o):
        return None
    try:
        text = json.dumps(outcome_to_json(o), sort_keys=True)
        if outcome_from_json(json.loads(text)) != o:  # it would not come back the same: check it again
            return None
    except (TypeError, ValueError, KeyError):
        return None
    return text


def final(o: Outcome) -> bool:
    """A definite verdict, or a settled unknown: the same key gives it again."""
    return not o.internal and (o.verdict in STORED or (o.verdict is Verdict.UNKNOWN and o.settled))


def _depends_on_place(text: str, names: list[str]) -> bool:
    data = json.loads(text)
    return bool(data["steps"]) or bool(_PLACE_WORDS.search(text)) or any(n and n in text for n in names)


def signing_key() -> Optional[bytes]:
    """This user's secret for signing cache entries, made on first use (mode 0600);
    None when it can be neither read nor made (then nothing is cached)."""
    path = Path(os.environ.get(ENV_KEY) or
                Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "prove" / "cache.key")
    for _ in range(2):
        try:
            data = path.read_bytes()
            return data if len(data) >= 32 else None
        except FileNotFoundError:
            pass
        except OSError:
            return None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
        except FileExistsError:
            continue  # another run made it first: read theirs
        except OSError:
            return None
    return None


def _sign(secret: bytes, *parts: str) -> str:
    return hmac.new(secret, "\x00".join(parts).encode(), hashlib.sha256).hexdigest()


class ResultCache:
    """One SQLite database of results; every method swallows database failures."""

    def __init__(self, directory: Union[str, Path]):
        self.directory = Path(directory)
        self._db: Optional[sqlite3.Connection] = None
        self._secret: Optional[bytes] = None
        self.broken = False
        self.task_keys: dict[int, tuple] = {}  # id(task) -> its key, place and names, in this run
        self.final_keys: set[str] = set()  # keys answered from the cache or stored in this run

    def _conn(self) -> Optional[sqlite3.Connection]:
        if self._db is None and not self.broken:
            self._secret = signing_key()
            if self._secret is None:
                self.broken = True
                return None
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.directory / DB_NAME, timeout=30.0, isolation_level=None)
                db.execute("PRAGMA busy_timeout = 30000")
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = NORMAL")
                db.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (key TEXT PRIMARY KEY, place TEXT NOT NULL, "
                           "names TEXT NOT NULL, outcome TEXT NOT NULL, seconds REAL NOT NULL, "
                           "stored REAL NOT NULL, mac TEXT NOT NULL)")
                self._db = db
            except (sqlite3.Error, OSError):
                self.broken = True
        return self._db

    def answer(self, tasks: list, results: list, limits, result_of) -> dict:
        """Fill in (as `cached`) the results of the runner's tasks that this cache holds;
        return the keys of the others, by index, for `put` when their results come."""
        from dataclasses import replace

        maker, keys = KeyMaker(limits), {}
        for i, task in enumerate(tasks):
            if results[i] is not None:
                continue
            try:
                keys[i] = self.task_keys[id(task)] = maker.key(task.job)
            except Uncacheable:
                continue
            hit = self.get(*keys[i][:2])
            if hit is not None:
                results[i] = replace(result_of(task, hit, 0.0), cached=True)
                self.final_keys.add(keys[i][0])
        return keys

    def get(self, key: str, place: str) -> Optional[Outcome]:
        db = self._conn()
        if db is None:
            return None
        try:
            row = db.execute(f"SELECT place, names, outcome, mac FROM {TABLE} WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            stored_place, names, text, mac = row
            if not hmac.compare_digest(mac, _sign(self._secret, key, stored_place, names, text)):
                return None  # not written by this user's runs
            if stored_place != place and _depends_on_place(text, json.loads(names)):
                return None
            outcome = outcome_from_json(json.loads(text))
        except (sqlite3.Error, ValueError, KeyError, TypeError):
            return None
        return outcome if final(outcome) else None

    def put(self, key: str, place: str, names: list[str], outcome: Outcome, seconds: float) -> None:
        text = storable(outcome)
        db = self._conn()
        if text is None or db is None:
            return
        self.final_keys.add(key)
        try:
            names_text = json.dumps(names)
            db.execute(f"INSERT OR REPLACE INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (key, place, names_text, text, float(seconds), time.time(),
                        _sign(self._secret, key, place, names_text, text)))
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None


def cache_dir(paths: Iterable[Union[str, Path]]) -> Path:
    """`$PROVE_CACHE_DIR`, else `.prove_cache` in the folder the checked paths have in common
    (a folder named is its own place, a file is in its parent's)."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    anchors = []
    for raw in paths:
        p = Path(raw).resolve()
        anchors.append(str(p if p.is_dir() else p.parent))
    base = Path(os.path.commonpath(anchors)) if anchors else Path.cwd()
    return base / CACHE_DIR_NAME


def open_cache(paths: Iterable[Union[str, Path]]) -> ResultCache:
    return ResultCache(cache_dir(paths))


def clear(directory: Union[str, Path]) -> bool:
    """Remove a cache folder's database; True when there was one."""
    directory = Path(directory)
    found = False
    for suffix in ("", "-wal", "-shm"):
        p = directory / (DB_NAME + suffix)
        if p.exists():
            p.unlink()
            found = True
    try:
        directory.rmdir()  # only when nothing else lives there
    except OSError:
        pass
    return found

"""`prove lemmas`: list the shipped lemma library, or check one lemma.

    prove lemmas                 every lemma, grouped by file, with its statement
    prove lemmas softmax         the lemmas of one file
    prove lemmas sigmoid_deriv   one lemma: its source, its statement, its verdict (checked now)
    prove lemmas --check         check the whole library
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="prove lemmas",
        description="The shipped lemma library: `use SUBJECT` in a claim file brings a file's "
                    "definitions and lemmas into scope; `by lemma NAME` cites one.",
    )
    p.add_argument("name", nargs="?", metavar="NAME", help="a lemma (printed and checked) or a subject (listed)")
    p.add_argument("--check", action="store_true", help="check every lemma listed and report its verdict")
    p.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                   help="time limit per lemma when checking (default 10)")
    return p


def _shown(path: Path) -> str:
    """The path as a user can find it: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _list(files, out) -> None:
    total = sum(len(f.lemmas) for f in files)
    for f in files:
        out.write(f"{f.subject}  ({len(f.lemmas)} lemmas; `use {f.subject}`; {_shown(f.path)})\n")
        if f.summary:
            out.write(f"  {f.summary}\n")
        for definition in f.definitions:
            out.write(f"  {definition}\n")
        width = max((len(x.name) for x in f.lemmas), default=0)
        for lemma in f.lemmas:
            out.write(f"  {lemma.name.ljust(width)}  {lemma.one_line}\n")
        out.write("\n")
    if len(files) > 1:
        out.write(f"{total} lemmas in {len(files)} files. `prove lemmas NAME` shows one with its source and verdict.\n")


def _check(lemmas, timeout: float) -> list:
    """Check lemmas through the runner, each in the context of its own file."""
    from prove.runner import default_jobs, run_tasks, tasks_for_text
    from prove.backends.base import Limits

    wanted: dict[Path, set[str]] = {}
    for lemma in lemmas:
        wanted.setdefault(lemma.path, set()).add(lemma.name)
    tasks = []
    for path, names in wanted.items():
        text = path.read_text(encoding="utf-8")
        tasks.extend(t for t in tasks_for_text(text, _shown(path)) if t.name in names)
    return run_tasks(tasks, Limits(timeout=timeout), default_jobs())


def _show_one(lemma, timeout: float, out) -> int:
    from prove.report import format_result

    out.write(f"{lemma.name}  (in {lemma.subject}: {_shown(lemma.path)}:{lemma.line})\n")
    if lemma.source:
        out.write(f"  # {lemma.source}\n")
    out.write(f"  claim {lemma.name}:\n")
    for line in lemma.statement.splitlines():
        out.write(f"  {line if line.startswith(' ') else '  ' + line}\n")
    out.write("\n")
    out.flush()
    results = _check([lemma], timeout)
    for r in results:
        out.write(format_result(r) + "\n")
    return EXIT_OK if results and all(r.as_expected for r in results) else EXIT_UNEXPECTED


def main(argv=None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # `prove lemmas | head`
        sys.stderr.close()
        return EXIT_OK


def _main(argv) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    from prove.library import load_library, suggest

    out = sys.stdout
    files = load_library()
    by_name = {lemma.name: lemma for f in files for lemma in f.lemmas}
    by_subject = {f.subject: f for f in files}

    if args.name is None:
        chosen = files
    elif args.name in by_name:
        if args.check:
            print("prove lemmas: --check takes a subject or nothing; `prove lemmas NAME` already checks one lemma",
                  file=sys.stderr)
            return EXIT_USAGE
        return _show_one(by_name[args.name], args.timeout, out)
    elif args.name in by_subject:
        chosen = [by_subject[args.name]]
    else:
        hints = suggest(args.name, sorted(by_name) + sorted(by_subject))
        message = f"prove lemmas: error: no lemma or lemma file named {args.name!r}"
        if hints:
            message += "; did you mean " + ", ".join(hints) + "?"
        message += "\n  `prove lemmas` lists the library."
        print(message, file=sys.stderr)
        return EXIT_USAGE

    if not args.check:
        _list(chosen, out)
        return EXIT_OK

    from prove.report import format_result, summary_line

    results = _check([lemma for f in chosen for lemma in f.lemmas], args.timeout)
    for r in results:
        out.write(format_result(r) + "\n")
    out.write(summary_line(results) + "\n")
    return EXIT_OK if all(r.as_expected for r in results) else EXIT_UNEXPECTED


if __name__ == "__main__":
    sys.exit(main())

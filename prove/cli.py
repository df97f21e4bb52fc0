"""The `prove` command: check claim files and report each verdict."""

from __future__ import annotations

import argparse
import os
import sys

from prove import __version__

EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage problems exit 2, as argparse does, but say how to get help
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"prove: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="prove",
        description="Check claim files of deep-learning mathematics: each claim is proved, verified "
                    "up to a stated bound, refuted with a checked counterexample, or unknown with a reason.",
        epilog="Exit codes: 0 every verdict as expected, 1 some verdict not as expected, 2 usage problem. "
               "`prove lemmas [NAME]` lists the shipped lemma library (a folder named lemmas is "
               "checked as `prove lemmas/` or `prove ./lemmas`). Verdicts are cached in .prove_cache/ "
               "beside the checked files (or $PROVE_CACHE_DIR); `prove cache clear [PATH]` empties it.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="claim files, Markdown files (their ```claims blocks), or folders to search for *.claims")
    p.add_argument("--timeout", type=_positive_float, default=10.0, metavar="SECONDS",
                   help="time limit per claim, in CPU seconds of its own work (default 10)")
    p.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="N",
                   help="claims checked in parallel (default: number of cores, at most 4)")
    p.add_argument("--memory", type=_positive_int, default=4096, metavar="MB",
                   help="memory cap per worker process (default 4096)")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text",
                   help="output format (csv: file, claim, verdict, expected, as_expected, seconds)")
    p.add_argument("--html", metavar="FILE", default=None,
                   help="also write a self-contained HTML report with pictures to FILE")
    p.add_argument("--md", action="store_true",
                   help="folders also give their Markdown files (*.md) that have ```claims blocks")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    p.add_argument("--no-cache", action="store_true",
                   help="check every claim again, neither reading nor writing the result cache")
    p.add_argument("--version", action="version", version=f"prove {__version__}")
    return p


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}")
    if not value > 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}")
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv=None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # `prove FILE | head`: the reader left; say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "lemmas":  # the subcommand, whatever the working directory holds
        from prove.lemmas_cli import main as lemmas_main
        return lemmas_main(argv[1:])
    if argv and argv[0] == "cache":
        return _cache_command(argv[1:])
    if "--list-lemmas" in argv:
        from prove.lemmas_cli import main as lemmas_main
        return lemmas_main([a for a in argv if a != "--list-lemmas"])
    args = build_parser().parse_args(argv)

    from prove.markdown import NO_BLOCKS, has_claims, is_markdown
    from prove.progress import Progress
    from prove.report import format_result, summary_line, to_csv, to_json
    from prove.runner import UsageError, check_paths, default_jobs
    from prove.backends.base import Limits

    colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty()
                                        and not os.environ.get("NO_COLOR") and args.format == "text")
    progress = Progress(sys.stderr)

    def on_start(tasks):
        progress.begin([t.path for t in tasks])

    def on_result(result):
        if args.format == "text":
            with progress.paused():
                print(format_result(result, colour), flush=True)
        progress.advance()

    def usage_problem(message: str) -> int:
        if args.format == "json":
            print(to_json([], error=message))
        print(f"prove: error: {message}", file=sys.stderr)
        return EXIT_USAGE

    empty_markdown = [p for p in args.paths if is_markdown(p) and os.path.isfile(p) and not has_claims(p)]
    limits = Limits(timeout=args.timeout, memory_mb=args.memory)
    from prove.cache import open_cache
    cache = None if args.no_cache else open_cache(args.paths)
    try:
        results = check_paths(args.paths, limits, args.jobs or default_jobs(), on_result, on_start,
                              markdown=args.md, cache=cache)
    except UsageError as exc:
        return usage_problem(str(exc))
    except KeyboardInterrupt:
        progress.close()
        print("\nprove: interrupted", file=sys.stderr)
        return 130
    finally:
        progress.close()
        if cache is not None:
            cache.close()
    if not results:
        hint = f" ({', '.join(empty_markdown)}: {NO_BLOCKS})" if empty_markdown else ""
        return usage_problem("no claims found under " + ", ".join(args.paths) + hint)
    for path in empty_markdown:
        print(f"prove: note: nothing checked in {path}: {NO_BLOCKS}", file=sys.stderr)
    if args.html:
        _write_html(results, args.html)
    if args.format == "json":
        print(to_json(results))
    elif args.format == "csv":
        print(to_csv(results), end="")
    else:
        print(summary_line(results))
    return EXIT_OK if all(r.as_expected for r in results) else EXIT_UNEXPECTED


def _write_html(results, path: str) -> None:
    """The HTML report, made after every verdict is in; failing to write it changes no verdict."""
    from prove.report_html import write_report

    try:
        write_report(results, path)
    except OSError as exc:
        print(f"prove: error: cannot write the HTML report {path}: {exc.strerror or exc}", file=sys.stderr)


def _cache_command(argv: list[str]) -> int:
    """`prove cache clear [PATH...]`: remove the result cache those paths would use."""
    p = _Parser(prog="prove cache", description="Manage the result cache.")
    p.add_argument("action", choices=("clear",))
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="the checked files or folders whose cache to clear (default: the current folder)")
    args = p.parse_args(argv)
    from prove.cache import cache_dir, clear

    where = cache_dir(args.paths or ["."])
    print(f"prove: {'cleared' if clear(where) else 'no cache at'} {where}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

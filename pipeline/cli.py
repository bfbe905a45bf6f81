"""`wirelake`: the command line. A thin shell over pipeline.steps and friends.

Every failure the user can cause or meet (bad registry, unreachable store, failed
crawl, bad SQL) ends as one line on stderr and a non-zero exit code, never a traceback;
`--debug` shows the traceback for bug reports.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import sys
import time
from datetime import date, datetime, timedelta, timezone

from pipeline import layout
from pipeline import sources as registry
from pipeline.console import EXIT_USAGE, INSTALL_AIRFLOW_EXTRA, OneLineParser, Stopped, counted, first_line, non_empty, port_number, stop_signal, stopped_by_signals

EXIT_FAILURE = 1
NEWSWEB_PORT = 8765
"""pipeline.newsweb's DEFAULT_PORT, for --port's default and help; importing it would load the
whole news web for every command (a test keeps the two equal)."""


def _day(text: str) -> date:
    """A UTC day that is over, as Airflow's runs require: a later one has no news yet, and
    today's crawl would be a partial day that looks like a finished partition."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
    if day > (today := datetime.now(timezone.utc).date()):
        raise argparse.ArgumentTypeError(f"{text} is in the future (today is {today}, UTC)")
    if day == today:
        raise argparse.ArgumentTypeError(f"{text} is not over yet (UTC): a partial day would look like a finished one")
    return day


def _days(command: str, first: date, last: date | None) -> list[date]:
    last = last or first
    if last < first:
        print(f"wirelake: error: {command}: --to {last} is before --date {first}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def format_table(rows: list[dict]) -> str:
    """Aligned plain-text table of dict rows (their keys are the header)."""
    if not rows:
        return "(no rows)"
    headers = list(rows[0])
    cells = [[str(row.get(h, "")) for h in headers] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, cells)])


# --- commands ---------------------------------------------------------------------


def cmd_sources_validate(args) -> int:
    sources, problems = registry.check_sources(args.file or args.sources)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return EXIT_USAGE
    print(f"{registry.resolve_path(args.file or args.sources)}: {counted(len(sources), 'source')} OK")
    return 0


def cmd_sources_list(args) -> int:
    sources = registry.load_sources(args.sources)
    rows = [
        {
            "name": s.name,
            "discovery": ",".join(s.discovery_methods()),
            "domains": ",".join(s.domains),
            "schedule": s.schedule,
            "delay": s.politeness.delay,
            "concurrency": s.politeness.concurrency,
        }
        for s in sources.values()
    ]
    print(format_table(rows))
    return 0


def run_days(plan: list[tuple[str, date]], store_uri: str | None, sources_path: str | None, debug: bool = False, refetch: bool = True) -> list:
    """Ingest each (source, day), printing progress; a failed day is reported on stderr, the rest still run.
    Without refetch each day is reprocessed from its stored raw WARC."""
    from pipeline.steps import DayReport, ingest_day, reprocess_day

    process, doing = (ingest_day, "crawling") if refetch else (reprocess_day, "reprocessing the stored raw pages")
    reports = []
    for index, (source, day) in enumerate(plan, 1):
        print(f"[{index}/{len(plan)}] {source} {day}: {doing}…", flush=True)
        started = time.monotonic()
        report = DayReport(source, day)
        try:
            process(source, day, store_uri, sources_path, report)
        except Exception as exc:  # noqa: BLE001 - one failed day must not stop the others; reported below
            if debug:
                raise
            report.failure = _one_line(exc)
        elapsed = time.monotonic() - started
        if report.failure:
            print(f"wirelake: error: [{index}/{len(plan)}] {source} {day}: FAILED: {report.failure} ({elapsed:.1f}s)", file=sys.stderr, flush=True)
        else:
            done = ", ".join(counted(n, noun) for n, noun in ((report.pages_fetched, "page"), (report.articles, "article"), (report.errors, "error")))
            print(f"[{index}/{len(plan)}] {source} {day}: {done} ({elapsed:.1f}s)", flush=True)
        reports.append(report)
    return reports


def _summary(reports: list, pages: str) -> list[dict]:
    """One row per source; `pages` heads the count of pages, which a reprocess read from the
    raw zone rather than fetched."""
    by_source: dict[str, dict] = {}
    for r in reports:
        row = by_source.setdefault(r.source, {"source": r.source, "days": 0, pages: 0, "articles": 0, "errors": 0, "failed days": 0})
        row["days"] += 1
        row[pages] += r.pages_fetched
        row["articles"] += r.articles
        row["errors"] += r.errors
        row["failed days"] += bool(r.failure)
    return list(by_source.values())


def _stored_days(store, source: str, days: list[date]) -> set[date]:
    """The days whose raw partition is complete (its crawl stats written), in one listing."""
    keys = set(store.list(layout.raw_source_prefix(source)))
    return {day for day in days if layout.crawl_stats_key(source, day) in keys}


def _plan(command: str, source: str, days: list[date], stored: set[date]) -> str:
    """What a range will do, before it starts: a backfill of years should not be a surprise."""
    span = f"{days[0]} to {days[-1]}"
    if command == "crawl":
        return (f"plan: crawl {source} for {counted(len(days), 'day')}, {span}; {len(stored)} already stored"
                " (a re-crawl replaces a stored day only when it finds at least quality.min_recrawl_share of it)")
    missing = [day for day in days if day not in stored]
    if len(days) == 1 and missing:  # a day asked for alone is not skipped
        return f"plan: reprocess {source} {days[0]}: it has no complete raw partition, so it fails (run the crawl first)"
    skipped = f"; skipping {len(missing)} without a complete raw partition: {', '.join(map(str, missing[:3]))}{', …' if len(missing) > 3 else ''}"
    return f"plan: reprocess {source} for {counted(len(stored), 'stored day')}, {span}{skipped if missing else ''}"


def _check_leaving_no_trace(store) -> None:
    """The run's own store check, for a dry run: the same error for a store the run would refuse
    (a file, a missing bucket). A local store's check creates its directory; a dry run leaves
    nothing behind, so what it created is removed again."""
    from pipeline.store import LocalStore

    created = []
    if isinstance(store, LocalStore):
        path = store.root
        while not path.exists() and path != path.parent:
            created.append(path)  # deepest first
            path = path.parent
    try:
        store.check()
    finally:
        for path in created:
            with contextlib.suppress(OSError):  # not created after all, or not empty: left as it is
                path.rmdir()


def cmd_crawl(args, refetch: bool = True) -> int:
    registry.get_source(args.source, args.sources)  # fail fast on an unknown source or day range
    days = _days(args.command, args.date, args.to)
    from pipeline.store import StoreURIError, open_store

    store = open_store(args.store)
    if not refetch and not store.found():  # reprocessing reads what is there: a mistyped --store is one error, not one per day
        raise StoreURIError(f"{store.uri}: no store there (nothing to reprocess)")
    if len(days) > 1 or args.dry_run:
        found = store.found()
        stored = _stored_days(store, args.source, days) if found else set()
        print(_plan(args.command, args.source, days, stored), flush=True)
        if args.dry_run:
            _check_leaving_no_trace(store)
            print(f"store: {store.uri}" + ("" if found else " (nothing there yet: the crawl creates it)"))
            return 0
        if not refetch:  # a range reprocesses what was crawled; one day asked for by name fails if it was not
            if not stored:
                print(f"wirelake: error: reprocess: no day from {days[0]} to {days[-1]} has a complete raw partition for {args.source}: run the crawl first", file=sys.stderr)
                return EXIT_FAILURE
            days = sorted(stored)
    store.check()  # and writes: a read-only store is one error, not one per day
    reports = run_days([(args.source, d) for d in days], args.store, args.sources, args.debug, refetch)
    print()
    print(format_table(_summary(reports, "pages fetched" if refetch else "stored pages")))
    print(f"store: {store.uri}")
    return EXIT_FAILURE if any(r.failure for r in reports) else 0


def cmd_reprocess(args) -> int:
    return cmd_crawl(args, refetch=False)


def cmd_demo(args) -> int:
    import tempfile
    from pathlib import Path

    from pipeline import newsweb
    from pipeline.store import open_store

    store = open_store(args.store)
    store.check()
    with newsweb.serve(args.port) as web, tempfile.TemporaryDirectory(prefix="wirelake-demo-") as tmp:
        sources_path = Path(tmp) / "sources.yaml"
        sources_path.write_text(web.sources_yaml())
        print(f"news web: {', '.join(f'{name} {url}' for name, url in web.base_urls.items())}")
        plan = [(source, day) for source, days in newsweb.demo_plan().items() for day in days]
        reports = run_days(plan, args.store, str(sources_path), args.debug)
    print()
    print(format_table(_summary(reports, "pages fetched")))
    print(f"\ncorpus: {store.uri}\ntry:   wirelake query \"select source, count(*) as articles from articles group by 1 order by 1\"" + (f" --store {args.store}" if args.store else ""))
    return EXIT_FAILURE if any(r.failure for r in reports) else 0


def cmd_newsweb(args) -> int:
    from pipeline import newsweb

    return newsweb.run(args.port)


def cmd_extract(args) -> int:
    from pipeline.extract import main_extract

    return main_extract(args.paths, args.url, args.debug)


def cmd_airflow(args) -> int:
    try:
        from pipeline.orchestration.local import main as local_airflow
    except ModuleNotFoundError as exc:  # `make demo` leaves out the airflow extra; local.py imports only its psutil
        if exc.name != "psutil":
            raise
        print(f"wirelake: error: airflow: psutil is not installed: {INSTALL_AIRFLOW_EXTRA}", file=sys.stderr)
        return EXIT_FAILURE

    return local_airflow(args.options)


def cmd_query(args) -> int:
    from pipeline.query import write_query

    for warning in write_query(args.sql, args.store, args.format, sys.stdout):
        print(f"wirelake: warning: {warning}", file=sys.stderr)
    return 0


def cmd_schema(args) -> int:
    from pipeline.schema import markdown_table

    print(markdown_table())
    return 0


# --- wiring -----------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="wirelake", description="News crawling and ingestion into a deduplicated Parquet corpus.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    # --debug also after the command; SUPPRESS keeps a subcommand from resetting the top-level value.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")
    store_help = "object store: a path, file://PATH or s3://BUCKET/PREFIX (default $WIRELAKE_STORE or ./lake)"
    sources_help = "sources registry (default $WIRELAKE_SOURCES, ./sources.yaml, or the repository's)"
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    src = sub.add_parser("sources", parents=[common], help="check or list the sources registry")
    src_sub = src.add_subparsers(dest="sources_command", required=True, metavar="ACTION")
    validate = src_sub.add_parser("validate", parents=[common], help="check the registry; one line per problem, exit 2 if any")
    # Either names the file: given both, which one was checked would go unsaid.
    registry_file = validate.add_mutually_exclusive_group()
    registry_file.add_argument("file", nargs="?", help="registry file to check", type=non_empty)
    registry_file.add_argument("--sources", help=sources_help, type=non_empty)
    validate.set_defaults(func=cmd_sources_validate)
    listing = src_sub.add_parser("list", parents=[common], help="print the sources")
    listing.add_argument("--sources", help=sources_help, type=non_empty)
    listing.set_defaults(func=cmd_sources_list)

    for name, func, what in [
        ("crawl", cmd_crawl, "crawl and ingest one source over a day or a range of days"),
        ("reprocess", cmd_reprocess, "extract and publish stored days again from their raw WARCs, fetching nothing"),
    ]:
        days = sub.add_parser(name, parents=[common], help=what)
        days.add_argument("source")
        days.add_argument("--date", type=_day, required=True, help="first day (YYYY-MM-DD, UTC)")
        days.add_argument("--to", type=_day, help="last day, inclusive (default: --date)")
        days.add_argument("--store", help=store_help, type=non_empty)
        days.add_argument("--sources", help=sources_help, type=non_empty)
        days.add_argument("--dry-run", action="store_true", help="print the plan (days, how many are stored) and do nothing")
        days.set_defaults(func=func)

    demo = sub.add_parser("demo", parents=[common], help="serve the offline news web and ingest every fixture source")
    demo.add_argument("--store", help=store_help, type=non_empty)
    demo.add_argument("--port", type=port_number, default=NEWSWEB_PORT, help=f"news web port (default {NEWSWEB_PORT})")
    demo.set_defaults(func=cmd_demo)

    web = sub.add_parser("newsweb", parents=[common], help="serve the offline news web until Ctrl-C")
    web.add_argument("--port", type=port_number, default=NEWSWEB_PORT, help=f"port on 127.0.0.11-14 (default {NEWSWEB_PORT})")
    web.set_defaults(func=cmd_newsweb)

    extract = sub.add_parser("extract", parents=[common], help="extract articles from HTML or WARC files; one JSON record per article")
    extract.add_argument("paths", nargs="+", metavar="FILE_OR_WARC", help="HTML or WARC files, gzipped or not; - for standard input")
    extract.add_argument("--url", help="the URL an HTML file was served at (default: its file:// URI)")
    extract.set_defaults(func=cmd_extract)

    airflow = sub.add_parser(
        "airflow", parents=[common], help="run a local Airflow (standalone) with the DAGs, the news web and ./lake until Ctrl-C",
        description="Options after the command: --home DIR (default ./.airflow), --store URI, --port N (news web), --api-port N (UI, default 8080).",
    )
    airflow.set_defaults(func=cmd_airflow, passes_options_on=True)

    query = sub.add_parser("query", parents=[common], help="run SQL (DuckDB) over the corpus: view `articles`")
    query.add_argument("sql")
    query.add_argument("--store", help=store_help, type=non_empty)
    query.add_argument("--format", choices=["table", "csv", "json"], default="table")
    query.set_defaults(func=cmd_query)

    schema = sub.add_parser("schema", parents=[common], help="print the article columns as a Markdown table")
    schema.set_defaults(func=cmd_schema)
    return parser


def _is_bug(exc: BaseException) -> bool:
    """Errors about input, environment or data are the user's to fix; anything else is ours."""
    from pipeline.corpus import CorpusError
    from pipeline.crawl import CrawlFailed
    from pipeline.dedup import DedupError
    from pipeline.newsweb import NewswebError
    from pipeline.query import QueryError
    from pipeline.rawpages import RawPagesError
    from pipeline.steps import QualityGateFailed
    from pipeline.store import StoreError

    expected = (registry.SourcesError, StoreError, OSError, CrawlFailed, QualityGateFailed, CorpusError, DedupError, NewswebError, QueryError, RawPagesError)
    return not isinstance(exc, expected)


def _one_line(exc: BaseException) -> str:
    """The message for the user: the first line, marked as ours when it is a bug."""
    first = first_line(exc)
    return f"internal error: {type(exc).__name__}: {first} (run with --debug for the traceback)" if _is_bug(exc) else first


def _names_no_store(exc: BaseException | None) -> bool:
    """A --store that names no store at all is bad usage, also when a step reports it as its
    own error (query's QueryError keeps it as the cause)."""
    from pipeline.store import StoreURIError

    while exc is not None and not isinstance(exc, StoreURIError):
        exc = exc.__cause__
    return exc is not None


def _more_paths(args, others: list[str]) -> list[str]:
    """Files given after an option (`extract a.html --url URL b.html`, or after `--`) join the
    command's paths: argparse reads one run of positionals only. What is left is unrecognised."""
    if not isinstance(getattr(args, "paths", None), list):
        return others
    files = [other for other in others if other != "--"]
    if any(other.startswith("-") and other != "-" for other in files):
        return others
    args.paths += files
    return []


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    # `wirelake airflow` hands its options to the local-Airflow launcher, which parses them itself.
    args, others = parser.parse_known_args(argv)
    others = _more_paths(args, others)
    if others and not getattr(args, "passes_options_on", False):
        parser.error(f"unrecognized arguments: {' '.join(others)}")
    args.options = others
    try:
        with stopped_by_signals():
            return args.func(args)
    except KeyboardInterrupt as exc:
        print("wirelake: interrupted", file=sys.stderr)
        return exc.exit_status if isinstance(exc, Stopped) else 130
    except BrokenPipeError:
        # The reader went away (`wirelake query … | head`): stop quietly, as `cat` would on SIGPIPE,
        # and keep Python's exit-time flush from writing to the closed pipe again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    except Exception as exc:  # noqa: BLE001 - the one place that turns errors into a line for the user
        if (number := stop_signal()) is not None:  # a library's own error for the interruption
            print("wirelake: interrupted", file=sys.stderr)
            return 128 + number
        if args.debug:
            raise
        message = _one_line(exc)
        print(f"wirelake: {message}" if _is_bug(exc) else f"wirelake: error: {message}", file=sys.stderr)
        if isinstance(exc, registry.SourcesError):
            for more in exc.problems[1:]:
                print(f"wirelake: error: {more}", file=sys.stderr)
            return EXIT_USAGE
        return EXIT_USAGE if _names_no_store(exc) else EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())

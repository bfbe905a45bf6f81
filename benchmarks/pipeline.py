"""End-to-end pipeline speed against the offline news web, beside extraction alone on the same pages.

    python benchmarks/pipeline.py [--scale 20] [--store URI] [--partitions N] [--repeat 3] [--out FILE]

Serves the news web (`--scale` times its stories per day) on a free port and runs the real
steps for every fixture source and day in turn, as `wirelake demo` does: crawl_step (one Scrapy
subprocess per source-day, WARC into the store), extract_step (WARC -> staged articles) and
publish_step (staged -> Parquet corpus partition), each timed. Then it reads the same HTML pages
back from the stored WARCs and times extraction alone on them, best of `--repeat` alternating
runs: ours (extract_pages, batched per partition as extract_step batches) and plain trafilatura,
both `extract()` with its defaults and `bare_extraction(with_metadata=True)`, which yields the
metadata ours also yields. The publish step includes dedup against the history ingested so far.

Prints a table and writes JSON (default benchmarks/results/pipeline.json): pages/s and articles/s
end to end and per stage, extraction-only pages/s, the ratios between them, peak RSS, the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import trafilatura

# The repository root goes first: run as a script, this file's own folder is on the path,
# and this file's name would otherwise shadow the `pipeline` package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import describe, machine  # noqa: E402 - this folder's, found after the repository root
from pipeline import newsweb  # noqa: E402
from pipeline.crawl import CrawlFailed  # noqa: E402
from pipeline.extract import extract_pages  # noqa: E402
from pipeline.rawpages import RawPagesError  # noqa: E402
from pipeline.steps import crawl_step, extract_step, publish_step, stored_html_pages as partition_pages  # noqa: E402
from pipeline.store import ObjectStore, StoreError, open_store  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "pipeline.json"
LIBRARIES = ("scrapy", "trafilatura", "lxml", "warcio", "pyarrow", "boto3")
STAGES = ("crawl", "extract", "publish")

Batch = list[tuple[str, str]]  # (url, html) pages of one partition


@dataclass(frozen=True)
class Timing:
    wall_s: float
    cpu_s: float  # this thread plus finished child processes: see cpu_seconds()


@dataclass
class PartitionRun:
    """One (source, day) through the real steps, with each step's times."""

    source: str
    day: date
    pages_fetched: int  # every response the crawl recorded: robots.txt, sitemaps, listings, errors too
    html_pages: int  # the 200 HTML responses extraction reads
    articles: int  # rows published
    crawl: Timing
    scrapy_s: float  # of crawl.wall_s, the time Scrapy's engine ran (its elapsed_time_seconds stat); the rest is process start-up and the store
    extract: Timing
    publish: Timing


def cpu_seconds() -> float:
    """CPU time of this thread and of the finished crawl subprocesses. On a shared machine it
    moves less than wall time with the other load. Thread time, not process time: the news
    web's server threads run in this process, and they stand in for remote sites."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.thread_time() + children.ru_utime + children.ru_stime


def measure(fn: Callable, *args) -> tuple[object, Timing]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = fn(*args)
    return result, Timing(time.perf_counter() - wall, cpu_seconds() - cpu)


def plan_partitions(scale: int, limit: int | None) -> list[tuple[str, date]]:
    """Every fixture (source, day) with articles, sources interleaved day by day, so that the
    first `limit` partitions already cover every source and discovery method."""
    days = newsweb.demo_plan(scale)
    rounds = max(len(d) for d in days.values())
    plan = [(source, days[source][i]) for i in range(rounds) for source in days if i < len(days[source])]
    return plan[:limit]


def run_end_to_end(plan: list[tuple[str, date]], store_uri: str, sources_path: str) -> list[PartitionRun]:
    runs = []
    for index, (source, day) in enumerate(plan, 1):
        crawled, crawl = measure(crawl_step, source, day, store_uri, sources_path)
        extracted, extract = measure(extract_step, source, day, store_uri, sources_path)
        published, publish = measure(publish_step, source, day, store_uri, sources_path)
        runs.append(PartitionRun(source, day, int(crawled["pages_fetched"]), extracted["pages"], published["rows"],
                                 crawl, float(crawled["elapsed_seconds"]), extract, publish))
        print(f"[{index}/{len(plan)}] {source} {day}: {crawled['pages_fetched']} fetched, {extracted['pages']} HTML pages, "
              f"{published['rows']} articles ({crawl.wall_s + extract.wall_s + publish.wall_s:.1f}s)", file=sys.stderr, flush=True)
    return runs


def stored_html_pages(store: ObjectStore, source: str, day: date) -> Batch:
    """The partition's pages exactly as extract_step selects and decodes them, read back from
    the stored WARC; run() checks that the counts agree with what extract_step reported."""
    return [(page.url, html) for page, html in partition_pages(store, source, day)]


EXTRACTORS: dict[str, Callable[[Batch], list]] = {
    "ours": extract_pages,
    "trafilatura": lambda batch: [trafilatura.extract(html, url=url) for url, html in batch],
    "trafilatura+metadata": lambda batch: [trafilatura.bare_extraction(html, url=url, with_metadata=True) for url, html in batch],
}


def _extract_batches(extract: Callable[[Batch], list], batches: list[Batch]) -> list:
    return [result for batch in batches for result in extract(batch)]


def time_extractors(batches: list[Batch], repeat: int) -> dict[str, dict]:
    """Best of `repeat` runs per extractor (wall and CPU each), alternating so that load on a
    shared machine hits them alike; `outputs` counts pages the extractor returned something for."""
    pages = sum(len(batch) for batch in batches)
    best = {name: Timing(float("inf"), float("inf")) for name in EXTRACTORS}
    outputs = {}
    for _ in range(repeat):
        for name, extract in EXTRACTORS.items():
            results, timing = measure(_extract_batches, extract, batches)
            best[name] = Timing(min(best[name].wall_s, timing.wall_s), min(best[name].cpu_s, timing.cpu_s))
            outputs[name] = sum(result is not None for result in results)
    return {name: _rates(best[name], pages) | {"outputs": outputs[name]} for name in EXTRACTORS}


def _per(count: int, seconds: float) -> float | None:
    return count / seconds if seconds > 0 else None


def _rates(timing: Timing, pages: int) -> dict:
    return {"wall_s": timing.wall_s, "cpu_s": timing.cpu_s, "pages_per_s": _per(pages, timing.wall_s), "pages_per_cpu_s": _per(pages, timing.cpu_s)}


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def summarise(runs: list[PartitionRun], extraction: dict[str, dict], expected_articles: int) -> dict:
    html_pages = sum(r.html_pages for r in runs)
    articles = sum(r.articles for r in runs)
    stages = {stage: Timing(sum(getattr(r, stage).wall_s for r in runs), sum(getattr(r, stage).cpu_s for r in runs)) for stage in STAGES}
    total = Timing(sum(t.wall_s for t in stages.values()), sum(t.cpu_s for t in stages.values()))
    end_to_end = _rates(total, html_pages) | {
        "fetched_pages_per_s": _per(sum(r.pages_fetched for r in runs), total.wall_s),
        "articles_per_s": _per(articles, total.wall_s),
        "scrapy_engine_s": sum(r.scrapy_s for r in runs),
        "stages": {stage: _rates(timing, html_pages) | {"share": timing.wall_s / total.wall_s} for stage, timing in stages.items()},
    }
    ours, plain, plain_metadata = (extraction[name] for name in ("ours", "trafilatura", "trafilatura+metadata"))
    return {
        "pages": {
            "partitions": len(runs),
            "fetched": sum(r.pages_fetched for r in runs),
            "html": html_pages,
            "articles": articles,
            "expected_articles": expected_articles,
        },
        "end_to_end": end_to_end,
        "extraction_only": extraction,
        # Each ratio is pages/s over pages/s on the same pages: above 1 means the first is faster.
        "ratios": {
            rate: {
                "ours_vs_trafilatura": _ratio(ours[rate], plain[rate]),
                "ours_vs_trafilatura_metadata": _ratio(ours[rate], plain_metadata[rate]),
                "end_to_end_vs_ours_extraction": _ratio(end_to_end[rate], ours[rate]),
                "end_to_end_vs_trafilatura": _ratio(end_to_end[rate], plain[rate]),
            }
            for rate in ("pages_per_s", "pages_per_cpu_s")
        },
        "peak_rss_mb": {
            # Linux reports ru_maxrss in KiB; RUSAGE_CHILDREN is the largest waited-for child.
            "benchmark_process": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "largest_crawl_subprocess": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
        },
        "partitions": [asdict(r) | {"day": r.day.isoformat()} for r in runs],
    }


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):  # three significant digits, without exponents for large values
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    return str(value)


def table(header: list[str], rows: list[list]) -> str:
    cells = [[_fmt(c) for c in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    line = lambda row: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()  # noqa: E731
    return "\n".join([line(cells[0]), line(["-" * w for w in widths]), *map(line, cells[1:])])


def render(result: dict) -> str:
    config, pages, e2e, only, m, rss = (result[k] for k in ("config", "pages", "end_to_end", "extraction_only", "machine", "peak_rss_mb"))
    wall, cpu = result["ratios"]["pages_per_s"], result["ratios"]["pages_per_cpu_s"]

    def row(label: str, t: dict, share: float | None = None, articles_per_s: float | None = None, outputs: int | None = None) -> list:
        return [label, t["wall_s"], t["cpu_s"], None if share is None else f"{share:.0%}", t["pages_per_s"], t["pages_per_cpu_s"], articles_per_s, outputs]

    scrapy = {"wall_s": e2e["scrapy_engine_s"], "cpu_s": None, "pages_per_s": _per(pages["html"], e2e["scrapy_engine_s"]), "pages_per_cpu_s": None}
    rows = [
        row("end to end: crawl+extract+publish", e2e, articles_per_s=e2e["articles_per_s"], outputs=pages["articles"]),
        row("  crawl (scrapy + WARC to store)", e2e["stages"]["crawl"], e2e["stages"]["crawl"]["share"]),
        row("    of which Scrapy engine running", scrapy, e2e["scrapy_engine_s"] / e2e["wall_s"]),
        row("  extract (WARC -> staged)", e2e["stages"]["extract"], e2e["stages"]["extract"]["share"]),
        row("  publish (staged -> corpus)", e2e["stages"]["publish"], e2e["stages"]["publish"]["share"]),
        *(row(f"extraction only: {name}", v, outputs=v["outputs"]) for name, v in only.items()),
    ]
    return "\n".join([
        f"wirelake pipeline benchmark: news web scale {config['scale']}, {pages['partitions']} source-days, store {config['store']}",
        f"pages: {pages['fetched']} fetched, {pages['html']} HTML pages extracted, {pages['articles']} articles published "
        f"({pages['expected_articles']} expected); extraction-only times are the best of {config['repeat']}",
        "",
        table(["run", "wall s", "cpu s", "share", "pages/s", "pages/cpu-s", "articles/s", "outputs"], rows),
        "",
        "ratios of pages/s (wall | cpu):",
        f"  ours vs trafilatura extract()        x{_fmt(wall['ours_vs_trafilatura'])} | x{_fmt(cpu['ours_vs_trafilatura'])}",
        f"  ours vs trafilatura+metadata         x{_fmt(wall['ours_vs_trafilatura_metadata'])} | x{_fmt(cpu['ours_vs_trafilatura_metadata'])}",
        f"  end to end vs our extraction alone   x{_fmt(wall['end_to_end_vs_ours_extraction'])} | x{_fmt(cpu['end_to_end_vs_ours_extraction'])}",
        f"  end to end vs trafilatura alone      x{_fmt(wall['end_to_end_vs_trafilatura'])} | x{_fmt(cpu['end_to_end_vs_trafilatura'])}",
        f"peak RSS: benchmark process {rss['benchmark_process']} MB, largest crawl subprocess {rss['largest_crawl_subprocess']} MB",
        f"{describe(m)}, {m['load_average_at_end']} at end; Python {m['python']}, " + ", ".join(f"{k} {v}" for k, v in m["libraries"].items()),
    ])


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=_positive, default=20, help="news web stories per day, times the fixture's (default 20)")
    parser.add_argument("--store", help="store to ingest into: a path, file://PATH or s3://BUCKET/PREFIX (default: a temporary directory, removed after)")
    parser.add_argument("--partitions", type=_positive, help="only the first N source-days, sources interleaved (default: all)")
    parser.add_argument("--repeat", type=_positive, default=3, help="extraction-only runs per extractor; the fastest counts (default 3)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON results (default {DEFAULT_OUT})")
    return parser.parse_args(argv)


def run(args: argparse.Namespace, tmp: Path) -> dict:
    store_uri = args.store or str(tmp / "lake")
    store = open_store(store_uri)  # a bad --store fails here, before the web starts
    plan = plan_partitions(args.scale, args.partitions)
    started_at = datetime.now(timezone.utc)
    machine_info = machine(LIBRARIES)
    with newsweb.serve(0, args.scale) as web:
        sources_path = tmp / "sources.yaml"
        sources_path.write_text(web.sources_yaml(), encoding="utf-8")
        runs = run_end_to_end(plan, store_uri, str(sources_path))
        in_plan = set(plan)
        expected = sum((a.source, a.crawl_date) in in_plan for a in web.expected_articles())
    batches = [stored_html_pages(store, source, day) for source, day in plan]
    for (source, day), batch, partition in zip(plan, batches, runs):
        if len(batch) != partition.html_pages:
            raise RuntimeError(f"{source} {day}: {len(batch)} HTML pages read back, extract_step read {partition.html_pages}")
    extraction = time_extractors(batches, args.repeat)
    machine_info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return {
        "benchmark": "pipeline",
        "started_at": started_at.isoformat(),
        "config": {"scale": args.scale, "store": store.uri if args.store else "temporary local directory", "partitions": args.partitions, "repeat": args.repeat},
        "machine": machine_info,
        **summarise(runs, extraction, expected),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="wirelake-bench-") as tmp:
            result = run(args, Path(tmp))
    except (StoreError, CrawlFailed, RawPagesError, newsweb.NewswebError) as exc:
        print(f"pipeline benchmark: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    print(render(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

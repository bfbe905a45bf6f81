"""The pipeline's steps for one (source, day) partition, as plain functions.

The CLI and the Airflow DAGs both call exactly these. Arguments are names and URIs,
not objects, so that a scheduler can pass them between processes; every step reads its
input from the store and writes its output to the store, so any worker can run any
step, and running a step twice gives the same store.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from pipeline import corpus, dedup, layout
from pipeline.console import counted
from pipeline.crawl import CrawlFailed, CrawlStats, run_crawl
from pipeline.extract import extract_pages
from pipeline.extract.warc_pages import html_pages
from pipeline.rawpages import RawPage, RawPagesError
from pipeline.sources import Source, get_source, resolve_path
from pipeline.store import ObjectStore, StoreError, open_store

logger = logging.getLogger(__name__)


class QualityGateFailed(Exception):
    """A published partition looks wrong (too few articles, too many empty texts or errors)."""


class DamagedStats(StoreError):
    """A stored crawl-stats.json that is no crawl's stats."""


class TooFewArticles(CrawlFailed):
    """The site's listings, which answered, list fewer articles in the day's window than
    quality.min_articles. For yesterday a retry may find them (a sitemap updated late); an older
    day's listings have moved on, so Airflow does not retry it (orchestration.tasks.crawl).
    Articles listed but not fetched (errors, empty or maintenance pages, robots.txt) are a plain
    CrawlFailed: that can pass in an hour."""


def _listed_too_few(src: Source, stats: dict) -> bool:
    """Whether a crawl's stats (CrawlStats.to_dict) say TooFewArticles rather than a failed fetch."""
    in_window = sum(n for outcome, n in stats["listed"].items() if outcome.endswith("/in_window"))
    return in_window < src.quality.min_articles and not _error_gate_problems(src, stats)


class RecrawlTooSmall(CrawlFailed):
    """A re-crawl found far fewer articles than the stored day: crawling again an hour later will
    not bring back what the site's sitemaps have forgotten."""


def _context(source: str, store_uri: str | None, sources_path: str | None) -> tuple[Source, ObjectStore]:
    return get_source(source, sources_path), open_store(store_uri)


def crawl_step(source: str, day: date, store_uri: str | None = None, sources_path: str | None = None) -> dict:
    """Crawl the window [day, day+1) in a subprocess and keep every response as raw WARC.

    A crawl that fails, or that breaks the source's crawl gates (too many fetch errors,
    too few article pages), raises CrawlFailed before anything is replaced: a bad night
    never overwrites a good partition, and the task's retries get a chance. A re-crawl of a
    stored day must also pass the content gates and do nearly as well as that day
    (_check_recrawl). Its log is kept as failed-crawl.log. A store that cannot be used fails
    the day before the crawl: a site is not crawled for pages that could not be kept.
    """
    src, store = _context(source, store_uri, sources_path)
    store.check()
    failed_log = layout.crawl_log_key(source, day, failed=True)
    with tempfile.TemporaryDirectory(prefix="wirelake-crawl-") as tmp:
        warc_path, stats_path, log_path = Path(tmp) / "pages.warc.gz", Path(tmp) / "stats.json", Path(tmp) / "crawl.log"
        try:
            stats = run_crawl(src, day, day + timedelta(days=1), warc_path, stats_path, resolve_path(sources_path), log_path=log_path)
            summary = stats.to_dict()
            if problems := _crawl_gate_problems(src, summary):
                failed = TooFewArticles if _listed_too_few(src, summary) else CrawlFailed
                raise failed(f"crawl of {source} {day} breaks its quality gates, nothing replaced: {'; '.join(problems)}", stats)
            _check_recrawl(src, store, day, warc_path, stats)
        except CrawlFailed as failure:
            if not log_path.exists():
                raise
            store.put_file(failed_log, log_path)
            raise type(failure)(f"{failure} (log: {store.url(failed_log)})", failure.stats) from None
        _replace_raw(store, source, day, warc_path, log_path, stats.to_dict())
    store.delete(failed_log)
    return stats.to_dict()


def _replace_raw(store: ObjectStore, source: str, day: date, warc_path: Path, log_path: Path, stats: dict) -> None:
    """The new crawl's pages, then their stats, then their log, each put whole or not at all.

    The stats mark a complete raw partition. They are not removed before the pages are replaced:
    an interruption between the two puts leaves the old stats beside the new pages, which
    extraction tells by the WARC's size and names in one line, and which the next crawl of the
    day replaces whatever it finds; removing them first left a day that not even a re-crawl
    could compare against.
    """
    store.put_file(layout.raw_warc_key(source, day), warc_path)
    store.put_bytes(layout.crawl_stats_key(source, day), json.dumps(stats, indent=2, default=str).encode())
    store.put_file(layout.crawl_log_key(source, day), log_path)


_REFUSALS = ("robots_forbidden", "refused_private_address", "offsite_refused")
"""Error kinds of URLs never fetched, by policy: no failure of the site."""


def fetch_error_share(stats: dict) -> float:
    """Failed URLs over fetched URLs: a URL retried twice is one fetch, not three, answered or
    not; refused URLs (_REFUSALS) were never fetched. Stats from before urls_answered was
    counted divide by their responses."""
    counts = stats.get("error_counts", {})
    fetch_errors = int(stats.get("errors", 0)) - sum(int(counts.get(kind, 0)) for kind in _REFUSALS)
    unanswered = int(counts.get("download_failed", 0)) + int(counts.get("size_limit", 0))
    fetched_urls = int(stats["urls_answered"]) + unanswered if stats.get("urls_answered") else int(stats.get("pages_fetched", 0))
    return max(fetch_errors, 0) / max(fetched_urls, fetch_errors, 1)


def _crawl_gate_problems(src: Source, stats: dict) -> list[str]:
    gates, problems = src.quality, _error_gate_problems(src, stats)
    if int(stats.get("articles", 0)) < gates.min_articles:
        # named once: the error gate's problem already quotes it
        first = f" (first failure: {stats['first_failure']})" if stats.get("first_failure") and not problems else ""
        problems.insert(0, f"{stats.get('articles', 0)} article pages fetched, fewer than quality.min_articles={gates.min_articles}{first}")
    return problems


def _error_gate_problems(src: Source, stats: dict) -> list[str]:
    """The gate on failed fetches: checked before a crawl replaces anything, and again by validate."""
    if (share := fetch_error_share(stats)) > src.quality.max_error_share:
        first = f"; first: {stats['first_failure']}" if stats.get("first_failure") else ""
        return [f"{share:.0%} of fetched URLs failed (quality.max_error_share={src.quality.max_error_share}{first})"]
    return []


def _check_recrawl(src: Source, store: ObjectStore, day: date, warc_path: Path, stats: CrawlStats) -> None:
    """A re-crawl (a backfill, a cleared run) of a day the store holds must not replace it with less.

    A site in maintenance serves pages that fetch fine and hold no story, so the re-crawl is
    extracted first and must pass the content gates (CrawlFailed: a retry may find the site
    back). News sitemaps list two days and feeds their last items, so an old day's re-crawl
    often finds a fraction of it: it must find quality.min_recrawl_share of the published
    articles, or of the stored pages' articles when the day was never published
    (RecrawlTooSmall: crawling again will not bring the stories back). Both sides are extracted
    without the site's learned templates, which only remove blocks.
    """
    published = layout.corpus_partition_key(src.name, day)
    is_published = store.exists(published)
    if not is_published and not store.exists(layout.crawl_stats_key(src.name, day)):
        return  # a first crawl replaces nothing
    records = [record for _, record in _extracted(html_pages(warc_path, f"the re-crawl of {src.name} {day}"))]
    if problems := _content_gate_problems(src, len(records), _empty_share([record["text"] for record in records])):
        raise CrawlFailed(f"re-crawl of {src.name} {day} breaks its quality gates, nothing replaced: {'; '.join(problems)}", stats)
    if is_published:
        stored = corpus.read_partition(store, published).num_rows
    else:
        try:
            stored = len(_extracted(stored_html_pages(store, src.name, day)))
        except (RawPagesError, DamagedStats):
            stored = 0  # stored pages no command can read are no day to keep (a store that fails to answer is no such proof)
    if len(records) < src.quality.min_recrawl_share * stored:
        raise RecrawlTooSmall(
            f"re-crawl of {src.name} {day} does worse than the stored day, nothing replaced: {counted(len(records), 'article')} where the stored day has"
            f" {stored} (quality.min_recrawl_share={src.quality.min_recrawl_share}; `wirelake reprocess` re-extracts the stored pages)", stats)


def stored_crawl_stats(store: ObjectStore, source: str, day: date) -> dict:
    """The stored crawl's stats; a damaged file is named in one line, not a traceback."""
    key = layout.crawl_stats_key(source, day)
    try:
        stats = json.loads(store.get_bytes(key))
        counts = stats.get("error_counts", {})
        counted = ("errors", "articles", "urls_answered", "warc_records", "warc_bytes")
        for value in [stats["pages_fetched"], *(stats.get(name, 0) for name in counted), *counts.values()]:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{value!r} is not a count")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DamagedStats(f"{store.url(key)}: damaged crawl stats ({type(exc).__name__}: {exc}); crawl the day again or restore the file") from None
    return stats


def _empty_share(texts: list[str | None]) -> float:
    return sum(1 for text in texts if not (text or "").strip()) / len(texts) if texts else 0.0


def _content_gate_problems(src: Source, articles: int, empty_text_share: float) -> list[str]:
    """The gates on a day's extracted articles: checked before they are published, so a bad day
    never replaces a good partition nor reaches analysts, and again by validate."""
    gates, problems = src.quality, []
    if articles < gates.min_articles:
        problems.append(f"{counted(articles, 'article')}, fewer than quality.min_articles={gates.min_articles}")
    if empty_text_share > gates.max_empty_text_share:
        problems.append(f"{empty_text_share:.0%} of articles have empty text (quality.max_empty_text_share={gates.max_empty_text_share})")
    return problems


def _doc_id(url: str, content_hash: str) -> str:
    """Same page, same text, same id: re-extraction and re-crawls never mint new ids."""
    return hashlib.sha256(f"{url}\n{content_hash}".encode()).hexdigest()[:24]


def stored_html_pages(store: ObjectStore, source: str, day: date) -> list[tuple[RawPage, str]]:
    """The raw partition's pages that extraction reads, with their HTML: every HTML response with
    status 200. A stored WARC of another size than its crawl wrote is cut short, or a re-crawl
    stopped between writing its pages and their stats: RawPagesError, not part of a day."""
    if not store.exists(layout.crawl_stats_key(source, day)):
        raise StoreError(f"{store.url(layout.raw_warc_key(source, day))}: no complete raw partition for {source} {day}: run the crawl first")
    stats = stored_crawl_stats(store, source, day)
    with tempfile.TemporaryDirectory(prefix="wirelake-extract-") as tmp:
        warc_path = Path(tmp) / "pages.warc.gz"
        warc_key = layout.raw_warc_key(source, day)
        store.download(warc_key, warc_path)
        if stats.get("warc_bytes") and (size := warc_path.stat().st_size) != stats["warc_bytes"]:
            raise RawPagesError(f"{store.url(warc_key)}: {size} bytes where its crawl wrote {stats['warc_bytes']} (cut short, or a re-crawl"
                                " stopped between writing its pages and their stats): crawl the day again")
        return html_pages(warc_path, store.url(warc_key), stats.get("warc_records"))


def _extracted(pages: list[tuple[RawPage, str]], store: ObjectStore | None = None) -> list[tuple[RawPage, dict]]:
    """(page, record) for each page that is an article; with a store, the site's templates are learned and used."""
    records = extract_pages([(page.url, html) for page, html in pages], store=store)
    return [(page, record) for (page, _), record in zip(pages, records) if record is not None]


def extract_step(source: str, day: date, store_uri: str | None = None, sources_path: str | None = None) -> dict:
    """Raw WARC of the partition -> staged article records (non-articles dropped)."""
    src, store = _context(source, store_uri, sources_path)
    pages = stored_html_pages(store, source, day)
    articles = []
    for page, record in _extracted(pages, store):
        record.update(
            source=src.name,
            crawl_date=day,
            fetched_at=page.fetched_at,
            doc_id=_doc_id(record["url"], record["content_hash"]),
        )
        articles.append(record)
    corpus.write_partition(store, layout.staged_articles_key(source, day), articles)
    return {"pages": len(pages), "articles": len(articles), "non_articles": len(pages) - len(articles)}


def publish_step(source: str, day: date, store_uri: str | None = None, sources_path: str | None = None) -> dict:
    """Staged articles -> deduplicated against all history -> the corpus partition.

    Dedup and publish are one step because they are one commit: the next dedup generation
    is claimed create-only before the partition is written (see pipeline.dedup.commit), so
    a publish that loses a race changes nothing, and a crash in between leaves dedup ahead
    of this partition until the step is re-run, which repairs it. Commits should not run
    concurrently (Airflow's dedup pool has one slot); one that loses a race plans again.
    """
    src, store = _context(source, store_uri, sources_path)
    staged, key = layout.staged_articles_key(source, day), layout.corpus_partition_key(source, day)
    if not store.exists(staged):
        return _already_published(store, source, day, staged, key)
    table = corpus.read_partition(store, staged)
    if problems := _content_gate_problems(src, table.num_rows, _empty_share(table.column("text").to_pylist())):
        raise QualityGateFailed(f"{src.name} {day}: " + "; ".join(problems) + "; nothing published")
    plan = dedup.dedup_and_commit(store, source, day, table, lambda articles: corpus.write_partition(store, key, articles))
    try:
        store.delete(staged)  # published: a copy kept here would double the corpus's storage
    except StoreError as exc:  # the day is published; the next publish or extract replaces the copy
        logger.warning("%s", exc)
    return {"key": key, "uri": store.url(key), "rows": plan.articles.num_rows, **{f"dedup_{k}": v for k, v in plan.stats.items()}}


def _already_published(store: ObjectStore, source: str, day: date, staged: str, key: str) -> dict:
    """A publish whose hand-over is gone: a retry after it published (a task that failed after its
    commit) succeeds as it did; otherwise there is nothing to publish."""
    if store.exists(key):
        published = corpus.read_partition(store, key)
        if not dedup.unassigned(store, source, day, published.column("doc_id").to_pylist()):
            return {"key": key, "uri": store.url(key), "rows": published.num_rows, "already_published": True}
    raise StoreError(f"{store.url(staged)}: no extracted articles of {source} {day} waiting to be published (publish removes them): run extract first")


def validate_step(source: str, day: date, store_uri: str | None = None, sources_path: str | None = None) -> dict:
    """Quality gates on the published partition and its crawl, with the source's thresholds."""
    src, store = _context(source, store_uri, sources_path)
    table = corpus.read_partition(store, layout.corpus_partition_key(source, day))
    stats = stored_crawl_stats(store, source, day)
    error_share = fetch_error_share(stats)
    report = {"articles": table.num_rows, "empty_text_share": _empty_share(table.column("text").to_pylist()), "error_share": error_share}
    problems = _content_gate_problems(src, report["articles"], report["empty_text_share"]) + _error_gate_problems(src, stats)
    unclustered = dedup.unassigned(store, source, day, table.column("doc_id").to_pylist())
    if unclustered:
        problems.append(f"{unclustered} articles have no dedup cluster (the dedup commit did not land: re-run publish)")
    if problems:
        raise QualityGateFailed(f"{src.name} {day}: " + "; ".join(problems))
    return report


@dataclass
class DayReport:
    """What one day's ingest did, filled in step by step so a failed day still says how far it got."""

    source: str
    day: date
    pages_fetched: int = 0
    articles: int = 0
    errors: int = 0
    failure: str | None = None


def ingest_day(source: str, day: date, store_uri: str | None = None, sources_path: str | None = None, report: DayReport | None = None) -> DayReport:
    """Every step for one partition, in order: what `wirelake crawl` runs per day.

    Exceptions propagate; `report` (when given) holds what the steps before the failure did.
    """
    report = report or DayReport(source, day)
    try:
        stats = crawl_step(source, day, store_uri, sources_path)
    except CrawlFailed as failure:
        if failure.stats is not None:
            report.pages_fetched, report.errors = failure.stats.pages_fetched, failure.stats.errors
        raise
    report.pages_fetched, report.errors = int(stats["pages_fetched"]), int(stats["errors"])
    return _ingest_stored(source, day, store_uri, sources_path, report)


def reprocess_day(source: str, day: date, store_uri: str | None = None, sources_path: str | None = None, report: DayReport | None = None) -> DayReport:
    """Extract, publish and validate one partition from its stored raw WARC, fetching nothing:
    what `wirelake reprocess` runs per day, after an extractor change. The report counts the
    pages the stored crawl fetched."""
    report = report or DayReport(source, day)
    _src, store = _context(source, store_uri, sources_path)
    if store.exists(layout.crawl_stats_key(source, day)):
        stats = stored_crawl_stats(store, source, day)
        report.pages_fetched, report.errors = int(stats["pages_fetched"]), int(stats.get("errors", 0))
    return _ingest_stored(source, day, store_uri, sources_path, report)


def _ingest_stored(source: str, day: date, store_uri: str | None, sources_path: str | None, report: DayReport) -> DayReport:
    """The steps after the crawl, from the raw partition in the store."""
    extract_step(source, day, store_uri, sources_path)
    report.articles = publish_step(source, day, store_uri, sources_path)["rows"]
    validate_step(source, day, store_uri, sources_path)
    return report

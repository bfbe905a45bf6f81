"""Where each thing lives in the store. The only module that spells out keys.

Raw pages are partitioned source-first (a crawl is per source), the corpus date-first
(analysts filter by date, then source); both hive style so any engine prunes on them.
Every partition is one object, so replacing it is one atomic write.
"""

from __future__ import annotations

from datetime import date


def raw_source_prefix(source: str) -> str:
    return f"raw/source={source}/"


def _raw_day_prefix(source: str, day: date) -> str:
    return f"{raw_source_prefix(source)}date={day.isoformat()}/"


def raw_warc_key(source: str, day: date) -> str:
    return f"{_raw_day_prefix(source, day)}pages.warc.gz"


def crawl_stats_key(source: str, day: date) -> str:
    return f"{_raw_day_prefix(source, day)}crawl-stats.json"


def crawl_log_key(source: str, day: date, failed: bool = False) -> str:
    """The crawl's whole Scrapy log; a failed crawl's log is kept apart so it never sits
    beside (and seems to describe) the raw pages of an earlier, successful crawl."""
    return f"{_raw_day_prefix(source, day)}{'failed-crawl' if failed else 'crawl'}.log"


def staged_articles_key(source: str, day: date) -> str:
    """Extracted but not yet published articles: the hand-over between pipeline steps."""
    return f"staging/articles/source={source}/date={day.isoformat()}/articles.parquet"


def corpus_partition_key(source: str, day: date) -> str:
    return f"corpus/articles/date={day.isoformat()}/source={source}/part-0.parquet"


CORPUS_ARTICLES_PREFIX = "corpus/articles/"


def site_template_prefix(site: str) -> str:
    """Boilerplate learned from a site's pages (pipeline/extract/templates.py), kept across crawls."""
    return f"templates/site={site}/"


def site_template_bases(site: str) -> str:
    return f"{site_template_prefix(site)}bases/"


def site_template_base_key(site: str, generation: int) -> str:
    return f"{site_template_bases(site)}{generation:012d}.json"  # zero-padded: listing order is generation order


def site_template_deltas(site: str) -> str:
    return f"{site_template_prefix(site)}deltas/"


def site_template_delta_key(site: str, digest: str) -> str:
    return f"{site_template_deltas(site)}{digest}.json"


def legacy_site_template_key(site: str) -> str:
    """The single object earlier releases rewrote on every save; read as the first base."""
    return f"{site_template_prefix(site)}template.json"

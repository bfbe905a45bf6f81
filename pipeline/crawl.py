"""Run one crawl (a source over a UTC window) as a Scrapy subprocess, and judge it.

The Twisted reactor cannot restart, so every crawl is its own `python -m scrapy crawl`
process. Its exit code says little (Scrapy exits 0 when callbacks raise), so the crawl
writes its stats to a JSON file (spiders.extensions.CrawlStatsFile) and run_crawl fails
on what that file shows. Expected trouble (a 404, a 500 that succeeded on retry, a page
over the size limit, URLs forbidden by robots.txt) is counted, not fatal.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.console import counted
from pipeline.sources import Source, resolve_path

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SETTINGS_MODULE = "spiders.settings"
CRAWL_SPIDER = "source"  # the spider running every discovery method a source lists

ERROR_KINDS = {
    "spider_exceptions": "spider_exceptions/count",
    "http_errors": "httperror/response_ignored_count",
    "size_limit": "wirelake/size_limit_dropped",
    "refused_private_address": "wirelake/refused_private_address",
    "robots_forbidden": "robotstxt/forbidden",
    "offsite_refused": "offsite/filtered",  # a redirect (or a listed URL) off the source's domains
    "invalid_listings": "wirelake/invalid_listing",
}
"""Error kinds and the Scrapy stat counting each; download_failed sums wirelake/download_failed/*."""
CRAWL_DELAY_STAT = "wirelake/crawl_delay/"  # + host: the Crawl-delay its robots.txt asked for (spiders.delays)
RETRY_AFTER_STAT = "wirelake/retry_after/"  # + host: the longest Retry-After it asked for (spiders.delays)


class CrawlFailed(Exception):
    """A crawl went wrong; the message is one line naming the source and the window."""

    def __init__(self, message: str, stats: CrawlStats | None = None):
        super().__init__(message)
        self.stats = stats


def _count(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    return {key.removeprefix(prefix): int(value) for key, value in stats.items() if key.startswith(prefix)}


def _seconds(stats: Mapping[str, Any], prefix: str) -> dict[str, float]:
    return {key.removeprefix(prefix): float(value) for key, value in stats.items() if key.startswith(prefix)}


@dataclass(frozen=True)
class CrawlStats:
    """What one crawl did, from Scrapy's stats; also the content of the stats file."""

    source: str
    start: date
    end: date
    spider: str
    finish_reason: str
    elapsed_seconds: float
    pages_fetched: int
    """Every HTTP response: robots.txt, listings, articles, redirects, errors, retried ones."""
    pages_ok: int
    """2xx responses other than robots.txt: whether the site served anything at all."""
    articles: int
    """Article pages fetched OK (2xx, HTML, not empty): the spiders' item count."""
    responses_by_status: dict[int, int]
    errors: int
    """Sum of error_counts."""
    error_counts: dict[str, int]
    listed: dict[str, int] = field(default_factory=dict)
    """Listed URLs by '<method>/<outcome>': in_window, out_of_window, undated, bad_date, bad_url, not_article."""
    skipped_article_pages: dict[str, int] = field(default_factory=dict)
    """Article URLs fetched OK but not articles: not_html, empty."""
    warc_records: int = 0
    urls_answered: int = 0
    """URLs whose final response came (a 500 then a 200 is one URL and two responses in pages_fetched)."""
    first_failure: str = ""
    """The first failure: a fetch that failed for good ("HTTP 500 at https://example.com/rss.xml"), a refused
    address, a page over the size limit, a listing that is no sitemap or feed."""
    warc_bytes: int = 0
    """The WARC file's size: a stored copy of another size is not this crawl's whole file."""
    crawl_delays: dict[str, float] = field(default_factory=dict)
    """Hosts whose robots.txt asked for more seconds between requests than politeness.delay, and how many seconds."""
    retry_after: dict[str, float] = field(default_factory=dict)
    """Hosts that answered 429 or 503 with a Retry-After the crawl honoured, and the longest wait in seconds."""

    @classmethod
    def from_scrapy_stats(cls, stats: Mapping[str, Any], *, source: str, start: date, end: date, spider: str) -> "CrawlStats":
        by_status = {int(code): n for code, n in _count(stats, "downloader/response_status_count/").items()}
        robots_ok = sum(n for code, n in _count(stats, "robotstxt/response_status_count/").items() if code.startswith("2"))
        error_counts = {kind: int(stats.get(key, 0)) for kind, key in ERROR_KINDS.items()}
        error_counts["download_failed"] = sum(_count(stats, "wirelake/download_failed/").values())
        return cls(
            source=source,
            start=start,
            end=end,
            spider=spider,
            finish_reason=str(stats.get("finish_reason", "unknown")),
            elapsed_seconds=round(float(stats.get("elapsed_time_seconds", 0.0)), 3),
            pages_fetched=int(stats.get("downloader/response_count", 0)),
            pages_ok=sum(n for code, n in by_status.items() if 200 <= code < 300) - robots_ok,
            articles=int(stats.get("item_scraped_count", 0)),
            responses_by_status=dict(sorted(by_status.items())),
            errors=sum(error_counts.values()),
            error_counts=error_counts,
            listed=dict(sorted(_count(stats, "wirelake/listed/").items())),
            skipped_article_pages=_count(stats, "wirelake/article_pages/"),
            warc_records=int(stats.get("wirelake/warc_records", 0)),
            urls_answered=int(stats.get("wirelake/urls_answered", 0)),
            first_failure=str(stats.get("wirelake/first_failure", "")),
            warc_bytes=int(stats.get("wirelake/warc_bytes", 0)),
            crawl_delays=_seconds(stats, CRAWL_DELAY_STAT),
            retry_after=_seconds(stats, RETRY_AFTER_STAT),
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "CrawlStats":
        values = dict(data)
        values["start"], values["end"] = date.fromisoformat(values["start"]), date.fromisoformat(values["end"])
        values["responses_by_status"] = {int(code): n for code, n in values["responses_by_status"].items()}
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: dates as ISO strings, status codes as string keys. Holds no secrets."""
        data = asdict(self)
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        data["responses_by_status"] = {str(code): n for code, n in self.responses_by_status.items()}
        return data

    @property
    def window(self) -> str:
        return f"[{self.start}, {self.end})"

    def failure(self) -> str | None:
        """Why this crawl must not be trusted, or None. Expected trouble is not a failure."""
        if self.finish_reason != "finished":
            return f"finished with reason {self.finish_reason!r}" + "".join(f"; {reason}" for reason in self.waits_asked())
        if self.error_counts["spider_exceptions"]:
            return f"{self.error_counts['spider_exceptions']} spider callback(s) raised an exception (see the crawl log)"
        if self.pages_ok == 0:
            statuses = ", ".join(f"{n}x{code}" for code, n in self.responses_by_status.items()) or "no responses"
            return f"nothing was fetched successfully ({statuses}; {self.errors_text()})"
        return None

    def waits_asked(self) -> list[str]:
        """The waits the site asked for, which a crawl that ran out of time may have spent its time on."""
        asked = [f"robots.txt of {host} asks for {seconds:g} s between requests" for host, seconds in self.crawl_delays.items()]
        return asked + [f"{host} asked to wait {seconds:g} s (Retry-After)" for host, seconds in self.retry_after.items()]

    def errors_text(self) -> str:
        """'3 errors (1 http_errors, 2 robots_forbidden; first: HTTP 500 at URL)', or '0 errors'."""
        details = ", ".join(f"{n} {kind}" for kind, n in self.error_counts.items() if n)
        if self.first_failure:
            details += f"; first: {self.first_failure}"
        return counted(self.errors, "error") + (f" ({details})" if details else "")

    def summary(self) -> str:
        return (
            f"{self.source} {self.window}: {self.pages_fetched} pages fetched ({self.pages_ok} ok), "
            f"{counted(self.articles, 'article')}, {self.errors_text()}, {self.finish_reason} in {self.elapsed_seconds:.1f}s"
        )


def _crawl_environment(sources_path: Path) -> dict[str, str]:
    """The child finds the Scrapy project and the registry from any working directory."""
    python_path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "SCRAPY_SETTINGS_MODULE": SETTINGS_MODULE, "WIRELAKE_SOURCES": str(sources_path), "PYTHONPATH": python_path}


def _run_scrapy(command: list[str], env: dict[str, str], cwd: Path, label: str, log_path: Path) -> tuple[int, str]:
    """Run the crawl, writing its log to log_path and forwarding it to this module's logger;
    the return code and the line that best explains a failure (the last error, else the last line)."""
    last_line = last_error = ""
    with (
        subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace") as process,
        open(log_path, "w", encoding="utf-8") as log,
    ):
        assert process.stdout is not None
        try:
            for line in process.stdout:
                log.write(line)
                line = line.rstrip()
                logger.info("%s | %s", label, line)
                if not line.strip():
                    continue
                last_line = line.strip()
                if ": error: " in line:  # a usage error, e.g. a bad -a value: keep just the message
                    last_error = line.split(": error: ", 1)[1]
                elif " ERROR: " in line or " CRITICAL: " in line:
                    last_error = last_line
        except BaseException:  # an Airflow task timeout or Ctrl-C must not leave the crawl running
            process.kill()
            raise
    return process.returncode, last_error or last_line


def run_crawl(
    source: Source,
    start: date,
    end: date,
    warc_path: Path,
    stats_path: Path,
    sources_path: Path | None = None,
    log_path: Path | None = None,
) -> CrawlStats:
    """Crawl `source` over [start, end) into warc_path; the stats, or CrawlFailed.

    The child's whole log goes to log_path (default: crawl.log beside the stats file)."""
    label = f"{source.name} [{start}, {end})"
    warc_path, stats_path = Path(warc_path).resolve(), Path(stats_path).resolve()
    log_path = Path(log_path).resolve() if log_path else stats_path.with_name("crawl.log")
    for path in (warc_path, stats_path, log_path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)  # a stale file from an earlier run must not pass for this one
    command = [
        sys.executable, "-m", "scrapy", "crawl", CRAWL_SPIDER,
        "-a", f"source={source.name}", "-a", f"start={start.isoformat()}", "-a", f"end={end.isoformat()}",
        "-s", f"WIRELAKE_WARC_PATH={warc_path}", "-s", f"WIRELAKE_STATS_PATH={stats_path}",
        "-s", f"WIRELAKE_PARENT_PID={os.getpid()}",
    ]  # fmt: skip
    env = _crawl_environment(resolve_path(sources_path).resolve())
    returncode, explanation = _run_scrapy(command, env, warc_path.parent, label, log_path)
    if returncode != 0:
        raise CrawlFailed(f"crawl of {label} failed: scrapy exited with code {returncode}: {explanation}")
    try:
        stats = CrawlStats.from_dict(json.loads(stats_path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise CrawlFailed(f"crawl of {label} failed: no readable stats file {stats_path}: {exc}") from None
    logger.info("%s", stats.summary())
    problem = stats.failure() or (None if warc_path.is_file() else f"no WARC file at {warc_path}")
    if problem:
        raise CrawlFailed(f"crawl of {label} failed: {problem}", stats)
    return stats



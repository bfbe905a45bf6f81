"""The crawl stats file: how callers judge a crawl, since `scrapy crawl` exits 0 when callbacks raise."""

from __future__ import annotations

import json
import os
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

from pipeline.crawl import CrawlStats


class CrawlStatsFile:
    """Writes CrawlStats as JSON to WIRELAKE_STATS_PATH when the engine stops.

    engine_stopped comes after spider_closed, when Scrapy's core stats (finish_reason,
    elapsed_time_seconds) are final. The file is replaced atomically, so a reader never
    sees half of it.
    """

    def __init__(self, path: Path, crawler):
        self.path = path
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler) -> "CrawlStatsFile":
        path = crawler.settings.get("WIRELAKE_STATS_PATH")
        if not path:
            raise NotConfigured("WIRELAKE_STATS_PATH is not set")
        extension = cls(Path(path), crawler)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_stopped(self) -> None:
        spider = self.crawler.spider
        stats = CrawlStats.from_scrapy_stats(
            self.crawler.stats.get_stats(), source=spider.entry.name, start=spider.window.start, end=spider.window.end, spider=spider.name
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps(stats.to_dict(), indent=2) + "\n", encoding="utf-8")
        os.replace(partial, self.path)

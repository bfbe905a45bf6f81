"""`scrapy crawl` that rejects bad -a values with a one-line usage error.

Scrapy builds the spider inside the running event loop, where an exception from the
spider's constructor surfaces as a traceback ("Task exception was never retrieved").
Checking the arguments here, before the crawl starts, turns a typo into
"scrapy crawl: error: -a start='2024-13-01' is not a date (YYYY-MM-DD)" and exit code 2.
"""

from __future__ import annotations

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError


class Command(ScrapyCrawl):
    def run(self, args, opts) -> None:
        if len(args) == 1 and self.crawler_process is not None:
            try:
                spidercls = self.crawler_process.spider_loader.load(args[0])
            except KeyError:
                spidercls = None  # Scrapy's own run reports an unknown spider
            parse_arguments = getattr(spidercls, "parse_arguments", None)
            if parse_arguments is not None:
                try:
                    parse_arguments(**opts.spargs)
                except ValueError as exc:
                    raise UsageError(str(exc), print_help=False) from None
        super().run(args, opts)

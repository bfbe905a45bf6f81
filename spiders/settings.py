"""Scrapy settings of the wirelake crawler.

Politeness (delays, concurrency, size limit, timeout, retries) and the private-address
opt-in come from the source's sources.yaml entry: the spider sets them when it starts
(spiders.spiders.discovery.politeness_settings); `-s NAME=VALUE` still overrides them.
"""

import os

BOT_NAME = "wirelake"
SPIDER_MODULES = ["spiders.spiders"]
NEWSPIDER_MODULE = "spiders.spiders"
COMMANDS_MODULE = "spiders.commands"

# Publishers look a crawler up by its User-Agent: a deployment names itself and its contact here
USER_AGENT = os.environ.get("WIRELAKE_USER_AGENT") or "wirelake/0.1 (news archive crawler)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
RETRY_ENABLED = True  # RETRY_TIMES comes from politeness.retries; Scrapy's RETRY_HTTP_CODES cover 5xx and 429
COOKIES_ENABLED = False  # pages must not depend on a session
TELNETCONSOLE_ENABLED = False  # no listening port per crawl
LOG_LEVEL = "INFO"

# Only encodings the WARC reader (warcio) decodes without optional packages.
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en",
    "Accept-Encoding": "gzip, deflate",
}

DOWNLOADER_MIDDLEWARES = {
    "spiders.middlewares.PrivateAddressGuard": 50,  # before robots.txt is fetched
    "spiders.middlewares.FailedDownloadCounter": 540,  # just below RetryMiddleware (550)
    "spiders.warc.WarcRecorder": 950,  # next to the download handler: every raw response
    "spiders.extensions.StoppedCrawlGuard": 990,  # after the robots.txt wait: nothing starts once the crawl is stopped
}
EXTENSIONS = {
    "spiders.extensions.CrawlStatsFile": 500,
    "spiders.extensions.DieWithParent": 0,
    "spiders.extensions.CrawlDeadline": 500,
    "spiders.delays.RequestedDelays": 500,  # after AutoThrottle (0): its response_downloaded handler runs after AutoThrottle's
}

WIRELAKE_WARC_PATH = None
"""Where the crawl's WARC goes; unset, nothing is recorded."""
WIRELAKE_STATS_PATH = None
"""Where the crawl's stats JSON goes; unset, none is written."""
WIRELAKE_PARENT_PID = None
"""The process that started the crawl: the crawl ends when it dies; unset, it runs on alone."""
WIRELAKE_ALLOW_PRIVATE_ADDRESSES = False

"""wirelake's offline news web: four invented news sites served on loopback for tests, demo and benchmarks.

    with serve(port=8765) as web:          # web.base_urls, web.request_log
        ...
    expected_articles(port), expected_clusters(port), trouble_urls(port), demo_plan()

Sites (they match the repository's sources.yaml): capitol_ledger 127.0.0.11 (original
publisher: news sitemap, sitemap index, RSS, robots, trouble pages), daily_courier
127.0.0.12 (seed-like reprint portal, RSS), metro_wire 127.0.0.13 (syndicator, sitemap),
harbor_gazette 127.0.0.14 (date archives with pagination). Everything is generated from
one story model (model.py), so pages, discovery documents and the manifest agree.
"""

from .manifest import ExpectedArticle, ExpectedCluster, demo_plan, expected_articles, expected_clusters, trouble_urls
from .server import Newsweb, NewswebError, run, serve, sources_yaml_for_port
from .sites import DEFAULT_PORT, SITES

__all__ = [
    "DEFAULT_PORT", "SITES", "ExpectedArticle", "ExpectedCluster", "Newsweb", "NewswebError", "demo_plan",
    "expected_articles", "expected_clusters", "run", "serve", "sources_yaml_for_port", "trouble_urls",
]

"""Serving the fixture web: one threaded HTTP server per site, each on its own loopback IP.

The standard library's ThreadingHTTPServer is enough here: every response is rendered up
front into a route table, so a request is a dictionary lookup. The only live behaviour is
the flaky page (500, then 200 on the retry) and the request log tests read.
"""

from __future__ import annotations

import errno
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

from . import capitol, courier, harbor, manifest, metro
from .model import build_web
from .render import HTML, Response
from .sites import DEFAULT_PORT, SITES
from ..console import stopped_by_signals
from ..sources import REPO_SOURCES

_RENDERERS = {"capitol_ledger": capitol.routes, "daily_courier": courier.routes,
              "metro_wire": metro.routes, "harbor_gazette": harbor.routes}
_NOT_FOUND = Response(404, b"<!DOCTYPE html><html><head><title>Not found</title></head><body><h1>Not found</h1></body></html>", HTML)
_FLAKY_ERROR = Response(500, b"<!DOCTYPE html><html><head><title>Server error</title></head><body><h1>Temporarily unavailable</h1></body></html>", HTML)
_BIND_ATTEMPTS = 5


class NewswebError(Exception):
    """The web could not start; the message is one line naming the address at fault."""


def sources_yaml_for_port(port: int) -> str:
    """The repository's sources.yaml with the fixture sites' port replaced."""
    return re.sub(r"(http://127\.0\.0\.1[1-9]):\d+", rf"\g<1>:{port}", REPO_SOURCES.read_text(encoding="utf-8"))


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True  # restarting right after a stop must not fail on TIME_WAIT

    def __init__(self, address: tuple[str, int], log: list[tuple[str, str, int]]):
        super().__init__(address, _Handler)
        self.routes: dict[str, Response] = {}
        self.log = log
        self._hits: dict[str, int] = {}
        self._lock = threading.Lock()

    def respond(self, raw_path: str) -> Response:
        parts = urlsplit(raw_path)
        # Real sites ignore unknown query parameters (tracking tags); only ?page= selects a page.
        pages = parse_qs(parts.query).get("page")
        key = f"{parts.path}?page={pages[0]}" if pages else parts.path
        response = self.routes.get(key, _NOT_FOUND)
        if response.flaky:
            with self._lock:
                hits = self._hits[key] = self._hits.get(key, 0) + 1
            if hits % 2 == 1:
                return _FLAKY_ERROR
        return response


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer
    server_version = "wirelake-newsweb/1"

    def do_GET(self) -> None:
        self._send(with_body=True)

    def do_HEAD(self) -> None:
        self._send(with_body=False)

    def _send(self, with_body: bool) -> None:
        response = self.server.respond(self.path)
        self.server.log.append((self.server.server_address[0], self.path, response.status))
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's signature
        """Quiet: the request log records what tests need, stderr stays clean."""


@dataclass
class Newsweb:
    """A running fixture web. `request_log` holds (host IP, path with query, status) per request."""

    port: int
    scale: int
    base_urls: dict[str, str]
    request_log: list[tuple[str, str, int]] = field(default_factory=list)

    def expected_articles(self) -> list[manifest.ExpectedArticle]:
        return manifest.expected_articles(self.port, self.scale)

    def expected_clusters(self) -> list[manifest.ExpectedCluster]:
        return manifest.expected_clusters(self.port, self.scale)

    def trouble_urls(self) -> dict[str, str]:
        return manifest.trouble_urls(self.port, self.scale)

    def sources_yaml(self) -> str:
        return sources_yaml_for_port(self.port)


def _bind(port: int, log: list) -> dict[str, _SiteServer]:
    """Bind every site on one port; port 0 takes a free port from the first site's address."""
    for _ in range(_BIND_ATTEMPTS):
        servers: dict[str, _SiteServer] = {}
        chosen = port
        try:
            for source, site in SITES.items():
                try:
                    servers[source] = _SiteServer((site.ip, chosen), log)
                except OSError as exc:
                    hint = " (another news web running? choose another port with --port, or make demo PORT=N)" if exc.errno == errno.EADDRINUSE else ""
                    raise NewswebError(f"cannot serve {source} on {site.ip}:{chosen}: {exc.strerror or exc}{hint}") from exc
                chosen = servers[source].server_address[1]
            return servers
        except NewswebError as exc:
            for server in servers.values():
                server.server_close()
            retry = port == 0 and isinstance(exc.__cause__, OSError) and exc.__cause__.errno == errno.EADDRINUSE
            if not retry:
                raise
    raise NewswebError(f"cannot find a port free on all of {', '.join(s.ip for s in SITES.values())}")


@contextmanager
def serve(port: int = DEFAULT_PORT, scale: int = 1) -> Iterator[Newsweb]:
    """Serve every site on its loopback IP and `port` until the block exits."""
    log: list[tuple[str, str, int]] = []
    servers = _bind(port, log)
    actual = next(iter(servers.values())).server_address[1]
    web = build_web(scale)
    urls = {source: f"http://{SITES[source].ip}:{actual}" for source in SITES}
    started: list[tuple[_SiteServer, threading.Thread]] = []
    try:
        for source, server in servers.items():
            server.routes = _RENDERERS[source](web, urls)
            thread = threading.Thread(target=server.serve_forever, name=f"newsweb-{source}", daemon=True)
            thread.start()
            started.append((server, thread))
        yield Newsweb(actual, scale, urls, log)
    finally:
        for server, thread in started:
            server.shutdown()
            thread.join()
        for server in servers.values():
            server.server_close()


def run(port: int = DEFAULT_PORT, scale: int = 1) -> int:
    """Serve until Ctrl-C (or SIGTERM), printing each site's URL; NewswebError when an address is taken."""
    with stopped_by_signals():
        try:
            with serve(port, scale) as web:
                for source, url in web.base_urls.items():
                    print(f"{source:<16} {url}/  ({SITES[source].name})")
                print(f"Serving on port {web.port}; press Ctrl-C to stop.", flush=True)
                # Timed waits: a signal the OS hands to a server thread (macOS and the BSDs may) is
                # raised in this thread only when it next wakes.
                while True:
                    time.sleep(1)
        except KeyboardInterrupt:  # whenever it lands, even before the wait starts
            print("Stopped.")
    return 0

"""Fixture: the offline news web on loopback, once per test session.

`newsweb` serves every fixture site on port 8765, like the repository's sources.yaml says.
When 8765 is taken (a `wirelake newsweb` or another test session is running) it serves on
a free port instead, so tests must take URLs from `newsweb.base_urls` and a registry from
`newsweb_sources` (a registry file for the port in use), never assume 8765. `newsweb.request_log` is shared by the whole
session: note `len(newsweb.request_log)` before acting and read only what follows.
"""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from pipeline.newsweb import DEFAULT_PORT, NewswebError, serve


@pytest.fixture(scope="session")
def newsweb():
    with ExitStack() as stack:
        try:
            web = stack.enter_context(serve(DEFAULT_PORT))
        except NewswebError:
            web = stack.enter_context(serve(0))
        yield web


@pytest.fixture(scope="session")
def newsweb_sources(newsweb, tmp_path_factory):
    """The fixture sources' registry file, with the port the session's news web is on."""
    path = tmp_path_factory.mktemp("registry") / "sources.yaml"
    path.write_text(newsweb.sources_yaml())
    return path

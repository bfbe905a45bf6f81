"""Limits that the registry check and extraction must agree on.

A module of its own that imports nothing: the registry is checked on every DAG parse, and
extraction workers must not load the registry (nor the CLI) to read a number.
"""

# Extraction time grows faster than a page's size (trafilatura's too): `wirelake extract` refuses
# larger HTML, which would run for many minutes rather than fail, and no source may keep larger pages.
MAX_PAGE_BYTES = 20_000_000

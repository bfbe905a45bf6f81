"""Limits that the registry check and extraction must agree on.

A module of its own that imports nothing: the registry is checked on every DAG parse, and
extraction workers must not load the registry (nor the CLI) to read a number.
"""

# Extraction time grows faster than a page's size (trafilatura's too): `wirelake extract` refuses
# larger HTML, which would run for many minutes rather than fail, and no source may keep larger pages.
MAX_PAGE_BYTES = 20_000_000
TOO_LARGE = f"larger than any news page (the limit is {MAX_PAGE_BYTES // 1_000_000} MB)"


def read_bounded(stream) -> bytes | None:
    """A page's bytes from a binary stream, read no further than one byte past MAX_PAGE_BYTES;
    None when it holds more. A gzip bomb or an endless pipe costs 20 MB, not the machine's memory."""
    body = stream.read(MAX_PAGE_BYTES + 1)
    return None if len(body) > MAX_PAGE_BYTES else body

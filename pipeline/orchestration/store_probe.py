"""Check that the store really refuses a second create-only write of one key.

Dedup commits claim the next generation's manifest with put_bytes_if_absent
(pipeline/store.py): on S3 that is PutObject with `If-None-Match: *`. A server that
ignores the header answers 200 twice, and two racing commits would both "win" and
corrupt the dedup state without any error. The docker deployment's init runs

    python -m pipeline.orchestration.store_probe

against the configured store (WIRELAKE_STORE, credentials from the wirelake_s3
connection or the AWS variables) before any DAG runs, and stops there if it fails.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Sequence

from pipeline.console import OneLineParser
from pipeline.orchestration.credentials import connection_variables, exported
from pipeline.store import ObjectStore, StoreError, open_store

PROBE_PREFIX = "_probe/create-only/"


class ProbeFailed(Exception):
    pass


def probe_create_only(store: ObjectStore) -> None:
    """Write a fresh key twice with put_bytes_if_absent: the first must win, the second must lose."""
    key = f"{PROBE_PREFIX}{uuid.uuid4().hex}"
    try:
        if not store.put_bytes_if_absent(key, b"first"):
            raise ProbeFailed(f"{store.url(key)}: a create-only write of a new key was refused")
        if store.put_bytes_if_absent(key, b"second"):
            raise ProbeFailed(
                f"{store.url(key)}: a second create-only write (If-None-Match: *) succeeded: the S3 server"
                " ignores conditional writes, so concurrent dedup commits could both land; use a server that"
                " supports them (SeaweedFS 4.18 or later, MinIO, AWS S3)"
            )
    finally:
        store.delete(key)


def main(argv: Sequence[str] = ()) -> int:
    # no options: the parser is for --help, which must describe the probe, not run it
    OneLineParser(prog="python -m pipeline.orchestration.store_probe", description=__doc__.split("\n\n")[0]).parse_args(argv)
    try:
        with exported(connection_variables()):
            store = open_store()
            probe_create_only(store)
    except (ProbeFailed, StoreError) as exc:
        print(f"store probe: FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"store probe: {store.uri} refuses a second create-only write of a key: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

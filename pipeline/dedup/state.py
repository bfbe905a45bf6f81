"""Dedup state in the object store: immutable objects plus a manifest written last.

Layout (all under dedup/):
  CURRENT                          {"generation": g}: the commit point, written last
  manifests/<g>.json               which objects make up generation g
  docs/<seg>-<token>.parquet       facts of one published partition (one segment)
  sigs/<seg>-<token>.bin           its MinHash signatures, fixed-width, for range reads
  index/<token>.parquet            LSH/exact/URL keys -> document pointers, sorted by key
  members/<token>.parquet          cluster assignments; the newest generation per document wins

S3 cannot write several objects atomically, so every object is new and immutable and a
generation becomes visible only when CURRENT names its manifest. A crashed writer leaves
unreferenced objects behind and nothing else; objects a commit stops referencing are
deleted one generation later, so a reader holding the previous manifest can finish.

A document is addressed by a pointer `segment << 32 | row`; a segment is live while the
manifest maps its partition to it, so replacing a partition retires its documents from
the index and the assignments without rewriting either (compaction drops them later).

Index and assignment runs are log-structured: each commit adds one small run and merges
runs of similar size (size-tiered, FANOUT), so a commit writes in proportion to its own
documents (amortised log(history)) and a lookup reads O(log history) objects.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.dedup.fingerprints import NUM_PERM, PARAMS
from pipeline.store import ObjectStore, StoreError

ROOT = "dedup"
CURRENT_KEY = f"{ROOT}/CURRENT"
FORMAT = 1
FANOUT = 4
# Index row groups of 1M entries (16 MB) bound the memory of a lookup or merge step.
INDEX_GROUP_ROWS = 1 << 20
# Small row groups in docs files: a lookup reads only the groups holding its candidates.
DOC_GROUP_ROWS = 256
SIG_WIDTH = NUM_PERM + 1  # uint32 set size, then the signature

DOC_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("url", pa.string()),
        ("url_key", pa.string()),
        ("canonical_key", pa.string()),
        ("source", pa.string()),
        ("site_name", pa.string()),
        ("attribution", pa.string()),
        ("published_at", pa.timestamp("us", tz="UTC")),
        ("fetched_at", pa.timestamp("us", tz="UTC")),
        ("exact", pa.string()),
    ]
)
INDEX_SCHEMA = pa.schema([("key", pa.uint64()), ("ptr", pa.uint64())])
MEMBER_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("doc_key", pa.uint64()),
        ("ptr", pa.uint64()),
        ("generation", pa.int64()),
        ("cluster_key", pa.uint64()),
        ("cluster_id", pa.string()),
        ("is_original", pa.bool_()),
        ("original_doc_id", pa.string()),
        ("original_url", pa.string()),
        ("original_publisher", pa.string()),
        ("dup_kind", pa.string()),
    ]
)


class DedupError(Exception):
    """Dedup input or state is unusable; the message names the object, column or row."""


class DedupConflict(DedupError):
    """Another commit landed between planning and committing: re-run the partition."""


@dataclass
class Run:
    key: str
    rows: int


@dataclass
class Segment:
    partition: str
    docs: str
    sigs: str
    rows: int


@dataclass
class Manifest:
    generation: int = 0
    params: dict = field(default_factory=lambda: dict(PARAMS))
    next_segment: int = 1
    partitions: dict[str, int] = field(default_factory=dict)
    segments: dict[int, Segment] = field(default_factory=dict)
    index_runs: list[Run] = field(default_factory=list)
    member_runs: list[Run] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)  # objects this generation stopped using

    def live_segments(self) -> np.ndarray:
        return np.array(sorted(self.segments), dtype=np.uint64)

    def to_json(self) -> bytes:
        data = asdict(self)
        data["format"] = FORMAT
        data["segments"] = {str(seg): value for seg, value in data["segments"].items()}
        return json.dumps(data, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes, where: str) -> Manifest:
        try:
            data = json.loads(raw)
            if data.pop("format") != FORMAT:
                raise ValueError("unknown format")
            data["segments"] = {int(seg): Segment(**value) for seg, value in data["segments"].items()}
            data["index_runs"] = [Run(**run) for run in data["index_runs"]]
            data["member_runs"] = [Run(**run) for run in data["member_runs"]]
            return cls(**data)
        except (ValueError, KeyError, TypeError) as exc:
            raise DedupError(f"{where}: not a dedup manifest this release can read ({exc})") from None

    def referenced(self) -> set[str]:
        keys = {run.key for run in self.index_runs + self.member_runs}
        for segment in self.segments.values():
            keys.update((segment.docs, segment.sigs))
        return keys


def manifest_key(generation: int) -> str:
    return f"{ROOT}/manifests/{generation:012d}.json"


def current_generation(store: ObjectStore) -> int:
    if not store.exists(CURRENT_KEY):
        return 0
    try:
        return int(json.loads(store.get_bytes(CURRENT_KEY))["generation"])
    except (ValueError, KeyError, TypeError):
        raise DedupError(f"{store.url(CURRENT_KEY)}: not a dedup pointer ({{\"generation\": N}} expected)") from None


def load(store: ObjectStore) -> Manifest:
    """The committed state; an empty one for a store that never ran dedup."""
    generation = current_generation(store)
    if generation == 0:
        return Manifest()
    key = manifest_key(generation)
    manifest = Manifest.from_json(store.get_bytes(key), store.url(key))
    if manifest.params != PARAMS:
        raise DedupError(
            f"{store.url(key)}: dedup state was built with parameters {manifest.params}, this release uses {PARAMS}; "
            f"delete {store.url(ROOT)}/ and re-ingest to rebuild it"
        )
    return manifest


def publish(store: ObjectStore, manifest: Manifest, base_generation: int) -> None:
    """Make manifest the current generation, then delete what the previous one retired."""
    if current_generation(store) != base_generation:
        raise DedupConflict(
            f"{store.url(CURRENT_KEY)}: another dedup commit landed (generation {current_generation(store)}, "
            f"planned on {base_generation}); dedup commits must run one at a time: re-run this partition"
        )
    store.put_bytes(manifest_key(manifest.generation), manifest.to_json())
    store.put_bytes(CURRENT_KEY, json.dumps({"generation": manifest.generation}).encode())
    if base_generation:
        previous_key = manifest_key(base_generation)
        previous = Manifest.from_json(store.get_bytes(previous_key), store.url(previous_key))
        for key in previous.retired:
            store.delete(key)
        if base_generation > 1:
            store.delete(manifest_key(base_generation - 1))


def new_object_key(kind: str, prefix: str = "", suffix: str = ".parquet") -> str:
    """Every object gets a fresh name: a retried or concurrent writer never overwrites one
    that a manifest may reference."""
    return f"{ROOT}/{kind}/{prefix}{secrets.token_hex(8)}{suffix}"


# --- reading -----------------------------------------------------------------------------


def _open(store: ObjectStore, key: str):
    filesystem, root = store.arrow_filesystem()
    try:
        return filesystem.open_input_file(f"{root}/{key}")
    except (OSError, pa.ArrowException) as exc:
        raise StoreError(f"{store.url(key)}: {exc}") from None


def parquet(store: ObjectStore, key: str) -> pq.ParquetFile:
    return pq.ParquetFile(_open(store, key))


def _live(ptrs: np.ndarray, live_segments: np.ndarray) -> np.ndarray:
    return np.isin(ptrs >> np.uint64(32), live_segments)


def join_sorted(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j) with left[i] == right[j], both arrays sorted ascending (duplicates allowed)."""
    lo = np.searchsorted(left, right, "left")
    hi = np.searchsorted(left, right, "right")
    counts = hi - lo
    total = int(counts.sum())
    j = np.repeat(np.arange(len(right)), counts)
    i = np.repeat(lo, counts) + (np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts))
    return i, j


def _query_range(sorted_keys: np.ndarray, stats) -> tuple[int, int]:
    """The slice of sorted query keys a row group's key statistics can contain."""
    if stats is None or not stats.has_min_max:
        return 0, len(sorted_keys)
    lo = int(np.searchsorted(sorted_keys, np.uint64(stats.min), "left"))
    hi = int(np.searchsorted(sorted_keys, np.uint64(stats.max), "right"))
    return lo, hi


def lookup(store: ObjectStore, manifest: Manifest, keys: np.ndarray, skip_segment: int | None) -> tuple[np.ndarray, np.ndarray]:
    """(query positions, pointers) of every live index entry whose key is in keys.

    Reads only the key ranges the queries fall into, one row group (≤16 MB) at a time.
    """
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    live = manifest.live_segments()
    if skip_segment is not None:
        live = live[live != skip_segment]
    found_q, found_p = [], []
    for run in manifest.index_runs:
        file = parquet(store, run.key)
        for group in range(file.num_row_groups):
            lo, hi = _query_range(sorted_keys, file.metadata.row_group(group).column(0).statistics)
            if lo >= hi:
                continue
            table = file.read_row_group(group)
            index_keys = table.column("key").to_numpy()
            ptrs = table.column("ptr").to_numpy()
            i, j = join_sorted(index_keys, sorted_keys[lo:hi])
            keep = _live(ptrs[i], live)
            found_q.append(order[lo + j[keep]])
            found_p.append(ptrs[i[keep]])
    if not found_q:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    return np.concatenate(found_q), np.concatenate(found_p)


def read_signatures(store: ObjectStore, manifest: Manifest, ptrs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sizes, signatures) for ptrs, by ranged reads of the fixed-width signature files."""
    sizes = np.zeros(len(ptrs), np.int32)
    signatures = np.zeros((len(ptrs), NUM_PERM), np.uint32)
    width = SIG_WIDTH * 4
    segments = (ptrs >> np.uint64(32)).astype(np.int64)
    rows = (ptrs & np.uint64(0xFFFFFFFF)).astype(np.int64)
    for segment in np.unique(segments):
        where = np.flatnonzero(segments == segment)
        handle = _open(store, manifest.segments[int(segment)].sigs)
        wanted = rows[where]
        order = np.argsort(wanted)
        # Coalesce nearby rows into one ranged read: on S3 each read is a request.
        start = 0
        while start < len(order):
            end = start
            while end + 1 < len(order) and wanted[order[end + 1]] - wanted[order[end]] <= 16:
                end += 1
            first, last = wanted[order[start]], wanted[order[end]]
            block = np.frombuffer(handle.read_at((last - first + 1) * width, first * width), dtype=np.uint32).reshape(-1, SIG_WIDTH)
            for k in order[start : end + 1]:
                record = block[wanted[k] - first]
                sizes[where[k]] = record[0]
                signatures[where[k]] = record[1:]
            start = end + 1
    return sizes, signatures


def read_docs(store: ObjectStore, manifest: Manifest, ptrs: np.ndarray) -> pa.Table:
    """Doc facts for ptrs, in ptr order, reading only the row groups that hold them."""
    segments = (ptrs >> np.uint64(32)).astype(np.int64)
    rows = (ptrs & np.uint64(0xFFFFFFFF)).astype(np.int64)
    parts, positions = [], []
    for segment in np.unique(segments):
        where = np.flatnonzero(segments == segment)
        file = parquet(store, manifest.segments[int(segment)].docs)
        groups = np.unique(rows[where] // DOC_GROUP_ROWS)
        table = file.read_row_groups([int(g) for g in groups])
        # Row r of the segment sits at (rank of its group) * DOC_GROUP_ROWS + r % DOC_GROUP_ROWS,
        # all groups but the file's last being full.
        local = np.searchsorted(groups, rows[where] // DOC_GROUP_ROWS) * DOC_GROUP_ROWS + rows[where] % DOC_GROUP_ROWS
        parts.append(table.take(pa.array(local)))
        positions.append(where)
    if not parts:
        return DOC_SCHEMA.empty_table()
    combined = pa.concat_tables(parts)
    return combined.take(pa.array(np.argsort(np.concatenate(positions), kind="stable")))


def current_members(store: ObjectStore, manifest: Manifest, skip_segment: int | None) -> dict[str, np.ndarray]:
    """The newest assignment of every live document: doc_key, ptr, cluster_key arrays."""
    live = manifest.live_segments()
    if skip_segment is not None:
        live = live[live != skip_segment]
    columns = ["doc_key", "ptr", "generation", "cluster_key"]
    tables = [parquet(store, run.key).read(columns=columns) for run in manifest.member_runs]
    if not tables:
        return {name: np.zeros(0, np.uint64) for name in ("doc_key", "ptr", "cluster_key")}
    table = pa.concat_tables(tables)
    arrays = {name: table.column(name).to_numpy() for name in columns}
    keep = _live(arrays["ptr"], live)
    arrays = {name: values[keep] for name, values in arrays.items()}
    order = np.lexsort((arrays["generation"], arrays["doc_key"]))
    doc_keys = arrays["doc_key"][order]
    last = np.ones(len(order), bool)
    last[:-1] = doc_keys[1:] != doc_keys[:-1]
    chosen = order[last]
    return {name: arrays[name][chosen] for name in ("doc_key", "ptr", "cluster_key")}


# --- writing -----------------------------------------------------------------------------


def parquet_bytes(table: pa.Table, row_group_size: int) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", row_group_size=row_group_size, write_statistics=True)
    return sink.getvalue().to_pybytes()


def sort_index(keys: np.ndarray, ptrs: np.ndarray) -> pa.Table:
    order = np.lexsort((ptrs, keys))
    return pa.table({"key": keys[order], "ptr": ptrs[order]}, schema=INDEX_SCHEMA)


def merge_index(store: ObjectStore, runs: list[Run], live: np.ndarray) -> Run:
    """Merge sorted index runs into one, dropping dead entries, one key range at a time so
    memory stays near one row group per run whatever the history size."""
    files = [parquet(store, run.key) for run in runs]
    total = sum(run.rows for run in runs)
    slices = max(1, -(-total // INDEX_GROUP_ROWS))
    bounds = [(2**64 * i) // slices for i in range(slices + 1)]
    rows = 0
    with tempfile.TemporaryDirectory(prefix="wirelake-dedup-") as tmp:
        path = Path(tmp) / "index.parquet"
        with pq.ParquetWriter(path, INDEX_SCHEMA, compression="zstd") as writer:
            for lo, hi in zip(bounds[:-1], bounds[1:]):
                keys, ptrs = [], []
                for file in files:
                    for group in range(file.num_row_groups):
                        stats = file.metadata.row_group(group).column(0).statistics
                        if stats is not None and stats.has_min_max and (int(stats.max) < lo or int(stats.min) >= hi):
                            continue
                        table = file.read_row_group(group)
                        k, p = table.column("key").to_numpy(), table.column("ptr").to_numpy()
                        keep = (k >= np.uint64(lo)) & (k <= np.uint64(hi - 1)) & _live(p, live)
                        keys.append(k[keep])
                        ptrs.append(p[keep])
                if keys and sum(map(len, keys)):
                    table = sort_index(np.concatenate(keys), np.concatenate(ptrs))
                    writer.write_table(table, row_group_size=INDEX_GROUP_ROWS)
                    rows += table.num_rows
        key = new_object_key("index")
        store.put_file(key, path)
    return Run(key, rows)


def merge_members(store: ObjectStore, runs: list[Run], live: np.ndarray) -> Run:
    """Keep the newest live assignment per document."""
    table = pa.concat_tables([parquet(store, run.key).read() for run in runs])
    table = table.filter(pa.array(_live(table.column("ptr").to_numpy(), live)))
    order = np.lexsort((table.column("generation").to_numpy(), table.column("doc_key").to_numpy()))
    doc_keys = table.column("doc_key").to_numpy()[order]
    last = np.ones(len(order), bool)
    last[:-1] = doc_keys[1:] != doc_keys[:-1]
    table = table.take(pa.array(order[last]))
    key = new_object_key("members")
    store.put_bytes(key, parquet_bytes(table, 1 << 18))
    return Run(key, table.num_rows)


def compact(store: ObjectStore, runs: list[Run], live: np.ndarray, merge, fresh: set[str]) -> tuple[list[Run], list[str]]:
    """Size-tiered: while the newest run is within FANOUT of the one before, merge them.

    Returns the new run list and the keys of replaced runs some manifest referenced
    (retired, deleted a generation later). Replaced runs in `fresh` were written by this
    commit and never referenced, so they are deleted at once.
    """
    runs = list(runs)
    fresh = set(fresh)
    retired: list[str] = []
    while len(runs) >= 2 and runs[-2].rows <= FANOUT * max(runs[-1].rows, 1):
        merged = merge(store, runs[-2:], live)
        for run in runs[-2:]:
            if run.key in fresh:
                store.delete(run.key)
            else:
                retired.append(run.key)
        fresh.add(merged.key)
        runs = runs[:-2] + [merged]
    return runs, retired

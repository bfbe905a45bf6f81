"""Dedup state in the object store: immutable objects plus one manifest per generation.

Layout (all under dedup/):
  manifests/<g>.json               which objects make up generation g; the newest is current
  docs/<seg>-<token>.parquet       facts of one published partition (one segment)
  sigs/<seg>-<token>.bin           its MinHash signatures, fixed-width, for range reads
  index/<token>.parquet            LSH/exact/URL keys -> document pointers, sorted by key
  members/<token>.parquet          cluster assignments; the newest generation per pointer wins

S3 cannot write several objects atomically, so every object is new and immutable and a
generation exists once its manifest does. A commit creates manifests/<g+1>.json
create-only (put_bytes_if_absent): the generation number is the lock, so of two commits
planned on the same generation exactly one lands and the other changes nothing. A
crashed writer leaves unreferenced objects behind and nothing else. Objects a generation
stops referencing, superseded manifests included, are listed in its `retired` with the
time and deleted by the first commit more than RETAIN later, so a reader that loaded an
older manifest (a long analyst query during a backfill) can still read its objects.

A document occurrence (one page in one partition) is addressed by a pointer
`segment << 32 | row`; a segment is live while the manifest maps its partition to it, so
replacing a partition retires its occurrences from the index and the assignments without
rewriting either (compaction drops them later).

Index and assignment runs are log-structured: each commit adds one small run and merges
runs of similar size (size-tiered, FANOUT), so a commit writes in proportion to its own
documents (amortised log(history)) and a lookup reads O(log history) objects.

What a day still pays in proportion to history: `lookup` reads every index row group
whose key range holds one of the day's keys, and with ~34 uniformly spread keys per
document any day of more than a few hundred documents hits them all, so it reads the
whole key index (16 bytes x ~34 entries per history document: ~0.55 GB per million,
1.1 s of a 10k-document day against 1M in benchmarks/dedup.py), one 16 MB row group at a
time; `current_members` reads three 8-byte columns of every assignment row into memory
(~24 MB and 0.06 s per million). A layout answering each key with a point read would
cost the day about one request per key (~340k), far more than these sequential scans
up to histories of tens of millions of documents.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.console import first_line
from pipeline.dedup.fingerprints import NUM_PERM, PARAMS
from pipeline.store import ObjectStore, StoreError

ROOT = "dedup"
MANIFESTS = f"{ROOT}/manifests/"
FORMAT = 3  # 3: URL keys keep a story's query parameters and the port; docs lose fetched_at
FANOUT = 4
# How long objects a generation stopped using stay readable: the longest query over an
# older generation that is sure to finish. Retired objects hold storage that long, so the
# state can take its live size plus what an hour of commits (merges included) wrote.
RETAIN = timedelta(hours=1)
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
        ("exact", pa.string()),
    ]
)
INDEX_SCHEMA = pa.schema([("key", pa.uint64()), ("ptr", pa.uint64())])
MEMBER_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("ptr", pa.uint64()),
        ("generation", pa.int64()),
        ("cluster_key", pa.uint64()),
        ("cluster_id", pa.string()),
        ("is_original", pa.bool_()),
        ("original_doc_id", pa.string()),
        ("original_url", pa.string()),
        ("original_publisher", pa.string()),
        ("dup_kind", pa.string()),
        # The page's earliest listing (crawl_date, then source) among live partitions: the
        # articles view shows the page from that partition only.
        ("first_source", pa.string()),
        ("first_crawl_date", pa.date32()),
    ]
)


class DedupError(Exception):
    """Dedup input or state is unusable; the message names the object, column or row."""


class DedupConflict(DedupError):
    """Another commit claimed the next generation first: re-run the partition."""


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
class Retired:
    key: str
    since: str  # ISO 8601 UTC: when the first generation without the object was made


@dataclass
class Manifest:
    generation: int = 0
    params: dict = field(default_factory=lambda: dict(PARAMS))
    next_segment: int = 1
    partitions: dict[str, int] = field(default_factory=dict)
    segments: dict[int, Segment] = field(default_factory=dict)
    index_runs: list[Run] = field(default_factory=list)
    member_runs: list[Run] = field(default_factory=list)
    retired: list[Retired] = field(default_factory=list)  # objects not deleted yet that no newer generation uses

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
            data["retired"] = [Retired(**entry) for entry in data["retired"]]
            return cls(**data)
        except (ValueError, KeyError, TypeError) as exc:
            raise DedupError(
                f"{where}: not a dedup manifest this release can read ({exc}); delete the dedup/ folder and re-ingest to rebuild it"
            ) from None

    def referenced(self) -> set[str]:
        keys = {run.key for run in self.index_runs + self.member_runs}
        for segment in self.segments.values():
            keys.update((segment.docs, segment.sigs))
        return keys


def partition_name(source: str, day: date) -> str:
    return f"{source}/{day.isoformat()}"


def listing(partition: str) -> tuple[date, str]:
    """(crawl_date, source) of a partition name: the order in which a page's listings rank."""
    source, _, day = partition.rpartition("/")
    return date.fromisoformat(day), source


def manifest_key(generation: int) -> str:
    return f"{MANIFESTS}{generation:012d}.json"  # zero-padded: listing order is generation order


def current_generation(store: ObjectStore) -> int:
    """The newest generation whose manifest exists; 0 for a store that never ran dedup."""
    keys = store.list(MANIFESTS)
    if not keys:
        return 0
    name = keys[-1].removeprefix(MANIFESTS).removesuffix(".json")
    if not name.isdigit():
        raise DedupError(f"{store.url(keys[-1])}: not a dedup manifest name (manifests/<generation>.json expected)")
    return int(name)


def load(store: ObjectStore) -> Manifest:
    """The current state; an empty one for a store that never ran dedup."""
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


def retirements(base: Manifest, new: Manifest, now: datetime) -> tuple[list[Retired], list[str]]:
    """(new's `retired`, keys to delete now). Retired stays what base retired less than
    RETAIN ago plus what base used and new does not (base's manifest included); what was
    retired longer ago no generation since has used, so any commit may delete it."""

    def expired(entry: Retired) -> bool:
        return datetime.fromisoformat(entry.since) <= now - RETAIN

    dropped = sorted(base.referenced() - new.referenced())
    if base.generation:
        dropped.append(manifest_key(base.generation))
    kept = [entry for entry in base.retired if not expired(entry)] + [Retired(key, now.isoformat()) for key in dropped]
    return kept, [entry.key for entry in base.retired if expired(entry)]


def claim(store: ObjectStore, manifest: Manifest) -> bool:
    """Make manifest's generation current unless another commit already made it: the commit point."""
    return store.put_bytes_if_absent(manifest_key(manifest.generation), manifest.to_json())


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


@contextmanager
def _reading(store: ObjectStore, key: str) -> Iterator[None]:
    """pyarrow's errors for an object cut short or changed ("Parquet magic bytes not found", a
    thrift error) name neither the object nor the store: a publish must say which one it is.
    pyarrow raises OSError for both a damaged object and a store that failed mid-read (an S3
    connection lost, a local read error): the latter is a StoreError, for a retry to mend."""
    try:
        yield
    except (OSError, pa.ArrowException) as exc:
        if isinstance(exc, OSError) and (exc.errno is not None or str(exc).startswith("AWS Error")):
            raise StoreError(f"{store.url(key)}: {first_line(exc)}") from None
        raise DedupError(f"{store.url(key)}: unreadable dedup object: {first_line(exc)}") from None


def parquet(store: ObjectStore, key: str) -> pq.ParquetFile:
    with _reading(store, key):
        return pq.ParquetFile(_open(store, key))


def _read(store: ObjectStore, key: str, columns: list[str] | None = None) -> pa.Table:
    with _reading(store, key):
        return parquet(store, key).read(columns=columns)


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
            with _reading(store, run.key):
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
        key = manifest.segments[int(segment)].sigs
        handle = _open(store, key)
        wanted = rows[where]
        order = np.argsort(wanted)
        # Coalesce nearby rows into one ranged read: on S3 each read is a request.
        start = 0
        while start < len(order):
            end = start
            while end + 1 < len(order) and wanted[order[end + 1]] - wanted[order[end]] <= 16:
                end += 1
            first, last = wanted[order[start]], wanted[order[end]]
            with _reading(store, key):
                data = handle.read_at((last - first + 1) * width, first * width)
            if len(data) != (last - first + 1) * width:
                raise DedupError(f"{store.url(key)}: unreadable dedup object: it ends before row {last} (cut short?)")
            block = np.frombuffer(data, dtype=np.uint32).reshape(-1, SIG_WIDTH)
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
        key = manifest.segments[int(segment)].docs
        file = parquet(store, key)
        groups = np.unique(rows[where] // DOC_GROUP_ROWS)
        with _reading(store, key):
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


def unassigned(store: ObjectStore, source: str, day: date, doc_ids: list[str]) -> int:
    """How many of these doc_ids (a published corpus partition's) the partition's current
    dedup state does not hold: rows whose dedup commit did not land. Reads the manifest
    and the doc_id column of the partition's own docs object, whatever the history size."""
    manifest = load(store)
    segment = manifest.partitions.get(partition_name(source, day))
    held = set() if segment is None else set(_read(store, manifest.segments[segment].docs, ["doc_id"]).column(0).to_pylist())
    return sum(1 for doc_id in doc_ids if doc_id not in held)


def newest_per_pointer(ptrs: np.ndarray, generations: np.ndarray) -> np.ndarray:
    """Row positions of each pointer's newest assignment (highest generation)."""
    order = np.lexsort((generations, ptrs))
    ordered = ptrs[order]
    last = np.ones(len(order), bool)
    last[:-1] = ordered[1:] != ordered[:-1]
    return order[last]


def current_members(store: ObjectStore, manifest: Manifest) -> dict[str, np.ndarray]:
    """The newest assignment of every live occurrence: ptr and cluster_key arrays."""
    columns = ["ptr", "generation", "cluster_key"]
    tables = [_read(store, run.key, columns) for run in manifest.member_runs]
    if not tables:
        return {name: np.zeros(0, np.uint64) for name in ("ptr", "cluster_key")}
    table = pa.concat_tables(tables)
    arrays = {name: table.column(name).to_numpy() for name in columns}
    keep = _live(arrays["ptr"], manifest.live_segments())
    arrays = {name: values[keep] for name, values in arrays.items()}
    chosen = newest_per_pointer(arrays["ptr"], arrays["generation"])
    return {name: arrays[name][chosen] for name in ("ptr", "cluster_key")}


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
    files = [(run.key, parquet(store, run.key)) for run in runs]
    total = sum(run.rows for run in runs)
    slices = max(1, -(-total // INDEX_GROUP_ROWS))
    bounds = [(2**64 * i) // slices for i in range(slices + 1)]
    rows = 0
    with tempfile.TemporaryDirectory(prefix="wirelake-dedup-") as tmp:
        path = Path(tmp) / "index.parquet"
        with pq.ParquetWriter(path, INDEX_SCHEMA, compression="zstd") as writer:
            for lo, hi in zip(bounds[:-1], bounds[1:]):
                keys, ptrs = [], []
                for run_key, file in files:
                    for group in range(file.num_row_groups):
                        stats = file.metadata.row_group(group).column(0).statistics
                        if stats is not None and stats.has_min_max and (int(stats.max) < lo or int(stats.min) >= hi):
                            continue
                        with _reading(store, run_key):
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
    """Keep the newest live assignment per occurrence."""
    table = pa.concat_tables([_read(store, run.key) for run in runs])
    table = table.filter(pa.array(_live(table.column("ptr").to_numpy(), live)))
    table = table.take(pa.array(newest_per_pointer(table.column("ptr").to_numpy(), table.column("generation").to_numpy())))
    key = new_object_key("members")
    store.put_bytes(key, parquet_bytes(table, 1 << 18))
    return Run(key, table.num_rows)


def compact(store: ObjectStore, runs: list[Run], live: np.ndarray, merge, fresh: set[str]) -> list[Run]:
    """Size-tiered: while the newest run is within FANOUT of the one before, merge them.

    Replaced runs in `fresh` were written by this commit and never referenced, so they are
    deleted at once; the others are retired by the commit (see `retire`).
    """
    runs = list(runs)
    fresh = set(fresh)
    while len(runs) >= 2 and runs[-2].rows <= FANOUT * max(runs[-1].rows, 1):
        merged = merge(store, runs[-2:], live)
        for run in runs[-2:]:
            if run.key in fresh:
                store.delete(run.key)
        fresh.add(merged.key)
        runs = runs[:-2] + [merged]
    return runs

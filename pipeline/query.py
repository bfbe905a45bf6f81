"""DuckDB over the corpus, the same way for a local directory and for S3.

DuckDB's httpfs extension cannot be installed offline, so DuckDB reads the corpus through
a pyarrow dataset on the store's own pyarrow filesystem. Each partition file is one
fragment whose partition expression (crawl_date == D and source == S, from its hive key)
lets pyarrow skip whole files when DuckDB pushes a filter on crawl_date or source down to
it. The `articles` view therefore has the article columns exactly once: the hive `date`
is the `crawl_date` column, and `source` is both the hive key and the column.

A connection sees the partitions that existed when it was opened.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TextIO

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
from tabulate import tabulate

from pipeline.console import interrupted_by_stops
from pipeline.corpus import CorpusError, partition_values
from pipeline.dedup import state as dedup_state
from pipeline.dedup import views as dedup_views
from pipeline.layout import CORPUS_ARTICLES_PREFIX
from pipeline.schema import ARTICLE_SCHEMA
from pipeline.store import ObjectStore, StoreError, StoreURIError, open_store

ViewBuilder = Callable[[duckdb.DuckDBPyConnection, ObjectStore], None]
"""Registers one view on a connection. Builders run in order, so later views may select
from earlier ones (the dedup views `originals` and `reprints` build on `articles`)."""

FORMATS = ("table", "csv", "json")
TABLE_CELL_CHARS = 48  # table output truncates longer cells, so article text stays one short line
_BATCH_ROWS = 10_000  # rows fetched from DuckDB at a time for streamed formats

_PARTITION_FILE = re.compile(re.escape(CORPUS_ARTICLES_PREFIX) + r"date=[^/]+/source=[^/]+/[^/]+\.parquet")


class QueryError(Exception):
    """A query could not run; the message is one line naming the problem."""


def corpus_dataset(store: ObjectStore) -> ds.Dataset:
    """Every corpus partition file as one dataset with exactly ARTICLE_SCHEMA (columns a
    file lacks read as null). Objects that are not Parquet files, such as a `_SUCCESS`
    marker left by another engine, are not part of the corpus."""
    filesystem, root = store.arrow_filesystem()
    parquet = ds.ParquetFileFormat()
    fragments = []
    for key in store.list(CORPUS_ARTICLES_PREFIX):
        if not key.endswith(".parquet"):
            continue
        if not _PARTITION_FILE.fullmatch(key):
            raise CorpusError(f"{store.url(key)}: not in the corpus layout {CORPUS_ARTICLES_PREFIX}date=YYYY-MM-DD/source=NAME/*.parquet")
        fragments.append(parquet.make_fragment(f"{root}/{key}", filesystem=filesystem, partition_expression=_guarantee(store, key)))
    return ds.FileSystemDataset(fragments, ARTICLE_SCHEMA, parquet, filesystem)


def _guarantee(store: ObjectStore, key: str) -> pc.Expression:
    """What every row of the file at key satisfies, from its hive key: pyarrow skips the
    file when a pushed-down filter contradicts it."""
    try:
        values = partition_values(key)
    except CorpusError as exc:
        raise CorpusError(f"{store.url(key)}: {exc}") from None
    guarantee = pc.scalar(True)
    for column, value in values.items():
        guarantee &= pc.field(column) == pa.scalar(value, ARTICLE_SCHEMA.field(column).type)
    return guarantee


def articles_view(connection: duckdb.DuckDBPyConnection, store: ObjectStore) -> None:
    connection.register("articles", corpus_dataset(store))


VIEWS: tuple[ViewBuilder, ...] = (articles_view, dedup_views.register)


def connect(store: ObjectStore | str, views: Sequence[ViewBuilder] = VIEWS) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the corpus views registered, for a store or its URI.

    Sessions run in UTC so timestamps print the same on every machine.
    """
    if isinstance(store, str):
        store = open_store(store)
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    for build in views:
        build(connection, store)
    return connection


def run_query(sql: str, store_uri: str | None = None, fmt: str = "table") -> str:
    """write_query's output as one string (for tests and callers that want the text)."""
    out = io.StringIO()
    write_query(sql, store_uri, fmt, out)
    return out.getvalue()


def write_query(sql: str, store_uri: str | None, fmt: str, out: TextIO) -> list[str]:
    """Run one SQL statement over the store's corpus views and write the result to `out` as
    table, csv or json; the warnings an analyst should see beside it.

    csv and json are written as DuckDB hands over rows, so a large result starts at once and
    never sits in memory whole; a table must see every row to size its columns.

    Every failure (bad SQL, no SQL or several statements, unreadable corpus, unreachable store,
    unknown format) raises QueryError with a one-line message. A store that holds no corpus
    raises it with a StoreURIError as its cause: the CLI exits with its usage code, as for any
    --store that names no store.
    """
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    try:
        store = open_store(store_uri)
        found = store.found()  # first: an unusable store (an endpoint down, a refused key) is named by its own URI
        # Every publish, a quiet day's empty partition included, commits a dedup generation and writes a
        # corpus partition; a directory such as /tmp has neither. The few manifests are listed first:
        # the corpus can be thousands of objects.
        has_dedup = found and bool(store.list(dedup_state.MANIFESTS))
        if not (has_dedup or found and store.list(CORPUS_ARTICLES_PREFIX)):
            # A mistyped path or prefix, or a directory such as /tmp, would otherwise look like an empty corpus.
            problem = "holds no wirelake corpus" if found else "no store there"
            raise StoreURIError(f"{store.uri}: {problem} (run `wirelake crawl` or `wirelake demo` first, or fix --store)")
        warnings = [] if has_dedup else [
            f"{store.uri}: no dedup state (dedup/): cluster and original columns are null and the dedup views empty;"
            " copy dedup/ along with corpus/"
        ]
        with connect(store) as connection, interrupted_by_stops(connection.interrupt):
            statements = connection.extract_statements(sql)
            if len(statements) != 1:
                raise QueryError(
                    "query: no SQL statement to run (the SQL is empty or only comments)" if not statements
                    else f"query: one SQL statement at a time, got {len(statements)}"
                )
            cursor = connection.execute(sql)
            columns = [column[0] for column in cursor.description or []]
            {"table": _write_table, "csv": _write_csv, "json": _write_json}[fmt](columns, _batches(cursor) if columns else iter(()), out)
    except duckdb.Error as exc:
        raise QueryError(f"query failed: {_one_line(str(exc))}") from exc  # the cause shows under --debug
    except (StoreError, CorpusError) as exc:
        raise QueryError(str(exc)) from exc
    return warnings


def _batches(cursor: duckdb.DuckDBPyConnection) -> Iterator[list[tuple]]:
    while rows := cursor.fetchmany(_BATCH_ROWS):
        yield rows


def _one_line(message: str) -> str:
    """DuckDB messages are several lines: the error, hints such as 'Did you mean ...',
    then the SQL with a caret; keep the error and the hints."""
    head = message.strip().split("\n\n")[0]
    return " ".join(line.strip() for line in head.splitlines() if line.strip())


def _write_table(columns: list[str], batches: Iterator[list[tuple]], out: TextIO) -> None:
    rows = [row for batch in batches for row in batch]
    numeric = [bool(rows) and all(_is_number(row[i]) for row in rows if row[i] is not None) for i in range(len(columns))]
    cells = [[None if value is None else _short(_text(value)) for value in row] for row in rows]
    count = f"({len(rows)} row{'' if len(rows) == 1 else 's'})"
    if not columns:
        out.write(f"{count}\n")
        return
    # disable_numparse keeps strings such as "007" from being re-read as numbers;
    # numeric columns are aligned right from the values' own types instead.
    body = tabulate(
        cells,
        headers=columns,
        missingval="NULL",
        disable_numparse=True,
        colalign=["right" if is_numeric else "left" for is_numeric in numeric],
    )
    out.write(f"{body}\n{count}\n")


def _write_csv(columns: list[str], batches: Iterator[list[tuple]], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for rows in batches:
        writer.writerows([_csv_cell(value) for value in row] for row in rows)


def _write_json(columns: list[str], batches: Iterator[list[tuple]], out: TextIO) -> None:
    """One JSON array, one row object per line: valid JSON that line tools can still grep.

    Keys must be unique or a join's second `url` would overwrite the first, so duplicate
    names get the suffixes DuckDB itself gives them when it must (CREATE TABLE AS, SELECT *
    over a subquery): `url`, `url_1`, `url_2`, skipping names already taken, compared
    case-insensitively.
    """
    keys = _unique_names(columns)
    opening = "[\n"
    for rows in batches:
        for row in rows:
            out.write(opening + json.dumps({k: _finite(v) for k, v in zip(keys, row)}, ensure_ascii=False, default=_json_value))
            opening = ",\n"
    out.write("[]\n" if opening == "[\n" else "\n]\n")


def _unique_names(columns: list[str]) -> list[str]:
    taken: dict[str, int] = {}  # lower-cased name taken -> suffixes tried on it
    unique = []
    for name in columns:
        new = name
        while new.lower() in taken:
            taken[name.lower()] += 1
            new = f"{name}_{taken[name.lower()]}"
        taken[new.lower()] = 0
        unique.append(new)
    return unique


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _text(value: object) -> str:
    """Dates and times as ISO 8601, bytes as hex, lists, structs and maps as JSON (as csv and
    json print them), anything else as DuckDB's Python value prints."""
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(_finite(value), ensure_ascii=False, default=_json_value)
    return value.hex() if isinstance(value, bytes) else str(value)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TABLE_CELL_CHARS else text[: TABLE_CELL_CHARS - 1] + "…"


def _csv_cell(value: object) -> object:
    """An empty cell for null, NaN and infinities; true/false as in JSON and DuckDB's own CSV."""
    value = _finite(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else _json_value(value)


def _json_value(value: object) -> object:
    """JSON has no decimals, dates, durations, UUIDs or bytes: numbers and strings instead. A
    decimal a float cannot hold exactly stays its digits, as a string."""
    if isinstance(value, Decimal):
        number = float(value)
        return number if Decimal(repr(number)) == value else str(value)
    return _iso_duration(value) if isinstance(value, timedelta) else _text(value)


def _finite(value: object) -> object:
    """NaN and infinities are not JSON: null (json.dumps would write a bare NaN), also inside
    lists, structs and maps. A fixed-size ARRAY (a tuple) is a list."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    return value


def _iso_duration(value: timedelta) -> str:
    """ISO 8601 duration (P847DT8H30M, PT2M50.429563S), exact to the microsecond as DuckDB holds
    it, what JSON consumers parse; negative with a leading '-'."""
    sign, value = ("-" if value < timedelta(0) else ""), abs(value)
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    secs = f"{seconds}.{value.microseconds:06d}".rstrip("0") if value.microseconds else str(seconds)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (secs, "S")) if n and n != "0")
    text = f"P{value.days}D" if value.days else "P"
    text += f"T{clock}" if clock else ("" if value.days else "T0S")
    return sign + text

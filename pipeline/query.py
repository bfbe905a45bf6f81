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
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
from tabulate import tabulate

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


def connect(store: ObjectStore, views: Sequence[ViewBuilder] = VIEWS) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the corpus views registered.

    Sessions run in UTC so timestamps print the same on every machine.
    """
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    for build in views:
        build(connection, store)
    return connection


def run_query(sql: str, store_uri: str | None = None, fmt: str = "table") -> str:
    """Run sql over the store's corpus views and render the result as table, csv or json.

    Every failure (bad SQL, no SQL, unreadable corpus, unreachable store, unknown format)
    raises QueryError with a one-line message. A store that holds no corpus raises it with a
    StoreURIError as its cause: the CLI exits with its usage code, as for any --store that
    names no store.
    """
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    try:
        store = open_store(store_uri)
        found = store.found()  # first: an unusable store (an endpoint down, a refused key) is named by its own URI
        if not (found and _holds_corpus(store)):
            # A mistyped path or prefix, or a directory such as /tmp, would otherwise look like an empty corpus.
            problem = "holds no wirelake corpus" if found else "no store there"
            raise StoreURIError(f"{store.uri}: {problem} (run `wirelake crawl` or `wirelake demo` first, or fix --store)")
        with connect(store) as connection:
            cursor = connection.execute(sql)
            if cursor is None:  # DuckDB found no statement in sql
                raise QueryError("query: no SQL statement to run (the SQL is empty or only comments)")
            columns = [column[0] for column in cursor.description or []]
            rows = cursor.fetchall() if columns else []
    except duckdb.Error as exc:
        raise QueryError(f"query failed: {_one_line(str(exc))}") from exc  # the cause shows under --debug
    except (StoreError, CorpusError) as exc:
        raise QueryError(str(exc)) from exc
    return {"table": _as_table, "csv": _as_csv, "json": _as_json}[fmt](columns, rows)


def _holds_corpus(store: ObjectStore) -> bool:
    """Every publish, a quiet day's empty partition included, commits a dedup generation and
    writes a corpus partition; a directory such as /tmp has neither. The few manifests are
    listed first: the corpus can be thousands of objects."""
    return bool(store.list(dedup_state.MANIFESTS) or store.list(CORPUS_ARTICLES_PREFIX))


def _one_line(message: str) -> str:
    """DuckDB messages are several lines: the error, hints such as 'Did you mean ...',
    then the SQL with a caret; keep the error and the hints."""
    head = message.strip().split("\n\n")[0]
    return " ".join(line.strip() for line in head.splitlines() if line.strip())


def _as_table(columns: list[str], rows: list[tuple]) -> str:
    numeric = [bool(rows) and all(_is_number(row[i]) for row in rows if row[i] is not None) for i in range(len(columns))]
    cells = [[None if value is None else _short(_text(value)) for value in row] for row in rows]
    # disable_numparse keeps strings such as "007" from being re-read as numbers;
    # numeric columns are aligned right from the values' own types instead.
    body = tabulate(
        cells,
        headers=columns,
        missingval="NULL",
        disable_numparse=True,
        colalign=["right" if is_numeric else "left" for is_numeric in numeric],
    )
    count = f"({len(rows)} row{'' if len(rows) == 1 else 's'})"
    return f"{body}\n{count}\n" if columns else f"{count}\n"


def _as_csv(columns: list[str], rows: list[tuple]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return out.getvalue()


def _as_json(columns: list[str], rows: list[tuple]) -> str:
    """One JSON array, one row object per line: valid JSON that line tools can still grep.

    Keys must be unique or a join's second `url` would overwrite the first, so duplicate
    names get the suffixes DuckDB itself gives them when it must (CREATE TABLE AS, SELECT *
    over a subquery): `url`, `url_1`, `url_2`, skipping names already taken, compared
    case-insensitively.
    """
    keys = _unique_names(columns)
    objects = [json.dumps({k: _finite(v) for k, v in zip(keys, row)}, ensure_ascii=False, default=_json_value) for row in rows]
    return "[\n" + ",\n".join(objects) + "\n]\n" if objects else "[]\n"


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
    """Dates and times as ISO 8601, bytes as hex, anything else as DuckDB's Python value prints."""
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    return value.hex() if isinstance(value, bytes) else str(value)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TABLE_CELL_CHARS else text[: TABLE_CELL_CHARS - 1] + "…"


def _csv_cell(value: object) -> object:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=_json_value)
    return "" if value is None else _json_value(value)


def _json_value(value: object) -> object:
    """JSON has no decimals, dates, durations, UUIDs or bytes: numbers and strings instead."""
    if isinstance(value, Decimal):
        return float(value)
    return _iso_duration(value) if isinstance(value, timedelta) else _text(value)


def _finite(value: object) -> object:
    """NaN and infinities are not JSON: null (json.dumps would write a bare NaN)."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _iso_duration(value: timedelta) -> str:
    """ISO 8601 duration (P847DT8H30M), what JSON consumers parse; negative with a leading '-'."""
    seconds = abs(value.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = "".join(f"{n:g}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (secs, "S")) if n)
    text = f"P{days:g}D" if days else "P"
    text += f"T{clock}" if clock else ("" if days else "T0S")
    return ("-" if value.total_seconds() < 0 else "") + text

"""Article partitions: records in, one Parquet object per partition out, and back.

A partition is written whole with a single atomic store put, so a reader sees the old or
the new partition, never half of one, and re-writing it replaces it with no leftovers.
Empty partitions are written too (schema only): "crawled, found nothing" must stay
distinguishable from "never crawled". `source` is kept in the hive path only (see
PATH_ONLY_COLUMNS); reading a partition fills it from the key.

Columns are matched by name and conformed to the current ARTICLE_SCHEMA on the way in and
on the way out, so partitions written before a column was added still read (the new
column is null) and partitions written by a newer release read too (unknown columns are
dropped on read).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.console import first_line
from pipeline.schema import ARTICLE_SCHEMA
from pipeline.store import ObjectStore

# Hive key in an object key -> the article column every row of that partition must equal.
PARTITION_COLUMNS = {"date": "crawl_date", "source": "source"}
# Columns named like their hive key live in the path only, as Hive lays tables out: pandas,
# pyarrow and Spark refuse a column that is both in the files and in the path. (crawl_date
# stays in the files: its key is named `date`.)
PATH_ONLY_COLUMNS = [column for key, column in PARTITION_COLUMNS.items() if key == column]

# Row groups of about this much in-memory data: large enough for efficient column scans,
# small enough that an engine can split one big partition across threads.
ROW_GROUP_BYTES = 64 * 1024 * 1024


_CONVERSION_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError)


class CorpusError(ValueError):
    """Records or a partition do not fit the article schema; the message says where."""


def to_table(rows: pa.Table | Iterable[Mapping[str, object]]) -> pa.Table:
    """Article records (dicts) or a table -> a table with exactly ARTICLE_SCHEMA.

    Missing columns become null, values are coerced to the column type (ISO strings to
    dates and timestamps, naive datetimes taken as UTC), unknown columns are rejected.
    """
    if isinstance(rows, pa.Table):
        _reject_unknown(rows.column_names, "table")
        columns = {name: rows.column(name) for name in rows.column_names}
        length = rows.num_rows
    else:
        records = list(rows)
        for number, record in enumerate(records):
            _reject_unknown(record.keys(), f"record {number}")
        columns = {name: [record.get(name) for record in records] for name in ARTICLE_SCHEMA.names}
        length = len(records)
    arrays = [
        _coerce(field, columns[field.name]) if field.name in columns else pa.nulls(length, field.type)
        for field in ARTICLE_SCHEMA
    ]
    return pa.Table.from_arrays(arrays, schema=ARTICLE_SCHEMA)


def partition_values(key: str) -> dict[str, object]:
    """The column values a partition's key fixes, e.g. {"crawl_date": date, "source": "x"};
    raises CorpusError naming the bad segment (callers add the object's URL)."""
    values: dict[str, object] = {}
    for segment in key.split("/"):
        name, equals, value = segment.partition("=")
        if equals and name in PARTITION_COLUMNS:
            column = PARTITION_COLUMNS[name]
            values[column] = _parse_partition_value(segment, ARTICLE_SCHEMA.field(column).type, value)
    return values


def write_partition(store: ObjectStore, key: str, rows: pa.Table | Iterable[Mapping[str, object]]) -> None:
    """Replace the partition at key with rows (possibly none), atomically, as one object.

    Partition columns (crawl_date, source) that are null take the value the key gives;
    a row whose value disagrees with the key is an error, since queries prune by the key.
    """
    try:
        table = _fill_partition_columns(to_table(rows), partition_values(key))
    except CorpusError as exc:
        raise CorpusError(f"{store.url(key)}: {exc}") from None
    table = table.drop_columns(PATH_ONLY_COLUMNS)
    sink = pa.BufferOutputStream()
    rows_per_group = max(1, table.num_rows * ROW_GROUP_BYTES // max(1, table.nbytes))
    pq.write_table(table, sink, compression="zstd", row_group_size=rows_per_group)
    store.put_bytes(key, sink.getvalue().to_pybytes())


def read_partition(store: ObjectStore, key: str) -> pa.Table:
    """The partition at key with exactly ARTICLE_SCHEMA, path-only columns filled from the key;
    raises StoreError if it was never written."""
    data = store.get_bytes(key)
    try:
        table = pq.read_table(pa.BufferReader(data))
    except pa.ArrowException as exc:
        raise CorpusError(f"{store.url(key)}: not a readable Parquet file ({exc})") from None
    known = [name for name in table.column_names if name in ARTICLE_SCHEMA.names]
    try:
        return _fill_partition_columns(to_table(table.select(known)), partition_values(key))
    except CorpusError as exc:
        raise CorpusError(f"{store.url(key)}: {exc}") from None


def _reject_unknown(names: Iterable[str], where: str) -> None:
    unknown = sorted(set(names) - set(ARTICLE_SCHEMA.names))
    if unknown:
        raise CorpusError(f"{where} has unknown column(s) {', '.join(unknown)}; known: {', '.join(ARTICLE_SCHEMA.names)}")


def _coerce(field: pa.Field, values: list | pa.ChunkedArray) -> pa.ChunkedArray | pa.Array:
    """Infer, then cast safely: pyarrow's direct conversion would truncate 12.5 to an int."""
    if pa.types.is_map(field.type) and not isinstance(values, pa.ChunkedArray):
        # Python dicts infer as structs, which do not cast to maps; maps cannot truncate, so build them directly.
        values = [list(value.items()) if isinstance(value, Mapping) else value for value in values]
        try:
            return pa.array(values, type=field.type)
        except _CONVERSION_ERRORS as exc:
            raise CorpusError(f"column {field.name}: not a map of strings ({first_line(exc)})") from None
    try:
        array = values if isinstance(values, pa.ChunkedArray) else pa.array(values)
        return array.cast(field.type)
    except _CONVERSION_ERRORS as exc:
        if isinstance(values, pa.ChunkedArray):
            raise CorpusError(f"column {field.name}: cannot convert {values.type} to {field.type} ({first_line(exc)})") from None
    # Mixed Python types (say ISO strings and dates) defeat inference: convert value by
    # value, which also names the first record that cannot be converted.
    converted = []
    for number, value in enumerate(values):
        try:
            converted.append(pa.array([value]).cast(field.type))
        except _CONVERSION_ERRORS:
            raise CorpusError(f"record {number}: column {field.name}: {value!r} is not a valid {field.type}") from None
    return pa.concat_arrays(converted)


def _parse_partition_value(segment: str, dtype: pa.DataType, value: str) -> object:
    try:
        return date.fromisoformat(value) if pa.types.is_date(dtype) else value
    except ValueError:
        raise CorpusError(f"{segment} is not a YYYY-MM-DD date") from None


def _fill_partition_columns(table: pa.Table, values: dict[str, object]) -> pa.Table:
    for column, value in values.items():
        filled = pc.fill_null(table.column(column), pa.scalar(value, ARTICLE_SCHEMA.field(column).type))
        mismatch = pc.not_equal(filled, pa.scalar(value, filled.type))
        if pc.any(mismatch).as_py():
            row = pc.index(mismatch, True).as_py()
            raise CorpusError(f"record {row} has {column}={filled[row].as_py()} but the partition key says {value}")
        table = table.set_column(table.schema.get_field_index(column), column, filled)
    return table

"""Running a read: results as DataFrames through Arrow, with bound parameters only.

Every read module (``overview``, ``ranking``, ``claims``) runs its statements through
:func:`df` or :func:`scalar`. Filter values are always *bound* (``$name`` parameters); no
user text is ever formatted into a statement, so a filter value like
``'; DROP TABLE claims; --`` is just a string that matches nothing.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

Con = duckdb.DuckDBPyConnection


# Integer and boolean Arrow types and the pandas types ``.df()`` gives them when they hold
# a NULL.
_NULLABLE: dict[pa.DataType, Any] = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(),
    pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def frame(table: pa.Table) -> pd.DataFrame:
    """``table`` as the DataFrame DuckDB's ``.df()`` would give for the same result.

    ``.df()`` makes a Python object of every string before pandas turns it back into
    Arrow-backed ``str``: 1.2 s for the 500,000 claims of a nationwide funds ranking,
    against 15 ms from Arrow. The dtypes are kept exactly as ``.df()`` makes them: an
    integer or boolean column is pandas' nullable type only when it holds a NULL, a text
    column with no value at all (or no row) is ``object`` holding None, a date is
    ``datetime64[us]`` (tests/test_query_frames.py compares the two on every query).

    Columns that need no pandas type (an integer or boolean one without NULL, a text one
    with nothing in it, a float, a date) are taken from Arrow directly and the frame is
    built once: making each a nullable column and replacing it one by one took 6 ms for
    the 42 columns of a page of evidence cards, more than the query; floats and dates
    through pandas took 9 ms of a two-year ranking's 121,000 claims, 6 without.
    """
    rows = pd.RangeIndex(table.num_rows)
    direct: dict[str, Any] = {}
    converted: list[str] = []
    for name, field, column in zip(table.column_names, table.schema, table.columns, strict=True):
        kind = field.type
        if kind in _NULLABLE and column.null_count == 0:
            direct[name] = column.to_numpy()
        elif pa.types.is_floating(kind):
            direct[name] = column.to_numpy()  # a NULL is NaN, as in ``.df()``
        elif pa.types.is_date(kind):
            # Cast in Arrow: 0.2 ms for 95,000 dates, against 1.3 through pandas and back.
            direct[name] = column.cast(pa.timestamp("us")).to_numpy()
        elif _is_text(kind) and column.null_count == len(column):
            direct[name] = pd.Series([None] * len(column), index=rows, dtype=object)
        else:
            converted.append(name)
    rest = table.select(converted).to_pandas(types_mapper=_NULLABLE.get, date_as_object=False)
    columns = {
        name: direct[name] if name in direct else rest[name].array for name in table.column_names
    }
    return pd.DataFrame(columns, index=rows)


def _is_text(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
    )


def df(con: Con, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    """The result of ``sql`` as a DataFrame (see :func:`frame`)."""
    # ``sql`` refuses to run while an earlier ``execute()`` on the same connection has
    # rows left unread (DuckDB 2); ``execute`` itself would simply replace that result,
    # which is what callers of this module have always had, so do the same here.
    abort = getattr(con, "abort", None)
    if abort is not None:
        abort()
    return frame(con.sql(sql, params=params or None).to_arrow_table())


def scalar(con: Con, sql: str, params: dict[str, Any] | list[Any] | None = None) -> Any:
    """The single value a statement returns (None for no row); the result is consumed
    whole, which DuckDB requires before the connection runs anything else."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def column(con: Con, sql: str, params: dict[str, Any] | None = None) -> tuple[Any, ...]:
    """The first column of every row a statement returns."""
    return tuple(r[0] for r in con.execute(sql, params or {}).fetchall())


def id_range(ids: list[int]) -> dict[str, Any]:
    """``ids`` with their smallest and largest: ``BETWEEN $lo AND $hi`` beside the list lets
    DuckDB skip the row groups outside that range of a table stored in id order, which
    makes a few ids a lookup instead of a scan of every row."""
    return {"ids": ids, "lo": min(ids, default=0), "hi": max(ids, default=-1)}

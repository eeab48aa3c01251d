"""The last stage of ingest: every region's value under the value rule, stored once.

The 排名 page shows a nationwide ranking of prefectures in a database of a million claims
by reading the values of a few hundred regions; applying the rule to the half a million
funds claims behind them took half a second per view, every time a filter changed. The
rule does not depend on which provinces or which tier the user picks (a region has one of
each), only on which claims are in scope, so ingest computes it here for every scope a
user can pick as one value:

* metric × fund category ('' = every category; each category for funds) × year (0 = every
  year, or each year on its own).

Several years at once (2022 and 2023, not all) are left to the dashboard, which applies
the same rule (``etl.valuerule``) to the claims of those years.

The tables are rebuilt whole, in one transaction, after the documents are written. A
document write deletes ``rankings_state`` in its own transaction, so the stored values are
trusted only when the rebuild that followed the last write has finished; the dashboard
falls back to the rule on the claims otherwise (an interrupted ingest, a database built
by an older version of the rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd
import pyarrow as pa

from db import queries
from etl import valuerule

# Bump when the rule (etl/valuerule.py) changes what it computes: stored values made by an
# older rule are then ignored by the dashboard until the next ingest rebuilds them.
RULE_VERSION = 2

# Every table this stage rebuilds (db/schema.sql documents each).
DERIVED_TABLES = (
    "region_values",
    "claim_roles",
    "unplaced_claims",
    "metric_summary",
    "rankings_state",
)

EVERY_CATEGORY = ""
EVERY_YEAR = 0

# Scope columns added to the claims: the constant ones put every claim in one scope.
_EVERY_CATEGORY_COLUMN = "_every_category"
_EVERY_YEAR_COLUMN = "_every_year"

VALUE_COLUMNS = [
    "metric", "category", "year", "region_key", "region", "region_code", "province", "tier",
    "value", "unit", "approx", "mixed_periods", "period_start", "period_end", "n_claims",
    "n_figures", "n_documents",
]  # fmt: skip
ROLE_COLUMNS = ["metric", "category", "year", "region_key", "claim_id", "role"]


@dataclass(frozen=True)
class RebuildStats:
    """What a rebuild wrote: region values and claim roles, over all scopes."""

    values: int
    roles: int


def _scopes(metric: str) -> list[tuple[str, str]]:
    """(category column, year column) pairs whose groups are this metric's scopes."""
    categories = [_EVERY_CATEGORY_COLUMN] + (["category"] if metric == "funds" else [])
    return [(c, y) for c in categories for y in (_EVERY_YEAR_COLUMN, "year")]


def _scoped_tables(claims: pd.DataFrame, metric: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Region values and claim roles of one metric in every scope."""
    claims = claims.copy(deep=False)
    claims[_EVERY_CATEGORY_COLUMN] = EVERY_CATEGORY
    claims[_EVERY_YEAR_COLUMN] = EVERY_YEAR
    values, roles = [], []
    for category, year in _scopes(metric):
        table, role = valuerule.scoped(claims, metric, by=[category, year])
        scope = {category: "category", year: "year"}
        values.append(table.rename(columns=scope))
        roles.append(role.rename(columns=scope).assign(metric=metric))
    return pd.concat(values, ignore_index=True), pd.concat(roles, ignore_index=True)


def _arrow(frame: pd.DataFrame, columns: list[str]) -> pa.Table:
    return pa.Table.from_pandas(frame[columns], preserve_index=False)


def rebuild(con: duckdb.DuckDBPyConnection) -> RebuildStats:
    """Recompute every derived table (``DERIVED_TABLES``) from ``claims`` in one transaction.

    Rows go in sorted by scope and region, so DuckDB's per-row-group min/max lets a page
    that reads one scope (or one region's roles) skip the rest of the table.
    """
    n_values = n_roles = 0
    con.execute("BEGIN TRANSACTION")
    try:
        for table in DERIVED_TABLES:
            con.execute(f"DELETE FROM {table}")
        con.execute("INSERT INTO metric_summary " + queries.METRIC_SUMMARY_SQL)
        con.execute(
            "INSERT INTO unplaced_claims " + queries.UNPLACED_CLAIMS_SQL,
            {"statuses": list(valuerule.RANKABLE_STATUSES)},
        )
        for metric in valuerule.RANKED_METRICS:
            claims = queries.rule_inputs(con, metric=metric, statuses=valuerule.RANKABLE_STATUSES)
            values, roles = _scoped_tables(claims, metric)
            _insert_sorted(con, "region_values", _arrow(values, VALUE_COLUMNS))
            _insert_sorted(con, "claim_roles", _arrow(roles, ROLE_COLUMNS))
            n_values += len(values)
            n_roles += len(roles)
        con.execute(
            "INSERT INTO rankings_state (rule_version, built_at) VALUES (?, ?)",
            [RULE_VERSION, datetime.now()],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return RebuildStats(values=n_values, roles=n_roles)


def _insert_sorted(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    if rows.num_rows == 0:
        return
    con.register("incoming", rows)
    columns = ", ".join(rows.column_names)
    con.execute(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming"
        " ORDER BY metric, category, year, region_key"
    )
    con.unregister("incoming")

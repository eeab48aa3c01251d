"""Reads of the 趋势 page: one metric's single-year figures of a few regions, by the year
each figure covers.

A trend compares a region with itself across years, so each point may only rest on
figures of that one year: a 2016年以来 total or a 每年 figure would draw a step that never
happened. Which figures are single-year is :data:`SINGLE_YEAR` (the 单一年度 口径's period
kinds, ``valuation.registry.kinds_in``), and the year a figure covers is
:data:`FIGURE_YEAR` (not the article's year: a 2024 report's 2023年投入… is a point of 2023).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from db import sql
from db.columns import RULE_ROW, claims_from, listed, select
from db.filters import TREND, Filters, where
from db.ranking import PLACED, TRUSTED
from db.sql import Con
from valuation import registry
from valuation.outcome import TABLE_COLUMNS

# The figure covers one year: a kind of the 单一年度 口径 (2023年, 今年 and 去年 resolved
# against the article's date, a figure that states no period under its article's year),
# the year it covers (covers_end; a heading's 2023年 governs the figures under it).
SINGLE_YEAR = "(list_contains($single_kinds, c.period_kind) AND c.covers_end IS NOT NULL)"
FIGURE_YEAR = "c.covers_end"
FIGURE_YEAR_COLUMN = "figure_year"
_FIELDS = ("metric", "category", "trend_regions", "no_ocr")


def _trend_where(f: Filters, statuses: Sequence[str]) -> tuple[str, dict[str, Any]]:
    clause, params = where(f.of(TREND), _FIELDS)
    # No region chosen is no trend (every region's line is no chart), not every region.
    return (
        f" WHERE {clause} AND len($trend_regions) > 0 AND {PLACED} AND {TRUSTED} AND {SINGLE_YEAR}",
        {
            **params,
            "statuses": [str(s) for s in statuses],
            "single_kinds": list(registry.kinds_in(registry.SCOPE_SINGLE)),
        },
    )


def trend_claims(con: Con, f: Filters, *, statuses: Sequence[str]) -> pd.DataFrame:
    """The claims a trend's points rest on: the value rule's columns and ``figure_year``,
    for the chosen regions, in no particular order (the rule orders claims itself)."""
    clause, params = _trend_where(f, statuses)
    fields = (*RULE_ROW, f"{FIGURE_YEAR} AS {FIGURE_YEAR_COLUMN}")
    return sql.df(con, select(fields) + claims_from(documents=False) + clause, params)


def trend_sources(con: Con, f: Filters, *, statuses: Sequence[str]) -> pd.DataFrame:
    """source, year: the files a trend's claims come from (the export's source line)."""
    clause, params = _trend_where(f, statuses)
    fields = ("c.source", "max(coalesce(d.document_year, c.year)) AS year")
    return sql.df(
        con,
        select(fields) + claims_from() + clause + " GROUP BY c.source ORDER BY c.source",
        params,
    )


# --------------------------------------------------------------------------- stored values
# Ingest stores the 单一年度 rankings of every year (``valuation.stored``: scope 'single',
# the year a figure covers): a trend is those values of the chosen regions, read as they
# are, so a point is always the bar of that region in that year's 单一年度 ranking (and a
# point's roles are that bar's, ``db.ranking.claim_roles``).
_STORED = (
    " WHERE scope = $scope AND metric = $metric AND category = $category"
    " AND list_contains($keys, region_key)"
)


def _stored_params(f: Filters) -> dict[str, Any]:
    f = f.of(TREND)
    return {
        "scope": registry.SCOPE_SINGLE,
        "metric": f.metric,
        "category": f.category,
        "keys": [str(k) for k in f.trend_regions],
    }


def stored_points(con: Con, f: Filters) -> pd.DataFrame:
    """The stored 单一年度 values of the chosen regions in every year: rows of the rule's
    table (less the rank) with ``figure_year``."""
    return sql.df(
        con,
        f"SELECT {listed(TABLE_COLUMNS[1:])}, year AS {FIGURE_YEAR_COLUMN} FROM region_values"
        + _STORED
        + " ORDER BY region_key, year",
        _stored_params(f),
    )

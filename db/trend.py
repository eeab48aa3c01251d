"""Reads of the 趋势 page: one metric's single-year figures of a few regions, by the year
each figure covers.

A trend compares a region with itself across years, so each point may only rest on
figures of that one year: a 2016年以来 total or a 每年 figure would draw a step that never
happened. Which figures are single-year is :data:`SINGLE_YEAR`, and the year a figure
covers is :data:`FIGURE_YEAR` (not the article's year: a 2024 report's 2023年投入… is a
point of 2023).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from db import sql
from db.columns import RULE_ROW, claims_from, select
from db.filters import TREND, Filters, where
from db.ranking import PLACED, TRUSTED
from db.sql import Con

# The figure states one year (2023年, 今年 of a 2023 article, 去年): its period starts and
# ends in the same year.
SINGLE_YEAR = "(c.period_start IS NOT NULL AND c.period_start = c.period_end)"
FIGURE_YEAR = "c.period_start"
FIGURE_YEAR_COLUMN = "figure_year"
_FIELDS = ("metric", "category", "trend_regions")


def _trend_where(f: Filters, statuses: Sequence[str]) -> tuple[str, dict[str, Any]]:
    clause, params = where(f.of(TREND), _FIELDS)
    # No region chosen is no trend (every region's line is no chart), not every region.
    return (
        f" WHERE {clause} AND len($trend_regions) > 0 AND {PLACED} AND {TRUSTED} AND {SINGLE_YEAR}",
        {**params, "statuses": [str(s) for s in statuses]},
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

"""Every region's value in every scope a user can pick as one: what ingest stores.

The 排名 page shows a nationwide ranking of prefectures in a database of a million claims
by reading the values of a few hundred regions; applying the rule to the half a million
funds claims behind them took half a second per view, every time a filter changed. The
rule does not depend on which provinces or which tier the user picks (a region has one of
each), only on which claims are in scope, so ingest computes it for every scope a user can
pick as one value:

* metric × fund category ('' = every category; each category for a metric that has
  categories) × 口径 × year: in 全部 the article's year (0 = every year, or each year on its
  own); in 单一年度 each year a figure covers; in 多年累计 each start year of the figures'
  spans (``EVERY_START`` = every start year together, with the 累计 stocks that state none).

Several years at once (2022 and 2023, not all) are left to the dashboard, which applies the
same rule (``valuation.rule``) to the claims of those years. This module only computes;
``db.write.rebuild_derived`` reads the claims and stores what it returns.
"""

from __future__ import annotations

import pandas as pd

from valuation import rule
from valuation.registry import (
    SCOPE_ALL,
    SCOPE_SINGLE,
    SCOPE_SPAN,
    has_categories,
    kinds_in,
    scopes_for,
)

# Bump when the rule changes what it computes: stored values made by an older rule are
# then ignored by the dashboard until the next ingest rebuilds them.
# 4: 统计口径 stored (single year, spans), 数据冲突 (later wins); 5: both quotes of each
# 数据冲突 stored (``conflict_pairs``); 6: the 总览 page's summaries and the filter
# options stored beside them (db.overview); 7: the places each page's region picker offers
# (``region_claims``); 8: the 总览 page's list of unplaced articles stored whole; 9: the
# claims as the rule reads them stored in metric and year order (``rule_claims``).
RULE_VERSION = 9

EVERY_CATEGORY = ""
EVERY_YEAR = 0
EVERY_START = -1  # 多年累计: every start year together (db.filters.EVERY_START)

# Scope columns added to the claims: the constant ones put every claim in one scope.
_EVERY_CATEGORY_COLUMN = "_every_category"
_EVERY_YEAR_COLUMN = "_every_year"
_EVERY_START_COLUMN = "_every_start"
# The claim column a stored scope's year is, per 口径, and its every-year group (None: a
# 单一年度 ranking is always of one year).
_SCOPE_YEAR = {SCOPE_ALL: "year", SCOPE_SINGLE: "covers_end", SCOPE_SPAN: "covers_start"}
_SCOPE_EVERY: dict[str, str | None] = {
    SCOPE_ALL: _EVERY_YEAR_COLUMN,
    SCOPE_SINGLE: None,
    SCOPE_SPAN: _EVERY_START_COLUMN,
}


def stored_year(years: tuple[int, ...], scope: str = SCOPE_ALL, since: int = 0) -> int | None:
    """The stored year of a selection in a 口径, or None when only the claims can answer:
    全部 — 0 for every year, else the one year; 单一年度 — the one year; 多年累计 — the
    start year (``EVERY_START`` for every start), when no end year is chosen."""
    if scope == SCOPE_SPAN:
        if years:
            return None
        return int(since) if since > 0 else EVERY_START
    if len(years) > 1:
        return None
    if scope == SCOPE_SINGLE:
        return int(years[0]) if years else None
    return int(years[0]) if years else EVERY_YEAR


def _scopes(metric: str, scope: str) -> list[tuple[str, str]]:
    """(category column, year column) pairs whose groups are this metric's scopes."""
    categories = [_EVERY_CATEGORY_COLUMN] + (["category"] if has_categories(metric) else [])
    every = _SCOPE_EVERY[scope]
    years = ([every] if every else []) + [_SCOPE_YEAR[scope]]
    return [(c, y) for c in categories for y in years]


def _in_scope(claims: pd.DataFrame, scope: str) -> pd.DataFrame:
    """The claims a ranking in ``scope`` uses (全部: all of them)."""
    if scope == SCOPE_ALL:
        return claims
    return claims[claims["period_kind"].isin(kinds_in(scope))]


def scoped_tables(claims: pd.DataFrame, metric: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Region values and claim roles of one metric in every scope.

    ``claims`` are the metric's placed claims with the columns the rule reads. The values
    have the rule's table columns (less the rank) with ``category``, ``year`` and
    ``scope``; the roles claim_id, region_key, category, year, role, metric, scope.
    """
    claims = claims.copy(deep=False)
    claims[_EVERY_CATEGORY_COLUMN] = EVERY_CATEGORY
    claims[_EVERY_YEAR_COLUMN] = EVERY_YEAR
    claims[_EVERY_START_COLUMN] = EVERY_START
    values, roles = [], []
    for scope in scopes_for(metric):
        of_scope = _in_scope(claims, scope)
        for category, year in _scopes(metric, scope):
            table, role = rule.scoped(of_scope, metric, by=[category, year])
            names = {category: "category", year: "year"}
            values.append(table.rename(columns=names).assign(scope=scope))
            roles.append(role.rename(columns=names).assign(metric=metric, scope=scope))
    return _concat(values), _concat(roles)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty] or frames[:1]
    out = pd.concat(frames, ignore_index=True)
    if "year" in out:
        out["year"] = out["year"].astype("int64")
    return out

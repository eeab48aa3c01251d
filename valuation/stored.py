"""Every region's value in every scope a user can pick as one: what ingest stores.

The 排名 page shows a nationwide ranking of prefectures in a database of a million claims
by reading the values of a few hundred regions; applying the rule to the half a million
funds claims behind them took half a second per view, every time a filter changed. The
rule does not depend on which provinces or which tier the user picks (a region has one of
each), only on which claims are in scope, so ingest computes it for every scope a user can
pick as one value:

* metric × fund category ('' = every category; each category for a metric that has
  categories) × year (0 = every year, or each year on its own).

Several years at once (2022 and 2023, not all) are left to the dashboard, which applies the
same rule (``valuation.rule``) to the claims of those years. This module only computes;
``db.write.rebuild_derived`` reads the claims and stores what it returns.
"""

from __future__ import annotations

import pandas as pd

from valuation import rule
from valuation.registry import has_categories

# Bump when the rule changes what it computes: stored values made by an older rule are
# then ignored by the dashboard until the next ingest rebuilds them.
RULE_VERSION = 3  # 3: 可疑 claims (suspect, or a value not finite) left out

EVERY_CATEGORY = ""
EVERY_YEAR = 0

# Scope columns added to the claims: the constant ones put every claim in one scope.
_EVERY_CATEGORY_COLUMN = "_every_category"
_EVERY_YEAR_COLUMN = "_every_year"


def stored_year(years: tuple[int, ...]) -> int | None:
    """The stored scope for these years (0 = every year, else the one year), or None when
    the selection is several years, which only the claims can answer."""
    if len(years) > 1:
        return None
    return int(years[0]) if years else EVERY_YEAR


def _scopes(metric: str) -> list[tuple[str, str]]:
    """(category column, year column) pairs whose groups are this metric's scopes."""
    categories = [_EVERY_CATEGORY_COLUMN] + (["category"] if has_categories(metric) else [])
    return [(c, y) for c in categories for y in (_EVERY_YEAR_COLUMN, "year")]


def scoped_tables(claims: pd.DataFrame, metric: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Region values and claim roles of one metric in every scope.

    ``claims`` are the metric's placed claims with the columns the rule reads. The values
    have the rule's table columns (less the rank) with ``category`` and ``year``; the roles
    claim_id, region_key, category, year, role, metric.
    """
    claims = claims.copy(deep=False)
    claims[_EVERY_CATEGORY_COLUMN] = EVERY_CATEGORY
    claims[_EVERY_YEAR_COLUMN] = EVERY_YEAR
    values, roles = [], []
    for category, year in _scopes(metric):
        table, role = rule.scoped(claims, metric, by=[category, year])
        scope = {category: "category", year: "year"}
        values.append(table.rename(columns=scope))
        roles.append(role.rename(columns=scope).assign(metric=metric))
    return pd.concat(values, ignore_index=True), pd.concat(roles, ignore_index=True)

"""The 趋势 page's data: one metric's value per region and year, gaps kept as gaps.

Each point is what the value rule (``valuation.rule``) makes of one region's figures of one
year: the same rule as a ranking, applied within each (region, year). A year a region did
not report is a row with no value, never a zero: a chart must draw a gap there, and a
table must say 未报告. Pure: no Streamlit, no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from db.trend import FIGURE_YEAR_COLUMN as YEAR
from valuation import rule

# The columns of a trend point (a row of the rule's table, less its rank, by year).
POINT_COLUMNS = (
    "region_key", "region", "province", "tier", YEAR, "value", "unit", "approx",
    "mixed_periods", "n_claims", "n_documents", "reported",
)  # fmt: skip


@dataclass(frozen=True)
class TrendData:
    """``points``: every chosen region × every year from the first to the last with data
    (``POINT_COLUMNS``; ``value`` None and ``reported`` False where the region has no
    figure of that year), regions in the order chosen. ``roles``: claim_id, region_key,
    figure_year, role of the claims behind each point."""

    points: pd.DataFrame
    roles: pd.DataFrame

    @property
    def years(self) -> list[int]:
        return sorted({int(y) for y in self.points[YEAR].tolist()})

    def roles_of(self, region_key: str, year: int) -> pd.DataFrame:
        """claim_id, region_key, role of the claims behind one point."""
        chosen = (self.roles["region_key"] == region_key) & (self.roles[YEAR] == int(year))
        return self.roles[chosen].drop(columns=[YEAR]).reset_index(drop=True)


def trend_data(claims: pd.DataFrame, places: pd.DataFrame, metric: str) -> TrendData:
    """The trend of ``places`` (region_key, region, province, tier, in display order) from
    their single-year ``claims`` (the rule's columns and ``figure_year``)."""
    table, roles = rule.scoped(claims, metric, [YEAR])
    return trend_grid(table, roles, places)


def trend_grid(table: pd.DataFrame, roles: pd.DataFrame, places: pd.DataFrame) -> TrendData:
    """The trend of ``places`` from the rule's values per region and ``figure_year``
    (``table``, computed or stored) and the roles of their claims."""
    if roles.empty:
        roles = pd.DataFrame({"claim_id": [], "region_key": [], YEAR: [], "role": []})
    order = places[["region_key", "region", "province", "tier"]].drop_duplicates("region_key")
    if table.empty:
        years: list[int] = []
    else:
        found = [int(y) for y in table[YEAR].tolist()]
        years = list(range(min(found), max(found) + 1))
    grid = order.merge(pd.DataFrame({YEAR: years}, dtype="int64"), how="cross")
    values = table.drop(columns=["region", "province", "tier"], errors="ignore")
    if not values.empty:
        values = values.astype({YEAR: "int64"})
        grid = grid.merge(values, on=["region_key", YEAR], how="left")
    for column in POINT_COLUMNS:
        if column not in grid:
            grid[column] = None
    grid["value"] = grid["value"].astype("float64")
    grid["reported"] = grid["value"].notna()
    return TrendData(points=grid[list(POINT_COLUMNS)].reset_index(drop=True), roles=roles)

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
    (``table``, computed or stored) and the roles of their claims.

    A trend is a few dozen points: they are put together as Python rows (pandas merges of
    Arrow-backed text took most of the page's time for them).
    """
    if roles.empty:
        roles = pd.DataFrame({"claim_id": [], "region_key": [], YEAR: [], "role": []})
    names = ("region_key", "region", "province", "tier")
    order = places[list(names)].drop_duplicates("region_key")
    found = {(str(row["region_key"]), int(row[YEAR])): row for row in table.to_dict("records")}
    years = sorted({year for _, year in found})
    years = list(range(years[0], years[-1] + 1)) if years else []
    rows = []
    for place in order.to_dict("records"):
        for year in years:
            value = found.get((str(place["region_key"]), year), {})
            rows.append(
                {
                    **{c: value.get(c) for c in POINT_COLUMNS},
                    **{c: place[c] for c in names},
                    YEAR: year,
                    "reported": bool(value),
                }
            )
    points = pd.DataFrame(rows, columns=list(POINT_COLUMNS))
    points["value"] = points["value"].astype("float64")
    points[YEAR] = points[YEAR].astype("int64")
    return TrendData(points=points, roles=roles)

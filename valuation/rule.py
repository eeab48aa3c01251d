"""The ranking value rule: how one region's value is formed from its claims.

A region is reported many times: in several documents, in several years, as a total and
again as its parts, as standards (每人每月300元) and as amounts. Adding everything up would
rank the regions that were reported most often, not the ones that did most. The rule
below is stated to users on the 排名 page (``labels.VALUE_RULE``) and in the README; this
module is its public face: ``valuation.reference`` states it region by region, and
``valuation.kernel`` applies it to every region at once (the two are checked to agree).
Pandas and numpy: no Streamlit, no SQL.

Honours (``honour_national``, ``honour_provincial``): the largest count among the region's
claims. A count is cumulative ("as of" the article), so counts are never summed.

Additive metrics (funds, people resettled, children schooled, and any metric not known to
be a count) are summed, but never over figures that overlap:

* rate claims (``rate``, 每人每月…) and part claims (``is_part``, 其中…) are dropped;
* within one article, a figure whose period lies inside a longer period of a larger figure
  of the same category is dropped (2016年以来投入5亿元 … 2022年投入8000万元): it is already
  counted in the longer one. The same amount stated at two places of one article is two facts
  (001#25 of the gold set: 提供10万元 … 投入10万元) and counts twice;
* across articles (several documents, reprints, a region reported twice in one compilation),
  the article with the largest total counts; another article is added only when every one of
  its figures states a period and its periods do not overlap any counted article's (a 2022
  report beside a 2023 report). Otherwise its figures are shown as evidence but not added:
  a reprinted figure as ``duplicate``, any other as ``overlap``.

The value is approximate if any counted claim is (``about`` wins over ``over``), and is
marked 口径不一 when the counted claims cover different periods.

可疑 claims (``suspect``: a value beyond its metric's plausible bound, etl/rules/metrics.yml
``plausible_max``, or a numeral too long to be a figure) are left out entirely: neither
ranked nor counted as unplaced; the 明细 page and their cards show them with the reason.

Claims whose region is unknown (``region`` null, or ``region_status`` other than
resolved/not_found) are left out and counted, so the page can say how many.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from valuation import kernel
from valuation.outcome import (
    TABLE_COLUMNS,
    HeldRoles,
    Ranking,
    frame_of,
    period_key,
    placed_mask,
)
from valuation.registry import RANKED_METRICS

__all__ = [
    "TABLE_COLUMNS",
    "Ranking",
    "compare",
    "compared",
    "comparison_grid",
    "period_outliers",
    "placed_mask",
    "rank",
    "rank_each",
    "scoped",
]


def scoped(
    claims: pd.DataFrame, metric: str, by: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rule applied to each region within each value of the ``by`` columns at once.

    ``scoped(claims, "funds", ["year"])`` is, in one pass, what :func:`rank` gives for each
    year's claims alone: the groups are (region, year) instead of regions, and nothing in
    the rule looks across groups. Returns (table, roles) with the ``by`` columns added,
    unsorted and without ranks (``valuation.stored`` prepares them for ingest to store).
    """
    table, roles, _ = kernel.apply(claims, metric, by)
    return table, frame_of(roles)


def rank(claims: pd.DataFrame, metric: str) -> Ranking:
    """Apply the rule to ``claims`` of one metric (already filtered by tier/place/year).

    Regions whose claims are all excluded (only rates, say) get no value and no row.
    Ties share a rank (1, 2, 2, 4); equal values are ordered by region name, then key
    (the order the database gives the stored rankings).
    """
    return _ranked(*kernel.apply(claims, metric))


def rank_each(claims: pd.DataFrame, metrics: Sequence[str]) -> list[Ranking]:
    """:func:`rank` of each of ``metrics`` over the same claims, in one pass."""
    return [_ranked(*result) for result in _each(claims, metrics)]


def _each(
    claims: pd.DataFrame, metrics: Sequence[str]
) -> list[tuple[pd.DataFrame, HeldRoles, int]]:
    """The kernel's (table, roles, unplaced) of each metric: one pass when they are
    distinct."""
    if len(set(metrics)) < len(metrics):
        return [kernel.apply(claims, metric) for metric in metrics]
    return kernel.apply_each(claims, metrics)


def _ranked(table: pd.DataFrame, roles: HeldRoles, n_unplaced: int) -> Ranking:
    """The kernel's table sorted and ranked (see :func:`rank`)."""
    if not table.empty:
        table = table.sort_values(
            ["value", "region", "region_key"], ascending=[False, True, True], kind="stable"
        )
        table.insert(0, "rank", table["value"].rank(method="min", ascending=False).astype(int))
        table = table.reset_index(drop=True)
    else:
        table.insert(0, "rank", pd.Series(dtype="int64"))
    return Ranking(table=table, held_roles=roles, n_unplaced=n_unplaced)


def compare(
    claims: pd.DataFrame, regions: pd.DataFrame, metrics: Sequence[str] = RANKED_METRICS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every chosen region × every metric, by the same rule as the ranking.

    ``regions`` as in :func:`comparison_grid`. Returns (long table, roles with ``metric``).
    """
    found, held = compared(claims, metrics)
    frames = {metric: frame_of(roles) for metric, roles in held.items()}
    roles = [frame.assign(metric=metric) for metric, frame in frames.items() if len(frame)]
    roles_df = (
        pd.concat(roles, ignore_index=True)
        if roles
        else pd.DataFrame({"claim_id": [], "region_key": [], "role": [], "metric": []})
    )
    return comparison_grid(regions, found, metrics), roles_df


def compared(
    claims: pd.DataFrame, metrics: Sequence[str] = RANKED_METRICS
) -> tuple[pd.DataFrame | None, dict[str, HeldRoles]]:
    """What :func:`compare` places on its grid, for a caller that puts several passes on
    one grid: the values (rows of ``TABLE_COLUMNS`` less the rank, for the region and
    metric pairs that have one; None when none has) and each metric's roles as the rule
    holds them (``outcome.region_rows`` reads one region's: a click on a cell)."""
    # The values are placed on the grid by region and metric, so they need no ranks; a
    # metric asked twice is one metric.
    distinct = list(dict.fromkeys(metrics))
    table, each = kernel.apply_together(claims, distinct)
    return (None if table.empty else table), dict(zip(distinct, each, strict=True))


def comparison_grid(
    regions: pd.DataFrame, values: pd.DataFrame | None, metrics: Sequence[str] = RANKED_METRICS
) -> pd.DataFrame:
    """The long table of a comparison: one row per chosen region and metric.

    ``regions`` (region_key, region, province, tier) lists the chosen regions in display
    order; it names a region even when it has no claim in the selected years. ``values``
    holds rows of ``TABLE_COLUMNS`` for the (region, metric) pairs that have a value. A
    region with no usable claim for a metric has a row with ``value`` NaN and ``reported``
    False: "未报告", which must not look like a zero.
    """
    places = regions[["region_key", "region", "province", "tier"]].drop_duplicates("region_key")
    grid = places.merge(pd.DataFrame({"metric": list(metrics)}), how="cross")
    if values is None or values.empty:
        long = grid.assign(**{c: None for c in TABLE_COLUMNS if c not in grid and c != "rank"})
        long["value"] = float("nan")
    else:
        found = values.drop(columns=["rank", "region", "province", "tier"], errors="ignore")
        long = grid.merge(found, on=["region_key", "metric"], how="left")
    long["reported"] = long["value"].notna()
    return long


def period_outliers(table: pd.DataFrame) -> pd.Series:
    """True for rows whose stated period differs from the period most rows share.

    Used to mark a bar "2016年以来" among bars that are all "2022年". Rows with no stated
    period, or with mixed periods (marked 口径不一 anyway), are never outliers. When no
    period has a majority, every row with a stated period is marked, so each bar says
    what it covers.
    """
    if table.empty:
        return pd.Series(False, index=table.index, dtype=bool)
    keys = period_key(table)
    usable = [
        not bool(mixed) and key != (None, None)
        for mixed, key in zip(table["mixed_periods"], keys, strict=True)
    ]
    counts = keys[usable].value_counts()
    if len(counts) < 2:
        return pd.Series(False, index=table.index, dtype=bool)
    if (counts == counts.iloc[0]).sum() > 1:
        return pd.Series(usable, index=table.index, dtype=bool)
    modal = counts.index[0]
    flags = [ok and key != modal for ok, key in zip(usable, keys, strict=True)]
    return pd.Series(flags, index=table.index, dtype=bool)

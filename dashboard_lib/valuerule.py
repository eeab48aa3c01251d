"""The ranking value rule: how one region's value is formed from its claims.

A region is reported many times: in several documents, in several years, as a total and
again as its parts, as standards (每人每月300元) and as amounts. Adding everything up would
rank the regions that were reported most often, not the ones that did most. The rule
below is stated to users on the 排名 page (``labels.VALUE_RULE``) and in the README; this
module is its only implementation. Pure pandas: no Streamlit, no SQL.

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

Claims whose region is unknown (``region`` null, or ``region_status`` other than
resolved/not_found) are left out and counted, so the page can say how many.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

HONOUR_METRICS = ("honour_national", "honour_provincial")
ADDITIVE_METRICS = ("funds", "people_resettled", "children_schooled")
RANKED_METRICS = HONOUR_METRICS + ADDITIVE_METRICS
RANKABLE_STATUSES = ("resolved", "not_found")

# Roles a claim plays in its region's value (shown beside each piece of evidence).
COUNTED = "counted"  # part of the value
DUPLICATE = "duplicate"  # the same figure again, counted once elsewhere
OVERLAP = "overlap"  # another article's figure whose period overlaps a counted article
NESTED = "nested"  # inside a larger figure of the same article for a longer period
RATE = "rate"  # a standard (每人每月…), never summed
PART = "part"  # a part of a total stated beside it (其中…)
SMALLER = "smaller"  # an honour count below the region's largest
ROLE_ORDER = (COUNTED, DUPLICATE, OVERLAP, NESTED, PART, RATE, SMALLER)

TABLE_COLUMNS = [
    "rank",
    "region_key",
    "region",
    "region_code",
    "province",
    "tier",
    "metric",
    "value",
    "unit",
    "approx",
    "mixed_periods",
    "period_start",
    "period_end",
    "n_claims",
    "n_figures",
    "n_documents",
    "claim_ids",
]


@dataclass(frozen=True)
class Ranking:
    """The outcome of the rule for one metric.

    ``table``: one row per region (columns ``TABLE_COLUMNS``), sorted by value, largest
    first. ``roles``: claim_id → region_key, role for every claim of a ranked region.
    ``n_unplaced``: claims left out because their region is unknown.
    """

    table: pd.DataFrame
    roles: pd.DataFrame
    n_unplaced: int


def placed_mask(claims: pd.DataFrame) -> pd.Series:
    """True for claims whose region is known well enough to be ranked."""
    return claims["region"].notna() & claims["region_status"].isin(RANKABLE_STATUSES)


def _period_key(df: pd.DataFrame) -> pd.Series:
    """(start, end) as a hashable pair, with None for missing ends."""
    start = df["period_start"].astype("object").where(df["period_start"].notna(), None)
    end = df["period_end"].astype("object").where(df["period_end"].notna(), None)
    return pd.Series(list(zip(start, end, strict=True)), index=df.index, dtype="object")


def combine_approx(values: Sequence[str]) -> str:
    """The approximation of a value made from claims with these approx flags."""
    flags = set(values)
    if "about" in flags:
        return "about"
    if "over" in flags:
        return "over"
    return "exact"


def _honour_roles(group: pd.DataFrame) -> pd.Series:
    top = group["value"].max()
    return pd.Series([COUNTED if v == top else SMALLER for v in group["value"]], index=group.index)


def _figure_keys(df: pd.DataFrame) -> list[tuple[object, ...]]:
    """(category, value, period) of each claim: what makes two claims the same figure."""
    category = df["category"].astype("object").where(df["category"].notna(), "")
    return list(zip(category, df["value"], _period_key(df), strict=True))


def _nested(article: pd.DataFrame) -> pd.Index:
    """Claims of one article inside a larger same-category figure for a longer period."""
    figures = [
        (index, start, end, value, category)
        for index, (start, end), value, category in zip(
            article.index, _period_key(article), article["value"], article["category"], strict=True
        )
        if start is not None and end is not None
    ]
    nested = [
        index
        for index, start, end, value, category in figures
        if any(
            o_start <= start
            and end <= o_end
            and (o_start, o_end) != (start, end)
            and o_value > value
            and _same_category(category, o_category)
            for _, o_start, o_end, o_value, o_category in figures
        )
    ]
    return pd.Index(nested)


def _same_category(a: object, b: object) -> bool:
    return ((a is None or a != a) and (b is None or b != b)) or a == b  # None and NaN alike


def _span(article: pd.DataFrame) -> tuple[int, int] | None:
    """The years an article's counted figures cover, or None when any states no period."""
    if article["period_start"].isna().any() or article["period_end"].isna().any():
        return None
    return int(article["period_start"].min()), int(article["period_end"].max())


def _disjoint(span: tuple[int, int] | None, taken: list[tuple[int, int] | None]) -> bool:
    if span is None or any(t is None for t in taken):
        return False
    return all(span[1] < t[0] or t[1] < span[0] for t in taken if t is not None)


def _additive_roles(group: pd.DataFrame) -> pd.Series:
    roles = pd.Series(COUNTED, index=group.index, dtype="object")
    roles[group["rate"].astype(bool)] = RATE
    roles[group["is_part"].astype(bool) & (roles == COUNTED)] = PART
    for _, article in group[roles == COUNTED].groupby("article_id", sort=False):
        roles[_nested(article)] = NESTED
    live = group[roles == COUNTED]
    if live.empty:
        return roles
    articles = dict(tuple(live.groupby("article_id", sort=False)))
    order = sorted(articles, key=lambda a: -float(articles[a]["value"].sum()))
    taken: list[tuple[int, int] | None] = [_span(articles[order[0]])]
    counted_figures = set(_figure_keys(articles[order[0]]))
    for article_id in order[1:]:
        rows = articles[article_id]
        span = _span(rows)
        if _disjoint(span, taken):
            taken.append(span)
            counted_figures.update(_figure_keys(rows))
            continue
        for index, key in zip(rows.index, _figure_keys(rows), strict=True):
            roles[index] = DUPLICATE if key in counted_figures else OVERLAP
    return roles


def _summarise(metric: str, key: str, group: pd.DataFrame, roles: pd.Series) -> dict:
    counted = group[roles == COUNTED]
    honour = metric in HONOUR_METRICS
    periods = set(_period_key(counted))
    mixed = not honour and len(periods) > 1
    start, end = next(iter(periods)) if len(periods) == 1 else (None, None)
    evidence = group[roles.isin([COUNTED, DUPLICATE])]
    first = group.iloc[0]
    return {
        "region_key": key,
        "region": first["region"],
        "region_code": first["region_code"],
        "province": first["province"],
        "tier": first["tier"],
        "metric": metric,
        "value": float(counted["value"].max() if honour else counted["value"].sum()),
        "unit": first["unit"],
        "approx": combine_approx(counted["approx"].tolist()),
        "mixed_periods": mixed,
        "period_start": start,
        "period_end": end,
        "n_claims": len(evidence),
        "n_figures": 1 if honour else len(counted),
        "n_documents": int(evidence["doc_id"].nunique()),
        "claim_ids": tuple(int(i) for i in evidence["claim_id"]),
    }


def rank(claims: pd.DataFrame, metric: str) -> Ranking:
    """Apply the rule to ``claims`` of one metric (already filtered by tier/place/year).

    Regions whose claims are all excluded (only rates, say) get no value and no row.
    Ties share a rank (1, 2, 2, 4), and equal values are ordered by region name.
    """
    claims = claims[claims["metric"] == metric]
    placed = claims[placed_mask(claims)]
    n_unplaced = int(len(claims) - len(placed))
    rows: list[dict] = []
    role_parts: list[pd.DataFrame] = []
    for key, group in placed.groupby("region_key", sort=False):
        roles = (_honour_roles if metric in HONOUR_METRICS else _additive_roles)(group)
        role_parts.append(
            pd.DataFrame({"claim_id": group["claim_id"], "region_key": key, "role": roles.values})
        )
        if (roles == COUNTED).any():
            rows.append(_summarise(metric, str(key), group, roles))
    table = pd.DataFrame(rows, columns=[c for c in TABLE_COLUMNS if c != "rank"])
    if not table.empty:
        table = table.sort_values(["value", "region"], ascending=[False, True], kind="stable")
        table.insert(0, "rank", table["value"].rank(method="min", ascending=False).astype(int))
        table = table.reset_index(drop=True)
    else:
        table.insert(0, "rank", pd.Series(dtype="int64"))
    roles_df = (
        pd.concat(role_parts, ignore_index=True)
        if role_parts
        else pd.DataFrame({"claim_id": [], "region_key": [], "role": []})
    )
    return Ranking(table=table, roles=roles_df, n_unplaced=n_unplaced)


def compare(
    claims: pd.DataFrame, regions: pd.DataFrame, metrics: Sequence[str] = RANKED_METRICS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every chosen region × every metric, by the same rule as the ranking.

    ``regions`` (region_key, region, province, tier) lists the chosen regions in display
    order; it names a region even when it has no claim in the selected years. Returns
    (long table, roles). A region with no usable claim for a metric has a row with
    ``value`` NaN and ``reported`` False: "未报告", which must not look like a zero.
    """
    parts: list[pd.DataFrame] = []
    roles: list[pd.DataFrame] = []
    for metric in metrics:
        result = rank(claims, metric)
        if not result.table.empty:
            parts.append(result.table.drop(columns=["rank", "region", "province", "tier"]))
        if not result.roles.empty:
            roles.append(result.roles.assign(metric=metric))
    places = regions[["region_key", "region", "province", "tier"]].drop_duplicates("region_key")
    grid = places.merge(pd.DataFrame({"metric": list(metrics)}), how="cross")
    found = pd.concat(parts, ignore_index=True) if parts else None
    if found is None:
        long = grid.assign(**{c: None for c in TABLE_COLUMNS if c not in grid and c != "rank"})
        long["value"] = float("nan")
    else:
        long = grid.merge(found, on=["region_key", "metric"], how="left")
    long["reported"] = long["value"].notna()
    roles_df = (
        pd.concat(roles, ignore_index=True)
        if roles
        else pd.DataFrame({"claim_id": [], "region_key": [], "role": [], "metric": []})
    )
    return long, roles_df


def period_outliers(table: pd.DataFrame) -> pd.Series:
    """True for rows whose stated period differs from the period most rows share.

    Used to mark a bar "2016年以来" among bars that are all "2022年". Rows with no stated
    period, or with mixed periods (marked 口径不一 anyway), are never outliers. When no
    period has a majority, every row with a stated period is marked, so each bar says
    what it covers.
    """
    if table.empty:
        return pd.Series(False, index=table.index, dtype=bool)
    keys = _period_key(table)
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

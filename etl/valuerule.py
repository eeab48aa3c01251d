"""The ranking value rule: how one region's value is formed from its claims.

A region is reported many times: in several documents, in several years, as a total and
again as its parts, as standards (每人每月300元) and as amounts. Adding everything up would
rank the regions that were reported most often, not the ones that did most. The rule
below is stated to users on the 排名 page (``labels.VALUE_RULE``) and in the README; this
module is its only implementation. Pandas and numpy: no Streamlit, no SQL.

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

import numpy as np
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
ROLE_RANK = {role: i for i, role in enumerate(ROLE_ORDER)}  # where a role's cards go

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
]


@dataclass(frozen=True)
class Ranking:
    """The outcome of the rule for one metric.

    ``table``: one row per region (columns ``TABLE_COLUMNS``), sorted by value, largest
    first. ``roles``: claim_id → region_key, role for every claim of a ranked region; the
    claims behind a value (its evidence) are those whose role is counted or duplicate.
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


# The rule is applied to every region at once. One ranking may hold half a million claims
# in thousands of regions, and a pandas operation per region (or per claim) takes minutes
# at that size. The claims are put in region order first ("group-major": regions in order
# of first appearance, claims in input order within a region, exactly what
# ``groupby(sort=False)`` hands out), so every region and every article is a contiguous
# segment and each per-region step is one numpy reduction over segments. Roles are small
# ints (positions in ROLE_ORDER) until the end. Only the choice of which further articles
# to add is a Python loop, and it visits only the articles that could be added at all
# (every figure dated, in a region whose fullest article is dated too).
# tests/test_valuerule_equivalence.py checks all of this against a direct, region-by-region
# statement of the rule on random frames.

_COUNTED, _DUPLICATE, _OVERLAP, _NESTED, _PART, _RATE, _SMALLER = range(len(ROLE_ORDER))
# The role names as pandas infers a column of them (``str`` from pandas 3 on).
_ROLE_NAMES = pd.Series(list(ROLE_ORDER)).array


@dataclass(frozen=True)
class _Claims:
    """The ranked claims as arrays in group-major order.

    ``pos`` are their positions in the input frame; ``group`` numbers the regions 0, 1, …
    in order and ``starts`` is where each region's run begins. Codes (``article``,
    ``category``, ``doc``) are ints compared by equality, -1 for a missing article or
    document.
    """

    claims: pd.DataFrame
    pos: np.ndarray
    group: np.ndarray
    starts: np.ndarray
    value: np.ndarray
    start: np.ndarray  # period start, NaN when not stated
    end: np.ndarray
    article: np.ndarray
    category: np.ndarray  # a missing category is a value of its own (nesting)
    figure_category: np.ndarray  # a missing category is '' (a figure's identity)
    doc: np.ndarray
    rate: np.ndarray
    part: np.ndarray

    @property
    def n_groups(self) -> int:
        return int(self.starts.size)

    @property
    def dated(self) -> np.ndarray:
        return ~np.isnan(self.start) & ~np.isnan(self.end)

    def rows(self, at: np.ndarray, columns: list[str]) -> pd.DataFrame:
        """These columns of the input rows at these group-major positions."""
        return self.claims[columns].iloc[self.pos[at]]


def _starts(codes: np.ndarray) -> np.ndarray:
    """Where each run of equal values begins in an array of sorted codes."""
    if codes.size == 0:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])


def _segment_sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Sum of each segment, bit-identical to ``Series.sum`` of the segment.

    ``np.add.reduceat`` adds in another order than ``Series.sum`` (numpy's pairwise sum),
    which can differ in the last bit for fractions and so reorder near-equal totals. Sums
    of whole numbers below 2**53 are exact in any order, so reduceat serves those; a
    segment holding a fraction is summed on its own, the way pandas sums it.
    """
    if starts.size == 0:
        return np.zeros(0, dtype=float)
    sums = np.add.reduceat(values, starts)
    inexact = (values != np.floor(values)) | (np.abs(values) >= 2.0**53)
    if inexact.any():
        ends = np.r_[starts[1:], values.size]
        for i in np.flatnonzero(np.logical_or.reduceat(inexact, starts)):
            sums[i] = pd.Series(values[starts[i] : ends[i]]).sum()
    return sums


def _codes(values: pd.Series | np.ndarray) -> np.ndarray:
    """Int codes of values compared by equality, numbered in order of first appearance;
    a missing value is a value of its own."""
    codes, _ = pd.factorize(values, sort=False, use_na_sentinel=False)
    return np.asarray(codes, dtype=np.int64)


def _combine(*parts: np.ndarray) -> np.ndarray:
    """One code per distinct tuple of non-negative codes, in order of first appearance."""
    out = np.zeros(parts[0].size, dtype=np.int64)
    for part in parts:
        base = int(part.max(initial=0)) + 1
        if int(out.max(initial=0)) >= (1 << 62) // base:
            out = _codes(out)  # renumber densely before the product could overflow
        out = out * base + part
    return _codes(out)


def _category_codes(category: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the category: missing apart from '' (nesting), and missing as ''.

    Nesting compares categories with a missing one equal only to a missing one; a
    figure's identity writes a missing category as '', so there the two are one.
    """
    codes, uniques = pd.factorize(category, sort=False)  # missing -> -1
    codes = np.asarray(codes, dtype=np.int64)
    apart = np.where(codes < 0, len(uniques), codes)
    empty = np.flatnonzero(np.asarray([u == "" for u in uniques], dtype=bool))
    joined = np.where(codes < 0, empty[0] if empty.size else len(uniques), codes)
    return apart, joined


def _id_codes(series: pd.Series) -> np.ndarray:
    """Database ids used as codes as they are (they are non-negative ints), -1 where
    missing: factorizing them again cost a third of the rule's set-up."""
    ids = series.to_numpy(dtype=float, na_value=np.nan)
    return np.where(np.isnan(ids), -1, ids).astype(np.int64)


def _floats(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype=float, na_value=np.nan)


def _flags(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype=bool, na_value=False)


def _prepare(
    claims: pd.DataFrame, metric: str, by: Sequence[str] = ()
) -> tuple[_Claims | None, int]:
    """The claims of ``metric`` the rule ranks (in claim order), and how many were left out
    as unplaced.

    A group is a region, or a region within each value of the ``by`` columns (a region in
    each year); claims with a missing ``by`` value belong to no group. Columns are read
    whole and indexed with positions, so the frame (up to half a million rows with their
    strings) is never copied.
    """
    of_metric = _flags(claims["metric"] == metric)
    placed = of_metric & _flags(placed_mask(claims))
    n_unplaced = int(of_metric.sum() - placed.sum())
    grouped = placed & _flags(claims["region_key"].notna())
    for column in by:
        grouped &= _flags(claims[column].notna())
    keep = np.flatnonzero(grouped)
    if keep.size == 0:
        return None, n_unplaced
    # Claims are read in claim order (the order ingest read them), whatever order they
    # come in: "the first to appear" breaks ties, and sorting here spares the query an
    # ORDER BY over every column (30 ms for 100,000 claims).
    keep = keep[np.argsort(claims["claim_id"].to_numpy(dtype=np.int64)[keep], kind="stable")]
    region = _codes(_combine(*(_codes(claims[col])[keep] for col in ("region_key", *by))))
    by_region = np.argsort(region, kind="stable")
    pos = keep[by_region]
    group = region[by_region]
    article = _id_codes(claims["article_id"])
    doc = _id_codes(claims["doc_id"])
    category, figure_category = _category_codes(claims["category"])
    return (
        _Claims(
            claims=claims,
            pos=pos,
            group=group,
            starts=_starts(group),
            value=_floats(claims["value"])[pos],
            start=_floats(claims["period_start"])[pos],
            end=_floats(claims["period_end"])[pos],
            article=article[pos],
            category=category[pos],
            figure_category=figure_category[pos],
            doc=doc[pos],
            rate=claims["rate"].astype(bool).to_numpy()[pos],
            part=claims["is_part"].astype(bool).to_numpy()[pos],
        ),
        n_unplaced,
    )


def _honour_roles(c: _Claims) -> np.ndarray:
    """The largest count of each region is counted; every smaller one is shown as smaller."""
    top = np.fmax.reduceat(c.value, c.starts)[c.group]
    return np.where(c.value == top, _COUNTED, _SMALLER).astype(np.int8)


def _nested(c: _Claims, live: np.ndarray) -> np.ndarray:
    """Positions of live claims inside a larger figure of their article and category that
    covers a longer period (2016年以来投入5亿元 … 2022年投入8000万元).

    Every dated figure is compared with every other of its region, article and category:
    the pairs are built segment by segment with numpy (an article states a few dozen
    figures at most), which is several times faster than a self-merge in pandas.
    """
    idx = np.flatnonzero(live & (c.article >= 0) & c.dated)
    if idx.size == 0:
        return idx
    key = _combine(c.group[idx], c.article[idx], c.category[idx])
    by_key = np.argsort(key, kind="stable")
    idx = idx[by_key]
    starts = _starts(key[by_key])
    sizes = np.diff(np.r_[starts, idx.size])
    pairs_of = np.repeat(sizes, sizes)  # each figure is paired with its whole segment
    left = np.repeat(np.arange(idx.size), pairs_of)
    first_pair = np.cumsum(pairs_of) - pairs_of
    right = np.repeat(np.repeat(starts, sizes), pairs_of) + (
        np.arange(left.size) - np.repeat(first_pair, pairs_of)
    )
    start, end, value = c.start[idx], c.end[idx], c.value[idx]
    inside = (
        (start[right] <= start[left])
        & (end[left] <= end[right])
        & ((start[right] != start[left]) | (end[right] != end[left]))
        & (value[right] > value[left])
    )
    return np.unique(idx[left[inside]])


def _additive_roles(c: _Claims) -> np.ndarray:
    """Roles of additive claims (see the module docstring for the rule)."""
    role = np.full(c.pos.size, _COUNTED, dtype=np.int8)
    role[c.rate] = _RATE
    role[c.part & ~c.rate] = _PART
    role[_nested(c, role == _COUNTED)] = _NESTED

    # The live figures' articles, numbered in order of first appearance within the region.
    live = np.flatnonzero((role == _COUNTED) & (c.article >= 0))
    if live.size == 0:
        return role
    article_of = _combine(c.group[live], c.article[live])
    by_article = np.argsort(article_of, kind="stable")
    in_articles = live[by_article]
    a_starts = _starts(article_of[by_article])
    n_articles = a_starts.size
    totals = _segment_sums(c.value[in_articles], a_starts)
    a_group = c.group[in_articles[a_starts]]
    spanned = np.logical_and.reduceat(c.dated[in_articles], a_starts)
    span_start = np.trunc(np.fmin.reduceat(c.start[in_articles], a_starts))
    span_end = np.trunc(np.fmax.reduceat(c.end[in_articles], a_starts))

    # Per region, articles by total, largest first (on a tie, the first to appear);
    # ``position`` is each article's place in that order. The first one is counted.
    order = np.lexsort((np.arange(n_articles), -totals, a_group))
    first = np.r_[True, a_group[order][1:] != a_group[order][:-1]]
    region_first = np.maximum.accumulate(np.where(first, np.arange(n_articles), 0))
    position = np.empty(n_articles, dtype=np.int64)
    position[order] = np.arange(n_articles) - region_first
    counted = np.zeros(n_articles, dtype=bool)
    tops = order[first]
    counted[tops] = True

    # Another article is added when every figure of it is dated and its span overlaps no
    # counted article's; never when the first article has an undated figure.
    top_spanned = np.zeros(c.n_groups, dtype=bool)
    top_spanned[a_group[tops]] = spanned[tops]
    top_of = dict(zip(a_group[tops].tolist(), tops.tolist(), strict=True))
    taken: dict[int, list[tuple[float, float]]] = {}
    for a in order[~first & spanned[order] & top_spanned[a_group[order]]].tolist():
        g = int(a_group[a])
        if g not in taken:
            top = top_of[g]
            taken[g] = [(float(span_start[top]), float(span_end[top]))]
        s, e = float(span_start[a]), float(span_end[a])
        if all(e < t_start or t_end < s for t_start, t_end in taken[g]):
            taken[g].append((s, e))
            counted[a] = True

    # A figure of an article left out is a duplicate when an article counted before it
    # (in the order) states the same figure (category, value, period), else an overlap.
    left_out = ~counted[article_of]
    if left_out.any():
        key = _combine(
            c.group[live],
            c.figure_category[live],
            _codes(c.value[live]),
            _codes(c.start[live]),
            _codes(c.end[live]),
        )
        at = position[article_of]
        first_seen = np.full(int(key.max()) + 1, np.iinfo(np.int64).max)
        np.minimum.at(first_seen, key[~left_out], at[~left_out])
        seen = first_seen[key[left_out]] < at[left_out]
        role[live[left_out]] = np.where(seen, _DUPLICATE, _OVERLAP)
    return role


def _summaries(metric: str, c: _Claims, role: np.ndarray, by: Sequence[str] = ()) -> list[dict]:
    """One table row per group (region) that has a counted claim, in group order."""
    honour = metric in HONOUR_METRICS
    counted = np.flatnonzero(role == _COUNTED)
    if counted.size == 0:
        return []
    c_starts = _starts(c.group[counted])
    c_groups = c.group[counted[c_starts]]
    c_value = c.value[counted]
    values = np.fmax.reduceat(c_value, c_starts) if honour else _segment_sums(c_value, c_starts)
    approx = c.claims["approx"]
    about = np.logical_or.reduceat(_flags(approx == "about")[c.pos[counted]], c_starts)
    over = np.logical_or.reduceat(_flags(approx == "over")[c.pos[counted]], c_starts)
    n_counted = np.diff(np.r_[c_starts, counted.size])
    periods = _combine(c.group[counted], _codes(c.start[counted]), _codes(c.end[counted]))
    distinct = np.unique(periods, return_index=True)[1]
    n_periods = np.bincount(c.group[counted][distinct], minlength=c.n_groups)
    first_period = _period_key(c.rows(counted[c_starts], ["period_start", "period_end"])).tolist()

    evidence = np.flatnonzero((role == _COUNTED) | (role == _DUPLICATE))
    n_evidence = np.bincount(c.group[evidence], minlength=c.n_groups)
    with_doc = evidence[c.doc[evidence] >= 0]
    docs = np.unique(_combine(c.group[with_doc], c.doc[with_doc]), return_index=True)[1]
    n_documents = np.bincount(c.group[with_doc][docs], minlength=c.n_groups)

    names = ["region_key", "region", "region_code", "province", "tier", "unit", *by]
    heads = c.rows(c.starts, names)
    head = {name: heads[name].tolist() for name in names}
    out = []
    for i, g in enumerate(c_groups.tolist()):
        start, end = first_period[i] if n_periods[g] == 1 else (None, None)
        out.append(
            {
                "region_key": str(head["region_key"][g]),
                "region": head["region"][g],
                "region_code": head["region_code"][g],
                "province": head["province"][g],
                "tier": head["tier"][g],
                "metric": metric,
                "value": float(values[i]),
                "unit": head["unit"][g],
                "approx": "about" if about[i] else "over" if over[i] else "exact",
                "mixed_periods": not honour and bool(n_periods[g] > 1),
                "period_start": start,
                "period_end": end,
                "n_claims": int(n_evidence[g]),
                "n_figures": 1 if honour else int(n_counted[i]),
                "n_documents": int(n_documents[g]),
                **{column: head[column][g] for column in by},
            }
        )
    return out


def _roles_frame(c: _Claims, role: np.ndarray, by: Sequence[str] = ()) -> pd.DataFrame:
    """claim_id, region_key (and ``by``), role of every ranked claim, in group-major order."""
    keys = c.claims["region_key"].take(c.pos).reset_index(drop=True)
    if keys.dtype == object:  # typed as a key broadcast into each region's part would be
        keys = pd.Series(keys.tolist())
    return pd.DataFrame(
        {
            "claim_id": c.claims["claim_id"].take(c.pos).reset_index(drop=True),
            "region_key": keys,
            **{column: c.claims[column].take(c.pos).reset_index(drop=True) for column in by},
            "role": _ROLE_NAMES.take(role.astype(np.intp)),
        }
    )


def _apply(
    claims: pd.DataFrame, metric: str, by: Sequence[str] = ()
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """(table without ranks, roles, unplaced count): the rule on every group at once."""
    c, n_unplaced = _prepare(claims, metric, by)
    columns = [c for c in TABLE_COLUMNS if c != "rank"] + list(by)
    if c is None:
        roles = pd.DataFrame({"claim_id": [], "region_key": [], **{b: [] for b in by}, "role": []})
        return pd.DataFrame(columns=columns), roles, n_unplaced
    role = _honour_roles(c) if metric in HONOUR_METRICS else _additive_roles(c)
    table = pd.DataFrame(_summaries(metric, c, role, by), columns=columns)
    return table, _roles_frame(c, role, by), n_unplaced


def scoped(
    claims: pd.DataFrame, metric: str, by: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rule applied to each region within each value of the ``by`` columns at once.

    ``scoped(claims, "funds", ["year"])`` is, in one pass, what :func:`rank` gives for each
    year's claims alone: the groups are (region, year) instead of regions, and nothing in
    the rule looks across groups. Returns (table, roles) with the ``by`` columns added,
    unsorted and without ranks (``etl.rankings`` stores them for the dashboard to rank).
    """
    table, roles, _ = _apply(claims, metric, by)
    return table, roles


def rank(claims: pd.DataFrame, metric: str) -> Ranking:
    """Apply the rule to ``claims`` of one metric (already filtered by tier/place/year).

    Regions whose claims are all excluded (only rates, say) get no value and no row.
    Ties share a rank (1, 2, 2, 4); equal values are ordered by region name, then key
    (the order ``db.queries.region_values`` gives the stored rankings).
    """
    table, roles, n_unplaced = _apply(claims, metric)
    if not table.empty:
        table = table.sort_values(
            ["value", "region", "region_key"], ascending=[False, True, True], kind="stable"
        )
        table.insert(0, "rank", table["value"].rank(method="min", ascending=False).astype(int))
        table = table.reset_index(drop=True)
    else:
        table.insert(0, "rank", pd.Series(dtype="int64"))
    return Ranking(table=table, roles=roles, n_unplaced=n_unplaced)


def compare(
    claims: pd.DataFrame, regions: pd.DataFrame, metrics: Sequence[str] = RANKED_METRICS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every chosen region × every metric, by the same rule as the ranking.

    ``regions`` as in :func:`comparison_grid`. Returns (long table, roles with ``metric``).
    """
    parts: list[pd.DataFrame] = []
    roles: list[pd.DataFrame] = []
    for metric in metrics:
        result = rank(claims, metric)
        if not result.table.empty:
            parts.append(result.table.drop(columns=["rank"]))
        if not result.roles.empty:
            roles.append(result.roles.assign(metric=metric))
    found = pd.concat(parts, ignore_index=True) if parts else None
    roles_df = (
        pd.concat(roles, ignore_index=True)
        if roles
        else pd.DataFrame({"claim_id": [], "region_key": [], "role": [], "metric": []})
    )
    return comparison_grid(regions, found, metrics), roles_df


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

"""The value rule applied to every region at once: the vectorised kernel.

``valuation.reference`` states the rule region by region and is the meaning; this module
is the same rule made fast enough for a million claims (a nationwide ranking rests on half
a million of them), and tests/test_valuerule_equivalence.py checks the two give identical
tables and roles. Numpy and pandas only: no Streamlit, no SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from valuation import segments as seg
from valuation.outcome import (
    TABLE_COLUMNS,
    HeldRoles,
    RoleCodes,
    missing_as_none,
    placed_mask,
    trusted_mask,
)
from valuation.registry import ROLE_ORDER, is_honour

# The rule is applied to every region at once. One ranking may hold half a million claims
# in thousands of regions, and a pandas operation per region (or per claim) takes minutes
# at that size. The claims are put in region order first ("group-major": regions in order
# of first appearance, claims in input order within a region, exactly what
# ``groupby(sort=False)`` hands out), so every region and every article is a contiguous
# segment and each per-region step is one numpy reduction over segments. Roles are small
# ints (positions in ROLE_ORDER) until the end. Only the choice of which further articles
# to add is a Python loop, and it visits only the articles that could be added at all
# (every figure dated, in a region whose fullest article is dated too).
# tests/test_valuerule_equivalence.py checks all of this against ``valuation.reference``, a
# direct, region-by-region statement of the rule, on random and generated frames.

_COUNTED, _DUPLICATE, _CONFLICT, _OVERLAP, _NESTED, _PART, _RATE, _SMALLER = range(len(ROLE_ORDER))


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
    dated: np.ndarray  # both ends of the period stated (read by three steps: made once)
    kind: np.ndarray  # which of the metrics asked for (its index): groups never mix them
    # Codes of the value and of each end of the period, compared by equality (NaN equal to
    # NaN): three steps key figures by them, so they are numbered once for all claims.
    value_code: np.ndarray
    start_code: np.ndarray
    end_code: np.ndarray

    @property
    def n_groups(self) -> int:
        return int(self.starts.size)

    def span(self, kind: int) -> tuple[int, int]:
        """Where the claims of one metric asked for lie (group-major order keeps each
        metric's groups together)."""
        return int(np.searchsorted(self.kind, kind)), int(np.searchsorted(self.kind, kind + 1))


def _prepare(
    claims: pd.DataFrame, metrics: Sequence[str], by: Sequence[str] = ()
) -> tuple[_Claims | None, list[int]]:
    """The claims of ``metrics`` the rule ranks (in claim order), and how many of each
    metric were left out as unplaced.

    A group is a region, or a region within each value of the ``by`` columns (a region in
    each year), of one metric; claims with a missing ``by`` value belong to no group. The
    groups of the first metric come first, then those of the second…, and within one
    metric in order of their first claim: what a pass over each metric alone would number.
    Columns are read whole and indexed with positions, so the frame (up to half a million
    rows with their strings) is never copied.
    """
    kind = _metric_index(claims["metric"], metrics)
    # A 可疑 claim (beyond a plausible bound) is neither ranked nor counted as unplaced.
    of_metric = (kind >= 0) & seg.flags(trusted_mask(claims))
    placed = of_metric & seg.flags(placed_mask(claims))
    n_unplaced = np.bincount(kind[of_metric & ~placed], minlength=len(metrics)).tolist()
    grouped = placed & seg.flags(claims["region_key"].notna())
    for column in by:
        grouped &= seg.flags(claims[column].notna())
    keep = np.flatnonzero(grouped)
    if keep.size == 0:
        return None, n_unplaced
    # Claims are read in claim order (the order ingest read them), whatever order they
    # come in: "the first to appear" breaks ties, and sorting here spares the query an
    # ORDER BY over every column (30 ms for 100,000 claims).
    keep = keep[np.argsort(claims["claim_id"].to_numpy(dtype=np.int64)[keep], kind="stable")]
    # Each column is coded whole and its codes taken at the kept rows: a factorisation of
    # the column and one of ints, sooner than taking its text first (2.2 ms against 0.9 ms
    # for the 82,000 region keys of a two-year ranking). ``combine`` numbers the regions in
    # order of first appearance among the kept rows, whatever the column's codes were.
    region = seg.combine(*(seg.codes(claims[col])[keep] for col in ("region_key", *by)))
    if len(metrics) > 1:
        region = _metric_major(seg.combine(region, kind[keep]), kind[keep])
    by_region = seg.stable_order(region)
    pos = keep[by_region]
    group = region[by_region]
    start = seg.floats(claims["period_start"])[pos]
    end = seg.floats(claims["period_end"])[pos]
    value = seg.floats(claims["value"])[pos]
    article = seg.id_codes(claims["article_id"])
    doc = seg.id_codes(claims["doc_id"])
    category, figure_category = seg.category_codes(claims["category"])
    return (
        _Claims(
            claims=claims,
            pos=pos,
            group=group,
            starts=seg.starts(group),
            value=value,
            start=start,
            end=end,
            article=article[pos],
            category=category[pos],
            figure_category=figure_category[pos],
            doc=doc[pos],
            rate=claims["rate"].astype(bool).to_numpy()[pos],
            part=claims["is_part"].astype(bool).to_numpy()[pos],
            dated=~np.isnan(start) & ~np.isnan(end),
            kind=kind[pos],
            value_code=seg.codes(value),
            start_code=seg.codes(start),
            end_code=seg.codes(end),
        ),
        n_unplaced,
    )


def _metric_index(column: pd.Series, metrics: Sequence[str]) -> np.ndarray:
    """Each claim's metric as its index in ``metrics``, -1 for another or none. For one
    metric (a ranking) the text is compared with it: 0.7 ms for 95,000 claims against 1.2
    to factorise them; for several (a comparison's five) the column is factorised once and
    its distinct values looked up, where comparing with each in turn took 2.7 ms of 30."""
    if len(metrics) == 1:
        kind = np.full(len(column), -1, dtype=np.int64)
        kind[seg.flags(column == metrics[0])] = 0
        return kind
    codes, uniques = pd.factorize(column, sort=False, use_na_sentinel=True)
    index = {metric: i for i, metric in enumerate(metrics)}
    lookup = np.array([index.get(u, -1) for u in uniques.tolist()] + [-1], dtype=np.int64)
    return lookup[np.asarray(codes, dtype=np.int64)]  # code -1 (missing) reads the last


def _metric_major(group: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """Group codes (numbered in order of first appearance) renumbered so that the groups of
    each metric come together, in the order of the metrics, keeping their order within
    one metric (a region's first claim of that metric)."""
    n = int(group.max()) + 1
    kind_of = np.zeros(n, dtype=np.int64)
    kind_of[group] = kind  # a group has one metric
    order = np.lexsort((np.arange(n), kind_of))
    renumbered = np.empty(n, dtype=np.int64)
    renumbered[order] = np.arange(n)
    return renumbered[group]


def _published(claims: pd.DataFrame, at: np.ndarray) -> np.ndarray:
    """The publication of the claims at input positions ``at`` as a day number: their
    article's date, else 1 January of their year, else -inf (a frame without dates orders
    by year alone)."""
    day = np.full(at.size, np.nan)
    if "date" in claims:
        column = claims["date"]
        if column.dtype.kind == "M":  # dates as the database gives them: numpy's own
            dates = column.to_numpy()[at]
            missing = np.isnat(dates)
        else:
            parsed = pd.to_datetime(column.iloc[at], errors="coerce")
            dates, missing = parsed.to_numpy(), parsed.isna().to_numpy()
        day = dates.astype("datetime64[D]").astype("int64").astype(float)
        day[missing] = np.nan
    year = seg.floats(claims["year"])[at] if "year" in claims else np.full(at.size, np.nan)
    january = np.full(at.size, -np.inf)
    known = ~np.isnan(year)
    january[known] = (
        (year[known].astype("int64") - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    ).astype("int64")
    return np.where(np.isnan(day), january, day)


def _superseded(c: _Claims, live: np.ndarray) -> np.ndarray:
    """Positions of live dated claims that a later publication restates with another value
    (数据冲突): within a region, a figure category and a stated period, among the articles
    that state one figure of them, those published last win; an earlier figure whose value
    none of them states is superseded."""
    idx = np.flatnonzero(live & (c.article >= 0) & (c.doc >= 0) & c.dated)
    if idx.size == 0:
        return idx
    key = seg.combine(c.group[idx], c.figure_category[idx], c.start_code[idx], c.end_code[idx])
    # Only an article's one figure of a key is its statement of it: several figures of one
    # category and period in an article are different things (军转干部139名、退役士兵4802名).
    in_article = seg.combine(key, c.article[idx])
    single = np.bincount(in_article)[in_article] == 1
    idx, key = idx[single], seg.codes(key[single])
    if idx.size == 0:
        return idx
    published = _published(c.claims, c.pos[idx])
    latest = np.full(int(key.max()) + 1, -np.inf)
    np.maximum.at(latest, key, published)
    is_latest = published == latest[key]
    figure = seg.combine(key, c.value_code[idx])
    stated_last = np.isin(figure, figure[is_latest])
    return idx[~is_latest & ~stated_last]


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
    key = seg.combine(c.group[idx], c.article[idx], c.category[idx])
    by_key = seg.stable_order(key)
    idx = idx[by_key]
    starts = seg.starts(key[by_key])
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
    role[_superseded(c, role == _COUNTED)] = _CONFLICT
    role[_nested(c, role == _COUNTED)] = _NESTED

    # The live figures' articles, numbered in order of first appearance within the region.
    live = np.flatnonzero((role == _COUNTED) & (c.article >= 0))
    if live.size == 0:
        return role
    article_of = seg.combine(c.group[live], c.article[live])
    by_article = seg.stable_order(article_of)
    in_articles = live[by_article]
    a_starts = seg.starts(article_of[by_article])
    n_articles = a_starts.size
    totals = seg.segment_sums(c.value[in_articles], a_starts)
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
        key = seg.combine(
            c.group[live],
            c.figure_category[live],
            c.value_code[live],
            c.start_code[live],
            c.end_code[live],
        )
        at = position[article_of]
        first_seen = np.full(int(key.max()) + 1, np.iinfo(np.int64).max)
        np.minimum.at(first_seen, key[~left_out], at[~left_out])
        seen = first_seen[key[left_out]] < at[left_out]
        role[live[left_out]] = np.where(seen, _DUPLICATE, _OVERLAP)
    return role


def _summaries(
    metrics: Sequence[str], c: _Claims, role: np.ndarray, by: Sequence[str] = ()
) -> list[dict[str, list]]:
    """For each of ``metrics``, the table's columns: one row per group (region) of that
    metric that has a counted claim, in group order. Every metric of a pass is summed up
    at once: a comparison's groups are a few per metric, and each step's fixed cost was
    paid per metric before. Columns, not rows: a frame of 450 row dicts took longer to
    build than the sums."""
    columns, c_kinds = _summary_columns(metrics, c, role, by)
    if not columns or len(metrics) == 1:
        return [columns for _ in metrics]
    rows_of = [np.flatnonzero(c_kinds == k).tolist() for k in range(len(metrics))]
    # A metric without a row gets no columns: the frame's columns are then object, as a
    # frame of no rows has them.
    return [
        {name: [col[i] for i in rows] for name, col in columns.items()} if rows else {}
        for rows in rows_of
    ]


def _summary_columns(
    metrics: Sequence[str], c: _Claims, role: np.ndarray, by: Sequence[str] = ()
) -> tuple[dict[str, list], np.ndarray]:
    """The table's columns for every metric at once (rows in group order: the groups of
    the first metric first), and each row's metric (its index); no columns when no claim
    is counted."""
    counted = np.flatnonzero(role == _COUNTED)
    if counted.size == 0:
        return {}, np.zeros(0, dtype=np.int64)
    c_starts = seg.starts(c.group[counted])
    c_groups = c.group[counted[c_starts]]
    c_kinds = c.kind[counted[c_starts]]
    honours = np.asarray([is_honour(m) for m in metrics], dtype=bool)[c_kinds]
    c_value = c.value[counted]
    values = np.zeros(c_starts.size, dtype=float)
    if honours.any():
        values[honours] = np.fmax.reduceat(c_value, c_starts)[honours]
    if not honours.all():
        values[~honours] = seg.segment_sums(c_value, c_starts)[~honours]
    # Compared on the whole column, then read at the counted claims.
    approx = c.claims["approx"]
    about = np.logical_or.reduceat(seg.flags(approx == "about")[c.pos[counted]], c_starts)
    over = np.logical_or.reduceat(seg.flags(approx == "over")[c.pos[counted]], c_starts)
    n_counted = np.diff(np.r_[c_starts, counted.size])
    periods = seg.combine(c.group[counted], c.start_code[counted], c.end_code[counted])
    one_period = (seg.per_group(periods, c.group[counted], c.n_groups) == 1)[c_groups]
    first = c.pos[counted[c_starts]]
    starts, ends = (_stated(c.claims[end], first) for end in ("period_start", "period_end"))

    evidence = np.flatnonzero((role == _COUNTED) | (role == _DUPLICATE))
    n_evidence = np.bincount(c.group[evidence], minlength=c.n_groups)
    with_doc = evidence[c.doc[evidence] >= 0]
    docs = seg.combine(c.group[with_doc], c.doc[with_doc])
    n_documents = seg.per_group(docs, c.group[with_doc], c.n_groups)
    n_conflicts = np.bincount(c.group[role == _CONFLICT], minlength=c.n_groups)

    # Each group's first claim names its region (read for the groups with a row only).
    names = ["region_key", "region", "region_code", "province", "tier", "unit", *by]
    heads = c.pos[c.starts[c_groups]]
    head = {name: seg.values_at(c.claims[name], heads) for name in names}
    columns: dict[str, list] = {
        "region_key": [str(key) for key in head["region_key"]],
        "region": head["region"],
        "region_code": head["region_code"],
        "province": head["province"],
        "tier": head["tier"],
        "metric": [metrics[k] for k in c_kinds.tolist()],
        "value": values.tolist(),
        "unit": head["unit"],
        "approx": np.where(about, "about", np.where(over, "over", "exact")).tolist(),
        "mixed_periods": (~honours & ~one_period).tolist(),
        "period_start": [s if one else None for s, one in zip(starts, one_period, strict=True)],
        "period_end": [e if one else None for e, one in zip(ends, one_period, strict=True)],
        "n_claims": n_evidence[c_groups].tolist(),
        "n_figures": np.where(honours, 1, n_counted).tolist(),
        "n_documents": n_documents[c_groups].tolist(),
        "conflicts": n_conflicts[c_groups].tolist(),
        **{column: head[column] for column in by},
    }
    return columns, c_kinds


def _stated(column: pd.Series, at: np.ndarray) -> list:
    """The column's values at these input positions, None where missing: a period end as
    ``outcome.period_key`` states it."""
    return missing_as_none(seg.values_at(column, at))


def _role_codes(
    c: _Claims, role: np.ndarray, by: Sequence[str] = (), span: tuple[int, int] = (0, -1)
) -> RoleCodes:
    """The roles of every ranked claim (of one metric's ``span``, ``_Claims.span``; all
    when none), in group-major order, as codes (``outcome.RoleCodes``)."""
    lo, hi = span if span[1] >= 0 else (0, c.pos.size)
    pos = c.pos[lo:hi]
    group = c.group[lo:hi]
    first = int(group[0]) if group.size else 0
    heads = c.pos[c.starts[first : int(group[-1]) + 1 if group.size else 0]]
    return RoleCodes(
        claim_id=c.claims["claim_id"].take(pos).reset_index(drop=True),
        group=(group - first).astype(np.int32),
        keys=c.claims["region_key"].take(heads).reset_index(drop=True),
        role=role[lo:hi].astype(np.int8),
        by=tuple((name, c.claims[name].take(pos).reset_index(drop=True)) for name in by),
    )


def _empty(by: Sequence[str], n_unplaced: int) -> tuple[pd.DataFrame, HeldRoles, int]:
    columns = [c for c in TABLE_COLUMNS if c != "rank"] + list(by)
    roles = pd.DataFrame({"claim_id": [], "region_key": [], **{b: [] for b in by}, "role": []})
    return pd.DataFrame(columns=columns), roles, n_unplaced


def apply(
    claims: pd.DataFrame, metric: str, by: Sequence[str] = ()
) -> tuple[pd.DataFrame, HeldRoles, int]:
    """(table without ranks, roles, unplaced count): the rule on every group at once.

    A group is a region, or a region within each value of the ``by`` columns; the table has
    one row per group with a counted claim (``TABLE_COLUMNS`` less the rank, then ``by``),
    in order of the groups' first claims, and the roles one row per ranked claim (as
    codes, or an empty frame when no claim is ranked).
    """
    c, n_unplaced = _prepare(claims, (metric,), by)
    if c is None:
        return _empty(by, n_unplaced[0])
    role = _honour_roles(c) if is_honour(metric) else _additive_roles(c)
    columns = [c for c in TABLE_COLUMNS if c != "rank"] + list(by)
    table = pd.DataFrame(_summaries((metric,), c, role, by)[0], columns=columns)
    return table, _role_codes(c, role, by), n_unplaced[0]


def apply_each(
    claims: pd.DataFrame, metrics: Sequence[str]
) -> list[tuple[pd.DataFrame, HeldRoles, int]]:
    """:func:`apply` for each of ``metrics`` (distinct), in one pass over the claims: a
    comparison's five metrics over a few thousand claims spent most of its time in the
    fixed cost of five passes. Groups never mix metrics, and no step of the rule looks
    across groups, so each metric's result is what its own pass gives."""
    c, n_unplaced = _prepare(claims, metrics)
    if c is None:
        return [_empty((), n) for n in n_unplaced]
    role = _roles_of_each(c, metrics)
    columns = [c for c in TABLE_COLUMNS if c != "rank"]
    out = []
    for i, rows in enumerate(_summaries(metrics, c, role)):
        span = c.span(i)
        if span[0] == span[1]:  # no claim of this metric to rank: as its own pass says
            out.append(_empty((), n_unplaced[i]))
            continue
        table = pd.DataFrame(rows, columns=columns)
        out.append((table, _role_codes(c, role, span=span), n_unplaced[i]))
    return out


def apply_together(
    claims: pd.DataFrame, metrics: Sequence[str]
) -> tuple[pd.DataFrame, list[HeldRoles]]:
    """:func:`apply_each`'s tables as one (the rows of each metric in turn, in the order
    of ``metrics``) and each metric's roles: what a comparison puts on one grid. Five
    frames of a few rows each, made and then joined, were a fifth of the rule's time."""
    c, n_unplaced = _prepare(claims, metrics)
    columns = [c for c in TABLE_COLUMNS if c != "rank"]
    if c is None:
        return pd.DataFrame(columns=columns), [_empty((), n)[1] for n in n_unplaced]
    role = _roles_of_each(c, metrics)
    found, _ = _summary_columns(metrics, c, role)
    held = []
    for i, n in enumerate(n_unplaced):
        span = c.span(i)
        held.append(_role_codes(c, role, span=span) if span[0] < span[1] else _empty((), n)[1])
    # A period is a year or None, held as objects: what joining the metrics' own tables
    # gives whenever an honour (which states no period) is among them.
    frame_columns: dict[str, Any] = dict(found)
    for end in ("period_start", "period_end"):
        if end in found:
            frame_columns[end] = np.array(found[end], dtype=object)
    return pd.DataFrame(frame_columns, columns=columns), held


def _roles_of_each(c: _Claims, metrics: Sequence[str]) -> np.ndarray:
    """Each claim's role, by the honour or the additive rule as its metric is."""
    honour = np.asarray([is_honour(m) for m in metrics])[c.kind]
    role = np.empty(c.pos.size, dtype=np.int8)
    if honour.any():
        role[honour] = _honour_roles(c)[honour]
    if not honour.all():
        role[~honour] = _additive_roles(c)[~honour]
    return role

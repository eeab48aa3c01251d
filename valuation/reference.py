"""The value rule stated region by region: what a region's value means.

This is the rule as a reader checks it, one region and one article at a time, in plain
Python over plain rows. It is slow (minutes for a million claims) and is not what the pages
run: ``valuation.kernel`` applies the same rule to every region at once, and
tests/test_valuerule_equivalence.py checks, on random and generated frames, that both give
identical tables (values, dtypes, order) and identical roles. A change to the rule is made
here first, in words a reviewer can follow, and then in the kernel until the test agrees.
It shares nothing with the kernel but the vocabulary (roles, columns, statuses).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from valuation.outcome import TABLE_COLUMNS, Ranking
from valuation.registry import (
    CONFLICT,
    COUNTED,
    DUPLICATE,
    NESTED,
    OVERLAP,
    PART,
    RANKABLE_STATUSES,
    RATE,
    SMALLER,
    is_honour,
)

Row = dict[Any, Any]
Period = tuple[Any, Any]  # (start, end) years, None for an end not stated


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _suspect(row: Row) -> bool:
    """A 可疑 claim (beyond its metric's plausible bound), or one whose value is not finite
    (a database ingested before values were checked), is never ranked nor counted."""
    value = row.get("suspect")
    return (not _missing(value) and bool(value)) or not math.isfinite(float(row["value"]))


def _period(row: Row) -> Period:
    """The years a figure covers; None for an end the text does not state."""
    start, end = row["period_start"], row["period_end"]
    return (None if _missing(start) else start, None if _missing(end) else end)


def _figure(row: Row) -> tuple[Any, ...]:
    """What makes two claims the same figure: category ('' when none), value, period."""
    category = "" if _missing(row["category"]) else row["category"]
    return (category, row["value"], _period(row))


def _inside(inner: Row, outer: Row) -> bool:
    """``inner`` is already counted in ``outer``: same category, a longer period holding
    its period, and a larger value (2016年以来5亿元 holds 2022年8000万元)."""
    (s, e), (o_s, o_e) = _period(inner), _period(outer)
    if None in (s, e, o_s, o_e):
        return False
    same_category = (_missing(inner["category"]) and _missing(outer["category"])) or (
        inner["category"] == outer["category"]
    )
    longer = o_s <= s and e <= o_e and (o_s, o_e) != (s, e)
    return same_category and longer and outer["value"] > inner["value"]


def _span(rows: list[Row]) -> tuple[int, int] | None:
    """The years an article's figures cover, or None when any figure states no period."""
    periods = [_period(r) for r in rows]
    if any(s is None or e is None for s, e in periods):
        return None
    return int(min(s for s, _ in periods)), int(max(e for _, e in periods))


def _published(row: Row) -> float:
    """When a claim's article was published, as a day number: its date, else 1 January of
    its year; -inf when neither is known."""
    date: Any = row.get("date")
    if not _missing(date):
        return float((pd.Timestamp(date).normalize() - pd.Timestamp(1970, 1, 1)).days)
    year: Any = row.get("year")
    if not _missing(year):
        return float((pd.Timestamp(int(year), 1, 1) - pd.Timestamp(1970, 1, 1)).days)
    return -math.inf


def _mark_conflicts(rows: list[Row], roles: list[str]) -> None:
    """数据冲突: figures of one category and one stated period, each the only such figure of
    its article (of a known document), that differ in value. The ones published last are
    used; an earlier figure whose value none of them states is superseded (a later
    correction or reprint)."""
    figures: dict[tuple[Any, ...], list[int]] = {}
    for i, r in enumerate(rows):
        start, end = _period(r)
        if roles[i] != COUNTED or None in (start, end):
            continue
        if _missing(r["article_id"]) or _missing(r["doc_id"]):
            continue
        figures.setdefault((_figure(r)[0], start, end), []).append(i)
    for stated_by in figures.values():
        # An article's figure is its statement of the period only when it is its only one
        # of that category and period (军转干部139名、退役士兵4802名 are two things).
        articles = [rows[i]["article_id"] for i in stated_by]
        members = [i for i in stated_by if articles.count(rows[i]["article_id"]) == 1]
        if not members:
            continue
        latest = max(_published(rows[i]) for i in members)
        stated = {rows[i]["value"] for i in members if _published(rows[i]) == latest}
        for i in members:
            if _published(rows[i]) < latest and rows[i]["value"] not in stated:
                roles[i] = CONFLICT


def _by_article(rows: list[Row], positions: list[int]) -> dict[Any, list[int]]:
    """Positions grouped by article, articles in order of their first position."""
    articles: dict[Any, list[int]] = {}
    for i in positions:
        articles.setdefault(rows[i]["article_id"], []).append(i)
    return articles


def _honour_roles(rows: list[Row]) -> list[str]:
    """The largest count is the value; every smaller one is shown as smaller."""
    top = max(r["value"] for r in rows)
    return [COUNTED if r["value"] == top else SMALLER for r in rows]


def _additive_roles(rows: list[Row]) -> list[str]:
    """Sum the figures, but never a rate, a part, a nested figure, or a second article
    that overlaps a counted one (see the module docstring of ``valuation.rule``)."""
    roles = [RATE if r["rate"] else PART if r["is_part"] else COUNTED for r in rows]
    _mark_conflicts(rows, roles)
    # A claim of no known article is counted and compared with nothing.
    in_article = [i for i, r in enumerate(rows) if not _missing(r["article_id"])]
    for members in _by_article(rows, [i for i in in_article if roles[i] == COUNTED]).values():
        nested = [i for i in members if any(_inside(rows[i], rows[j]) for j in members)]
        for i in nested:
            roles[i] = NESTED
    live = _by_article(rows, [i for i in in_article if roles[i] == COUNTED])
    if not live:
        return roles
    # The fullest article counts (the first to appear on a tie); another is added when
    # every figure of it is dated and its years overlap no counted article's.
    order = sorted(live, key=lambda a: -float(pd.Series([rows[i]["value"] for i in live[a]]).sum()))
    spans = [_span([rows[i] for i in live[order[0]]])]
    counted = {_figure(rows[i]) for i in live[order[0]]}
    for article in order[1:]:
        figures = [rows[i] for i in live[article]]
        span = _span(figures)
        taken = [t for t in spans if t is not None]
        if (
            span is not None
            and len(taken) == len(spans)
            and all(span[1] < t[0] or t[1] < span[0] for t in taken)
        ):
            spans.append(span)
            counted.update(_figure(r) for r in figures)
            continue
        for i in live[article]:
            roles[i] = DUPLICATE if _figure(rows[i]) in counted else OVERLAP
    return roles


def _approx(flags: list[str]) -> str:
    """about wins over over, over over exact."""
    return "about" if "about" in flags else "over" if "over" in flags else "exact"


def _summary(metric: str, key: Any, rows: list[Row], roles: list[str]) -> Row:
    counted = [r for r, role in zip(rows, roles, strict=True) if role == COUNTED]
    evidence = [r for r, role in zip(rows, roles, strict=True) if role in (COUNTED, DUPLICATE)]
    honour = is_honour(metric)
    periods = {_period(r) for r in counted}
    start, end = next(iter(periods)) if len(periods) == 1 else (None, None)
    values = pd.Series([r["value"] for r in counted], dtype=float)
    first = rows[0]
    return {
        "region_key": str(key),
        "region": first["region"],
        "region_code": first["region_code"],
        "province": first["province"],
        "tier": first["tier"],
        "metric": metric,
        "value": float(values.max() if honour else values.sum()),
        "unit": first["unit"],
        "approx": _approx([r["approx"] for r in counted]),
        "mixed_periods": not honour and len(periods) > 1,
        "period_start": start,
        "period_end": end,
        "n_claims": len(evidence),
        "n_figures": 1 if honour else len(counted),
        "n_documents": len({r["doc_id"] for r in evidence if not _missing(r["doc_id"])}),
        "conflicts": sum(role == CONFLICT for role in roles),
    }


def _ranked(rows: list[Row]) -> pd.DataFrame:
    """Largest value first, equal values by region name then key; equal values share the
    rank of the first of them (1, 2, 2, 4)."""
    rows = sorted(rows, key=lambda r: (-r["value"], r["region"], r["region_key"]))
    ranks: list[int] = []
    for i, row in enumerate(rows):
        ranks.append(ranks[-1] if i and row["value"] == rows[i - 1]["value"] else i + 1)
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS[1:])
    table.insert(0, "rank", pd.Series(ranks, dtype="int64"))
    return table


def rank(claims: pd.DataFrame, metric: str) -> Ranking:
    """The rule on ``claims`` of one metric, region by region, in claim order."""
    rows = sorted(
        (r for r in claims.to_dict("records") if r["metric"] == metric and not _suspect(r)),
        key=lambda r: r["claim_id"],
    )
    placed = [
        r for r in rows if not _missing(r["region"]) and r["region_status"] in RANKABLE_STATUSES
    ]
    regions: dict[Any, list[Row]] = {}
    for row in placed:
        if not _missing(row["region_key"]):
            regions.setdefault(row["region_key"], []).append(row)
    summaries: list[Row] = []
    parts: list[pd.DataFrame] = []
    for key, members in regions.items():
        roles = (_honour_roles if is_honour(metric) else _additive_roles)(members)
        ids = pd.Series([r["claim_id"] for r in members], dtype=claims["claim_id"].dtype)
        parts.append(pd.DataFrame({"claim_id": ids, "region_key": key, "role": roles}))
        if COUNTED in roles:
            summaries.append(_summary(metric, key, members, roles))
    roles_df = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({"claim_id": [], "region_key": [], "role": []})
    )
    table = (
        _ranked(summaries)
        if summaries
        else pd.DataFrame(columns=TABLE_COLUMNS[1:]).assign(rank=pd.Series(dtype="int64"))
    )
    return Ranking(
        table=table[TABLE_COLUMNS], held_roles=roles_df, n_unplaced=len(rows) - len(placed)
    )

"""Reads of the 排名 and 对比 pages: the claims a value rests on, the values stored at
ingest, the claims left out, and the files behind a chart.

A ranking reads ``region_values`` when its scope is stored (every year or one year, and
the stored values are current) and otherwise the claims, for ``valuation.rule`` to apply;
tests/test_stored_rankings.py checks both give the same table. ``rule_inputs`` and
``UNPLACED_CLAIMS_SQL`` are what ingest stores those values from, so the stored and the live
answer are one statement.

The claims a ranking or comparison formed on the fly reads come from ``rule_claims`` when
the stored tables are current (``stored_copy``): the rule's columns of every claim with its
article's, stored at ingest in the order of metric, period end and region
(:data:`RULE_CLAIMS_SQL`). DuckDB then skips the row groups of other metrics and years and
joins nothing: the claims of eight regions over two years at 10,000,000 claims took 88 ms
from the claims and their articles, 27 ms from the copy (bench/README.md). The same filters
on either give the same rows (tests/test_stored_rankings.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pandas as pd

from db import sql
from db.columns import (
    CLAIM_ROW,
    CONFLICT_COLUMNS,
    CONFLICT_PAIR_COLUMNS,
    CONFLICT_SIDE,
    CONFLICT_SIDES,
    RANKED_ROW,
    RANKED_STORED_ROW,
    REGION_KEY,
    RULE_CLAIM_FIELDS,
    RULE_ROW,
    claims_from,
    listed,
    name,
    region_key,
    select,
)
from db.filters import COMPARE, RANKING, Filters, lenient, where
from db.sql import Con
from valuation.outcome import TABLE_COLUMNS
from valuation.registry import SCOPE_ALL, SCOPE_SINGLE, SCOPE_SPAN

_CLAIM_COLUMN = re.compile(r"\bc\.(\w+)")
_PARAM = re.compile(r"\$(\w+)")  # a bound parameter in a statement
# Each claim with its article, and with its document (the rule needs no document).
CLAIMS_JOINED = claims_from()
CLAIMS_WITH_ARTICLE = claims_from(documents=False)
# The rule's columns read from the stored copy of the claims (one table, no join).
_STORED_READ = select(RANKED_STORED_ROW) + " FROM rule_claims c"


def _placed(articles: str) -> str:
    """A claim whose region is known well enough to be ranked (its article's status read
    from ``articles``: the articles' alias, or ``c`` in ``rule_claims``)."""
    return f"(c.region IS NOT NULL AND list_contains($statuses, {articles}.region_status))"


PLACED = _placed("a")
# A claim that is not 可疑 (beyond a plausible bound): only these are ranked or compared,
# and only these are counted as left out (the rule leaves suspect claims out too).
# A value that is not finite (a database ingested before values were checked) neither.
TRUSTED = "(c.suspect IS NOT TRUE AND isfinite(c.value))"
_ORDER = " ORDER BY c.province NULLS LAST, c.region NULLS LAST, c.metric, c.claim_id"
_VALUE_FIELDS = TABLE_COLUMNS[1:]  # a stored value is a row of the rule's table
# The claim columns the rule's fetch reads (its article's are joined after the filter).
_CLAIM_FIELDS_OF_RULE = ", ".join(
    dict.fromkeys(c for f in RANKED_ROW for c in _CLAIM_COLUMN.findall(f))
)
# The filters that say which claims of a ranking are in scope (the rest say which regions).
_SCOPE_FILTERS = ("metric", "years", "category", "scope", "since", "no_ocr")
# Those the stored counts of unplaced claims are kept by: they count OCR-read claims too,
# so a ranking without them is formed from the claims (dashboard_lib.service).
_STORED_SCOPE_FILTERS = tuple(n for n in _SCOPE_FILTERS if n != "no_ocr")


def _strs(values: Sequence[str]) -> list[str]:
    return [str(v) for v in values]


def _ranked_where(
    f: Filters, statuses: Sequence[str], articles: str = "a"
) -> tuple[str, dict[str, Any]]:
    """The claims a ranking reads: placed ones matching tier and provinces exactly, and
    unplaced ones nothing known about contradicts (they are counted as left out)."""
    _, params = where(f, (*_SCOPE_FILTERS, "tier", "provinces"))
    scope, _ = where(f, _SCOPE_FILTERS)
    placed, _ = where(f, ("tier", "provinces"))
    known = _placed(articles)
    sql = (
        f" WHERE {scope} AND {TRUSTED} AND (({known} AND {placed})"
        f" OR (NOT {known} AND {lenient('tier')} AND {lenient('provinces')}))"
    )
    return sql, {**params, "statuses": _strs(statuses)}


def ranking_claims(
    con: Con,
    f: Filters,
    *,
    statuses: Sequence[str],
    rule_columns: bool = False,
    stored_copy: bool = False,
) -> pd.DataFrame:
    """Claims for one metric and tier that a ranking may use, plus the unplaceable ones.

    A claim whose region is known (``region`` set and ``region_status`` in ``statuses``)
    must match the tier and the provinces exactly. A claim whose region is unknown can't
    be matched that way; it is returned when nothing known contradicts the filters (its
    tier/province is null or matches) so the page can say how many were left out.
    ``category`` restricts funds to one category; empty means every category.

    ``rule_columns`` returns, in no particular order (the rule orders claims itself), only
    the columns the value rule reads (``RANKED_ROW``): what the dashboard fetches to rank
    on the fly, from ``rule_claims`` with ``stored_copy`` (the stored tables are current).
    """
    if rule_columns and stored_copy:
        clause, params = _ranked_where(f.of(RANKING), statuses, articles="c")
        return sql.df(con, _STORED_READ + clause, params)
    clause, params = _ranked_where(f.of(RANKING), statuses)
    if rule_columns:
        return sql.df(con, select(RANKED_ROW) + CLAIMS_WITH_ARTICLE + clause, params)
    return sql.df(con, select(CLAIM_ROW) + CLAIMS_JOINED + clause + _ORDER, params)


def rule_inputs(con: Con, *, metric: str, statuses: Sequence[str]) -> pd.DataFrame:
    """Every placed claim of one metric, with the columns the value rule reads: what
    ingest computes the stored region values from."""
    return sql.df(
        con,
        select(RULE_ROW)
        + CLAIMS_WITH_ARTICLE
        + f" WHERE c.metric = $metric AND {PLACED} AND {TRUSTED}",
        {"metric": metric, "statuses": _strs(statuses)},
    )


def _region_where(
    f: Filters, metrics: Sequence[str], *, keyed: bool = False
) -> tuple[str, dict[str, Any]]:
    """The WHERE of a comparison's claims; ``keyed`` for ``rule_claims``, which stores the
    region key."""
    names = ("regions", "years", "scope", "since", "no_ocr")
    clause, params = where(f.of(COMPARE), names, keyed=keyed)
    return f" WHERE {clause} AND {TRUSTED} AND list_contains($ranked, c.metric)", {
        **params,
        "ranked": _strs(metrics),
    }


def _renamed(condition: str, bound: dict[str, Any], prefix: str) -> str:
    """``condition`` with each of its ``bound`` parameters ``$name`` written ``$prefixname``."""

    def rename(match: re.Match[str]) -> str:
        return f"${prefix}{match[1]}" if match[1] in bound else match[0]

    return _PARAM.sub(rename, condition)


def region_claims(
    con: Con,
    f: Filters,
    *,
    metrics: Sequence[str],
    rule_columns: bool = False,
    stored_copy: bool = False,
) -> pd.DataFrame:
    """All claims of the chosen regions for these metrics (the 对比 page);
    ``rule_columns`` and ``stored_copy`` as in :func:`ranking_claims`."""
    if rule_columns:
        return compared_claims(con, [(f, metrics)], stored_copy=stored_copy)
    clause, params = _region_where(f, metrics)
    return sql.df(con, select(CLAIM_ROW) + CLAIMS_JOINED + clause + _ORDER, params)


def compared_claims(
    con: Con, groups: Sequence[tuple[Filters, Sequence[str]]], *, stored_copy: bool = False
) -> pd.DataFrame:
    """The rule's columns of the chosen regions' claims for a comparison whose metrics are
    read in different 口径 (honours in 全部, the others in the one chosen): ``groups`` pairs
    each 口径's filters with its metrics, and the claims of all of them come in one
    statement, one branch of a UNION ALL a 口径 (each its own parameters, renamed apart):
    what :func:`region_claims` gives each group, together. A WHERE joining the groups by OR
    instead kept DuckDB from filtering in the scan (200 ms against 19 at 10 M claims)."""
    branches: list[str] = []
    params: dict[str, Any] = {}
    for i, (f, metrics) in enumerate(groups):
        clause, bound = _region_where(f, metrics, keyed=stored_copy)
        prefix = f"g{i}_"
        branches.append(_renamed(clause, bound, prefix))
        params.update({prefix + name: value for name, value in bound.items()})
    if stored_copy:
        return sql.df(con, " UNION ALL ".join(_STORED_READ + b for b in branches), params)
    picked = " UNION ALL ".join(
        f"SELECT {_CLAIM_FIELDS_OF_RULE} FROM claims c{b}" for b in branches
    )
    return _picked_rule_claims(con, picked, params)


def _picked_rule_claims(con: Con, picked: str, params: dict[str, Any]) -> pd.DataFrame:
    """``RANKED_ROW`` of the claims ``picked`` selects, joined to only their articles:
    joined in one step, DuckDB built its hash table from every article (400,000 at 10 M
    claims) to keep the few thousand a comparison's claims are from."""
    cte = (
        f"WITH picked AS MATERIALIZED ({picked}),"
        " picked_articles AS MATERIALIZED (SELECT article_id, region_status, date"
        " FROM articles WHERE article_id IN (SELECT article_id FROM picked)) "
    )
    return sql.df(
        con,
        cte
        + select(RANKED_ROW)
        + claims_from("picked", documents=False, articles="picked_articles"),
        params,
    )


# --------------------------------------------------------------------------- stored values


def region_values(con: Con, f: Filters, *, year: int) -> pd.DataFrame:
    """A stored ranking: the regions of one tier (and provinces) in one scope, largest
    first, ranked among themselves (ties share a rank; equal values by region name)."""
    f = f.of(RANKING)
    clause, params = where(f, ("metric", "tier", "provinces"))
    return sql.df(
        con,
        f"SELECT rank() OVER (ORDER BY value DESC) AS rank, {listed(_VALUE_FIELDS)}"
        f" FROM region_values c WHERE {clause} AND c.category = $category AND c.year = $year"
        " AND c.scope = $scope ORDER BY value DESC, region, region_key",
        {**params, "category": f.category, "year": int(year), "scope": f.scope},
    )


def compared_values(
    con: Con, f: Filters, *, metrics: Sequence[str], year: int, scope: str = SCOPE_ALL
) -> pd.DataFrame:
    """Stored values of the chosen regions for these metrics (every fund category) in one
    口径."""
    return sql.df(
        con,
        f"SELECT {listed(_VALUE_FIELDS)} FROM region_values"
        " WHERE category = '' AND year = $year AND scope = $scope"
        " AND metric = ANY($metrics) AND region_key = ANY($keys)"
        " ORDER BY metric, region_key",
        {"keys": _strs(f.regions), "metrics": _strs(metrics), "year": int(year), "scope": scope},
    )


def claim_roles(
    con: Con,
    *,
    metrics: Sequence[str],
    category: str,
    year: int,
    region_keys: Sequence[str],
    scope: str = SCOPE_ALL,
) -> pd.DataFrame:
    """claim_id, region_key, metric, role: the stored roles of these regions' claims.

    ``= ANY($list)`` rather than ``list_contains``: DuckDB pushes the former into the scan,
    where the table's order (scope, then region) lets it skip all but a few row groups of
    the 31 million roles of ten million claims (7 ms against 34 ms for one region).
    """
    return sql.df(
        con,
        """
        SELECT claim_id, region_key, metric, role FROM claim_roles
        WHERE metric = ANY($metrics) AND category = $category AND year = $year
          AND scope = $scope AND region_key = ANY($keys)
        ORDER BY metric, region_key, claim_id
        """,
        {
            "metrics": _strs(metrics),
            "category": category,
            "year": int(year),
            "keys": _strs(region_keys),
            "scope": scope,
        },
    )


# The rule's columns of every trusted claim with its article's (``rule_claims``), stored at
# ingest in the order the reads filter by: a ranking asks for one metric and a year or two
# (the year its figures cover, in 单一年度 and 多年累计), a comparison for a few regions.
RULE_CLAIMS_SQL = (
    f"SELECT {listed(name(f) for f in RULE_CLAIM_FIELDS)} FROM ("
    + select(RULE_CLAIM_FIELDS)
    + CLAIMS_WITH_ARTICLE
    + f" WHERE {TRUSTED}) ORDER BY metric, covers_end, region_key, claim_id"
)


# The claims a ranking leaves out because their region is unknown, counted per kind;
# stored at ingest (``unplaced_claims``) and summed by :func:`unplaced_count`.
UNPLACED_CLAIMS_SQL = f"""
SELECT c.metric, c.category, c.year, c.tier, c.province, count(*) AS claims, c.period_kind,
       c.covers_start, c.covers_end
{CLAIMS_WITH_ARTICLE}
WHERE NOT {PLACED} AND {TRUSTED}
GROUP BY ALL
"""


def unplaced_count(con: Con, f: Filters) -> int:
    """How many claims a ranking leaves out because their region is unknown, from the
    stored counts: a claim counts when nothing known about it contradicts the filters
    (its tier and province are null or match), as in :func:`ranking_claims`."""
    f = f.of(RANKING)
    _, params = where(f, (*_STORED_SCOPE_FILTERS, "tier", "provinces"))
    scope, _ = where(f, _STORED_SCOPE_FILTERS)
    return int(
        sql.scalar(
            con,
            "SELECT coalesce(sum(c.claims), 0) FROM unplaced_claims c"
            f" WHERE {scope} AND {lenient('tier')} AND {lenient('provinces')}",
            params,
        )
    )


# --------------------------------------------------------------------------- sources


def ranking_sources(con: Con, f: Filters, *, statuses: Sequence[str]) -> pd.DataFrame:
    """source, year, placed, unplaced: per file, the claims a ranking reads.

    ``year`` is the year the document states, else the latest year of its claims (what the
    source line prints); ``placed`` counts the claims ranked, ``unplaced`` those left out
    because their region is unknown. One scan for both, with :func:`ranking_claims`'s filter.
    """
    clause, params = _ranked_where(f.of(RANKING), statuses)
    fields = (
        "c.source",
        f"max(coalesce(d.document_year, c.year)) FILTER (WHERE {PLACED}) AS year",
        f"count(*) FILTER (WHERE {PLACED}) AS placed",
        f"count(*) FILTER (WHERE NOT {PLACED}) AS unplaced",
    )
    return sql.df(
        con,
        select(fields) + CLAIMS_JOINED + clause + " GROUP BY c.source ORDER BY c.source",
        params,
    )


def region_sources(con: Con, f: Filters, *, metrics: Sequence[str]) -> pd.DataFrame:
    """source, year: the files the claims of the chosen regions come from (对比)."""
    clause, params = _region_where(f, metrics)
    fields = ("c.source", "max(coalesce(d.document_year, c.year)) AS year")
    return sql.df(
        con,
        select(fields)
        + " FROM claims c LEFT JOIN documents d ON d.doc_id = c.doc_id"
        + clause
        + " GROUP BY c.source ORDER BY c.source",
        params,
    )


# --------------------------------------------------------------------------- 统计口径


def _by_year(rows: pd.DataFrame) -> dict[int, int]:
    return {int(y): int(n) for y, n in zip(rows["year"], rows["regions"], strict=True)}


def scope_years(con: Con, f: Filters) -> dict[int, int]:
    """year → regions: the years a 单一年度 ranking of ``f`` (metric, category, tier,
    provinces) has values for, oldest first, and how many regions it ranks in each, from
    the stored values (one row a region): the year selector's choices, and what its
    default is chosen by (``dashboard_lib.default_year``)."""
    f = f.of(RANKING)
    clause, params = where(f, ("metric", "tier", "provinces"))
    rows = sql.df(
        con,
        "SELECT c.year, count(*) AS regions FROM region_values c"
        f" WHERE {clause} AND c.category = $category AND c.scope = $scope"
        " GROUP BY c.year ORDER BY c.year",
        {**params, "category": f.category, "scope": SCOPE_SINGLE},
    )
    return _by_year(rows)


def claim_scope_years(con: Con, f: Filters, *, statuses: Sequence[str]) -> dict[int, int]:
    """:func:`scope_years` from the claims, for a database whose stored values are not
    current (or a ranking without OCR-read claims): the years the ranking's placed
    单一年度 figures cover, and how many regions have such a figure in each."""
    f = replace(f.of(RANKING), scope=SCOPE_SINGLE, years=())
    clause, params = where(f, ("metric", "category", "scope", "tier", "provinces", "no_ocr"))
    rows = sql.df(
        con,
        f"SELECT c.covers_end AS year, count(DISTINCT {REGION_KEY}) AS regions"
        + CLAIMS_WITH_ARTICLE
        + f" WHERE {clause} AND {PLACED} AND {TRUSTED} AND c.covers_end IS NOT NULL"
        " GROUP BY c.covers_end ORDER BY c.covers_end",
        {**params, "statuses": _strs(statuses)},
    )
    return _by_year(rows)


def span_starts(con: Con, f: Filters) -> pd.DataFrame:
    """start, regions: the start years of 多年累计 figures in a ranking of ``f`` and how
    many regions have a value from each, most regions first (then the latest start): the
    first row is the start year ranked by default."""
    f = f.of(RANKING)
    clause, params = where(f, ("metric", "tier", "provinces"))
    return sql.df(
        con,
        "SELECT c.year AS start, count(*) AS regions FROM region_values c"
        f" WHERE {clause} AND c.category = $category AND c.scope = $scope AND c.year > 0"
        " GROUP BY c.year ORDER BY regions DESC, start DESC",
        {**params, "category": f.category, "scope": SCOPE_SPAN},
    )


def compared_scope_years(con: Con, f: Filters, *, metrics: Sequence[str]) -> dict[int, int]:
    """year → regions: the years the chosen regions have 单一年度 values for (any of these
    metrics), oldest first, and how many of the regions have one in each."""
    rows = sql.df(
        con,
        "SELECT year, count(DISTINCT region_key) AS regions FROM region_values"
        " WHERE scope = $scope AND category = ''"
        " AND list_contains($metrics, metric) AND list_contains($keys, region_key)"
        " GROUP BY year ORDER BY year",
        {"scope": SCOPE_SINGLE, "metrics": _strs(metrics), "keys": _strs(f.regions)},
    )
    return _by_year(rows)


# 数据冲突 pairs: each superseded claim beside every claim of its region, metric, category
# and stated period published later with another value. ``_pairs(dropped)`` is the one
# statement, for the superseded claims matching ``dropped``: the ids a page asks for
# (:func:`conflicts`, from the claims) or every claim superseded in a stored scope
# (:data:`CONFLICT_PAIRS_SQL`, what ingest stores and :func:`stored_conflicts` reads).
_PUBLISHED = "coalesce(a.date, make_date(a.year, 1, 1))"
_PICKED_FIELDS = (
    *(f"c.{col}" for col in CONFLICT_SIDE if col != "date"), "a.date",
    "c.metric", "c.category", "c.period_start", "c.period_end", "c.suspect",
    f"{_PUBLISHED} AS published", f"{region_key('c.')} AS rk",
)  # fmt: skip
_PAIR_ORDER = " ORDER BY published, dropped_claim_id, kept_claim_id"


def _side(claim: str, prefix: str) -> str:
    """The fields of one side of a conflict, named with ``prefix``."""
    return ", ".join(f"{claim}.{c} AS {prefix}{c}" for c in CONFLICT_SIDE)


def _pairs(dropped: str) -> str:
    """``CONFLICT_PAIR_COLUMNS`` of the conflicts of the claims matching ``dropped`` (a
    condition on ``c``): the superseded claims first (a few), then only the claims that
    share their metric, period and region: a scan of the claims' few columns, not a join
    of them."""
    picked = (
        select(_PICKED_FIELDS) + " FROM claims c JOIN articles a ON a.article_id = c.article_id"
    )
    dropped_side, kept_side = (
        _side(claim, p) for claim, p in zip("ok", CONFLICT_SIDES, strict=True)
    )
    return f"""
        WITH o AS ({picked} WHERE {dropped}),
        k AS ({picked}
              WHERE c.metric IN (SELECT metric FROM o)
                AND c.period_start IN (SELECT period_start FROM o)
                AND c.period_end IN (SELECT period_end FROM o)
                AND {region_key("c.")} IN (SELECT rk FROM o)
                AND c.suspect IS NOT TRUE)
        SELECT o.published, o.metric, o.category, o.period_start, o.period_end,
               {dropped_side}, {kept_side}
        FROM o JOIN k ON k.metric = o.metric
          AND k.category IS NOT DISTINCT FROM o.category
          AND k.period_start = o.period_start AND k.period_end = o.period_end
          AND k.rk = o.rk AND k.value <> o.value AND k.claim_id <> o.claim_id
          AND k.published > o.published
        """


# What ingest stores (``conflict_pairs``, in superseded claim order): the pairs of every
# claim superseded in a stored scope; ``$conflict`` is the role's name.
CONFLICT_PAIRS_SQL = (
    f"SELECT {listed(CONFLICT_PAIR_COLUMNS)} FROM ("
    + _pairs("c.claim_id IN (SELECT claim_id FROM claim_roles WHERE role = $conflict)")
    + ") ORDER BY dropped_claim_id, kept_claim_id"
)


def conflicts(con: Con, claim_ids: Sequence[int]) -> pd.DataFrame:
    """数据冲突 side by side, from the claims: for each superseded claim in ``claim_ids``
    (role ``conflict`` in a ranking's roles), every claim of its region, metric, category
    and stated period published later with another value (the ones the value uses).

    Columns (``CONFLICT_COLUMNS``): metric, category, period_start, period_end, then
    ``dropped_`` and ``kept_`` followed by claim_id, value, unit, value_text, quote,
    source, date, period_text — the earlier quote beside the later one, oldest conflict
    first.
    """
    return sql.df(
        con,
        f"SELECT {listed(CONFLICT_COLUMNS)} FROM ("
        + _pairs("list_contains($ids, c.claim_id)")
        + ")"
        + _PAIR_ORDER,
        {"ids": [int(i) for i in claim_ids]},
    )


def stored_conflicts(con: Con, claim_ids: Sequence[int]) -> pd.DataFrame:
    """:func:`conflicts` read from the pairs stored at ingest: the same rows in the same
    order for claims superseded in a stored scope; a claim superseded only in a scope
    computed on the fly (several years) has none stored (``dashboard_lib.service``
    then asks the claims). The table is in claim order, so a bar's few ids are a lookup."""
    return sql.df(
        con,
        f"SELECT {listed(CONFLICT_COLUMNS)} FROM conflict_pairs"
        " WHERE dropped_claim_id BETWEEN $lo AND $hi AND dropped_claim_id = ANY($ids)"
        + _PAIR_ORDER,
        sql.id_range([int(i) for i in claim_ids]),
    )

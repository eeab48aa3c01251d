"""Every SQL statement the dashboard runs, and the few that derive what ingest stores for
it (``METRIC_SUMMARY_SQL``, ``UNPLACED_CLAIMS_SQL``, :func:`rule_inputs`, used by
``etl/rankings.py``), so that the stored and the live answer are one statement.

Pages never write SQL: they call these functions (through the cached wrappers in
``dashboard_lib.data``). Each function takes an open DuckDB connection or cursor and
returns plain Python or a DataFrame. Filter values are always *bound* (``$name``
parameters); no user text is ever formatted into a statement, so a filter value like
``'; DROP TABLE claims; --`` is just a string that matches nothing.

An empty filter list means "no restriction" (all provinces, all years).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

Con = duckdb.DuckDBPyConnection


def _region_key(prefix: str = "") -> str:
    """What identifies a region for grouping: its GB/T 2260 code, else its province and the
    name as written (甘肃省/陇东市: a place that is not a real division is one place per
    province, so the same misnamed place in two provinces is never added up), else the
    name alone. ``prefix`` is the table alias with its dot."""
    p = prefix
    return f"coalesce({p}region_code, {p}province || '/' || {p}region, {p}region)"


_REGION_KEY = _region_key("c.")

# Claim columns every claim-level query returns, with the article and document fields
# the evidence and the source line need.
_CLAIM_SELECT = f"""
SELECT c.claim_id, c.article_id, c.doc_id, c.source, c.line, c.claim_line,
       {_REGION_KEY} AS region_key,
       c.region, c.region_code, c.province, c.tier, a.region_status, c.year,
       c.metric, c.category, c.value, c.unit, c.approx, c.rate, c.is_part,
       c.period_start, c.period_end, c.value_text, c.quote, c.rule,
       a.title, a.date, d.document_year
FROM claims c
JOIN articles a ON a.article_id = c.article_id
LEFT JOIN documents d ON d.doc_id = c.doc_id
"""

# The columns of ``_CLAIM_SELECT`` the value rule reads. A ranking computed from the
# claims rests on up to half of them; leaving out the quote, the title, the number as
# written and the document halves what DuckDB joins, sorts and hands over.
_RULE_SELECT = f"""
SELECT c.claim_id, c.article_id, c.doc_id,
       {_REGION_KEY} AS region_key,
       c.region, c.region_code, c.province, c.tier, a.region_status, c.year,
       c.metric, c.category, c.value, c.unit, c.approx, c.rate, c.is_part,
       c.period_start, c.period_end
FROM claims c
JOIN articles a ON a.article_id = c.article_id
"""

_ORDER = " ORDER BY c.province NULLS LAST, c.region NULLS LAST, c.metric, c.claim_id"
# Reading order: ids are given as ingest reads files, articles and numbers. Claims are
# stored in this order, so sorting by it is nearly free.
_CLAIM_ORDER = " ORDER BY c.claim_id"

# The tables of ``_CLAIM_SELECT`` (each claim with its article and its document), taken
# from it so that a count or a page of ids reads exactly the join its rows come from.
_CLAIM_FROM = _CLAIM_SELECT[_CLAIM_SELECT.index("\nFROM claims c") :]

# Shared filter fragments. ``len($x) = 0`` turns an empty list into "no restriction".
_YEARS = "(len($years) = 0 OR list_contains($years, c.year))"
_PROVINCES = "(len($provinces) = 0 OR list_contains($provinces, c.province))"
# A claim whose region is known well enough to be ranked.
_PLACED = "(c.region IS NOT NULL AND list_contains($statuses, a.region_status))"


def _strs(values: Sequence[str]) -> list[str]:
    return [str(v) for v in values]


def _ints(values: Sequence[int]) -> list[int]:
    return [int(v) for v in values]


# Integer and boolean Arrow types and the pandas types ``.df()`` gives them when they hold
# a NULL.
_NULLABLE: dict[pa.DataType, Any] = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(),
    pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def frame(table: pa.Table) -> pd.DataFrame:
    """``table`` as the DataFrame DuckDB's ``.df()`` would give for the same result.

    ``.df()`` makes a Python object of every string before pandas turns it back into
    Arrow-backed ``str``: 1.2 s for the 500,000 claims of a nationwide funds ranking,
    against 15 ms from Arrow. The dtypes are kept exactly as ``.df()`` makes them: an
    integer or boolean column is pandas' nullable type only when it holds a NULL, a text
    column with no value at all (or no row) is ``object`` holding None, a date is
    ``datetime64[us]`` (tests/test_query_frames.py compares the two on every query).
    """
    df = table.to_pandas(types_mapper=_NULLABLE.get, date_as_object=False)
    for name, field, column in zip(table.column_names, table.schema, table.columns, strict=True):
        kind = field.type
        if kind in _NULLABLE and column.null_count == 0:
            df[name] = df[name].to_numpy(dtype=kind.to_pandas_dtype())
        elif pa.types.is_date(kind):
            df[name] = df[name].astype("datetime64[us]")
        elif _is_text(kind) and column.null_count == len(column):
            df[name] = pd.Series([None] * len(column), index=df.index, dtype=object)
    return df


def _is_text(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
    )


def _df(con: Con, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    # ``sql`` refuses to run while an earlier ``execute()`` on the same connection has
    # rows left unread (DuckDB 2); ``execute`` itself would simply replace that result,
    # which is what callers of this module have always had, so do the same here.
    abort = getattr(con, "abort", None)
    if abort is not None:
        abort()
    return frame(con.sql(sql, params=params or None).to_arrow_table())


# --------------------------------------------------------------------------- overview


@dataclass(frozen=True)
class Totals:
    """Headline counts for the 总览 page."""

    documents: int
    articles: int
    regions: int
    provinces: int
    year_min: int | None
    year_max: int | None
    years: int
    claims: int
    first_ingested: Any
    last_ingested: Any


def totals(con: Con) -> Totals:
    """Counts of what the database holds; ``regions`` are the distinct places reported.

    One pass per table (ten scalar subqueries took three times as long at 1M claims).
    """
    row = con.execute(
        f"""
        SELECT d.n, a.n, a.regions, a.provinces, a.year_min, a.year_max, a.years, c.n,
               d.first_ingested, d.last_ingested
        FROM (SELECT count(*) AS n, min(ingested_at) AS first_ingested,
                     max(ingested_at) AS last_ingested
              FROM documents) d,
             (SELECT count(*) AS n,
                     count(DISTINCT {_region_key()})
                       FILTER (WHERE region IS NOT NULL) AS regions,
                     count(DISTINCT province) AS provinces,
                     min(year) AS year_min, max(year) AS year_max,
                     count(DISTINCT year) AS years
              FROM articles) a,
             (SELECT count(*) AS n FROM claims) c
        """
    ).fetchall()[0]
    return Totals(*row)


# How much data each metric has. Counting distinct regions takes a pass over every claim
# (20 ms at 1M), so ingest stores the result (``metric_summary``, etl/rankings.py) and
# the 总览 page reads it when current.
METRIC_SUMMARY_SQL = f"""
SELECT metric, count(*) AS claims,
       count(DISTINCT {_region_key()}) AS regions,
       min(year) AS year_min, max(year) AS year_max
FROM claims GROUP BY metric
"""


def claims_per_metric(con: Con) -> pd.DataFrame:
    """metric, claims, regions, year_min, year_max: how much data each metric has."""
    source = "metric_summary" if rankings_version(con) is not None else f"({METRIC_SUMMARY_SQL})"
    return _df(con, f"SELECT * FROM {source} ORDER BY claims DESC, metric")


def documents(con: Con) -> pd.DataFrame:
    """One row per ingested file, with how many articles and claims came from it."""
    return _df(
        con,
        """
        SELECT d.doc_id, d.source, d.path, d.encoding, d.traditional, d.n_chars,
               d.toc_entries, len(d.missing_from_body) AS missing_from_body,
               d.truncated, d.document_year, d.ingested_at,
               (SELECT count(*) FROM articles a WHERE a.doc_id = d.doc_id) AS articles,
               (SELECT count(*) FROM claims c WHERE c.doc_id = d.doc_id) AS claims
        FROM documents d ORDER BY d.source
        """,
    )


def unplaced_articles(con: Con) -> pd.DataFrame:
    """Articles whose region the ETL could not resolve (region_status <> 'resolved').

    ``candidates`` names the same-named divisions of an ambiguous article. Both it and
    ``claims`` are joined in rather than looked up per article: the lookup matched every
    unplaced article against all 3,210 divisions (70 ms with 1,800 such articles).
    """
    return _df(
        con,
        """
        WITH unplaced AS (
          SELECT * FROM articles WHERE region_status <> 'resolved'
        ), candidate AS (
          SELECT u.article_id,
                 string_agg(r.name || '（' || r.province || '）', '、' ORDER BY r.code)
                   AS candidates
          FROM (SELECT DISTINCT article_id, unnest(region_candidates) AS code
                FROM unplaced) u
          JOIN regions r ON r.code = u.code
          GROUP BY u.article_id
        ), counted AS (
          SELECT article_id, count(*) AS claims FROM claims
          WHERE article_id IN (SELECT article_id FROM unplaced)
          GROUP BY article_id
        )
        SELECT a.article_id, a.source, a.line, a.title, a.region_status,
               a.region, a.region_as_written, a.province, a.tier, a.year,
               candidate.candidates, coalesce(counted.claims, 0) AS claims
        FROM unplaced a
        LEFT JOIN candidate ON candidate.article_id = a.article_id
        LEFT JOIN counted ON counted.article_id = a.article_id
        ORDER BY a.source, a.line
        """,
    )


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Options:
    """The values the filter widgets offer, read from the data itself."""

    provinces: tuple[str, ...]
    years: tuple[int, ...]
    metrics: tuple[str, ...]
    categories: tuple[str, ...]


def options(con: Con) -> Options:
    """Provinces, years, metrics and fund categories present in ``claims``."""

    def column(sql: str) -> tuple[Any, ...]:
        return tuple(r[0] for r in con.execute(sql).fetchall())

    return Options(
        provinces=column(
            "SELECT DISTINCT province FROM claims WHERE province IS NOT NULL ORDER BY 1"
        ),
        years=column("SELECT DISTINCT year FROM claims WHERE year IS NOT NULL ORDER BY 1"),
        metrics=column("SELECT DISTINCT metric FROM claims ORDER BY 1"),
        categories=column(
            "SELECT DISTINCT category FROM claims"
            " WHERE metric = 'funds' AND category IS NOT NULL ORDER BY 1"
        ),
    )


def regions_with_claims(con: Con, statuses: Sequence[str]) -> pd.DataFrame:
    """region_key, region, province, tier, claims: the places a user can compare."""
    return _df(
        con,
        f"""
        SELECT {_REGION_KEY} AS region_key,
               any_value(c.region) AS region, any_value(c.province) AS province,
               any_value(c.tier) AS tier, count(*) AS claims
        FROM claims c JOIN articles a ON a.article_id = c.article_id
        WHERE c.region IS NOT NULL AND list_contains($statuses, a.region_status)
        GROUP BY 1
        ORDER BY province NULLS LAST, tier, region, region_key
        """,
        {"statuses": _strs(statuses)},
    )


# --------------------------------------------------------------------------- claims


def _ranking_query(
    select: str,
    *,
    metric: str,
    tier: str,
    provinces: Sequence[str],
    years: Sequence[int],
    category: str,
    statuses: Sequence[str],
    order: str = _ORDER,
) -> tuple[str, dict[str, Any]]:
    sql = (
        select
        + f"""
        WHERE c.metric = $metric
          AND {_YEARS}
          AND ($category = '' OR c.category = $category)
          AND (
            ({_PLACED} AND c.tier = $tier AND {_PROVINCES})
            OR
            (NOT {_PLACED}
               AND (c.tier IS NULL OR c.tier = $tier)
               AND (c.province IS NULL OR {_PROVINCES}))
          )
        """
        + order
    )
    params = {
        "metric": metric,
        "tier": tier,
        "category": category or "",
        "provinces": _strs(provinces),
        "years": _ints(years),
        "statuses": _strs(statuses),
    }
    return sql, params


def ranking_claims(
    con: Con,
    *,
    metric: str,
    tier: str,
    provinces: Sequence[str] = (),
    years: Sequence[int] = (),
    category: str = "",
    statuses: Sequence[str],
    rule_columns: bool = False,
) -> pd.DataFrame:
    """Claims for one metric and tier that a ranking may use, plus the unplaceable ones.

    A claim whose region is known (``region`` set and ``region_status`` in ``statuses``)
    must match the tier and the provinces exactly. A claim whose region is unknown can't
    be matched that way; it is returned when nothing known contradicts the filters (its
    tier/province is null or matches) so the page can say how many were left out.
    ``category`` restricts funds to one category; empty means every category.

    ``rule_columns`` returns, in no particular order (the rule orders claims itself), only
    the columns the value rule reads (no quote, title, line, number as written or
    document): what the dashboard fetches to rank on the fly, where a ranking rests on up
    to half of all claims.
    """
    sql, params = _ranking_query(
        _RULE_SELECT if rule_columns else _CLAIM_SELECT,
        metric=metric,
        tier=tier,
        provinces=provinces,
        years=years,
        category=category,
        statuses=statuses,
        order="" if rule_columns else _ORDER,
    )
    return _df(con, sql, params)


def rule_inputs(con: Con, *, metric: str, statuses: Sequence[str]) -> pd.DataFrame:
    """Every placed claim of one metric, with the columns the value rule reads: what
    ``etl.rankings`` computes the stored region values from."""
    return _df(
        con,
        _RULE_SELECT + f" WHERE c.metric = $metric AND {_PLACED}",
        {"metric": metric, "statuses": _strs(statuses)},
    )


def _region_query(
    select: str,
    *,
    region_keys: Sequence[str],
    metrics: Sequence[str],
    years: Sequence[int],
    order: str = _ORDER,
) -> tuple[str, dict[str, Any]]:
    sql = (
        select
        + f"""
        WHERE (list_contains($keys, c.region_code)
               OR (c.region_code IS NULL AND list_contains($keys, {_REGION_KEY})))
          AND list_contains($metrics, c.metric)
          AND {_YEARS}
        """
        + order
    )
    return sql, {"keys": _strs(region_keys), "metrics": _strs(metrics), "years": _ints(years)}


def region_claims(
    con: Con,
    *,
    region_keys: Sequence[str],
    metrics: Sequence[str],
    years: Sequence[int] = (),
    rule_columns: bool = False,
) -> pd.DataFrame:
    """All claims of the chosen regions for the chosen metrics (the 对比 page);
    ``rule_columns`` as in :func:`ranking_claims`."""
    sql, params = _region_query(
        _RULE_SELECT if rule_columns else _CLAIM_SELECT,
        region_keys=region_keys,
        metrics=metrics,
        years=years,
        order="" if rule_columns else _ORDER,
    )
    return _df(con, sql, params)


# --------------------------------------------------------------------------- stored values
# ``region_values`` and ``claim_roles`` hold the value rule's outcome for every scope (metric,
# fund category, one year or every year), computed at ingest by ``etl.rankings``.


def rankings_version(con: Con) -> int | None:
    """The rule version the stored values were computed with; None when they are not
    current (an ingest wrote documents after them, or never computed them)."""
    rows = con.execute("SELECT max(rule_version) FROM rankings_state").fetchall()
    return None if not rows or rows[0][0] is None else int(rows[0][0])


_VALUE_COLUMNS = """
    region_key, region, region_code, province, tier, metric, value, unit, approx,
    mixed_periods, period_start, period_end, n_claims, n_figures, n_documents
"""


def region_values(
    con: Con,
    *,
    metric: str,
    category: str,
    year: int,
    tier: str,
    provinces: Sequence[str] = (),
) -> pd.DataFrame:
    """A stored ranking: the regions of one tier (and provinces) in one scope, largest
    first, ranked among themselves (ties share a rank; equal values by region name)."""
    return _df(
        con,
        f"""
        SELECT rank() OVER (ORDER BY value DESC) AS rank, {_VALUE_COLUMNS}
        FROM region_values
        WHERE metric = $metric AND category = $category AND year = $year AND tier = $tier
          AND (len($provinces) = 0 OR list_contains($provinces, province))
        ORDER BY value DESC, region, region_key
        """,
        {
            "metric": metric,
            "category": category,
            "year": int(year),
            "tier": tier,
            "provinces": _strs(provinces),
        },
    )


def compared_values(
    con: Con, *, region_keys: Sequence[str], metrics: Sequence[str], year: int
) -> pd.DataFrame:
    """Stored values of the chosen regions for the chosen metrics (every fund category)."""
    return _df(
        con,
        f"""
        SELECT {_VALUE_COLUMNS} FROM region_values
        WHERE category = '' AND year = $year
          AND list_contains($metrics, metric) AND list_contains($keys, region_key)
        ORDER BY metric, region_key
        """,
        {"keys": _strs(region_keys), "metrics": _strs(metrics), "year": int(year)},
    )


def claim_roles(
    con: Con,
    *,
    metrics: Sequence[str],
    category: str,
    year: int,
    region_keys: Sequence[str],
) -> pd.DataFrame:
    """claim_id, region_key, metric, role: the stored roles of these regions' claims."""
    return _df(
        con,
        """
        SELECT claim_id, region_key, metric, role FROM claim_roles
        WHERE list_contains($metrics, metric) AND category = $category AND year = $year
          AND list_contains($keys, region_key)
        ORDER BY metric, region_key, claim_id
        """,
        {
            "metrics": _strs(metrics),
            "category": category,
            "year": int(year),
            "keys": _strs(region_keys),
        },
    )


# The claims a ranking leaves out because their region is unknown, counted per kind;
# stored at ingest (``unplaced_claims``) and summed by :func:`unplaced_count`.
UNPLACED_CLAIMS_SQL = f"""
SELECT c.metric, c.category, c.year, c.tier, c.province, count(*) AS claims
FROM claims c JOIN articles a ON a.article_id = c.article_id
WHERE NOT {_PLACED}
GROUP BY ALL
"""


def unplaced_count(
    con: Con,
    *,
    metric: str,
    tier: str,
    provinces: Sequence[str] = (),
    years: Sequence[int] = (),
    category: str = "",
) -> int:
    """How many claims a ranking leaves out because their region is unknown, from the
    stored counts: a claim counts when nothing known about it contradicts the filters
    (its tier and province are null or match), as in :func:`ranking_claims`."""
    rows = con.execute(
        f"""
        SELECT coalesce(sum(c.claims), 0) FROM unplaced_claims c
        WHERE c.metric = $metric AND {_YEARS}
          AND ($category = '' OR c.category = $category)
          AND (c.tier IS NULL OR c.tier = $tier)
          AND (c.province IS NULL OR {_PROVINCES})
        """,
        {
            "metric": metric,
            "tier": tier,
            "category": category or "",
            "provinces": _strs(provinces),
            "years": _ints(years),
        },
    ).fetchall()
    return int(rows[0][0])


# --------------------------------------------------------------------------- sources


def ranking_sources(
    con: Con,
    *,
    metric: str,
    tier: str,
    provinces: Sequence[str] = (),
    years: Sequence[int] = (),
    category: str = "",
    statuses: Sequence[str],
) -> pd.DataFrame:
    """source, year, placed, unplaced: per file, the claims a ranking reads.

    ``year`` is the year the document states, else the latest year of its claims (what the
    source line prints); ``placed`` counts the claims ranked, ``unplaced`` those left out
    because their region is unknown. One scan for both, with :func:`ranking_claims`'s filter.
    """
    sql, params = _ranking_query(
        f"""
        SELECT c.source,
               max(coalesce(d.document_year, c.year)) FILTER (WHERE {_PLACED}) AS year,
               count(*) FILTER (WHERE {_PLACED}) AS placed,
               count(*) FILTER (WHERE NOT {_PLACED}) AS unplaced
        FROM claims c
        JOIN articles a ON a.article_id = c.article_id
        LEFT JOIN documents d ON d.doc_id = c.doc_id
        """,
        metric=metric,
        tier=tier,
        provinces=provinces,
        years=years,
        category=category,
        statuses=statuses,
        order=" GROUP BY c.source ORDER BY c.source",
    )
    return _df(con, sql, params)


def region_sources(
    con: Con, *, region_keys: Sequence[str], metrics: Sequence[str], years: Sequence[int] = ()
) -> pd.DataFrame:
    """source, year: the files the claims of the chosen regions come from (对比)."""
    sql, params = _region_query(
        """
        SELECT c.source, max(coalesce(d.document_year, c.year)) AS year
        FROM claims c LEFT JOIN documents d ON d.doc_id = c.doc_id
        """,
        region_keys=region_keys,
        metrics=metrics,
        years=years,
        order=" GROUP BY c.source ORDER BY c.source",
    )
    return _df(con, sql, params)


def _like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards in the user's text taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _caseless(text: str) -> bool:
    """True when no character of ``text`` has another case (Chinese, digits, 元, %).

    For such a pattern ILIKE and LIKE match the same rows: lowercasing the text can only
    change characters that have a case, and none of those can match. LIKE skips the
    lowercasing of every quote, which was most of a search's cost at 1M claims.
    """
    return text == text.lower() == text.upper() == text.casefold()


def _claim_filter(
    *,
    provinces: Sequence[str],
    years: Sequence[int],
    tier: str,
    metrics: Sequence[str],
    search: str,
) -> tuple[str, dict[str, Any]]:
    """The WHERE clause of the 明细 page's filters and its bound parameters.

    Shared by :func:`claim_count` and :func:`claim_table`, so the count above the table
    and the rows under it can never disagree.
    """
    search = search.strip()
    like = "LIKE" if _caseless(search) else "ILIKE"  # a keyword, never user text
    where = f"""
        WHERE {_PROVINCES} AND {_YEARS}
          AND ($tier = '' OR c.tier = $tier)
          AND (len($metrics) = 0 OR list_contains($metrics, c.metric))
          AND ($search = '' OR
               c.quote {like} $pattern ESCAPE '\\' OR c.value_text {like} $pattern ESCAPE '\\'
               OR coalesce(c.region, a.region_as_written, '') {like} $pattern ESCAPE '\\'
               OR coalesce(a.title, '') {like} $pattern ESCAPE '\\'
               OR c.source {like} $pattern ESCAPE '\\')
        """
    params = {
        "provinces": _strs(provinces),
        "years": _ints(years),
        "tier": tier or "",
        "metrics": _strs(metrics),
        "search": search,
        "pattern": _like_pattern(search),
    }
    return where, params


def claim_count(
    con: Con,
    *,
    provinces: Sequence[str] = (),
    years: Sequence[int] = (),
    tier: str = "",
    metrics: Sequence[str] = (),
    search: str = "",
) -> int:
    """How many claims :func:`claim_table` returns for the same filters, without the rows.

    The 明细 page shows this count and one page of rows; at a million claims fetching
    every row to count them took seconds.
    """
    where, params = _claim_filter(
        provinces=provinces, years=years, tier=tier, metrics=metrics, search=search
    )
    return int(_df(con, "SELECT count(*) AS n" + _CLAIM_FROM + where, params)["n"].iloc[0])


def claim_table(
    con: Con,
    *,
    provinces: Sequence[str] = (),
    years: Sequence[int] = (),
    tier: str = "",
    metrics: Sequence[str] = (),
    search: str = "",
    limit: int | None = None,
    offset: int = 0,
) -> pd.DataFrame:
    """The claims matching the filters (the 明细 page), ``limit`` of them from ``offset``.

    ``search`` is matched, case-insensitively and literally, against the quote, the
    number as written, the region (also as written), the article title and the file name.
    ``limit=None`` returns every matching claim (the downloads). Rows come in reading
    order (claim ids are given file by file, article by article, number by number as
    ingest reads them), unique, so consecutive pages never overlap or skip a row.

    Claims are stored in id order, so DuckDB finds any page of that order without
    sorting: page 1,000 of a million claims took 190 ms in province/region order, 1 ms in
    id order. A page is chosen by id first and its columns read after.
    """
    where, params = _claim_filter(
        provinces=provinces, years=years, tier=tier, metrics=metrics, search=search
    )
    if limit is None and offset <= 0:
        return _df(con, _CLAIM_SELECT + where + _CLAIM_ORDER, params)
    page = "SELECT c.claim_id" + _CLAIM_FROM + where + _CLAIM_ORDER
    if limit is not None:
        page += " LIMIT $limit"
        params["limit"] = max(int(limit), 0)
    if offset > 0:
        page += " OFFSET $offset"
        params["offset"] = int(offset)
    return _df(con, _CLAIM_SELECT + f" WHERE c.claim_id IN ({page})" + _CLAIM_ORDER, params)


def _id_range(ids: list[int]) -> dict[str, Any]:
    """``ids`` with their smallest and largest: ``BETWEEN $lo AND $hi`` beside the list lets
    DuckDB skip the row groups outside that range (claims are stored in id order), which
    makes the evidence of one claim a lookup instead of a scan of every claim."""
    return {"ids": ids, "lo": min(ids, default=0), "hi": max(ids, default=-1)}


def evidence(con: Con, claim_ids: Sequence[int]) -> pd.DataFrame:
    """The claims with the article text their offsets point into, for highlighting.

    Every row carries its article's whole text (``article_text``). The claims are read
    first and each article's text once after: the evidence of a much-reported region is
    thousands of claims from a few hundred articles, and having DuckDB copy a 3,000-
    character text into every one of those rows took five times longer than the rest.

    The chosen claims are read first (a materialised CTE) and only they are joined: in a
    plain join DuckDB read the quote of every claim before applying the id filter (27 ms
    of a click's time at 1M claims for 20 cards, 5 ms this way).
    """
    sql = (
        "WITH picked AS MATERIALIZED (SELECT * FROM claims"
        " WHERE claim_id BETWEEN $lo AND $hi AND claim_id = ANY($ids))"
        + _CLAIM_SELECT.replace(
            "a.title, a.date, d.document_year",
            "a.title, a.date, d.document_year, d.path,"
            " c.quote_start, c.quote_end, c.value_start, c.value_end",
        ).replace("FROM claims c", "FROM picked c")
        + " ORDER BY c.doc_id, c.article_id, c.value_start, c.claim_id"
    )
    rows = _df(con, sql, _id_range(_ints(claim_ids)))
    texts = _df(
        con,
        "SELECT article_id, text FROM articles"
        " WHERE article_id BETWEEN $lo AND $hi AND article_id = ANY($ids)",
        _id_range(_ints(rows["article_id"].unique().tolist())),
    )
    position = pd.Index(texts["article_id"]).get_indexer(rows["article_id"])
    rows.insert(
        list(rows.columns).index("path") + 1,
        "article_text",
        texts["text"].take(position).reset_index(drop=True),
    )
    return rows

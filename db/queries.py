"""Every SQL statement the dashboard runs, and nothing else.

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

Con = duckdb.DuckDBPyConnection

# Claim columns every claim-level query returns, with the article and document fields
# the evidence and the source line need. ``region_key`` identifies a region for grouping:
# its GB/T 2260 code, or the name as written when it has none (陇东市, not found).
_CLAIM_SELECT = """
SELECT c.claim_id, c.article_id, c.doc_id, c.source, c.line, c.claim_line,
       coalesce(c.region_code, c.region) AS region_key,
       c.region, c.region_code, c.province, c.tier, a.region_status, c.year,
       c.metric, c.category, c.value, c.unit, c.approx, c.rate, c.is_part,
       c.period_start, c.period_end, c.value_text, c.quote, c.rule,
       a.title, a.date, d.document_year
FROM claims c
JOIN articles a ON a.article_id = c.article_id
LEFT JOIN documents d ON d.doc_id = c.doc_id
"""

_ORDER = " ORDER BY c.province NULLS LAST, c.region NULLS LAST, c.metric, c.claim_id"

# Shared filter fragments. ``len($x) = 0`` turns an empty list into "no restriction".
_YEARS = "(len($years) = 0 OR list_contains($years, c.year))"
_PROVINCES = "(len($provinces) = 0 OR list_contains($provinces, c.province))"


def _strs(values: Sequence[str]) -> list[str]:
    return [str(v) for v in values]


def _ints(values: Sequence[int]) -> list[int]:
    return [int(v) for v in values]


def _df(con: Con, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    return con.execute(sql, params or {}).df()


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
    """Counts of what the database holds; ``regions`` are the distinct places reported."""
    row = con.execute(
        """
        SELECT
          (SELECT count(*) FROM documents),
          (SELECT count(*) FROM articles),
          (SELECT count(DISTINCT coalesce(region_code, region)) FROM articles
             WHERE region IS NOT NULL),
          (SELECT count(DISTINCT province) FROM articles WHERE province IS NOT NULL),
          (SELECT min(year) FROM articles),
          (SELECT max(year) FROM articles),
          (SELECT count(DISTINCT year) FROM articles WHERE year IS NOT NULL),
          (SELECT count(*) FROM claims),
          (SELECT min(ingested_at) FROM documents),
          (SELECT max(ingested_at) FROM documents)
        """
    ).fetchone()
    assert row is not None
    return Totals(*row)


def claims_per_metric(con: Con) -> pd.DataFrame:
    """metric, claims, regions, years: how much data each metric has."""
    return _df(
        con,
        """
        SELECT metric, count(*) AS claims,
               count(DISTINCT coalesce(region_code, region)) AS regions,
               min(year) AS year_min, max(year) AS year_max
        FROM claims GROUP BY metric ORDER BY claims DESC, metric
        """,
    )


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

    ``candidates`` names the same-named divisions of an ambiguous article.
    """
    return _df(
        con,
        """
        SELECT a.article_id, a.source, a.line, a.title, a.region_status,
               a.region, a.region_as_written, a.province, a.tier, a.year,
               (SELECT string_agg(r.name || '（' || r.province || '）', '、' ORDER BY r.code)
                  FROM regions r
                  WHERE list_contains(coalesce(a.region_candidates, []::VARCHAR[]), r.code)
               ) AS candidates,
               (SELECT count(*) FROM claims c WHERE c.article_id = a.article_id) AS claims
        FROM articles a
        WHERE a.region_status <> 'resolved'
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
        """
        SELECT coalesce(c.region_code, c.region) AS region_key,
               any_value(c.region) AS region, any_value(c.province) AS province,
               any_value(c.tier) AS tier, count(*) AS claims
        FROM claims c JOIN articles a ON a.article_id = c.article_id
        WHERE c.region IS NOT NULL AND list_contains($statuses, a.region_status)
        GROUP BY 1
        ORDER BY province NULLS LAST, tier, region
        """,
        {"statuses": _strs(statuses)},
    )


# --------------------------------------------------------------------------- claims


def ranking_claims(
    con: Con,
    *,
    metric: str,
    tier: str,
    provinces: Sequence[str] = (),
    years: Sequence[int] = (),
    category: str = "",
    statuses: Sequence[str],
) -> pd.DataFrame:
    """Claims for one metric and tier that a ranking may use, plus the unplaceable ones.

    A claim whose region is known (``region`` set and ``region_status`` in ``statuses``)
    must match the tier and the provinces exactly. A claim whose region is unknown can't
    be matched that way; it is returned when nothing known contradicts the filters (its
    tier/province is null or matches) so the page can say how many were left out.
    ``category`` restricts funds to one category; empty means every category.
    """
    sql = (
        _CLAIM_SELECT
        + f"""
        WHERE c.metric = $metric
          AND {_YEARS}
          AND ($category = '' OR c.category = $category)
          AND (
            (c.region IS NOT NULL AND list_contains($statuses, a.region_status)
               AND c.tier = $tier AND {_PROVINCES})
            OR
            (NOT (c.region IS NOT NULL AND list_contains($statuses, a.region_status))
               AND (c.tier IS NULL OR c.tier = $tier)
               AND (c.province IS NULL OR {_PROVINCES}))
          )
        """
        + _ORDER
    )
    return _df(
        con,
        sql,
        {
            "metric": metric,
            "tier": tier,
            "category": category or "",
            "provinces": _strs(provinces),
            "years": _ints(years),
            "statuses": _strs(statuses),
        },
    )


def region_claims(
    con: Con,
    *,
    region_keys: Sequence[str],
    metrics: Sequence[str],
    years: Sequence[int] = (),
) -> pd.DataFrame:
    """All claims of the chosen regions for the chosen metrics (the 对比 page)."""
    sql = (
        _CLAIM_SELECT
        + f"""
        WHERE list_contains($keys, coalesce(c.region_code, c.region))
          AND list_contains($metrics, c.metric)
          AND {_YEARS}
        """
        + _ORDER
    )
    return _df(
        con,
        sql,
        {"keys": _strs(region_keys), "metrics": _strs(metrics), "years": _ints(years)},
    )


def _like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards in the user's text taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def claim_table(
    con: Con,
    *,
    provinces: Sequence[str] = (),
    years: Sequence[int] = (),
    tier: str = "",
    metrics: Sequence[str] = (),
    search: str = "",
) -> pd.DataFrame:
    """Every claim matching the filters (the 明细 page).

    ``search`` is matched, case-insensitively and literally, against the quote, the
    number as written, the region (also as written), the article title and the file name.
    """
    sql = (
        _CLAIM_SELECT
        + f"""
        WHERE {_PROVINCES} AND {_YEARS}
          AND ($tier = '' OR c.tier = $tier)
          AND (len($metrics) = 0 OR list_contains($metrics, c.metric))
          AND ($search = '' OR
               c.quote ILIKE $pattern ESCAPE '\\' OR c.value_text ILIKE $pattern ESCAPE '\\'
               OR coalesce(c.region, a.region_as_written, '') ILIKE $pattern ESCAPE '\\'
               OR coalesce(a.title, '') ILIKE $pattern ESCAPE '\\'
               OR c.source ILIKE $pattern ESCAPE '\\')
        """
        + _ORDER
    )
    search = search.strip()
    return _df(
        con,
        sql,
        {
            "provinces": _strs(provinces),
            "years": _ints(years),
            "tier": tier or "",
            "metrics": _strs(metrics),
            "search": search,
            "pattern": _like_pattern(search),
        },
    )


def evidence(con: Con, claim_ids: Sequence[int]) -> pd.DataFrame:
    """The claims with the article text their offsets point into, for highlighting."""
    sql = (
        _CLAIM_SELECT.replace(
            "a.title, a.date, d.document_year",
            "a.title, a.date, d.document_year, d.path, a.text AS article_text,"
            " c.quote_start, c.quote_end, c.value_start, c.value_end",
        )
        + " WHERE list_contains($ids, c.claim_id)"
        + " ORDER BY c.doc_id, c.article_id, c.value_start, c.claim_id"
    )
    return _df(con, sql, {"ids": _ints(claim_ids)})

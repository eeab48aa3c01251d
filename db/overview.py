"""Reads of the 总览 page and of the filter options: what the database holds.

Each read here counts over the claims or the articles, which at ten million claims took
seconds a view (the filter options alone scanned the claims four times). So ingest stores
what each counts (``db.write.rebuild_derived``, the summary tables of ``schema.sql``),
from the very statement the read runs when they are not current (``*_SQL`` below): the
page reads a few thousand stored rows after an ingest, and the claims in a database whose
last write was not followed by a rebuild (tests/test_stored_rankings.py checks the two
give the same page).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from db import sql
from db.columns import REGION_KEY, region_key
from db.sql import Con
from valuation import stored
from valuation.registry import RANKABLE_STATUSES


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


def has_claims(con: Con) -> bool:
    """Whether the claims table can be read (and holds a row): the dashboard's first
    question to a database, so a file of another shape fails before any page runs."""
    return sql.scalar(con, "SELECT count(*) FROM (SELECT 1 FROM claims LIMIT 1)") == 1


def rankings_version(con: Con) -> int | None:
    """The rule version the stored values were computed with; None when they are not
    current (an ingest wrote documents after them, or never computed them)."""
    version = sql.scalar(con, "SELECT max(rule_version) FROM rankings_state")
    return None if version is None else int(version)


def summaries_current(con: Con) -> bool:
    """Whether the stored summaries may be read: rebuilt after the last document write,
    by a rebuild that stores what this code reads (``stored.RULE_VERSION``; a database
    rebuilt by older code lacks some of them)."""
    return rankings_version(con) == stored.RULE_VERSION


def _source(con: Con, table: str, query: str) -> str:
    """``table`` when the stored summaries are current, else ``query`` as a subquery."""
    return table if summaries_current(con) else f"({query})"


# One pass per table (ten scalar subqueries took three times as long at 1M claims).
TOTALS_SQL = f"""
SELECT d.n AS documents, a.n AS articles, a.regions, a.provinces, a.year_min, a.year_max,
       a.years, c.n AS claims, d.first_ingested, d.last_ingested
FROM (SELECT count(*) AS n, min(ingested_at) AS first_ingested,
             max(ingested_at) AS last_ingested
      FROM documents) d,
     (SELECT count(*) AS n,
             count(DISTINCT {region_key()}) FILTER (WHERE region IS NOT NULL) AS regions,
             count(DISTINCT province) AS provinces,
             min(year) AS year_min, max(year) AS year_max,
             count(DISTINCT year) AS years
      FROM articles) a,
     (SELECT count(*) AS n FROM claims) c
"""


def totals(con: Con) -> Totals:
    """Counts of what the database holds; ``regions`` are the distinct places reported."""
    source = _source(con, "overview_totals", TOTALS_SQL)
    return Totals(*con.execute(f"SELECT * FROM {source}").fetchall()[0])


# How much data each metric has (counting distinct regions takes a pass over every claim).
METRIC_SUMMARY_SQL = f"""
SELECT metric, count(*) AS claims,
       count(DISTINCT {region_key()}) AS regions,
       min(year) AS year_min, max(year) AS year_max
FROM claims GROUP BY metric
"""


def claims_per_metric(con: Con) -> pd.DataFrame:
    """metric, claims, regions, year_min, year_max: how much data each metric has."""
    source = _source(con, "metric_summary", METRIC_SUMMARY_SQL)
    return sql.df(con, f"SELECT * FROM {source} ORDER BY claims DESC, metric")


# How many articles and claims each document holds.
DOCUMENT_COUNTS_SQL = """
SELECT d.doc_id, coalesce(a.n, 0) AS articles, coalesce(c.n, 0) AS claims
FROM documents d
LEFT JOIN (SELECT doc_id, count(*) AS n FROM articles GROUP BY doc_id) a
  ON a.doc_id = d.doc_id
LEFT JOIN (SELECT doc_id, count(*) AS n FROM claims GROUP BY doc_id) c
  ON c.doc_id = d.doc_id
"""


def documents(con: Con) -> pd.DataFrame:
    """One row per ingested file, with how many articles and claims came from it."""
    source = _source(con, "document_counts", DOCUMENT_COUNTS_SQL)
    return sql.df(
        con,
        f"""
        SELECT d.doc_id, d.source, d.path, d.encoding, d.traditional, d.n_chars,
               d.toc_entries, len(d.missing_from_body) AS missing_from_body,
               d.truncated, d.document_year, d.ingested_at, d.kind, d.pages, d.ocr,
               n.articles, n.claims
        FROM documents d JOIN {source} n ON n.doc_id = d.doc_id
        ORDER BY d.source, d.path
        """,
    )


# Articles whose region the ETL could not resolve, with the same-named divisions of an
# ambiguous one and how many claims each holds: stored whole at ingest
# (``unplaced_articles``), since finding them is a scan of every article (48 ms at ten
# million claims, a third of the page).
UNPLACED_ARTICLES_SQL = """
WITH unplaced AS (
  SELECT article_id, source, line, title, region_status, region,
         region_as_written, province, tier, year, region_candidates,
         region_evidence
  FROM articles WHERE region_status <> 'resolved'
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
       candidate.candidates, coalesce(counted.claims, 0) AS claims,
       a.region_evidence
FROM unplaced a
LEFT JOIN candidate ON candidate.article_id = a.article_id
LEFT JOIN counted ON counted.article_id = a.article_id
"""


def unplaced_articles(con: Con) -> pd.DataFrame:
    """Articles whose region the ETL could not resolve (region_status <> 'resolved').

    ``candidates`` names the same-named divisions of an ambiguous article. Both it and
    ``claims`` are joined in rather than looked up per article: the lookup matched every
    unplaced article against all 3,210 divisions (70 ms with 1,800 such articles). Only
    the columns shown are read: the articles' text is most of their table.
    """
    source = _source(con, "unplaced_articles", UNPLACED_ARTICLES_SQL)
    return sql.df(con, f"SELECT * FROM {source} ORDER BY source, line, article_id")


# Articles by how their region was decided and how sure that is, and by where their year
# came from: ``kind`` is ``region`` or ``year``, ``basis`` the code.
HOW_DECIDED_SQL = """
SELECT 'region' AS kind, region_basis AS basis, region_confidence AS confidence,
       count(*) AS articles
FROM articles WHERE region_status = 'resolved'
GROUP BY ALL
UNION ALL
SELECT 'year', coalesce(year_source, 'none'), NULL, count(*)
FROM articles GROUP BY ALL
"""


def how_decided(con: Con) -> pd.DataFrame:
    """kind, basis, confidence, articles (:data:`HOW_DECIDED_SQL`), the most used first."""
    source = _source(con, "article_decisions", HOW_DECIDED_SQL)
    return sql.df(con, f"SELECT * FROM {source} ORDER BY kind, articles DESC, basis, confidence")


@dataclass(frozen=True)
class Options:
    """The values the filter widgets offer, read from the data itself."""

    provinces: tuple[str, ...]
    years: tuple[int, ...]
    metrics: tuple[str, ...]
    categories: tuple[str, ...]


# The claims counted per metric, category, province and year: every filter option is a
# DISTINCT over these few thousand rows instead of over every claim.
CLAIM_FACETS_SQL = """
SELECT metric, category, province, year, count(*) AS claims FROM claims GROUP BY ALL
"""


def options(con: Con, categorised: Sequence[str]) -> Options:
    """Provinces, years, metrics and the categories of the ``categorised`` metrics (funds)
    present in ``claims``, each sorted; from one pass over them when not stored."""
    source = _source(con, "claim_facets", CLAIM_FACETS_SQL)
    row = con.execute(
        f"""
        WITH f AS MATERIALIZED (SELECT metric, category, province, year FROM {source})
        SELECT
          (SELECT list(DISTINCT province ORDER BY province) FROM f
            WHERE province IS NOT NULL),
          (SELECT list(DISTINCT year ORDER BY year) FROM f WHERE year IS NOT NULL),
          (SELECT list(DISTINCT metric ORDER BY metric) FROM f),
          (SELECT list(DISTINCT category ORDER BY category) FROM f
            WHERE list_contains($metrics, metric) AND category IS NOT NULL)
        """,
        {"metrics": [str(m) for m in categorised]},
    ).fetchall()[0]
    provinces, years, metrics, categories = (tuple(v or ()) for v in row)
    return Options(provinces=provinces, years=years, metrics=metrics, categories=categories)


# What ingest stores for the reads above, table by table (db.write.rebuild_derived):
# each statement's column names are its table's (schema.sql).
SUMMARIES = {
    "overview_totals": TOTALS_SQL,
    "metric_summary": METRIC_SUMMARY_SQL,
    "document_counts": DOCUMENT_COUNTS_SQL,
    "unplaced_articles": UNPLACED_ARTICLES_SQL,
    "article_decisions": HOW_DECIDED_SQL,
    "claim_facets": CLAIM_FACETS_SQL,
}


# The places a user can compare (the region pickers of every page): one row a region with
# how many placed claims it has. ``$statuses`` are the region statuses counted as placed;
# ingest stores the rows for ``RANKABLE_STATUSES`` (``region_claims``), since a pass over
# every claim joined to its article took half a second at ten million claims.
REGION_CLAIMS_SQL = f"""
SELECT {REGION_KEY} AS region_key,
       any_value(c.region) AS region, any_value(c.province) AS province,
       any_value(c.tier) AS tier, count(*) AS claims
FROM claims c JOIN articles a ON a.article_id = c.article_id
WHERE c.region IS NOT NULL AND list_contains($statuses, a.region_status)
GROUP BY 1
"""
_REGION_ORDER = " ORDER BY province NULLS LAST, tier, region, region_key"


def regions_with_claims(con: Con, statuses: Sequence[str]) -> pd.DataFrame:
    """region_key, region, province, tier, claims: the places a user can compare; stored
    at ingest for the statuses a ranking places (``RANKABLE_STATUSES``), counted from the
    claims for any other (or when the summaries are not current)."""
    wanted = [str(s) for s in statuses]
    if wanted == list(RANKABLE_STATUSES) and summaries_current(con):
        return sql.df(con, "SELECT * FROM region_claims" + _REGION_ORDER)
    return sql.df(con, f"SELECT * FROM ({REGION_CLAIMS_SQL})" + _REGION_ORDER, {"statuses": wanted})

"""Reads of the 总览 page and of the filter options: what the database holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from db import sql
from db.columns import REGION_KEY, region_key
from db.sql import Con


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
                     count(DISTINCT {region_key()})
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
# (20 ms at 1M), so ingest stores the result (``metric_summary``, db.write) and the 总览
# page reads it when current.
METRIC_SUMMARY_SQL = f"""
SELECT metric, count(*) AS claims,
       count(DISTINCT {region_key()}) AS regions,
       min(year) AS year_min, max(year) AS year_max
FROM claims GROUP BY metric
"""


def rankings_version(con: Con) -> int | None:
    """The rule version the stored values were computed with; None when they are not
    current (an ingest wrote documents after them, or never computed them)."""
    version = sql.scalar(con, "SELECT max(rule_version) FROM rankings_state")
    return None if version is None else int(version)


def claims_per_metric(con: Con) -> pd.DataFrame:
    """metric, claims, regions, year_min, year_max: how much data each metric has."""
    source = "metric_summary" if rankings_version(con) is not None else f"({METRIC_SUMMARY_SQL})"
    return sql.df(con, f"SELECT * FROM {source} ORDER BY claims DESC, metric")


def documents(con: Con) -> pd.DataFrame:
    """One row per ingested file, with how many articles and claims came from it."""
    return sql.df(
        con,
        """
        SELECT d.doc_id, d.source, d.path, d.encoding, d.traditional, d.n_chars,
               d.toc_entries, len(d.missing_from_body) AS missing_from_body,
               d.truncated, d.document_year, d.ingested_at, d.kind, d.pages, d.ocr,
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
    return sql.df(
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
               candidate.candidates, coalesce(counted.claims, 0) AS claims,
               a.region_evidence
        FROM unplaced a
        LEFT JOIN candidate ON candidate.article_id = a.article_id
        LEFT JOIN counted ON counted.article_id = a.article_id
        ORDER BY a.source, a.line
        """,
    )


def how_decided(con: Con) -> pd.DataFrame:
    """Articles counted by how their region was decided and how sure that is, and by where
    their year came from: ``kind`` is ``region`` or ``year``, ``basis`` the code."""
    return sql.df(
        con,
        """
        SELECT 'region' AS kind, region_basis AS basis, region_confidence AS confidence,
               count(*) AS articles
        FROM articles WHERE region_status = 'resolved'
        GROUP BY ALL
        UNION ALL
        SELECT 'year', coalesce(year_source, 'none'), NULL, count(*)
        FROM articles GROUP BY ALL
        ORDER BY kind, articles DESC, basis
        """,
    )


@dataclass(frozen=True)
class Options:
    """The values the filter widgets offer, read from the data itself."""

    provinces: tuple[str, ...]
    years: tuple[int, ...]
    metrics: tuple[str, ...]
    categories: tuple[str, ...]


def options(con: Con, categorised: Sequence[str]) -> Options:
    """Provinces, years, metrics and the categories of the ``categorised`` metrics (funds)
    present in ``claims``."""
    return Options(
        provinces=sql.column(
            con, "SELECT DISTINCT province FROM claims WHERE province IS NOT NULL ORDER BY 1"
        ),
        years=sql.column(con, "SELECT DISTINCT year FROM claims WHERE year IS NOT NULL ORDER BY 1"),
        metrics=sql.column(con, "SELECT DISTINCT metric FROM claims ORDER BY 1"),
        categories=sql.column(
            con,
            "SELECT DISTINCT category FROM claims"
            " WHERE list_contains($metrics, metric) AND category IS NOT NULL ORDER BY 1",
            {"metrics": list(categorised)},
        ),
    )


def regions_with_claims(con: Con, statuses: Sequence[str]) -> pd.DataFrame:
    """region_key, region, province, tier, claims: the places a user can compare."""
    return sql.df(
        con,
        f"""
        SELECT {REGION_KEY} AS region_key,
               any_value(c.region) AS region, any_value(c.province) AS province,
               any_value(c.tier) AS tier, count(*) AS claims
        FROM claims c JOIN articles a ON a.article_id = c.article_id
        WHERE c.region IS NOT NULL AND list_contains($statuses, a.region_status)
        GROUP BY 1
        ORDER BY province NULLS LAST, tier, region, region_key
        """,
        {"statuses": [str(s) for s in statuses]},
    )

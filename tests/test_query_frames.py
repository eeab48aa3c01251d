"""The query layer's fast paths return exactly what the plain ones would.

The reads of ``db/`` go through Arrow (``db.sql.frame``) instead of DuckDB's
``.df()``, and reads evidence in two steps (claims, then each article's text once). Both
are there for speed at a million claims; neither may change a single value or dtype.
Here every query's DataFrame is compared with the one ``.df()`` gives for the same SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import duckdb
import pandas as pd
import pytest

from db import claims, filters, overview, ranking, sql
from tests.conftest import flt
from valuation.registry import RANKABLE_STATUSES, RANKED_METRICS


@pytest.fixture()
def plain(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """Switch ``db.sql.df`` to DuckDB's own ``.df()`` (the reference)."""

    def use_plain() -> None:
        monkeypatch.setattr(
            sql,
            "df",
            lambda con, sql, params=None: con.execute(sql, params or {}).df(),
        )

    yield use_plain


def _both(
    plain: Callable[[], None], fn: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, Any]:
    fast = fn()
    plain()
    reference = fn()
    monkeypatch.undo()
    return fast, reference


CALLS: list[tuple[str, Callable[[duckdb.DuckDBPyConnection], pd.DataFrame]]] = [
    ("claims_per_metric", overview.claims_per_metric),
    ("documents", overview.documents),
    ("unplaced_articles", overview.unplaced_articles),
    ("regions_with_claims", lambda con: overview.regions_with_claims(con, RANKABLE_STATUSES)),
    *[
        (
            f"ranking_claims {metric} {tier}",
            lambda con, metric=metric, tier=tier: ranking.ranking_claims(
                con, flt(metric=metric, tier=tier), statuses=RANKABLE_STATUSES
            ),
        )
        for metric in RANKED_METRICS
        for tier in ("province", "prefecture", "county")
    ],
    (
        "ranking_claims filtered",
        lambda con: ranking.ranking_claims(
            con,
            flt(
                metric="funds",
                tier="prefecture",
                provinces=["甘肃省"],
                years=[2023],
                category="preferential_payments",
            ),
            statuses=RANKABLE_STATUSES,
        ),
    ),
    (
        "region_claims",
        lambda con: ranking.region_claims(
            con, flt(regions=["620700", "410200", "甘肃省/陇东市"]), metrics=RANKED_METRICS
        ),
    ),
    (
        "region_values",
        lambda con: ranking.region_values(con, flt(metric="funds", tier="prefecture"), year=0),
    ),
    (
        "claim_roles",
        lambda con: ranking.claim_roles(
            con,
            metrics=RANKED_METRICS,
            category="",
            year=0,
            region_keys=["620700", "甘肃省/陇东市"],
        ),
    ),
    (
        "ranking_sources",
        lambda con: ranking.ranking_sources(
            con, flt(metric="funds", tier="prefecture"), statuses=RANKABLE_STATUSES
        ),
    ),
    ("claim_table", lambda con: claims.claim_table(con, flt())),
    ("claim_table empty", lambda con: claims.claim_table(con, flt(search="no such text"))),
    ("claim_table search", lambda con: claims.claim_table(con, flt(search="洛阳", tier="county"))),
    (
        "claim_table page",
        lambda con: claims.claim_table(con, flt(search="洛阳"), limit=4, offset=3),
    ),
    ("claim_table last page", lambda con: claims.claim_table(con, flt(), limit=25, offset=50)),
]


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[name for name, _ in CALLS])
def test_arrow_frames_equal_duckdb_frames(
    con: duckdb.DuckDBPyConnection,
    plain: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    call: Callable[[duckdb.DuckDBPyConnection], pd.DataFrame],
) -> None:
    fast, reference = _both(plain, lambda: call(con), monkeypatch)
    pd.testing.assert_frame_equal(fast, reference, check_exact=True)


@pytest.mark.parametrize("metric", RANKED_METRICS)
def test_rule_columns_are_ranking_claims_with_fewer_columns(
    con: duckdb.DuckDBPyConnection, metric: str
) -> None:
    f = flt(metric=metric, tier="prefecture")
    lean = ranking.ranking_claims(con, f, statuses=RANKABLE_STATUSES, rule_columns=True)
    lean = lean.sort_values("claim_id", ignore_index=True)
    full = ranking.ranking_claims(con, f, statuses=RANKABLE_STATUSES)
    full = full.sort_values("claim_id", ignore_index=True)
    pd.testing.assert_frame_equal(lean, full[list(lean.columns)], check_exact=True)


def test_rule_columns_are_region_claims_with_fewer_columns(
    con: duckdb.DuckDBPyConnection,
) -> None:
    f = flt(regions=["620700", "410200", "甘肃省/陇东市"])
    lean = ranking.region_claims(con, f, metrics=RANKED_METRICS, rule_columns=True)
    lean = lean.sort_values("claim_id", ignore_index=True)
    full = ranking.region_claims(con, f, metrics=RANKED_METRICS)
    full = full.sort_values("claim_id", ignore_index=True)
    assert len(lean) > 0
    pd.testing.assert_frame_equal(lean, full[list(lean.columns)], check_exact=True)


def _evidence_in_one_query(con: duckdb.DuckDBPyConnection, ids: list[int]) -> pd.DataFrame:
    """The evidence query as first written, spelled out here rather than built from the
    select lists under test: every row joined to its article's text, kept where the number
    lies outside the quote (the only rows a card needs it for)."""
    sql_text = """
        SELECT c.claim_id, c.article_id, c.doc_id, c.source, c.line, c.claim_line,
               coalesce(c.region_code, c.province || '/' || c.region, c.region) AS region_key,
               c.region, c.region_code, c.province, c.tier, a.region_status, c.year,
               c.metric, c.category, c.value, c.unit, c.approx, c.rate, c.is_part,
               c.period_start, c.period_end, c.value_text, c.quote, c.rule,
               c.suspect, c.suspect_reason,
               a.title, a.date, d.document_year, c.period_kind, c.covers_start, c.covers_end,
               d.path,
               CASE WHEN c.value_start < c.quote_start OR c.value_end > c.quote_end
                    THEN a.text END AS article_text,
               c.quote_start, c.quote_end, c.value_start, c.value_end,
               c.page, c.location, c.ocr, d.original
        FROM claims c
        JOIN articles a ON a.article_id = c.article_id
        LEFT JOIN documents d ON d.doc_id = c.doc_id
        WHERE list_contains($ids, c.claim_id)
        ORDER BY c.doc_id, c.article_id, c.value_start, c.claim_id
    """
    return con.execute(sql_text, {"ids": ids}).df()


@pytest.mark.parametrize("which", ["all", "some", "one", "none", "unknown"])
def test_evidence_in_two_steps_equals_one_join(con: duckdb.DuckDBPyConnection, which: str) -> None:
    every = [int(i) for i in claims.claim_table(con, flt())["claim_id"]]
    ids = {
        "all": every,
        "some": every[::3],
        "one": every[5:6],
        "none": [],
        "unknown": [10**9],
    }[which]
    pd.testing.assert_frame_equal(
        claims.evidence(con, ids), _evidence_in_one_query(con, ids), check_exact=True
    )


# The first versions of queries rewritten for speed: the rewrites must give the same rows.
TOTALS_FIRST = """
    SELECT
      (SELECT count(*) FROM documents),
      (SELECT count(*) FROM articles),
      (SELECT count(DISTINCT coalesce(region_code, province || '/' || region, region))
         FROM articles
         WHERE region IS NOT NULL),
      (SELECT count(DISTINCT province) FROM articles WHERE province IS NOT NULL),
      (SELECT min(year) FROM articles),
      (SELECT max(year) FROM articles),
      (SELECT count(DISTINCT year) FROM articles WHERE year IS NOT NULL),
      (SELECT count(*) FROM claims),
      (SELECT min(ingested_at) FROM documents),
      (SELECT max(ingested_at) FROM documents)
"""
UNPLACED_FIRST = """
    SELECT a.article_id, a.source, a.line, a.title, a.region_status,
           a.region, a.region_as_written, a.province, a.tier, a.year,
           (SELECT string_agg(r.name || '（' || r.province || '）', '、' ORDER BY r.code)
              FROM regions r
              WHERE list_contains(coalesce(a.region_candidates, []::VARCHAR[]), r.code)
           ) AS candidates,
           (SELECT count(*) FROM claims c WHERE c.article_id = a.article_id) AS claims,
           a.region_evidence
    FROM articles a
    WHERE a.region_status <> 'resolved'
    ORDER BY a.source, a.line, a.article_id
"""


def test_totals_in_one_pass_per_table(con: duckdb.DuckDBPyConnection) -> None:
    first = con.execute(TOTALS_FIRST).fetchall()[0]
    now = overview.totals(con)
    assert tuple(vars(now).values()) == first
    assert [type(v) for v in vars(now).values()] == [type(v) for v in first]


def test_unplaced_articles_joined_equal_looked_up(con: duckdb.DuckDBPyConnection) -> None:
    pd.testing.assert_frame_equal(
        overview.unplaced_articles(con), con.execute(UNPLACED_FIRST).df(), check_exact=True
    )


@pytest.mark.parametrize("search", ["洛阳", "1.6亿元", "<script>", "%", "_", "txt", "TXT", "Ab"])
def test_like_for_caseless_searches_finds_what_ilike_finds(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch, search: str
) -> None:
    chosen = claims.claim_table(con, flt(search=search))
    monkeypatch.setattr(filters, "caseless", lambda text: False)
    pd.testing.assert_frame_equal(chosen, claims.claim_table(con, flt(search=search)))


def test_caseless_patterns_match_alike_under_like_and_ilike() -> None:
    """Characters with odd case mappings (İ, K Kelvin, ß, ª, ǅ, Σ) beside Chinese text."""
    pool = list("洛阳市元亿万余约0123456789.%_-（）İıiIKkKßẞªǅǆΣσςAaZz ")
    rng = __import__("random").Random(11)
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 12))) for _ in range(400)]
    patterns = {"".join(rng.choice(pool) for _ in range(rng.randint(1, 3))) for _ in range(300)}
    caseless = sorted(p for p in patterns if filters.caseless(p))
    assert len(caseless) > 50
    mem = duckdb.connect()
    mem.execute("CREATE TABLE t (s VARCHAR)")
    mem.executemany("INSERT INTO t VALUES (?)", [[t] for t in texts])
    for pattern in caseless:
        like = filters.like_pattern(pattern)
        ilike_rows = mem.execute(
            "SELECT s FROM t WHERE s ILIKE ? ESCAPE '\\' ORDER BY s", [like]
        ).fetchall()
        like_rows = mem.execute(
            "SELECT s FROM t WHERE s LIKE ? ESCAPE '\\' ORDER BY s", [like]
        ).fetchall()
        assert like_rows == ilike_rows, pattern

"""The 总览 summaries and filter options stored at ingest (db.overview, db.write) against
the claims.

The 总览 page and every page's filter widgets read tables that ingest fills after the
documents (``db.write.rebuild_derived``); when those are not current (a document written
and no rebuild since, or a rebuild by older code) the same reads count over the claims.
A user must not be able to tell which happened, and neither may be wrong: both are
checked against counts made here in Python from the raw rows, on the sample database and
on a generated one, and against each other frame by frame (values and dtypes). A document
written, uploaded or removed must never leave the stored counts showing the old data.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from db import documents, overview, write
from db.overview import Options
from tests.conftest import SPECIAL, STORED_TEST_DATABASES, build_sample_db, build_stored_test_db
from valuation import stored
from valuation.registry import CATEGORISED_METRICS, RANKABLE_STATUSES

ROOT = Path(__file__).resolve().parent.parent
XUCHANG = (ROOT / "corpus" / "002_2277d0c1715e577c.txt").read_bytes()


@pytest.fixture(scope="module", params=STORED_TEST_DATABASES)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("overview") / f"{request.param}.duckdb"
    return build_stored_test_db(request.param, path)


@pytest.fixture()
def ro(built: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(built), read_only=True)
    try:
        yield con
    finally:
        con.close()


@pytest.fixture()
def stale(built: Path, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A copy of the database whose stored tables are not current (as after a document
    write with no rebuild since): the reads count over the claims."""
    copy = tmp_path / "stale.duckdb"
    shutil.copy(built, copy)
    con = duckdb.connect(str(copy))
    con.execute("DELETE FROM rankings_state")
    try:
        yield con
    finally:
        con.close()


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def _key(code: Any, province: Any, region: Any) -> Any:
    """A place as the dashboard tells places apart: its code, else province/name."""
    return code or (f"{province}/{region}" if province and region else region)


def _expected(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """What the 总览 page and the filter widgets must show, counted in Python from the raw
    rows of documents, articles and claims."""
    docs = _rows(con, "SELECT doc_id, ingested_at FROM documents")
    articles = _rows(
        con,
        "SELECT article_id, doc_id, region_code, province, region, year, region_status,"
        " region_basis, region_confidence, year_source FROM articles",
    )
    claims = _rows(con, "SELECT doc_id, article_id, metric, category, province, year FROM claims")
    years = {a[5] for a in articles if a[5] is not None}
    totals = (
        len(docs),
        len(articles),
        len({_key(a[2], a[3], a[4]) for a in articles if a[4] is not None}),
        len({a[3] for a in articles if a[3] is not None}),
        min(years, default=None),
        max(years, default=None),
        len(years),
        len(claims),
        min((d[1] for d in docs), default=None),
        max((d[1] for d in docs), default=None),
    )
    per_doc_articles = Counter(a[1] for a in articles)
    per_doc_claims = Counter(c[0] for c in claims)
    per_article = Counter(c[1] for c in claims)
    unplaced = {a[0] for a in articles if a[6] != "resolved"}
    decided = Counter(("region", a[7], a[8]) for a in articles if a[6] == "resolved")
    decided.update(("year", a[9] or "none", None) for a in articles)
    return {
        "totals": totals,
        "documents": {d[0]: (per_doc_articles[d[0]], per_doc_claims[d[0]]) for d in docs},
        "unplaced": {a: per_article[a] for a in unplaced},
        "decided": dict(decided),
        "options": Options(
            provinces=tuple(sorted({c[4] for c in claims if c[4] is not None})),
            years=tuple(sorted({c[5] for c in claims if c[5] is not None})),
            metrics=tuple(sorted({c[2] for c in claims})),
            categories=tuple(
                sorted({c[3] for c in claims if c[2] in CATEGORISED_METRICS and c[3] is not None})
            ),
        ),
    }


def _value(cell: Any) -> Any:
    """A cell with a missing one (None, NaN, NA) as None."""
    return None if cell is None or pd.isna(cell) else cell


def _shown(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """What the reads give, in the shape of :func:`_expected`."""
    docs = overview.documents(con)
    unplaced = overview.unplaced_articles(con)
    decided = overview.how_decided(con)
    return {
        "totals": tuple(vars(overview.totals(con)).values()),
        "documents": {int(r.doc_id): (int(r.articles), int(r.claims)) for r in docs.itertuples()},
        "unplaced": {int(r.article_id): int(r.claims) for r in unplaced.itertuples()},
        "decided": {
            (r.kind, _value(r.basis), _value(r.confidence)): int(r.articles)
            for r in decided.itertuples()
        },
        "options": overview.options(con, CATEGORISED_METRICS),
    }


def test_the_stored_overview_is_read_and_equals_the_raw_rows(
    ro: duckdb.DuckDBPyConnection,
) -> None:
    assert overview.summaries_current(ro)
    expected = _expected(ro)
    assert _shown(ro) == expected
    assert expected["unplaced"] and expected["options"].categories  # not a vacuous check
    # The reads did come from the stored tables: these hold exactly what was shown.
    assert _rows(ro, "SELECT count(*) FROM document_counts")[0][0] == len(expected["documents"])
    assert _rows(ro, "SELECT sum(claims) FROM claim_facets")[0][0] == expected["totals"][7]


def test_the_overview_from_the_claims_equals_the_raw_rows(
    stale: duckdb.DuckDBPyConnection,
) -> None:
    assert not overview.summaries_current(stale)
    assert _shown(stale) == _expected(stale)


def test_stored_and_counted_give_the_page_the_same_frames(
    ro: duckdb.DuckDBPyConnection, stale: duckdb.DuckDBPyConnection
) -> None:
    """Same values, same dtypes, same order: a page cannot tell which it was given."""
    for read in (
        overview.documents,
        overview.unplaced_articles,
        overview.how_decided,
        overview.claims_per_metric,
    ):
        pd.testing.assert_frame_equal(read(ro), read(stale), check_exact=True)
    kept, counted = overview.totals(ro), overview.totals(stale)
    assert kept == counted
    assert [type(v) for v in vars(kept).values()] == [type(v) for v in vars(counted).values()]
    assert overview.options(ro, CATEGORISED_METRICS) == overview.options(stale, CATEGORISED_METRICS)


def test_the_stored_places_are_read_and_equal_the_counted_ones(
    ro: duckdb.DuckDBPyConnection, stale: duckdb.DuckDBPyConnection
) -> None:
    """Every page's region picker: stored at ingest, the same frame as counting the
    claims, and read from the table (which holds exactly the places shown)."""
    kept = overview.regions_with_claims(ro, RANKABLE_STATUSES)
    counted = overview.regions_with_claims(stale, RANKABLE_STATUSES)
    pd.testing.assert_frame_equal(kept, counted, check_exact=True)
    total = int(kept["claims"].to_numpy().sum())
    assert len(kept) > 1 and total > 0
    assert _rows(ro, "SELECT count(*), sum(claims) FROM region_claims")[0] == (len(kept), total)
    # Other statuses are not what was stored: they are counted from the claims.
    assert overview.regions_with_claims(ro, []).empty


def test_a_database_rebuilt_by_older_code_is_counted_from_the_claims(
    stale: duckdb.DuckDBPyConnection,
) -> None:
    """A rebuild by the code before these tables existed left a current-looking state with
    an older rule version: the summaries are not trusted, the claims are counted."""
    stale.execute("INSERT INTO rankings_state VALUES (?, now())", [stored.RULE_VERSION - 1])
    stale.execute("DELETE FROM claim_facets")  # what such a database holds of them
    assert not overview.summaries_current(stale)
    assert overview.options(stale, CATEGORISED_METRICS).metrics


def test_a_document_write_leaves_no_stale_count(tmp_path: Path) -> None:
    """Ingest's own write (etl.loading → db.write) marks the summaries stale in the
    document's transaction: before the rebuild the page counts the new document too."""
    from etl.gazetteer import Gazetteer
    from etl.loading import IdCounter, write_document
    from etl.pipeline import process
    from etl.reading import read_document

    path = build_sample_db(tmp_path / "write.duckdb")
    new = tmp_path / "901_再次报送.txt"
    new.write_text(SPECIAL, encoding="utf-8")
    result = process(read_document(new), Gazetteer.load())
    with duckdb.connect(str(path)) as con:
        before = overview.totals(con)
        write_document(con, result, new, IdCounter(con), replace=False)
        assert not overview.summaries_current(con)
        counted = _shown(con)
        assert counted == _expected(con)
        assert counted["totals"][0] == before.documents + 1
        assert counted["totals"][7] == before.claims + len(result.claims)
        write.rebuild_derived(con)
        assert overview.summaries_current(con)
        assert _shown(con) == counted


def test_an_upload_and_a_removal_leave_the_stored_counts_current(tmp_path: Path) -> None:
    """The 导入 page's writes (etl.uploads, db.documents) rebuild the summaries with the
    rankings: after each, the stored counts are current and hold the documents there."""
    from etl.uploads import Upload, ingest_uploads

    path = build_sample_db(tmp_path / "upload.duckdb")
    ingest_uploads([Upload("许昌.txt", XUCHANG)], path)
    with duckdb.connect(str(path), read_only=True) as con:
        assert overview.summaries_current(con)
        shown = _shown(con)
        assert shown == _expected(con)
        uploaded = int(_rows(con, "SELECT doc_id FROM documents WHERE source = '许昌.txt'")[0][0])
        n_documents = shown["totals"][0]
    assert uploaded in shown["documents"]
    assert documents.remove_document(path, uploaded) is not None
    with duckdb.connect(str(path), read_only=True) as con:
        assert overview.summaries_current(con)
        shown = _shown(con)
        assert shown == _expected(con)
    assert uploaded not in shown["documents"]
    assert shown["totals"][0] == n_documents - 1

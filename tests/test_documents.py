"""Removing a document (``db.documents``): its rows go, the rankings follow, nothing else
is touched.

The database after removing 洛阳's upload must rank exactly as one that never held it, and
a table of the users' own (decisions about claims, which this project does not have yet but
a later one may add) must keep every row, even rows about the removed claims.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from db import documents
from db.connection import file_signature
from db.location import originals_dir
from etl.uploads import Upload, ingest_uploads

ROOT = Path(__file__).resolve().parent.parent
LUOYANG = (ROOT / "corpus" / "000_2a9cdd382f62b7c7.txt").read_bytes()
XUCHANG = (ROOT / "corpus" / "002_2277d0c1715e577c.txt").read_bytes()
VALUES = (
    "SELECT metric, category, year, region_key, value, n_claims FROM region_values ORDER BY ALL"
)


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "two" / "db.duckdb"
    path.parent.mkdir()
    ingest_uploads([Upload("洛阳.txt", LUOYANG), Upload("许昌.txt", XUCHANG)], path)
    return path


def _doc_id(db: Path, source: str) -> int:
    return int(_rows(db, f"SELECT doc_id FROM documents WHERE source = '{source}'")[0][0])


def test_removal_takes_the_documents_rows_and_ranks_as_if_never_loaded(
    db: Path, tmp_path: Path
) -> None:
    only = tmp_path / "one" / "db.duckdb"
    only.parent.mkdir()
    ingest_uploads([Upload("许昌.txt", XUCHANG)], only)
    luoyang = _doc_id(db, "洛阳.txt")
    claims = _rows(db, f"SELECT count(*) FROM claims WHERE doc_id = {luoyang}")[0][0]
    kept = _rows(db, "SELECT * FROM claims WHERE source = '许昌.txt' ORDER BY claim_id")

    removed = documents.remove_document(db, luoyang)

    assert removed == documents.Removed("洛阳.txt", 1, claims)
    for table in ("documents", "articles", "claims"):
        assert _rows(db, f"SELECT count(*) FROM {table} WHERE doc_id = {luoyang}") == [(0,)]
    assert _rows(db, "SELECT * FROM claims ORDER BY claim_id") == kept
    assert _rows(db, VALUES) == _rows(only, VALUES)
    assert _rows(db, "SELECT count(*) FROM rankings_state") == [(1,)]
    regions = {r[0] for r in _rows(db, "SELECT region FROM region_values")}
    assert "洛阳市" not in regions and "许昌市" in regions
    names = {r[0] for r in _rows(db, "SELECT original FROM documents")}
    assert {p.name for p in originals_dir(db).iterdir()} == names


def test_removal_never_touches_a_table_of_the_users_own(db: Path) -> None:
    luoyang = _doc_id(db, "洛阳.txt")
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE decisions (claim_id INTEGER, doc_id INTEGER, note VARCHAR)")
        con.execute(
            "INSERT INTO decisions SELECT claim_id, doc_id, '已核对' FROM claims ORDER BY claim_id"
        )
    decisions = _rows(db, "SELECT * FROM decisions ORDER BY ALL")
    assert any(row[1] == luoyang for row in decisions)
    documents.remove_document(db, luoyang)
    assert _rows(db, "SELECT * FROM decisions ORDER BY ALL") == decisions


def test_removing_a_document_no_longer_there_changes_nothing(db: Path) -> None:
    before = _rows(db, "SELECT * FROM claims ORDER BY ALL")
    assert documents.remove_document(db, 9999) is None
    assert _rows(db, "SELECT * FROM claims ORDER BY ALL") == before


def test_an_original_two_documents_name_stays_until_both_are_gone(db: Path) -> None:
    ingest_uploads([Upload("洛阳副本.txt", LUOYANG)], db)
    shared = _rows(db, "SELECT original FROM documents WHERE source = '洛阳.txt'")[0][0]
    documents.remove_document(db, _doc_id(db, "洛阳.txt"))
    assert (originals_dir(db) / shared).read_bytes() == LUOYANG
    signature = file_signature(db)
    documents.remove_document(db, _doc_id(db, "洛阳副本.txt"))
    assert file_signature(db) != signature
    assert not (originals_dir(db) / shared).exists()

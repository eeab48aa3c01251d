"""Loading into DuckDB: idempotent, one transaction per document, bad files refused alone."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import duckdb
import pytest

from db.errors import DatabaseError
from etl.ingest import run_ingest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SAMPLE = "000_2a9cdd382f62b7c7.txt"
TABLES = ("documents", "articles", "claims")


def _ingest(paths: list[Path], db: Path) -> tuple[int, str]:
    err = io.StringIO()
    status = run_ingest(paths, db, err, progress=False)
    return status, err.getvalue()


def _snapshot(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


def _count(db: Path, sql: str, params: list | None = None) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(sql, params or []).fetchone()
        return int(row[0]) if row else 0


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


def test_ingest_twice_leaves_identical_tables(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    assert _ingest([corpus], db)[0] == 0
    first = _snapshot(db)
    status, message = _ingest([corpus], db)
    assert status == 0
    assert "5 unchanged" in message
    assert _snapshot(db) == first
    assert len(first["documents"]) == 5
    assert _count(db, "SELECT count(*) FROM regions") > 3000


def test_changed_file_replaces_only_its_rows(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    _ingest([corpus], db)
    before = _snapshot(db)
    target = corpus / SAMPLE
    target.write_text(target.read_text("utf-8").replace("1080万元", "1090万元"), encoding="utf-8")
    assert _ingest([corpus], db)[0] == 0
    after = _snapshot(db)
    others = [r for r in after["claims"] if r[3] != SAMPLE]
    assert others == [r for r in before["claims"] if r[3] != SAMPLE]
    values = {r[13] for r in after["claims"] if r[3] == SAMPLE and r[11] == "funds"}
    assert 10_900_000 in values and 10_800_000 not in values


PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
POEM = "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        pytest.param("empty.txt", b"", "empty", id="empty"),
        pytest.param("image.txt", PNG_HEADER * 20, "damaged image", id="binary"),
        pytest.param("noise.txt", bytes(range(128, 256)) * 8, "decode", id="undecodable"),
        pytest.param("novel.txt", POEM.encode(), "not a", id="not-a-report"),
    ],
)
def test_bad_file_is_named_and_others_still_load(
    corpus: Path, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    db = tmp_path / "db.duckdb"
    _ingest([corpus / SAMPLE], db)
    loaded = _snapshot(db)
    (corpus / name).write_bytes(content)
    status, message = _ingest([corpus], db)
    assert status == 1
    lines = [line for line in message.splitlines() if name in line]
    assert len(lines) == 1 and reason in lines[0].lower()
    after = _snapshot(db)
    assert set(loaded["claims"]) <= set(after["claims"])  # nothing already loaded is lost
    assert _count(db, "SELECT count(*) FROM documents") == 5


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8-sig"])
def test_other_encodings_load_the_same_claims(tmp_path: Path, encoding: str) -> None:
    text = (CORPUS / SAMPLE).read_text("utf-8")
    utf8_db, other_db = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    (tmp_path / "u").mkdir()
    (tmp_path / "o").mkdir()
    (tmp_path / "u" / SAMPLE).write_text(text, encoding="utf-8")
    (tmp_path / "o" / SAMPLE).write_text(text, encoding=encoding)
    assert _ingest([tmp_path / "u"], utf8_db)[0] == 0
    assert _ingest([tmp_path / "o"], other_db)[0] == 0
    sql = "SELECT metric, value, quote FROM claims ORDER BY ALL"
    with duckdb.connect(str(utf8_db)) as a, duckdb.connect(str(other_db)) as b:
        assert a.execute(sql).fetchall() == b.execute(sql).fetchall()
        assert a.execute(sql).fetchall()


def test_unreadable_database_path_fails_clearly(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-db.duckdb"
    bogus.write_text("this is not a database")
    with pytest.raises(DatabaseError, match=r"not-a-db\.duckdb: not a usable DuckDB database"):
        _ingest([CORPUS / SAMPLE], bogus)
    assert bogus.read_text() == "this is not a database"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-db.duckdb"]  # no debris left


def test_no_row_is_left_without_its_parent(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    _ingest([corpus], db)
    (corpus / SAMPLE).write_text("洛阳市双拥工作综述\n投入资金1亿元。\n", encoding="utf-8")
    _ingest([corpus], db)
    orphans = """
        SELECT count(*) FROM claims c
        LEFT JOIN articles a USING (article_id)
        LEFT JOIN documents d ON d.doc_id = c.doc_id
        WHERE a.article_id IS NULL OR d.doc_id IS NULL OR a.doc_id <> c.doc_id
    """
    assert _count(db, orphans) == 0
    assert _count(db, "SELECT count(*) FROM articles WHERE doc_id NOT IN "
                      "(SELECT doc_id FROM documents)") == 0  # fmt: skip


def test_ingest_writes_where_the_dashboard_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --db, ingest writes $SHUANGYONG_DB: the file the dashboard opens."""
    from db.location import db_path
    from etl.__main__ import main

    target = tmp_path / "shared.duckdb"
    monkeypatch.setenv("SHUANGYONG_DB", str(target))
    assert main(["ingest", "--no-progress", str(CORPUS / SAMPLE)]) == 0
    assert db_path() == target and target.exists()
    assert _count(target, "SELECT count(*) FROM documents") == 1

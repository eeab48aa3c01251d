"""The Parquet dataset the per-document task writes (issue 11, item 5): partitioned by
province and year beside the database, and read back by DuckDB it equals the ``claims``
table row for row (keyed by the document's path instead of the database's ids).
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from urllib.parse import unquote

import duckdb
import pytest
from conftest import SPECIAL, SPECIAL_NAME

from db.documents import remove_document
from db.parquet import (
    claim_schema,
    claims_folder,
    claims_with_paths_sql,
    dataset_root,
    read_claims_sql,
)
from db.parquet import document_stem as stem_of_key
from etl.ingest import extract_one, run_ingest
from etl.loading import document_key
from etl.parquet_out import write_document
from etl.uploads import Upload, ingest_uploads


def document_stem(path: Path) -> str:
    return stem_of_key(document_key(path))


ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
NO_PARTITION = "__HIVE_DEFAULT_PARTITION__"
ONE = CORPUS / "000_2a9cdd382f62b7c7.txt"


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    for path in CORPUS.glob("*.txt"):
        shutil.copy(path, folder)
    # Articles with no province (a blanked X市, an ambiguous 城关区): the null partition.
    (folder / SPECIAL_NAME).write_text(SPECIAL, encoding="utf-8")
    return folder


def _both(db: Path) -> tuple[list[tuple], list[tuple]]:
    """(the dataset's rows, the claims table's rows), each sorted."""
    with duckdb.connect(str(db), read_only=True) as con:
        dataset = con.execute(read_claims_sql(dataset_root(db)) + " ORDER BY ALL").fetchall()
        table = con.execute(claims_with_paths_sql() + " ORDER BY ALL").fetchall()
    return dataset, table


def _partitions(db: Path) -> set[tuple[str | None, int | None]]:
    """(province, year) of every folder holding files, read from the folder names."""
    found = set()
    for file in claims_folder(dataset_root(db)).glob("*/*/*.parquet"):
        province, year = (unquote(part.split("=", 1)[1]) for part in file.parent.parts[-2:])
        found.add(
            (
                None if province == NO_PARTITION else province,
                None if year == NO_PARTITION else int(year),
            )
        )
    return found


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Path, Path]:
    folder = _corpus(tmp_path / "reports")
    db = tmp_path / "db.duckdb"
    err = io.StringIO()
    assert run_ingest([folder], db, err, progress=False) == 0, err.getvalue()
    return folder, db


def test_duckdb_reads_the_dataset_as_the_claims_table(loaded: tuple[Path, Path]) -> None:
    _, db = loaded
    dataset, table = _both(db)
    assert len(table) > 100
    assert dataset == table
    with duckdb.connect(str(db), read_only=True) as con:
        stored = set(con.execute("SELECT DISTINCT province, year FROM claims").fetchall())
    assert (None, 2024) in stored  # the null partition is exercised
    assert _partitions(db) == stored


def _files(db: Path) -> dict[Path, int]:
    return {p: p.stat().st_ino for p in claims_folder(dataset_root(db)).rglob("*.parquet")}


def test_a_changed_document_replaces_only_its_own_files(loaded: tuple[Path, Path]) -> None:
    folder, db = loaded
    changed = folder / SPECIAL_NAME
    own = document_stem(changed)
    before = _files(db)
    # The 鹤壁市 article's 300万元 becomes 800万元, and a person count is added.
    text = (
        SPECIAL.replace("专项资金300万元", "专项资金800万元")
        + "2024年走访慰问困难退役军人120人。\n"
    )
    changed.write_text(text, encoding="utf-8")
    err = io.StringIO()
    assert run_ingest([folder], db, err, progress=False) == 0, err.getvalue()
    assert "1 loaded, 5 unchanged" in err.getvalue()
    dataset, table = _both(db)
    assert dataset == table
    names = claim_schema().names
    path, metric, value = (names.index(n) for n in ("path", "metric", "value"))
    funds = {
        r[value] for r in dataset if r[path] == str(changed.resolve()) and r[metric] == "funds"
    }
    assert funds == {1_000_000, 5_000_000, 8_000_000}
    after = _files(db)
    # Every other document's files are the very same files (same inode, never rewritten);
    # the changed one's are all new.
    assert {p: i for p, i in after.items() if not p.name.startswith(own)} == {
        p: i for p, i in before.items() if not p.name.startswith(own)
    }
    assert all(before.get(p) != i for p, i in after.items() if p.name.startswith(own))
    assert not list(dataset_root(db).rglob("*.tmp"))


def test_no_dataset_when_asked_for_none(tmp_path: Path) -> None:
    from etl.__main__ import main

    db = tmp_path / "db.duckdb"
    assert main(["ingest", "--no-progress", "--no-parquet", "--db", str(db), str(ONE)]) == 0
    assert db.exists()
    assert not dataset_root(db).exists()


def _doc_id(db: Path, path: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(
            "SELECT doc_id FROM documents WHERE path = ?", [document_key(path)]
        ).fetchone()
    assert row is not None
    return int(row[0])


def _paths(db: Path) -> set[str]:
    rows, _ = _both(db)
    where = claim_schema().names.index("path")
    return {r[where] for r in rows}


def test_a_removed_document_leaves_the_dataset(loaded: tuple[Path, Path]) -> None:
    folder, db = loaded
    gone = folder / SPECIAL_NAME
    assert str(gone.resolve()) in _paths(db)
    assert remove_document(db, _doc_id(db, gone)) is not None
    dataset, table = _both(db)
    assert dataset == table
    assert str(gone.resolve()) not in _paths(db)
    assert not [p for p in _files(db) if p.name.startswith(document_stem(gone))]


def test_an_upload_is_written_to_the_dataset_from_the_database(
    loaded: tuple[Path, Path],
) -> None:
    _, db = loaded
    text = SPECIAL.replace("专项资金300万元", "专项资金700万元")
    [outcome] = ingest_uploads([Upload("上传的汇编.txt", text.encode("utf-8"))], db)
    assert outcome.status == "loaded", outcome
    dataset, table = _both(db)
    assert dataset == table
    assert "upload:上传的汇编.txt" in _paths(db)
    # Uploaded again with other content: its files follow the database's rows.
    again = text.replace("专项资金700万元", "专项资金900万元")
    ingest_uploads([Upload("上传的汇编.txt", again.encode("utf-8"))], db)
    dataset, table = _both(db)
    assert dataset == table


def test_the_next_run_mends_a_dataset_ahead_of_or_behind_the_database(
    loaded: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, db = loaded
    root = dataset_root(db)
    # Ahead: files of a document the database never committed (a run killed between the
    # task's write and the database's), here a report outside the ingested folder.
    stray = tmp_path / "未入库.txt"
    stray.write_text(SPECIAL, encoding="utf-8")
    [extracted] = extract_one(stray)
    assert extracted.result is not None
    write_document(root, stray, extracted.result)
    # Behind: one loaded document's files lost.
    lost = folder / SPECIAL_NAME
    for file in _files(db):
        if file.name.startswith(document_stem(lost)):
            file.unlink()
    assert _both(db)[0] != _both(db)[1]
    err = io.StringIO()
    assert run_ingest([folder], db, err, progress=False) == 0, err.getvalue()
    assert "0 loaded, 6 unchanged" in err.getvalue()
    dataset, table = _both(db)
    assert dataset == table
    assert str(stray.resolve()) not in _paths(db)

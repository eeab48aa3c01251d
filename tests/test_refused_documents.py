"""A document the database refuses (issue 11, item 4): one line naming the file, the rest
of the run loads, and every document loaded before stays.

Each case spoils one row of ``bad.txt``'s extraction the way a database or Arrow refuses
it: an integer beyond its column's type, a NOT NULL column left empty, a string that is
not Unicode text, a document row out of range.
"""

from __future__ import annotations

import dataclasses
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from db.parquet import claims_with_paths_sql, dataset_root, read_claims_sql
from etl import ingest
from etl.models import DocumentResult

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
KEPT, GOOD, BAD = (
    CORPUS / "000_2a9cdd382f62b7c7.txt",
    CORPUS / "002_2277d0c1715e577c.txt",
    CORPUS / "004_73614617b5813b84.txt",
)


def _first_claim(**changes: object) -> Callable[[DocumentResult], None]:
    def spoil(result: DocumentResult) -> None:
        result.claims[0] = result.claims[0]._replace(**changes)  # type: ignore[arg-type]

    return spoil


def _document(**changes: object) -> Callable[[DocumentResult], None]:
    def spoil(result: DocumentResult) -> None:
        result.document = dataclasses.replace(result.document, **changes)  # type: ignore[arg-type]

    return spoil


CASES = [
    pytest.param(_first_claim(period_start=2**40), "ConversionException", id="beyond-INTEGER"),
    pytest.param(_first_claim(metric=None), "NOT NULL constraint", id="not-null"),
    pytest.param(_first_claim(quote="\ud800"), "UnicodeEncodeError", id="not-unicode"),
    pytest.param(_first_claim(line=2**70), "OverflowError", id="beyond-64-bits"),
    pytest.param(_document(n_chars=2**40), "out of range", id="document-row"),
]


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    kept, good, bad = (tmp_path / n for n in ("kept.txt", "good.txt", "bad.txt"))
    for original, copy in ((KEPT, kept), (GOOD, good), (BAD, bad)):
        shutil.copy(original, copy)
    return kept, good, bad


def _spoiling(monkeypatch: pytest.MonkeyPatch, spoil: Callable[[DocumentResult], None]) -> None:
    real_process = ingest.process

    def process(doc, gazetteer):  # type: ignore[no-untyped-def]
        result = real_process(doc, gazetteer)
        if doc.name == "bad.txt":
            spoil(result)
        return result

    monkeypatch.setattr(ingest, "process", process)


@pytest.mark.parametrize(("spoil", "reason"), CASES)
def test_a_refused_document_is_one_line_and_nothing_else_is_lost(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    spoil: Callable[[DocumentResult], None],
    reason: str,
) -> None:
    kept, good, bad = _files(tmp_path)
    db = tmp_path / "db.duckdb"
    assert ingest.run_ingest([kept], db, io.StringIO(), progress=False, parquet=False) == 0
    claims_sql = (
        "SELECT d.source, c.metric, c.value, c.quote FROM claims c "
        "JOIN documents d USING (doc_id) ORDER BY ALL"
    )
    kept_claims = _rows(db, claims_sql)
    _spoiling(monkeypatch, spoil)
    err = io.StringIO()
    # The database's own refusal: the Parquet dataset, which would refuse some rows first,
    # is left out here (see the next test).
    status = ingest.run_ingest([bad, good, kept], db, err, progress=False, parquet=False)
    message = err.getvalue()
    bad_lines = [line for line in message.splitlines() if "bad.txt" in line]
    assert status == 1, message
    assert len(bad_lines) == 1, message
    assert bad_lines[0].startswith(f"{bad}: the database refused") or bad_lines[0].startswith(
        f"{bad}: its rows cannot be stored"
    ), message
    assert reason in bad_lines[0], message
    assert "Traceback" not in message
    assert message.splitlines()[-1] == f"{db}: 1 loaded, 1 unchanged, 1 failed"
    assert _rows(db, "SELECT source FROM documents ORDER BY 1") == [("good.txt",), ("kept.txt",)]
    assert [r for r in _rows(db, claims_sql) if r[0] == "kept.txt"] == kept_claims
    # Nothing of the refused document was left half-written.
    orphans = _rows(
        db,
        "SELECT count(*) FROM claims WHERE doc_id NOT IN (SELECT doc_id FROM documents)"
        " UNION ALL SELECT count(*) FROM articles"
        " WHERE doc_id NOT IN (SELECT doc_id FROM documents)",
    )
    assert orphans == [(0,), (0,)]


@pytest.mark.parametrize("spoil", [pytest.param(case.values[0], id=case.id) for case in CASES])
def test_with_the_parquet_dataset_a_refused_document_is_in_neither(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spoil: Callable[[DocumentResult], None]
) -> None:
    """Some rows Arrow refuses when the task writes the dataset, others the database
    refuses after: either way one line, and the dataset equals the claims table."""
    kept, good, bad = _files(tmp_path)
    db = tmp_path / "db.duckdb"
    assert ingest.run_ingest([kept], db, io.StringIO(), progress=False) == 0
    _spoiling(monkeypatch, spoil)
    err = io.StringIO()
    assert ingest.run_ingest([bad, good, kept], db, err, progress=False) == 1
    message = err.getvalue()
    bad_lines = [line for line in message.splitlines() if "bad.txt" in line]
    assert len(bad_lines) == 1 and bad_lines[0].startswith(f"{bad}: "), message
    assert message.splitlines()[-1] == f"{db}: 1 loaded, 1 unchanged, 1 failed"
    with duckdb.connect(str(db), read_only=True) as con:
        dataset = con.execute(read_claims_sql(dataset_root(db)) + " ORDER BY ALL").fetchall()
        table = con.execute(claims_with_paths_sql() + " ORDER BY ALL").fetchall()
    assert dataset == table
    assert {Path(row[0]).name for row in dataset} == {"kept.txt", "good.txt"}

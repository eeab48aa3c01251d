"""Loading documents, articles and claims into DuckDB, idempotently and without losing data.

* An unchanged file (same sha256) is skipped; a changed file replaces its own rows and no
  others; each document is written in its own transaction, so a failure rolls back that
  document alone.
* The database is never written in place: ingest works on a copy and swaps it in with an
  atomic rename when done. A dashboard reading the old file keeps reading it (no lock error
  reaches a user), and a crash mid-ingest leaves the previous database untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from etl.gazetteer import Gazetteer
from etl.models import ArticleRecord, ClaimRecord, DocumentResult

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "db" / "schema.sql"
ID_COLUMNS = {"documents": "doc_id", "articles": "article_id", "claims": "claim_id"}
ARTICLE_COLUMNS = [
    "article_id", "doc_id", "source", "seq", "line", "title", "region", "region_code",
    "province", "prefecture", "tier", "region_status", "region_as_written",
    "region_candidates", "region_basis", "region_confidence", "region_evidence", "date",
    "year", "year_inferred", "year_source", "text",
]  # fmt: skip
CLAIM_COLUMNS = [
    "claim_id", "article_id", "doc_id", "source", "line", "claim_line", "region",
    "region_code", "province", "tier", "year", "metric", "category", "value", "unit",
    "approx", "rate", "is_part", "period_start", "period_end", "period_text", "value_text",
    "quote", "quote_start", "quote_end", "value_start", "value_end", "rule",
]  # fmt: skip


# Larger than any ingest here: the copy is checkpointed once, when ingest ends.
INGEST_CHECKPOINT_THRESHOLD = "4GB"


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> object:
    """The single value a query returns (None for no row); the result is fully consumed,
    which DuckDB requires before the connection runs anything else."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_PATH.read_text(encoding="utf-8"))


def load_regions(con: duckdb.DuckDBPyConnection, gazetteer: Gazetteer) -> None:
    """Fill ``regions`` from the gazetteer when it is empty (the table is reference data)."""
    if _scalar(con, "SELECT count(*) FROM regions"):
        return
    frame = pd.DataFrame(gazetteer.rows())
    con.register("region_rows", frame)
    con.execute(
        "INSERT INTO regions SELECT code, name, tier, province, prefecture, parent_code "
        "FROM region_rows"
    )
    con.unregister("region_rows")


def known_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """sha256 of every document already loaded, by file name."""
    return {
        str(s): str(h) for s, h in con.execute("SELECT source, sha256 FROM documents").fetchall()
    }


class IdCounter:
    """Next free ids of the three tables; ingest is the only writer, so they live in memory
    after one look at the database instead of a max() query per document."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        # table and column names are module constants, never user input
        self.next = {
            table: int(_scalar(con, f"SELECT coalesce(max({column}), 0) + 1 FROM {table}") or 1)  # type: ignore[call-overload]
            for table, column in ID_COLUMNS.items()
        }

    def take(self, table: str, count: int) -> int:
        first = self.next[table]
        self.next[table] = first + count
        return first


def _delete_document(con: duckdb.DuckDBPyConnection, source: str) -> None:
    for table in ("claims", "articles", "documents"):
        con.execute(f"DELETE FROM {table} WHERE source = ?", [source])


def _article_table(articles: list[ArticleRecord], doc_id: int, first_id: int) -> pa.Table:
    columns: dict[str, list[object]] = {name: [] for name in ARTICLE_COLUMNS}
    for i, a in enumerate(articles):
        values = (
            first_id + i, doc_id, a.source, a.seq, a.line, a.title, a.region, a.region_code,
            a.province, a.prefecture, a.tier, a.region_status, a.region_as_written,
            list(a.region_candidates) or None, a.region_basis, a.region_confidence,
            a.region_evidence, a.date, a.year, a.year_inferred, a.year_source, a.text,
        )  # fmt: skip
        for name, value in zip(ARTICLE_COLUMNS, values, strict=True):
            columns[name].append(value)
    return pa.table(columns)


def _claim_table(
    claims: list[ClaimRecord], doc_id: int, article_ids: dict[int, int], first_id: int
) -> pa.Table:
    columns: dict[str, list[object]] = {name: [] for name in CLAIM_COLUMNS}
    for i, c in enumerate(claims):
        values = (
            first_id + i, article_ids[c.article_seq], doc_id, c.source, c.line, c.claim_line,
            c.region, c.region_code, c.province, c.tier, c.year, c.metric, c.category,
            float(c.value), c.unit, c.approx, c.rate, c.is_part, c.period_start, c.period_end,
            c.period_text, c.value_text, c.quote, c.quote_start, c.quote_end, c.value_start,
            c.value_end, c.rule,
        )  # fmt: skip
        for name, value in zip(CLAIM_COLUMNS, values, strict=True):
            columns[name].append(value)
    return pa.table(columns)


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    if rows.num_rows == 0:
        return
    con.register("incoming", rows)
    columns = ", ".join(rows.column_names)
    con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming")
    con.unregister("incoming")


def write_document(
    con: duckdb.DuckDBPyConnection, result: DocumentResult, path: Path, ids: IdCounter,
    replace: bool,
) -> None:  # fmt: skip
    """Write one document's rows in one transaction, replacing its old rows if ``replace``."""
    doc, seg = result.document, result.segmentation
    con.execute("BEGIN TRANSACTION")
    try:
        # The stored rankings no longer match the claims (etl/rankings.py rebuilds them).
        con.execute("DELETE FROM rankings_state")
        if replace:
            _delete_document(con, doc.name)
        doc_id = ids.take("documents", 1)
        con.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                doc_id, doc.name, str(path), doc.sha256, doc.encoding, doc.traditional,
                doc.n_chars, len(seg.toc_entries), list(seg.missing_from_body),
                seg.truncated, seg.document_year, datetime.now(),
            ],
        )  # fmt: skip
        first_article = ids.take("articles", len(result.articles))
        article_ids = {a.seq: first_article + i for i, a in enumerate(result.articles)}
        _insert(con, "articles", _article_table(result.articles, doc_id, first_article))
        first_claim = ids.take("claims", len(result.claims))
        _insert(con, "claims", _claim_table(result.claims, doc_id, article_ids, first_claim))
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


class DatabaseError(RuntimeError):
    """The database file cannot be used; the message names it and says why."""


@contextmanager
def database_copy(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable copy of the database, swapped in atomically when the block ends.

    Documents are committed one by one inside the copy, so even when the block stops on an
    error the copy holds everything committed before it, and is swapped in. The original
    file is only ever replaced whole, by a rename: readers never see a half-written file.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=db_path.name + ".", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    wal = Path(f"{tmp}.wal")
    if db_path.exists():
        shutil.copy2(db_path, tmp)
    try:
        con = duckdb.connect(str(tmp))
        create_schema(con)
        # Checkpoint once at the end rather than every 16 MB of WAL while loading.
        con.execute(f"SET checkpoint_threshold = '{INGEST_CHECKPOINT_THRESHOLD}'")
    except duckdb.Error as exc:
        tmp.unlink(missing_ok=True)
        wal.unlink(missing_ok=True)
        raise DatabaseError(f"{db_path}: not a usable DuckDB database: {exc}") from exc
    try:
        yield con
        con.execute("CHECKPOINT")
    finally:
        con.close()
        os.replace(tmp, db_path)
        wal.unlink(missing_ok=True)

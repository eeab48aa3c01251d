"""A document's rows as a whole: the list the 导入 page shows, and removing one.

Removing is a write like ingest's (``db.write``): under the ingest lock, on a copy of
the database swapped in by rename, so users reading the dashboard meanwhile keep their
view and a second writer waits. Only a document's own rows are deleted
(:data:`DOCUMENT_TABLES`); the derived tables are rebuilt from what remains, and no other
table is touched, so decisions users store in tables of their own are never lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from db import originals, parquet, sql, write
from db.connection import connect_readonly
from db.sql import Con

# The rows a document owns, children first. Nothing else is ever deleted here.
DOCUMENT_TABLES = ("claims", "articles", "documents")

# What became of an uploaded file (``etl.uploads``), codes shared by the ETL that decides
# them and the page that words them (``dashboard_lib.labels``), which cannot import each
# other; and the stages of one file's progress, with the fraction of its bar each ends at.
LOADED, UNCHANGED, REPLACED, REFUSED = "loaded", "unchanged", "replaced", "refused"
WRITTEN = (LOADED, REPLACED)
STAGES = {"checked": 0.1, "extracted": 0.8, "written": 1.0}


@dataclass(frozen=True)
class Removed:
    """What a removal took out: the document's file name and its rows."""

    source: str
    articles: int
    claims: int


def document_list(con: Con) -> pd.DataFrame:
    """doc_id, source, path, original, ingested_at, articles, claims: one row per document,
    newest first (the 导入 page's list)."""
    return sql.df(
        con,
        """
        SELECT d.doc_id, d.source, d.path, d.original, d.ingested_at,
               (SELECT count(*) FROM articles a WHERE a.doc_id = d.doc_id) AS articles,
               (SELECT count(*) FROM claims c WHERE c.doc_id = d.doc_id) AS claims
        FROM documents d ORDER BY d.ingested_at DESC, d.doc_id DESC
        """,
    )


def kept_originals(con: Con) -> set[str]:
    """The originals some document still names."""
    rows = con.execute("SELECT DISTINCT original FROM documents WHERE original IS NOT NULL")
    return {str(r[0]) for r in rows.fetchall()}


def stored_documents(db: Path) -> dict[str, tuple[int, str]]:
    """(doc_id, sha256) of every document of ``db`` by its stored path ({} when there is
    no database yet), read without copying the file."""
    if not db.exists():
        return {}
    con = connect_readonly(db)
    try:
        return write.known_documents(con)
    finally:
        con.close()


def _rows(con: Con, doc_id: int) -> Removed | None:
    row = con.execute(
        """
        SELECT d.source,
               (SELECT count(*) FROM articles a WHERE a.doc_id = d.doc_id),
               (SELECT count(*) FROM claims c WHERE c.doc_id = d.doc_id)
        FROM documents d WHERE d.doc_id = ?
        """,
        [doc_id],
    ).fetchone()
    return None if row is None else Removed(str(row[0]), int(row[1]), int(row[2]))


def follow_dataset(con: Con, db: Path) -> None:
    """Bring the database's Parquet dataset, where one was made, in line with ``con``
    (``db.parquet.follow``): a removal or an upload does not leave it behind."""
    root = parquet.dataset_root(db)
    if root.is_dir():
        parquet.follow(con, root)


def remove_document(
    db: Path, doc_id: int, *, on_wait: Callable[[], None] | None = None
) -> Removed | None:
    """Delete document ``doc_id`` with its articles and claims, rebuild the stored
    rankings, and drop its kept original if no other document names it.

    None when there is no such document (another user removed it first): its rows are
    then left as they were.
    """
    with write.ingest_lock(db, on_wait=on_wait):
        with write.copy_under_lock(db) as probe:
            removed = _rows(probe, doc_id)
            if removed is None:
                return None
            with write.transaction(probe):
                probe.execute("DELETE FROM rankings_state")
                for table in DOCUMENT_TABLES:
                    probe.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc_id])
            write.rebuild_derived(probe)
            follow_dataset(probe, db)
            keep = kept_originals(probe)
        originals.prune(db, keep)
    return removed

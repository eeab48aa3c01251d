"""The per-document task's second output: its claims as files of the Parquet dataset
``db/parquet.py`` lays out, written where the document was processed.

A document's files are named after its key (the file's absolute path), one per partition
it has claims in, so writing a document replaces its earlier files and never touches
another document's. Each file is written under a hidden partial name and renamed into
place, so a reader never meets (and a killed worker never leaves) a half-written file.

The task writes the dataset before the database commits the same document; the run ends
with ``db.parquet.follow``, which makes the dataset hold what the database holds (a
document the database refused or a removed one loses its files), so a run killed between
the two leaves the dataset ahead of the database only until the next write.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from db.errors import DocumentRefused
from db.parquet import DATABASE_IDS, DOCUMENT_KEY, claim_schema, remove_files, write_rows
from etl.loading import UNCONVERTIBLE, claim_table, document_key
from etl.models import DocumentResult
from etl.refusals import reason


def claim_rows(result: DocumentResult, path: Path) -> pa.Table:
    """The document's claims in the dataset's schema (the ``claims`` rows, ids left out)."""
    placeholder = dict.fromkeys((a.seq for a in result.articles), 0)
    table = claim_table(result.claims, 0, placeholder, 0).drop_columns(list(DATABASE_IDS))
    keys = pa.array([document_key(path)] * table.num_rows, pa.string())
    schema = claim_schema()
    return table.append_column(DOCUMENT_KEY, keys).select(schema.names).cast(schema)


def remove_document(root: Path, path: Path) -> None:
    """Delete the document's files from the dataset (a re-ingest writes them anew)."""
    remove_files(root, document_key(path))


def write_document(root: Path, path: Path, result: DocumentResult) -> None:
    """Replace the document's files in the dataset under ``root`` by its claims now
    (``db.parquet.write_rows``). Rows no column can hold raise :class:`DocumentRefused`, as
    the database would, and leave the dataset as it was."""
    try:
        rows = claim_rows(result, path)
    except UNCONVERTIBLE as exc:
        why = reason("rows_not_stored", detail=f"{type(exc).__name__}: {exc}")
        raise DocumentRefused(why.en, why.zh) from exc
    write_rows(root, document_key(path), rows, result.document.sha256)

"""The per-document task's second output: its claims as files of the Parquet dataset
``db/parquet.py`` lays out, written where the document was processed.

A document's files are named after its key (the file's absolute path), one per partition
it has claims in, so writing a document first removes its earlier files and never touches
another document's. Each file is written into a staging folder and renamed into place, so
a reader (or a killed worker) never leaves a half-written file in the dataset.

The dataset follows what was extracted: it is written by the task, before the database
commits the same document; a run killed between the two leaves the dataset ahead of the
database, and the next run, which finds that document not yet loaded, writes both again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds

from db.errors import DocumentRefused
from db.parquet import (
    DATABASE_IDS,
    DOCUMENT_KEY,
    FILE_SUFFIX,
    PARTITIONS,
    claim_schema,
    claims_folder,
)
from etl.loading import UNCONVERTIBLE, claim_table, document_key
from etl.models import DocumentResult

STAGING = ".staging"
STEM_HEX = 24  # characters of the key's SHA-1 that name a document's files


def document_stem(path: Path) -> str:
    """What a document's files are called, from its key."""
    return hashlib.sha1(document_key(path).encode("utf-8")).hexdigest()[:STEM_HEX]


def claim_rows(result: DocumentResult, path: Path) -> pa.Table:
    """The document's claims in the dataset's schema (the ``claims`` rows, ids left out)."""
    placeholder = dict.fromkeys((a.seq for a in result.articles), 0)
    table = claim_table(result.claims, 0, placeholder, 0).drop_columns(list(DATABASE_IDS))
    keys = pa.array([document_key(path)] * table.num_rows, pa.string())
    schema = claim_schema()
    return table.append_column(DOCUMENT_KEY, keys).select(schema.names).cast(schema)


def remove_document(root: Path, path: Path) -> None:
    """Delete the document's files from the dataset (a re-ingest writes them anew)."""
    pattern = f"{'/'.join('*' for _ in PARTITIONS)}/{document_stem(path)}-*{FILE_SUFFIX}"
    for old in claims_folder(root).glob(pattern):
        old.unlink(missing_ok=True)


def write_document(root: Path, path: Path, result: DocumentResult) -> None:
    """Replace the document's files in the dataset under ``root`` by its claims now.

    Rows no column can hold raise :class:`DocumentRefused`, as the database would, and
    leave the dataset as it was."""
    stem = document_stem(path)
    staging = root / STAGING / stem
    shutil.rmtree(staging, ignore_errors=True)
    try:
        rows = claim_rows(result, path)
    except UNCONVERTIBLE as exc:
        raise DocumentRefused(f"its rows cannot be stored ({type(exc).__name__}: {exc})") from exc
    if rows.num_rows:
        ds.write_dataset(
            rows,
            staging,
            format="parquet",
            partitioning=ds.partitioning(
                pa.schema([rows.schema.field(name) for name in PARTITIONS]), flavor="hive"
            ),
            basename_template=f"{stem}-{{i}}{FILE_SUFFIX}",
        )
    remove_document(root, path)
    for written in sorted(staging.rglob(f"*{FILE_SUFFIX}")):
        target = claims_folder(root) / written.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(written, target)
    shutil.rmtree(staging, ignore_errors=True)


def clear_staging(root: Path) -> None:
    """Remove what killed tasks left in the staging folder (called under the ingest lock)."""
    shutil.rmtree(root / STAGING, ignore_errors=True)

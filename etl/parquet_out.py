"""The per-document task's second output: its claims as files of the Parquet dataset
``db/parquet.py`` lays out, written where the document was processed.

A document's files are named after its key (the file's absolute path), one per partition
it has claims in, so writing a document replaces its earlier files and never touches
another document's. Each file is written under a hidden partial name and renamed into
place, so a reader never meets (and a killed worker never leaves) a half-written file.

The dataset follows what was extracted: it is written by the task, before the database
commits the same document; a run killed between the two leaves the dataset ahead of the
database, and the next run, which finds that document not yet loaded, writes both again.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import quote

import pyarrow as pa
import pyarrow.parquet as pq

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

NO_VALUE = "__HIVE_DEFAULT_PARTITION__"  # Hive's folder name for a missing value
PARTIAL = ".tmp"  # a file being written: ``.<name>.tmp``, renamed into place when whole
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


def partition_folder(values: tuple[object, ...]) -> str:
    """``province=<percent-encoded>/year=<year>`` for one partition's values."""
    return "/".join(
        f"{name}={NO_VALUE if value is None else quote(str(value), safe='')}"
        for name, value in zip(PARTITIONS, values, strict=True)
    )


def _own_files(root: Path, path: Path) -> list[Path]:
    pattern = f"{'/'.join('*' for _ in PARTITIONS)}/{document_stem(path)}{FILE_SUFFIX}"
    return list(claims_folder(root).glob(pattern))


def remove_document(root: Path, path: Path) -> None:
    """Delete the document's files from the dataset (a re-ingest writes them anew)."""
    for old in _own_files(root, path):
        old.unlink(missing_ok=True)


def write_document(root: Path, path: Path, result: DocumentResult) -> None:
    """Replace the document's files in the dataset under ``root`` by its claims now: one
    file per (province, year) it has claims of, each written beside its place under a
    hidden partial name and renamed into place (no folder is made and removed per
    document: on this machine's file system that cost more than writing the files).

    Rows no column can hold raise :class:`DocumentRefused`, as the database would, and
    leave the dataset as it was."""
    try:
        rows = claim_rows(result, path)
    except UNCONVERTIBLE as exc:
        raise DocumentRefused(f"its rows cannot be stored ({type(exc).__name__}: {exc})") from exc
    groups: dict[tuple[object, ...], list[int]] = {}
    keys = zip(*(rows.column(name).to_pylist() for name in PARTITIONS), strict=True)
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    data = rows.drop_columns(list(PARTITIONS))
    name = f"{document_stem(path)}{FILE_SUFFIX}"
    written = []
    for key, indices in groups.items():
        folder = claims_folder(root) / partition_folder(key)
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{name}{PARTIAL}"
        pq.write_table(data.take(indices), partial)
        written.append((partial, folder / name))
    places = {final for _, final in written}
    for old in _own_files(root, path):
        if old not in places:
            old.unlink(missing_ok=True)
    for partial, final in written:
        os.replace(partial, final)


def clear_partial(root: Path) -> None:
    """Remove the partial files killed tasks left (called under the ingest lock)."""
    for partial in claims_folder(root).glob(f"*/*/.*{PARTIAL}"):
        partial.unlink(missing_ok=True)

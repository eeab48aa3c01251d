"""The claims as a Parquet dataset beside the database, partitioned by province and year.

Where it lives, what its rows are and how DuckDB reads it back, in one place; the ETL's
per-document task writes it (``etl/parquet_out.py``). The dataset is what a cluster can
produce without going through one process (``--engine ray``: each task writes its own
document's files) and what tools other than this dashboard can read; the DuckDB file stays
the store the dashboard reads.

Layout: ``<db stem>.parquet/claims/province=<省>/year=<年>/<document>.parquet`` (Hive
partitions; the province is percent-encoded in the folder name, as Hive does, and a
missing province or year is ``__HIVE_DEFAULT_PARTITION__``: DuckDB reads both back).
A row is a claim as the ``claims`` table stores it, keyed by its document's ``path``
instead of the database's ids, which only the database hands out. A document's files are
named after its key and carry the SHA-256 of the content they were extracted from, so
:func:`follow` can tell, from the files' footers alone, which documents the dataset holds
as the database does.

Every write of the database (ingest, an upload, a removal) ends with :func:`follow`, in
the copy it is about to swap in: documents the database no longer holds lose their files,
and documents the dataset lacks or holds at another content (uploads, which write no files
of their own; a run killed between the two writes) are written from the database. So the
dataset never keeps a removed document, and a write the database did not keep is undone
by the next write.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection
from functools import cache
from pathlib import Path
from urllib.parse import quote

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from db.sql import Con
from db.write import SCHEMA_PATH

PARTITIONS = ("province", "year")
# The database's own ids: not in the dataset (``path`` says which document a row is of).
DATABASE_IDS = ("claim_id", "article_id", "doc_id")
DOCUMENT_KEY = "path"
CLAIMS_FOLDER = "claims"
FILE_SUFFIX = ".parquet"
NO_VALUE = "__HIVE_DEFAULT_PARTITION__"  # Hive's folder name for a missing value
PARTIAL = ".tmp"  # a file being written: ``.<name>.tmp``, renamed into place when whole
STEM_HEX = 24  # characters of the key's SHA-1 that name a document's files
CONTENT_KEY = b"shuangyong.sha256"  # the file footer's record of the content it came from


def dataset_root(db_path: Path) -> Path:
    """The dataset's folder beside the database: ``data/shuangyong.parquet`` for
    ``data/shuangyong.duckdb`` (each database its own, so two never mix)."""
    return db_path.with_name(db_path.stem + ".parquet")


def claims_folder(root: Path) -> Path:
    return root / CLAIMS_FOLDER


@cache
def claim_schema() -> pa.Schema:
    """The dataset's Arrow schema: ``path``, then the ``claims`` columns of schema.sql
    without the database's ids, with their types (read from the DDL, never restated)."""
    con = duckdb.connect()
    try:
        con.execute(SCHEMA_PATH.read_text(encoding="utf-8"))
        table = con.sql("SELECT * FROM claims LIMIT 0").to_arrow_table()
    finally:
        con.close()
    fields = [f for f in table.schema if f.name not in DATABASE_IDS]
    return pa.schema([pa.field(DOCUMENT_KEY, pa.string(), nullable=False), *fields])


def read_claims_sql(root: Path) -> str:
    """A query of every claim in the dataset, with the columns of :func:`claim_schema`
    (the partition columns read back from the folder names). ``root`` is a path this
    program made, never user text; quotes in it are doubled."""
    pattern = str(claims_folder(root) / "**" / f"*{FILE_SUFFIX}").replace("'", "''")
    columns = ", ".join(f'"{name}"' for name in claim_schema().names)
    return f"SELECT {columns} FROM read_parquet('{pattern}', hive_partitioning = true)"


def claims_with_paths_sql() -> str:
    """The ``claims`` table's rows in the dataset's shape, for comparing the two."""
    columns = ", ".join(
        "d.path" if name == DOCUMENT_KEY else f'c."{name}"' for name in claim_schema().names
    )
    return f"SELECT {columns} FROM claims c JOIN documents d USING (doc_id)"


def document_stem(key: str) -> str:
    """What a document's files are called, from its key (``documents.path``)."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:STEM_HEX]


def partition_folder(values: tuple[object, ...]) -> str:
    """``province=<percent-encoded>/year=<year>`` for one partition's values."""
    return "/".join(
        f"{name}={NO_VALUE if value is None else quote(str(value), safe='')}"
        for name, value in zip(PARTITIONS, values, strict=True)
    )


def _files_of(root: Path, stem: str = "*") -> list[Path]:
    pattern = f"{'/'.join('*' for _ in PARTITIONS)}/{stem}{FILE_SUFFIX}"
    return list(claims_folder(root).glob(pattern))


def remove_files(root: Path, key: str) -> None:
    """Delete one document's files from the dataset."""
    for old in _files_of(root, document_stem(key)):
        old.unlink(missing_ok=True)


def write_rows(root: Path, key: str, rows: pa.Table, sha256: str) -> None:
    """Replace document ``key``'s files under ``root`` by ``rows`` (in :func:`claim_schema`):
    one file per (province, year) it has claims of, each written beside its place under a
    hidden partial name and renamed into place (no folder is made and removed per
    document: on this machine's file system that cost more than writing the files), its
    footer naming ``sha256``, the content the rows came from."""
    groups: dict[tuple[object, ...], list[int]] = {}
    keys = zip(*(rows.column(name).to_pylist() for name in PARTITIONS), strict=True)
    for i, value in enumerate(keys):
        groups.setdefault(value, []).append(i)
    data = rows.drop_columns(list(PARTITIONS))
    data = data.replace_schema_metadata({CONTENT_KEY: sha256.encode("ascii")})
    name = f"{document_stem(key)}{FILE_SUFFIX}"
    written = []
    for value, indices in groups.items():
        folder = claims_folder(root) / partition_folder(value)
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{name}{PARTIAL}"
        pq.write_table(data.take(indices), partial)
        written.append((partial, folder / name))
    places = {final for _, final in written}
    for old in _files_of(root, document_stem(key)):
        if old not in places:
            old.unlink(missing_ok=True)
    for partial, final in written:
        os.replace(partial, final)


def clear_partial(root: Path) -> None:
    """Remove the partial files killed writers left (called under the ingest lock)."""
    for partial in claims_folder(root).glob(f"*/*/.*{PARTIAL}"):
        partial.unlink(missing_ok=True)


def _content_of(files: list[Path]) -> set[str]:
    """The contents a document's files say they came from (one, when they agree)."""
    found = set()
    for file in files:
        metadata = pq.read_schema(file).metadata or {}
        found.add(metadata.get(CONTENT_KEY, b"").decode("ascii", "replace"))
    return found


def follow(con: Con, root: Path) -> tuple[int, int]:
    """Make the dataset under ``root`` hold what the database ``con`` holds, document by
    document (see the module's docstring); (documents written, documents removed)."""
    clear_partial(root)
    stored = {
        str(key): (str(sha), int(n))
        for key, sha, n in con.execute(
            "SELECT d.path, d.sha256, count(c.claim_id) FROM documents d"
            " LEFT JOIN claims c USING (doc_id) GROUP BY d.path, d.sha256"
        ).fetchall()
    }
    by_stem = {document_stem(key): key for key in stored}
    files: dict[str, list[Path]] = {}
    for file in _files_of(root):
        files.setdefault(file.name.removesuffix(FILE_SUFFIX), []).append(file)
    removed = 0
    for stem, own in files.items():
        if stem not in by_stem:
            for file in own:
                file.unlink(missing_ok=True)
            removed += 1
    stale = [
        key
        for key, (sha, n) in stored.items()
        if (n > 0 and _content_of(files.get(document_stem(key), [])) != {sha})
        or (n == 0 and document_stem(key) in files)
    ]
    rows = documents_rows(con, stale)  # one read of the claims for every stale document
    for key in stale:
        document = rows.filter(pc.equal(rows[DOCUMENT_KEY], key))
        if document.num_rows:
            write_rows(root, key, document, stored[key][0])
        else:
            remove_files(root, key)
    return len(stale), removed


def documents_rows(con: Con, keys: Collection[str]) -> pa.Table:
    """The claims of the documents ``keys`` in the dataset's schema, read from the database."""
    query = claims_with_paths_sql() + " WHERE list_contains($keys, d.path)"
    table: pa.Table = con.sql(query, params={"keys": list(keys)}).to_arrow_table()
    return table.cast(claim_schema())

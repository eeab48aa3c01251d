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
instead of the database's ids, which only the database hands out.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa

from db.write import SCHEMA_PATH

PARTITIONS = ("province", "year")
# The database's own ids: not in the dataset (``path`` says which document a row is of).
DATABASE_IDS = ("claim_id", "article_id", "doc_id")
DOCUMENT_KEY = "path"
CLAIMS_FOLDER = "claims"
FILE_SUFFIX = ".parquet"


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

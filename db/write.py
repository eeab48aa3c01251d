"""The write gateway: every statement ingest runs, in one place.

* :func:`transaction` is the one BEGIN/COMMIT/ROLLBACK; each document is written in its
  own (a failure rolls back that document alone), the derived tables in one more.
* :func:`insert` is the one Arrow insert: rows go in as a registered Arrow table, named by
  their columns (which ``db.columns`` declares once per table).
* :func:`database_copy`: the database is never written in place. Ingest works on a copy
  and swaps it in with an atomic rename when done; a dashboard reading the old file keeps
  reading it (no lock error reaches a user), and a crash mid-ingest leaves the previous
  database untouched.
* :func:`ingest_lock`: one ingest at a time per database. Two runs that each copied the
  file would each swap in their own copy, and the last rename would silently drop the other
  run's documents; the second run waits on ``<db>.lock`` (saying so) instead, and reads the
  database only once the first has swapped its copy in. Holding the lock also tells that
  any ``<db>.*.tmp`` copy left in the folder belongs to a killed run: it is removed.
* :func:`rebuild_derived` recomputes the stored rankings (``valuation.stored``) and the
  counts the pages read (the 总览 summaries and filter options, ``db.overview``), after
  the documents are written. A document write deletes
  ``rankings_state`` in its own transaction, so the stored values are trusted only when
  the rebuild that followed the last write has finished.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from db.columns import (
    CLAIM_ROLE_COLUMNS,
    CONFLICT_PAIR_COLUMNS,
    DOCUMENT_COLUMNS,
    REGION_CLAIM_COLUMNS,
    REGION_COLUMNS,
    REGION_VALUE_COLUMNS,
    RULE_CLAIM_COLUMNS,
    UNPLACED_COLUMNS,
    listed,
)
from db.errors import DatabaseBroken, DatabaseBusy, DocumentRefused
from db.overview import REGION_CLAIMS_SQL, SUMMARIES
from db.ranking import CONFLICT_PAIRS_SQL, RULE_CLAIMS_SQL, UNPLACED_CLAIMS_SQL, rule_inputs
from db.sql import Con, scalar
from valuation import stored
from valuation.registry import CONFLICT, RANKABLE_STATUSES, RANKED_METRICS

SCHEMA_PATH = Path(__file__).with_name("schema.sql")
ID_COLUMNS = {"documents": "doc_id", "articles": "article_id", "claims": "claim_id"}
# Every table the rebuild recomputes (schema.sql documents each).
DERIVED_TABLES = (
    "region_values",
    "claim_roles",
    "unplaced_claims",
    *SUMMARIES,
    "region_claims",
    "conflict_pairs",
    "rule_claims",
    "rankings_state",
)
# Larger than any ingest here: the copy is checkpointed once, when ingest ends.
INGEST_CHECKPOINT_THRESHOLD = "4GB"
# How long a second ingest waits for the first before refusing (seconds).
INGEST_LOCK_TIMEOUT = 3600.0
_LOCK_POLL = 0.05
# How much of the database's own message a refused document's line keeps.
MAX_REFUSAL = 200


def lock_path(db_path: Path) -> Path:
    """The lock file beside the database: ``<db>.lock``."""
    return db_path.with_name(db_path.name + ".lock")


def _try_lock(path: Path) -> int | None:
    """The descriptor of ``path`` locked exclusively, or None when another process holds it.

    The holder removes the file when it is done, so a lock taken on a file that has since
    been removed (or replaced) is no lock at all: the inode is checked after locking.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return None
        raise
    try:
        same = os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        same = False
    if not same:
        os.close(fd)
        return _try_lock(path)
    return fd


@contextmanager
def ingest_lock(
    db_path: Path,
    *,
    on_wait: Callable[[], None] | None = None,
    timeout: float = INGEST_LOCK_TIMEOUT,
) -> Iterator[None]:
    """Hold ``<db>.lock`` for the block: the one ingest writing this database.

    When another ingest holds it, ``on_wait`` is called once and this one waits up to
    ``timeout`` seconds, then raises :class:`DatabaseBusy`. The lock is released (and its
    file removed) when the block ends; the kernel releases it when the process dies.
    """
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _try_lock(path)
    if fd is None:
        if on_wait is not None:
            on_wait()
        deadline = time.monotonic() + timeout
        while fd is None:
            if time.monotonic() >= deadline:
                raise DatabaseBusy(
                    f"{db_path}: another ingest has been running for over {timeout:.0f} s "
                    f"({path} is locked); try again when it has finished"
                )
            time.sleep(_LOCK_POLL)
            fd = _try_lock(path)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


def create_schema(con: Con) -> None:
    """Create every table that does not exist yet (``schema.sql``), and bring an older
    ``documents`` table to the current key."""
    con.execute(SCHEMA_PATH.read_text(encoding="utf-8"))
    _key_documents_by_path(con)


def _key_documents_by_path(con: Con) -> None:
    """A database written before documents were keyed by path has ``source UNIQUE``
    (a second 报告.txt from another folder is refused); its table is rebuilt with the
    current definition, rows and ids kept. DuckDB cannot drop a constraint in place."""
    unique_source = scalar(
        con,
        "SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'documents' "
        "AND constraint_type = 'UNIQUE' AND constraint_column_names = ['source']",
    )
    if not unique_source:
        return
    columns = ", ".join(DOCUMENT_COLUMNS)
    with transaction(con):
        con.execute("ALTER TABLE documents RENAME TO documents_keyed_by_name")
        con.execute(SCHEMA_PATH.read_text(encoding="utf-8"))
        con.execute(
            f"INSERT INTO documents ({columns}) SELECT {columns} FROM documents_keyed_by_name"
        )
        con.execute("DROP TABLE documents_keyed_by_name")


@contextmanager
def transaction(con: Con) -> Iterator[Con]:
    """Everything in the block commits together or not at all."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def insert(con: Con, table: str, rows: pa.Table, order_by: str = "") -> None:
    """Append Arrow ``rows`` to ``table`` (its columns named by the rows' column names).

    ``table`` and ``order_by`` are this package's constants, never user input.
    """
    if rows.num_rows == 0:
        return
    con.register("incoming", rows)
    columns = ", ".join(rows.column_names)
    order = f" ORDER BY {order_by}" if order_by else ""
    con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming{order}")
    con.unregister("incoming")


def load_regions(con: Con, rows: list[dict[str, Any]]) -> None:
    """Fill ``regions`` when it is empty (the table is reference data)."""
    if scalar(con, "SELECT count(*) FROM regions"):
        return
    frame = pd.DataFrame(rows, columns=list(REGION_COLUMNS))
    insert(con, "regions", pa.Table.from_pandas(frame, preserve_index=False))


def known_documents(con: Con) -> dict[str, tuple[int, str]]:
    """(doc_id, sha256) of every document already loaded, by its path as stored."""
    rows = con.execute("SELECT path, doc_id, sha256 FROM documents").fetchall()
    return {str(p): (int(i), str(h)) for p, i, h in rows}


def next_ids(con: Con) -> dict[str, int]:
    """The next free id of documents, articles and claims."""
    return {
        table: int(scalar(con, f"SELECT coalesce(max({column}), 0) + 1 FROM {table}") or 1)
        for table, column in ID_COLUMNS.items()
    }


def write_document(
    con: Con,
    document: Mapping[str, Any],
    articles: pa.Table,
    claims: pa.Table,
    *,
    replace: int | None,
) -> None:
    """Write one document's rows (``DOCUMENT_COLUMNS``; articles and claims as Arrow) in
    one transaction, replacing the rows of document ``replace`` (the same file's earlier
    doc_id) first; the stored rankings are marked stale in the same transaction.

    A row the database refuses (a constraint, a value beyond its column's type) rolls back
    this document alone and raises :class:`DocumentRefused` naming the reason: the
    documents committed before it stay, and the caller goes on with the next one.
    """
    try:
        _write_document(con, document, articles, claims, replace=replace)
    except duckdb.Error as exc:
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:MAX_REFUSAL]
        raise DocumentRefused(
            f"the database refused its rows ({reason})", f"数据库拒绝写入其数据（{reason}）"
        ) from exc


def _write_document(
    con: Con,
    document: Mapping[str, Any],
    articles: pa.Table,
    claims: pa.Table,
    *,
    replace: int | None,
) -> None:
    with transaction(con):
        con.execute("DELETE FROM rankings_state")
        if replace is not None:
            for table in ("claims", "articles", "documents"):
                con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [replace])
        marks = ", ".join("?" for _ in DOCUMENT_COLUMNS)
        con.execute(
            f"INSERT INTO documents ({', '.join(DOCUMENT_COLUMNS)}) VALUES ({marks})",
            [document[c] for c in DOCUMENT_COLUMNS],
        )
        insert(con, "articles", articles)
        insert(con, "claims", claims)


@dataclass(frozen=True)
class RebuildStats:
    """What a rebuild wrote: region values and claim roles, over all scopes."""

    values: int
    roles: int


def _arrow(frame: pd.DataFrame, columns: tuple[str, ...]) -> pa.Table:
    return pa.Table.from_pandas(frame[list(columns)], preserve_index=False)


def rebuild_derived(con: Con) -> RebuildStats:
    """Recompute every derived table (``DERIVED_TABLES``) from ``claims`` in one transaction.

    Rows go in sorted by scope and region, so DuckDB's per-row-group min/max lets a page
    that reads one scope (or one region's roles) skip the rest of the table.
    """
    n_values = n_roles = 0
    order = "metric, scope, category, year, region_key"
    with transaction(con):
        for table in DERIVED_TABLES:
            con.execute(f"DELETE FROM {table}")
        for table, query in SUMMARIES.items():
            con.execute(f"INSERT INTO {table} BY NAME {query}")
        con.execute(
            f"INSERT INTO unplaced_claims ({listed(UNPLACED_COLUMNS)}) " + UNPLACED_CLAIMS_SQL,
            {"statuses": list(RANKABLE_STATUSES)},
        )
        con.execute(
            f"INSERT INTO region_claims ({listed(REGION_CLAIM_COLUMNS)}) " + REGION_CLAIMS_SQL,
            {"statuses": list(RANKABLE_STATUSES)},
        )
        for metric in RANKED_METRICS:
            claims = rule_inputs(con, metric=metric, statuses=RANKABLE_STATUSES)
            values, roles = stored.scoped_tables(claims, metric)
            insert(con, "region_values", _arrow(values, REGION_VALUE_COLUMNS), order)
            insert(con, "claim_roles", _arrow(roles, CLAIM_ROLE_COLUMNS), order)
            n_values += len(values)
            n_roles += len(roles)
        # Both quotes of every 数据冲突 a stored scope marks, once the roles say which.
        con.execute(
            f"INSERT INTO conflict_pairs ({listed(CONFLICT_PAIR_COLUMNS)}) " + CONFLICT_PAIRS_SQL,
            {"conflict": CONFLICT},
        )
        con.execute(f"INSERT INTO rule_claims ({listed(RULE_CLAIM_COLUMNS)}) " + RULE_CLAIMS_SQL)
        con.execute(
            "INSERT INTO rankings_state (rule_version, built_at) VALUES (?, ?)",
            [stored.RULE_VERSION, datetime.now()],
        )
    return RebuildStats(values=n_values, roles=n_roles)


@contextmanager
def database_copy(
    db_path: Path,
    *,
    on_wait: Callable[[], None] | None = None,
    lock_timeout: float = INGEST_LOCK_TIMEOUT,
) -> Iterator[Con]:
    """A writable copy of the database, swapped in atomically when the block ends.

    The copy is taken under :func:`ingest_lock` (``on_wait`` and ``lock_timeout`` are its),
    and held until the swap: a second ingest starts from this one's result.

    Documents are committed one by one inside the copy, so even when the block stops on an
    error the copy holds everything committed before it, and is swapped in. The original
    file is only ever replaced whole, by a rename: readers never see a half-written file.
    """
    with ingest_lock(db_path, on_wait=on_wait, timeout=lock_timeout), _copy(db_path) as con:
        yield con


@contextmanager
def copy_under_lock(db_path: Path) -> Iterator[Con]:
    """:func:`database_copy` for a caller that already holds :func:`ingest_lock`.

    An upload (``etl.uploads``) takes the lock, reads and checks its files, and copies the
    database only when one of them is to be written: an upload whose files are all
    refused or unchanged leaves the file as it was, not even rewritten.
    """
    with _copy(db_path) as con:
        yield con


def stale_copies(db_path: Path) -> list[Path]:
    """The ``<db>.<random>.tmp`` copies (and their ``.wal``) beside the database. Under
    :func:`ingest_lock` none belongs to a live ingest: they are a killed run's."""
    if not db_path.parent.is_dir():
        return []
    prefix = db_path.name + "."
    return sorted(
        p
        for p in db_path.parent.iterdir()
        if p.name.startswith(prefix) and p.name.endswith((".tmp", ".tmp.wal"))
    )


@contextmanager
def _copy(db_path: Path) -> Iterator[Con]:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for stale in stale_copies(db_path):
        stale.unlink(missing_ok=True)
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
        raise DatabaseBroken(f"{db_path}: not a usable DuckDB database: {exc}") from exc
    try:
        yield con
        con.execute("CHECKPOINT")
    finally:
        con.close()
        os.replace(tmp, db_path)
        wal.unlink(missing_ok=True)

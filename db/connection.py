"""Read-only access to the DuckDB file that ``python -m etl ingest`` writes.

The ETL never writes into the file the dashboard reads: it writes a copy and swaps it in
with ``os.replace``. An open DuckDB connection keeps reading the old inode after such a
swap, and DuckDB caches one database instance per path inside a process, so a second
``connect`` would hand back the *old* data while the first connection lives. That is why
:class:`ReadOnlyDatabase` watches the file's identity (device, inode, mtime, size), closes
its connection when the identity changes and only then opens the new file.

Opening can still fail for a moment (a writer that does update the file in place holds
DuckDB's lock). We retry briefly and then raise :class:`DatabaseBusy`, whose message is
plain Chinese the page can show as is; callers never see DuckDB's own exceptions.

Nothing here opens a connection at import time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import duckdb

from db.errors import DatabaseBroken, DatabaseBusy, DatabaseError, DatabaseMissing
from db.location import INGEST_COMMAND, ingest_command

__all__ = [
    "DatabaseBroken",
    "DatabaseBusy",
    "DatabaseError",
    "DatabaseMissing",
    "FileSignature",
    "ReadOnlyDatabase",
    "connect_readonly",
    "file_signature",
    "missing_message",
]

BUSY_MESSAGE = "数据库正在更新，暂时无法读取。请稍等几秒后刷新页面。"

P = ParamSpec("P")
T = TypeVar("T")

FileSignature = tuple[int, int, int, int]
"""(device, inode, mtime in ns, size): changes whenever the ETL swaps the file in."""

# DuckDB's Python client resolves an unknown table name to a Python variable of that name
# ("replacement scan"): a missing ``documents`` table would silently read whatever object
# is called ``documents`` in the caller. A dashboard must fail loudly instead.
_CONFIG: dict[str, str | bool | int | float | list[str]] = {"python_enable_replacements": False}


def file_signature(path: Path) -> FileSignature | None:
    """The file's identity, or None when it does not exist."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


def missing_message(path: Path) -> str:
    """What to tell a user who has no database yet, with the command that makes it."""
    return (
        f"还没有找到数据库文件 {path}。"
        "请在「导入」页上传报告文件，"
        f"或在项目目录运行 `{ingest_command(path)}` 导入文件，生成数据库后刷新本页。"
    )


def _is_lock_problem(error: duckdb.Error) -> bool:
    text = str(error).lower()
    return (
        isinstance(error, duckdb.ConnectionException)
        or "lock" in text
        or "different configuration" in text
        or "resource temporarily unavailable" in text
    )


def connect_readonly(
    path: Path, *, attempts: int = 8, delay: float = 0.25
) -> duckdb.DuckDBPyConnection:
    """Open ``path`` read-only, retrying for about two seconds while it is locked.

    Raises :class:`DatabaseMissing`, :class:`DatabaseBusy` or :class:`DatabaseBroken`;
    never a DuckDB exception, so no traceback reaches the page.
    """
    last: duckdb.Error | None = None
    for attempt in range(max(1, attempts)):
        if not path.exists():
            raise DatabaseMissing(missing_message(path))
        try:
            return duckdb.connect(str(path), read_only=True, config=_CONFIG)
        except duckdb.Error as error:
            if not _is_lock_problem(error) and path.exists():
                raise DatabaseBroken(
                    f"数据库文件 {path} 无法读取（不是有效的 DuckDB 数据库，或已损坏）。"
                    f"请重新运行 `{INGEST_COMMAND}`。"
                ) from error
            last = error
        if attempt + 1 < attempts:
            time.sleep(delay)
    raise DatabaseBusy(BUSY_MESSAGE) from last


class ReadOnlyDatabase:
    """One read-only connection per database file, reopened when the file is swapped.

    Streamlit serves sessions from several threads; a DuckDB connection must not be used
    by two threads at once, so every query runs on its own ``cursor()`` (a lightweight
    connection to the same database instance). The lock only guards the swap itself.
    Use :meth:`run`: it turns every DuckDB failure into a :class:`DatabaseError`.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._signature: FileSignature | None = None

    def signature(self) -> FileSignature:
        """The current file identity; raises :class:`DatabaseMissing` if it is gone."""
        sig = file_signature(self.path)
        if sig is None:
            raise DatabaseMissing(missing_message(self.path))
        return sig

    def _connection(self) -> duckdb.DuckDBPyConnection:
        sig = self.signature()
        with self._lock:
            if self._con is None or sig != self._signature:
                self._close_locked()
                self._con = connect_readonly(self.path)
                # Read the identity again: the file may have been swapped while we opened.
                self._signature = file_signature(self.path) or sig
            return self._con

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the current file, closed after use."""
        cur = self._connection().cursor()
        try:
            yield cur
        finally:
            cur.close()

    def run(
        self,
        fn: Callable[Concatenate[duckdb.DuckDBPyConnection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Call ``fn(cursor, *args, **kwargs)`` and translate DuckDB errors to Chinese.

        A ``ConnectionException`` means another thread closed the connection to swap in a
        new file while we held a cursor: the query is retried once on the new connection.
        """
        for attempt in range(2):
            try:
                with self.cursor() as cur:
                    return fn(cur, *args, **kwargs)
            except duckdb.ConnectionException as error:
                if attempt:
                    raise DatabaseBusy(BUSY_MESSAGE) from error
                with self._lock:
                    self._close_locked()
            except (duckdb.CatalogException, duckdb.BinderException) as error:
                raise DatabaseBroken(
                    f"数据库 {self.path} 的表结构与本程序不一致（{type(error).__name__}）。"
                    f"请用当前版本重新运行 `{INGEST_COMMAND}`。"
                ) from error
            except duckdb.IOException as error:
                raise DatabaseBusy(BUSY_MESSAGE) from error
        raise AssertionError("unreachable")  # pragma: no cover

    def _close_locked(self) -> None:
        if self._con is not None:
            with suppress(duckdb.Error):
                self._con.close()
        self._con = None
        self._signature = None

    def close(self) -> None:
        """Close the connection (tests, shutdown)."""
        with self._lock:
            self._close_locked()

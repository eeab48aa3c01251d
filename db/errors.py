"""The one error type for "the database cannot be used", raised by reads and writes alike.

``str(error)`` is a message a person can act on: the dashboard shows it in Chinese as is,
the ingest command prints it and exits 2. Nothing above ``db/`` sees a DuckDB exception.
"""

from __future__ import annotations


class DatabaseError(Exception):
    """A database problem the user can act on; ``str(error)`` says what and what to do."""


class DatabaseMissing(DatabaseError):
    """The file does not exist yet: the ETL has not been run."""


class DatabaseBusy(DatabaseError):
    """The file is locked or mid-swap; trying again in a moment usually works."""


class DatabaseBroken(DatabaseError):
    """The file exists but is not a usable database of the expected shape."""


class DocumentRefused(DatabaseError):
    """The database refused one document's rows (a constraint, a value out of a column's
    range); that document's transaction was rolled back and the run goes on without it.

    ``str(error)`` is the reason in English (the command line); ``chinese`` says it to the
    user who uploaded the file."""

    def __init__(self, reason: str, chinese: str) -> None:
        super().__init__(reason)
        self.chinese = chinese

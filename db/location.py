"""Where the database is: one default path and one environment variable, for ingest and
dashboard alike, so ``SHUANGYONG_DB=FILE`` points both at the same file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_VAR = "SHUANGYONG_DB"
DEFAULT_DB = "data/shuangyong.duckdb"
INGEST_COMMAND = "python -m etl ingest"
# Uploaded originals live beside their database, one folder per database file, so two
# databases in one folder never remove each other's files.
ORIGINALS_SUFFIX = ".originals"


def db_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$SHUANGYONG_DB``, else ``data/shuangyong.duckdb``.

    Relative paths are taken from the project root, not the working directory, so the
    app and ingest find the same file wherever they are started from.
    """
    env = os.environ if environ is None else environ
    raw = env.get(ENV_VAR) or DEFAULT_DB
    path = Path(raw).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def ingest_command(path: Path) -> str:
    """The command that creates ``path`` (``--db`` only when it is not the default)."""
    if path == PROJECT_ROOT / DEFAULT_DB:
        return INGEST_COMMAND
    return f"{INGEST_COMMAND} --db {path}"


def originals_dir(db: Path) -> Path:
    """The folder of ``db``'s uploaded originals: ``data/shuangyong.originals/``."""
    return db.with_name(db.stem + ORIGINALS_SUFFIX)

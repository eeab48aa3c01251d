"""Uploaded originals, kept content-addressed beside the database.

A user who reads a quote on an evidence card wants the file it came from; an upload has
no path on the server to point at, so its bytes are kept as ``<sha256>.<ext>`` in the
database's originals folder (``db.location.originals_dir``) and the document row names
that file (``documents.original``). The same content uploaded under two names is one
file. Files no document names any more (a removed document, a replaced version) are
removed by :func:`prune`, which callers run under the ingest lock (``db.write``): an
upload stores its originals before it swaps its copy in, and a prune that ran in between
would take them.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Collection
from pathlib import Path

from db.location import originals_dir

# What may follow the dot of a kept original: the suffix of a supported upload, never a
# path (the name comes from the user's file).
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}")
_NAME = re.compile(r"[0-9a-f]{64}(\.[A-Za-z0-9]{1,8})?")


def original_name(sha256: str, filename: str) -> str:
    """``<sha256>.<ext>``: the kept name of content ``sha256`` uploaded as ``filename``."""
    suffix = Path(filename).suffix.lower()
    return sha256 + (suffix if _SUFFIX.fullmatch(suffix) else "")


def store(db: Path, name: str, data: bytes) -> Path:
    """Keep ``data`` as ``name`` in ``db``'s originals folder (atomically: written beside
    and renamed, so a reader never sees half a file); an existing copy is left alone."""
    folder = originals_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if target.is_file() and target.stat().st_size == len(data):
        return target
    fd, tmp = tempfile.mkstemp(prefix=".incoming.", dir=folder)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, target)
    return target


def path_of(db: Path, name: str | None) -> Path | None:
    """The kept file named ``name`` of ``db``, or None when there is none (a file
    ingested from the command line, or a name that is not one this module gives)."""
    if not name or not _NAME.fullmatch(name):
        return None
    path = originals_dir(db) / name
    return path if path.is_file() else None


def prune(db: Path, keep: Collection[str]) -> list[str]:
    """Remove the kept files (and interrupted writes) not named in ``keep``; their names."""
    folder = originals_dir(db)
    if not folder.is_dir():
        return []
    removed = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name not in keep:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed

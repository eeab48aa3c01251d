"""``.zip``: unpacked in memory, each member a document of its own format.

A zip can unpack to far more than it weighs; the limits below are checked on the
directory before anything is unpacked, and again while reading (a directory can lie about
sizes). A member keeps its path inside the zip: ``报告.zip!/二季度/海淀区.docx``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Final

from etl.reading import MAX_DOCUMENT_BYTES, ReadError
from etl.refusals import reason

SEPARATOR: Final[str] = "!/"
MAX_MEMBERS: Final[int] = 2000
# Everything a zip unpacks to, together: the same limit as one file.
MAX_UNPACKED_BYTES: Final[int] = MAX_DOCUMENT_BYTES
# Reports compress 3-10x; a member that would grow more than this is a bomb.
MAX_RATIO: Final[int] = 100
_RATIO_MIN_BYTES: Final[int] = 1 << 20
_UTF8_NAMES: Final[int] = 0x800
_ENCRYPTED: Final[int] = 0x1
_MIB: Final[int] = 1 << 20


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's path as its author wrote it: zips made on Chinese Windows store names
    in GBK without saying so, which ``zipfile`` reads as cp437."""
    if info.flag_bits & _UTF8_NAMES:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return info.filename


def _skipped(path: str) -> bool:
    """Folders and the copies macOS adds (``__MACOSX/``, ``._name``)."""
    parts = PurePosixPath(path).parts
    return path.endswith("/") or not parts or parts[0] == "__MACOSX" or parts[-1][:2] == "._"


def _check(infos: list[zipfile.ZipInfo], name: str) -> None:
    if not infos:
        raise ReadError(name, reason("empty_zip"))
    if len(infos) > MAX_MEMBERS:
        raise ReadError(name, reason("zip_too_many", count=len(infos), limit=MAX_MEMBERS))
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise ReadError(
            name,
            reason("zip_too_big", size=f"{total / _MIB:.0f}", limit=MAX_UNPACKED_BYTES // _MIB),
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_MIN_BYTES and ratio > MAX_RATIO:
            raise ReadError(
                name, reason("zip_bomb_member", member=_member_name(info), ratio=f"{ratio:.0f}")
            )


def members(data: bytes, name: str) -> Iterator[tuple[str, bytes | ReadError]]:
    """Each member's path and bytes (or why it cannot be had: encrypted, corrupt)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not _skipped(_member_name(i))]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(name, reason("corrupt_zip", detail=exc)) from exc
    _check(infos, name)
    unpacked = 0
    for info in infos:
        path = _member_name(info)
        label = f"{name}{SEPARATOR}{path}"
        if info.flag_bits & _ENCRYPTED:
            yield path, ReadError(label, reason("zip_member_encrypted"))
            continue
        try:
            with archive.open(info) as handle:
                content = handle.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            yield path, ReadError(label, reason("zip_member_corrupt", detail=exc))
            continue
        unpacked += len(content)
        if len(content) > info.file_size or unpacked > MAX_UNPACKED_BYTES:
            raise ReadError(name, reason("zip_bomb_size"))
        yield path, content

"""Which reader a file gets: by its content (magic bytes), its suffix only as a check.

Content decides: a web page saved as ``.txt`` is read as a page, a file with no suffix by
what it holds. A suffix that promises a format the content is not (a PNG renamed ``.pdf``)
is refused naming both, since the user's file is not what they think it is. Readers are
imported on first use, so a folder of text files never loads the PDF or OCR libraries.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Final

from etl.formats.archive import SEPARATOR, members
from etl.models import SourceText
from etl.reading import MAX_DOCUMENT_BYTES, ReadError, read_file_bytes, too_large
from etl.refusals import reason, word

# A document read, or why one could not be: a zip's members each get one of these.
Document = SourceText | ReadError

# Content kinds (what the bytes are) → the module that reads them and what users call it.
TEXT, PDF, DOCX, ZIP, OLE, IMAGE = "text", "pdf", "docx", "zip", "ole", "image"
_READERS: Final[dict[str, str]] = {
    TEXT: "etl.formats.text:read",
    PDF: "etl.formats.pdf:read",
    DOCX: "etl.formats.word:read",
    OLE: "etl.formats.legacy:read",
    IMAGE: "etl.formats.ocr:read_image",
}
_CONTENT_WORDS: Final[dict[str, str]] = {
    TEXT: "text", PDF: "pdf", DOCX: "docx", ZIP: "zip", OLE: "old_office", IMAGE: "image",
}  # fmt: skip
# Suffix → the content it promises. Text suffixes promise nothing: content decides.
SUFFIXES: Final[dict[str, str | None]] = {
    ".txt": None, ".text": None, ".html": None, ".htm": None,
    ".pdf": PDF, ".docx": DOCX, ".doc": OLE, ".wps": OLE, ".zip": ZIP,
    ".png": IMAGE, ".jpg": IMAGE, ".jpeg": IMAGE,
}  # fmt: skip
SUPPORTED_SUFFIXES: Final[frozenset[str]] = frozenset(SUFFIXES)
_MAGIC: Final[tuple[tuple[bytes, str], ...]] = (
    (b"%PDF-", PDF),
    (b"PK\x03\x04", ZIP),
    (b"PK\x05\x06", ZIP),  # an empty zip: only its end record
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),
    (b"\x89PNG\r\n\x1a\n", IMAGE),
    (b"\xff\xd8\xff", IMAGE),
)
# Formats seen often enough to name in a refusal.
_OTHER_MAGIC: Final[tuple[tuple[bytes, str], ...]] = (
    (b"{\\rtf", "an RTF file (save it as .docx)"),
    (b"GIF8", "a GIF image (save it as .png)"),
    (b"Rar!", "a RAR archive (pack it as .zip)"),
    (b"7z\xbc\xaf", "a 7z archive (pack it as .zip)"),
)
# Where a PDF's header may stand: some writers put bytes before it.
_PDF_HEADER_WITHIN: Final[int] = 1024


def supported(path: Path | str) -> bool:
    """Whether a file of this name is one a folder's ingest reads."""
    return PurePosixPath(str(path)).suffix.lower() in SUPPORTED_SUFFIXES


def sniff(data: bytes) -> str:
    """What the bytes are: one of the content kinds above (text when nothing else)."""
    kind = next((k for magic, k in _MAGIC if data.startswith(magic)), None)
    if kind is None and b"%PDF-" in data[:_PDF_HEADER_WITHIN]:
        kind = PDF
    if kind == ZIP:
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            names = []
        if "word/document.xml" in names:
            kind = DOCX
    return kind or TEXT


def _content_kind(name: str, data: bytes) -> str:
    """The reader's kind for this file, or a :class:`ReadError` saying why none fits."""
    content = sniff(data)
    promised = SUFFIXES.get(PurePosixPath(name).suffix.lower())
    if promised == DOCX and content == ZIP:
        content = DOCX  # a damaged Word file: its reader says so in Word's terms
    if content == TEXT:
        other = next((what for magic, what in _OTHER_MAGIC if data.startswith(magic)), None)
        if other:
            raise ReadError(name, reason("unsupported", what=other))
    if promised is not None and promised != content and {promised, content} != {ZIP, DOCX}:
        suffix = PurePosixPath(name).suffix.lower()
        raise ReadError(
            name,
            reason(
                "misnamed",
                suffix=suffix,
                content=word(_CONTENT_WORDS[content]),
                promised=word(_CONTENT_WORDS[promised]),
            ),
        )
    return content


def _reader(kind: str) -> Callable[[bytes, str], SourceText]:
    module, function = _READERS[kind].split(":")
    reader: Callable[[bytes, str], SourceText] = getattr(importlib.import_module(module), function)
    return reader


def read_one(name: str, data: bytes) -> SourceText:
    """One document that is not a zip, read by the reader its content calls for."""
    kind = _content_kind(name, data)
    if kind == ZIP:
        raise ReadError(name, reason("zip_in_zip"))
    return _reader(kind)(data, name)


def read_upload(name: str, data: bytes) -> list[Document]:
    """Every document in a file given as bytes (an upload): one, or a zip's members.

    ``name`` is the file's name (its suffix is checked against its content) and names it in
    messages. A file that cannot be read at all raises :class:`ReadError`; a zip member
    that cannot be read is a ``ReadError`` in its place in the list, named
    ``<zip>!/<path inside>``, so the others still load.
    """
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ReadError(name, too_large(len(data)))
    if not data:
        raise ReadError(name, reason("empty"))
    if _content_kind(name, data) != ZIP:
        return [read_one(name, data)]
    out: list[Document] = []
    for path, content in members(data, name):
        label = f"{name}{SEPARATOR}{path}"
        if isinstance(content, ReadError):
            out.append(content)
        elif not supported(path):
            out.append(ReadError(label, reason("skipped_unsupported", suffix=_suffix(path))))
        else:
            try:
                out.append(read_one(label, content))
            except ReadError as exc:
                out.append(exc)
    return out


def _suffix(path: str) -> str:
    return PurePosixPath(path).suffix.lower() or "no suffix"


def read_path(path: Path) -> list[Document]:
    """Every document in a file on disk (``read_upload`` after the checks of
    ``etl.reading.read_file_bytes``: a regular file, not too large, not changing).

    Messages name the path as given; a document's ``name`` is the file's name, a zip
    member's ``<zip name>!/<path inside>``.
    """
    given = str(path)
    found = read_upload(given, read_file_bytes(path))
    base = Path(path).name
    return [
        d if isinstance(d, ReadError) else dataclasses.replace(d, name=base + d.name[len(given) :])
        for d in found
    ]

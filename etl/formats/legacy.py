"""Old Word ``.doc`` and WPS ``.wps`` files: converted to ``.docx`` by LibreOffice headless.

Both are binary formats no maintained Python library reads; LibreOffice (Debian's
``libreoffice-writer-nogui``, installed by scripts/install-system-deps.sh) converts them.
Where it is not installed the file is refused with what to do instead.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Final

from etl.formats import word
from etl.formats.layout import build
from etl.models import SourceText
from etl.reading import ReadError
from etl.refusals import reason

KIND: Final[str] = "doc"
_PROGRAMS: Final[tuple[str, ...]] = ("soffice", "libreoffice")
_TIMEOUT_S: Final[int] = 180


def converter() -> str | None:
    return next((p for p in map(shutil.which, _PROGRAMS) if p), None)


def _convert(data: bytes, name: str, program: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="etl-doc-") as tmp:
        folder = Path(tmp)
        source = folder / "document.doc"
        source.write_bytes(data)
        # A profile of its own: two conversions at once would fight over the user's one.
        profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
        command = [program, profile, "--headless", "--convert-to", "docx"]
        try:
            subprocess.run(
                [*command, "--outdir", str(folder), str(source)],
                capture_output=True,
                timeout=_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ReadError(name, reason("libreoffice_timeout", seconds=_TIMEOUT_S)) from exc
        converted = folder / "document.docx"
        if not converted.is_file():
            raise ReadError(name, reason("libreoffice_failed"))
        return converted.read_bytes()


def read(data: bytes, name: str) -> SourceText:
    program = converter()
    if program is None:
        raise ReadError(name, reason("libreoffice_missing"))
    converted = _convert(data, name, program)
    pieces = word.pieces_of(word.open_docx(converted, name))
    doc = build(name, data, pieces, kind=KIND, encoding="doc")
    return dataclasses.replace(doc, sha256=hashlib.sha256(data).hexdigest())

"""OCR with Tesseract (Debian's ``tesseract-ocr`` and ``tesseract-ocr-chi-sim``).

Scanned PDF pages and images are read by the ``tesseract`` command (run as a process: it
is one C++ program, and a wrapper library would only build the same command line). A line
of OCR output is the scan's line: each character keeps its page and that line, and the
document is marked ``ocr`` so every claim from it can be shown and filtered as such.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from typing import Final

from PIL import Image, UnidentifiedImageError

from etl.formats.layout import Pieces, build
from etl.formats.lines import Line, add_lines, finish, runs_on
from etl.models import Place, SourceText
from etl.reading import ReadError
from etl.refusals import reason

KIND: Final[str] = "image-ocr"
TESSERACT: Final[str] = "tesseract"
LANGUAGES: Final[str] = "chi_sim"  # its model reads Latin letters and digits too
# Automatic page segmentation: scans of reports have headings, paragraphs and tables.
_PAGE_SEGMENTATION: Final[str] = "3"
_TIMEOUT_S: Final[int] = 300
# A line at least this share of the page's longest line may run on into the next one.
_FULL_SHARE: Final[float] = 0.85
# Tesseract uses every core by default; ingest already runs one document per core.
_ENV: Final[dict[str, str]] = {"OMP_THREAD_LIMIT": "1"}
INSTALL_HINT: Final[str] = "apt-get install tesseract-ocr tesseract-ocr-chi-sim"


def available() -> bool:
    return shutil.which(TESSERACT) is not None


def _tesseract(png: bytes, name: str) -> str:
    if not available():
        raise ReadError(name, reason("tesseract_missing", hint=INSTALL_HINT))
    try:
        done = subprocess.run(
            [TESSERACT, "stdin", "stdout", "-l", LANGUAGES, "--psm", _PAGE_SEGMENTATION],
            input=png,
            capture_output=True,
            timeout=_TIMEOUT_S,
            check=False,
            env={**os.environ, **_ENV},
        )
    except subprocess.TimeoutExpired as exc:
        raise ReadError(name, reason("ocr_timeout", seconds=_TIMEOUT_S)) from exc
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", errors="replace").strip().splitlines()[-1:]
        raise ReadError(name, reason("ocr_failed", detail=" ".join(said) or done.returncode))
    return done.stdout.decode("utf-8", errors="replace")


def image_lines(image: Image.Image, page_no: int, name: str) -> list[Line]:
    """The lines OCR reads on one page image; a blank line before a line is a gap."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    text = _tesseract(buffer.getvalue(), name)
    found = text.replace("\f", "").split("\n")
    longest = max((len(t.strip()) for t in found), default=0)
    out: list[Line] = []
    gap = False
    for i, line in enumerate(found, 1):
        if not line.strip():
            # Tesseract also puts a blank line inside a paragraph (`入学优待1500⏎⏎余名`):
            # after a line that runs on, a blank line is no gap.
            gap = bool(out) and not runs_on(out[-1])
            continue
        full = len(line.strip()) >= _FULL_SHARE * longest
        out.append(Line(line.strip(), Place(page=page_no, line=i), full, gap))
        gap = False
    return out


def read_image(data: bytes, name: str) -> SourceText:
    """A PNG or JPEG scan: one page, read by OCR."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ReadError(name, reason("damaged_image")) from exc
    pieces = Pieces()
    add_lines(pieces, image_lines(image.convert("L"), 1, name), joined=False)
    finish(pieces)
    try:
        return build(name, data, pieces, kind=KIND, encoding="ocr", pages=1, ocr=True)
    except ReadError as exc:
        raise ReadError(name, reason("image_no_report", why=exc.why)) from exc

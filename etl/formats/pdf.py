"""PDF: the text layer page by page (``pypdfium2``), pages without one read by OCR.

Page furniture is left out: a line at the top or bottom of a page that repeats on most
pages once its numbers are ignored (a running head, ``第 3 页 共 9 页``), and a bare page
number there. Lines are joined back into paragraphs (``etl.formats.lines``). Each
character keeps its page and its line on the page (counted as the reader sees them,
furniture included), so evidence can cite ``第2页第5行``.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise
from typing import Final

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from etl.formats import ocr
from etl.formats.layout import Pieces, build
from etl.formats.lines import Line, add_lines, finish
from etl.models import Place, SourceText
from etl.reading import ReadError
from etl.refusals import reason, word

KIND: Final[str] = "pdf"
KIND_OCR: Final[str] = "pdf-ocr"
# Lines at each edge of a page that may be furniture.
_EDGE_LINES: Final[int] = 2
# A line (numbers ignored) at the same edge of at least this share of pages is furniture.
_REPEAT_SHARE: Final[float] = 0.5
_DIGITS_RE: Final[re.Pattern[str]] = re.compile(r"\d+")
_SPACES_RE: Final[re.Pattern[str]] = re.compile(r"\s+")
# A page number standing alone: `3`, `- 3 -`, `第 3 页`, `第3页 共9页`, `3 / 9`, `Page 3`.
_PAGE_NUMBER_RE: Final[re.Pattern[str]] = re.compile(
    r"[-—–·\s]*(?:第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*第\s*\d+\s*页"
    r"|\d+\s*/\s*\d+|\d+|page\s*\d+(?:\s*of\s*\d+)?)[-—–·\s]*",
    re.IGNORECASE,
)
# A line reaches the right margin when it ends within this many line heights of it (a
# number or a word with its punctuation is never split, so a wrapped line may stop short).
_FULL_SLACK: Final[float] = 4.0
# Baselines further apart than this many times the page's usual line pitch: a paragraph gap.
_GAP_PITCH: Final[float] = 1.5
# A page with fewer characters than this in its text layer is read as a scan.
_MIN_TEXT_CHARS: Final[int] = 1
_OCR_DPI: Final[int] = 200
_POINTS_PER_INCH: Final[int] = 72


def _open(data: bytes, name: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReadError(name, reason("encrypted_pdf")) from exc
        raise ReadError(name, reason("corrupt_pdf", detail=exc)) from exc


_Box = tuple[float, float, float, float]  # left, bottom, right, top (PDF points, y up)


def _text_lines(textpage: pdfium.PdfTextPage) -> list[tuple[str, _Box]]:
    """The page's text-layer lines with their boxes, in reading order."""
    text = textpage.get_text_range()
    out: list[tuple[str, _Box]] = []
    at = 0
    for raw_line in text.split("\r\n"):
        start, end = at, at + len(raw_line)
        at = end + 2
        stripped = raw_line.strip()
        if not stripped:
            continue
        first = start + raw_line.index(stripped[0])
        last = first + len(stripped) - 1
        left, bottom, _, top = textpage.get_charbox(first, loose=True)
        _, _, right, _ = textpage.get_charbox(last, loose=True)
        out.append((raw_line.replace("\r", " ").replace("\n", " "), (left, bottom, right, top)))
    return out


def _edge_key(text: str) -> str:
    return _SPACES_RE.sub("", _DIGITS_RE.sub("#", text))


def _furniture(pages: list[list[tuple[str, _Box]]]) -> list[set[int]]:
    """Per page, the indexes of its furniture lines."""
    heads: Counter[str] = Counter()
    feet: Counter[str] = Counter()
    for lines in pages:
        heads.update({_edge_key(t) for t, _ in lines[:_EDGE_LINES]})
        feet.update({_edge_key(t) for t, _ in lines[-_EDGE_LINES:]})
    need = max(2, _REPEAT_SHARE * len(pages))
    out: list[set[int]] = []
    for lines in pages:
        drop = set()
        n = len(lines)
        for i, (text, _) in enumerate(lines):
            head, foot = i < _EDGE_LINES, i >= n - _EDGE_LINES
            if not (head or foot):
                continue
            key = _edge_key(text)
            repeated = (head and heads[key] >= need) or (foot and feet[key] >= need)
            if repeated or _PAGE_NUMBER_RE.fullmatch(text):
                drop.add(i)
        out.append(drop)
    return out


def _page_lines(page_no: int, lines: list[tuple[str, _Box]], drop: set[int]) -> list[Line]:
    """The body lines of one page, each told whether it is full width and follows a gap.

    Heights and gaps are measured between baselines (a digit's box is shorter than an
    ideograph's, so box edges would see gaps that are not there)."""
    body = [(i, t, b) for i, (t, b) in enumerate(lines) if i not in drop]
    if not body:
        return []
    height = statistics.median(b[3] - b[1] for _, _, b in body) or 1.0
    steps = [a[1] - b[1] for (_, _, a), (_, _, b) in pairwise(body) if a[1] > b[1]]
    pitch = statistics.median(steps) if steps else height
    margin = max(b[2] for _, _, b in body)
    out = []
    previous: _Box | None = None
    for i, text, box in body:
        gap = previous is not None and previous[1] - box[1] > _GAP_PITCH * pitch
        full = box[2] >= margin - _FULL_SLACK * height
        out.append(Line(text, Place(page=page_no, line=i + 1), full, gap))
        previous = box
    return out


def _has_image(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)))


def _ocr_page(page: pdfium.PdfPage, page_no: int, name: str) -> list[Line]:
    image = page.render(scale=_OCR_DPI / _POINTS_PER_INCH, grayscale=True).to_pil()
    return ocr.image_lines(image, page_no, name)


def _pages(pdf: pdfium.PdfDocument) -> Iterator[tuple[pdfium.PdfPage, list[tuple[str, _Box]]]]:
    for page in pdf:
        yield page, _text_lines(page.get_textpage())


def read(data: bytes, name: str) -> SourceText:
    """The PDF's text; its pages without a text layer but with an image are OCRed."""
    pdf = _open(data, name)
    try:
        pages = list(_pages(pdf))
        furniture = _furniture([lines for _, lines in pages])
        pieces = Pieces()
        joined = False
        scanned = 0
        for page_no, ((page, lines), drop) in enumerate(zip(pages, furniture, strict=True), 1):
            if sum(len(t.strip()) for t, _ in lines) >= _MIN_TEXT_CHARS:
                body = _page_lines(page_no, lines, drop)
            elif _has_image(page):
                body = _ocr_page(page, page_no, name)
                scanned += 1
            else:
                continue
            joined = add_lines(pieces, body, joined)
        finish(pieces)
        n_pages = len(pdf)
    finally:
        pdf.close()
    if pieces.size <= 1:
        if scanned:
            raise ReadError(name, reason("scan_no_text"))
        raise ReadError(name, reason("pdf_no_text"))
    try:
        return build(
            name, data, pieces, kind=KIND_OCR if scanned else KIND, encoding="pdf",
            pages=n_pages, ocr=bool(scanned),
        )  # fmt: skip
    except ReadError as exc:
        part = word("scan" if scanned else "text_layer")
        raise ReadError(name, reason("pdf_no_report", part=part, why=exc.why)) from exc

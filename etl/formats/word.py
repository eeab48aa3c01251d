"""Word ``.docx`` (``python-docx``): the body's paragraphs and tables in document order.

A table row becomes one line, its cells kept apart by :data:`CELL_SEPARATOR` (a separator
the debris repair leaves alone, so cells stay apart in the clean text too; a merged cell
is written once). Headers and footers are other parts of the file and are never read.
Each character keeps its paragraph (counted over non-empty paragraphs, as a reader counts
them) or its table and row.
"""

from __future__ import annotations

import io
import zipfile
from typing import Final

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError

from etl.formats.layout import Pieces, build
from etl.models import Place, SourceText
from etl.reading import ReadError
from etl.refusals import reason

KIND: Final[str] = "docx"
CELL_SEPARATOR: Final[str] = " | "


def _row_text(row: _Row) -> str:
    cells = []
    seen: set[int] = set()
    for cell in row.cells:
        if id(cell._tc) in seen:  # a merged cell is repeated once per grid column
            continue
        seen.add(id(cell._tc))
        cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
    return CELL_SEPARATOR.join(cells)


def pieces_of(document: docx.document.Document) -> Pieces:
    """The document's body as lines, each with its place."""
    pieces = Pieces()
    paragraph = table = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text
            if text.strip():
                paragraph += 1
                pieces.add(text, Place(paragraph=paragraph))
            pieces.add("\n")
        elif isinstance(block, Table):
            table += 1
            for row_no, row in enumerate(block.rows, 1):
                pieces.add(_row_text(row), Place(table=table, row=row_no))
                pieces.add("\n")
    return pieces


def open_docx(data: bytes, name: str) -> docx.document.Document:
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as exc:
        raise ReadError(name, reason("corrupt_word", detail=type(exc).__name__)) from exc


def read(data: bytes, name: str) -> SourceText:
    return build(name, data, pieces_of(open_docx(data, name)), kind=KIND, encoding="docx")

"""Saved web pages (``.html``, ``.htm``, or a page saved as ``.txt``): ``trafilatura``.

Trafilatura keeps the article and drops the site's chrome (menus, breadcrumbs, sidebars,
footers); its metadata gives the title, kept as the first line so segmenting finds it,
and the publication date the page declares in its markup (``<meta>``, JSON-LD, ``<time>``:
trafilatura asks ``htmldate``, told not to search the text), which becomes the article's
date with its provenance (``year_source`` ``metadata``). Each line is one paragraph of the
page and keeps its number.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

import trafilatura

from etl.formats.layout import Pieces, build
from etl.models import Place, SourceText
from etl.reading import ReadError, decode
from etl.refusals import reason

KIND: Final[str] = "html"
# The start of an HTML document (after a BOM, blanks or comments).
_HTML_START_RE: Final[re.Pattern[str]] = re.compile(
    r"\A\ufeff?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|meta|body)\b",
    re.IGNORECASE | re.DOTALL,
)
_SNIFF_CHARS: Final[int] = 4096
# Only dates the page's markup states: the text's own dates are etl.dating's to weigh.
_DATE_PARAMS: Final[dict[str, bool]] = {"extensive_search": False, "original_date": True}


def looks_like_html(text: str) -> bool:
    """The text is an HTML page (whatever its file is called)."""
    return bool(_HTML_START_RE.match(text[:_SNIFF_CHARS]))


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def read_text(html: str, data: bytes, name: str, encoding: str) -> SourceText:
    """The page's main text, title first, with its declared publication date."""
    extracted = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_recall=True,
        date_extraction_params=_DATE_PARAMS,
    )
    if extracted is None:
        raise ReadError(name, reason("web_no_text"))
    found = extracted if isinstance(extracted, dict) else extracted.as_dict()
    if not (found.get("text") or "").strip():
        raise ReadError(name, reason("web_no_text"))
    lines = [line for line in str(found["text"]).split("\n") if line.strip()]
    title = (found.get("title") or "").strip()
    pieces = Pieces()
    if title and (not lines or lines[0].strip() != title):
        pieces.add(title, Place(paragraph=0))
        pieces.add("\n")
    pieces.extend((line, Place(paragraph=n)) for n, line in enumerate(lines, 1))
    return build(
        name, data, pieces, kind=KIND, encoding=encoding, published=_date(found.get("date"))
    )


def read(data: bytes, name: str) -> SourceText:
    html, encoding = decode(data, name)
    return read_text(html, data, name, encoding)

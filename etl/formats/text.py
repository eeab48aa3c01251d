"""Plain text (``etl.reading``), or a web page that was saved under a ``.txt`` name."""

from __future__ import annotations

from etl.formats import web
from etl.models import SourceText
from etl.reading import decode, read_bytes


def read(data: bytes, name: str) -> SourceText:
    """A text file as ``etl.reading`` reads it; an HTML page by its content, as a page."""
    text, encoding = decode(data, name)
    if web.looks_like_html(text):
        return web.read_text(text, data, name, encoding)
    return read_bytes(data, name)

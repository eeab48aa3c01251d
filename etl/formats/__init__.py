"""Reading every supported file format into the ETL's text model (:class:`SourceText`).

One module per format: ``text`` (plain text, via ``etl.reading``), ``web`` (saved pages),
``word`` (``.docx``), ``legacy`` (``.doc``/``.wps`` through LibreOffice), ``pdf`` (text
layer, scanned pages by ``ocr``), ``ocr`` (images), ``archive`` (``.zip``); ``registry``
picks the reader by content. Each yields raw text, clean text and the origin map as
``etl.reading`` does, plus a per-character place (page, line, paragraph, table row).

The API for callers (the ingest command, the upload page):

* :data:`SUPPORTED_SUFFIXES`: the suffixes a folder's ingest reads;
* :func:`read_path` (a file on disk) and :func:`read_upload` (a name and bytes), each
  returning a list of :class:`SourceText`, one per document (a zip gives one per member),
  with a :class:`ReadError` in place of a member that could not be read; a file that
  cannot be read at all raises :class:`ReadError` (its message is ``<file>: <reason>``).
"""

from etl.formats.registry import (
    SUPPORTED_SUFFIXES,
    Document,
    read_path,
    read_upload,
    sniff,
    supported,
)
from etl.formats.registry import (
    read_path as read_document,
)
from etl.reading import ReadError

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Document",
    "ReadError",
    "read_document",
    "read_path",
    "read_upload",
    "sniff",
    "supported",
]

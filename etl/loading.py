"""A processed document as the rows the database stores, written through ``db.write``.

The statements, the transaction and the copy-and-swap of the file are the write gateway's
(``db/write.py``); this module only turns the ETL's records into rows, with the columns
``db.columns`` declares, and hands out ids.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from db import write
from db.columns import ARTICLE_COLUMNS, CLAIM_COLUMNS
from db.errors import DocumentRefused
from db.sql import Con
from etl.models import ArticleRecord, ClaimRecord, DocumentResult
from etl.refusals import reason

# What turning a record into Arrow raises for a value no column can hold (an integer
# beyond 64 bits, a string that is not Unicode text).
UNCONVERTIBLE = (pa.ArrowException, OverflowError, UnicodeError)


class IdCounter:
    """Next free ids of the three tables; ingest is the only writer, so they live in memory
    after one look at the database instead of a max() query per document."""

    def __init__(self, con: Con) -> None:
        self.next = write.next_ids(con)

    def take(self, table: str, count: int) -> int:
        first = self.next[table]
        self.next[table] = first + count
        return first


def _table(columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> pa.Table:
    """Rows (tuples in ``columns`` order) as an Arrow table, column by column."""
    values: list[list[Any]] = [[] for _ in columns]
    for row in rows:
        for column, value in zip(values, row, strict=True):
            column.append(value)
    return pa.table(dict(zip(columns, values, strict=True)))


def article_table(articles: list[ArticleRecord], doc_id: int, first_id: int) -> pa.Table:
    """The articles as rows of ``articles`` (``ARTICLE_COLUMNS``)."""
    return _table(ARTICLE_COLUMNS, [
        (
            first_id + i, doc_id, a.source, a.seq, a.line, a.title, a.region, a.region_code,
            a.province, a.prefecture, a.tier, a.region_status, a.region_as_written,
            list(a.region_candidates) or None, a.region_basis, a.region_confidence,
            a.region_evidence, a.date, a.year, a.year_inferred, a.year_source, a.text,
        )
        for i, a in enumerate(articles)
    ])  # fmt: skip


def claim_table(
    claims: list[ClaimRecord], doc_id: int, article_ids: dict[int, int], first_id: int
) -> pa.Table:
    """The claims as rows of ``claims`` (``CLAIM_COLUMNS``)."""
    return _table(CLAIM_COLUMNS, [
        (
            first_id + i, article_ids[c.article_seq], doc_id, c.source, c.line, c.claim_line,
            c.region, c.region_code, c.province, c.tier, c.year, c.metric, c.category,
            float(c.value), c.unit, c.approx, c.rate, c.is_part, c.period_start, c.period_end,
            c.period_text, c.value_text, c.quote, c.quote_start, c.quote_end, c.value_start,
            c.value_end, c.rule, c.suspect, c.suspect_reason, c.page, c.location, c.ocr,
            c.period_kind, c.covers_start, c.covers_end,
        )
        for i, c in enumerate(claims)
    ])  # fmt: skip


def document_key(path: Path) -> str:
    """What identifies a document with its content: the file's absolute path (two files
    of the same name in two folders are two documents)."""
    return str(Path(path).resolve())


def write_document(
    con: Con,
    result: DocumentResult,
    path: Path,
    ids: IdCounter,
    replace: int | None,
    *,
    key: str | None = None,
    original: str | None = None,
) -> None:
    """Write one document's rows in one transaction, replacing the rows of document
    ``replace`` (its earlier doc_id) if given. ``key`` is stored as its path instead of
    the file's own (an upload is keyed by its name: ``etl.uploads``), ``original`` names
    its kept original file. Rows that cannot be stored raise :class:`DocumentRefused` and
    nothing of this document is written."""
    doc, seg = result.document, result.segmentation
    doc_id = ids.take("documents", 1)
    stored_path = key or document_key(path)
    document = {
        "doc_id": doc_id, "source": doc.name, "path": stored_path, "sha256": doc.sha256,
        "encoding": doc.encoding, "traditional": doc.traditional, "n_chars": doc.n_chars,
        "toc_entries": len(seg.toc_entries), "missing_from_body": list(seg.missing_from_body),
        "truncated": seg.truncated, "document_year": seg.document_year,
        "ingested_at": datetime.now(), "kind": doc.kind, "pages": doc.pages, "ocr": doc.ocr,
        "original": original,
    }  # fmt: skip
    first_article = ids.take("articles", len(result.articles))
    article_ids = {a.seq: first_article + i for i, a in enumerate(result.articles)}
    first_claim = ids.take("claims", len(result.claims))
    try:
        articles = article_table(result.articles, doc_id, first_article)
        claims = claim_table(result.claims, doc_id, article_ids, first_claim)
    except UNCONVERTIBLE as exc:
        why = reason("rows_not_stored", detail=f"{type(exc).__name__}: {exc}")
        raise DocumentRefused(why.en, why.zh) from exc
    write.write_document(con, document, articles, claims, replace=replace)

"""Reads of the 明细 page and of the evidence cards: claims with their quotes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from db import sql
from db.columns import CLAIM_ROW, EVIDENCE_ROW, claims_from, name, select
from db.filters import CLAIMS, Filters, where
from db.sql import Con

# Reading order: ids are given as ingest reads files, articles and numbers. Claims are
# stored in this order, so sorting by it is nearly free.
_CLAIM_ORDER = " ORDER BY c.claim_id"
CLAIMS_JOINED = claims_from()
CLAIMS_WITH_ARTICLE = claims_from(documents=False)
_FIELDS = ("provinces", "years", "tier", "metrics", "search", "no_ocr")


def _filtered(f: Filters) -> tuple[str, dict[str, Any]]:
    """The WHERE clause of the 明细 page's filters, shared by :func:`claim_count` and
    :func:`claim_table`, so the count above the table and its rows never disagree."""
    clause, params = where(f.of(CLAIMS), _FIELDS)
    return " WHERE " + clause, params


def _restricting(f: Filters) -> tuple[str, ...]:
    """The filters of :data:`_FIELDS` that restrict (an empty one is true of every claim)."""
    f = f.of(CLAIMS)
    return tuple(n for n in _FIELDS if (f.search.strip() if n == "search" else getattr(f, n)))


def _matching(f: Filters, fields: str) -> tuple[str, dict[str, Any]]:
    """``SELECT fields FROM … WHERE …`` of the claims matching the filters, reading only
    what they restrict: the claim's article only when a search reads its title, the
    documents never. Every claim has its article and at most one document (ingest writes
    them together, tests/test_ingest.py), so the join changes no row; leaving it out is
    what makes the count of every claim at ten million claims a count, not a join."""
    restricting = _restricting(f)
    clause, params = where(f.of(CLAIMS), restricting)
    source = CLAIMS_WITH_ARTICLE if "search" in restricting else " FROM claims c"
    return f"SELECT {fields}{source} WHERE {clause}", params


def claim_count(con: Con, f: Filters) -> int:
    """How many claims :func:`claim_table` returns for the same filters, without the rows.

    The 明细 page shows this count and one page of rows; at a million claims fetching
    every row to count them took seconds.
    """
    query, params = _matching(f, "count(*)")
    return int(sql.scalar(con, query, params))


def claim_table(con: Con, f: Filters, *, limit: int | None = None, offset: int = 0) -> pd.DataFrame:
    """The claims matching the filters (the 明细 page), ``limit`` of them from ``offset``.

    ``search`` is matched, case-insensitively and literally, against the quote, the
    number as written, the region (also as written), the article title and the file name.
    ``limit=None`` returns every matching claim (the downloads). Rows come in reading
    order (claim ids are given file by file, article by article, number by number as
    ingest reads them), unique, so consecutive pages never overlap or skip a row.

    Claims are stored in id order, so DuckDB finds any page of that order without
    sorting: page 1,000 of a million claims took 190 ms in province/region order, 1 ms in
    id order. A page is chosen by id first (reading only the columns the filters need)
    and its rows read after, as the evidence is (:data:`_PICKED`): a page's ids are
    neighbours, so only their row groups are read.
    """
    if limit is None and offset <= 0:
        clause, params = _filtered(f)
        return sql.df(con, select(CLAIM_ROW) + CLAIMS_JOINED + clause + _CLAIM_ORDER, params)
    page, params = _matching(f, "c.claim_id")
    page += _CLAIM_ORDER
    if limit is not None:
        page += " LIMIT $limit"
        params["limit"] = max(int(limit), 0)
    if offset > 0:
        page += " OFFSET $offset"
        params["offset"] = int(offset)
    ids = [int(i) for i in sql.column(con, page, params)]
    return sql.df(
        con, _PICKED + select(CLAIM_ROW) + _PICKED_JOINED + _CLAIM_ORDER, sql.id_range(ids)
    )


# The chosen claims are read first (a materialised CTE) and only they are joined: in a
# plain join DuckDB read the quote of every claim before applying the id filter (27 ms of
# a click's time at 1M claims for 20 cards, 5 ms this way). Their articles are picked the
# same way, with only the columns a row shows: joined to the whole table, DuckDB built its
# hash table from all of its articles (200 ms of a 明细 page at 10M claims, 40 ms this way).
_ARTICLE_FIELDS = (
    "article_id",
    *dict.fromkeys(name(f) for f in EVIDENCE_ROW if f.startswith("a.")),
)
_PICKED = (
    "WITH picked AS MATERIALIZED (SELECT * FROM claims"
    " WHERE claim_id BETWEEN $lo AND $hi AND claim_id = ANY($ids)),"
    f" picked_articles AS MATERIALIZED (SELECT {', '.join(_ARTICLE_FIELDS)} FROM articles"
    " WHERE article_id IN (SELECT article_id FROM picked)) "
)
_PICKED_JOINED = (
    " FROM picked c JOIN picked_articles a ON a.article_id = c.article_id"
    " LEFT JOIN documents d ON d.doc_id = c.doc_id"
)


def _outside_quote(rows: pd.DataFrame) -> pd.Series:
    """Rows whose number's span is not inside their quote's span: only these need their
    article's text to be highlighted (a card shows the article from the earlier start to
    the later end). Ingest cuts every quote around its number, so none does; a database
    written otherwise is still shown as it was."""
    return (rows["value_start"] < rows["quote_start"]) | (rows["value_end"] > rows["quote_end"])


def evidence(con: Con, claim_ids: Sequence[int]) -> pd.DataFrame:
    """The claims as cards show them, in document order.

    ``article_text`` (after ``path``) is the article's whole text for a row whose number
    lies outside its quote (:func:`_outside_quote`), else None: the quote is the article's
    text between the quote's offsets (ingest stores it so), which is all a card highlights
    from. Article texts are compressed in large blocks: reading the 16 texts behind a
    page of 40 cards took 45 to 80 ms at a million claims, more than the rest of a click.
    """
    rows = sql.df(
        con,
        _PICKED
        + select(EVIDENCE_ROW)
        + _PICKED_JOINED
        + " ORDER BY c.doc_id, c.article_id, c.value_start, c.claim_id",
        sql.id_range([int(i) for i in claim_ids]),
    )
    outside = _outside_quote(rows).fillna(False).astype(bool)
    wanted = [int(i) for i in rows.loc[outside, "article_id"].unique().tolist()]
    text = pd.Series([None] * len(rows), index=rows.index, dtype=object)
    if wanted:
        texts = sql.df(
            con,
            "SELECT article_id, text FROM articles"
            " WHERE article_id BETWEEN $lo AND $hi AND article_id = ANY($ids)",
            sql.id_range(wanted),
        )
        by_id = dict(zip(texts["article_id"].tolist(), texts["text"].tolist(), strict=True))
        text[outside] = [by_id.get(int(a)) for a in rows.loc[outside, "article_id"]]
    at = [name(f) for f in EVIDENCE_ROW].index("path") + 1
    rows.insert(at, "article_text", text)
    return rows

"""The floor of each dashboard read: the simplest DuckDB aggregate over the same rows.

``bench/bench_queries.py`` times every interaction beside one of these, in the same run
and on the same database, so that a slow figure can be told apart from a slow machine and
from work no dashboard could avoid: a ranking's floor sums the claims the ranking reads
per region (no value rule, no duplicates set aside, no figure, no cache), a 明细 page's
floor counts the matching claims and fetches one page of them as stored. Each takes the
page's :class:`~db.filters.Filters` and applies the same WHERE fragments as the read it
stands beside, so both go through the same rows. Nothing in the dashboard calls them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from db import sql
from db.columns import REGION_KEY
from db.filters import CLAIMS, RANKING, Filters, where
from db.ranking import CLAIMS_WITH_ARTICLE, _ranked_where, _region_where
from db.sql import Con

_CLAIM_FIELDS = ("provinces", "years", "tier", "metrics", "search")


def overview(con: Con) -> list[tuple[Any, ...]]:
    """Claims per document and per metric (with its years): the counts 总览 shows."""
    per_document = con.execute("SELECT doc_id, count(*) FROM claims GROUP BY doc_id").fetchall()
    per_metric = con.execute(
        "SELECT metric, count(*), min(year), max(year) FROM claims GROUP BY metric"
    ).fetchall()
    return per_document + per_metric


def ranking(con: Con, f: Filters, *, statuses: Sequence[str]) -> list[tuple[Any, ...]]:
    """The sum and count of a ranking's claims per region, largest first."""
    clause, params = _ranked_where(f.of(RANKING), statuses)
    return con.execute(
        f"SELECT {REGION_KEY} AS key, sum(c.value) AS total, count(*) {CLAIMS_WITH_ARTICLE}"
        f"{clause} GROUP BY key ORDER BY total DESC",
        params,
    ).fetchall()


def region(con: Con, f: Filters, key: str, *, statuses: Sequence[str]) -> list[tuple[Any, ...]]:
    """The sum and count of one region's claims in a ranking's scope (a click on its bar)."""
    clause, params = _ranked_where(f.of(RANKING), statuses)
    return con.execute(
        f"SELECT sum(c.value), count(*) {CLAIMS_WITH_ARTICLE}{clause} AND {REGION_KEY} = $key",
        {**params, "key": key},
    ).fetchall()


def comparison(con: Con, f: Filters, *, metrics: Sequence[str]) -> list[tuple[Any, ...]]:
    """The sum and count of the chosen regions' claims per region and metric."""
    clause, params = _region_where(f, metrics)
    return con.execute(
        f"SELECT {REGION_KEY} AS key, c.metric, sum(c.value), count(*) FROM claims c{clause}"
        " GROUP BY ALL",
        params,
    ).fetchall()


def claims_page(
    con: Con, f: Filters, *, limit: int, offset: int, count: bool = True
) -> tuple[int | None, Any]:
    """How many claims match the 明细 filters (unless ``count`` is false: a page turned,
    the count already known), and one page of them (every claim column, in id order).
    The article is joined only when the search reads its title."""
    f = f.of(CLAIMS)
    searched = bool(f.search.strip())
    clause, params = where(f, _CLAIM_FIELDS if searched else _CLAIM_FIELDS[:-1])
    source = " FROM claims c" + (" JOIN articles a USING (article_id)" if searched else "")
    total = (
        int(sql.scalar(con, "SELECT count(*)" + source + " WHERE " + clause, params))
        if count
        else None
    )
    page = con.sql(
        "SELECT c.*" + source + " WHERE " + clause + " ORDER BY c.claim_id"
        " LIMIT $limit OFFSET $offset",
        params={**params, "limit": limit, "offset": offset},
    ).to_arrow_table()
    return total, page


def claim(con: Con, claim_id: int) -> list[tuple[Any, ...]]:
    """One claim with its article's text (a row selected in 明细)."""
    return con.execute(
        "SELECT c.*, a.text FROM claims c JOIN articles a ON a.article_id = c.article_id"
        " WHERE c.claim_id = $id",
        {"id": int(claim_id)},
    ).fetchall()

"""The filter table (``db.filters.FILTERS``), row by row: each filter's URL parameter, SQL
fragment, pages and subtitle words, checked against the data and against a statement of
what the filter means written here in Python."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

import duckdb
import pytest

from db import filters
from db.filters import DEFAULTS, FILTERS, Filters
from tests.ocr_sample import OCR_NAME

Row = dict[str, Any]


def _key(c: Row) -> str | None:
    if c["region_code"]:
        return str(c["region_code"])
    if c["province"] and c["region"]:
        return f"{c['province']}/{c['region']}"
    return c["region"]


def _searched(text: str) -> Callable[[Row], bool]:
    def hit(c: Row) -> bool:
        where = [c["quote"], c["value_text"], c["region"] or c["region_as_written"] or "",
                 c["title"] or "", c["source"]]  # fmt: skip
        return any(text.lower() in str(w).lower() for w in where)

    return hit


# field → (a value, what the filter keeps, its words in a subtitle, pages that read it)
CASES: dict[str, tuple[Filters, Callable[[Row], bool], str | None, set[str]]] = {
    "tier": (Filters(tier="county"), lambda c: c["tier"] == "county", "县级（县、区、县级市）",
             {"ranking", "claims"}),
    "provinces": (Filters(provinces=("河南省",)), lambda c: c["province"] == "河南省", "河南省",
                  {"ranking", "claims"}),
    "years": (Filters(years=(2023,)), lambda c: c["year"] == 2023, "2023年",
              {"ranking", "compare", "claims"}),
    "metric": (Filters(metric="funds"), lambda c: c["metric"] == "funds", None,
               {"ranking", "trend"}),
    "category": (Filters(metric="funds", category="preferential_payments"),
                 lambda c: c["category"] == "preferential_payments", "优待抚恤和生活补助",
                 {"ranking", "trend"}),
    "regions": (Filters(regions=("410300", "甘肃省/陇东市")),
                lambda c: _key(c) in {"410300", "甘肃省/陇东市"}, "2个地区", {"compare"}),
    "metrics": (Filters(metrics=("funds", "people_resettled")),
                lambda c: c["metric"] in {"funds", "people_resettled"}, None, {"claims"}),
    "search": (Filters(search="洛阳"), _searched("洛阳"), "搜索“洛阳”", {"claims"}),
    "scope": (Filters(metric="funds", scope="span"),
              lambda c: c["period_kind"] in {"span", "as_of"}, "口径：多年累计",
              {"ranking", "compare"}),
    "since": (Filters(metric="funds", scope="span", since=2016),
              lambda c: c["covers_start"] == 2016, "2016年起", {"ranking", "compare"}),
    "home": (Filters(home="410300"), lambda c: _key(c) == "410300", None, set()),
    "trend_regions": (Filters(trend_regions=("410300", "甘肃省/陇东市")),
                      lambda c: _key(c) in {"410300", "甘肃省/陇东市"}, None, {"trend"}),
    "no_ocr": (Filters(no_ocr=True), lambda c: c["source"] != OCR_NAME, "不含OCR识别的数字",
               {"ranking", "compare", "claims", "trend"}),
}  # fmt: skip


def test_every_field_of_filters_is_a_row_of_the_table() -> None:
    assert [f.field for f in FILTERS] == list(CASES)
    assert {f.name for f in fields(Filters)} == set(CASES)
    assert len({f.param for f in FILTERS}) == len(FILTERS)  # no two share a parameter


def _claims(con: duckdb.DuckDBPyConnection, clause: str, params: dict[str, Any]) -> list[Row]:
    cursor = con.execute(
        "SELECT c.*, a.title, a.region_as_written FROM claims c"
        f" JOIN articles a ON a.article_id = c.article_id WHERE {clause} ORDER BY c.claim_id",
        params,
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


@pytest.mark.parametrize("row", FILTERS, ids=[f.field for f in FILTERS])
def test_each_filter_row(ocr_con: duckdb.DuckDBPyConnection, row: filters.Filter) -> None:
    """On the sample with one photographed report (its claims the only OCR-read ones)."""
    con = ocr_con
    chosen, keeps, words, pages = CASES[row.field]
    # URL: only this filter's parameter is written (the metric's too where it is chosen
    # with it), and it reads back to the same value.
    params = filters.to_params(chosen)
    assert row.param in params
    assert filters.from_params(lambda name: params.get(name, [])) == chosen
    # SQL: the fragment keeps exactly the claims the filter means, some but not all.
    every = _claims(con, "TRUE", {})
    clause, bound = filters.where(chosen, [row.field])
    kept = [c["claim_id"] for c in _claims(con, clause, bound)]
    assert kept == [c["claim_id"] for c in every if keeps(c)]
    assert 0 < len(kept) < len(every)
    if row.keyed_sql is not None:
        # On the stored copy of the claims, which holds each one's region key: the same
        # claims of those it holds.
        clause, bound = filters.where(chosen, [row.field], keyed=True)
        stored = con.execute(
            f"SELECT c.claim_id FROM rule_claims c WHERE {clause} ORDER BY c.claim_id", bound
        ).fetchall()
        held = {r[0] for r in con.execute("SELECT claim_id FROM rule_claims").fetchall()}
        assert [r[0] for r in stored] == [k for k in kept if k in held] != []
        clause, bound = filters.where(DEFAULTS, [row.field], keyed=True)
        every_held = con.execute(f"SELECT count(*) FROM rule_claims c WHERE {clause}", bound)
        assert every_held.fetchone() == (len(held),)
    # Empty, it restricts nothing.
    clause, bound = filters.where(DEFAULTS, [row.field])
    if row.field != "metric":  # the one filter that always holds a value
        assert len(_claims(con, clause, bound)) == len(every)
    # Pages and words.
    assert set(row.pages) == pages
    assert row.words(chosen) == words
    for page in ("ranking", "compare", "claims", "trend"):
        narrowed = chosen.of(page)
        value = getattr(narrowed, row.field)
        assert value == (
            getattr(chosen, row.field) if page in pages else getattr(DEFAULTS, row.field)
        )


def test_a_fund_category_is_dropped_where_the_metric_has_none() -> None:
    f = Filters(metric="honour_national", category="preferential_payments")
    assert f.of("ranking").category == ""
    assert "资金" not in filters.subtitle(f, "ranking")


def test_the_subtitle_says_every_filter_a_page_reads_in_table_order() -> None:
    f = Filters(tier="prefecture", provinces=("甘肃省", "河南省"), years=(2022, 2023),
                metric="funds")  # fmt: skip
    assert (
        filters.subtitle(f, "ranking")
        == "地级（市、州、盟） · 甘肃省、河南省 · 2022—2023年 · 全部类别"
        " · 口径：单一年度（按数字所指年份）"
    )


def test_filters_round_trip_through_params() -> None:
    f = Filters(
        provinces=("甘肃省", "河南省"),
        years=(2022, 2023),
        tier="county",
        metric="funds",
        category="preferential_payments",
        regions=("620700",),
        metrics=("funds",),
        search="张掖",
        home="620700",
        trend_regions=("620700", "410300"),
    )
    params = filters.to_params(f)
    assert params["province"] == ["甘肃省", "河南省"]
    assert filters.from_params(lambda k: params.get(k, [])) == f
    assert filters.to_params(Filters()) == {}
    assert hash(f) == hash(filters.from_params(lambda k: params.get(k, [])))  # a cache key


def test_params_parsing_drops_what_cannot_be_right() -> None:
    raw = {"year": ["2023", "x", "2023"], "tier": ["bogus"], "region": [str(i) for i in range(20)],
           "trend": [str(i) for i in range(20)], "home": ["9" * 100],
           "no_ocr": ["yes"]}  # fmt: skip
    f = filters.from_params(lambda k: raw.get(k, []))
    assert f.years == (2023,)
    assert f.tier == ""
    assert len(f.regions) == len(f.trend_regions) == filters.MAX_REGIONS
    assert f.home == "9" * filters.MAX_KEY
    assert f.no_ocr is False  # only ?no_ocr=1, as written, sets it

"""统计口径 and 数据冲突 end to end: reports of our own are ingested, and the rankings the
service gives (stored values, or the rule on the claims) are checked against what each
口径 means.

* 单一年度: a 2024 report's 2023 figure ranks under 2023, not under 2024; a cumulative
  (2016年以来) figure never appears in it.
* 多年累计: only figures starting in the same year are ranked together by default.
* 数据冲突: two documents giving one period different values → the later publication's
  value, the bar marked, and both quotes side by side.
* 重复报道: the same value in two documents is one figure, counted once.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import duckdb
import pandas as pd
import pytest

from dashboard_lib import service
from db import filters, ranking
from db.filters import Filters
from etl.ingest import run_ingest
from valuation import registry
from valuation.outcome import Ranking

P = ParamSpec("P")
T = TypeVar("T")

LUOYANG = "410300"
KAIFENG = "410200"
# 洛阳's yearly report, published in January 2024: its 2023 figure, a 2016年以来 total and
# a figure of 2024 itself.
REPORT = """洛阳市2023年双拥工作总结
2024年1月10日
2023年，全市投入拥军资金500万元，慰问驻地部队官兵。
2016年以来，全市累计投入拥军资金3亿元。
今年计划投入拥军资金800万元。
"""
# A later notice correcting the 2023 figure (数据冲突 with the report).
CORRECTION = """洛阳市双拥工作情况通报
2024年3月1日
2023年，全市投入拥军资金520万元，慰问驻地部队官兵。
"""
# A reprint of the report's 2023 figure with the same value (重复报道).
REPRINT = """洛阳市双拥工作简报
2024年2月1日
2023年，全市投入拥军资金500万元，慰问驻地部队官兵。
"""
# 开封 reports 2023 and a total since 2019 (another start year than 洛阳's).
OTHER = """开封市2023年双拥工作总结
2024年1月20日
2023年，全市投入拥军资金300万元，走访慰问优抚对象。
2019年以来，全市累计投入拥军资金9000万元。
2016年以来，全市累计投入拥军资金2亿元。
"""


class _Source:
    """The service's Source on one connection, nothing kept (what data.py caches)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def run(self, fn: Callable[Concatenate[Any, P], T], *args: P.args, **kw: P.kwargs) -> T:
        return fn(self.con, *args, **kw)

    def rule_version(self) -> int | None:
        return service.rule_version(self)

    def regions(self) -> pd.DataFrame:
        return service.regions(self)

    def computed_ranking(self, f: Filters) -> Ranking:
        return service.computed_ranking(self, f)

    def computed_comparison(self, f: Filters) -> Any:
        return service.computed_comparison(self, f)


def _database(tmp_path: Path, **texts: str) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    err = io.StringIO()
    path = tmp_path / "db.duckdb"
    assert run_ingest([folder], path, err, progress=False) == 0, err.getvalue()
    return path


@pytest.fixture()
def src(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[_Source]:
    path = _database(tmp_path, **request.param)
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield _Source(con)
    finally:
        con.close()


def _values(src: _Source, f: Filters, *, stored: bool) -> dict[str, tuple[float, int]]:
    """region code → (value, conflicts) of a funds ranking of prefectures, read from the
    stored values or computed from the claims."""
    f = service.ranking_filters(src, replace(f, metric="funds", tier="prefecture"))
    table = service.read_ranking(src, f).table if stored else src.computed_ranking(f).table
    return {str(r.region_code): (float(r.value), int(r.conflicts)) for r in table.itertuples()}


BOTH = pytest.mark.parametrize("stored", [True, False], ids=["stored", "computed"])


@BOTH
@pytest.mark.parametrize("src", [{"report": REPORT, "other": OTHER}], indirect=True)
@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        pytest.param(Filters(scope="single", years=(2023,)),
                     {LUOYANG: (5e6, 0), KAIFENG: (3e6, 0)}, id="single-2023"),
        pytest.param(Filters(scope="single", years=(2024,)), {LUOYANG: (8e6, 0)},
                     id="single-2024-is-not-the-articles-year"),
        # No year chosen: the latest year two regions have (2023), not 2024, 洛阳's alone.
        pytest.param(Filters(scope="single"), {LUOYANG: (5e6, 0), KAIFENG: (3e6, 0)},
                     id="single-latest-year-of-two-regions"),
        pytest.param(Filters(scope="span", since=2016), {LUOYANG: (3e8, 0), KAIFENG: (2e8, 0)},
                     id="span-since-2016"),
        pytest.param(Filters(scope="span", since=2019), {KAIFENG: (9e7, 0)},
                     id="span-since-2019"),
        pytest.param(Filters(scope="span"), {LUOYANG: (3e8, 0), KAIFENG: (2e8, 0)},
                     id="span-default-start-most-regions"),
        # 全部 as before: the article's year; 今年800万 and 2019年以来9000万 are held in the
        # 2016年以来 totals of their articles, the 慰问 figures are another category.
        pytest.param(Filters(scope="all", years=(2024,)),
                     {LUOYANG: (3.05e8, 0), KAIFENG: (2.03e8, 0)}, id="all-articles-year"),
    ],
)  # fmt: skip
def test_each_scope_ranks_what_its_figures_cover(
    src: _Source, chosen: Filters, expected: dict[str, tuple[float, int]], stored: bool
) -> None:
    assert _values(src, chosen, stored=stored) == expected


@BOTH
@pytest.mark.parametrize("src", [{"report": REPORT, "other": OTHER}], indirect=True)
def test_a_cumulative_figure_is_never_in_a_single_year_ranking(src: _Source, stored: bool) -> None:
    for year in service.scope_years(src, Filters(metric="funds", tier="prefecture")):
        f = Filters(scope="single", years=(year,))
        values = {v for v, _ in _values(src, f, stored=stored).values()}
        assert not values & {3e8, 2e8, 9e7}, year
    assert service.scope_years(src, Filters(metric="funds", tier="prefecture")) == [2023, 2024]


@BOTH
@pytest.mark.parametrize(
    ("src", "later"),
    [
        pytest.param({"report": REPORT, "correction": CORRECTION}, 5.2e6, id="larger"),
        pytest.param({"report": REPORT, "correction": CORRECTION.replace("520", "480")}, 4.8e6,
                     id="smaller-still-wins"),
    ],
    indirect=["src"],
)  # fmt: skip
def test_a_later_document_with_another_value_is_a_conflict_it_wins(
    src: _Source, later: float, stored: bool
) -> None:
    f = Filters(scope="single", years=(2023,))
    assert _values(src, f, stored=stored) == {LUOYANG: (later, 1)}
    roles = service.ranking_roles(
        src, service.ranking_filters(src, replace(f, metric="funds", tier="prefecture")), LUOYANG
    )
    assert sorted(roles["role"]) == [registry.CONFLICT, registry.COUNTED]
    dropped = roles[roles["role"] == registry.CONFLICT]["claim_id"].tolist()
    sides = service.conflicts(src, dropped)
    assert [
        (r.dropped_value, r.dropped_quote, r.kept_value, r.kept_quote, r.kept_source)
        for r in sides.itertuples()
    ] == [
        (5e6, "全市投入拥军资金500万元", later, f"全市投入拥军资金{later / 1e4:.0f}万元",
         "correction.txt"),
    ]  # fmt: skip


@BOTH
@pytest.mark.parametrize("src", [{"report": REPORT, "reprint": REPRINT}], indirect=True)
def test_the_same_value_in_two_documents_is_counted_once(src: _Source, stored: bool) -> None:
    f = Filters(scope="single", years=(2023,))
    assert _values(src, f, stored=stored) == {LUOYANG: (5e6, 0)}
    roles = service.ranking_roles(
        src, service.ranking_filters(src, replace(f, metric="funds", tier="prefecture")), LUOYANG
    )
    assert sorted(roles["role"]) == [registry.COUNTED, registry.DUPLICATE]


@pytest.mark.parametrize("src", [{"report": REPORT}], indirect=True)
def test_the_subtitle_states_the_scope_it_was_formed_in(src: _Source) -> None:
    f = service.ranking_filters(src, Filters(metric="funds", tier="prefecture"))
    assert (f.scope, f.years) == ("single", (2024,))  # one region only: the fallback year
    assert filters.subtitle(f, "ranking").endswith(
        "2024年 · 全部类别 · 口径：单一年度（按数字所指年份）"
    )
    span = service.ranking_filters(src, replace(f, scope="span", years=()))
    assert filters.subtitle(span, "ranking").endswith("口径：多年累计 · 2016年起")
    honours = service.ranking_filters(src, Filters(metric="honour_national", scope="single"))
    assert honours.scope == "all"  # an honour count is cumulative: ranked over 全部 only
    assert ranking.span_starts(src.con, span)["start"].tolist() == [2016]


class _Stale(_Source):
    """The same database as if its stored values were not current (an ingest that did
    not finish): every read is the rule on the claims."""

    def rule_version(self) -> int | None:
        return None


@pytest.mark.parametrize("src", [{"report": REPORT, "other": OTHER}], indirect=True)
def test_without_current_stored_values_the_defaults_come_from_the_claims(src: _Source) -> None:
    stale = _Stale(src.con)
    f = Filters(metric="funds", tier="prefecture", scope="single")
    assert service.ranking_filters(stale, f).years == service.ranking_filters(src, f).years
    assert service.scope_years(stale, f) == service.scope_years(src, f) == [2023, 2024]
    assert _values(stale, Filters(scope="single"), stored=True) == {
        LUOYANG: (5e6, 0),
        KAIFENG: (3e6, 0),
    }
    span = service.ranking_filters(stale, replace(f, scope="span"))
    assert span.since == filters.EVERY_START  # every start year: no stored counts to choose by

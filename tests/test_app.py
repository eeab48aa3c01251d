"""Every page under Streamlit's AppTest, on the synthetic database.

AppTest renders nothing and sees no Plotly click, so the chart is checked through its
figure JSON (``proto.spec``) and the evidence through the list picker that sits beside
each chart; the click path itself is for the browser test.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard_lib import data, downloads, evidence, export, tables
from dashboard_lib.widgets import paging
from db.filters import Filters
from tests.conftest import SCRIPT, gold_articles, gold_claims, holding
from tests.ocr_sample import OCR_HONOURS, OCR_REGION

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "'; DROP TABLE claims; --"
PAGES = ["app_pages/ranking.py", "app_pages/compare.py", "app_pages/claims.py"]
# The 口径 that ranks every figure by its article's year, whatever period it covers: what
# the tests of the sample's values below were written for (单一年度 is the default).
ALL_PERIODS = {"scope": "all"}


def start(query: dict[str, Any] | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(autouse=True)
def _database(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUANGYONG_DB", str(sample_db))


def bars(at: AppTest, index: int = 0) -> list[tuple[str, str]]:
    """(label, text) of each bar of the page's chart, top to bottom."""
    spec = json.loads(at.get("plotly_chart")[index].proto.spec)
    trace = spec["data"][0]
    return list(zip(trace["y"], trace["text"], strict=True))


def texts(at: AppTest) -> str:
    parts = [*at.caption, *at.info, *at.markdown, *at.warning, *at.success, *at.title]
    return "\n".join(str(p.value) for p in parts)


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


# ------------------------------------------------------------------------- 总览


def test_overview_shows_contents_sources_unplaced_and_freshness(
    con: duckdb.DuckDBPyConnection,
) -> None:
    at = start()
    metrics = {m.label: m.value for m in at.metric}
    articles = gold_articles()
    years = sorted({a["year"] for a in articles})
    assert metrics["文件"] == str(len({a["file"] for a in articles}))
    assert metrics["数据条数"] == f"{len(gold_claims()):,}"
    assert metrics["年份"] == f"{years[0]}—{years[-1]}"
    last = con.execute("SELECT max(ingested_at) FROM documents").fetchall()[0][0]
    assert f"最近入库：{last:%Y-%m-%d %H:%M}" in texts(at)
    frames = [d.value for d in at.dataframe]
    sources = frames[1]["文件"].tolist()
    assert sorted(sources) == sorted({a["file"] for a in articles})
    region_decided, year_decided = frames[2], frames[3]
    assert region_decided["文章数"].sum() == sum(a["status"] == "resolved" for a in articles)
    assert "标题中的地名" in set(region_decided["地区判定依据"])
    assert set(region_decided["把握"]) <= {"把握大", "把握一般"}
    assert year_decided["文章数"].sum() == len(articles)
    assert "标题下的日期" in set(year_decided["年份来源"])
    unplaced = frames[4]
    assert len(unplaced) == sum(a["status"] != "resolved" for a in articles)
    assert any("同名" in s for s in unplaced["状况"])
    assert all(unplaced["依据"].str.len() > 0)  # every unplaced article says why


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(page: str) -> None:
    ok(start(page=page))


# ------------------------------------------------------------------------- 排名


def honours(tier: str = "prefecture", province: str | None = None) -> list[tuple[str, str]]:
    """The bars of a national-honours ranking as the hand-labelled claims give them: each
    placed region's largest count, largest first, equal counts by name."""
    best: dict[str, int] = {}
    for c in gold_claims():
        placed = c["status"] in ("resolved", "not_found")
        chosen = province is None or c["province"] == province
        if c["metric"] == "honour_national" and placed and c["tier"] == tier and chosen:
            best[c["region"]] = max(best.get(c["region"], 0), c["value"])
    return [(r, f"{v}次") for r, v in sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))]


def test_ranking_default_is_national_honours_of_prefectures() -> None:
    at = start(page="app_pages/ranking.py")
    assert bars(at) == honours()
    assert bars(at)[:2] == [("保定市", "9次"), ("延安市", "9次")]  # 连续9届获此殊荣; 九连冠
    assert "1 条数据因地区无法确定未计入" in texts(at)  # X市 (blanked)
    assert len(at.get("plotly_chart")) == 1  # one chart, the ranking's
    chart = at.get("plotly_chart")[0].proto
    config = json.loads(chart.config)
    assert config["toImageButtonOptions"]["width"] >= 1600
    assert config["toImageButtonOptions"]["filename"].startswith("双拥排名_全国双拥模范_地级")


def test_a_long_ranking_draws_its_first_bars_and_lists_every_region(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(paging, "DEFAULT_BARS", 2)
    monkeypatch.setattr(paging, "BAR_CHOICES", (2, 3))
    at = start(page="app_pages/ranking.py")
    assert bars(at) == honours()[:2]
    spec = json.loads(ok(at).get("plotly_chart")[0].proto.spec)
    n = len(honours())
    assert f"前2名（共{n}个地区）" in spec["layout"]["title"]["subtitle"]["text"]
    assert len(at.dataframe[0].value) == n  # the table lists every region


def _subtitle(at: AppTest) -> str:
    return str(
        json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["subtitle"]["text"]
    )


@pytest.mark.parametrize(
    ("query", "expected", "words"),
    [
        # 单一年度 2023: the figures that cover 2023, whatever year the article has; 许昌's
        # 2020年以来 total and its 2024 figures are not in it.
        pytest.param({"scope": "single", "year": "2023"},
                     {"鹤壁市": "300万元", "许昌市": "1,270余万元"},
                     "2023年 · 全部类别 · 口径：单一年度（按数字所指年份）", id="single-2023"),
        # 全部 by the article's year: SPECIAL's 2024 article puts 鹤壁's 2023 figure in 2024.
        pytest.param({"scope": "all", "year": "2023"}, {"鹤壁市": None},
                     "2023年 · 全部类别 · 口径：全部（按报道年份，含各类期间）", id="all-2023"),
        pytest.param({"scope": "all"},
                     {"鹤壁市": "300万元（2023年）", "许昌市": "1,473余万元 · 口径不一"},
                     "全部年份 · 全部类别 · 口径：全部（按报道年份，含各类期间）", id="all"),
        # No year chosen: 单一年度 opens on the latest year two regions have values for
        # (2023), not on 2024, where 洛阳 is alone.
        pytest.param({"scope": "single"}, {"洛阳市": None, "鹤壁市": "300万元"},
                     "2023年 · 全部类别 · 口径：单一年度（按数字所指年份）", id="single-latest"),
    ],
)  # fmt: skip
def test_the_scope_in_the_url_changes_the_ranking_and_its_subtitle(
    query: dict[str, str], expected: dict[str, str | None], words: str
) -> None:
    at = start({"metric": "funds", **query}, page="app_pages/ranking.py")
    labels = dict(bars(ok(at)))
    assert {region: labels.get(region) for region in expected} == expected
    assert _subtitle(at).endswith(words)


def test_ranking_metric_changes_the_chart() -> None:
    at = start(ALL_PERIODS, page="app_pages/ranking.py")
    at.sidebar.selectbox(key="flt.ranking.metric").set_value("funds").run()
    labels = dict(bars(ok(at)))
    assert labels["鹤壁市"] == "300万元（2023年）"  # SPECIAL: 2023年安排…专项资金300万元
    assert labels["保定市"] == "10万元"  # 001#29: 买房优惠了10万块钱
    # 001#13 and its reprint 002 are one report: 许昌's figures are counted once.
    assert labels["许昌市"] == "1,473余万元 · 口径不一"
    assert at.query_params["metric"] == "funds"


def test_ranking_tier_changes_the_chart() -> None:
    at = start(page="app_pages/ranking.py")
    at.sidebar.radio(key="flt.ranking.tier").set_value("county").run()
    # No county reports a national honour; the ambiguous 城关区 does, and is left out.
    assert honours("county") == []
    assert not ok(at).get("plotly_chart")
    assert "1 条数据因地区无法确定未计入" in texts(at)
    at.sidebar.selectbox(key="flt.ranking.metric").set_value("funds").run()
    counties = {
        c["region"]
        for c in gold_claims()
        if (c["tier"], c["status"], c["metric"]) == ("county", "resolved", "funds")
    }
    assert {name for name, _ in bars(ok(at))} == counties
    assert "1 条数据因地区无法确定未计入" in texts(at)  # 城关区: 2023年投入双拥资金500万元


def test_ranking_province_changes_the_chart() -> None:
    at = start(page="app_pages/ranking.py")
    at.sidebar.multiselect(key="flt.ranking.provinces").set_value(["河南省"]).run()
    assert bars(ok(at)) == honours(province="河南省")
    assert [b[0] for b in bars(at)] == ["开封市", "洛阳市", "安阳市", "许昌市", "鹤壁市"]
    assert at.query_params["province"] == "河南省"


def test_ranking_without_ocr_read_claims_drops_the_photographed_region(
    ocr_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 舟山市's only claim is in a photograph (tests/ocr_sample.py): its 四次 read by OCR.
    monkeypatch.setenv("SHUANGYONG_DB", str(ocr_db))
    at = start(page="app_pages/ranking.py")
    every = bars(ok(at))
    assert (OCR_REGION, OCR_HONOURS) in every
    at.sidebar.checkbox(key="flt.ranking.no_ocr").check().run()
    assert bars(ok(at)) == [b for b in every if b[0] != OCR_REGION] == honours()
    assert at.query_params["no_ocr"] == "1"
    assert "不含OCR识别的数字" in _subtitle(at)
    at.sidebar.checkbox(key="flt.ranking.no_ocr").uncheck().run()
    assert bars(ok(at)) == every
    assert "no_ocr" not in at.query_params


def test_ranking_year_changes_the_chart_and_marks_a_differing_period() -> None:
    at = start({"metric": "children_schooled", **ALL_PERIODS}, page="app_pages/ranking.py")
    at.sidebar.multiselect(key="flt.ranking.years").set_value([2024]).run()
    # 000 (2024): "2020 年以来落实军人子女入学优待 1500 余名"; SPECIAL (2024): "今年新增随军
    # 子女入学0人". Two periods, neither most bars': each bar says which it covers.
    assert bars(ok(at)) == [("洛阳市", "1,500余人（2020—2024年）"), ("鹤壁市", "0人（2024年）")]


def test_ranking_fund_category() -> None:
    at = start(
        {"metric": "funds", "category": "veterans_aid", "province": "河南省", **ALL_PERIODS},
        page="app_pages/ranking.py",
    )
    # 000: "2020 年以来…投入资金 4000 余万元"; 001#13: "投入资金400余万元", "协调地方帮扶资金
    # 200余万元"; 001#16: "今年7月…3000元红包".
    assert bars(at) == [
        ("洛阳市", "4,000余万元（2020—2024年）"),
        ("许昌市", "600余万元"),
        ("濮阳市", "3,000元（2023年）"),
    ]


def test_ranking_empty_result_says_so() -> None:
    at = start({"tier": "county", "province": "安徽省"}, page="app_pages/ranking.py")
    assert not at.get("plotly_chart")
    assert "没有符合筛选条件的数据" in texts(at)


def test_ranking_evidence_escapes_html_and_marks_the_number() -> None:
    at = start(
        {"metric": "funds", "province": "河南省", **ALL_PERIODS}, page="app_pages/ranking.py"
    )
    at.selectbox(key="ranking.evidence").set_value("410600").run()  # 鹤壁市 (SPECIAL)
    html = "".join(h.value for h in ok(at).html)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert ">300万元</mark>" in html


def test_ranking_evidence_shows_duplicates_rates_and_parts() -> None:
    # 张掖 is reported twice in 001 (#1 and #20): the fuller #20 counts, #1's figures that
    # #20 states again are reprints; its 每人每月300元/500元 are standards.
    at = start({"metric": "funds", "year": "2023", **ALL_PERIODS}, page="app_pages/ranking.py")
    at.selectbox(key="ranking.evidence").set_value("620700").run()
    html = [h.value for h in ok(at).html]
    assert "重复报道（只计一次）" in html[0]
    assert "标准类数字" in html[1]
    assert "未计入的数据（9 条）" in [e.label for e in at.expander]  # 5 overlaps, 4 rates
    # 汉中 (001#6): "投入资金2.5亿元（其中市本级1.04亿元）" and "其中用于…经费1937万元".
    at.selectbox(key="ranking.evidence").set_value("610700").run()
    html = [h.value for h in ok(at).html]
    assert "分项" in html[1]
    assert "未计入的数据（2 条）" in [e.label for e in at.expander]


def test_ranking_evidence_is_shown_a_page_of_cards_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(evidence, "CARDS_PER_PAGE", 1)
    at = start({"metric": "funds", "year": "2023", **ALL_PERIODS}, page="app_pages/ranking.py")
    at.selectbox(key="ranking.evidence").set_value("620700").run()
    assert "计入 17 条 · 重复报道 5 条 · 期间重叠 5 条 · 标准类 4 条" in texts(at)
    pager = at.number_input(key="ranking.cards.funds.620700.used")
    first = ok(at).html[0].value
    assert first.count("border-left") == 1  # one card on the page
    pager.set_value(2).run()
    second = ok(at).html[0].value
    assert second.count("border-left") == 1 and second != first
    pager.set_value(18).run()  # the value's claims: 17 counted, then the reprints
    assert "重复报道（只计一次）" in ok(at).html[0].value


def test_ranking_states_the_rule() -> None:
    at = start(page="app_pages/ranking.py")
    assert "取值规则" in texts(at)
    assert "取合计最大的一篇" in texts(at)


def test_ranking_offers_png_svg_and_csv() -> None:
    at = start(page="app_pages/ranking.py")
    names = {b.proto.label for b in at.get("download_button")}
    if export.export_problems():
        assert names == {"下载图表数据 CSV"}
    else:
        assert names == {"下载 PNG（1600×900 以上）", "下载 SVG（可编辑）", "下载图表数据 CSV"}


def test_without_chromium_the_page_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    export.export_problems.clear()
    try:
        at = start(page="app_pages/ranking.py")
        assert "apt-get install -y --no-install-recommends chromium fonts-noto-cjk" in texts(at)
        assert {b.proto.label for b in at.get("download_button")} == {"下载图表数据 CSV"}
    finally:
        export.export_problems.clear()


# ------------------------------------------------------------------------- 对比


def test_compare_asks_for_two_regions() -> None:
    at = start(page="app_pages/compare.py")
    assert "请在左侧选择 2 至 8 个地区" in texts(at)


def test_compare_shows_not_reported_apart_from_zero() -> None:
    at = start({"region": ["410600", "411000"], **ALL_PERIODS}, page="app_pages/compare.py")
    table = at.dataframe[0].value.set_index("地区")
    assert table.loc["鹤壁市（河南省）", "省级双拥模范"] == "未报告"
    assert table.loc["鹤壁市（河南省）", "子女入学入园"] == "0人"  # 今年新增随军子女入学0人
    # 001#13: 203万元 and 300万元 for 2020—2023, 370余万元, 400余万元, 200余万元 undated; its
    # reprint 002 adds nothing.
    assert table.loc["许昌市（河南省）", "投入资金"] == "1,473余万元（口径不一）"
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert any(t.get("text") == ["未报告"] for t in spec["data"])


def test_compare_year_and_region_change_what_is_shown() -> None:
    at = start({"region": ["410600", "411000"], **ALL_PERIODS}, page="app_pages/compare.py")
    at.sidebar.multiselect(key="flt.compare.years").set_value([2024]).run()
    table = ok(at).dataframe[0].value.set_index("地区")
    assert set(table.loc["许昌市（河南省）"]) == {"未报告"}  # 001 and 002 are of 2023
    assert table.loc["鹤壁市（河南省）", "投入资金"] == "300万元"
    at.sidebar.multiselect(key="flt.compare.regions").set_value(["410600", "410300"]).run()
    assert "洛阳市（河南省）" in set(ok(at).dataframe[0].value["地区"])


def test_compare_tier_and_province_narrow_the_choices() -> None:
    at = start({"tier": "county"}, page="app_pages/compare.py")
    counties = [a for a in gold_articles() if a["tier"] == "county" and a["status"] == "resolved"]
    assert set(at.sidebar.multiselect(key="flt.compare.regions").options) == {
        f"{a['region']}（{a['province']}·县级）" for a in counties
    }
    at.sidebar.multiselect(key="flt.compare.provinces").set_value(["甘肃省"]).run()
    assert ok(at).sidebar.multiselect(key="flt.compare.regions").options == [
        "灵台县（甘肃省·县级）",
        "西固区（甘肃省·县级）",
    ]


def test_compare_evidence_for_one_cell() -> None:
    at = start({"region": ["410600", "410300"], **ALL_PERIODS}, page="app_pages/compare.py")
    at.selectbox(key="compare.evidence").set_value(("410600", "funds")).run()
    assert "&lt;script&gt;" in "".join(h.value for h in ok(at).html)
    at.selectbox(key="compare.evidence").set_value(("410600", "honour_provincial")).run()
    assert "所选年份未报告" in texts(ok(at))


def test_compare_with_nothing_in_the_chosen_years_says_so() -> None:
    # 鹤壁市 is reported in 2024 (SPECIAL), 陇东市 in 2023 (001#8).
    at = start({"region": ["410600", "甘肃省/陇东市"], "year": "2020"}, page="app_pages/compare.py")
    assert "没有任何数据" in texts(at)


# ------------------------------------------------------------------------- 明细


def test_claims_lists_everything_with_quotes_and_downloads() -> None:
    at = start(page="app_pages/claims.py")
    table = at.dataframe[0].value
    n = len(gold_claims())
    assert len(table) == n
    assert f"2023年安排{SCRIPT}专项资金300万元" in set(table["原文"])
    assert f"共 {n:,} 条数据。" in texts(at)
    assert not at.number_input  # one page: nothing to choose
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert set(buttons) == {"下载 CSV", "下载 Excel"}
    assert not buttons["下载 Excel"].disabled


def shown_ids(at: AppTest) -> list[int]:
    return [int(i) for i in ok(at).dataframe[0].value["编号"]]


def test_claims_are_shown_a_page_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    at = start(page="app_pages/claims.py")
    every = shown_ids(at)
    n = len(gold_claims())
    pages = -(-n // 100)
    monkeypatch.setattr(data, "PAGE_SIZE", 100)
    at.run()
    assert f"共 {n:,} 条数据，当前显示第 1—100 条" in texts(ok(at))
    assert at.number_input[0].label.startswith(f"页码（共 {pages} 页")
    shown = [shown_ids(at)]
    at.number_input[0].set_value(2).run()
    assert "当前显示第 101—200 条" in texts(ok(at))
    shown.append(shown_ids(at))
    for page in range(3, pages + 1):
        at.number_input[0].set_value(page).run()
        shown.append(shown_ids(ok(at)))
    assert [len(p) for p in shown] == [100] * (pages - 1) + [n - 100 * (pages - 1)]
    assert [i for page in shown for i in page] == every  # the pages partition the table
    assert {b.proto.label for b in at.get("download_button")} == {"下载 CSV", "下载 Excel"}


def test_a_new_filter_starts_again_at_page_one(
    monkeypatch: pytest.MonkeyPatch, con: duckdb.DuckDBPyConnection
) -> None:
    monkeypatch.setattr(data, "PAGE_SIZE", 4)
    at = start(page="app_pages/claims.py")
    at.number_input[0].set_value(3).run()
    assert "当前显示第 9—12 条" in texts(ok(at))
    at.sidebar.text_input(key="flt.claims.search").input("洛阳").run()
    assert f"共 {holding(con, '洛阳')} 条数据，当前显示第 1—4 条" in texts(ok(at))
    assert at.number_input[0].value == 1


def test_a_selected_row_shows_the_evidence_of_that_row_of_that_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(data, "PAGE_SIZE", 25)
    at = start(page="app_pages/claims.py")
    at.number_input[0].set_value(2).run()
    table = ok(at).dataframe[0]
    row = table.value.iloc[3]
    at.session_state[str(table.key)] = {"selection": {"rows": [3], "columns": [], "cells": []}}
    at.run()
    assert [s.value for s in ok(at).subheader] == [f"{row['地区'] or '地区不详'}：原文"]
    html = "".join(h.value for h in at.html)
    assert f">{row['原文数字']}</mark>" in html


def test_the_files_are_built_only_when_a_button_is_clicked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[object] = []
    monkeypatch.setattr(downloads, "claims_file", lambda *args: built.append(args))
    at = start(page="app_pages/claims.py")
    assert len(at.get("download_button")) == 2
    assert built == []  # a rerun reads one page; all the rows only for a download


def test_excel_is_disabled_past_its_row_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data, "EXCEL_MAX_ROWS", 59)
    at = start(page="app_pages/claims.py")
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert buttons["下载 Excel"].disabled
    assert "Excel 工作表最多容纳 59 行数据" in buttons["下载 Excel"].help
    assert not buttons["下载 CSV"].disabled


def test_the_download_holds_every_matching_claim_not_one_page(
    monkeypatch: pytest.MonkeyPatch, con: duckdb.DuckDBPyConnection
) -> None:
    monkeypatch.setattr(data, "PAGE_SIZE", 4)
    db = data.require_database()
    rows = downloads.claims_file(db, Filters(search="洛阳"))
    k = holding(con, "洛阳")
    assert len(rows) == k > 4
    assert {"编号", "原文", "来源文件"} <= set(rows.columns)  # as the table shows them
    text = tables.to_csv_bytes(rows).decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text)))  # quotes keep the line breaks they had
    assert len(records) == k + 1  # the header and every claim
    assert downloads.claims_file(db, Filters(search=HOSTILE)).empty


def test_claims_filters_change_the_rows(con: duckdb.DuckDBPyConnection) -> None:
    at = start(page="app_pages/claims.py")
    at.sidebar.text_input(key="flt.claims.search").input("洛阳").run()
    assert len(ok(at).dataframe[0].value) == holding(con, "洛阳")
    assert at.query_params["q"] == "洛阳"
    at.sidebar.multiselect(key="flt.claims.metrics").set_value(["funds"]).run()
    assert set(ok(at).dataframe[0].value["指标"]) == {"双拥投入资金"}
    at.sidebar.radio(key="flt.claims.tier").set_value("county").run()
    assert "没有符合筛选条件的数据" in texts(ok(at))  # no county's text names 洛阳
    at.sidebar.text_input(key="flt.claims.search").input("").run()
    at.sidebar.multiselect(key="flt.claims.years").set_value([2023]).run()
    assert set(ok(at).dataframe[0].value["地区"]) == {
        c["region"]
        for c in gold_claims()
        if (c["tier"], c["year"], c["metric"]) == ("county", 2023, "funds")
    }


def test_claims_province_filter() -> None:
    at = start({"province": "安徽省"}, page="app_pages/claims.py")
    assert set(at.dataframe[0].value["地区"]) == {"芜湖市"}


# ------------------------------------------------------------------------- URL


def test_filters_survive_moving_between_pages() -> None:
    at = start(page="app_pages/ranking.py")
    at.sidebar.multiselect(key="flt.ranking.provinces").set_value(["甘肃省"]).run()
    at.sidebar.selectbox(key="flt.ranking.metric").set_value("children_schooled").run()
    at.switch_page("app_pages/overview.py").run()
    assert ok(at).query_params["province"] == "甘肃省"
    at.switch_page("app_pages/claims.py").run()
    assert ok(at).sidebar.multiselect(key="flt.claims.provinces").value == ["甘肃省"]
    at.sidebar.multiselect(key="flt.claims.provinces").set_value(["河南省"]).run()
    at.switch_page("app_pages/ranking.py").run()
    assert ok(at).sidebar.multiselect(key="flt.ranking.provinces").value == ["河南省"]
    assert at.sidebar.selectbox(key="flt.ranking.metric").value == "children_schooled"
    assert at.query_params == {
        "province": "河南省",
        "metric": "children_schooled",
        "tier": "prefecture",
    }


def test_a_shared_url_restores_the_view() -> None:
    at = start({"metric": "funds", "tier": "county", "year": "2023"}, page="app_pages/ranking.py")
    assert {name for name, _ in bars(at)} == {
        c["region"]
        for c in gold_claims()
        if (c["tier"], c["year"], c["metric"], c["status"]) == ("county", 2023, "funds", "resolved")
    }
    assert ("灵台县", "4,578.7万元") in bars(at)  # 001#31
    assert at.sidebar.radio(key="flt.ranking.tier").value == "county"


def test_hostile_url_values_select_nothing_and_break_nothing() -> None:
    at = start({"province": HOSTILE, "year": HOSTILE, "metric": HOSTILE, "q": HOSTILE})
    n = f"{len(gold_claims()):,}"
    assert {m.label: m.value for m in at.metric}["数据条数"] == n
    at.switch_page("app_pages/ranking.py").run()
    assert ok(at).sidebar.multiselect(key="flt.ranking.provinces").value == []
    assert bars(at) == honours()
    at.switch_page("app_pages/claims.py").run()
    assert "没有符合筛选条件的数据" in texts(ok(at))  # the search text is searched literally
    at.switch_page("app_pages/overview.py").run()
    assert {m.label: m.value for m in ok(at).metric}["数据条数"] == n


# ------------------------------------------------------------------------- database states


def test_missing_database_says_how_to_create_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHUANGYONG_DB", str(tmp_path / "nothing.duckdb"))
    for page in [None, *PAGES]:
        at = start(page=page)
        assert "python -m etl ingest" in texts(at) + "".join(c.value for c in at.code)


def test_broken_database_is_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"garbage" * 1000)
    monkeypatch.setenv("SHUANGYONG_DB", str(bad))
    at = start(page="app_pages/ranking.py")
    assert "无法读取" in texts(at)


# ------------------------------------------------------------------------- clicks


def _click_script() -> None:
    import streamlit as st

    from dashboard_lib import evidence

    click = st.session_state.get("fake_click")
    event = {"selection": {"points": [{"customdata": click}] if click else []}}
    evidence.follow_click(event, "pick", ["a", "b", ("c", "funds")])
    st.selectbox("依据", ["", "a", "b", ("c", "funds")], key="pick")


def test_a_click_moves_the_picker_and_the_list_still_works() -> None:
    at = AppTest.from_function(_click_script, default_timeout=30)
    at.run()
    assert at.selectbox(key="pick").value == ""
    at.session_state["fake_click"] = "a"
    at.run()
    assert at.selectbox(key="pick").value == "a"
    at.selectbox(key="pick").set_value("b").run()  # the user picks from the list
    assert at.selectbox(key="pick").value == "b"  # the old click does not win it back
    at.session_state["fake_click"] = ["c", "funds"]  # Plotly sends customdata as a list
    at.run()
    assert at.selectbox(key="pick").value == ("c", "funds")
    at.session_state["fake_click"] = "zzz"  # a bar that is no longer listed
    at.run()
    assert at.selectbox(key="pick").value == ("c", "funds")

"""Every page under Streamlit's AppTest, on the synthetic database.

AppTest renders nothing and sees no Plotly click, so the chart is checked through its
figure JSON (``proto.spec``) and the evidence through the list picker that sits beside
each chart; the click path itself is for the browser test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboard_lib import data, downloads, evidence, export, tables, widgets
from db.filters import Filters

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "'; DROP TABLE claims; --"
PAGES = ["app_pages/ranking.py", "app_pages/compare.py", "app_pages/claims.py"]


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


def test_overview_shows_contents_sources_unplaced_and_freshness() -> None:
    at = start()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["文件"] == "6"
    assert metrics["数据条数"] == "60"
    assert metrics["年份"] == "2022—2024"
    assert "最近入库：2025-01-12 16:05" in texts(at)
    frames = [d.value for d in at.dataframe]
    sources = frames[1]["文件"].tolist()
    assert "005_2022年双拥工作汇编.txt" in sources
    unplaced = frames[2]
    assert len(unplaced) == 3
    assert any("同名" in s for s in unplaced["状况"])


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(page: str) -> None:
    ok(start(page=page))


# ------------------------------------------------------------------------- 排名


def test_ranking_default_is_national_honours_of_prefectures() -> None:
    at = start(page="app_pages/ranking.py")
    assert bars(at) == [
        ("洛阳市", "8次"),
        ("芜湖市", "6次"),
        ("开封市", "5次"),
        ("张掖市", "4次"),
        ("陇东市", "2次"),
    ]
    assert "1 条数据因地区无法确定未计入" in texts(at)
    assert len(at.get("plotly_chart")) == 1  # one chart, the ranking's
    chart = at.get("plotly_chart")[0].proto
    config = json.loads(chart.config)
    assert config["toImageButtonOptions"]["width"] >= 1600
    assert config["toImageButtonOptions"]["filename"].startswith("双拥排名_全国双拥模范_地级")


def test_a_long_ranking_draws_its_first_bars_and_lists_every_region(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(widgets, "DEFAULT_BARS", 2)
    monkeypatch.setattr(widgets, "BAR_CHOICES", (2, 3))
    at = start(page="app_pages/ranking.py")
    assert bars(at) == [("洛阳市", "8次"), ("芜湖市", "6次")]
    spec = json.loads(ok(at).get("plotly_chart")[0].proto.spec)
    assert "前2名（共5个地区）" in spec["layout"]["title"]["subtitle"]["text"]
    assert len(at.dataframe[0].value) == 5  # the table lists every region


def test_ranking_metric_changes_the_chart() -> None:
    at = start(page="app_pages/ranking.py")
    at.sidebar.selectbox(key="flt.ranking.metric").set_value("funds").run()
    labels = dict(bars(ok(at)))
    # 2022年…2000余万元 lies inside 2016年以来…3.5亿元 of the same kind, and the 2022 report's
    # 1500万元 overlaps that period: neither is added.
    assert labels["芜湖市"] == "3.5亿元"
    assert labels["开封市"] == "300万元"
    assert at.query_params["metric"] == "funds"


def test_ranking_tier_changes_the_chart() -> None:
    at = start(page="app_pages/ranking.py")
    at.sidebar.radio(key="flt.ranking.tier").set_value("county").run()
    assert bars(ok(at)) == [("海勃湾区", "2次")]
    assert "2 条数据因地区无法确定未计入" in texts(at)


def test_ranking_province_changes_the_chart() -> None:
    at = start(page="app_pages/ranking.py")
    at.sidebar.multiselect(key="flt.ranking.provinces").set_value(["河南省"]).run()
    assert [b[0] for b in bars(ok(at))] == ["洛阳市", "开封市"]
    assert at.query_params["province"] == "河南省"


def test_ranking_year_changes_the_chart_and_marks_a_differing_period() -> None:
    at = start({"metric": "funds"}, page="app_pages/ranking.py")
    at.sidebar.multiselect(key="flt.ranking.years").set_value([2022]).run()
    assert bars(ok(at)) == [
        ("张掖市", "1.2亿元（2016—2022年）"),
        ("洛阳市", "3,000万元"),
        ("芜湖市", "1,500万元"),
    ]


def test_ranking_fund_category() -> None:
    at = start(
        {"metric": "funds", "category": "preferential_payments"}, page="app_pages/ranking.py"
    )
    # Three different periods, none shared: every bar says which year it covers.
    assert bars(at) == [
        ("芜湖市", "1,500万元（2022年）"),
        ("洛阳市", "1,080万元（2024年）"),
        ("张掖市", "781万元（2023年）"),
    ]


def test_ranking_empty_result_says_so() -> None:
    at = start({"tier": "county", "province": "安徽省"}, page="app_pages/ranking.py")
    assert not at.get("plotly_chart")
    assert "没有符合筛选条件的数据" in texts(at)


def test_ranking_evidence_escapes_html_and_marks_the_number() -> None:
    at = start({"metric": "funds", "province": "河南省"}, page="app_pages/ranking.py")
    at.selectbox(key="ranking.evidence").set_value("410200").run()
    html = "".join(h.value for h in ok(at).html)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert ">300万元</mark>" in html


def test_ranking_evidence_shows_duplicates_rates_and_parts() -> None:
    at = start({"metric": "funds", "year": "2023"}, page="app_pages/ranking.py")
    at.selectbox(key="ranking.evidence").set_value("620700").run()
    html = [h.value for h in ok(at).html]
    assert "重复报道（只计一次）" in html[0]
    assert "标准类数字" in html[1] and "分项" in html[1]
    assert "未计入的数据（2 条）" in [e.label for e in at.expander]


def test_ranking_evidence_is_shown_a_page_of_cards_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(evidence, "CARDS_PER_PAGE", 1)
    at = start({"metric": "funds", "year": "2023"}, page="app_pages/ranking.py")
    at.selectbox(key="ranking.evidence").set_value("620700").run()
    assert "计入 3 条 · 重复报道 1 条 · 分项 1 条 · 标准类 1 条" in texts(at)
    pager = at.number_input(key="ranking.cards.funds.620700.used")
    first = ok(at).html[0].value
    assert first.count("border-left") == 1  # one card on the page
    pager.set_value(2).run()
    second = ok(at).html[0].value
    assert second.count("border-left") == 1 and second != first
    pager.set_value(4).run()  # the value's claims: 3 counted, then the duplicate
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
    at = start({"region": ["620700", "410200"]}, page="app_pages/compare.py")
    table = at.dataframe[0].value.set_index("地区")
    assert table.loc["开封市（河南省）", "省级双拥模范"] == "未报告"
    assert table.loc["开封市（河南省）", "子女入学入园"] == "0人"
    # 1.6亿 + 781万 + 2000余万 of the fuller article; the other article's 1.2亿 (2016–2022)
    # overlaps it and is not added.
    assert table.loc["张掖市（甘肃省）", "投入资金"] == "1.88亿余元（口径不一）"
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert any(t.get("text") == ["未报告"] for t in spec["data"])


def test_compare_year_and_region_change_what_is_shown() -> None:
    at = start({"region": ["620700", "410200"]}, page="app_pages/compare.py")
    at.sidebar.multiselect(key="flt.compare.years").set_value([2022]).run()
    table = ok(at).dataframe[0].value.set_index("地区")
    assert set(table.loc["开封市（河南省）"].drop([])) == {"未报告"}
    assert table.loc["张掖市（甘肃省）", "投入资金"] == "1.2亿元"
    at.sidebar.multiselect(key="flt.compare.regions").set_value(["620700", "410300"]).run()
    assert "洛阳市（河南省）" in set(ok(at).dataframe[0].value["地区"])


def test_compare_tier_and_province_narrow_the_choices() -> None:
    at = start({"tier": "county"}, page="app_pages/compare.py")
    assert set(at.sidebar.multiselect(key="flt.compare.regions").options) == {
        "海勃湾区（内蒙古自治区·县级）",
        "甘州区（甘肃省·县级）",
        "西工区（河南省·县级）",
    }
    at.sidebar.multiselect(key="flt.compare.provinces").set_value(["甘肃省"]).run()
    assert ok(at).sidebar.multiselect(key="flt.compare.regions").options == [
        "甘州区（甘肃省·县级）"
    ]


def test_compare_evidence_for_one_cell() -> None:
    at = start({"region": ["410200", "410300"]}, page="app_pages/compare.py")
    at.selectbox(key="compare.evidence").set_value(("410200", "funds")).run()
    assert "&lt;script&gt;" in "".join(h.value for h in ok(at).html)
    at.selectbox(key="compare.evidence").set_value(("410200", "honour_provincial")).run()
    assert "所选年份未报告" in texts(ok(at))


def test_compare_with_nothing_in_the_chosen_years_says_so() -> None:
    at = start({"region": ["410200", "甘肃省/陇东市"], "year": "2022"}, page="app_pages/compare.py")
    assert "没有任何数据" in texts(at)


# ------------------------------------------------------------------------- 明细


def test_claims_lists_everything_with_quotes_and_downloads() -> None:
    at = start(page="app_pages/claims.py")
    table = at.dataframe[0].value
    assert len(table) == 60
    assert "安排<script>alert(1)</script>专项资金300万元" in set(table["原文"])
    assert "共 60 条数据。" in texts(at)
    assert not at.number_input  # one page: nothing to choose
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert set(buttons) == {"下载 CSV", "下载 Excel"}
    assert not buttons["下载 Excel"].disabled


def shown_ids(at: AppTest) -> list[int]:
    return [int(i) for i in ok(at).dataframe[0].value["编号"]]


def test_claims_are_shown_a_page_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    at = start(page="app_pages/claims.py")
    every = shown_ids(at)
    monkeypatch.setattr(data, "PAGE_SIZE", 25)
    at.run()
    assert "共 60 条数据，当前显示第 1—25 条" in texts(ok(at))
    assert at.number_input[0].label.startswith("页码（共 3 页")
    first = shown_ids(at)
    at.number_input[0].set_value(2).run()
    assert "当前显示第 26—50 条" in texts(ok(at))
    second = shown_ids(at)
    at.number_input[0].set_value(3).run()
    third = shown_ids(at)
    assert (len(first), len(second), len(third)) == (25, 25, 10)
    assert first + second + third == every  # the pages partition the table, in its order
    assert {b.proto.label for b in at.get("download_button")} == {"下载 CSV", "下载 Excel"}


def test_a_new_filter_starts_again_at_page_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data, "PAGE_SIZE", 4)
    at = start(page="app_pages/claims.py")
    at.number_input[0].set_value(3).run()
    assert "当前显示第 9—12 条" in texts(ok(at))
    at.sidebar.text_input(key="flt.claims.search").input("洛阳").run()
    assert "共 10 条数据，当前显示第 1—4 条" in texts(ok(at))
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
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(data, "PAGE_SIZE", 4)
    db = data.require_database()
    rows = downloads.claims_file(db, Filters(search="洛阳"))
    assert len(rows) == 10
    assert {"编号", "原文", "来源文件"} <= set(rows.columns)  # as the table shows them
    csv = tables.to_csv_bytes(rows).decode("utf-8-sig").splitlines()
    assert len(csv) == 11  # the header and every claim
    assert downloads.claims_file(db, Filters(search=HOSTILE)).empty


def test_claims_filters_change_the_rows() -> None:
    at = start(page="app_pages/claims.py")
    at.sidebar.text_input(key="flt.claims.search").input("洛阳").run()
    assert len(ok(at).dataframe[0].value) == 10
    assert at.query_params["q"] == "洛阳"
    at.sidebar.multiselect(key="flt.claims.metrics").set_value(["funds"]).run()
    assert set(ok(at).dataframe[0].value["指标"]) == {"双拥投入资金"}
    at.sidebar.radio(key="flt.claims.tier").set_value("county").run()
    assert "没有符合筛选条件的数据" in texts(ok(at))
    at.sidebar.text_input(key="flt.claims.search").input("").run()
    at.sidebar.multiselect(key="flt.claims.years").set_value([2022]).run()
    assert set(ok(at).dataframe[0].value["地区"]) == {"甘州区", "西工区"}


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
    at = start({"metric": "funds", "tier": "county", "year": "2022"}, page="app_pages/ranking.py")
    assert bars(at) == [("甘州区", "800万元"), ("西工区", "600万元")]
    assert at.sidebar.radio(key="flt.ranking.tier").value == "county"


def test_hostile_url_values_select_nothing_and_break_nothing() -> None:
    at = start({"province": HOSTILE, "year": HOSTILE, "metric": HOSTILE, "q": HOSTILE})
    assert {m.label: m.value for m in at.metric}["数据条数"] == "60"
    at.switch_page("app_pages/ranking.py").run()
    assert ok(at).sidebar.multiselect(key="flt.ranking.provinces").value == []
    assert len(bars(at)) == 5
    at.switch_page("app_pages/claims.py").run()
    assert "没有符合筛选条件的数据" in texts(ok(at))  # the search text is searched literally
    at.switch_page("app_pages/overview.py").run()
    assert {m.label: m.value for m in ok(at).metric}["数据条数"] == "60"


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

"""The 统计口径 switch and 数据冲突 on the pages (issue 10), under AppTest.

The switch is checked by what it changes: the bars, the subtitle, the URL and the
export's footer. 数据冲突 needs two documents that disagree, which the sample corpus does
not hold: a database of two short reports of our own is built for it.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboard_lib import captions, charts, data
from db.filters import Filters
from etl.ingest import run_ingest
from tests.test_app import bars, ok, start, texts

RANKING = "app_pages/ranking.py"
COMPARE = "app_pages/compare.py"


def subtitle(at: AppTest) -> str:
    return str(
        json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["subtitle"]["text"]
    )


@pytest.fixture()
def _sample(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUANGYONG_DB", str(sample_db))


@pytest.mark.usefixtures("_sample")
def test_the_scope_switch_changes_the_ranking_and_its_subtitle() -> None:
    at = start({"metric": "funds"}, page=RANKING)
    # 单一年度 by default, at the latest year at least two cities have figures of one year:
    # 2023 (25 of them), not 2024, where only 洛阳 (000, a 2024 report) has undated figures
    # counted under its year. 连云港 (001): 筹集400余万元 is 2023's; its 累计发放…10.6亿元
    # is a stock and stays out.
    single = bars(ok(at))
    assert len(single) == 25 and "洛阳市" not in dict(single)
    assert ("连云港市", "400余万元") in single
    assert subtitle(at).endswith("2023年 · 全部类别 · 口径：单一年度（按数字所指年份）")
    assert "未选年份：取至少有2个地区有数据的最近一年，即2023年（25个地区）。" in texts(at)
    assert at.sidebar.multiselect(key="flt.ranking.years").label == "年份（按数字所指年份）"
    at.sidebar.radio(key="flt.ranking.scope").set_value("all").run()
    # 全部: every figure by its article's year, as before periods had kinds.
    assert bars(ok(at))[0] == ("濮阳市", "40.55亿余元 · 口径不一")
    assert len(bars(at)) == 28 and ("连云港市", "400余万元") not in bars(at)
    assert "未选年份：" not in texts(at)  # 全部 has no default year: every year together
    assert subtitle(at).endswith("全部年份 · 全部类别 · 口径：全部（按报道年份，含各类期间）")
    assert at.sidebar.multiselect(key="flt.ranking.years").label == "年份（按文章年份）"
    assert at.query_params["scope"] == "all"
    at.sidebar.radio(key="flt.ranking.scope").set_value("span").run()
    # 多年累计 from the start year most regions report (2020): 洛阳 (000) 2020 年以来…
    assert ("洛阳市", "4,000余万元（2020—2024年）") in bars(ok(at))
    assert subtitle(at).endswith("口径：多年累计 · 2020年起")
    assert at.sidebar.selectbox(key="flt.ranking.since").value == 0  # the default start


@pytest.mark.usefixtures("_sample")
def test_a_2024_reports_2023_figure_ranks_under_2023() -> None:
    # SPECIAL (2024-03-07): 2023年安排…专项资金300万元.
    at = start({"metric": "funds", "scope": "single", "year": "2023"}, page=RANKING)
    assert ("鹤壁市", "300万元") in bars(ok(at))
    at = start({"metric": "funds", "scope": "single", "year": "2024"}, page=RANKING)
    assert "鹤壁市" not in dict(bars(ok(at)))


@pytest.mark.usefixtures("_sample")
def test_honours_have_one_scope_and_say_why() -> None:
    at = start({"scope": "single"}, page=RANKING)
    assert "命名次数是累计数，只按“全部”口径排名。" in texts(ok(at))
    assert subtitle(at).endswith("口径：全部（按报道年份，含各类期间）")


@pytest.mark.usefixtures("_sample")
def test_compare_states_its_scope() -> None:
    # 鹤壁 (410600) and 许昌 (411000) both have 2023 figures; 2024 has only 鹤壁's (SPECIAL:
    # 今年新增随军子女入学0人): the comparison opens on 2023.
    at = start({"region": ["410600", "411000"]}, page=COMPARE)
    assert "2个地区 · 2023年 · 口径：单一年度（按数字所指年份），荣誉称号按全部" in subtitle(ok(at))
    assert "未选年份：取所选地区中至少2个有数据的最近一年，即2023年（2个地区有数据）。" in texts(at)
    at.sidebar.radio(key="flt.compare.scope").set_value("all").run()
    assert "口径：全部（按报道年份，含各类期间）" in subtitle(ok(at))
    assert "未选年份：" not in texts(at)


@pytest.mark.parametrize(
    ("f", "line"),
    [
        pytest.param(Filters(metric="funds", scope="single", years=(2023,)),
                     "统计口径：单一年度（按数字所指年份） · 2023年", id="single"),
        pytest.param(Filters(metric="funds", scope="span", since=2016),
                     "统计口径：多年累计 · 2016年起", id="span"),
        pytest.param(Filters(metric="funds", scope="all"),
                     "统计口径：全部（按报道年份，含各类期间）", id="all"),
        pytest.param(Filters(metric="honour_national", scope="single"),
                     "统计口径：全部（按报道年份，含各类期间）", id="honours-always-all"),
    ],
)  # fmt: skip
def test_the_export_footer_states_the_scope(f: Filters, line: str) -> None:
    meta = captions.ranking_meta(f, lambda: _no_sources())
    fig = charts.export_figure(go_figure(), meta)
    footer = [a.text for a in fig.layout.annotations]
    assert footer[0] == line


def _no_sources() -> Any:
    import pandas as pd

    return pd.DataFrame({"source": [], "year": []})


def go_figure() -> Any:
    import plotly.graph_objects as go

    return go.Figure(go.Bar(x=[1], y=["甲市"]))


# ------------------------------------------------------------------------- 数据冲突

# 开封's report for 2023 (January 2024) and a later notice (April) restating its 2023 funds
# with another amount: a 数据冲突 the later notice wins. 安阳 reports once.
FIRST = """开封市双拥工作年度报告
2024年1月15日
2023年，全市投入双拥经费600万元，用于慰问驻军。全市召开双拥工作会议，部署年度任务。
"""
LATER = """开封市双拥工作情况补充通报
2024年4月2日
经核实，2023年全市投入双拥经费650万元，用于慰问驻军。
"""
OTHER = """安阳市双拥工作年度报告
2024年1月20日
2023年，全市投入双拥经费400万元，走访慰问优抚对象。全市召开双拥工作会议，部署年度任务。
"""


@pytest.fixture()
def conflict_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in (("a_first", FIRST), ("b_later", LATER), ("c_other", OTHER)):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    path = tmp_path / "conflict.duckdb"
    err = io.StringIO()
    assert run_ingest([folder], path, err, progress=False) == 0, err.getvalue()
    monkeypatch.setenv("SHUANGYONG_DB", str(path))
    return path


@pytest.mark.usefixtures("conflict_db")
def test_a_conflicted_bar_is_marked_and_its_evidence_shows_both_quotes() -> None:
    at = start({"metric": "funds", "year": "2023"}, page=RANKING)
    assert bars(ok(at)) == [("开封市", "650万元 · 数据冲突"), ("安阳市", "400万元")]
    table = at.dataframe[0].value.set_index("地区")
    assert table.loc["开封市", "数据冲突"] == "数据冲突（1处）"
    assert table.loc["安阳市", "数据冲突"] == ""
    at.selectbox(key="ranking.evidence").set_value("410200").run()
    assert "数据冲突（1 处）" in texts(ok(at))
    side_by_side = next(h.value for h in at.html if "较早发布 · 未计入" in h.value)
    early, late = side_by_side.index(">600万元</mark>"), side_by_side.index(">650万元</mark>")
    assert side_by_side.index("较早发布 · 未计入") < early < side_by_side.index("较晚发布") < late
    assert "a_first.txt" in side_by_side and "b_later.txt" in side_by_side


@pytest.mark.usefixtures("conflict_db")
def test_a_region_without_conflict_shows_no_conflict_panel() -> None:
    at = start({"metric": "funds", "year": "2023"}, page=RANKING)
    at.selectbox(key="ranking.evidence").set_value("410500").run()
    assert "较早发布" not in "".join(h.value for h in ok(at).html)
    assert data.require_database()  # the conflict database is the one read

"""趋势 and 本地区 under AppTest, on the sample database (issue 10).

As in tests/test_app.py, charts are read from their figure JSON: a trend's missing year
must be ``None`` in the trace (a gap), never 0, and 本地区's bar is found by its colour.
Expected values come from the sentences quoted beside them and from the gold set.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard_lib import charts, data, service, tables
from db.filters import Filters
from tests.conftest import gold_claims
from tests.test_app import bars, honours, ok, start, texts

TREND = "app_pages/trend.py"
LUOYANG = "410300"


def spec(at: AppTest, index: int = 0) -> dict[str, Any]:
    return dict(json.loads(at.get("plotly_chart")[index].proto.spec))


@pytest.fixture(autouse=True)
def _database(sample_db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUANGYONG_DB", str(sample_db))


# ------------------------------------------------------------------------- 趋势


def test_trend_draws_missing_years_as_gaps_not_zeros() -> None:
    at = start({"metric": "funds", "trend": ["320700", "150300"]}, page=TREND)
    lines = {t["name"]: t for t in spec(ok(at))["data"]}
    assert set(lines) == {"连云港市", "乌海市"}
    for line in lines.values():
        assert line["x"] == [2019, 2020, 2021, 2022, 2023]
        assert line["connectgaps"] is False
    # 连云港 (001): 2019年…赠送慰问品价值2000万余元; 筹集400余万元退役军人关爱基金 states no
    # period and counts under its 2023 article; 累计发放…10.6亿元 is a stock, no year's figure.
    assert lines["连云港市"]["text"] == ["2,000余万元", "", "", "", "400余万元"]
    assert [y is None for y in lines["连云港市"]["y"]] == [False, True, True, True, False]
    # 乌海 (001): 2022年…一次性地方经济补助2380万元; 2023's 99万余, 155万余, 20万余 and the
    # undated 1631.5万, 30.88万, 1696.32万, 58万余, 28.49万, 26万, 2.32万, 2.47万 of its article.
    assert lines["乌海市"]["text"] == ["", "", "", "2,380万元", "3,749.98万余元"]
    assert [y is None for y in lines["乌海市"]["y"]] == [True, True, True, False, False]
    assert 0 not in lines["连云港市"]["y"] + lines["乌海市"]["y"]
    table = at.dataframe[0].value.set_index("地区")
    assert list(table.loc["连云港市（江苏省）"]) == ["2,000余万元", "未报告", "未报告", "未报告",
                                                 "400余万元"]  # fmt: skip
    assert at.query_params["trend"] == ["320700", "150300"]


def test_the_trend_csv_leaves_a_missing_year_empty() -> None:
    points = data.trend(data.require_database(), Filters(metric="funds", trend_regions=("320700",)))
    rows = tables.trend_csv_frame(points.points)
    assert rows["年份"].tolist() == [2019, 2020, 2021, 2022, 2023]
    assert rows["是否报告"].tolist() == ["已报告", "未报告", "未报告", "未报告", "已报告"]
    assert [v != v for v in rows["数值"]] == [False, True, True, True, False]  # NaN, not 0


def test_a_trend_point_opens_its_evidence() -> None:
    at = start({"metric": "funds", "trend": ["320700"]}, page=TREND)
    at.selectbox(key="trend.evidence").set_value(("320700", 2019)).run()
    assert [s.value for s in ok(at).subheader] == ["连云港市：2019年：构成该数值的原文"]
    assert ">2000万余元</mark>" in "".join(h.value for h in at.html)


def test_trend_with_no_single_year_figure_says_so() -> None:
    # 洛阳 (000): 2020 年以来…4000 余万元 and 1500 余名 cover several years.
    at = start({"metric": "children_schooled", "trend": [LUOYANG]}, page=TREND)
    assert not ok(at).get("plotly_chart")
    assert "没有该指标的单一年度数据" in texts(at)


def test_trend_offers_png_svg_and_csv_and_states_its_scope() -> None:
    at = start({"metric": "funds", "trend": ["320700"]}, page=TREND)
    names = {b.proto.label for b in ok(at).get("download_button")}
    assert "下载图表数据 CSV" in names
    assert "单一年度" in spec(at)["layout"]["title"]["subtitle"]["text"]


# ------------------------------------------------------------------------- 本地区


def test_home_bar_is_marked_and_its_rank_said() -> None:
    at = start({"home": LUOYANG}, page="app_pages/ranking.py")
    expected = honours()
    best = dict(expected)["洛阳市"]
    rank = 1 + sum(1 for _, v in expected if int(v[:-1]) > int(best[:-1]))
    tied = sum(1 for _, v in expected if v == best) > 1
    sentence = f"本地区洛阳市：第{rank}位/共{len(expected)}个" + ("（并列）" if tied else "") + "。"
    assert sentence in texts(ok(at))
    trace = spec(at)["data"][0]
    marked = [y for y, c in zip(trace["y"], trace["marker"]["color"], strict=True)
              if c == charts.BAR_HOME]  # fmt: skip
    assert marked == ["<b>洛阳市</b>"]
    assert at.sidebar.selectbox(key="flt.ranking.home").value == LUOYANG


@pytest.mark.parametrize(
    ("query", "sentence"),
    [
        pytest.param({"tier": "county"}, "本地区洛阳市为地级，当前是县级排名，其中没有本地区。",
                     id="another-tier"),
        pytest.param({"province": "甘肃省"}, "本地区洛阳市不在所选省份之内，排名中没有本地区。",
                     id="province-left-out"),
        pytest.param({"metric": "people_resettled"},
                     "本地区洛阳市在当前筛选条件下没有该项数据，排名中没有本地区（这不等于 0）。",
                     id="not-reported"),
    ],
)  # fmt: skip
def test_home_without_a_bar_says_why(query: dict[str, str], sentence: str) -> None:
    at = start({"home": LUOYANG, **query}, page="app_pages/ranking.py")
    assert sentence in texts(ok(at))
    if at.get("plotly_chart"):
        assert charts.BAR_HOME not in spec(at)["data"][0]["marker"]["color"]


def test_without_home_no_bar_is_marked() -> None:
    at = start(page="app_pages/ranking.py")
    assert bars(ok(at)) == honours()
    assert charts.BAR_HOME not in spec(at)["data"][0]["marker"]["color"]
    assert "本地区" not in "".join(m.value for m in at.markdown)


def henan_peers() -> list[str]:
    """洛阳 and the other placed prefectures of 河南省 with claims, most claims first."""
    counts = Counter(
        c["region"]
        for c in gold_claims()
        if (c["province"], c["tier"], c["status"]) == ("河南省", "prefecture", "resolved")
    )
    others = sorted((r for r in counts if r != "洛阳市"), key=lambda r: (-counts[r], r))
    return ["洛阳市", *others][:8]


def test_compare_opens_on_home_and_its_peers() -> None:
    at = start({"home": LUOYANG}, page="app_pages/compare.py")
    table = ok(at).dataframe[0].value
    assert table["地区"].tolist() == [f"{r}（河南省）" for r in henan_peers()]
    assert len(at.query_params["region"]) == len(henan_peers())
    n = len(henan_peers()) - 1
    assert f"从本地区洛阳市和河南省的其他地级地区开始（数据最多的{n}个）" in texts(at)


def test_compare_keeps_regions_the_user_chose_over_home() -> None:
    at = start({"home": LUOYANG, "region": ["620700", "610700"]}, page="app_pages/compare.py")
    assert ok(at).dataframe[0].value["地区"].tolist() == ["张掖市（甘肃省）", "汉中市（陕西省）"]
    assert "从本地区" not in texts(at)


def test_a_new_home_on_compare_brings_its_own_peers() -> None:
    at = start({"home": LUOYANG}, page="app_pages/compare.py")
    at.sidebar.selectbox(key="flt.compare.home").set_value("620700").run()  # 张掖市
    names = ok(at).dataframe[0].value["地区"].tolist()
    assert names[0] == "张掖市（甘肃省）"
    assert {n[-5:] for n in names} == {"（甘肃省）"}
    assert at.query_params["home"] == "620700"


def test_trend_opens_on_home() -> None:
    at = start({"home": "150300", "metric": "funds"}, page=TREND)
    assert ok(at).sidebar.multiselect(key="flt.trend.trend_regions").value == ["150300"]
    assert [t["name"] for t in spec(at)["data"]] == ["乌海市"]
    assert spec(at)["data"][0]["line"]["width"] > 3  # 本地区's line stands out


def test_home_is_stated_once_and_follows_the_user() -> None:
    at = start(page="app_pages/ranking.py")
    at.sidebar.selectbox(key="flt.ranking.home").set_value(LUOYANG).run()
    assert ok(at).query_params["home"] == LUOYANG
    at.switch_page("app_pages/compare.py").run()
    assert ok(at).dataframe[0].value["地区"].iloc[0] == "洛阳市（河南省）"
    at.switch_page(TREND).run()
    assert ok(at).sidebar.selectbox(key="flt.trend.home").value == LUOYANG


class _Source:
    """The service's Source on one connection; ``stored`` False makes it compute."""

    def __init__(self, con: Any, stored: bool) -> None:
        self.con, self.stored = con, stored

    def run(self, fn: Any, *args: Any, **kw: Any) -> Any:
        return fn(self.con, *args, **kw)

    def rule_version(self) -> int | None:
        return service.rule_version(self) if self.stored else None

    def regions(self) -> Any:
        return service.regions(self)


@pytest.mark.parametrize(
    "chosen",
    [
        pytest.param(("320700", "150300"), id="gaps"),
        pytest.param(("130000", "150302", "410600"), id="tiers"),
        pytest.param(("410300",), id="no-single-year-figure"),
    ],
)
def test_the_stored_trend_is_the_rule_on_the_claims(con: Any, chosen: tuple[str, ...]) -> None:
    f = Filters(metric="funds", trend_regions=chosen)
    sources: list[Any] = [_Source(con, stored=True), _Source(con, stored=False)]
    stored, computed = (service.read_trend(src, f) for src in sources)
    pd.testing.assert_frame_equal(stored.points, computed.points, check_dtype=False)
    for point in stored.points[stored.points["reported"]][["region_key", "figure_year"]].values:
        ways = [service.trend_roles(src, f, str(point[0]), int(point[1])) for src in sources]
        stored_roles, computed_roles = (w.sort_values("claim_id").values.tolist() for w in ways)
        assert stored_roles == computed_roles and stored_roles

"""The year a 单一年度 view opens on, and the years it offers (issue 10), under AppTest.

A ranking or a comparison with no year chosen opens on the latest year at least two
regions have figures for (``dashboard_lib.default_year``) and says so; when no year has
two, on the latest year with any, saying that it is no comparison. The year choices of
单一年度 are the years the figures cover, on 排名 and 对比 alike: an article year no
figure covers (a 2024 report of 2023's work) is not offered.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dashboard_lib import default_year
from etl.ingest import run_ingest
from tests.test_app import bars, ok, start, texts
from tests.test_app_scope import COMPARE, FIRST, OTHER, RANKING, subtitle


@pytest.fixture()
def _sample(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUANGYONG_DB", str(sample_db))


@pytest.mark.usefixtures("_sample")
def test_with_no_year_two_regions_share_the_ranking_opens_on_the_latest_and_says_so() -> None:
    # Provinces: 2022, 2023 and 2024 each have the funds of one province only.
    at = start({"metric": "funds", "tier": "province"}, page=RANKING)
    assert len(bars(ok(at))) == 1
    assert subtitle(at).endswith("2024年 · 全部类别 · 口径：单一年度（按数字所指年份）")
    assert (
        "未选年份：没有哪一年有至少2个地区的数据，只能取有数据的最近一年，"
        "即2024年（仅1个地区），这不是多个地区之间的比较。"
    ) in texts(at)


@pytest.mark.usefixtures("_sample")
def test_a_chosen_year_is_kept_and_no_default_is_claimed() -> None:
    at = start({"metric": "funds", "year": "2024"}, page=RANKING)
    assert bars(ok(at)) == [("洛阳市", "3,080余万元")]  # 投资1080万元… and …保障金 2000 余万元
    assert subtitle(at).endswith("2024年 · 全部类别 · 口径：单一年度（按数字所指年份）")
    assert "未选年份：" not in texts(at)
    # The 取值规则 under the chart states the rule all the same.
    assert "未选年份时取至少有2个地区有数据的最近一年" in texts(at)


@pytest.mark.usefixtures("_sample")
def test_compare_with_no_shared_year_opens_on_the_latest_and_says_so() -> None:
    # 洛阳 (410300) and 张掖 (620700): each of 2023 and 2024 has figures of one of them.
    at = start({"region": ["410300", "620700"]}, page=COMPARE)
    assert "2个地区 · 2024年 · 口径：单一年度" in subtitle(ok(at))
    assert (
        "未选年份：所选地区中没有哪一年有至少2个有数据，只能取有数据的最近一年，"
        "即2024年（仅1个地区有数据）。"
    ) in texts(at)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        pytest.param({2022: 5, 2023: 3, 2024: 1}, (2023, 3, False), id="skips-a-lone-latest-year"),
        pytest.param({2023: 2, 2024: 2}, (2024, 2, False), id="two-are-enough"),
        pytest.param({2022: 1, 2024: 1}, (2024, 1, True), id="fallback-latest-with-any"),
        pytest.param({2023: 4, 2024: 0}, (2023, 4, False), id="a-year-of-none-is-no-year"),
    ],
)  # fmt: skip
def test_the_default_year_rule(counts: dict[int, int], expected: tuple[int, int, bool]) -> None:
    assert default_year.pick(counts) == expected
    assert default_year.pick({}) is None


# ------------------------------------------------------------------- the years offered


@pytest.fixture()
def reports_of_last_year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two reports written in January 2024 of 2023's work (开封 and 安阳): article year
    2024, figure year 2023."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in (("kaifeng", FIRST), ("anyang", OTHER)):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    path = tmp_path / "last_year.duckdb"
    err = io.StringIO()
    assert run_ingest([folder], path, err, progress=False) == 0, err.getvalue()
    monkeypatch.setenv("SHUANGYONG_DB", str(path))
    return path


@pytest.mark.usefixtures("reports_of_last_year")
@pytest.mark.parametrize(
    ("page", "query", "key"),
    [
        pytest.param(RANKING, {"metric": "funds"}, "ranking", id="ranking"),
        pytest.param(COMPARE, {"region": ["410200", "410500"]}, "compare", id="compare"),
    ],
)
def test_single_year_offers_the_years_the_figures_cover(
    page: str, query: dict[str, object], key: str
) -> None:
    at = start(query, page=page)
    years = ok(at).sidebar.multiselect(key=f"flt.{key}.years")
    assert years.options == ["2023年"]  # not 2024, the year the reports were written
    assert "2023年" in subtitle(at)
    at.sidebar.radio(key=f"flt.{key}.scope").set_value("all").run()
    assert ok(at).sidebar.multiselect(key=f"flt.{key}.years").options == ["2024年"]

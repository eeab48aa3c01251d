"""Figures, their slide export, and the table downloads that go with them."""

from __future__ import annotations

import io
import struct
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard_lib import charts, downloads, export, labels, tables
from db import claims, overview
from db import ranking as reads
from tests.conftest import flt, gold_claims
from valuation import rule
from valuation.registry import RANKABLE_STATUSES, RANKED_METRICS

META = charts.ChartMeta(
    title="双拥投入资金排名（地级）",
    subtitle="地级（市、州、盟） · 全部省份 · 2022年 · 全部类别",
    source="资料来源：005_2022年双拥工作汇编.txt（2022年）",
    rule="剔除标准类和分项；重复报道只计一次",
    generated=date(2025, 1, 15),
    file_stem="双拥排名_投入资金_地级_2022年_20250115",
)


@pytest.fixture()
def ranking(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """河南's prefectures by funds for veterans (帮扶, 就业 …), from the corpus:
    洛阳市 (000) "2020 年以来…投入资金 4000 余万元"; 许昌市 (001#13, reprinted as 002)
    "投入资金400余万元" and "协调地方帮扶资金200余万元"; 濮阳市 (001#16) "今年7月…3000元红包"."""
    rows = reads.ranking_claims(
        con,
        flt(
            metric="funds",
            tier="prefecture",
            provinces=["河南省"],
            category="veterans_aid",
            scope="all",
        ),
        statuses=RANKABLE_STATUSES,
    )
    return rule.rank(rows, "funds").table


def test_ranking_figure_labels_marks_and_click_keys(ranking: pd.DataFrame) -> None:
    fig = charts.ranking_figure(ranking, META.title, META.subtitle)
    bar = fig.data[0]
    assert list(bar.y) == ["洛阳市", "许昌市", "濮阳市"]
    # Two bars state a period and no period is most bars': each says which it covers.
    assert list(bar.text) == ["4,000余万元（2020—2024年）", "600余万元", "3,000元（2023年）"]
    assert list(bar.customdata) == ["410300", "411000", "410900"]
    assert fig.layout.xaxis.title.text == "万元"
    assert fig.layout.yaxis.autorange == "reversed"
    assert list(bar.marker.pattern.shape) == ["/", "/", ""]  # 余: approximate, hatched


def test_a_limited_ranking_draws_the_first_bars_marked_against_the_whole(
    ranking: pd.DataFrame,
) -> None:
    fig = charts.ranking_figure(ranking, META.title, META.subtitle, limit=2)
    bar = fig.data[0]
    assert list(bar.y) == ["洛阳市", "许昌市"]
    # 洛阳's period is marked because of 濮阳's, which is not drawn.
    assert list(bar.text) == ["4,000余万元（2020—2024年）", "600余万元"]
    # Three bars or two: both fit the slide's minimum height.
    assert charts.export_height(fig) == charts.EXPORT_MIN_HEIGHT


def test_the_export_height_follows_the_bars_drawn_not_the_table(ranking: pd.DataFrame) -> None:
    """A ranking of 40 regions drawn as 20 bars exports at the height of 20 bars."""
    long = pd.concat([ranking] * 14, ignore_index=True).head(40)
    long["region_key"] = [f"k{i}" for i in range(len(long))]
    long["region"] = [f"地区{i}" for i in range(len(long))]
    drawn = charts.ranking_figure(long, META.title, META.subtitle, limit=20)
    whole = charts.ranking_figure(long, META.title, META.subtitle)
    assert len(drawn.data[0].y) == 20 and len(whole.data[0].y) == 40
    assert charts.export_height(drawn) == 330 + 40 * 20 > charts.EXPORT_MIN_HEIGHT
    assert charts.export_height(whole) == 330 + 40 * 40


def test_labels_are_escaped_for_plotly_markup() -> None:
    table = pd.DataFrame(
        {
            "region": ["<b>假</b>市", "城关区", "城关区"],
            "province": ["甲省", "甘肃省", "西藏自治区"],
        }
    )
    labels = charts.unique_labels(table["region"], table["province"])
    assert labels == ["<b>假</b>市", "城关区（甘肃省）", "城关区（西藏自治区）"]
    assert charts._esc(labels[0]) == "&lt;b&gt;假&lt;/b&gt;市"


def _unreported(keys: list[str]) -> list[str]:
    """未报告 for each (region, metric) the hand-labelled claims hold nothing for."""
    said = {(c["region"], c["metric"]) for c in gold_claims()}
    names = {"410600": "鹤壁市", "610700": "汉中市", "130600": "保定市", "420300": "十堰市"}
    return ["未报告" for m in RANKED_METRICS for k in keys if (names[k], m) not in said]


def test_comparison_figure_writes_not_reported(con: duckdb.DuckDBPyConnection) -> None:
    keys = ["410600", "610700"]  # 鹤壁市 (SPECIAL) and 汉中市, which reports every metric
    rows = reads.region_claims(con, flt(regions=keys), metrics=RANKED_METRICS)
    places = overview.regions_with_claims(con, RANKABLE_STATUSES)
    long, _ = rule.compare(rows, places[places["region_key"].isin(keys)])
    fig = charts.comparison_figure(long, list(RANKED_METRICS), "对比", "两地")
    texts = [t for trace in fig.data if trace.type == "scatter" for t in trace.text]
    assert texts == _unreported(keys) == ["未报告", "未报告"]  # 鹤壁: provincial, resettled
    bars = [t for trace in fig.data if trace.type == "bar" for t in trace.text]
    assert "0人" in bars  # 鹤壁市 reported zero children schooled: 入学0人


def test_comparison_table_writes_each_cell_in_region_and_metric_order(
    con: duckdb.DuckDBPyConnection,
) -> None:
    keys = ["410600", "610700"]
    rows = reads.region_claims(con, flt(regions=keys), metrics=RANKED_METRICS)
    places = overview.regions_with_claims(con, RANKABLE_STATUSES)
    long, _ = rule.compare(rows, places[places["region_key"].isin(keys)])
    table = tables.comparison_table(long, list(reversed(RANKED_METRICS)))
    shown = [labels.metric_name(m, short=True) for m in reversed(RANKED_METRICS)]
    assert list(table.columns) == ["地区", *shown]
    assert table["地区"].tolist() == ["鹤壁市（河南省）", "汉中市（陕西省）"]
    cells = table.drop(columns="地区").to_numpy().ravel().tolist()
    # Column by column, as _unreported lists them: 鹤壁 lacks two metrics, 汉中 none.
    not_reported = [c for m in RANKED_METRICS for c in table[labels.metric_name(m, short=True)]]
    assert [c for c in not_reported if c == "未报告"] == _unreported(keys)
    assert "0人" in cells  # 鹤壁市 reported zero children schooled, which is not 未报告
    assert all(isinstance(c, str) and c for c in cells)


def test_comparison_axis_starts_at_zero_when_no_region_reported(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # Neither 保定市 nor 十堰市 reports a provincial honour (nor people or children). A NaN
    # maximum once made the range [0, NaN] (NaN is truthy), and the browser drew that panel
    # from −1 to 1.
    keys = ["130600", "420300"]
    assert len(_unreported(keys)) == 6
    rows = reads.region_claims(con, flt(regions=keys), metrics=RANKED_METRICS)
    places = overview.regions_with_claims(con, RANKABLE_STATUSES)
    long, _ = rule.compare(rows, places[places["region_key"].isin(keys)])
    fig = charts.comparison_figure(long, list(RANKED_METRICS), "对比", "两地")
    axes = ["xaxis", *(f"xaxis{i}" for i in range(2, len(RANKED_METRICS) + 1))]
    ranges = [fig.layout[a].range for a in axes]
    assert all(r[0] == 0 and r[1] > 0 for r in ranges), ranges


def test_export_figure_carries_what_a_slide_needs(ranking: pd.DataFrame) -> None:
    out = charts.export_figure(charts.ranking_figure(ranking, "t", "s"), META)
    assert out.layout.template.layout.paper_bgcolor == "white"  # plotly_white
    assert out.layout.font.family.startswith("Noto Sans CJK SC")
    assert out.layout.width == 1600 and out.layout.height >= 900
    assert META.title in out.layout.title.text
    assert out.layout.title.subtitle.text == META.subtitle
    notes = [a.text for a in out.layout.annotations]
    assert META.source in notes
    assert any(META.rule in n for n in notes)
    assert any("2025年01月15日" in n for n in notes)


def test_export_grows_for_many_bars() -> None:
    n = 40
    table = pd.DataFrame(
        {
            "region_key": [str(i) for i in range(n)],
            "region": [f"市{i}" for i in range(n)],
            "province": ["省"] * n,
            "value": [float(i + 1) for i in range(n)],
            "unit": ["次"] * n,
            "approx": ["exact"] * n,
            "mixed_periods": [False] * n,
            "period_start": pd.array([None] * n, dtype="Int32"),
            "period_end": pd.array([None] * n, dtype="Int32"),
        }
    )
    fig = charts.ranking_figure(table, "t", "s")
    assert charts.export_height(fig) > 900
    assert charts.camera_config(META, fig)["toImageButtonOptions"]["height"] > 900


def test_camera_button_and_file_names() -> None:
    fig = charts.ranking_figure(
        pd.DataFrame(
            {
                "region_key": ["1"],
                "region": ["甲市"],
                "province": ["甲省"],
                "value": [1.0],
                "unit": ["次"],
                "approx": ["exact"],
                "mixed_periods": [False],
                "period_start": pd.array([None], dtype="Int32"),
                "period_end": pd.array([None], dtype="Int32"),
            }
        ),
        "t",
        "s",
    )
    options = charts.camera_config(META, fig)["toImageButtonOptions"]
    assert options == {
        "format": "png",
        "filename": META.file_stem,
        "width": 1600,
        "height": 900,
        "scale": 2,
    }
    stem = charts.file_stem("双拥/排名", "a b", generated=date(2025, 1, 2))
    assert stem == "双拥_排名_a_b_20250102"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.skipif(bool(export.export_problems()), reason="needs chromium and a CJK font")
def test_server_side_png_and_svg(ranking: pd.DataFrame, tmp_path: Path) -> None:
    fig = charts.ranking_figure(ranking, META.title, META.subtitle)
    png = export.render_png(fig, META)
    width, height = _png_size(png)
    assert width >= 1600 and height >= 900
    svg = export.render_svg(fig, META).decode("utf-8")
    assert svg.startswith("<svg")
    assert "双拥投入资金排名" in svg
    assert "Noto Sans CJK SC" in svg
    (tmp_path / "ranking.png").write_bytes(png)


def test_export_without_chromium_says_what_to_install(
    ranking: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "export_problems", lambda: ["服务器未安装 Chromium"])
    with pytest.raises(export.ExportUnavailable, match="apt-get install"):
        export.render_png(charts.ranking_figure(ranking, "t", "s"), META)


# --------------------------------------------------------------------------- tables


def test_chart_csv_is_exactly_the_chart_data(ranking: pd.DataFrame) -> None:
    frame = tables.ranking_table(ranking)
    data = tables.to_csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese correctly
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back["地区"]) == ["洛阳市", "许昌市", "濮阳市"]
    assert list(back["数值"]) == [40_000_000, 6_000_000, 3_000]
    assert list(back["期间与多数地区不同"].fillna("")) == ["是", "", "是"]


def test_a_chart_csv_is_made_on_click_and_says_its_scope() -> None:
    made: list[int] = []

    def rows() -> pd.DataFrame:
        made.append(1)
        return pd.DataFrame({"地区": ["洛阳市"], "数值": [40_000_000]})

    scoped = replace(META, scope="单一年度（2023年）")
    back = pd.read_csv(io.BytesIO(downloads.chart_csv(rows, scoped)), encoding="utf-8-sig")
    assert back.to_dict("records") == [
        {"地区": "洛阳市", "数值": 40_000_000, "统计口径": "单一年度（2023年）"}
    ]
    unscoped = pd.read_csv(io.BytesIO(downloads.chart_csv(rows, replace(META, scope=""))))
    assert list(unscoped.columns) == ["地区", "数值"]
    assert made == [1, 1]  # the rows were made for each file asked for, not before


def test_downloads_defuse_spreadsheet_formulas() -> None:
    frame = pd.DataFrame({"原文": ['=HYPERLINK("http://x")', "正常"], "数值": [-1, 2]})
    csv = tables.to_csv_bytes(frame).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv
    assert ",-1" in csv  # numbers are left alone
    xlsx = pd.read_excel(io.BytesIO(tables.to_excel_bytes(frame)))
    assert xlsx["原文"].iloc[0].startswith("'=")


def test_claims_table_keeps_html_as_text(con: duckdb.DuckDBPyConnection) -> None:
    shown = tables.claims_table(claims.claim_table(con, flt(search="script")))
    assert shown["原文"].iloc[0] == "2023年安排<script>alert(1)</script>专项资金300万元"
    assert shown["类别"].iloc[0] == "支持部队建设和练兵备战"


def test_long_footer_lines_are_wrapped_to_the_image_width() -> None:
    rule = "剔除标准类（每人每月…）、分项（其中…）；" * 8
    lines = charts.wrap_line(rule)
    assert len(lines) > 1
    assert all(len(line) <= charts.FOOTER_CHARS_PER_LINE for line in lines)
    assert "".join(lines) == rule

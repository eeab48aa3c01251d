"""Chinese number formats and safe quote highlighting."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard_lib.formatting import (
    approx_label,
    axis_scale,
    format_period,
    format_value,
    highlight_quote,
    safe_text,
)
from valuation.wording import format_list, format_years


@pytest.mark.parametrize(
    ("value", "unit", "approx", "expected"),
    [
        (160_000_000, "元", "exact", "1.6亿元"),
        (350_000_000, "元", "exact", "3.5亿元"),
        (20_000_000, "元", "over", "2,000余万元"),
        (540_000_000, "元", "about", "约5.4亿元"),
        (160_000_000, "元", "over", "1.6亿余元"),
        (2_262_600, "元", "exact", "226.26万元"),
        (10_800_000, "元", "exact", "1,080万元"),
        (99_999_999, "元", "exact", "1亿元"),
        (300, "元", "exact", "300元"),
        (435, "人", "exact", "435人"),
        (4802, "人", "exact", "4,802人"),
        (80, "人", "over", "80余人"),
        (1500, "人", "about", "约1,500人"),
        (8, "次", "exact", "8次"),
        (0, "人", "exact", "0人"),
        (120, "个", "exact", "120个"),
    ],
)
def test_format_value(value: float, unit: str, approx: str, expected: str) -> None:
    assert format_value(value, unit, approx) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA])
def test_missing_value_is_not_reported_not_zero(missing: object) -> None:
    assert format_value(missing, "元") == "未报告"


def test_never_uses_si_suffixes() -> None:
    for value in (16_000, 1_600_000, 16_000_000_000):
        text = format_value(value, "元")
        assert not any(s in text for s in ("k", "M", "G", "e+"))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (2022, 2022, "2022年"),
        (2016, 2023, "2016—2023年"),
        (2016, None, "2016年以来"),
        (None, 2023, "截至2023年"),
        (None, None, ""),
        (pd.NA, pd.NA, ""),
    ],
)
def test_format_period(start: object, end: object, expected: str) -> None:
    assert format_period(start, end) == expected


def test_format_years_and_lists() -> None:
    assert format_years([]) == "全部年份"
    assert format_years([2023]) == "2023年"
    assert format_years([2024, 2022, 2023]) == "2022—2024年"
    assert format_years([2022, 2024]) == "2022、2024年"
    assert format_list([], "全部省份") == "全部省份"
    assert format_list(["甘肃省", "河南省"], "") == "甘肃省、河南省"
    assert format_list(list("abcdef"), "", limit=2) == "a、b 等6个"


def test_approx_labels_and_axis_scale() -> None:
    assert approx_label("over").startswith("余")
    assert approx_label("about") == "约"
    assert approx_label("exact") == ""
    assert axis_scale(3.85e8, "元") == (1e8, "亿元")
    assert axis_scale(3e7, "元") == (1e4, "万元")
    assert axis_scale(900, "元") == (1.0, "元")
    assert axis_scale(9, "次") == (1.0, "次")


def test_highlight_marks_the_value_inside_the_quote() -> None:
    text = "张掖市2016年以来，全市累计投入双拥资金1.6亿元。"
    quote = "累计投入双拥资金1.6亿元"
    qs = text.index(quote)
    vs = text.index("1.6亿元")
    html = highlight_quote(text, qs, qs + len(quote), vs, vs + 5, quote, "1.6亿元")
    assert html == "累计投入双拥资金<mark>1.6亿元</mark>"


def test_highlight_escapes_html_in_the_quote() -> None:
    text = "今年安排<script>alert(1)</script>专项资金300万元，"
    quote = "安排<script>alert(1)</script>专项资金300万元"
    qs = text.index(quote)
    vs = text.index("300万元")
    html = highlight_quote(text, qs, qs + len(quote), vs, vs + 5, quote, "300万元")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.endswith("<mark>300万元</mark>")


def test_highlight_escapes_a_value_that_is_markup() -> None:
    text = "<b>5</b>"
    html = highlight_quote(text, 0, len(text), 0, len(text), text, text)
    assert html == "<mark>&lt;b&gt;5&lt;/b&gt;</mark>"


def test_highlight_widens_to_a_value_just_outside_the_quote() -> None:
    text = "共安置退役士兵275名。"
    quote = "共安置退役士兵"
    html = highlight_quote(text, 0, 7, 7, 11, quote, "275名")
    assert html == "共安置退役士兵<mark>275名</mark>"


def test_highlight_falls_back_to_the_stored_quote_when_spans_are_wrong() -> None:
    html = highlight_quote("短", 50, 60, 52, 55, "投入<i>300</i>万元", "300")
    assert html == "投入&lt;i&gt;<mark>300</mark>&lt;/i&gt;万元"
    assert highlight_quote(None, None, None, None, None, "<q>", "x") == "&lt;q&gt;"


def test_safe_text() -> None:
    assert safe_text(None) == ""
    assert safe_text(pd.NA) == ""
    assert safe_text("<a href='x'>") == "&lt;a href=&#x27;x&#x27;&gt;"

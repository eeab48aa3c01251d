"""数据冲突 cards: both quotes side by side, the earlier (not counted) left, the later
(counted) right, every document field escaped."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard_lib.conflict_cards import KEPT_COLOUR, conflict_html


def _conflict(**over: object) -> pd.DataFrame:
    row = {
        "metric": "funds", "category": "consolation", "period_start": 2023, "period_end": 2023,
        "dropped_claim_id": 7, "dropped_value": 3_000_000.0, "dropped_unit": "元",
        "dropped_value_text": "300万元", "dropped_quote": "全年投入慰问资金300万元<b>",
        "dropped_source": "早报.txt", "dropped_date": date(2024, 1, 5), "dropped_period_text": "",
        "kept_claim_id": 9, "kept_value": 3_200_000.0, "kept_unit": "元",
        "kept_value_text": "320万元", "kept_quote": "更正：全年投入慰问资金320万元",
        "kept_source": "晚报.txt", "kept_date": date(2024, 3, 1), "kept_period_text": "",
    }  # fmt: skip
    return pd.DataFrame([{**row, **over}])


def test_both_quotes_side_by_side_earlier_first_numbers_marked_text_escaped() -> None:
    html = conflict_html(_conflict())
    assert html.startswith("<div><b>数据冲突：2023年 · 走访慰问</b></div>")
    dropped, kept = html.index("早报.txt"), html.index("晚报.txt")
    assert dropped < kept  # the superseded figure on the left
    assert html.index("较早发布 · 未计入") < dropped < html.index("较晚发布 · 计入") < kept
    assert ">300万元</mark>" in html and ">320万元</mark>" in html
    assert "&lt;b&gt;" in html and "<b>" not in html.split("</b></div>", 1)[1]
    assert "2024-01-05" in html and "2024-03-01" in html
    assert "300万元 · 早报.txt" in html and "320万元 · 晚报.txt" in html
    assert f"border-left:4px solid {KEPT_COLOUR}" in html


def test_no_conflict_is_no_html() -> None:
    assert conflict_html(_conflict().iloc[0:0]) == ""

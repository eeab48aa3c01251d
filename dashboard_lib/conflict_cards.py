"""数据冲突 side by side: the quote a value uses beside the one it superseded. Pure.

Two documents giving the same region, metric, category and period different values (a
reprint that changed a figure, a later correction) are a conflict; the later publication
wins (the rule, ``valuation``). A reader must be able to see both sentences at once to
judge that, so each conflict is one row of two cards: the earlier figure, not counted, on
the left, the later one, counted, on the right. Quotes are document text: every field is
escaped (``formatting.highlight_quote``, ``safe_text``) before markup is added.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from dashboard_lib import labels
from dashboard_lib.formatting import format_period, format_value, highlight_quote, safe_text

_ROW = "display:flex;gap:12px;margin:0 0 12px 0;flex-wrap:wrap"
_SIDE = (
    "flex:1 1 280px;border-left:4px solid {color};padding:6px 12px;background:#fafafa;"
    "border-radius:4px"
)
_HEAD = "font-weight:600;margin-bottom:4px;color:{color}"
_QUOTE = "font-size:1.05em;line-height:1.7;white-space:pre-wrap"
_META = "color:#555;font-size:0.85em;margin-top:4px"
_MARK = '<mark style="background:#ffe08a;padding:0 2px">'
KEPT_COLOUR, DROPPED_COLOUR = "#b3261e", "#8a8a8a"
SIDES = (
    ("dropped_", "较早发布 · 未计入", DROPPED_COLOUR),
    ("kept_", "较晚发布 · 计入（以较晚者为准）", KEPT_COLOUR),
)


def _date(value: Any) -> str:
    if value is None or pd.isna(value):
        return "日期不详"
    return f"{pd.Timestamp(value):%Y-%m-%d}"


def _side(row: Mapping[Any, Any], prefix: str, heading: str, color: str) -> str:
    def get(name: str) -> Any:
        return row.get(prefix + name)

    quote = highlight_quote(
        None, None, None, None, None, str(get("quote") or ""), str(get("value_text") or "")
    ).replace("<mark>", _MARK)
    unit = str(get("unit") or labels.METRIC_UNITS.get(str(row.get("metric")), ""))
    meta = [
        safe_text(format_value(get("value"), unit)),
        safe_text(get("source")),
        _date(get("date")),
    ]
    return (
        f'<div style="{_SIDE.format(color=color)}">'
        f'<div style="{_HEAD.format(color=color)}">{heading}</div>'
        f'<div style="{_QUOTE}">{quote}</div>'
        f'<div style="{_META}">{" · ".join(meta)}</div></div>'
    )


def conflict_html(conflicts: pd.DataFrame) -> str:
    """Each conflict (a row of ``db.ranking.conflicts``) as its period and two cards."""
    parts = []
    for row in conflicts.to_dict("records"):
        period = format_period(row.get("period_start"), row.get("period_end")) or "同一期间"
        category = row.get("category")
        title = f"数据冲突：{period}" + (
            f" · {safe_text(labels.category_name(category))}" if category else ""
        )
        cards = "".join(_side(row, *side) for side in SIDES)
        parts.append(f'<div><b>{title}</b></div><div style="{_ROW}">{cards}</div>')
    return "".join(parts)

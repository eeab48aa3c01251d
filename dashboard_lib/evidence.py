"""The sentences behind a number: what the user sees after clicking a bar.

A briefing number is only as good as the sentence it came from, so every value on the
ranking and comparison pages can be opened into its claims: the quote with the number
highlighted, the article title, date, source file and line, period and approximation,
and the role the claim played in the value (计入, 重复报道, 标准类, 分项…).

Quotes are document text, i.e. untrusted: :func:`cards_html` escapes every field and adds
only its own markup, and ``st.html`` shows the result, so ``<script>`` appears as text.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from dashboard_lib import charts, conflict_cards, data, downloads, labels, tables, widgets
from dashboard_lib.formatting import (
    approx_label,
    format_period,
    highlight_claim,
    safe_text,
)
from valuation.registry import CONFLICT, COUNTED, EVIDENCE_ROLES, ROLE_ORDER, ROLE_RANK

_CARD = (
    "border-left:4px solid {color};padding:6px 12px;margin:0 0 10px 0;"
    "background:#fafafa;border-radius:4px"
)
_QUOTE = "font-size:1.05em;line-height:1.7;white-space:pre-wrap"
_META = "color:#555;font-size:0.85em;margin-top:4px"
_MARK = '<mark style="background:#ffe08a;padding:0 2px">'


def _date(value: Any) -> str:
    if value is None or pd.isna(value):
        return "日期不详"
    return f"{pd.Timestamp(value):%Y-%m-%d}"


def card_html(row: Any) -> str:
    """One claim as an HTML card; ``row`` is a record of ``db.claims.evidence``."""
    quote = highlight_claim(
        row.get("article_text"),
        row.get("quote_start"),
        row.get("quote_end"),
        row.get("value_start"),
        row.get("value_end"),
        str(row.get("quote") or ""),
        str(row.get("value_text") or ""),
    ).replace("<mark>", _MARK)
    role = str(row.get("role") or "")
    meta = [
        labels.ROLE_NAMES.get(role, "原文"),
        safe_text(
            tables.shown_value(
                row.get("value"),
                str(row.get("unit") or ""),
                str(row.get("approx")),
                row.get("suspect"),
                row.get("value_text"),
            )
        ),
        f"《{safe_text(row.get('title')) or '无标题'}》",
        _date(row.get("date")),
        f"{safe_text(row.get('source'))} {_where(row)}",
    ]
    if row.get("ocr") is True or row.get("ocr") == 1:
        meta.append("OCR 识别，数字请与原件核对")
    period = format_period(row.get("period_start"), row.get("period_end"))
    meta.append(f"统计期间：{period}" if period else "统计期间：原文未注明")
    suspect = tables.suspect_label(row.get("suspect"), row.get("suspect_reason"))
    if suspect:
        meta.insert(0, f'<b style="color:#b3261e">{safe_text(suspect)}</b>')
    if approx_label(row.get("approx")):
        meta.append(f"约数：{approx_label(row.get('approx'))}")
    if row.get("category"):
        meta.append(f"类别：{safe_text(labels.category_name(row.get('category')))}")
    color = "#aaa" if role and role != COUNTED else "#b3261e"
    return (
        f'<div style="{_CARD.format(color=color)}">'
        f'<div style="{_QUOTE}">{quote}</div>'
        f'<div style="{_META}">{" · ".join(meta)}</div></div>'
    )


def _where(row: dict[str, Any]) -> str:
    """Where the number stands in the original: 第2页第5行 for a PDF, 表格1第2行 for Word,
    else (a text file, or a database older than the formats) its line."""
    location = row.get("location")
    if isinstance(location, str) and location:
        return safe_text(location)
    return f"第{safe_text(row.get('claim_line'))}行"


def cards_html(rows: pd.DataFrame) -> str:
    """All claims as cards, in the order given."""
    return "".join(card_html(r) for r in rows.to_dict("records"))


def selected(event: Any) -> Any | None:
    """The ``customdata`` of the first clicked point of a Plotly selection, if any."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points or []:
        value = point.get("customdata")
        if value is not None:
            return value
    return None


def follow_click(event: Any, picker_key: str, choices: Collection[Any]) -> None:
    """Point the evidence picker at a bar the user has just clicked.

    The picker (a selectbox) is the single source of truth for whose evidence is shown.
    A click that differs from the last one seen moves the picker to the clicked bar; a
    click that has not changed leaves it alone, so choosing from the list still works
    after a click. Must run before the picker is drawn.
    """
    clicked = selected(event)
    if isinstance(clicked, list):
        clicked = tuple(clicked)
    seen = f"{picker_key}.last_click"
    if clicked != st.session_state.get(seen):
        st.session_state[seen] = clicked
        if clicked in choices:
            st.session_state[picker_key] = clicked


# Cards per page: a much-reported city has over a thousand claims behind its value, more
# than anyone reads on one screen, and building them all took most of a click's time.
CARDS_PER_PAGE = 20


def _ordered(roles: pd.DataFrame) -> pd.DataFrame:
    """Roles in the order cards are shown: by role (计入 first), then in document order
    (claim ids are given in the order documents, articles and numbers were read)."""
    order = roles["role"].map(ROLE_RANK).fillna(len(ROLE_ORDER))
    return roles.assign(_order=order).sort_values(["_order", "claim_id"], kind="stable")


def _page(roles: pd.DataFrame, number: int) -> pd.DataFrame:
    """Page ``number`` (1-based) of ``CARDS_PER_PAGE`` cards of ``roles``."""
    return roles.iloc[(number - 1) * CARDS_PER_PAGE : number * CARDS_PER_PAGE]


def role_summary(roles: pd.DataFrame) -> str:
    """计入 12 条 · 重复报道 3 条 · 标准类 5 条: how many claims played each role."""
    counts = roles["role"].value_counts()
    parts = [
        f"{labels.ROLE_SHORT.get(role, role)} {int(counts[role]):,} 条"
        for role in ROLE_ORDER
        if role in counts
    ]
    return " · ".join(parts)


def show(key: data.DbKey, heading: str, roles: pd.DataFrame, widget_key: str) -> None:
    """Cards for the claims in ``roles``: the ones in the value first, the rest folded,
    a page of ``CARDS_PER_PAGE`` at a time. ``widget_key`` names the value shown (its
    page pickers start again at page 1 for another value). The cards of both pages shown
    are read in one query."""
    if roles.empty:
        st.info("没有可显示的原文。")
        return
    ordered = _ordered(roles)
    in_value = ordered["role"].isin(EVIDENCE_ROLES)
    used, other = ordered[in_value], ordered[~in_value]
    used_key, other_key = f"{widget_key}.used", f"{widget_key}.other"
    used_page = _page(used, widgets.current_page(used_key, len(used), CARDS_PER_PAGE))
    other_page = _page(other, widgets.current_page(other_key, len(other), CARDS_PER_PAGE))
    shown = pd.concat([used_page, other_page])
    cards = tables.evidence_roles(
        data.evidence(key, tuple(int(i) for i in shown["claim_id"])), shown
    )
    st.subheader(heading)
    st.caption(role_summary(roles))
    if used.empty:
        st.info("这些数据都未计入数值（标准类、分项或非最大次数）。")
    else:
        widgets.pager(len(used), CARDS_PER_PAGE, key=used_key)
        st.html(cards_html(cards[cards["claim_id"].isin(used_page["claim_id"])]))
    show_conflicts(key, roles)
    if not other.empty:
        with st.expander(f"未计入的数据（{len(other):,} 条）"):
            widgets.pager(len(other), CARDS_PER_PAGE, key=other_key)
            st.html(cards_html(cards[cards["claim_id"].isin(other_page["claim_id"])]))
    downloads.original_downloads(key, cards, widget_key)


def show_conflicts(key: data.DbKey, roles: pd.DataFrame) -> None:
    """数据冲突 behind a value: each superseded figure's quote beside the later one that
    the value uses, so the reader sees both sentences at once."""
    superseded = roles[roles["role"] == CONFLICT]["claim_id"]
    if superseded.empty:
        return
    pairs = data.conflicts(key, tuple(int(i) for i in superseded))
    if pairs.empty:
        return
    st.markdown(
        f"**数据冲突（{len(pairs):,} 处）**：不同文件对同一地区、同一期间给出了不同数值，"
        "以发布较晚者为准。两条原文并列如下。"
    )
    st.html(conflict_cards.conflict_html(pairs))


def show_claims(key: data.DbKey, heading: str, claim_ids: Sequence[int]) -> None:
    """Plain cards for the given claims (the 明细 page: no value, so no roles)."""
    rows = data.evidence(key, tuple(int(i) for i in claim_ids))
    st.subheader(heading)
    st.html(cards_html(rows))
    downloads.original_downloads(key, rows, "claims.cards")


def clickable_chart(fig: Any, meta: charts.ChartMeta, key: str) -> Any:
    """The chart on the page, its bars clickable: the event says which bar was clicked,
    for :func:`picker` to show its evidence."""
    return st.plotly_chart(
        fig,
        on_select="rerun",
        selection_mode="points",
        key=key,
        config=charts.camera_config(meta, fig),
    )


def picker(
    key: data.DbKey,
    event: Any,
    *,
    page: str,
    label: str,
    choices: Mapping[Any, str],
    roles: Callable[[Any], pd.DataFrame],
    cards_key: Callable[[Any], str],
    unreported: str = "",
    placeholder: str = "请选择",
) -> None:
    """The evidence of one bar: a list to choose it from (a click on a bar chooses it too),
    then its cards. Shared by 排名 and 对比.

    ``choices`` maps each bar's click value to its name; ``roles(choice)`` gives the claims
    behind it; ``cards_key(choice)`` names the value shown (its card pages start again at
    page 1 for another one). When a choice has no claims, ``unreported`` says why;
    ``placeholder`` is what the list says before anything is chosen.
    """
    picker_key = f"{page}.evidence"
    follow_click(event, picker_key, choices)
    target = st.selectbox(
        label,
        [None, *choices],
        format_func=lambda c: placeholder if c is None else choices.get(c, placeholder),
        key=picker_key,
    )
    if target is None:
        return
    chosen = roles(target)
    if chosen.empty and unreported:
        st.info(f"{choices[target]}：{unreported}")
        return
    heading = f"{choices[target]}：构成该数值的原文"
    show(key, heading, chosen, widget_key=f"{page}.cards.{cards_key(target)}")

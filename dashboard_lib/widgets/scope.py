"""统计口径 and the years it is read in: the 口径 radio, 多年累计's start year, the years.

A year means something else in each 口径: in 全部 it is the article's year, in 单一年度
and 多年累计 the year the figure covers (a 2024 report's 2023 figure is 2023's). So the
year selector's label and its choices follow the 口径: in 单一年度 the years the figures
cover (what the stored 单一年度 values hold), otherwise the article years.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import pandas as pd
import streamlit as st

from dashboard_lib.widgets.panel import Panel, choose
from db.filters import DEFAULTS, EVERY_START, Filters
from valuation.registry import ADDITIVE_METRICS, SCOPE_ALL, SCOPE_LABELS, SCOPE_SINGLE, SCOPE_SPAN

# What each 口径 means, under its selector.
SCOPE_HELP = (
    "单一年度：只比较某一年的数字，年份按数字所指的年份（2024年报告中的“2023年投入…”算2023年）；"
    "多年累计：只比较“以来”“期间”等多年合计和累计数，默认只把起始年份相同的放在一起；"
    "全部：所有数字按报道年份合并（各类期间混在一起，标“口径不一”）。"
)
HONOUR_SCOPE = "命名次数是累计数，只按“全部”口径排名。"
COMPARE_HONOURS = "荣誉称号是累计数，对比中始终按“全部”口径。"


class ScopeChoices(Protocol):
    """What the 口径 widgets offer, read for the filters chosen so far (``dashboard_lib.data``)."""

    def years(self, f: Filters) -> Sequence[int]:
        """The years a 单一年度 ranking of ``f`` has values for."""
        ...

    def starts(self, f: Filters) -> pd.DataFrame:
        """start, regions: the start years of a 多年累计 ranking of ``f``, default first."""
        ...


def scope(panel: Panel, scopes: Sequence[str]) -> str:
    """统计口径: 单一年度 / 多年累计 / 全部, those ``scopes`` offers (the first the
    default); a metric with one 口径 (honours) says so and keeps the user's choice for
    the next metric. Returns the 口径 in force."""
    chosen = panel.filters.scope
    if len(scopes) == 1:
        st.caption(HONOUR_SCOPE)
        return scopes[0]
    key = panel.key("scope", chosen if chosen in scopes else scopes[0])
    if st.session_state.get(key) not in scopes:
        st.session_state[key] = scopes[0]
    picked = st.radio(
        "统计口径",
        list(scopes),
        key=key,
        horizontal=True,
        format_func=lambda s: SCOPE_LABELS.get(s, s),
        help=SCOPE_HELP,
    )
    panel.values["scope"] = "" if picked == scopes[0] else picked  # the default: a short URL
    return str(picked)


def years(panel: Panel, options: Sequence[int], in_scope: str = SCOPE_ALL) -> None:
    """Years: of the article in 全部, of the figure (the year it covers) in 单一年度 and
    多年累计, where no choice means the default year (``dashboard_lib.default_year``)."""
    key = panel.key("years", choose(panel.filters.years, options))
    by_figure = in_scope in (SCOPE_SINGLE, SCOPE_SPAN)
    panel.values["years"] = tuple(
        int(y)
        for y in st.multiselect(
            "年份（按数字所指年份）" if by_figure else "年份（按文章年份）",
            list(options),
            key=key,
            placeholder="默认年份" if in_scope == SCOPE_SINGLE else "全部年份",
            format_func=lambda y: f"{y}年",
        )
    )


def ranking_years(
    panel: Panel, article_years: Sequence[int], in_scope: str, offer: ScopeChoices
) -> None:
    """排名's years: in 单一年度 those the ranking's figures cover (the filters so far),
    else the article years."""
    if in_scope == SCOPE_SINGLE:
        years(panel, offer.years(panel.so_far()) or article_years, in_scope)
    else:
        years(panel, article_years, in_scope)


def compare_years(
    panel: Panel, article_years: Sequence[int], in_scope: str, offer: ScopeChoices
) -> None:
    """对比's years, as 排名's: in 单一年度 the years any compared metric's figures cover
    (never an article year no figure covers, which would compare nothing), else the
    article years."""
    if in_scope != SCOPE_SINGLE:
        years(panel, article_years, in_scope)
        return
    no_ocr = panel.filters.no_ocr
    covered = {y for m in ADDITIVE_METRICS for y in offer.years(Filters(metric=m, no_ocr=no_ocr))}
    years(panel, sorted(covered) or article_years, in_scope)


def since(panel: Panel, starts: pd.DataFrame) -> None:
    """多年累计's start year: by default the one most regions report (figures that start
    in different years are not comparable), or one chosen, or every start together."""
    counts = dict(zip(starts["start"].tolist(), starts["regions"].tolist(), strict=True))
    choices = [DEFAULTS.since, *counts, EVERY_START]
    seed = panel.filters.since if panel.filters.since in choices else DEFAULTS.since
    key = panel.key("since", seed)
    if st.session_state.get(key) not in choices:
        st.session_state[key] = DEFAULTS.since

    def word(y: int) -> str:
        if y == DEFAULTS.since:
            return "默认（多数地区的起始年份）"
        if y == EVERY_START:
            return "各起始年份一起排"
        return f"{y}年起（{counts[y]:,}个地区）"

    panel.values["since"] = int(st.selectbox("起始年份", choices, key=key, format_func=word))

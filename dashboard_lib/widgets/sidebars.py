"""Each page's sidebar: which filters it offers, in which order, from the widget modules."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard_lib.widgets import choices
from dashboard_lib.widgets import regions as pickers
from dashboard_lib.widgets import scope as scoped
from dashboard_lib.widgets.panel import Panel
from db.filters import Filters
from valuation.registry import ADDITIVE_METRICS, SCOPE_SPAN, SCOPES, scopes_for


def ranking_filters(options: Any, regions: pd.DataFrame, offer: scoped.ScopeChoices) -> Filters:
    """Sidebar of the 排名 page: metric (and fund category), 统计口径 (and its start year
    or years), tier, provinces, years, 不含OCR识别的数字, and 本地区."""
    with st.sidebar:
        panel = Panel("ranking")
        choices.metric(panel, options.categories)
        in_scope = scoped.scope(panel, scopes_for(panel.values["metric"]))
        choices.tier(panel, allow_all=False)
        choices.provinces(panel, options.provinces)
        scoped.ranking_years(panel, options.years, in_scope, offer)
        if in_scope == SCOPE_SPAN:
            scoped.since(panel, offer.starts(panel.so_far()))
        choices.no_ocr(panel)
        pickers.home_picker(panel, regions)
        return panel.done()


def compare_filters(options: Any, regions: pd.DataFrame, offer: scoped.ScopeChoices) -> Filters:
    """Sidebar of the 对比 page: 本地区, 统计口径, the regions to compare (offered within
    the provinces and tier), years. With no regions chosen it opens on 本地区 and its
    peers (same province and tier)."""
    with st.sidebar:
        panel = Panel("compare")
        moved = pickers.home_picker(panel, regions)
        in_scope = scoped.scope(panel, SCOPES)
        st.caption(scoped.COMPARE_HONOURS)
        choices.provinces(panel, options.provinces)
        choices.tier(panel, allow_all=True)
        pickers.compare_regions(panel, regions, moved)
        scoped.compare_years(panel, options.years, in_scope, offer)
        choices.no_ocr(panel)
        return panel.done()


def trend_filters(options: Any, regions: pd.DataFrame) -> Filters:
    """Sidebar of the 趋势 page: one additive metric (and fund category), the regions to
    draw; with none chosen it opens on 本地区."""
    with st.sidebar:
        panel = Panel("trend")
        moved = pickers.home_picker(panel, regions)
        choices.metric(panel, options.categories, ADDITIVE_METRICS)
        pickers.trend_regions(panel, regions, moved)
        choices.no_ocr(panel)
        return panel.done()


def claims_filters(options: Any) -> Filters:
    """Sidebar of the 明细 page: search text, metrics, tier, provinces, years, and
    不含OCR识别的数字."""
    with st.sidebar:
        panel = Panel("claims")
        key = panel.key("search", panel.filters.search)
        panel.values["search"] = st.text_input(
            "搜索原文、地区、标题或文件名", key=key, max_chars=200
        ).strip()
        choices.metrics(panel, options.metrics)
        choices.tier(panel, allow_all=True)
        choices.provinces(panel, options.provinces)
        scoped.years(panel, options.years)
        choices.no_ocr(panel)
        return panel.done()

"""The plain filters every page shares: metric (and fund category), tier, provinces, and
不含OCR识别的数字. Each reads its seed from the panel and writes its value back to it."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from dashboard_lib import labels
from dashboard_lib.widgets.panel import Panel, choose
from valuation.registry import RANKED_METRICS, TIERS, has_categories

RANKING_TIER = "prefecture"  # where a ranking starts: 双拥模范城 are mostly cities
NO_OCR_LABEL = "不含OCR识别的数字"
NO_OCR_HELP = (
    "扫描件和图片中的文字由 OCR 识别，数字可能认错；勾选后这些数字不参与排名、对比、趋势和明细。"
)


def provinces(panel: Panel, options: Sequence[str]) -> None:
    key = panel.key("provinces", choose(panel.filters.provinces, options))
    panel.values["provinces"] = tuple(
        st.multiselect("省份", list(options), key=key, placeholder="全部省份")
    )


def tier(panel: Panel, allow_all: bool) -> None:
    """层级; a ranking never mixes tiers, so without ``allow_all`` it starts at prefecture."""
    choices = ([labels.ALL] if allow_all else []) + list(TIERS)
    fallback = labels.ALL if allow_all else RANKING_TIER
    seed = panel.filters.tier if panel.filters.tier in choices else fallback
    key = panel.key("tier", seed)
    panel.values["tier"] = st.radio(
        "层级", choices, key=key, horizontal=True, format_func=labels.tier_name
    )


def metric(
    panel: Panel, category_options: Sequence[str], metrics: Sequence[str] = RANKED_METRICS
) -> None:
    """指标, and 资金类别 for a metric that has categories."""
    seed = panel.filters.metric if panel.filters.metric in metrics else metrics[0]
    key = panel.key("metric", seed)
    picked = st.selectbox("指标", list(metrics), key=key, format_func=labels.metric_name)
    panel.values["metric"] = picked
    if has_categories(picked):
        choices = [labels.ALL, *category_options]
        seed_cat = panel.filters.category if panel.filters.category in choices else labels.ALL
        cat_key = panel.key("category", seed_cat)
        panel.values["category"] = st.selectbox(
            "资金类别", choices, key=cat_key, format_func=labels.category_name
        )


def metrics(panel: Panel, options: Sequence[str]) -> None:
    """指标 (several, for 明细)."""
    key = panel.key("metrics", choose(panel.filters.metrics, options))
    panel.values["metrics"] = tuple(
        st.multiselect(
            "指标",
            list(options),
            key=key,
            format_func=labels.metric_name,
            placeholder="全部指标",
        )
    )


def no_ocr(panel: Panel) -> None:
    """不含OCR识别的数字: leave out the claims read by OCR (issue 9), kept in the URL."""
    key = panel.key("no_ocr", panel.filters.no_ocr)
    panel.values["no_ocr"] = bool(st.checkbox(NO_OCR_LABEL, key=key, help=NO_OCR_HELP))

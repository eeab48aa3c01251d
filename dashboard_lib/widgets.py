"""Filter widgets whose values live in the URL, so a view can be shared and bookmarked.

One set of filter values (:class:`~db.filters.Filters`) is kept per browser session. It is read from
the URL's query parameters once, when the session starts; after that every widget
change updates it and the URL is rewritten from it. Because the values live in the
session and not in a page's widgets, they survive moving between pages even when the
page switch drops the query string, and the next page writes them back into the URL.

The value and its URL encoding are ``db.filters``' (one declared table of filters); this
module draws the widgets. Widget keys are per page (``flt.<page>.<field>``). When the user
arrives on a page the widgets are seeded from the shared values; while the user stays,
the widgets own them.
Values from a URL are never trusted: lists are checked against the options the database
offers, so a hostile ``?province=';DROP…`` just selects nothing.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, NamedTuple

import pandas as pd
import streamlit as st

from dashboard_lib import home, labels
from db import filters
from db.filters import DEFAULTS, Filters
from valuation.registry import ADDITIVE_METRICS, RANKED_METRICS, TIERS, has_categories

RANKING_TIER = "prefecture"  # where a ranking starts: 双拥模范城 are mostly cities
MAX_REGIONS = filters.MAX_REGIONS
_STATE = "_filters"
_LAST_PAGE = "_filters_page"


# ---------------------------------------------------------------- session and URL


def current_filters() -> Filters:
    """The session's filters, read from the URL the first time."""
    state = st.session_state
    if _STATE not in state:
        state[_STATE] = filters.from_params(st.query_params.get_all)
    value = state[_STATE]
    return value if isinstance(value, Filters) else DEFAULTS


def sync_url(chosen: Filters | None = None) -> None:
    """Store ``chosen`` in the session and write them into the URL (only what changed)."""
    if chosen is None:
        chosen = current_filters()
    st.session_state[_STATE] = chosen
    wanted = filters.to_params(chosen)
    qp = st.query_params
    for param in filters.PARAMS:
        new = wanted.get(param, [])
        if list(qp.get_all(param)) == new:
            continue
        if new:
            qp[param] = new
        elif param in qp:
            del qp[param]


class _Panel:
    """Seeds a page's widgets from the shared filters and collects what they return."""

    def __init__(self, page: str) -> None:
        self.page = page
        self.filters = current_filters()
        self.arrived = st.session_state.get(_LAST_PAGE) != page
        st.session_state[_LAST_PAGE] = page
        self.values: dict[str, Any] = {}

    def key(self, field: str, seed: Any, reseed: bool = False) -> str:
        """The widget key of ``field``, set to ``seed`` on arrival (or when ``reseed``)."""
        key = f"flt.{self.page}.{field}"
        if self.arrived or reseed or key not in st.session_state:
            st.session_state[key] = list(seed) if isinstance(seed, tuple) else seed
        return key

    def done(self) -> Filters:
        """The session's filters updated from the widgets, written to the URL; returned
        narrowed to what this page reads (the cache keys on it)."""
        chosen = replace(self.filters, **self.values)
        sync_url(chosen)
        st.caption("筛选条件已写入网址：复制地址栏即可分享或收藏当前视图。")
        return chosen.of(self.page)


def _choose(values: Sequence[Any], options: Sequence[Any]) -> tuple[Any, ...]:
    allowed = set(options)
    return tuple(v for v in values if v in allowed)


def _provinces(panel: _Panel, options: Sequence[str]) -> None:
    key = panel.key("provinces", _choose(panel.filters.provinces, options))
    panel.values["provinces"] = tuple(
        st.multiselect("省份", list(options), key=key, placeholder="全部省份")
    )


def _years(panel: _Panel, options: Sequence[int]) -> None:
    key = panel.key("years", _choose(panel.filters.years, options))
    panel.values["years"] = tuple(
        int(y)
        for y in st.multiselect(
            "年份（按文章年份）",
            list(options),
            key=key,
            placeholder="全部年份",
            format_func=lambda y: f"{y}年",
        )
    )


def _tier(panel: _Panel, allow_all: bool) -> None:
    choices = ([labels.ALL] if allow_all else []) + list(TIERS)
    fallback = labels.ALL if allow_all else RANKING_TIER
    seed = panel.filters.tier if panel.filters.tier in choices else fallback
    key = panel.key("tier", seed)
    panel.values["tier"] = st.radio(
        "层级", choices, key=key, horizontal=True, format_func=labels.tier_name
    )


def _metric(
    panel: _Panel, category_options: Sequence[str], metrics: Sequence[str] = RANKED_METRICS
) -> None:
    seed = panel.filters.metric if panel.filters.metric in metrics else metrics[0]
    key = panel.key("metric", seed)
    metric = st.selectbox("指标", list(metrics), key=key, format_func=labels.metric_name)
    panel.values["metric"] = metric
    if has_categories(metric):
        choices = [labels.ALL, *category_options]
        seed_cat = panel.filters.category if panel.filters.category in choices else labels.ALL
        cat_key = panel.key("category", seed_cat)
        panel.values["category"] = st.selectbox(
            "资金类别", choices, key=cat_key, format_func=labels.category_name
        )


def _home(panel: _Panel, regions: pd.DataFrame) -> bool:
    """本地区: one region the user works for, stated once and kept in the URL; the pages
    mark it and open on it. True when the user has just changed it."""
    keys = list(regions["region_key"])
    names = region_labels(regions)
    seed = panel.filters.home if panel.filters.home in names else ""
    key = panel.key("home", seed)
    panel.values["home"] = st.selectbox(
        "本地区",
        ["", *keys],
        key=key,
        format_func=lambda k: names.get(k, str(k)) if k else "未设置",
        help="设置一次即可：排名中标出本地区并说明名次，对比和趋势从本地区及同省同级地区开始。",
    )
    return bool(panel.values["home"] != panel.filters.home)


def current_home() -> str:
    """The 本地区's key ('' when not set): the session's, which the sidebar keeps (no read
    depends on it, so a page's narrowed filters do not carry it)."""
    return current_filters().home


def home_place(regions: pd.DataFrame) -> Any:
    """The 本地区 row of ``regions`` (None when not set)."""
    return home.place(regions, current_home())


def ranking_filters(options: Any, regions: pd.DataFrame) -> Filters:
    """Sidebar of the 排名 page: metric (and fund category), tier, provinces, years, and
    本地区."""
    with st.sidebar:
        panel = _Panel("ranking")
        _metric(panel, options.categories)
        _tier(panel, allow_all=False)
        _provinces(panel, options.provinces)
        _years(panel, options.years)
        _home(panel, regions)
        return panel.done()


def region_label(row: Mapping[Any, Any]) -> str:
    """张掖市（甘肃省·地级） — names repeat across provinces, so the province is shown."""
    province = row.get("province") if isinstance(row.get("province"), str) else "省份不详"
    return f"{row['region']}（{province}·{labels.tier_name(row.get('tier'))}）"


def region_labels(regions: pd.DataFrame) -> dict[str, str]:
    """region_key → :func:`region_label` for every region (3,000 of them: columns are
    read once as lists rather than row by row)."""
    return {
        key: region_label({"region": region, "province": province, "tier": tier})
        for key, region, province, tier in zip(
            regions["region_key"].tolist(),
            regions["region"].tolist(),
            regions["province"].tolist(),
            regions["tier"].tolist(),
            strict=True,
        )
    }


def compare_filters(options: Any, regions: pd.DataFrame) -> Filters:
    """Sidebar of the 对比 page: regions to compare (narrowed by province/tier), years.
    With no regions chosen it opens on 本地区 and its peers (same province and tier)."""
    with st.sidebar:
        panel = _Panel("compare")
        moved = _home(panel, regions)
        _provinces(panel, options.provinces)
        _tier(panel, allow_all=True)
        provinces = panel.values["provinces"]
        tier = panel.values["tier"]
        mask = pd.Series(True, index=regions.index)
        if provinces:
            mask &= regions["province"].isin(provinces)
        if tier:
            mask &= regions["tier"] == tier
        shown = regions[mask]
        all_keys = list(regions["region_key"])
        chosen = _choose(panel.filters.regions, all_keys)[:MAX_REGIONS]
        # A new 本地区 replaces the old one's peers, never regions the user chose.
        moved = moved and chosen in ((), home.peers(regions, panel.filters.home))
        if moved or not chosen:
            chosen = home.peers(regions, panel.values["home"])
        choices = list(dict.fromkeys([*chosen, *shown["region_key"]]))
        names = region_labels(regions)
        key = panel.key("regions", chosen, reseed=moved)
        panel.values["regions"] = tuple(
            st.multiselect(
                f"对比地区（2–{MAX_REGIONS} 个）",
                choices,
                key=key,
                max_selections=MAX_REGIONS,
                format_func=lambda k: names.get(k, str(k)),
                placeholder="选择地区",
            )
        )
        _years(panel, options.years)
        return panel.done()


def trend_filters(options: Any, regions: pd.DataFrame) -> Filters:
    """Sidebar of the 趋势 page: one additive metric (and fund category), the regions to
    draw; with none chosen it opens on 本地区."""
    with st.sidebar:
        panel = _Panel("trend")
        moved = _home(panel, regions)
        _metric(panel, options.categories, ADDITIVE_METRICS)
        names = region_labels(regions)
        chosen = _choose(panel.filters.trend_regions, list(names))[:MAX_REGIONS]
        # A new 本地区 replaces the old one, never regions the user chose.
        moved = moved and chosen in ((), (panel.filters.home,))
        if moved or not chosen:
            chosen = (panel.values["home"],) if panel.values["home"] else ()
        key = panel.key("trend_regions", chosen, reseed=moved)
        panel.values["trend_regions"] = tuple(
            st.multiselect(
                f"地区（1–{MAX_REGIONS} 个）",
                list(names),
                key=key,
                max_selections=MAX_REGIONS,
                format_func=lambda k: names.get(k, str(k)),
                placeholder="选择地区",
            )
        )
        return panel.done()


def claims_filters(options: Any) -> Filters:
    """Sidebar of the 明细 page: search text, metrics, tier, provinces, years."""
    with st.sidebar:
        panel = _Panel("claims")
        key = panel.key("search", panel.filters.search)
        panel.values["search"] = st.text_input(
            "搜索原文、地区、标题或文件名", key=key, max_chars=200
        ).strip()
        metric_key = panel.key("metrics", _choose(panel.filters.metrics, options.metrics))
        panel.values["metrics"] = tuple(
            st.multiselect(
                "指标",
                list(options.metrics),
                key=metric_key,
                format_func=labels.metric_name,
                placeholder="全部指标",
            )
        )
        _tier(panel, allow_all=True)
        _provinces(panel, options.provinces)
        _years(panel, options.years)
        return panel.done()


class Paging(NamedTuple):
    """Which page of a paged table to show, and a key naming that page of that result."""

    number: int  # from 1
    pages: int
    key: str


def _claims_digest(filters: Filters, pages: int) -> str:
    fields = (filters.provinces, filters.years, filters.tier, filters.metrics, filters.search)
    return hashlib.blake2b(repr((fields, pages)).encode(), digest_size=8).hexdigest()


def page_selector(filters: Filters, total: int, page_size: int) -> Paging:
    """The page of the 明细 table to show: a page number input when there is more than one.

    The input's key names the 明细 filters and the number of pages, so a new search (or
    a new database with fewer pages) starts again at page 1 instead of keeping a page
    number that may no longer exist. ``Paging.key`` does the same for the table, whose
    selected row is a position within the page shown.
    """
    pages = max(1, math.ceil(total / page_size))
    digest = _claims_digest(filters, pages)
    number = pager(total, page_size, key=f"claims.page.{digest}")
    return Paging(number=number, pages=pages, key=f"{digest}.{number}")


def current_page(key: str, total: int, page_size: int) -> int:
    """The page :func:`pager` with this key will return on this run (1 before it was
    ever shown), so a page's data can be read before its picker is drawn."""
    pages = max(1, math.ceil(total / page_size))
    try:
        number = int(st.session_state.get(key) or 1)
    except (TypeError, ValueError):
        number = 1
    return min(max(number, 1), pages)


def pager(total: int, page_size: int, key: str) -> int:
    """A page number input (1-based) when ``total`` items fill more than one page."""
    pages = max(1, math.ceil(total / page_size))
    if pages == 1:
        return 1
    chosen = st.number_input(
        f"页码（共 {pages:,} 页，每页 {page_size:,} 条）",
        min_value=1,
        max_value=pages,
        value=1,
        step=1,
        key=key,
        width=260,
    )
    return int(chosen or 1)


# How many bars a ranking draws: 2,400 counties make a chart nobody can read (and take
# 150 ms to build); the table under it always lists every region.
BAR_CHOICES = (20, 50, 100)
DEFAULT_BARS = 50


def bar_count(total: int) -> int:
    """How many of ``total`` ranked regions the chart draws (all when there are few)."""
    if total <= DEFAULT_BARS:
        return total
    choices = [n for n in BAR_CHOICES if n < total] + [total]
    return int(
        st.segmented_control(
            "图中显示",
            choices,
            default=DEFAULT_BARS,
            format_func=lambda n: f"全部 {n:,} 个" if n == total else f"前 {n} 名",
            key="ranking.bars",
        )
        or DEFAULT_BARS
    )

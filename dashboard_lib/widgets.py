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
from typing import Any, NamedTuple, Protocol

import pandas as pd
import streamlit as st

from dashboard_lib import home, labels
from db import filters
from db.filters import DEFAULTS, EVERY_START, Filters
from valuation.registry import (
    ADDITIVE_METRICS,
    RANKED_METRICS,
    SCOPE_ALL,
    SCOPE_LABELS,
    SCOPE_SINGLE,
    SCOPE_SPAN,
    SCOPES,
    TIERS,
    has_categories,
    scopes_for,
)

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


def _years(panel: _Panel, options: Sequence[int], scope: str = SCOPE_ALL) -> None:
    """Years: of the article in 全部, of the figure (the year it covers) in 单一年度 and
    多年累计, where no choice means the latest year with data in 单一年度."""
    key = panel.key("years", _choose(panel.filters.years, options))
    by_figure = scope in (SCOPE_SINGLE, SCOPE_SPAN)
    panel.values["years"] = tuple(
        int(y)
        for y in st.multiselect(
            "年份（按数字所指年份）" if by_figure else "年份（按文章年份）",
            list(options),
            key=key,
            placeholder="最近一年" if scope == SCOPE_SINGLE else "全部年份",
            format_func=lambda y: f"{y}年",
        )
    )


# What each 口径 means, under its selector.
SCOPE_HELP = (
    "单一年度：只比较某一年的数字，年份按数字所指的年份（2024年报告中的“2023年投入…”算2023年）；"
    "多年累计：只比较“以来”“期间”等多年合计和累计数，默认只把起始年份相同的放在一起；"
    "全部：所有数字按报道年份合并（各类期间混在一起，标“口径不一”）。"
)
HONOUR_SCOPE = "命名次数是累计数，只按“全部”口径排名。"


def _scope(panel: _Panel, scopes: Sequence[str]) -> str:
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
    scope = st.radio(
        "统计口径",
        list(scopes),
        key=key,
        horizontal=True,
        format_func=lambda s: SCOPE_LABELS.get(s, s),
        help=SCOPE_HELP,
    )
    panel.values["scope"] = "" if scope == scopes[0] else scope  # the default: a short URL
    return str(scope)


def _since(panel: _Panel, starts: pd.DataFrame) -> None:
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


NO_OCR_LABEL = "不含OCR识别的数字"
NO_OCR_HELP = (
    "扫描件和图片中的文字由 OCR 识别，数字可能认错；勾选后这些数字不参与排名、对比、趋势和明细。"
)


def _no_ocr(panel: _Panel) -> None:
    """不含OCR识别的数字: leave out the claims read by OCR (issue 9), kept in the URL."""
    key = panel.key("no_ocr", panel.filters.no_ocr)
    panel.values["no_ocr"] = bool(st.checkbox(NO_OCR_LABEL, key=key, help=NO_OCR_HELP))


def current_home() -> str:
    """The 本地区's key ('' when not set): the session's, which the sidebar keeps (no read
    depends on it, so a page's narrowed filters do not carry it)."""
    return current_filters().home


def home_place(regions: pd.DataFrame) -> Any:
    """The 本地区 row of ``regions`` (None when not set)."""
    return home.place(regions, current_home())


class ScopeChoices(Protocol):
    """What the 口径 widgets offer, read for the filters chosen so far (``dashboard_lib.data``)."""

    def years(self, f: Filters) -> Sequence[int]:
        """The years a 单一年度 ranking of ``f`` has values for."""
        ...

    def starts(self, f: Filters) -> pd.DataFrame:
        """start, regions: the start years of a 多年累计 ranking of ``f``, default first."""
        ...


def _so_far(panel: _Panel, page: str) -> Filters:
    return replace(panel.filters, **panel.values).of(page)


def ranking_filters(options: Any, regions: pd.DataFrame, offer: ScopeChoices) -> Filters:
    """Sidebar of the 排名 page: metric (and fund category), 统计口径 (and its start year
    or years), tier, provinces, years, 不含OCR识别的数字, and 本地区."""
    with st.sidebar:
        panel = _Panel("ranking")
        _metric(panel, options.categories)
        scope = _scope(panel, scopes_for(panel.values["metric"]))
        _tier(panel, allow_all=False)
        _provinces(panel, options.provinces)
        if scope == SCOPE_SINGLE:
            _years(panel, offer.years(_so_far(panel, "ranking")) or options.years, scope)
        else:
            _years(panel, options.years, scope)
        if scope == SCOPE_SPAN:
            _since(panel, offer.starts(_so_far(panel, "ranking")))
        _no_ocr(panel)
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


def compare_filters(options: Any, regions: pd.DataFrame, offer: ScopeChoices) -> Filters:
    """Sidebar of the 对比 page: regions to compare (narrowed by province/tier), years.
    With no regions chosen it opens on 本地区 and its peers (same province and tier)."""
    with st.sidebar:
        panel = _Panel("compare")
        moved = _home(panel, regions)
        scope = _scope(panel, SCOPES)
        st.caption("荣誉称号是累计数，对比中始终按“全部”口径。")
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
        if scope == SCOPE_SINGLE:  # the years any compared metric has a figure of
            covered = {y for m in ADDITIVE_METRICS for y in offer.years(Filters(metric=m))}
            _years(panel, sorted(covered | set(options.years)), scope)
        else:
            _years(panel, options.years, scope)
        _no_ocr(panel)
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
        _no_ocr(panel)
        return panel.done()


def claims_filters(options: Any) -> Filters:
    """Sidebar of the 明细 page: search text, metrics, tier, provinces, years, and
    不含OCR识别的数字."""
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
        _no_ocr(panel)
        return panel.done()


class Paging(NamedTuple):
    """Which page of a paged table to show, and a key naming that page of that result."""

    number: int  # from 1
    pages: int
    key: str


def _claims_digest(filters: Filters, pages: int) -> str:
    fields = (filters.provinces, filters.years, filters.tier, filters.metrics, filters.search,
              filters.no_ocr)  # fmt: skip
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

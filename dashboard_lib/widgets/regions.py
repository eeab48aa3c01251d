"""Region pickers: 本地区 (stated once, kept in the URL), 对比's regions and 趋势's.

Region names repeat across provinces, so every picker shows 张掖市（甘肃省·地级）. 对比 and
趋势 open on 本地区 (对比 with its peers, ``dashboard_lib.home.peers``) when the user
chose no regions; a new 本地区 replaces the old one's regions, never the user's own.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard_lib import home
from dashboard_lib.widgets.panel import Panel, choose, current_filters
from db.filters import MAX_REGIONS

HOME_HELP = "设置一次即可：排名中标出本地区并说明名次，对比和趋势从本地区及同省同级地区开始。"


def region_labels(regions: pd.DataFrame) -> dict[str, str]:
    """region_key → ``labels.region_label`` for every region: the ``label`` column the
    dashboard's regions carry (made once per database, ``dashboard_lib.service.regions``),
    since pickers of 3,000 regions ask on every rerun."""
    return dict(zip(regions["region_key"].tolist(), regions["label"].tolist(), strict=True))


def current_home() -> str:
    """The 本地区's key ('' when not set): the session's, which the sidebar keeps (no read
    depends on it, so a page's narrowed filters do not carry it)."""
    return current_filters().home


def home_place(regions: pd.DataFrame) -> Any:
    """The 本地区 row of ``regions`` (None when not set)."""
    return home.place(regions, current_home())


def home_picker(panel: Panel, regions: pd.DataFrame) -> bool:
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
        help=HOME_HELP,
    )
    return bool(panel.values["home"] != panel.filters.home)


def _shown(regions: pd.DataFrame, provinces: tuple[str, ...], tier: str) -> list[str]:
    mask = pd.Series(True, index=regions.index)
    if provinces:
        mask &= regions["province"].isin(provinces)
    if tier:
        mask &= regions["tier"] == tier
    return list(regions[mask]["region_key"])


def compare_regions(panel: Panel, regions: pd.DataFrame, moved: bool) -> None:
    """对比地区: those chosen (offered within the provinces and tier chosen so far), or
    with none 本地区 and its peers; ``moved`` (a new 本地区) replaces the old one's peers."""
    chosen = choose(panel.filters.regions, list(regions["region_key"]))[:MAX_REGIONS]
    moved = moved and chosen in ((), home.peers(regions, panel.filters.home))
    if moved or not chosen:
        chosen = home.peers(regions, panel.values["home"])
    shown = _shown(regions, panel.values["provinces"], panel.values["tier"])
    choices = list(dict.fromkeys([*chosen, *shown]))
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


def trend_regions(panel: Panel, regions: pd.DataFrame, moved: bool) -> None:
    """趋势's regions: those chosen, or with none 本地区; ``moved`` (a new 本地区)
    replaces the old one, never regions the user chose."""
    names = region_labels(regions)
    chosen = choose(panel.filters.trend_regions, list(names))[:MAX_REGIONS]
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

"""本地区: the region a user works for, and what the pages say about it. Pure.

A user preparing a briefing asks about one region against its peers. Once the region is
stated (the sidebar's 本地区, kept in the URL), 排名 marks its bar and says where it
stands, 对比 opens on it and its peers, and 趋势 opens on it. Its peers are the regions
of the same province and tier (the cities of one province are compared with each other,
not with counties or with another province's cities), most reported first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from dashboard_lib import labels
from db.filters import MAX_REGIONS


def place(regions: pd.DataFrame, key: str) -> Mapping[str, Any] | None:
    """The row of ``regions`` (region_key, region, province, tier, claims) for ``key``."""
    if not key:
        return None
    rows = regions[regions["region_key"] == key]
    return None if rows.empty else {str(k): v for k, v in rows.iloc[0].items()}


def peers(regions: pd.DataFrame, key: str, limit: int = MAX_REGIONS) -> tuple[str, ...]:
    """``key`` and up to ``limit - 1`` regions of its province and tier, most claims
    first (equal counts by name): what 对比 opens on. Empty for an unknown region."""
    home = place(regions, key)
    if home is None:
        return ()
    same = regions[
        (regions["province"] == home["province"])
        & (regions["tier"] == home["tier"])
        & (regions["region_key"] != key)
    ]
    same = same.sort_values(["claims", "region", "region_key"], ascending=[False, True, True])
    return (key, *same["region_key"].head(limit - 1).tolist())


def rank_sentence(
    table: pd.DataFrame,
    home: Mapping[str, Any] | None,
    *,
    tier: str,
    provinces: tuple[str, ...],
    shown: int,
) -> str:
    """Where 本地区 stands in a ranking ``table`` of which the chart draws ``shown`` bars:
    本地区洛阳市：第3位/共12个, or why it has no bar in this view."""
    if home is None:
        return ""
    name = str(home["region"])
    rows = np.flatnonzero(table["region_key"].to_numpy() == home["region_key"])
    if rows.size:
        at = int(rows[0])
        rank = int(table["rank"].iloc[at])
        tied = int((table["rank"] == rank).sum()) > 1
        text = f"本地区{name}：第{rank}位/共{len(table)}个" + ("（并列）" if tied else "")
        if at >= shown:
            text += f"，图中只显示前{shown}名，见下表"
        return text + "。"
    if home.get("tier") != tier:
        return (
            f"本地区{name}为{labels.tier_name(home.get('tier'))}，"
            f"当前是{labels.tier_name(tier)}排名，其中没有本地区。"
        )
    if provinces and home.get("province") not in provinces:
        return f"本地区{name}不在所选省份之内，排名中没有本地区。"
    return f"本地区{name}在当前筛选条件下没有该项数据，排名中没有本地区（这不等于 0）。"


def peers_sentence(regions: pd.DataFrame, key: str, chosen: tuple[str, ...]) -> str:
    """What 对比 opened on, when it is 本地区 and its peers ('' for any other choice)."""
    home = place(regions, key)
    if home is None or not chosen or tuple(chosen) != peers(regions, key):
        return ""
    tier = labels.tier_name(home.get("tier"))
    return (
        f"从本地区{home['region']}和{home['province']}的其他{tier}地区开始"
        f"（数据最多的{len(chosen) - 1}个）；可在左侧增减地区。"
    )

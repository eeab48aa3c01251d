"""Which year a 单一年度 view opens on when the user chose none, and how it says so. Pure.

"The latest year that has data" can be a year only one region has reported yet (a 2024
report arrives before the others): a ranking of one bar, or a comparison of one region
with nothing, is no comparison. So a view opens on the latest year where at least
:data:`MIN_REGIONS` regions have a value, and only when no year has that many on the
latest year with any value, saying so. The rule is stated once here: the service picks
the year with :func:`pick`, the page prints :func:`sentence`, and the 取值规则
(``labels.VALUE_RULE``) words it with :data:`RULE`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

# A default year must have values for at least this many regions to be compared.
MIN_REGIONS = 2

# The 取值规则's sentence about the default year.
RULE = (
    f"未选年份时取至少有{MIN_REGIONS}个地区有数据的最近一年（只有一个地区的排名不成比较）；"
    "没有这样的年份时取有数据的最近一年，并在图下注明。"
)

# What the page says about the year it opened on; {year} and {regions} filled in.
_RANKING_WORDS = (
    f"未选年份：取至少有{MIN_REGIONS}个地区有数据的最近一年，即{{year}}年（{{regions}}个地区）。"
)
_COMPARE_WORDS = (
    f"未选年份：取所选地区中至少{MIN_REGIONS}个有数据的最近一年，即{{year}}年"
    "（{regions}个地区有数据）。"
)
_FALLBACK_WORDS = (
    f"未选年份：没有哪一年有至少{MIN_REGIONS}个地区的数据，只能取有数据的最近一年，"
    "即{year}年（仅{regions}个地区），这不是多个地区之间的比较。"
)
_COMPARE_FALLBACK_WORDS = (
    f"未选年份：所选地区中没有哪一年有至少{MIN_REGIONS}个有数据，只能取有数据的最近一年，"
    "即{year}年（仅{regions}个地区有数据）。"
)


class DefaultYear(NamedTuple):
    """The year a view opens on, how many regions have a value in it, and whether it is
    the fallback (no year has :data:`MIN_REGIONS` regions)."""

    year: int
    regions: int
    fallback: bool


def pick(regions_by_year: Mapping[int, int]) -> DefaultYear | None:
    """The latest year with at least :data:`MIN_REGIONS` regions, else the latest year
    with any (``fallback``); None when no year has a value.

    >>> pick({2022: 5, 2023: 3, 2024: 1})
    DefaultYear(year=2023, regions=3, fallback=False)
    >>> pick({2023: 1, 2024: 1})
    DefaultYear(year=2024, regions=1, fallback=True)
    """
    years = sorted(y for y, n in regions_by_year.items() if n > 0)
    if not years:
        return None
    enough = [y for y in years if regions_by_year[y] >= MIN_REGIONS]
    year = enough[-1] if enough else years[-1]
    return DefaultYear(year=year, regions=int(regions_by_year[year]), fallback=not enough)


def sentence(default: DefaultYear | None, *, compare: bool = False) -> str:
    """What the page says about the year it opened on ('' when the user chose a year, or
    there is none): the rule and the year, or that only the fallback was left."""
    if default is None:
        return ""
    if default.fallback:
        words = _COMPARE_FALLBACK_WORDS if compare else _FALLBACK_WORDS
    else:
        words = _COMPARE_WORDS if compare else _RANKING_WORDS
    return words.format(year=default.year, regions=default.regions)

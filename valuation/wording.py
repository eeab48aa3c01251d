"""How a selection is said in Chinese: the years and the lists a filter holds.

The filter table (``db.filters``) words each filter with these for a chart's subtitle, and
the pages use them in titles and file names, so a selection reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence


def format_years(years: Sequence[int]) -> str:
    """The year filter in words.

    >>> format_years([]), format_years([2023]), format_years([2024, 2022, 2023])
    ('全部年份', '2023年', '2022—2024年')
    >>> format_years([2022, 2024])
    '2022、2024年'
    """
    ys = sorted(set(int(y) for y in years))
    if not ys:
        return "全部年份"
    if len(ys) == 1:
        return f"{ys[0]}年"
    if ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}—{ys[-1]}年"
    return "、".join(str(y) for y in ys) + "年"


def format_list(items: Sequence[str], empty: str, limit: int = 4) -> str:
    """A short Chinese enumeration.

    >>> format_list(["甘肃省", "河南省"], "全部省份"), format_list([], "全部省份")
    ('甘肃省、河南省', '全部省份')
    >>> format_list(list("abcdef"), "", limit=2)
    'a、b 等6个'
    """
    items = list(items)
    if not items:
        return empty
    if len(items) <= limit:
        return "、".join(items)
    return "、".join(items[:limit]) + f" 等{len(items)}个"

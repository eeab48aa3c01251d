"""Filter widgets whose values live in the URL, so a view can be shared and bookmarked.

One module a concern: ``panel`` keeps the session's filters and the URL in step (and
seeds a page's widgets from them), ``choices`` the plain filters (metric, tier,
provinces, 不含OCR识别的数字), ``scope`` the 统计口径 and the years it is read in,
``regions`` 本地区 and the region pickers, ``sidebars`` each page's sidebar, ``paging``
page numbers and bar counts. The pages call the names below.
"""

from dashboard_lib.widgets.choices import RANKING_TIER
from dashboard_lib.widgets.paging import (
    BAR_CHOICES,
    DEFAULT_BARS,
    Paging,
    bar_count,
    current_page,
    page_selector,
    pager,
)
from dashboard_lib.widgets.panel import current_filters, sync_url
from dashboard_lib.widgets.regions import current_home, home_place, region_labels
from dashboard_lib.widgets.scope import ScopeChoices
from dashboard_lib.widgets.sidebars import (
    claims_filters,
    compare_filters,
    ranking_filters,
    trend_filters,
)
from db.filters import MAX_REGIONS

__all__ = [
    "BAR_CHOICES",
    "DEFAULT_BARS",
    "MAX_REGIONS",
    "RANKING_TIER",
    "Paging",
    "ScopeChoices",
    "bar_count",
    "claims_filters",
    "compare_filters",
    "current_filters",
    "current_home",
    "current_page",
    "home_place",
    "page_selector",
    "pager",
    "ranking_filters",
    "region_labels",
    "sync_url",
    "trend_filters",
]

"""What a user can filter by: one :class:`Filters` value and one table of filters.

Every page's filters are one hashable value, passed as it is from the widgets through the
cache and the service to the reads; the URL holds it (a view can be shared) and the cache
keys on it. Each filter is declared once, as a row of :data:`FILTERS` in the spirit of
datasette's filter table: its field, the URL parameter it is written to, the SQL fragment
that applies it to claims (true when it does not restrict), the pages that read it and its
words in a chart's subtitle. A read composes its WHERE clause from these rows
(:func:`where`), so the 明细 count and its rows, or a ranking and its source line, can
never filter differently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from db.columns import REGION_KEY
from valuation import registry
from valuation.wording import format_list, format_years

MAX_REGIONS = 8  # a comparison of more regions is unreadable
MAX_SEARCH = 200
MAX_KEY = 64  # a region key: a GB/T 2260 code, or province/name of a place that is none
ALL = ""  # the "no restriction" choice of a single-choice filter


@dataclass(frozen=True)
class Filters:
    """Every filter of every page. Empty tuples and '' mean "no restriction"."""

    provinces: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    tier: str = ""  # all tiers; the 排名 page, which never mixes tiers, starts at prefecture
    metric: str = "honour_national"
    category: str = ""
    regions: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    search: str = ""
    # 本地区 and 趋势 (issue 10): the user's own region, stated once, marks the views
    # (its bar, its rank, the regions 对比 and 趋势 open on) but restricts no read; the
    # regions a trend draws are its own, apart from the 对比 page's.
    home: str = ""
    trend_regions: tuple[str, ...] = ()

    def of(self, page: str) -> Filters:
        """Only the filters ``page`` reads (the others at their defaults), so that a cached
        result is keyed on what it depends on; a fund category only where it applies."""
        kept = {f.field: getattr(self, f.field) for f in FILTERS if page in f.pages}
        narrowed = replace(DEFAULTS, **kept)
        category = registry.scoped_category(narrowed.metric, narrowed.category)
        return replace(narrowed, category=category)


DEFAULTS = Filters()
_LIST_FIELDS = frozenset({"provinces", "years", "regions", "metrics", "trend_regions"})


@dataclass(frozen=True)
class Filter:
    """One filter: where it lives in the URL, how it restricts claims, how it is said.

    ``sql`` restricts the claims aliased ``c`` (bound as ``$<field>``) and is true when the
    filter is empty; ``column`` is the claim column it reads, for the lenient form a
    ranking applies to claims whose region is unknown (:func:`lenient`). ``words`` gives
    the subtitle's words for the filter, or None when it says nothing there.
    """

    field: str
    param: str
    sql: str
    column: str | None
    pages: frozenset[str]
    words: Callable[[Filters], str | None]


def _category_words(f: Filters) -> str | None:
    if not registry.has_categories(f.metric):
        return None
    return registry.FUND_CATEGORIES.get(f.category, f.category) if f.category else "全部类别"


def _search_sql(like: str) -> str:
    return " OR ".join(
        f"{column} {like} $pattern ESCAPE '\\'"
        for column in (
            "c.quote",
            "c.value_text",
            "coalesce(c.region, a.region_as_written, '')",
            "coalesce(a.title, '')",
            "c.source",
        )
    )


RANKING, COMPARE, CLAIMS, TREND = "ranking", "compare", "claims", "trend"


def _region_sql(param: str) -> str:
    """Claims of the regions listed in ``$param`` (keys: a code, else province/name):
    the code is compared first, which the stored order of claims makes cheap."""
    return (
        f"(len(${param}) = 0 OR list_contains(${param}, c.region_code)"
        f" OR (c.region_code IS NULL AND list_contains(${param}, {REGION_KEY})))"
    )


FILTERS: tuple[Filter, ...] = (
    Filter(
        "tier", "tier", "($tier = '' OR c.tier = $tier)", "c.tier",
        frozenset({RANKING, CLAIMS}),
        lambda f: registry.TIER_LABELS.get(f.tier, f.tier) if f.tier else "全部层级",
    ),
    Filter(
        "provinces", "province", "(len($provinces) = 0 OR list_contains($provinces, c.province))",
        "c.province", frozenset({RANKING, CLAIMS}), lambda f: format_list(f.provinces, "全部省份"),
    ),
    Filter(
        "years", "year", "(len($years) = 0 OR list_contains($years, c.year))", "c.year",
        frozenset({RANKING, COMPARE, CLAIMS}), lambda f: format_years(f.years),
    ),
    Filter(
        "metric", "metric", "c.metric = $metric", None, frozenset({RANKING, TREND}),
        lambda f: None,
    ),
    Filter(
        "category", "category", "($category = '' OR c.category = $category)", None,
        frozenset({RANKING, TREND}), _category_words,
    ),
    Filter(
        "regions", "region", _region_sql("regions"), None, frozenset({COMPARE}),
        lambda f: f"{len(f.regions)}个地区",
    ),
    Filter(
        "metrics", "metrics", "(len($metrics) = 0 OR list_contains($metrics, c.metric))", None,
        frozenset({CLAIMS}), lambda f: None,
    ),
    Filter(
        "search", "q", "($search = '' OR {search})", None, frozenset({CLAIMS}),
        lambda f: f"搜索“{f.search}”" if f.search else None,
    ),
    # 本地区 is read by no page's query (so no cached result keys on it): the pages mark
    # it in what they read. Its fragment is that region's claims.
    Filter(
        "home", "home", f"($home = '' OR {REGION_KEY} = $home)", None, frozenset(),
        lambda f: None,
    ),
    Filter(
        "trend_regions", "trend", _region_sql("trend_regions"), None, frozenset({TREND}),
        lambda f: None,  # the trend's subtitle names them
    ),
)  # fmt: skip
BY_FIELD = {f.field: f for f in FILTERS}


# ------------------------------------------------------------------------- SQL


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards in the user's text taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def caseless(text: str) -> bool:
    """True when no character of ``text`` has another case (Chinese, digits, 元, %).

    For such a pattern ILIKE and LIKE match the same rows: lowercasing the text can only
    change characters that have a case, and none of those can match. LIKE skips the
    lowercasing of every quote, which was most of a search's cost at 1M claims.
    """
    return text == text.lower() == text.upper() == text.casefold()


def _fragment(row: Filter, filters: Filters) -> str:
    if row.field == "search":  # LIKE or ILIKE: a keyword chosen here, never user text
        return row.sql.format(search=_search_sql("LIKE" if caseless(filters.search) else "ILIKE"))
    return row.sql


def bind(filters: Filters, names: Iterable[str]) -> dict[str, Any]:
    """The bound parameters of these filters."""
    params: dict[str, Any] = {}
    for name in names:
        value = getattr(filters, name)
        if name == "search":
            params["search"] = value.strip()
            params["pattern"] = like_pattern(value.strip())
        elif name == "years":
            params["years"] = [int(v) for v in value]
        elif name in _LIST_FIELDS:
            params[name] = [str(v) for v in value]
        else:
            params[name] = str(value or "")
    return params


def where(filters: Filters, names: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """The AND of these filters' fragments and their parameters."""
    sql = " AND ".join(_fragment(BY_FIELD[n], filters) for n in names) or "TRUE"
    return sql, bind(filters, names)


def lenient(name: str) -> str:
    """The filter, passing a claim that does not say (its column is null): a claim whose
    region is unknown is counted as left out of a ranking unless something known about it
    contradicts the filters."""
    row = BY_FIELD[name]
    return f"({row.column} IS NULL OR {row.sql})"


# ------------------------------------------------------------------------- URL and words


def _unique(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(values))


def from_params(get_all: Callable[[str], Sequence[str]]) -> Filters:
    """Parse query parameters (``get_all(name)`` → every value given) into Filters.

    Values that can't be right (a year that isn't a number, an unknown tier) fall back to
    the default; whether a province or region exists is checked later, against the data.
    """
    p = {f.field: f.param for f in FILTERS}

    def one(field: str) -> str | None:
        values = [v for v in get_all(p[field]) if v is not None]
        return values[-1].strip() if values else None

    def many(field: str) -> tuple[str, ...]:
        return _unique(v.strip() for v in get_all(p[field]) if v.strip())

    years = []
    for raw in get_all(p["years"]):
        try:
            years.append(int(str(raw).strip()))
        except ValueError:
            continue
    tier = one("tier")
    return Filters(
        provinces=many("provinces"),
        years=_unique(years),
        tier=tier if tier in (*registry.TIERS, ALL) else DEFAULTS.tier,
        metric=one("metric") or DEFAULTS.metric,
        category=one("category") or "",
        regions=many("regions")[:MAX_REGIONS],
        metrics=many("metrics"),
        search=(one("search") or "")[:MAX_SEARCH],
        home=(one("home") or "")[:MAX_KEY],
        trend_regions=many("trend_regions")[:MAX_REGIONS],
    )


def to_params(filters: Filters) -> dict[str, list[str]]:
    """The query parameters for ``filters``; defaults are left out to keep URLs short.
    Lists use repeated parameters (?year=1&year=2)."""
    out: dict[str, list[str]] = {}
    defaults = asdict(DEFAULTS)
    for name, value in asdict(filters).items():
        if value == defaults[name]:
            continue
        out[BY_FIELD[name].param] = (
            [str(v) for v in value] if name in _LIST_FIELDS else [str(value)]
        )
    return out


PARAMS = tuple(f.param for f in FILTERS)  # every URL parameter a view may carry


def subtitle(filters: Filters, page: str) -> str:
    """The filters ``page`` reads, in words: 地级（市、州、盟） · 甘肃省 · 2022年 · 全部类别."""
    words = (f.words(filters) for f in FILTERS if page in f.pages)
    return " · ".join(w for w in words if w)

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
    # 统计口径 (valuation.registry.SCOPES); '' = the metric's default (registry.scopes_for).
    scope: str = ""
    # 多年累计: the start year ranked (0 = the start year most regions report, chosen by
    # the service; ``EVERY_START`` = every start year together).
    since: int = 0
    # 本地区 and 趋势 (issue 10): the user's own region, stated once, marks the views
    # (its bar, its rank, the regions 对比 and 趋势 open on) but restricts no read; the
    # regions a trend draws are its own, apart from the 对比 page's.
    home: str = ""
    trend_regions: tuple[str, ...] = ()
    # 不含OCR识别的数字 (issue 9): leave out the claims read by OCR from a scan or a photo,
    # whose digits may be misread. The stored values count every claim, so a view with it
    # set is formed from the claims (dashboard_lib.service).
    no_ocr: bool = False

    def of(self, page: str) -> Filters:
        """Only the filters ``page`` reads (the others at their defaults), so that a cached
        result is keyed on what it depends on; a fund category only where it applies; on
        the 排名 page the 口径 resolved to one its metric is ranked in."""
        kept = {f.field: getattr(self, f.field) for f in FILTERS if page in f.pages}
        narrowed = replace(DEFAULTS, **kept)
        category = registry.scoped_category(narrowed.metric, narrowed.category)
        narrowed = replace(narrowed, category=category)
        if page != RANKING:  # a comparison resolves the 口径 metric by metric
            return narrowed
        scope = resolved_scope(narrowed)
        since = narrowed.since if scope == registry.SCOPE_SPAN else DEFAULTS.since
        return replace(narrowed, scope=scope, since=since)


DEFAULTS = Filters()
_LIST_FIELDS = frozenset({"provinces", "years", "regions", "metrics", "trend_regions"})
_FLAG_FIELDS = frozenset({"no_ocr"})  # a yes/no filter: written ?no_ocr=1 when set
_FLAG_ON = "1"
EVERY_START = -1  # Filters.since: every start year of 多年累计 figures ranked together


def resolved_scope(f: Filters) -> str:
    """The 口径 a ranking of ``f.metric`` is formed in: the one chosen when the metric can
    be ranked in it, else the metric's default (单一年度 for additive metrics)."""
    offered = registry.scopes_for(f.metric)
    return f.scope if f.scope in offered else offered[0]


@dataclass(frozen=True)
class Filter:
    """One filter: where it lives in the URL, how it restricts claims, how it is said.

    ``sql`` restricts the claims aliased ``c`` (bound as ``$<field>``) and is true when the
    filter is empty; ``column`` is the claim column it reads, for the lenient form a
    ranking applies to claims whose region is unknown (:func:`lenient`). ``words`` gives
    the subtitle's words for the filter, or None when it says nothing there. ``keyed_sql``,
    where given, is the same restriction on a table that stores each claim's region key
    (``rule_claims``), read with ``where(..., keyed=True)``.
    """

    field: str
    param: str
    sql: str
    column: str | None
    pages: frozenset[str]
    words: Callable[[Filters], str | None]
    keyed_sql: str | None = None


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


def _scope_words(f: Filters) -> str | None:
    scope = resolved_scope(f)
    return SCOPE_WORDS[scope]


def _since_words(f: Filters) -> str | None:
    if resolved_scope(f) != registry.SCOPE_SPAN:
        return None
    if f.since == EVERY_START:
        return "各起始年份"
    return f"{f.since}年起" if f.since > 0 else None


# How each 口径 is said under a chart and in an export's footer.
SCOPE_WORDS = {
    registry.SCOPE_SINGLE: "口径：单一年度（按数字所指年份）",
    registry.SCOPE_SPAN: "口径：多年累计",
    registry.SCOPE_ALL: "口径：全部（按报道年份，含各类期间）",
}
# The year a claim is filtered by: in 单一年度 and 多年累计 the year its figure covers (up
# to), in 全部 (and on pages without a 口径) the article's year.
_YEAR_COLUMN = "CASE WHEN $year_scope IN ('single', 'span') THEN c.covers_end ELSE c.year END"

RANKING, COMPARE, CLAIMS, TREND = "ranking", "compare", "claims", "trend"


def _keyed_region_sql(param: str) -> str:
    """:func:`_region_sql` on a table holding the region key: a semi-join, which DuckDB
    turns into a filter in the scan (20 ms against 24 for a comparison of eight regions
    over two years at 10 M claims, where the codes and names compared one by one are not)."""
    return f"(len(${param}) = 0 OR c.region_key IN (SELECT unnest(${param})))"


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
        "years", "year", f"(len($years) = 0 OR list_contains($years, {_YEAR_COLUMN}))", "c.year",
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
        lambda f: f"{len(f.regions)}个地区", _keyed_region_sql("regions"),
    ),
    Filter(
        "metrics", "metrics", "(len($metrics) = 0 OR list_contains($metrics, c.metric))", None,
        frozenset({CLAIMS}), lambda f: None,
    ),
    Filter(
        "search", "q", "($search = '' OR {search})", None, frozenset({CLAIMS}),
        lambda f: f"搜索“{f.search}”" if f.search else None,
    ),
    Filter(
        "scope", "scope", "($scope IN ('', 'all') OR list_contains($scope_kinds, c.period_kind))",
        None, frozenset({RANKING, COMPARE}), _scope_words,
    ),
    Filter(
        "since", "since", "($since_scope <> 'span' OR $since <= 0 OR c.covers_start = $since)",
        None, frozenset({RANKING, COMPARE}), _since_words,
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
    Filter(
        "no_ocr", "no_ocr", "(NOT $no_ocr OR c.ocr IS NOT TRUE)", None,
        frozenset({RANKING, COMPARE, CLAIMS, TREND}),
        lambda f: "不含OCR识别的数字" if f.no_ocr else None,
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


def _fragment(row: Filter, filters: Filters, keyed: bool = False) -> str:
    if keyed and row.keyed_sql is not None:
        return row.keyed_sql
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
            params["year_scope"] = filters.scope
        elif name == "scope":
            params["scope"] = filters.scope
            params["scope_kinds"] = list(registry.kinds_in(filters.scope or registry.SCOPE_ALL))
        elif name == "since":
            params["since"] = int(value)
            params["since_scope"] = filters.scope
        elif name in _LIST_FIELDS:
            params[name] = [str(v) for v in value]
        elif name in _FLAG_FIELDS:
            params[name] = bool(value)
        else:
            params[name] = str(value or "")
    return params


def where(
    filters: Filters, names: Sequence[str], *, keyed: bool = False
) -> tuple[str, dict[str, Any]]:
    """The AND of these filters' fragments and their parameters; ``keyed``: on a table
    that stores each claim's ``region_key`` (their ``keyed_sql`` where they have one)."""
    sql = " AND ".join(_fragment(BY_FIELD[n], filters, keyed) for n in names) or "TRUE"
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
    scope = one("scope") or ""
    try:
        since = int(one("since") or 0)
    except ValueError:
        since = DEFAULTS.since
    return Filters(
        provinces=many("provinces"),
        years=_unique(years),
        tier=tier if tier in (*registry.TIERS, ALL) else DEFAULTS.tier,
        metric=one("metric") or DEFAULTS.metric,
        category=one("category") or "",
        regions=many("regions")[:MAX_REGIONS],
        metrics=many("metrics"),
        search=(one("search") or "")[:MAX_SEARCH],
        scope=scope if scope in registry.SCOPES else DEFAULTS.scope,
        since=since,
        home=(one("home") or "")[:MAX_KEY],
        trend_regions=many("trend_regions")[:MAX_REGIONS],
        no_ocr=one("no_ocr") == _FLAG_ON,
    )


def to_params(filters: Filters) -> dict[str, list[str]]:
    """The query parameters for ``filters``; defaults are left out to keep URLs short.
    Lists use repeated parameters (?year=1&year=2)."""
    out: dict[str, list[str]] = {}
    defaults = asdict(DEFAULTS)
    for name, value in asdict(filters).items():
        if value == defaults[name]:
            continue
        if name in _FLAG_FIELDS:
            out[BY_FIELD[name].param] = [_FLAG_ON]
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

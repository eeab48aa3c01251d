"""What each page reads, and whether from the stored values or the claims: no Streamlit.

A ranking or a comparison for every year or one year is read from the values ingest stored
(``region_values``, ``claim_roles``) when they are current; several years at once, an
ingest that did not finish, or OCR-read claims left out (``Filters.no_ocr``: the stored
values count them), apply the same rule (``valuation.rule``) to the claims here.
Either way the page gets the same table; tests/test_stored_rankings.py checks they agree.

Every function takes a :class:`Source` (how to run a read, and the results worth keeping
between calls) and the page's :class:`~db.filters.Filters`. ``dashboard_lib.data`` gives
the pages a Source whose keepable results are cached by Streamlit; a test gives a plain one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Concatenate, ParamSpec, Protocol, TypeVar

import pandas as pd

from dashboard_lib import default_year, labels
from dashboard_lib.default_year import DefaultYear
from dashboard_lib.trend import TrendData, trend_data, trend_grid
from db import claims, documents, overview, ranking, trend
from db.filters import COMPARE, EVERY_START, RANKING, TREND, Filters
from db.sql import Con
from valuation import rule, stored
from valuation.outcome import HeldRoles, Ranking, region_rows
from valuation.registry import (
    CATEGORISED_METRICS,
    RANKABLE_STATUSES,
    RANKED_METRICS,
    SCOPE_ALL,
    SCOPE_SINGLE,
    SCOPE_SPAN,
    SCOPES,
    scopes_for,
)

P = ParamSpec("P")
T = TypeVar("T")


class Source(Protocol):
    """A database to read, and the results the service asks for more than once."""

    def run(self, fn: Callable[Concatenate[Con, P], T], *args: P.args, **kw: P.kwargs) -> T:
        """``fn(connection, *args, **kw)`` on the database."""
        ...

    def rule_version(self) -> int | None:
        """The rule version of the stored values (None when not current)."""
        ...

    def regions(self) -> pd.DataFrame:
        """:func:`regions` of this database."""
        ...

    def computed_ranking(self, f: Filters) -> Ranking:
        """:func:`computed_ranking` of this database."""
        ...

    def computed_comparison(self, f: Filters) -> tuple[pd.DataFrame, dict[str, HeldRoles]]:
        """:func:`computed_comparison` of this database."""
        ...


@dataclass(frozen=True)
class Overview:
    """Everything the 总览 page shows."""

    totals: overview.Totals
    per_metric: pd.DataFrame
    documents: pd.DataFrame
    unplaced: pd.DataFrame
    decided: pd.DataFrame


@dataclass(frozen=True)
class RankingData:
    """A ranking: ``table`` has one row per region (``valuation.rule.TABLE_COLUMNS``),
    largest first; ``n_unplaced`` claims were left out because their region is unknown.

    The claims are not kept: a nationwide ranking rests on up to half a million of them,
    and the cache pickles what it keeps and unpickles it on every rerun.
    """

    table: pd.DataFrame
    n_unplaced: int


def check(src: Source) -> bool:
    """Whether the database can be read (raises ``DatabaseError`` when not)."""
    return src.run(overview.has_claims)


def rule_version(src: Source) -> int | None:
    """The rule version the stored values were built with (None when not current)."""
    return src.run(overview.rankings_version)


def read_overview(src: Source) -> Overview:
    return Overview(
        totals=src.run(overview.totals),
        per_metric=src.run(overview.claims_per_metric),
        documents=src.run(overview.documents),
        unplaced=src.run(overview.unplaced_articles),
        decided=src.run(overview.how_decided),
    )


def options(src: Source) -> overview.Options:
    return src.run(overview.options, CATEGORISED_METRICS)


def regions(src: Source) -> pd.DataFrame:
    """Every region with claims, and the ``label`` a picker shows for it."""
    found = src.run(overview.regions_with_claims, RANKABLE_STATUSES)
    return found.assign(label=labels.region_labels(found))


def stored_year(
    src: Source, years: tuple[int, ...], scope: str = SCOPE_ALL, since: int = 0
) -> int | None:
    """The stored scope for these years in this 口径 (0 = every year), or None to compute
    on the fly."""
    if src.rule_version() != stored.RULE_VERSION:
        return None
    return stored.stored_year(years, scope, since)


def _stored(src: Source) -> bool:
    return src.rule_version() == stored.RULE_VERSION


def _stored_year_of(src: Source, f: Filters, scope: str) -> int | None:
    """:func:`stored_year` of ``f`` in ``scope``; None (from the claims) when OCR-read
    claims are left out, which the stored values count."""
    return None if f.no_ocr else stored_year(src, f.years, scope, f.since)


# ------------------------------------------------------------------------ 排名


def ranking_filters(src: Source, f: Filters) -> Filters:
    """The 排名 page's filters with its 口径 made definite: the metric's default 口径 when
    none (or one it has not) is chosen; in 单一年度 with no year chosen, the latest year
    with values; in 多年累计 with no start year chosen, the start year most regions report.
    The chart, its subtitle and its export all say what this returns."""
    f = f.of(RANKING)
    if f.scope == SCOPE_SINGLE and not f.years:
        default = ranking_default_year(src, f)
        return replace(f, years=(default.year,)) if default else f
    if not _stored(src):  # every start year together, from the claims
        return replace(f, since=EVERY_START) if f.scope == SCOPE_SPAN and f.since == 0 else f
    if f.scope == SCOPE_SPAN and f.since == 0:
        starts = src.run(ranking.span_starts, f)
        return replace(f, since=int(starts["start"].iloc[0]) if len(starts) else EVERY_START)
    return f


def scope_years(src: Source, f: Filters) -> list[int]:
    """The years a 单一年度 ranking has values for (the year selector's choices)."""
    return list(_scope_year_regions(src, f))


def _scope_year_regions(src: Source, f: Filters) -> dict[int, int]:
    if _stored(src) and not f.no_ocr:
        return src.run(ranking.scope_years, f)
    return src.run(ranking.claim_scope_years, f, statuses=RANKABLE_STATUSES)


def ranking_default_year(src: Source, f: Filters) -> DefaultYear | None:
    """The year a 单一年度 ranking of ``f`` opens on when none is chosen: the latest with
    enough regions to compare (``dashboard_lib.default_year``); None when a year is chosen,
    the 口径 is another, or no year has values."""
    f = f.of(RANKING)
    if f.scope != SCOPE_SINGLE or f.years:
        return None
    return default_year.pick(_scope_year_regions(src, f))


def span_starts(src: Source, f: Filters) -> pd.DataFrame:
    """start, regions: the start years of a 多年累计 ranking, the default first."""
    if not _stored(src):
        return pd.DataFrame({"start": pd.Series(dtype="int64"), "regions": []})
    return src.run(ranking.span_starts, f)


def conflicts(src: Source, claim_ids: Sequence[int]) -> pd.DataFrame:
    """数据冲突 side by side for these superseded claims: the pairs stored at ingest when
    current and every claim has some (``db.ranking.stored_conflicts``), else from the
    claims (``db.ranking.conflicts``): a claim superseded only in a scope formed on the fly
    (several years) has no stored pair, and neither has any claim when the stored values are
    not current."""
    ids = tuple(int(i) for i in claim_ids)
    if _stored(src):
        pairs = src.run(ranking.stored_conflicts, ids)
        if set(ids) <= set(pairs["dropped_claim_id"].tolist()):
            return pairs
    return src.run(ranking.conflicts, ids)


def computed_ranking(src: Source, f: Filters) -> Ranking:
    claims_ = src.run(
        ranking.ranking_claims,
        f,
        statuses=RANKABLE_STATUSES,
        rule_columns=True,
        stored_copy=_stored(src),
    )
    return rule.rank(claims_, f.metric)


def read_ranking(src: Source, f: Filters) -> RankingData:
    f = ranking_filters(src, f)
    year = _stored_year_of(src, f, f.scope)
    if year is None:
        computed = src.computed_ranking(f)
        return RankingData(table=computed.table, n_unplaced=computed.n_unplaced)
    table = src.run(ranking.region_values, f, year=year)
    return RankingData(table=table, n_unplaced=src.run(ranking.unplaced_count, f))


def ranking_sources(src: Source, f: Filters) -> pd.DataFrame:
    """source, year of the files a ranking's claims come from: read for the source line
    of an exported image only (a scan of the claims, so not on every view)."""
    f = ranking_filters(src, f)
    sources = src.run(ranking.ranking_sources, f, statuses=RANKABLE_STATUSES)
    return sources[sources["placed"] > 0].reset_index(drop=True)


def _stored_roles(
    src: Source, metric: str, category: str, year: int, key: str, scope: str
) -> pd.DataFrame:
    roles = src.run(
        ranking.claim_roles,
        metrics=(metric,),
        category=category,
        year=year,
        region_keys=(key,),
        scope=scope,
    )
    return roles.drop(columns=["metric"])


def ranking_roles(src: Source, f: Filters, region_key: str) -> pd.DataFrame:
    """claim_id, region_key, role of the claims behind one region's value in a ranking."""
    f = ranking_filters(src, f)
    year = _stored_year_of(src, f, f.scope)
    if year is None:
        return src.computed_ranking(f).region_roles(region_key)
    return _stored_roles(src, f.metric, f.category, year, region_key, f.scope)


# ------------------------------------------------------------------------ 对比


def _places(src: Source, keys: Sequence[str]) -> pd.DataFrame:
    places = src.regions().set_index("region_key").reindex(list(keys)).reset_index()
    return places.dropna(subset=["region"])


def comparison_filters(src: Source, f: Filters) -> Filters:
    """The 对比 page's filters with its 口径 made definite (as :func:`ranking_filters`): a
    单一年度 comparison with no year chosen compares the latest year the regions have."""
    f = f.of(COMPARE)
    f = replace(f, scope=f.scope if f.scope in SCOPES else SCOPE_SINGLE)
    default = comparison_default_year(src, f)
    return replace(f, years=(default.year,)) if default else f


def comparison_default_year(src: Source, f: Filters) -> DefaultYear | None:
    """The year a 单一年度 comparison opens on when none is chosen: the latest in which
    enough of the chosen regions have a value (``dashboard_lib.default_year``); None when
    a year is chosen, the 口径 is another, or the stored values are not current."""
    f = f.of(COMPARE)
    if (f.scope or SCOPE_SINGLE) != SCOPE_SINGLE or f.years or not _stored(src):
        return None
    return default_year.pick(src.run(ranking.compared_scope_years, f, metrics=RANKED_METRICS))


def _metric_scopes(f: Filters) -> dict[str, tuple[str, ...]]:
    """The metrics of a comparison by the 口径 each is formed in (honours: always 全部)."""
    groups: dict[str, list[str]] = {}
    for metric in RANKED_METRICS:
        scope = f.scope if f.scope in scopes_for(metric) else scopes_for(metric)[0]
        groups.setdefault(scope, []).append(metric)
    return {scope: tuple(metrics) for scope, metrics in groups.items()}


def _scope_of(f: Filters, metric: str) -> Filters:
    """``f`` as the comparison reads ``metric``: in the metric's 口径 (an honour count is
    compared over 全部, its year the article's)."""
    scope = f.scope if f.scope in scopes_for(metric) else scopes_for(metric)[0]
    return replace(f, scope=scope)


def computed_comparison(src: Source, f: Filters) -> tuple[pd.DataFrame, dict[str, HeldRoles]]:
    """The comparison's grid formed from the claims, and each metric's roles as the rule
    holds them (made a frame only for the cell clicked: :func:`comparison_roles`)."""
    f = comparison_filters(src, f)
    places = _places(src, f.regions)
    groups = [(replace(f, scope=scope), metrics) for scope, metrics in _metric_scopes(f).items()]
    # One read and one pass of the rule for every 口径: each metric's claims are those of
    # its own 口径, and the rule never looks across metrics.
    claims_ = src.run(ranking.compared_claims, groups, stored_copy=_stored(src))
    found, roles = rule.compared(claims_, [m for _, metrics in groups for m in metrics])
    return rule.comparison_grid(places, found), roles


def read_comparison(src: Source, f: Filters) -> pd.DataFrame:
    """All metrics for the chosen regions by the ranking's rule: one row per region and
    metric (``valuation.rule.comparison_grid``; 未报告 is a row with no value), each
    metric in the comparison's 口径 (honours in 全部)."""
    f = comparison_filters(src, f)
    groups = _metric_scopes(f)
    years = {scope: _stored_year_of(src, f, scope) for scope in groups}
    if any(year is None for year in years.values()):
        return src.computed_comparison(f)[0]
    values = [
        src.run(
            ranking.compared_values, f, metrics=metrics, year=int(years[scope] or 0), scope=scope
        )
        for scope, metrics in groups.items()
    ]
    return rule.comparison_grid(_places(src, f.regions), pd.concat(values, ignore_index=True))


def comparison_sources(src: Source, f: Filters) -> pd.DataFrame:
    """source, year of the files the compared claims come from (exported images only)."""
    return src.run(ranking.region_sources, comparison_filters(src, f), metrics=RANKED_METRICS)


def comparison_roles(src: Source, f: Filters, region_key: str, metric: str) -> pd.DataFrame:
    """claim_id, region_key, role of the claims behind one cell of a comparison."""
    f = comparison_filters(src, f)
    g = _scope_of(f, metric)
    year = _stored_year_of(src, g, g.scope)
    if year is None:
        return region_rows(src.computed_comparison(f)[1][metric], region_key)
    return _stored_roles(src, metric, "", year, region_key, g.scope)


# ------------------------------------------------------------------------ 趋势


def read_trend(src: Source, f: Filters) -> TrendData:
    """The chosen regions' single-year values of one metric, every year from the first to
    the last with data, gaps kept (``dashboard_lib.trend``): the stored 单一年度 values
    when current (without roles: 8,000 of them took 200 ms to read at 1,000,000 claims),
    else the same rule on their claims (tests/test_app_trend.py checks the two agree)."""
    places = _places(src, f.trend_regions)
    # The roles are read for the one point clicked (trend_roles).
    if _stored(src) and not f.no_ocr:
        return trend_grid(src.run(trend.stored_points, f), _NO_ROLES, places)
    claims_ = src.run(trend.trend_claims, f, statuses=RANKABLE_STATUSES)
    return trend_data(claims_, places, f.metric)


_NO_ROLES = pd.DataFrame({"claim_id": [], "region_key": [], "figure_year": [], "role": []})


def trend_roles(src: Source, f: Filters, region_key: str, year: int) -> pd.DataFrame:
    """claim_id, region_key, role of the claims behind one point of a trend: the stored
    roles of that region in that year's 单一年度 ranking (what a click on its bar there
    shows), else the rule's on the claims."""
    f = f.of(TREND)
    if _stored(src) and not f.no_ocr:
        return _stored_roles(src, f.metric, f.category, int(year), region_key, SCOPE_SINGLE)
    return read_trend(src, f).roles_of(region_key, year)


def trend_sources(src: Source, f: Filters) -> pd.DataFrame:
    """source, year of the files a trend's claims come from (exported images only)."""
    return src.run(trend.trend_sources, f, statuses=RANKABLE_STATUSES)


# ------------------------------------------------------------------------ 明细


def claim_count(src: Source, f: Filters) -> int:
    return src.run(claims.claim_count, f)


def claims_page(src: Source, f: Filters, page: int, page_size: int) -> pd.DataFrame:
    """Page ``page`` (from 1) of the claims matching the filters, ``page_size`` rows."""
    offset = (max(page, 1) - 1) * page_size
    return src.run(claims.claim_table, f, limit=page_size, offset=offset)


def all_claims(src: Source, f: Filters) -> pd.DataFrame:
    """Every claim matching the filters, for a download."""
    return src.run(claims.claim_table, f)


def evidence(src: Source, claim_ids: tuple[int, ...]) -> pd.DataFrame:
    return src.run(claims.evidence, claim_ids)


# ------------------------------------------------------------------------ 导入


def document_list(src: Source) -> pd.DataFrame:
    """Every document, newest first, with its articles and claims (the 导入 page's list)."""
    return src.run(documents.document_list)

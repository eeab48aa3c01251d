"""The pages' only way to data: ``dashboard_lib.service`` behind Streamlit's caches.

The connection is a resource (``st.cache_resource``), one per database path. Results are
data (``st.cache_data``) keyed by the file's identity as well as the page's
:class:`~db.filters.Filters`, so when the ETL swaps in a new file the next page view misses
the cache and reads the new data, and never mixes old and new rows. What to read, and
whether from the stored values or the claims, is the service's; each function here is one
cached call of it.

Every failure the user can do something about (no database yet, a lock held during an
ingest, an outdated file) becomes a plain Chinese message and ``st.stop()``: no DuckDB
traceback reaches the page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Concatenate, NamedTuple, NoReturn, ParamSpec, Protocol, TypeVar

import pandas as pd
import streamlit as st

from dashboard_lib import service
from dashboard_lib.default_year import DefaultYear
from dashboard_lib.service import Overview, RankingData
from dashboard_lib.trend import TrendData
from db.connection import DatabaseError, DatabaseMissing, FileSignature, ReadOnlyDatabase
from db.filters import Filters
from db.location import db_path, ingest_command
from db.overview import Options
from db.sql import Con
from valuation.outcome import HeldRoles, Ranking

__all__ = ["EXCEL_MAX_ROWS", "PAGE_SIZE", "DbKey", "Overview", "RankingData", "TrendData"]

P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R", covariant=True)

# Rows of the 明细 table fetched and shown at a time. At a million claims the page can't
# hold every matching claim: fetching, caching and formatting them all took 22 s a rerun.
PAGE_SIZE = 500
# An Excel sheet holds 1,048,576 rows, one of them the header.
EXCEL_MAX_ROWS = 1_048_575


class DbKey(NamedTuple):
    """Which database file, and which version of it, a cached result came from."""

    path: str
    signature: FileSignature


@st.cache_resource(show_spinner=False)
def _database(path: str) -> ReadOnlyDatabase:
    return ReadOnlyDatabase(Path(path))


class _Source:
    """The service's Source for one database version: reads run on the cached connection,
    and the results the service reuses come from the caches below."""

    def __init__(self, key: DbKey) -> None:
        self.key = key

    def run(self, fn: Callable[Concatenate[Con, P], T], *args: P.args, **kw: P.kwargs) -> T:
        return _database(self.key.path).run(fn, *args, **kw)

    def rule_version(self) -> int | None:
        return _rule_version(self.key)

    def regions(self) -> pd.DataFrame:
        return regions(self.key)

    def computed_ranking(self, f: Filters) -> Ranking:
        return _computed_ranking(self.key, f)

    def computed_comparison(self, f: Filters) -> tuple[pd.DataFrame, dict[str, HeldRoles]]:
        return _computed_comparison(self.key, f)


def _fail(error: DatabaseError) -> NoReturn:
    if isinstance(error, DatabaseMissing):
        st.warning(str(error), icon="📂")
        st.code(ingest_command(db_path()), language="bash")
    else:
        st.warning(str(error), icon="⏳")
    st.stop()
    # Outside a script run (a download built on click) st.stop() returns and st.warning
    # shows nothing: the error goes to Streamlit, which fails that one download.
    raise error


def _current() -> DbKey:
    """The current database's key, once it has been checked readable."""
    path = db_path()
    key = DbKey(str(path), _database(str(path)).signature())
    service.check(_Source(key))
    return key


def require_database() -> DbKey:
    """The current database, or a plain message and a stopped page."""
    try:
        return _current()
    except DatabaseError as error:
        _fail(error)


def database_if_any() -> DbKey | None:
    """The current database, or None when there is none yet (the 导入 page makes it);
    any other problem is a plain message and a stopped page, as for :func:`require_database`."""
    try:
        return _current()
    except DatabaseMissing:
        return None
    except DatabaseError as error:
        _fail(error)


def forget_cached_reads() -> None:
    """Drop every cached result after this server wrote the database (an upload, a
    removal). The keys hold the file's identity, so no page would show old data anyway;
    this frees the memory the old version's results hold at once."""
    st.cache_data.clear()


class Cached(Protocol[P, R]):
    """A cached read: call it, or ``clear()`` its cache (the benchmarks time misses)."""

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R: ...

    def clear(self) -> None: ...


def _cached(max_entries: int) -> Callable[[Callable[P, T]], Cached[P, T]]:
    """``st.cache_data`` around a read, and a DatabaseError raised while loading turned into
    a message instead of a traceback."""

    def decorate(fn: Callable[P, T]) -> Cached[P, T]:
        cached = st.cache_data(show_spinner=False, max_entries=max_entries)(fn)

        def read(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return cached(*args, **kwargs)
            except DatabaseError as error:
                _fail(error)

        read.__doc__, read.__name__ = fn.__doc__, fn.__name__
        read.clear = cached.clear  # type: ignore[attr-defined]
        return read  # type: ignore[return-value]

    return decorate


@_cached(16)
def _rule_version(key: DbKey) -> int | None:
    return service.rule_version(_Source(key))


@_cached(16)
def regions(key: DbKey) -> pd.DataFrame:
    return service.regions(_Source(key))


@_cached(32)
def _computed_ranking(key: DbKey, f: Filters) -> Ranking:
    return service.computed_ranking(_Source(key), f)


@_cached(32)
def _computed_comparison(key: DbKey, f: Filters) -> tuple[pd.DataFrame, dict[str, HeldRoles]]:
    return service.computed_comparison(_Source(key), f)


@_cached(16)
def overview(key: DbKey) -> Overview:
    return service.read_overview(_Source(key))


@_cached(16)
def options(key: DbKey) -> Options:
    return service.options(_Source(key))


@_cached(128)
def ranking_filters(key: DbKey, f: Filters) -> Filters:
    """The 排名 filters with the 口径 made definite (``service.ranking_filters``): what
    the chart, its subtitle and its export describe."""
    return service.ranking_filters(_Source(key), f)


@_cached(128)
def comparison_filters(key: DbKey, f: Filters) -> Filters:
    """The 对比 filters with the 口径 made definite (``service.comparison_filters``)."""
    return service.comparison_filters(_Source(key), f)


@_cached(128)
def ranking_default_year(key: DbKey, f: Filters) -> DefaultYear | None:
    """The year a 单一年度 ranking opens on (``service.ranking_default_year``)."""
    return service.ranking_default_year(_Source(key), f)


@_cached(128)
def comparison_default_year(key: DbKey, f: Filters) -> DefaultYear | None:
    """The year a 单一年度 comparison opens on (``service.comparison_default_year``)."""
    return service.comparison_default_year(_Source(key), f)


@_cached(64)
def scope_years(key: DbKey, f: Filters) -> list[int]:
    """The years a 单一年度 ranking has values for (``service.scope_years``)."""
    return service.scope_years(_Source(key), f)


@_cached(64)
def span_starts(key: DbKey, f: Filters) -> pd.DataFrame:
    """The start years of a 多年累计 ranking, the default first (``service.span_starts``)."""
    return service.span_starts(_Source(key), f)


class ScopeOffer:
    """What the 口径 widgets offer for one database (``widgets.ScopeChoices``)."""

    def __init__(self, key: DbKey) -> None:
        self.key = key

    def years(self, f: Filters) -> list[int]:
        return scope_years(self.key, f)

    def starts(self, f: Filters) -> pd.DataFrame:
        return span_starts(self.key, f)


@_cached(256)
def conflicts(key: DbKey, claim_ids: tuple[int, ...]) -> pd.DataFrame:
    """数据冲突 side by side for these superseded claims (``service.conflicts``)."""
    return service.conflicts(_Source(key), claim_ids)


@_cached(128)
def ranking(key: DbKey, f: Filters) -> RankingData:
    return service.read_ranking(_Source(key), f)


@_cached(64)
def ranking_sources(key: DbKey, f: Filters) -> pd.DataFrame:
    return service.ranking_sources(_Source(key), f)


@_cached(256)
def ranking_roles(key: DbKey, f: Filters, region_key: str) -> pd.DataFrame:
    return service.ranking_roles(_Source(key), f, region_key)


@_cached(64)
def comparison(key: DbKey, f: Filters) -> pd.DataFrame:
    return service.read_comparison(_Source(key), f)


@_cached(64)
def comparison_sources(key: DbKey, f: Filters) -> pd.DataFrame:
    return service.comparison_sources(_Source(key), f)


@_cached(256)
def comparison_roles(key: DbKey, f: Filters, region_key: str, metric: str) -> pd.DataFrame:
    return service.comparison_roles(_Source(key), f, region_key, metric)


@_cached(64)
def trend(key: DbKey, f: Filters) -> TrendData:
    return service.read_trend(_Source(key), f)


@_cached(64)
def trend_sources(key: DbKey, f: Filters) -> pd.DataFrame:
    return service.trend_sources(_Source(key), f)


@_cached(256)
def trend_roles(key: DbKey, f: Filters, point: tuple[str, int]) -> pd.DataFrame:
    """claim_id, region_key, role behind one point (region key, year) of a trend."""
    return service.trend_roles(_Source(key), f, *point)


@_cached(64)
def claim_count(key: DbKey, f: Filters) -> int:
    return service.claim_count(_Source(key), f)


@_cached(64)
def claims_page(key: DbKey, f: Filters, page: int, page_size: int) -> pd.DataFrame:
    """The page size is an argument so that it is part of the cache key."""
    return service.claims_page(_Source(key), f, page, page_size)


def all_claims(key: DbKey, f: Filters) -> pd.DataFrame:
    """Deliberately not cached: only a click on a download asks for it, and the cache
    would pickle the 360 MiB of a million claims on the way in and out."""
    try:
        return service.all_claims(_Source(key), f)
    except DatabaseError as error:
        _fail(error)


@_cached(256)
def evidence(key: DbKey, claim_ids: tuple[int, ...]) -> pd.DataFrame:
    return service.evidence(_Source(key), claim_ids)


@_cached(16)
def document_list(key: DbKey) -> pd.DataFrame:
    return service.document_list(_Source(key))

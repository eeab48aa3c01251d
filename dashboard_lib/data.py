"""The pages' only way to data: a cached read-only connection and cached query results.

The connection is a resource (``st.cache_resource``), one per database path. Query
results are data (``st.cache_data``) keyed by the file's identity as well as the filters,
so when the ETL swaps in a new file the next page view misses the cache and reads the new
data, and never mixes old and new rows.

Every failure the user can do something about (no database yet, a lock held during an
ingest, an outdated file) becomes a plain Chinese message and ``st.stop()``: no DuckDB
traceback reaches the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, NoReturn, ParamSpec, TypeVar

import pandas as pd
import streamlit as st

from db import queries
from db.connection import (
    DatabaseError,
    DatabaseMissing,
    FileSignature,
    ReadOnlyDatabase,
    db_path,
    ingest_command,
)
from etl import rankings, valuerule

P = ParamSpec("P")
T = TypeVar("T")


class DbKey(NamedTuple):
    """Which database file, and which version of it, a cached result came from."""

    path: str
    signature: FileSignature


@st.cache_resource(show_spinner=False)
def _database(path: str) -> ReadOnlyDatabase:
    return ReadOnlyDatabase(Path(path))


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


def require_database() -> DbKey:
    """The current database, or a plain message and a stopped page."""
    path = db_path()
    try:
        db = _database(str(path))
        signature = db.signature()
        db.run(lambda con: con.execute("SELECT 1 FROM claims LIMIT 1").fetchall())
    except DatabaseError as error:
        _fail(error)
    return DbKey(str(path), signature)


def _run(key: DbKey, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
    return _database(key.path).run(fn, *args, **kwargs)


def _guard(fn: Callable[P, T]) -> Callable[P, T]:
    """Turn a DatabaseError raised while loading into a message instead of a traceback."""

    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return fn(*args, **kwargs)
        except DatabaseError as error:
            _fail(error)

    wrapper.__doc__ = fn.__doc__
    wrapper.__name__ = getattr(fn, "__name__", "wrapper")
    return wrapper


# ------------------------------------------------------------------------ overview


@dataclass(frozen=True)
class Overview:
    """Everything the 总览 page shows."""

    totals: queries.Totals
    per_metric: pd.DataFrame
    documents: pd.DataFrame
    unplaced: pd.DataFrame


@st.cache_data(show_spinner=False, max_entries=16)
def _overview(key: DbKey) -> Overview:
    return Overview(
        totals=_run(key, queries.totals),
        per_metric=_run(key, queries.claims_per_metric),
        documents=_run(key, queries.documents),
        unplaced=_run(key, queries.unplaced_articles),
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _options(key: DbKey) -> queries.Options:
    return _run(key, queries.options)


@st.cache_data(show_spinner=False, max_entries=16)
def _regions(key: DbKey) -> pd.DataFrame:
    return _run(key, queries.regions_with_claims, valuerule.RANKABLE_STATUSES)


# ------------------------------------------------------------------------ rankings
# A ranking is read from the values ``etl.rankings`` stored at ingest when the filter is
# one of their scopes (every year, or one year) and they are current; otherwise (several
# years, or an ingest that did not finish) the same rule runs here on the claims. Either
# way the page gets the same table; tests/test_stored_rankings.py checks they agree.


@st.cache_data(show_spinner=False, max_entries=16)
def _stored_rule(key: DbKey) -> int | None:
    return _run(key, queries.rankings_version)


def stored_year(key: DbKey, years: tuple[int, ...]) -> int | None:
    """The stored scope for these years (0 = every year), or None to compute on the fly."""
    if len(years) > 1 or _stored_rule(key) != rankings.RULE_VERSION:
        return None
    return int(years[0]) if years else rankings.EVERY_YEAR


def _category(metric: str, category: str) -> str:
    """The fund category filter as the rule sees it: only funds have categories."""
    return category if metric == "funds" else ""


@dataclass(frozen=True)
class RankingData:
    """A ranking: ``table`` has one row per region (``valuerule.TABLE_COLUMNS``), largest
    first; ``n_unplaced`` claims were left out because their region is unknown.

    The claims are not kept: a nationwide ranking rests on up to half a million of them,
    and the cache pickles what it keeps and unpickles it on every rerun.
    """

    table: pd.DataFrame
    n_unplaced: int


@st.cache_data(show_spinner=False, max_entries=32)
def _computed_ranking(
    key: DbKey,
    metric: str,
    tier: str,
    provinces: tuple[str, ...],
    years: tuple[int, ...],
    category: str,
) -> valuerule.Ranking:
    claims = _run(
        key,
        queries.ranking_claims,
        rule_columns=True,
        metric=metric,
        tier=tier,
        provinces=provinces,
        years=years,
        category=category,
        statuses=valuerule.RANKABLE_STATUSES,
    )
    return valuerule.rank(claims, metric)


@st.cache_data(show_spinner=False, max_entries=128)
def _ranking(
    key: DbKey,
    metric: str,
    tier: str,
    provinces: tuple[str, ...],
    years: tuple[int, ...],
    category: str,
) -> RankingData:
    category = _category(metric, category)
    year = stored_year(key, years)
    if year is None:
        computed = _computed_ranking(key, metric, tier, provinces, years, category)
        return RankingData(table=computed.table, n_unplaced=computed.n_unplaced)
    filters = {"metric": metric, "tier": tier, "provinces": provinces}
    table = _run(key, queries.region_values, **filters, category=category, year=year)
    unplaced = _run(key, queries.unplaced_count, **filters, category=category, years=years)
    return RankingData(table=table, n_unplaced=unplaced)


@st.cache_data(show_spinner=False, max_entries=64)
def _ranking_sources(
    key: DbKey,
    metric: str,
    tier: str,
    provinces: tuple[str, ...],
    years: tuple[int, ...],
    category: str,
) -> pd.DataFrame:
    """source, year of the files a ranking's claims come from: read for the source line
    of an exported image only (a scan of the claims, so not on every view)."""
    sources = _run(
        key,
        queries.ranking_sources,
        metric=metric,
        tier=tier,
        provinces=provinces,
        years=years,
        category=_category(metric, category),
        statuses=valuerule.RANKABLE_STATUSES,
    )
    return sources[sources["placed"] > 0].reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=256)
def _ranking_roles(
    key: DbKey,
    metric: str,
    tier: str,
    provinces: tuple[str, ...],
    years: tuple[int, ...],
    category: str,
    region_key: str,
) -> pd.DataFrame:
    """claim_id, region_key, role of the claims behind one region's value in a ranking."""
    category = _category(metric, category)
    year = stored_year(key, years)
    if year is None:
        roles = _computed_ranking(key, metric, tier, provinces, years, category).roles
        return roles[roles["region_key"] == region_key].reset_index(drop=True)
    roles = _run(
        key,
        queries.claim_roles,
        metrics=(metric,),
        category=category,
        year=year,
        region_keys=(region_key,),
    )
    return roles.drop(columns=["metric"])


@st.cache_data(show_spinner=False, max_entries=32)
def _computed_comparison(
    key: DbKey, regions: tuple[str, ...], years: tuple[int, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    claims = _run(
        key,
        queries.region_claims,
        rule_columns=True,
        region_keys=regions,
        metrics=valuerule.RANKED_METRICS,
        years=years,
    )
    return valuerule.compare(claims, _places(key, regions))


def _places(key: DbKey, regions: tuple[str, ...]) -> pd.DataFrame:
    places = _regions(key).set_index("region_key").reindex(list(regions)).reset_index()
    return places.dropna(subset=["region"])


@st.cache_data(show_spinner=False, max_entries=64)
def _comparison(key: DbKey, regions: tuple[str, ...], years: tuple[int, ...]) -> pd.DataFrame:
    """All metrics for the chosen regions by the ranking's rule: one row per region and
    metric (``valuerule.comparison_grid``; 未报告 is a row with no value)."""
    year = stored_year(key, years)
    if year is None:
        return _computed_comparison(key, regions, years)[0]
    values = _run(
        key,
        queries.compared_values,
        region_keys=regions,
        metrics=valuerule.RANKED_METRICS,
        year=year,
    )
    return valuerule.comparison_grid(_places(key, regions), values)


@st.cache_data(show_spinner=False, max_entries=64)
def _comparison_sources(
    key: DbKey, regions: tuple[str, ...], years: tuple[int, ...]
) -> pd.DataFrame:
    """source, year of the files the compared claims come from (exported images only)."""
    return _run(
        key,
        queries.region_sources,
        region_keys=regions,
        metrics=valuerule.RANKED_METRICS,
        years=years,
    )


@st.cache_data(show_spinner=False, max_entries=256)
def _comparison_roles(
    key: DbKey, regions: tuple[str, ...], years: tuple[int, ...], region_key: str, metric: str
) -> pd.DataFrame:
    """claim_id, region_key, role of the claims behind one cell of a comparison."""
    year = stored_year(key, years)
    if year is None:
        roles = _computed_comparison(key, regions, years)[1]
        chosen = (roles["region_key"] == region_key) & (roles["metric"] == metric)
        return roles[chosen].drop(columns=["metric"]).reset_index(drop=True)
    roles = _run(
        key,
        queries.claim_roles,
        metrics=(metric,),
        category="",
        year=year,
        region_keys=(region_key,),
    )
    return roles.drop(columns=["metric"])


# ------------------------------------------------------------------------ 明细

# Rows of the 明细 table fetched and shown at a time. At a million claims the page can't
# hold every matching claim: fetching, caching and formatting them all took 22 s a rerun.
PAGE_SIZE = 500

# An Excel sheet holds 1,048,576 rows, one of them the header.
EXCEL_MAX_ROWS = 1_048_575


@st.cache_data(show_spinner=False, max_entries=64)
def _claim_count(
    key: DbKey,
    provinces: tuple[str, ...],
    years: tuple[int, ...],
    tier: str,
    metrics: tuple[str, ...],
    search: str,
) -> int:
    return _run(
        key,
        queries.claim_count,
        provinces=provinces,
        years=years,
        tier=tier,
        metrics=metrics,
        search=search,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _claims_page(
    key: DbKey,
    provinces: tuple[str, ...],
    years: tuple[int, ...],
    tier: str,
    metrics: tuple[str, ...],
    search: str,
    page: int,
    page_size: int,
) -> pd.DataFrame:
    """Page ``page`` (from 1) of the claims matching the filters, ``page_size`` rows.

    The page size is an argument, not read from :data:`PAGE_SIZE`, so that it is part of
    the cache key: a page cached at one size is never served for another.
    """
    return _run(
        key,
        queries.claim_table,
        provinces=provinces,
        years=years,
        tier=tier,
        metrics=metrics,
        search=search,
        limit=page_size,
        offset=(max(page, 1) - 1) * page_size,
    )


def _all_claims(
    key: DbKey,
    provinces: tuple[str, ...],
    years: tuple[int, ...],
    tier: str,
    metrics: tuple[str, ...],
    search: str,
) -> pd.DataFrame:
    """Every claim matching the filters, for a download; deliberately not cached.

    Only a click on a download button asks for it, and ``st.cache_data`` would pickle the
    frame on the way in and unpickle it on every hit: seconds for the 360 MiB of a
    million claims, to save a query of about one second that runs once per click.
    """
    return _run(
        key,
        queries.claim_table,
        provinces=provinces,
        years=years,
        tier=tier,
        metrics=metrics,
        search=search,
    )


@st.cache_data(show_spinner=False, max_entries=256)
def _evidence(key: DbKey, claim_ids: tuple[int, ...]) -> pd.DataFrame:
    return _run(key, queries.evidence, claim_ids)


overview = _guard(_overview)
options = _guard(_options)
regions = _guard(_regions)
ranking = _guard(_ranking)
ranking_roles = _guard(_ranking_roles)
ranking_sources = _guard(_ranking_sources)
comparison = _guard(_comparison)
comparison_sources = _guard(_comparison_sources)
comparison_roles = _guard(_comparison_roles)
claim_count = _guard(_claim_count)
claims_page = _guard(_claims_page)
all_claims = _guard(_all_claims)
evidence = _guard(_evidence)

"""The rankings stored at ingest (etl/rankings.py) against the rule applied to the claims.

The 排名 and 对比 pages read a one-year or all-year ranking from ``region_values`` and a
region's evidence from ``claim_roles``; for several years at once, or when the stored
values are not current, they apply ``etl.valuerule`` to the claims instead. A user must
not be able to tell which happened: for every scope (metric × fund category × year) and
every tier, with and without a province filter, both give the same table and the same
role for every claim. Checked on the hand-built sample database and on a generated one
with the benchmark's distributions (reprints, nested periods, rates, parts, regions
that could not be placed).
"""

from __future__ import annotations

import importlib.util
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from db import queries
from etl import rankings, valuerule
from tests.conftest import ROOT, build_sample_db, sample_builder

TIERS = ("province", "prefecture", "county")


def _bench_module() -> Any:
    spec = importlib.util.spec_from_file_location("bench_queries", ROOT / "bench/bench_queries.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_queries", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=["sample", "generated"])
def ranked_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ranked") / f"{request.param}.duckdb"
    if request.param == "sample":
        return build_sample_db(path)
    _bench_module().generate(path, claims=12_000, articles=600, documents=40)
    return path


@pytest.fixture()
def ro(ranked_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(ranked_db), read_only=True)
    try:
        yield con
    finally:
        con.close()


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain values: NaN, NA and None are one 'missing'; ints and floats compare."""

    def plain(value: Any) -> Any:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return None
        if isinstance(value, float) and math.isfinite(value) and value == int(value):
            return int(value)
        return value.item() if hasattr(value, "item") else value

    columns = [c for c in valuerule.TABLE_COLUMNS]
    return [{c: plain(v) for c, v in row.items()} for row in table[columns].to_dict("records")]


def _scopes(con: duckdb.DuckDBPyConnection) -> Iterator[tuple[str, str, int]]:
    """Every metric and category, with every year and three single years (one year's scope
    is computed like any other's; more of them only make the test slower)."""
    options = queries.options(con)
    all_years = options.years
    some_years = sorted({all_years[0], all_years[len(all_years) // 2], all_years[-1]})
    for metric in valuerule.RANKED_METRICS:
        categories = ("", *options.categories) if metric == "funds" else ("",)
        for category in categories:
            for year in (rankings.EVERY_YEAR, *some_years):
                yield metric, category, year


def test_stored_values_are_current(ro: duckdb.DuckDBPyConnection) -> None:
    assert queries.rankings_version(ro) == rankings.RULE_VERSION


def test_every_stored_ranking_and_unplaced_count_equal_the_rule_on_the_claims(
    ro: duckdb.DuckDBPyConnection,
) -> None:
    province = queries.options(ro).provinces[:1]
    compared = 0
    for metric, category, year in _scopes(ro):
        for tier in TIERS:
            for chosen in ((), province) if tier == "prefecture" else ((),):
                stored = queries.region_values(
                    ro, metric=metric, category=category, year=year, tier=tier, provinces=chosen
                )
                claims = queries.ranking_claims(
                    ro,
                    rule_columns=True,
                    metric=metric,
                    tier=tier,
                    provinces=chosen,
                    years=(year,) if year else (),
                    category=category,
                    statuses=valuerule.RANKABLE_STATUSES,
                )
                computed = valuerule.rank(claims, metric)
                where = (metric, category, year, tier, chosen)
                assert _records(stored) == _records(computed.table), where
                unplaced = queries.unplaced_count(
                    ro,
                    metric=metric,
                    tier=tier,
                    provinces=chosen,
                    years=(year,) if year else (),
                    category=category,
                )
                assert unplaced == computed.n_unplaced, where
                compared += len(stored)
    assert compared > 100


def test_every_stored_role_equals_the_rule_on_the_claims(ro: duckdb.DuckDBPyConnection) -> None:
    for metric, category, year in _scopes(ro):
        for tier in TIERS:
            claims = queries.ranking_claims(
                ro,
                rule_columns=True,
                metric=metric,
                tier=tier,
                years=(year,) if year else (),
                category=category,
                statuses=valuerule.RANKABLE_STATUSES,
            )
            computed = valuerule.rank(claims, metric).roles
            keys = computed["region_key"].unique().tolist()
            stored = queries.claim_roles(
                ro, metrics=(metric,), category=category, year=year, region_keys=keys
            )
            expected = sorted(
                zip(computed["claim_id"], computed["region_key"], computed["role"], strict=True)
            )
            got = sorted(zip(stored["claim_id"], stored["region_key"], stored["role"], strict=True))
            assert got == expected, (metric, category, year, tier)


def test_the_generated_database_exercises_every_role(ro: duckdb.DuckDBPyConnection) -> None:
    roles = set(queries.claim_roles(
        ro, metrics=valuerule.RANKED_METRICS, category="", year=0,
        region_keys=queries.regions_with_claims(ro, valuerule.RANKABLE_STATUSES)["region_key"],
    )["role"])  # fmt: skip
    assert {valuerule.COUNTED, valuerule.RATE, valuerule.PART, valuerule.SMALLER} <= roles


def test_the_stored_metric_summary_equals_the_claims(ro: duckdb.DuckDBPyConnection) -> None:
    stored = queries.claims_per_metric(ro)
    live = ro.execute(
        f"SELECT * FROM ({queries.METRIC_SUMMARY_SQL}) ORDER BY claims DESC, metric"
    ).fetchall()
    assert [tuple(r) for r in stored.itertuples(index=False)] == live
    assert len(live) >= 5


def test_a_document_write_marks_the_stored_values_stale(tmp_path: Path) -> None:
    path = tmp_path / "stale.duckdb"
    sample_builder().write(path, rankings=False)
    with duckdb.connect(str(path)) as con:
        assert queries.rankings_version(con) is None
        live = queries.claims_per_metric(con)  # counted from the claims
        rankings.rebuild(con)
        assert queries.rankings_version(con) == rankings.RULE_VERSION
        pd.testing.assert_frame_equal(queries.claims_per_metric(con), live)
        con.execute("DELETE FROM rankings_state")  # what write_document does first
        assert queries.rankings_version(con) is None

"""The rankings stored at ingest (valuation.stored, db.write) against the rule on the claims.

The 排名 and 对比 pages read a one-year or all-year ranking from ``region_values`` and a
region's evidence from ``claim_roles``; for several years at once, or when the stored
values are not current, they apply ``valuation.rule`` to the claims instead. A user must
not be able to tell which happened: for every scope (metric × fund category × year) and
every tier, with and without a province filter, both give the same table and the same
role for every claim. Checked on the hand-built sample database and on a generated one
with the benchmark's distributions (reprints, nested periods, rates, parts, regions
that could not be placed).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from db import overview, ranking, write
from db.filters import Filters
from tests.conftest import (
    SPECIAL,
    STORED_TEST_DATABASES,
    build_sample_db,
    build_stored_test_db,
    flt,
    sample_files,
)
from valuation import registry, rule, stored
from valuation.registry import CATEGORISED_METRICS, RANKABLE_STATUSES, RANKED_METRICS, TIERS


@pytest.fixture(scope="module", params=STORED_TEST_DATABASES)
def ranked_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ranked") / f"{request.param}.duckdb"
    return build_stored_test_db(request.param, path)


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

    columns = [c for c in rule.TABLE_COLUMNS]
    return [{c: plain(v) for c, v in row.items()} for row in table[columns].to_dict("records")]


def _some(values: list[int]) -> list[int]:
    return sorted({values[0], values[len(values) // 2], values[-1]}) if values else []


def _stored_years(con: duckdb.DuckDBPyConnection, metric: str, scope: str) -> list[int]:
    """The years (start years for 多年累计) a 口径 holds values for: which to test."""
    rows = con.execute(
        "SELECT DISTINCT year FROM region_values WHERE metric = ? AND scope = ? AND year > 0"
        " ORDER BY year",
        [metric, scope],
    ).fetchall()
    return [int(r[0]) for r in rows]


def _scopes(con: duckdb.DuckDBPyConnection) -> Iterator[tuple[str, str, str, int]]:
    """Every metric, category and 口径, with every year (every start year) and three single
    years (one year's scope is computed like any other's; more only make the test slower)."""
    options = overview.options(con, CATEGORISED_METRICS)
    for metric in RANKED_METRICS:
        categories = ("", *options.categories) if registry.has_categories(metric) else ("",)
        years = {
            registry.SCOPE_ALL: [stored.EVERY_YEAR, *_some(options.years)],
            registry.SCOPE_SINGLE: _some(_stored_years(con, metric, registry.SCOPE_SINGLE)),
            registry.SCOPE_SPAN: [
                stored.EVERY_START,
                *_some(_stored_years(con, metric, registry.SCOPE_SPAN)),
            ],
        }
        for category in categories:
            for scope in registry.scopes_for(metric):
                for year in years[scope]:
                    yield metric, category, scope, year


def _filters(metric: str, category: str, scope: str, year: int, **kw: Any) -> Filters:
    """The filters that ask for one stored scope (a year, or a start year in 多年累计)."""
    if scope == registry.SCOPE_SPAN:
        return flt(metric=metric, category=category, scope=scope, since=year, **kw)
    return flt(metric=metric, category=category, scope=scope, years=(year,) if year else (), **kw)


def test_stored_values_are_current(ro: duckdb.DuckDBPyConnection) -> None:
    assert overview.rankings_version(ro) == stored.RULE_VERSION


def test_every_stored_ranking_and_unplaced_count_equal_the_rule_on_the_claims(
    ro: duckdb.DuckDBPyConnection,
) -> None:
    province = overview.options(ro, CATEGORISED_METRICS).provinces[:1]
    compared = 0
    for metric, category, scope, year in _scopes(ro):
        for tier in TIERS:
            for chosen in ((), province) if tier == "prefecture" else ((),):
                f = _filters(metric, category, scope, year, tier=tier, provinces=chosen)
                kept = ranking.region_values(ro, f, year=year)
                claims = ranking.ranking_claims(
                    ro, f, statuses=RANKABLE_STATUSES, rule_columns=True
                )
                computed = rule.rank(claims, metric)
                where = (metric, category, scope, year, tier, chosen)
                assert _records(kept) == _records(computed.table), where
                assert ranking.unplaced_count(ro, f) == computed.n_unplaced, where
                compared += len(kept)
    assert compared > 100


def test_every_stored_role_equals_the_rule_on_the_claims(ro: duckdb.DuckDBPyConnection) -> None:
    for metric, category, scope, year in _scopes(ro):
        for tier in TIERS:
            f = _filters(metric, category, scope, year, tier=tier)
            claims = ranking.ranking_claims(ro, f, statuses=RANKABLE_STATUSES, rule_columns=True)
            computed = rule.rank(claims, metric).roles
            keys = computed["region_key"].unique().tolist()
            kept = ranking.claim_roles(
                ro, metrics=(metric,), category=category, year=year, region_keys=keys, scope=scope
            )
            expected = sorted(
                zip(computed["claim_id"], computed["region_key"], computed["role"], strict=True)
            )
            got = sorted(zip(kept["claim_id"], kept["region_key"], kept["role"], strict=True))
            assert got == expected, (metric, category, scope, year, tier)


def test_the_generated_database_exercises_every_role(ro: duckdb.DuckDBPyConnection) -> None:
    roles = set(ranking.claim_roles(
        ro, metrics=RANKED_METRICS, category="", year=0,
        region_keys=overview.regions_with_claims(ro, RANKABLE_STATUSES)["region_key"],
    )["role"])  # fmt: skip
    assert {registry.COUNTED, registry.RATE, registry.PART, registry.SMALLER} <= roles


def _summary_from_claims(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """Claims, distinct regions and first and last year per metric, counted in Python from
    the raw rows (a region is its code, else province/name, else its name), largest first."""
    rows = con.execute("SELECT metric, region_code, province, region, year FROM claims").fetchall()
    per: dict[str, dict[str, Any]] = {}
    for metric, code, province, region, year in rows:
        entry = per.setdefault(metric, {"claims": 0, "regions": set(), "years": []})
        entry["claims"] += 1
        key = code or (f"{province}/{region}" if province and region else region)
        if key is not None:
            entry["regions"].add(key)
        if year is not None:
            entry["years"].append(year)
    summary = [
        (m, e["claims"], len(e["regions"]), min(e["years"], default=None),
         max(e["years"], default=None))
        for m, e in per.items()
    ]  # fmt: skip
    return sorted(summary, key=lambda r: (-r[1], r[0]))


def test_the_stored_metric_summary_equals_the_claims(ro: duckdb.DuckDBPyConnection) -> None:
    kept = overview.claims_per_metric(ro)
    assert overview.rankings_version(ro) is not None  # so this is the stored table
    expected = _summary_from_claims(ro)
    assert [tuple(r) for r in kept.itertuples(index=False)] == expected
    assert len(expected) >= 5


def _fetched_filters(con: duckdb.DuckDBPyConnection) -> Iterator[Filters]:
    """Rankings formed from the claims as the pages ask for them: several years in each 口径,
    one stored scope, a fund category, a province, OCR-read claims left out."""
    options = overview.options(con, CATEGORISED_METRICS)
    years = options.years
    last_two = tuple(years[-2:])
    for metric in RANKED_METRICS:
        for tier in TIERS:
            yield flt(metric=metric, tier=tier, years=last_two)
            yield flt(metric=metric, tier=tier, scope=registry.SCOPE_SINGLE, years=last_two)
            yield flt(metric=metric, tier=tier, scope=registry.SCOPE_SPAN, years=years[-1:])
        yield flt(metric=metric, tier="prefecture", provinces=options.provinces[:1])
        yield flt(metric=metric, tier="county", years=years[:1], no_ocr=True)
    for category in options.categories[:2]:
        yield flt(metric="funds", tier="prefecture", category=category, years=last_two)


def _by_claim(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("claim_id", ignore_index=True)


def _by_key(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(rank=0).sort_values(["metric", "region_key"], ignore_index=True)


def test_the_stored_copy_of_the_claims_gives_a_ranking_the_rows_the_claims_give(
    ro: duckdb.DuckDBPyConnection,
) -> None:
    """``rule_claims`` (the claims as the rule reads them, stored in metric and year order)
    answers every filter of a ranking with the same rows, values and types as the claims
    joined to their articles: the rule cannot tell which it was handed."""
    fetched = 0
    for f in _fetched_filters(ro):
        read = {
            copy: _by_claim(
                ranking.ranking_claims(
                    ro, f, statuses=RANKABLE_STATUSES, rule_columns=True, stored_copy=copy
                )
            )
            for copy in (False, True)
        }
        pd.testing.assert_frame_equal(read[True], read[False], check_exact=True, obj=str(f))
        fetched += len(read[True])
    assert fetched > 200


def test_the_stored_copy_gives_a_comparison_the_rows_the_claims_give(
    ro: duckdb.DuckDBPyConnection,
) -> None:
    keys = ranking.sql.column(
        ro, "SELECT region_key FROM region_claims ORDER BY claims DESC, region_key LIMIT 8"
    )
    years = overview.options(ro, CATEGORISED_METRICS).years
    for f in (
        flt(regions=keys),
        flt(regions=keys[:2], years=tuple(years[-2:])),
        flt(regions=keys, years=tuple(years[-2:]), scope=registry.SCOPE_SINGLE),
        flt(regions=(*keys[:3], "甘肃省/陇东市"), scope=registry.SCOPE_SPAN),
    ):
        read = {
            copy: _by_claim(
                ranking.region_claims(
                    ro, f, metrics=RANKED_METRICS, rule_columns=True, stored_copy=copy
                )
            )
            for copy in (False, True)
        }
        assert len(read[False]) > 0, f
        pd.testing.assert_frame_equal(read[True], read[False], check_exact=True, obj=str(f))


@pytest.mark.parametrize("copy", [False, True], ids=["claims", "stored copy"])
def test_one_read_of_a_comparison_in_two_scopes_is_each_scope_s_read_together(
    ro: duckdb.DuckDBPyConnection, copy: bool
) -> None:
    """Honours are compared in 全部 and the other metrics in the 口径 chosen; one read
    gives each metric the claims its own 口径 would, and nothing else."""
    keys = ranking.sql.column(
        ro, "SELECT region_key FROM region_claims ORDER BY claims DESC, region_key LIMIT 8"
    )
    years = tuple(overview.options(ro, CATEGORISED_METRICS).years[-2:])
    honours = tuple(m for m in RANKED_METRICS if m.startswith("honour"))
    additive = tuple(m for m in RANKED_METRICS if m not in honours)
    for scope in (registry.SCOPE_SINGLE, registry.SCOPE_SPAN):
        groups = [
            (flt(regions=keys, years=years, scope=registry.SCOPE_ALL), honours),
            (flt(regions=keys, years=years, scope=scope), additive),
        ]
        together = _by_claim(ranking.compared_claims(ro, groups, stored_copy=copy))
        apart = _by_claim(
            pd.concat(
                [
                    ranking.region_claims(
                        ro, g, metrics=metrics, rule_columns=True, stored_copy=copy
                    )
                    for g, metrics in groups
                ],
                ignore_index=True,
            )
        )
        assert len(together) > 0
        # Alone, the honours' category (never stated) is a column of None (object); read
        # with the funds' categories it is text with its missing values: the same values.
        pd.testing.assert_frame_equal(
            together, apart, check_exact=True, check_dtype=False, obj=scope
        )
        # and the rule makes of each metric what its own 口径's read gives it
        found, _ = rule.compared(together, [*honours, *additive])
        alone = [rule.compared(_by_claim(apart[apart["metric"].isin(m)]), m)[0] for _, m in groups]
        expected = pd.concat([t for t in alone if t is not None], ignore_index=True)
        assert found is not None
        assert _records(_by_key(found)) == _records(_by_key(expected))


def test_the_stored_copy_holds_every_trusted_claim_once_in_metric_and_year_order(
    ro: duckdb.DuckDBPyConnection,
) -> None:
    trusted = ro.execute(
        "SELECT count(*) FROM claims WHERE suspect IS NOT TRUE AND isfinite(value)"
    ).fetchone()
    copied = ro.execute("SELECT count(*), count(DISTINCT claim_id) FROM rule_claims").fetchone()
    assert copied == (trusted[0], trusted[0])
    stored_order = [
        (r[0], math.inf if r[1] is None else r[1])  # NULLS LAST, DuckDB's default
        for r in ro.execute("SELECT metric, covers_end FROM rule_claims").fetchall()
    ]
    assert stored_order == sorted(stored_order)  # what lets a read skip row groups


def test_a_document_write_marks_the_stored_values_stale(tmp_path: Path) -> None:
    """Writing a document through ingest's own path (etl.loading → db.write) makes the
    stored values untrusted until the rebuild; the pages then count from the claims."""
    from etl.gazetteer import Gazetteer
    from etl.loading import IdCounter, write_document
    from etl.pipeline import process
    from etl.reading import read_document

    path = build_sample_db(tmp_path / "stale.duckdb")
    new = tmp_path / "901_再次报送.txt"  # a file ingest has not seen
    new.write_text(SPECIAL, encoding="utf-8")
    result = process(read_document(new), Gazetteer.load())
    assert result.claims  # the new document does change the claims
    with duckdb.connect(str(path)) as con:
        assert overview.rankings_version(con) == stored.RULE_VERSION
        before = overview.claims_per_metric(con)
        write_document(con, result, new, IdCounter(con), replace=False)
        assert overview.rankings_version(con) is None
        live = overview.claims_per_metric(con)  # counted from the claims
        assert int(live["claims"].sum()) == int(before["claims"].sum()) + len(result.claims)
        assert [tuple(r) for r in live.itertuples(index=False)] == _summary_from_claims(con)
        write.rebuild_derived(con)
        assert overview.rankings_version(con) == stored.RULE_VERSION
        pd.testing.assert_frame_equal(overview.claims_per_metric(con), live)


# --------------------------------------------------------------------------- 数据冲突

# Reports of our own beside the sample corpus, which restates no figure with another value:
# 焦作's 2023 figure, reprinted unchanged (重复报道), then corrected twice by later notices;
# the first notice's figure is itself superseded by the second's.
CORRECTED = {
    "焦作年报.txt": "焦作市2023年双拥工作总结\n2024年1月15日\n"
    "2023年，全市投入双拥资金600万元，走访慰问驻地官兵。\n市里召开双拥工作会议，部署下一步任务。\n",
    "焦作转载.txt": "焦作市双拥工作简讯\n2024年2月2日\n"
    "2023年，全市投入双拥资金600万元，走访慰问驻地官兵。\n市里召开双拥工作会议，部署下一步任务。\n",
    "焦作更正.txt": "焦作市双拥工作情况更正\n2024年3月8日\n"
    "2023年，全市投入双拥资金650万元，走访慰问驻地官兵。\n市里召开双拥工作会议，部署下一步任务。\n",
    "焦作再更正.txt": "焦作市双拥工作情况再次更正\n2024年5月20日\n"
    "2023年，全市投入双拥资金640万元，走访慰问驻地官兵。\n市里召开双拥工作会议，部署下一步任务。\n",
}


@pytest.fixture(scope="module")
def conflicted(
    ranked_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The generated database, or the sample corpus with :data:`CORRECTED` added."""
    path = ranked_db
    if ranked_db.stem == "sample":
        from etl.ingest import run_ingest

        folder = sample_files(tmp_path_factory.mktemp("corrected") / "in")
        for name, text in CORRECTED.items():
            (folder / name).write_text(text, encoding="utf-8")
        path = folder.parent / "corrected.duckdb"
        err = io.StringIO()
        assert run_ingest([folder], path, err, progress=False) == 0, err.getvalue()
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


def _bars_with_conflicts(con: duckdb.DuckDBPyConnection) -> list[tuple[int, ...]]:
    """The superseded claims of each stored bar (metric, category, year, 口径, region) that
    has some: what a click on a marked bar asks both quotes of."""
    rows = con.execute(
        "SELECT list(claim_id ORDER BY claim_id) FROM claim_roles WHERE role = ?"
        " GROUP BY metric, category, year, scope, region_key ORDER BY ALL",
        [registry.CONFLICT],
    ).fetchall()
    return [tuple(int(i) for i in r[0]) for r in rows]


def test_both_databases_have_conflicts_to_compare(conflicted: duckdb.DuckDBPyConnection) -> None:
    """So that the tests below compare something."""
    assert _bars_with_conflicts(conflicted)
    assert int(conflicted.execute("SELECT count(*) FROM conflict_pairs").fetchall()[0][0]) >= 3


def test_every_bars_stored_conflicts_equal_the_ones_from_the_claims(
    conflicted: duckdb.DuckDBPyConnection,
) -> None:
    bars = _bars_with_conflicts(conflicted)
    for ids in bars:
        kept = ranking.stored_conflicts(conflicted, ids)
        pd.testing.assert_frame_equal(kept, ranking.conflicts(conflicted, ids), obj=str(ids))
        assert set(kept["dropped_claim_id"]) == set(ids), ids  # every one has its pair
    every = sorted({i for ids in bars for i in ids})
    pd.testing.assert_frame_equal(
        ranking.stored_conflicts(conflicted, every), ranking.conflicts(conflicted, every)
    )


def _published(day: Any, year: Any) -> pd.Timestamp | None:
    if day is not None:
        return pd.Timestamp(day)
    return None if year is None else pd.Timestamp(int(year), 1, 1)


def _pairs_in_words(con: duckdb.DuckDBPyConnection, dropped: set[int]) -> set[tuple[int, int]]:
    """(superseded, later) claim id pairs, from the raw rows in plain Python: a claim of the
    same metric, category, stated period and region (its code, else province/name, else
    name), not 可疑, with another value, published later (its article's date, else 1
    January of its year)."""
    rows = con.execute(
        "SELECT c.claim_id, c.metric, c.category, c.period_start, c.period_end, c.region_code,"
        " c.province, c.region, c.value, c.suspect, a.date, a.year"
        " FROM claims c JOIN articles a ON a.article_id = c.article_id"
    ).fetchall()
    by_figure: dict[tuple[Any, ...], list[tuple[int, float, Any, bool]]] = {}
    for cid, metric, category, start, end, code, province, region, value, suspect, d, y in rows:
        if start is None or end is None:
            continue
        place = code or (f"{province}/{region}" if province and region else region)
        figure = (metric, category, start, end, place)
        by_figure.setdefault(figure, []).append((cid, value, _published(d, y), bool(suspect)))
    pairs = set()
    for claims in by_figure.values():
        for cid, value, published, _ in claims:
            if cid not in dropped or published is None:
                continue
            for other, other_value, other_published, suspect in claims:
                later = other_published is not None and other_published > published
                if later and other_value != value and not suspect and other != cid:
                    pairs.add((cid, other))
    return pairs


def test_the_stored_pairs_are_the_conflict_rule_in_words(
    conflicted: duckdb.DuckDBPyConnection,
) -> None:
    stored_ = conflicted.execute(
        "SELECT dropped_claim_id, kept_claim_id FROM conflict_pairs"
    ).fetchall()
    dropped = {i for ids in _bars_with_conflicts(conflicted) for i in ids}
    assert {(int(a), int(b)) for a, b in stored_} == _pairs_in_words(conflicted, dropped)
    assert len(stored_) == len(set(stored_))


class _Source:
    """The service's Source on one connection; ``current`` says whether it reports the
    stored values as current (a stale database when not)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, current: bool) -> None:
        self.con, self.current = con, current

    def run(self, fn: Any, *args: Any, **kw: Any) -> Any:
        return fn(self.con, *args, **kw)

    def rule_version(self) -> int | None:
        return stored.RULE_VERSION if self.current else None


def test_the_page_reads_the_stored_pairs_and_the_claims_when_they_cannot_answer(
    conflicted: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Current stored values: a bar's pairs come from ``conflict_pairs`` (the claims are not
    scanned); stale ones, or a claim superseded only in a scope formed on the fly (no
    stored pair: here a claim with a later, different figure that no stored scope marks),
    from the claims — the same rows either way."""
    from dashboard_lib import service

    ids = _bars_with_conflicts(conflicted)[0]
    expected = ranking.conflicts(conflicted, ids)
    pd.testing.assert_frame_equal(
        service.conflicts(_Source(conflicted, current=False), ids), expected
    )
    marked = {i for bar in _bars_with_conflicts(conflicted) for i in bar}
    unmarked = [
        int(r[0])
        for r in conflicted.execute("SELECT claim_id FROM claims ORDER BY claim_id").fetchall()
        if int(r[0]) not in marked
    ]
    restated = int(ranking.conflicts(conflicted, unmarked)["dropped_claim_id"].iloc[0])
    computed = ranking.conflicts(conflicted, [*ids, restated])
    current = _Source(conflicted, current=True)
    pd.testing.assert_frame_equal(service.conflicts(current, [*ids, restated]), computed)
    monkeypatch.setattr(ranking, "conflicts", None)  # the stored pairs alone now
    pd.testing.assert_frame_equal(service.conflicts(current, ids), expected)

"""The dashboard's server-side cost per user interaction, on 1,000,000 or 10,000,000
synthetic claims, each beside its floor.

Not a test: the target (under 100 ms of server time per interaction) is checked here and
the figures written into bench/README.md. The database is generated, never committed: a
real corpus of that size does not exist yet, and the dashboard must stay usable when it
does. Generation is DuckDB SQL (``INSERT … SELECT … FROM range(n)`` with hashed
pseudo-random columns), so the same arguments always give the same database.

Each interaction is timed beside its floor (``db.floors``: the simplest DuckDB aggregate
over the same rows), the two taken in turn in every repetition, so that both see the same
load on this shared machine and their ratio compares the code, not the moment.

    python bench/bench_queries.py [--claims 1000000] [--repeats 30] [--no-write]
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import logging
import os
import platform
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.results_block import write_block  # noqa: E402
from dashboard_lib import process  # noqa: E402
from db import floors, synthetic  # noqa: E402
from db.connection import connect_readonly  # noqa: E402
from db.filters import Filters  # noqa: E402
from db.location import ENV_VAR  # noqa: E402
from etl.gazetteer import Gazetteer  # noqa: E402
from etl.reading import read_document  # noqa: E402

CORPUS = ROOT / "corpus"

# ----------------------------------------------------------------------- generation


def filler_sentences() -> list[str]:
    """Sentences of the sample corpus that state no number: the prose between claims.

    Articles built from them have the length and the characters of real reports, which is
    what matters to string scans (ILIKE) and to fetching article text for evidence.
    """
    out: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = read_document(path).clean
        for sentence in re.split(r"[。！？；\n]+", text):
            sentence = sentence.strip(" \t，、：")
            if 12 <= len(sentence) <= 120 and not re.search(r"[0-9０-９]", sentence):
                out.append(sentence)
    return sorted(set(out))


CLAIMS_PER_ARTICLE = 25
ARTICLES_PER_DOCUMENT = 20


def generate(
    path: Path,
    *,
    claims: int = 1_000_000,
    articles: int | None = None,
    documents: int | None = None,
) -> None:
    """The synthetic database (``db.synthetic``) with the sample corpus's prose and the
    gazetteer's regions; articles and documents grow with the claims (25 claims an
    article, 20 articles a document: 40,000 and 2,000 for a million claims), so that an
    article stays the length of a real one."""
    articles = articles or max(1, claims // CLAIMS_PER_ARTICLE)
    synthetic.generate(
        path,
        fillers=filler_sentences(),
        regions=Gazetteer.load().rows(),
        claims=claims,
        articles=articles,
        documents=documents or max(1, articles // ARTICLES_PER_DOCUMENT),
    )


# ----------------------------------------------------------------------- interactions

PROVINCE = "河南省"  # a province with a typical share of the data (about 4 % of the claims)
YEAR = 2023
SEARCH = "慰问"  # a verb of many fund quotes: 慰问金, 慰问驻地部队
NATIONWIDE = "全国"
# The 排名 grid's columns: (heading, provinces, years, 口径). 单一年度 and 多年累计 with no
# year open on their defaults (the latest year; the start year most regions report).
GRID = (
    (f"全部 {NATIONWIDE}", (), (), "all"),
    (f"全部 {PROVINCE}", (PROVINCE,), (), "all"),
    (f"全部 {YEAR}", (), (YEAR,), "all"),
    ("单一年度 latest", (), (), "single"),
    (f"单一年度 {YEAR}", (), (YEAR,), "single"),
    ("多年累计 default start", (), (), "span"),
)
TARGET_MS = 100.0
# A click on a bar marked 数据冲突 is timed on this many such bars, one per repetition.
CONFLICT_BARS = 20


@dataclass(frozen=True)
class Case:
    """One user interaction: what the page computes on the server when the user does it.

    ``run`` does what the page's script does between two renders, minus Streamlit's own
    widget and element calls: the cached ``dashboard_lib.data`` functions (through their
    cache, which pickles what it stores and unpickles what it hands back), then the page's
    tables, captions and Plotly figure. ``misses`` are the cached functions this
    interaction computes afresh (a new filter combination); everything else the page reads
    is a cache hit, as it is on a real rerun.
    """

    page: str
    name: str
    run: Callable[[], Any]
    size: Callable[[Any], int]
    misses: tuple[Any, ...]
    floor: Callable[[], Any]  # the simplest aggregate over the same rows (db.floors)
    repeats: int | None = None


@dataclass(frozen=True)
class Timing:
    """Milliseconds of wall-clock time over the repetitions (after the warm-up), of the
    interaction and of its floor; the 1-minute load average when it was measured."""

    case: Case
    p50: float
    p95: float
    size: int
    floor_p50: float
    floor_p95: float
    load: float

    @property
    def ratio(self) -> float:
        """p95 over the floor's p95: below 1 where stored values beat the claims."""
        return self.p95 / self.floor_p95 if self.floor_p95 > 0 else float("inf")


def _percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def measure(case: Case, repeats: int, warmup: int = 2) -> Timing:
    """Warm up, then time ``case.run`` ``repeats`` times, each a cache miss where it should
    be, and its floor as often: the two in turn, the first of them alternating, so that a
    burst of load on the machine falls on both alike."""
    times: list[float] = []
    floor_times: list[float] = []
    size = 0
    n = case.repeats or repeats
    gc.collect()  # garbage of earlier cases (or of generating the database) is not this one's
    for i in range(warmup + n):
        for cached in case.misses:
            cached.clear()
        if i % 2:
            floor_ms, _ = _timed(case.floor)
            elapsed, result = _timed(case.run)
        else:
            elapsed, result = _timed(case.run)
            floor_ms, _ = _timed(case.floor)
        size = case.size(result)
        if i >= warmup:
            times.append(elapsed)
            floor_times.append(floor_ms)
    return Timing(
        case=case,
        p50=_percentile(times, 50),
        p95=_percentile(times, 95),
        size=size,
        floor_p50=_percentile(floor_times, 50),
        floor_p95=_percentile(floor_times, 95),
        load=os.getloadavg()[0],
    )


def _quiet_streamlit() -> None:
    """Outside ``streamlit run`` every cached call warns "No runtime found"; the cache still
    works (in memory, pickled, as on the server), so the warning is noise here."""
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


def cases(db_file: Path) -> list[Case]:
    """Every timed interaction, on the database at ``db_file``."""
    os.environ[ENV_VAR] = str(db_file)
    import streamlit  # noqa: F401  (creates the loggers _quiet_streamlit turns down)

    _quiet_streamlit()
    from dashboard_lib import (
        captions,
        charts,
        conflict_cards,
        data,
        evidence,
        tables,
        trend_chart,
        widgets,
    )
    from valuation.registry import (
        CONFLICT,
        EVIDENCE_ROLES,
        RANKABLE_STATUSES,
        RANKED_METRICS,
        SCOPE_ALL,
        SCOPE_LABELS,
        SCOPE_SINGLE,
        SCOPE_SPAN,
        TIERS,
        scopes_for,
    )

    key = data.require_database()
    raw = connect_readonly(db_file)  # the floors' connection: the same database instance
    statuses = RANKABLE_STATUSES

    def overview() -> Any:
        db = data.require_database()
        ov = data.overview(db)
        captions.freshness(ov.totals.last_ingested)
        tables.metric_counts(ov.per_metric)
        tables.documents_table(ov.documents)
        tables.unplaced_table(ov.unplaced)
        data.options(db)
        return ov

    def ranking_page(f: Filters) -> Any:
        db = data.require_database()
        data.options(db)
        f = data.ranking_filters(db, f)  # the 口径 made definite, as the page does
        result = data.ranking(db, f)
        table = result.table
        sources = partial(data.ranking_sources, db, f)
        if table.empty:
            return result, table, None, sources
        bars = min(len(table), widgets.DEFAULT_BARS)  # what widgets.bar_count starts with
        meta = captions.ranking_meta(f, sources, shown=bars, total=len(table))
        fig = charts.ranking_figure(table, meta.title, meta.subtitle, limit=bars)
        charts.camera_config(meta, fig)
        tables.ranking_table(table).head(bars)  # the table; the chart's CSV is made on click
        labels_ = charts.unique_labels(table["region"], table["province"])
        dict(zip(table["region_key"], labels_, strict=True))
        return result, table, meta, sources

    def ranked_claims(state: Any) -> int:
        """The claims behind the ranking (not timed: only an export reads them)."""
        return int(state[3]()["placed"].sum())

    def evidence_cards(db: Any, roles: pd.DataFrame) -> int:
        """What ``evidence.show`` computes: the roles in order, the first page of cards in
        the value and of those left out (their claims and article texts in one query,
        then the HTML)."""
        ordered = evidence._ordered(roles)
        evidence.role_summary(roles)
        used = ordered["role"].isin(EVIDENCE_ROLES)
        shown = pd.concat([evidence._page(ordered[used], 1), evidence._page(ordered[~used], 1)])
        rows = data.evidence(db, tuple(int(i) for i in shown["claim_id"]))
        cards = tables.evidence_roles(rows, shown)
        evidence.cards_html(cards[cards["role"].isin(EVIDENCE_ROLES)])
        evidence.cards_html(cards[~cards["role"].isin(EVIDENCE_ROLES)])
        return len(roles)

    def clicked(f: Filters, rank: str) -> str:
        """The region of the top or the middle bar."""
        keys = list(data.ranking(key, f).table["region_key"])
        return str(keys[0] if rank == "top" else keys[len(keys) // 2])

    def click(f: Filters, rank: str) -> Any:
        ranking_page(f)
        target = clicked(f, rank)
        db = data.require_database()
        f = data.ranking_filters(db, f)  # the page's definite filters (a cache hit)
        roles = data.ranking_roles(db, f, target)
        return evidence_cards(db, roles)

    regions = data.regions(key).sort_values("claims", ascending=False, kind="stable")
    prefectures = regions[regions["tier"] == "prefecture"]["region_key"].tolist()
    two = tuple(prefectures[:2])
    eight = tuple(
        prefectures[:5]
        + regions[regions["tier"] == "county"]["region_key"].head(1).tolist()
        + regions[regions["tier"] == "province"]["region_key"].head(1).tolist()
        + regions[~regions["region_key"].str.fullmatch(r"\d{6}")]["region_key"].head(1).tolist()
    )  # five cities, a county, a province and a name that is no real place (not_found)

    def compare(chosen: tuple[str, ...], years: tuple[int, ...] = (), scope: str = "") -> Any:
        db = data.require_database()
        regions_ = data.regions(db)
        data.options(db)
        for _ in range(2):  # 本地区 and the regions compared: two pickers of every region
            widgets.region_labels(regions_)
        f = data.comparison_filters(db, Filters(regions=chosen, years=years, scope=scope))
        long = data.comparison(db, f)
        names = list(dict.fromkeys(long["region"].astype(str)))
        sources = partial(data.comparison_sources, db, f)
        meta = captions.compare_meta(f, names, sources)
        fig = charts.comparison_figure(long, list(RANKED_METRICS), meta.title, meta.subtitle)
        charts.camera_config(meta, fig)
        tables.comparison_table(long, list(RANKED_METRICS))
        return long, meta

    def compared_claims(state: Any) -> int:
        return int(state[0]["n_claims"].fillna(0).sum())

    def trend_page(chosen: tuple[str, ...]) -> Any:
        """What the 趋势 page computes per rerun: its single-year claims, the rule per
        region and year, the figure and the table (the chart's CSV is made on click)."""
        db = data.require_database()
        regions_ = data.regions(db)
        data.options(db)
        for _ in range(2):  # 本地区 and the regions drawn: two pickers of every region
            widgets.region_labels(regions_)
        f = Filters(metric="funds", trend_regions=chosen)
        result = data.trend(db, f)
        names = list(dict.fromkeys(result.points["region"].astype(str)))
        meta = captions.trend_meta(f, names, partial(data.trend_sources, db, f))
        fig = trend_chart.trend_figure(result.points, meta.title, meta.subtitle)
        charts.camera_config(meta, fig)
        tables.trend_table(result.points)
        return result, f

    def trend_claims(state: Any) -> int:
        return int(state[0].points["n_claims"].fillna(0).sum())

    def trend_click(chosen: tuple[str, ...]) -> Any:
        result, f = trend_page(chosen)
        reported = result.points[result.points["reported"]]
        point = (str(reported["region_key"].iloc[0]), int(reported["figure_year"].iloc[0]))
        db = data.require_database()
        return evidence_cards(db, data.trend_roles(db, f, point))

    # The bars a 数据冲突 click is timed on: funds · prefecture · 单一年度 at its latest year.
    conflict_scope = Filters(metric="funds", tier="prefecture", scope=SCOPE_SINGLE)
    marked = ranking_page(conflict_scope)[1]
    conflicting = marked[marked["conflicts"] > 0]["region_key"].head(CONFLICT_BARS).tolist()
    clicks_made = [0]  # which of them the next repetition clicks

    def conflict_click(f: Filters) -> int:
        """A click on a bar marked 数据冲突: what ``evidence.show`` computes, its cards,
        then both quotes of each conflict side by side (``evidence.show_conflicts``)."""
        ranking_page(f)
        db = data.require_database()
        f = data.ranking_filters(db, f)  # the page's definite filters (a cache hit)
        clicks_made[0] += 1
        target = str(conflicting[clicks_made[0] % len(conflicting)])
        roles = data.ranking_roles(db, f, target)
        evidence_cards(db, roles)
        dropped = roles[roles["role"] == CONFLICT]["claim_id"]
        pairs = data.conflicts(db, tuple(int(i) for i in dropped))
        conflict_cards.conflict_html(pairs)
        return len(pairs)

    def conflict_floor() -> Any:
        """The claims of the bar the last repetition clicked (each repetition clicks the
        next of the first ``CONFLICT_BARS`` conflicting bars)."""
        target = str(conflicting[clicks_made[0] % len(conflicting)])
        return floors.region(raw, conflict_scope, target, statuses=statuses)

    def claims_page(f: Filters, page: int = 1) -> Any:
        """What the 明细 page computes per rerun: the count and one page, formatted. The
        CSV and Excel files are built only when their button is clicked, so not here."""
        db = data.require_database()
        data.options(db)
        total = data.claim_count(db, f)
        if total == 0:
            return total, pd.DataFrame()
        size = data.PAGE_SIZE
        captions.claims_count(total, page, size)
        rows = data.claims_page(db, f, page, size)
        tables.claims_table(rows)
        return total, rows

    def matching(state: Any) -> int:
        return int(state[0])

    def claims_row(f: Filters) -> Any:
        state = claims_page(f)
        claim = state[1].iloc[0]
        cards = data.evidence(data.require_database(), (int(claim["claim_id"]),))
        evidence.cards_html(cards)
        return state

    every = data.claim_count(key, Filters().of("claims"))
    middle = max(1, -(-every // data.PAGE_SIZE) // 2)  # the middle page of the unfiltered table

    def first_claim(f: Filters) -> int:
        return int(data.claims_page(key, f, 1, data.PAGE_SIZE).iloc[0]["claim_id"])

    def page_floor(f: Filters, page: int = 1, count: bool = True) -> Any:
        offset = (page - 1) * data.PAGE_SIZE
        return floors.claims_page(raw, f, limit=data.PAGE_SIZE, offset=offset, count=count)

    out = [
        Case("总览", "load (totals, per metric, documents, unplaced, options)", overview,
             lambda ov: len(ov.documents), (data.overview, data.options),
             partial(floors.overview, raw)),
    ]  # fmt: skip
    ranking_misses = (data.ranking_filters, data.ranking, data._computed_ranking)
    for metric in RANKED_METRICS:
        for tier in TIERS:
            for column, provinces, years, scope in GRID:
                if scope not in scopes_for(metric):
                    continue
                f = Filters(metric=metric, tier=tier, provinces=provinces, years=years, scope=scope)
                out.append(
                    Case(
                        "排名",
                        f"{metric} · {tier} · {column}",
                        partial(ranking_page, f),
                        ranked_claims,
                        ranking_misses,
                        partial(floors.ranking, raw, f, statuses=statuses),
                    )
                )
    funds = Filters(metric="funds", tier="prefecture", scope=SCOPE_ALL)
    two_years = (YEAR - 1, YEAR)
    several = dataclasses.replace(funds, years=two_years)
    out.append(
        Case("排名", f"funds · prefecture · {YEAR - 1}–{YEAR} (several years: rule on the claims)",
             partial(ranking_page, several), ranked_claims, ranking_misses,
             partial(floors.ranking, raw, several, statuses=statuses))
    )  # fmt: skip
    single_years = dataclasses.replace(funds, scope=SCOPE_SINGLE, years=two_years)
    out.append(
        Case("排名", f"funds · prefecture · 单一年度 {YEAR - 1}–{YEAR} (rule on the claims)",
             partial(ranking_page, single_years), ranked_claims, ranking_misses,
             partial(floors.ranking, raw, single_years, statuses=statuses))
    )  # fmt: skip
    span_end = dataclasses.replace(funds, scope=SCOPE_SPAN, years=(YEAR,))
    out.append(
        Case("排名", f"funds · prefecture · 多年累计 ending {YEAR} (rule on the claims)",
             partial(ranking_page, span_end), ranked_claims, ranking_misses,
             partial(floors.ranking, raw, span_end, statuses=statuses))
    )  # fmt: skip
    for rank in ("top", "median"):
        out.append(
            Case("排名", f"click: evidence of the {rank} bar (funds · prefecture · nationwide)",
                 partial(click, funds, rank), int, (data.ranking_roles, data.evidence),
                 partial(floors.region, raw, funds, clicked(funds, rank), statuses=statuses))
        )  # fmt: skip
    single = dataclasses.replace(funds, scope=SCOPE_SINGLE)
    out.append(
        Case("排名", "click: evidence of the top bar (funds · prefecture · 单一年度 latest)",
             partial(click, single, "top"), int, (data.ranking_roles, data.evidence),
             partial(floors.region, raw, single, clicked(single, "top"), statuses=statuses))
    )  # fmt: skip
    out.append(
        Case("排名", "click on a 数据冲突 bar: its evidence and both quotes of each conflict"
             f" (funds · prefecture · 单一年度 latest, {CONFLICT_BARS} such bars in turn)",
             partial(conflict_click, conflict_scope), int,
             (data.ranking_roles, data.evidence, data.conflicts), conflict_floor)
    )  # fmt: skip
    comparison_misses = (data.comparison_filters, data.comparison, data._computed_comparison)
    compared_sets: tuple[tuple[str, tuple[str, ...], tuple[int, ...], str], ...] = (
        ("2 regions", two, (), SCOPE_ALL),
        ("8 regions", eight, (), SCOPE_ALL),
        (f"8 regions · {YEAR}", eight, (YEAR,), SCOPE_ALL),
        (f"8 regions · {SCOPE_LABELS[SCOPE_SPAN]}", eight, (), SCOPE_SPAN),
        (
            f"8 regions · {YEAR - 1}–{YEAR} (several years: rule on the claims)",
            eight,
            two_years,
            SCOPE_ALL,
        ),
        (  # the page's default 口径: honours in 全部, the other metrics in 单一年度
            f"8 regions · 单一年度 {YEAR - 1}–{YEAR} (rule on the claims)",
            eight,
            two_years,
            SCOPE_SINGLE,
        ),
    )
    for label, chosen, span, scope in compared_sets:
        compared = Filters(regions=chosen, years=span, scope=scope)
        out.append(
            Case("对比", label, partial(compare, chosen, span, scope), compared_claims,
                 comparison_misses,
                 partial(floors.comparison, raw, compared, metrics=RANKED_METRICS))
        )  # fmt: skip
    # A trend's floor: the same regions' single-year funds claims summed per region.
    for label, chosen in (("funds · 2 regions", two), ("funds · 8 regions", eight)):
        trend_rows = Filters(regions=chosen, scope=SCOPE_SINGLE)
        out.append(
            Case("趋势", label, partial(trend_page, chosen), trend_claims, (data.trend,),
                 partial(floors.comparison, raw, trend_rows, metrics=("funds",)))
        )  # fmt: skip
    out.append(
        Case("趋势", "click: evidence of a point (funds · 8 regions)", partial(trend_click, eight),
             int, (data.evidence,),
             partial(floors.comparison, raw, Filters(regions=eight, scope=SCOPE_SINGLE),
                     metrics=("funds",)))
    )  # fmt: skip
    filtered = Filters(search=SEARCH, metrics=("funds",), provinces=(PROVINCE,), years=(YEAR,))
    searched = Filters(search=SEARCH, years=(YEAR,))
    out += [
        Case("明细", f"search “{SEARCH}” · funds · {PROVINCE} · {YEAR}",
             lambda: claims_page(filtered), matching, (data.claim_count, data.claims_page),
             partial(page_floor, filtered)),
        Case("明细", f"search “{SEARCH}” · {YEAR}", lambda: claims_page(searched), matching,
             (data.claim_count, data.claims_page), partial(page_floor, searched)),
        Case("明细", f"select a row (search “{SEARCH}” · funds · {PROVINCE} · {YEAR})",
             lambda: claims_row(filtered), matching, (data.evidence,),
             partial(floors.claim, raw, first_claim(filtered))),
        Case("明细", "no filter (count and first page of every claim)",
             lambda: claims_page(Filters()), matching,
             (data.claim_count, data.claims_page), partial(page_floor, Filters())),
        Case("明细", f"no filter: go to page {middle:,} (count cached)",
             lambda: claims_page(Filters(), middle), matching, (data.claims_page,),
             partial(page_floor, Filters(), middle, count=False)),
    ]  # fmt: skip
    return out


def block_name(claims: int) -> str:
    """The README block a run of this size writes: ``queries`` for a million claims (the
    first size measured), ``queries-10m`` for ten million."""
    if claims == 1_000_000:
        return "queries"
    return f"queries-{claims / 1e6:g}m" if claims % 100_000 == 0 else f"queries-{claims}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--db", type=Path, help="reuse (or first create) this database file")
    parser.add_argument("--only", default="", help="time only interactions naming this")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--default-process",
        action="store_true",
        help="leave the allocator and the garbage collector as Python starts them (what"
        " dashboard.py's settings of its process save); print only",
    )
    args = parser.parse_args()
    tuned = not args.default_process
    args.no_write = args.no_write or not tuned
    if tuned:
        process.keep_freed_memory()  # as dashboard.py sets the dashboard's process

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.duckdb"
        generated_s = None
        if not path.exists():
            start = time.perf_counter()
            generate(path, claims=args.claims)
            generated_s = time.perf_counter() - start
            print(f"generated {path} in {generated_s:.1f} s", flush=True)
        counts = synthetic.counts(path)
        size_mb = path.stat().st_size / 2**20
        timings = []
        every_case = cases(path)  # the dashboard's modules loaded, as after its first page
        if tuned:
            process.freeze_loaded_objects()
        for case in every_case:
            if args.only not in f"{case.page} {case.name}":
                continue
            timing = measure(case, args.repeats)
            timings.append(timing)
            print(f"{case.page} {case.name:60s} p50 {timing.p50:8.1f}  p95 {timing.p95:8.1f}"
                  f"  floor {timing.floor_p95:8.1f}  n {timing.size:>9,}"
                  f"  load {timing.load:.1f}", flush=True)  # fmt: skip
    report = _report(timings, counts, size_mb, generated_s, args.repeats)
    print(report)
    if not args.no_write and not args.only:
        write_block(block_name(counts["claims"]), report)


def _mark(ms: float) -> str:
    return "" if ms < TARGET_MS else " ✗"


def _name(case: Case) -> str:
    reps = f" ({case.repeats} repetitions)" if case.repeats else ""
    return f"{case.name}{reps}"


def _report(timings: list[Timing], counts: dict[str, int], size_mb: float,
            generated_s: float | None, repeats: int) -> str:  # fmt: skip
    """The results block of bench/README.md: every interaction beside its floor."""
    import pandas
    import streamlit

    made = f", generated in {generated_s:.0f} s" if generated_s is not None else ""
    over = [t for t in timings if t.p95 >= TARGET_MS]
    floored = [t for t in over if t.floor_p95 >= TARGET_MS]
    loads = [t.load for t in timings] or [0.0]
    ratios = sorted(t.ratio for t in timings) or [0.0]
    lines = [
        f"Measured {date.today().isoformat()} on {platform.machine()}, "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
        f"pandas {pandas.__version__}, Streamlit {streamlit.__version__}, "
        f"{os.cpu_count() or 1} cores (shared, noisy machine: 1-minute load average "
        f"{min(loads):.1f}–{max(loads):.1f} during the run).",
        f"Database: {counts['claims']:,} claims, {counts['articles']:,} articles, "
        f"{counts['documents']:,} documents, {counts['regions']:,} regions "
        f"({size_mb:,.0f} MiB{made}).",
        f"Wall-clock milliseconds of {repeats} repetitions after 2 warm-ups (fewer where "
        "noted), each interaction and its floor (`db/floors.py`: the simplest DuckDB "
        "aggregate over the same rows) taken in turn. "
        f"{len(timings) - len(over)} of {len(timings)} interactions have p95 under "
        f"{TARGET_MS:.0f} ms; ✗ marks the others ({len(floored)} of them with a floor "
        f"over {TARGET_MS:.0f} ms too). Median p95 ÷ floor p95: "
        f"{ratios[len(ratios) // 2]:.2f}.",
        "",
        "| page | interaction | rows | p50 ms | p95 ms | floor p95 ms | p95 ÷ floor |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for t in timings:
        lines.append(
            f"| {t.case.page} | {_name(t.case)} | {t.size:,} | {t.p50:,.0f} | "
            f"{t.p95:,.0f}{_mark(t.p95)} | {t.floor_p95:,.0f}{_mark(t.floor_p95)} | "
            f"{t.ratio:.2f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()

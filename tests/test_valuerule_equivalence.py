"""The vectorised value rule against its readable statement, on random frames.

``valuation.kernel`` (behind ``valuation.rule.rank``) applies the rule to all regions at
once with numpy segment reductions, because a ranking of a million-claim database would
take minutes region by region. ``valuation.reference`` states the same rule region by
region in plain Python, sharing none of the kernel's helpers: it is the oracle here.
Frames mix regions, articles shared between regions, repeated and fractional values,
ties, nested and overlapping periods, rates, parts, missing and empty categories and
unplaceable regions; both must return identical tables (values, dtypes, order) and
identical roles. Hypothesis draws the frames (and shrinks a failure to a small one);
seeded numpy frames add larger ones.

40 random frames keep the test fast; after changing the rule, check many more (3,000
frames, five metrics each, passed when the vectorised version replaced the loops):

    SHUANGYONG_EQUIVALENCE_FRAMES=3000 pytest tests/test_valuerule_equivalence.py
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valuation import reference
from valuation import rule as vr
from valuation.outcome import Ranking
from valuation.registry import RANKED_METRICS

FRAMES = int(os.environ.get("SHUANGYONG_EQUIVALENCE_FRAMES", "40"))


PLACES = [
    ("620700", "张掖市", "甘肃省", "prefecture", "resolved"),
    ("410300", "洛阳市", "河南省", "prefecture", "resolved"),
    ("410200", "开封市", "河南省", "prefecture", "resolved"),
    ("620102", "城关区", "甘肃省", "county", "resolved"),
    (None, "陇东市", "甘肃省", "prefecture", "not_found"),
    (None, "城关区", None, "county", "ambiguous"),
    (None, None, "甘肃省", "prefecture", "blanked"),
]
METRICS = [*RANKED_METRICS, "service_stations"]
VALUES = [0.0, 0.1, 0.2, 0.3, 1.0, 2.0, 3.0, 5.0, 10.0, 10.5, 1e6, 2e6, 2e6, 1.6e8]
CATEGORIES = [None, None, "", "preferential_payments", "consolation"]
DATES = [None, pd.Timestamp(2023, 3, 1), pd.Timestamp(2024, 1, 15), pd.Timestamp(2024, 6, 30)]


def _row(
    claim_id: int,
    article: int,
    doc: int,
    place: tuple[str | None, ...],
    metric: str,
    figure: dict[str, object],
    approx: str,
    rate: bool,
    is_part: bool,
    date: pd.Timestamp | None = None,
) -> dict[str, object]:
    """One claim row as the reads give it (``date``: its article's, when printed)."""
    code, region, province, tier, status = place
    return {
        "claim_id": claim_id, "article_id": article, "doc_id": doc,
        "region_key": code or region, "region": region, "region_code": code,
        "province": province, "tier": tier, "region_status": status, "year": 2023,
        "metric": metric, **figure, "unit": "元", "approx": approx, "rate": rate,
        "is_part": is_part, "date": date,
    }  # fmt: skip


def random_frame(rng: np.random.Generator) -> pd.DataFrame:
    """Claims as ``queries.ranking_claims`` returns them, in random order.

    Articles are dated as a whole or not at all (mostly), around a year of their own, so
    that further articles get added, nested figures occur, and reprints (a figure copied
    from an earlier claim) make duplicates.
    """
    n = int(rng.integers(0, 120))
    articles = {
        a: (int(rng.integers(0, len(PLACES))), rng.random() < 0.5, int(rng.integers(2014, 2024)))
        for a in range(1, 13)
    }
    # Articles are published on a few dates, or undated (then the year orders them), so
    # that figures restated with another value are 数据冲突 one way or the other.
    published = {a: DATES[int(rng.integers(0, len(DATES)))] for a in articles}
    metrics = [*METRICS, "funds", "funds", "people_resettled"]
    rows: list[dict[str, object]] = []
    for claim_id in rng.permutation(np.arange(1, n + 1)):
        article = int(rng.integers(1, 13))
        place, dated, year = articles[article]
        # now and then an article id shared by two regions (hand-made frames do that)
        code, region, province, tier, status = PLACES[
            place if rng.random() < 0.9 else int(rng.integers(0, len(PLACES)))
        ]
        start: int | None = None
        end: int | None = None
        if (dated and rng.random() < 0.95) or rng.random() < 0.2:
            start = year - [0, 0, 1, 3, 7][int(rng.integers(0, 5))]
            end = year if rng.random() < 0.8 else start
        if start is not None and rng.random() < 0.03:
            start = None  # a period with one end only
        figure = {
            "category": CATEGORIES[int(rng.integers(0, len(CATEGORIES)))],
            "value": VALUES[int(rng.integers(0, len(VALUES)))],
            "period_start": start,
            "period_end": end,
        }
        if rows and rng.random() < 0.25:  # a reprint of an earlier figure
            earlier = rows[int(rng.integers(0, len(rows)))]
            figure = {k: earlier[k] for k in figure}
            if rng.random() < 0.4:  # that changed it (数据冲突 when published apart)
                figure["value"] = VALUES[int(rng.integers(0, len(VALUES)))]
        rows.append(
            _row(
                int(claim_id),
                article,
                int(rng.integers(1, 5)),
                (code, region, province, tier, status),
                metrics[int(rng.integers(0, len(metrics)))],
                figure,
                ["exact", "exact", "over", "about"][int(rng.integers(0, 4))],
                bool(rng.random() < 0.07),
                bool(rng.random() < 0.07),
                published[article],
            )
        )
    df = pd.DataFrame(rows, columns=list(random_frame_columns()))
    dtype = "Int32" if rng.random() < 0.7 else "float64"  # DuckDB gives Int32
    for col in ("period_start", "period_end"):
        df[col] = df[col].astype(dtype)
    return df


def random_frame_columns() -> tuple[str, ...]:
    return (
        "claim_id", "article_id", "doc_id", "region_key", "region", "region_code", "province",
        "tier", "region_status", "year", "metric", "category", "value", "unit", "approx",
        "rate", "is_part", "period_start", "period_end", "date",
    )  # fmt: skip


def assert_same(new: Ranking, old: Ranking) -> None:
    pd.testing.assert_frame_equal(new.table, old.table, check_exact=True)
    pd.testing.assert_frame_equal(new.roles, old.roles, check_exact=True)
    assert new.n_unplaced == old.n_unplaced


def test_vectorised_rule_matches_the_reference_on_random_frames() -> None:
    rng = np.random.default_rng(20261123)
    for _ in range(FRAMES):
        claims = random_frame(rng)
        for metric in RANKED_METRICS:
            assert_same(vr.rank(claims, metric), reference.rank(claims, metric))


@pytest.mark.parametrize("metric", RANKED_METRICS)
def test_matches_the_reference_on_a_large_frame(metric: str) -> None:
    rng = np.random.default_rng(7)
    claims = pd.concat([random_frame(rng) for _ in range(40)], ignore_index=True)
    claims["claim_id"] = np.arange(1, len(claims) + 1)
    assert_same(vr.rank(claims, metric), reference.rank(claims, metric))


def test_the_rule_reads_claims_in_claim_order_whatever_order_they_come_in() -> None:
    rng = np.random.default_rng(11)
    claims = pd.concat([random_frame(rng) for _ in range(30)], ignore_index=True)
    claims["claim_id"] = np.arange(1, len(claims) + 1)
    shuffled = claims.sample(frac=1, random_state=3).reset_index(drop=True)
    for metric in RANKED_METRICS:
        assert_same(vr.rank(shuffled, metric), vr.rank(claims, metric))


@st.composite
def claim_frames(draw: st.DrawFn) -> pd.DataFrame:
    """A frame of claims as the reads return them, every field drawn from the values that
    make the rule's cases: shared articles, dated and undated figures, reprints."""
    n = draw(st.integers(0, 40))
    rows: list[dict[str, object]] = []
    for claim_id in draw(st.permutations(list(range(1, n + 1)))):
        code, region, province, tier, status = draw(st.sampled_from(PLACES))
        start = draw(st.one_of(st.none(), st.integers(2014, 2023)))
        end = None if start is None else draw(st.one_of(st.none(), st.integers(start, 2024)))
        figure: dict[str, object] = {
            "category": draw(st.sampled_from(CATEGORIES)),
            "value": draw(st.sampled_from(VALUES)),
            "period_start": start,
            "period_end": end,
        }
        if rows and draw(st.booleans()):  # a reprint of an earlier figure
            earlier = rows[draw(st.integers(0, len(rows) - 1))]
            figure = {k: earlier[k] for k in figure}
            if draw(st.booleans()):  # that changed it
                figure["value"] = draw(st.sampled_from(VALUES))
        rows.append(
            _row(
                claim_id,
                draw(st.integers(1, 6)),
                draw(st.integers(1, 3)),
                (code, region, province, tier, status),
                draw(st.sampled_from(METRICS)),
                figure,
                draw(st.sampled_from(["exact", "over", "about"])),
                draw(st.booleans()) and draw(st.booleans()),
                draw(st.booleans()) and draw(st.booleans()),
                draw(st.sampled_from(DATES)),
            )
        )
    df = pd.DataFrame(rows, columns=list(random_frame_columns()))
    for col in ("period_start", "period_end"):
        df[col] = df[col].astype("Int32")
    return df


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claims=claim_frames(), metric=st.sampled_from(METRICS))
def test_the_kernel_states_the_reference_rule_on_drawn_frames(
    claims: pd.DataFrame, metric: str
) -> None:
    assert_same(vr.rank(claims, metric), reference.rank(claims, metric))


def test_one_pass_over_every_metric_states_the_reference_rule_for_each() -> None:
    """``rank_each`` (the comparison's one pass over honours and additive metrics at once)
    gives each metric what the reference gives it alone."""
    rng = np.random.default_rng(20261202)
    frames = [random_frame(rng) for _ in range(FRAMES)]
    large = pd.concat([random_frame(rng) for _ in range(40)], ignore_index=True)
    large["claim_id"] = np.arange(1, len(large) + 1)
    for claims in [*frames, large]:
        for metric, got in zip(METRICS, vr.rank_each(claims, METRICS), strict=True):
            assert_same(got, reference.rank(claims, metric))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claims=claim_frames(), metrics=st.permutations(METRICS))
def test_one_pass_states_the_reference_rule_on_drawn_frames(
    claims: pd.DataFrame, metrics: list[str]
) -> None:
    for metric, got in zip(metrics, vr.rank_each(claims, metrics), strict=True):
        assert_same(got, reference.rank(claims, metric))


def test_a_comparison_holds_the_reference_value_of_each_region_and_metric() -> None:
    """``rule.compare`` (one unranked pass for every metric) against the reference's
    ranking of each metric alone, placed on the same grid."""
    places = pd.DataFrame(
        [(code or region, region, province, tier) for code, region, province, tier, _ in PLACES],
        columns=["region_key", "region", "province", "tier"],
    ).dropna(subset=["region"])
    rng = np.random.default_rng(20261203)
    for _ in range(FRAMES):
        claims = random_frame(rng)
        long, roles = vr.compare(claims, places, METRICS)
        expected = [reference.rank(claims, metric) for metric in METRICS]
        found = [r.table.drop(columns=["rank"]) for r in expected if not r.table.empty]
        grid = vr.comparison_grid(
            places, pd.concat(found, ignore_index=True) if found else None, METRICS
        )
        # Values, not the dtypes pandas infers for them: the reference's tables are made
        # one per metric and joined (a column all None in one metric is object there),
        # the comparison's in one frame for every metric.
        pd.testing.assert_frame_equal(long, grid, check_exact=True, check_dtype=False)
        pairs = zip(METRICS, expected, strict=True)
        kept = [r.roles.assign(metric=m) for m, r in pairs if not r.roles.empty]
        if kept:
            pd.testing.assert_frame_equal(roles, pd.concat(kept, ignore_index=True))

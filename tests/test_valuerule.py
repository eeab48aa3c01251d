"""The ranking value rule, case by case, on hand-made claims.

Each test states a situation a real corpus produces and the value a briefing must show.
"""

from __future__ import annotations

import itertools
from typing import Any

import pandas as pd
import pytest

from valuation import registry as reg
from valuation import rule as vr

_ids = itertools.count(1)


def claim(**kw: Any) -> dict[str, Any]:
    """One claim row with sensible defaults (张掖市, funds, exact, 2023, article 1)."""
    row: dict[str, Any] = {
        "claim_id": next(_ids),
        "article_id": 1,
        "doc_id": 1,
        "region_key": "620700",
        "region": "张掖市",
        "region_code": "620700",
        "province": "甘肃省",
        "tier": "prefecture",
        "region_status": "resolved",
        "year": 2023,
        "metric": "funds",
        "category": None,
        "value": 1_000_000.0,
        "unit": "元",
        "approx": "exact",
        "rate": False,
        "is_part": False,
        "period_start": None,
        "period_end": None,
    }
    row.update(kw)
    if "region" in kw and "region_key" not in kw:
        row["region_key"] = kw.get("region_code") or kw["region"]
    return row


def frame(*rows: dict[str, Any]) -> pd.DataFrame:
    df = pd.DataFrame(list(rows))
    for col in ("period_start", "period_end"):
        df[col] = df[col].astype("Int32")
    return df


def row_of(result: vr.Ranking, key: str = "620700") -> pd.Series:
    table = result.table.set_index("region_key")
    row = table.loc[key]
    assert isinstance(row, pd.Series)  # one row per region
    return row


def roles_of(result: vr.Ranking) -> dict[int, str]:
    return dict(zip(result.roles["claim_id"], result.roles["role"], strict=True))


# ------------------------------------------------------------------------- honours


def test_honours_take_the_largest_count_never_the_sum() -> None:
    claims = frame(
        claim(metric="honour_national", value=3, unit="次", year=2022, article_id=1),
        claim(metric="honour_national", value=4, unit="次", year=2023, article_id=2),
        claim(metric="honour_national", value=4, unit="次", year=2023, article_id=3, doc_id=2),
    )
    result = vr.rank(claims, "honour_national")
    row = row_of(result)
    assert row["value"] == 4
    assert row["n_claims"] == 2  # both documents stating 4 are evidence
    assert row["n_documents"] == 2
    assert sorted(roles_of(result).values()) == ["counted", "counted", "smaller"]
    assert not row["mixed_periods"]


# ------------------------------------------------------------------------- additive


def test_rates_are_never_summed() -> None:
    claims = frame(
        claim(value=7_810_000),
        claim(value=300, rate=True),  # 每人每月300元
        claim(value=500, rate=True),
    )
    result = vr.rank(claims, "funds")
    assert row_of(result)["value"] == 7_810_000
    assert sorted(roles_of(result).values()) == ["counted", "rate", "rate"]


def test_a_figure_repeated_across_two_documents_counts_once() -> None:
    same = {"value": 160_000_000.0, "period_start": 2016, "period_end": 2023}
    claims = frame(
        claim(article_id=1, doc_id=1, **same),
        claim(article_id=7, doc_id=3, **same),  # the same article reprinted elsewhere
        claim(article_id=1, doc_id=1, value=7_810_000.0, period_start=2016, period_end=2023),
    )
    result = vr.rank(claims, "funds")
    row = row_of(result)
    assert row["value"] == 167_810_000
    assert row["n_figures"] == 2
    assert row["n_claims"] == 3  # the duplicate stays visible as evidence
    assert row["n_documents"] == 2
    assert sorted(roles_of(result).values()) == ["counted", "counted", "duplicate"]


def test_same_value_with_a_different_period_is_a_different_figure() -> None:
    claims = frame(
        claim(article_id=1, value=20_000_000.0, period_start=2022, period_end=2022),
        claim(article_id=2, doc_id=2, value=20_000_000.0, period_start=2023, period_end=2023),
    )
    assert row_of(vr.rank(claims, "funds"))["value"] == 40_000_000


def test_same_amount_twice_in_one_article_is_two_facts_but_a_reprint_adds_nothing() -> None:
    # 001#25: 提供10万元 … 投入10万元 — two facts; the reprint in doc 2 repeats both.
    claims = frame(
        claim(article_id=1, doc_id=1, value=100_000.0),
        claim(article_id=1, doc_id=1, value=100_000.0),
        claim(article_id=2, doc_id=2, value=100_000.0),
        claim(article_id=2, doc_id=2, value=100_000.0),
    )
    result = vr.rank(claims, "funds")
    assert row_of(result)["value"] == 200_000
    assert sorted(roles_of(result).values()) == ["counted", "counted", "duplicate", "duplicate"]


def test_a_total_is_never_added_to_its_own_part() -> None:
    claims = frame(
        claim(value=20_000_000.0, approx="over"),  # 筹集拥军资金2000余万元，
        claim(value=5_000_000.0, is_part=True),  # 其中用于慰问部队500万元
    )
    result = vr.rank(claims, "funds")
    assert row_of(result)["value"] == 20_000_000
    assert sorted(roles_of(result).values()) == ["counted", "part"]


def test_approximate_if_any_counted_claim_is() -> None:
    over = vr.rank(frame(claim(value=1e7), claim(value=2e7, approx="over")), "funds")
    assert row_of(over)["approx"] == "over"
    about = vr.rank(
        frame(claim(value=1e7, approx="over"), claim(value=2e7, approx="about")), "funds"
    )
    assert row_of(about)["approx"] == "about"
    exact = vr.rank(frame(claim(value=1e7), claim(value=1e6, approx="about", rate=True)), "funds")
    assert row_of(exact)["approx"] == "exact"  # the approximate claim was a rate: not summed


def test_differing_periods_are_marked_mixed() -> None:
    claims = frame(
        claim(
            value=350_000_000.0, period_start=2016, period_end=2023, category="forces_construction"
        ),
        claim(
            value=20_000_000.0,
            period_start=2022,
            period_end=2022,
            approx="over",
            category="consolation",
        ),
    )
    row = row_of(vr.rank(claims, "funds"))
    assert row["value"] == 370_000_000
    assert bool(row["mixed_periods"]) is True
    assert row["period_start"] is None


def test_a_year_inside_a_longer_total_of_the_same_kind_is_not_added() -> None:
    # 2016年以来累计投入优抚资金3.5亿元 … 2022年投入优抚资金2000万元: 2022 is inside the total.
    claims = frame(
        claim(
            value=350_000_000.0,
            period_start=2016,
            period_end=2023,
            category="preferential_payments",
        ),
        claim(
            value=20_000_000.0, period_start=2022, period_end=2022, category="preferential_payments"
        ),
    )
    result = vr.rank(claims, "funds")
    assert row_of(result)["value"] == 350_000_000
    assert sorted(roles_of(result).values()) == ["counted", "nested"]


def test_overlapping_cumulative_totals_in_two_articles_are_not_added() -> None:
    # One region reported twice in a year: 1.6亿 (2016–2023) and 1.2亿 (2016–2022) overlap.
    claims = frame(
        claim(article_id=1, value=160_000_000.0, period_start=2016, period_end=2023),
        claim(
            article_id=1,
            value=1_500_000.0,
            period_start=2016,
            period_end=2023,
            category="consolation",
        ),
        claim(article_id=20, doc_id=1, value=120_000_000.0, period_start=2016, period_end=2022),
    )
    result = vr.rank(claims, "funds")
    assert row_of(result)["value"] == 161_500_000  # the fuller article; never 281.5 million
    assert sorted(roles_of(result).values()) == ["counted", "counted", "overlap"]


def test_an_article_without_periods_is_never_added_to_another() -> None:
    claims = frame(
        claim(article_id=1, value=3e6),
        claim(article_id=2, doc_id=2, value=2e6),
    )
    result = vr.rank(claims, "funds")
    assert row_of(result)["value"] == 3e6
    assert sorted(roles_of(result).values()) == ["counted", "overlap"]


def test_a_missing_period_beside_a_stated_one_is_mixed() -> None:
    claims = frame(claim(value=1e7, period_start=2023, period_end=2023), claim(value=2e7))
    assert bool(row_of(vr.rank(claims, "funds"))["mixed_periods"]) is True


def test_one_shared_period_is_carried_to_the_row() -> None:
    claims = frame(
        claim(value=1e7, period_start=2024, period_end=2024),
        claim(value=2e7, period_start=2024, period_end=2024),
    )
    row = row_of(vr.rank(claims, "funds"))
    assert not row["mixed_periods"]
    assert (row["period_start"], row["period_end"]) == (2024, 2024)


def test_people_and_children_follow_the_additive_rule() -> None:
    claims = frame(
        claim(metric="people_resettled", unit="人", value=29.0),
        claim(metric="people_resettled", unit="人", value=49.0),
        claim(metric="people_resettled", unit="人", value=29.0, article_id=2, doc_id=2),
        claim(metric="children_schooled", unit="人", value=435.0),
    )
    assert row_of(vr.rank(claims, "people_resettled"))["value"] == 78
    assert row_of(vr.rank(claims, "children_schooled"))["value"] == 435


def test_region_with_only_rates_has_no_value() -> None:
    claims = frame(claim(value=300.0, rate=True), claim(region="芜湖市", region_code="340200"))
    result = vr.rank(claims, "funds")
    assert list(result.table["region"]) == ["芜湖市"]


# ------------------------------------------------------------------------- places


def test_unplaceable_regions_are_left_out_and_counted() -> None:
    claims = frame(
        claim(value=1e7),
        claim(region=None, region_code=None, region_key=None, region_status="blanked"),
        claim(region="城关区", region_code=None, region_status="ambiguous"),
        claim(region="陇东市", region_code=None, region_status="not_found", value=5e6),
    )
    result = vr.rank(claims, "funds")
    assert result.n_unplaced == 2
    assert list(result.table["region"]) == ["张掖市", "陇东市"]  # not found: kept as written


def test_ranks_are_sorted_and_ties_share_a_rank() -> None:
    claims = frame(
        claim(metric="honour_national", unit="次", value=8, region="洛阳市", region_code="410300"),
        claim(metric="honour_national", unit="次", value=5, region="开封市", region_code="410200"),
        claim(metric="honour_national", unit="次", value=8, region="芜湖市", region_code="340200"),
        claim(metric="honour_national", unit="次", value=4),
    )
    table = vr.rank(claims, "honour_national").table
    assert list(table["region"]) == ["洛阳市", "芜湖市", "开封市", "张掖市"]
    assert list(table["rank"]) == [1, 1, 3, 4]


def test_one_regions_roles_are_its_rows_of_every_region_s_roles() -> None:
    """A click on a bar reads one region's roles; they are that region's rows of the
    whole table, in its order, with its dtypes, and none for a region not ranked."""
    claims = frame(
        claim(value=1e7, article_id=1),
        claim(value=2e6, article_id=1, rate=True),
        claim(value=3e6, article_id=2, region="洛阳市", region_code="410300"),
        claim(value=1e7, article_id=3, doc_id=2),  # a reprint of the first
        claim(value=4e6, article_id=4, region="开封市", region_code="410200"),
    )
    result = vr.rank(claims, "funds")
    every = result.roles
    assert set(every["region_key"]) == {"620700", "410300", "410200"}
    for key in ("620700", "410300", "410200", "340200"):
        expected = every[every["region_key"] == key].reset_index(drop=True)
        pd.testing.assert_frame_equal(result.region_roles(key), expected)
    assert sorted(every.loc[every["region_key"] == "620700", "role"]) == [
        "counted", "duplicate", "rate",
    ]  # fmt: skip


def test_empty_input_gives_an_empty_table_with_the_columns() -> None:
    empty = frame(claim()).iloc[0:0]
    result = vr.rank(empty, "funds")
    assert result.table.empty
    assert list(result.table.columns) == vr.TABLE_COLUMNS
    assert result.n_unplaced == 0


def test_other_metrics_in_the_input_are_ignored() -> None:
    claims = frame(claim(value=1e7), claim(metric="honour_national", unit="次", value=8))
    assert row_of(vr.rank(claims, "funds"))["value"] == 1e7


# ------------------------------------------------------------------------- periods


def _table(periods: list[tuple[int | None, int | None, bool]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_start": pd.array([p[0] for p in periods], dtype="Int32"),
            "period_end": pd.array([p[1] for p in periods], dtype="Int32"),
            "mixed_periods": [p[2] for p in periods],
        }
    )


def test_a_period_unlike_most_bars_is_marked() -> None:
    table = _table([(2016, 2022, False), (2022, 2022, False), (2022, 2022, False)])
    assert list(vr.period_outliers(table)) == [True, False, False]


def test_no_period_and_mixed_rows_are_never_outliers() -> None:
    table = _table(
        [(2022, 2022, False), (2022, 2022, False), (None, None, False), (None, None, True)]
    )
    assert list(vr.period_outliers(table)) == [False, False, False, False]


def test_without_a_majority_every_stated_period_is_shown() -> None:
    table = _table([(2016, 2023, False), (2022, 2022, False), (None, None, False)])
    assert list(vr.period_outliers(table)) == [True, True, False]


# ------------------------------------------------------------------------- compare


def test_compare_keeps_not_reported_apart_from_zero() -> None:
    claims = frame(
        claim(metric="children_schooled", unit="人", value=0.0),  # reported zero
        claim(metric="funds", value=1e7, region="洛阳市", region_code="410300"),
    )
    places = pd.DataFrame(
        {
            "region_key": ["620700", "410300", "410200"],
            "region": ["张掖市", "洛阳市", "开封市"],
            "province": ["甘肃省", "河南省", "河南省"],
            "tier": ["prefecture"] * 3,
        }
    )
    long, roles = vr.compare(claims, places, ["funds", "children_schooled"])
    cell = long.set_index(["region_key", "metric"])
    assert cell.loc[("620700", "children_schooled"), "value"] == 0
    assert bool(cell.loc[("620700", "children_schooled"), "reported"]) is True
    assert cell["value"].isna().loc[("620700", "funds")]
    assert bool(cell.loc[("620700", "funds"), "reported"]) is False
    assert cell.loc[("620700", "funds"), "region"] == "张掖市"
    assert not long[long["region_key"] == "410200"]["reported"].any()  # no claims at all
    assert cell.loc[("410200", "funds"), "region"] == "开封市"  # still named
    assert list(long["region_key"].drop_duplicates()) == ["620700", "410300", "410200"]
    assert set(roles["metric"]) == {"funds", "children_schooled"}


def test_compare_with_no_claims_at_all() -> None:
    places = pd.DataFrame(
        {"region_key": ["1"], "region": ["某市"], "province": ["某省"], "tier": ["prefecture"]}
    )
    long, roles = vr.compare(frame(claim()).iloc[0:0], places)
    assert len(long) == len(reg.RANKED_METRICS)
    assert not long["reported"].any()
    assert roles.empty


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["exact"], "exact"),
        (["exact", "over"], "over"),
        (["over", "about", "exact"], "about"),
        (["about", "over"], "about"),
    ],
)
def test_the_value_is_as_approximate_as_its_least_exact_figure(
    flags: list[str], expected: str
) -> None:
    """What production computes (``rank``'s approx), for the flags of the counted claims."""
    claims = frame(*(claim(value=1e6 * (i + 1), approx=a) for i, a in enumerate(flags)))
    row = row_of(vr.rank(claims, "funds"))
    assert row["n_figures"] == len(flags)  # every figure counted, so every flag combined
    assert row["approx"] == expected


def test_every_role_has_a_name_and_a_short_name() -> None:
    """The evidence cards and their counts name every role the rule can give."""
    from dashboard_lib import labels

    for role in reg.ROLE_ORDER:
        assert labels.ROLE_NAMES.get(role) and labels.ROLE_SHORT.get(role), role

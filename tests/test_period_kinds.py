"""Period kinds, rule by rule: each phrase of our own with the kind of period it gives a
figure and the years the figure covers (etl/period_kinds.py, etl/rules/period_kinds.yml).

Every case is an article written in 2024 (the article's year resolves 今年, 去年, 近4年来);
the SPEC's period_start/period_end are checked beside the covered years, because a heading
(一、2023年工作情况) or the article's year gives the latter without changing the former.
"""

from __future__ import annotations

import pytest

from etl.claims import extract_claims
from valuation import registry

ARTICLE_YEAR = 2024
# (metric, value, period_kind, covers_start, covers_end, period_start, period_end)
Figure = tuple[str, float, str, int | None, int | None, int | None, int | None]

CASES = [
    pytest.param("2023年，全市投入拥军资金500万元。",
                 [("funds", 5e6, "year", 2023, 2023, 2023, 2023)], id="one-year"),
    pytest.param("今年投入拥军资金120万元。",
                 [("funds", 1.2e6, "year", 2024, 2024, 2024, 2024)], id="this-year"),
    pytest.param("去年投入拥军资金80万元。",
                 [("funds", 8e5, "year", 2023, 2023, 2023, 2023)], id="last-year"),
    pytest.param("2016年以来，累计投入拥军资金3.5亿元。",
                 [("funds", 3.5e8, "span", 2016, 2024, 2016, 2024)], id="since-year"),
    pytest.param("近4年来，投入拥军资金2000万元。",
                 [("funds", 2e7, "span", 2021, 2024, 2021, 2024)], id="recent-n-years"),
    pytest.param("“十三五”期间，投入拥军资金1.2亿元。",
                 [("funds", 1.2e8, "span", 2016, 2020, 2016, 2020)], id="plan-period"),
    pytest.param("2021年至2023年，投入拥军资金900万元。",
                 [("funds", 9e6, "span", 2021, 2023, 2021, 2023)], id="year-range"),
    pytest.param("每年安排慰问资金50万元。",
                 [("funds", 5e5, "per_year", None, None, None, None)], id="per-year"),
    pytest.param("今年上半年，发放优待金120万元。",
                 [("funds", 1.2e6, "part_year", 2024, 2024, 2024, 2024)], id="this-half-year"),
    pytest.param("2023年上半年，发放优待金60万元。",
                 [("funds", 6e5, "part_year", 2023, 2023, 2023, 2023)], id="a-years-half"),
    pytest.param("上半年，发放优待金30万元。",
                 [("funds", 3e5, "part_year", 2024, 2024, None, None)], id="half-year-word"),
    pytest.param("截至2023年底，累计安置退役士兵1200人。",
                 [("people_resettled", 1200, "as_of", None, 2023, 2023, 2023)], id="as-of-year"),
    pytest.param("累计安置退役士兵3000人。",
                 [("people_resettled", 3000, "as_of", None, 2024, None, None)], id="stock"),
    pytest.param("先后5次荣获全国双拥模范城称号。",
                 [("honour_national", 5, "as_of", None, 2024, None, None)], id="honours"),
    pytest.param("投入拥军资金100万元。",
                 [("funds", 1e6, "unstated", 2024, 2024, None, None)], id="unstated"),
    pytest.param("近3年来，全市拥军工作成效显著。投入拥军资金900万元。",
                 [("funds", 9e6, "span", 2022, 2024, 2022, 2024)], id="paragraph-opening"),
    pytest.param("一、2023年工作情况\n全市投入拥军资金500万元。\n二、2024年工作打算\n"
                 "计划投入拥军资金600万元。",
                 [("funds", 5e6, "year", 2023, 2023, None, None),
                  ("funds", 6e6, "year", 2024, 2024, None, None)], id="headings"),
    pytest.param("一、2023年工作情况\n（一）拥军优属\n投入拥军资金300万元。",
                 [("funds", 3e6, "year", 2023, 2023, None, None)], id="sub-heading-keeps"),
    pytest.param("一、2023年工作情况\n投入拥军资金1万元。\n二、主要做法\n投入拥军资金2万元。",
                 [("funds", 1e4, "year", 2023, 2023, None, None),
                  ("funds", 2e4, "unstated", 2024, 2024, None, None)], id="heading-resets"),
    pytest.param("一、2023年工作情况\n截至年底，累计安置退役士兵800人。",
                 [("people_resettled", 800, "as_of", None, 2023, None, None)],
                 id="stock-under-heading"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_period_kind_and_covered_years(text: str, expected: list[Figure]) -> None:
    found = [
        (c.metric, c.value, c.period_kind, c.covers_start, c.covers_end, c.period_start,
         c.period_end)
        for c in extract_claims(text, ARTICLE_YEAR)
    ]  # fmt: skip
    assert found == expected


@pytest.mark.parametrize(
    ("text", "year", "covers"),
    [
        pytest.param("今年投入拥军资金120万元。", 2023, (2023, 2023), id="this-year-2023"),
        pytest.param("去年投入拥军资金80万元。", 2020, (2019, 2019), id="last-year-2020"),
        pytest.param("投入拥军资金100万元。", None, (None, None), id="no-article-year"),
    ],
)
def test_relative_years_follow_the_articles_date(
    text: str, year: int | None, covers: tuple[int | None, int | None]
) -> None:
    (claim,) = extract_claims(text, year)
    assert (claim.covers_start, claim.covers_end) == covers


def test_every_kind_the_rules_give_is_in_the_vocabulary_and_enters_one_scope() -> None:
    from etl.metric_rules import ClaimRules

    given = {rule.kind for rule in ClaimRules.shipped().periods.rules}
    given |= {registry.UNSTATED_KIND, registry.AS_OF_KIND, "part_year"}
    assert given == set(registry.PERIOD_KINDS)
    assert set(registry.kinds_in(registry.SCOPE_SINGLE)) == {"year", "unstated"}
    assert set(registry.kinds_in(registry.SCOPE_SPAN)) == {"span", "as_of"}
    assert set(registry.kinds_in(registry.SCOPE_ALL)) == set(registry.PERIOD_KINDS)

"""Properties that hold on any text: extraction never raises and every span is honest."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from etl.claims import extract_claims
from etl.metric_rules import ClaimRules
from etl.numbers import find_quantities

# Text that looks like a report often enough to reach the rules, and arbitrary otherwise.
REPORT_ALPHABET = st.sampled_from(
    [
        *"0123456789.万亿元名人次届连冠余多近约超过以上，。、；：\n“”《》其中每月人均/",
        *["双拥模范城", "全国", "全省", "荣获", "安置", "退役士兵", "子女", "入学", "争创", "资金"],
    ]
)
REPORTISH = st.lists(REPORT_ALPHABET, max_size=60).map("".join)
# Report text around a digit run of any length, up to hundreds of digits (投入资金999…9万元).
LONG_NUMBERS = st.builds(
    lambda before, digits, after: before + digits + after,
    REPORTISH,
    st.text(alphabet="0123456789", min_size=1, max_size=400),
    st.sampled_from(["万元", "亿元", "元", "万名", "人", "次", ".5万元", "余万元"]).map(
        lambda unit: unit + "，投入资金"
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.text(max_size=300), REPORTISH, LONG_NUMBERS),
    st.one_of(st.none(), st.integers(1949, 2100)),
)
def test_extraction_never_raises_and_spans_hold(text: str, year: int | None) -> None:
    plausibility = ClaimRules.shipped().plausibility
    for claim in extract_claims(text, year):
        assert math.isfinite(claim.value), claim
        reason = plausibility.reason(claim.metric, claim.value, "county", claim.overlong)
        assert claim.overlong is None or reason is not None
        assert 0 <= claim.quote_start <= claim.value_start < claim.value_end <= len(text)
        assert claim.value_end <= claim.quote_end
        assert text[claim.value_start : claim.value_end] == claim.value_text
        assert claim.value >= 0
        assert claim.approx in {"exact", "about", "over"}


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), REPORTISH, LONG_NUMBERS))
def test_quantities_are_ordered_and_disjoint(text: str) -> None:
    last_end = 0
    for quantity in find_quantities(text):
        assert math.isfinite(quantity.value) and quantity.value >= 0
        assert last_end <= quantity.start < quantity.end <= len(text)
        assert text[quantity.start : quantity.end] == quantity.text
        last_end = quantity.end

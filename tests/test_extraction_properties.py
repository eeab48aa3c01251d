"""Properties that hold on any text: extraction never raises and every span is honest."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from etl.claims import extract_claims
from etl.numbers import find_quantities

# Text that looks like a report often enough to reach the rules, and arbitrary otherwise.
REPORT_ALPHABET = st.sampled_from(
    [
        *"0123456789.万亿元名人次届连冠余多近约超过以上，。、；：\n“”《》其中每月人均/",
        *["双拥模范城", "全国", "全省", "荣获", "安置", "退役士兵", "子女", "入学", "争创", "资金"],
    ]
)
REPORTISH = st.lists(REPORT_ALPHABET, max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), REPORTISH), st.one_of(st.none(), st.integers(1949, 2100)))
def test_extraction_never_raises_and_spans_hold(text: str, year: int | None) -> None:
    for claim in extract_claims(text, year):
        assert 0 <= claim.quote_start <= claim.value_start < claim.value_end <= len(text)
        assert claim.value_end <= claim.quote_end
        assert text[claim.value_start : claim.value_end] == claim.value_text
        assert claim.value >= 0
        assert claim.approx in {"exact", "about", "over"}


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), REPORTISH))
def test_quantities_are_ordered_and_disjoint(text: str) -> None:
    last_end = 0
    for quantity in find_quantities(text):
        assert last_end <= quantity.start < quantity.end <= len(text)
        assert text[quantity.start : quantity.end] == quantity.text
        last_end = quantity.end

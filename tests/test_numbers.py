"""Quantities as written: leading markers, multipliers, units, vague and ordinal numerals.

Each case lists every quantity the phrase holds, complete: its text as quoted, its value in
base units, the base unit, its kind and its approximation. The leading markers (约, 大约,
近, 超过, 达) are read beside the number rather than by the pattern that finds it, so the
cases put them at the text's start, after another number, and doubled.
"""

from __future__ import annotations

import pytest

from etl.numbers import find_quantities

CASES = [
    ("投入资金约300万元", [("约300万元", 3_000_000.0, "元", "money", "about")]),
    ("近7000余万元", [("近7000余万元", 70_000_000.0, "元", "money", "about")]),
    ("安置达5000人", [("5000人", 5000.0, "人", "person", "exact")]),
    ("大约2万名随军家属", [("大约2万名", 20_000.0, "人", "person", "about")]),
    ("超过3万名", [("超过3万名", 30_000.0, "人", "person", "over")]),
    (
        "拨付3万元约5名",
        [("3万元", 30_000.0, "元", "money", "exact"), ("约5名", 5.0, "人", "person", "about")],
    ),
    ("约约12名", [("约12名", 12.0, "人", "person", "about")]),
    ("经费300元以上", [("300元以上", 300.0, "元", "money", "over")]),
    ("逾二十万人次", [("逾二十万人次", 200_000.0, "人次", "person", "over")]),
    ("数亿元资金", []),
    ("2023年投入", []),
    ("约", []),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=t) for t, e in CASES])
def test_quantities_as_written(text: str, expected: list[tuple[str, float, str, str, str]]) -> None:
    found = [(q.text, q.value, q.unit, q.kind, q.approx) for q in find_quantities(text)]
    assert found == expected

"""Finding quantities in Chinese text: numerals, 万/亿 multipliers, 余/多/近 markers, units.

A quantity keeps its surface text and span beside its normalised value, so every number the
dashboard shows can be found again in the report. Chinese numerals are converted with
``cn2an``; Arabic numerals with ``Decimal`` so that 8898.99万元 is 88989900 exactly. The
grammar's words (units, multipliers, markers) come from ``etl/rules/quantities.yml``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cn2an
import regex

from etl.rulebook import rule_file

_RULES = rule_file("quantities")
UNITS: dict[str, dict[str, object]] = _RULES["units"]
MULTIPLIERS: dict[str, int] = _RULES["multipliers"]
APPROX_BEFORE: dict[str, str] = _RULES["approx_before"]
APPROX_INSIDE: dict[str, str] = _RULES["approx_inside"]
APPROX_AFTER: dict[str, str] = _RULES["approx_after"]
VAGUE_NUMERALS: list[str] = _RULES["vague_numerals"]
ORDINAL_PREFIXES: list[str] = _RULES["ordinal_prefixes"]

_CN_DIGITS = "零〇一二两三四五六七八九十百千"


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so 人次 wins over 人."""
    return "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))


QUANTITY_PATTERN = regex.compile(
    rf"""
    (?P<before>{_alternation(APPROX_BEFORE)})?
    (?P<num>\d+(?:\.\d+)?|[{_CN_DIGITS}]+)?
    (?P<in1>{_alternation(APPROX_INSIDE)})?
    (?P<mult>{_alternation(MULTIPLIERS)})?
    (?P<in2>{_alternation(APPROX_INSIDE)})?
    (?P<unit>{_alternation(UNITS)})?
    (?P<after>{_alternation(APPROX_AFTER)})?
    """,
    regex.VERBOSE,
)
# Where a quantity can start: a digit, a Chinese numeral, a marker or a bare multiplier.
_START = regex.compile(
    rf"\d|[{_CN_DIGITS}]|{_alternation(APPROX_BEFORE)}|{_alternation(MULTIPLIERS)}"
)
_VAGUE = regex.compile(_alternation(VAGUE_NUMERALS))


@dataclass(frozen=True)
class Quantity:
    """A number with its unit as written, and its value in base units."""

    start: int
    end: int
    text: str
    value: float
    unit: str  # base unit: 元, 人, 人次, 户, 次; '' when no unit was written (136万)
    kind: str  # money | person | household | times | bare
    approx: str  # exact | about | over
    numeral_start: int  # where the numeral itself starts (after 约/近/超过)


def parse_numeral(numeral: str) -> Decimal | None:
    """Value of an Arabic or Chinese numeral, or None where it is not a number (百 alone is 100)."""
    if numeral[0].isdigit():
        try:
            return Decimal(numeral)
        except InvalidOperation:
            return None
    if numeral in ("百", "千"):
        return Decimal(100 if numeral == "百" else 1000)
    try:
        return Decimal(str(cn2an.cn2an(numeral, "smart")))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def _approx(match: regex.Match[str]) -> str:
    """The approximation a match states: a leading marker wins (近7000余万元 is about)."""
    before = match.group("before")
    if before and APPROX_BEFORE[before] != "exact":
        return APPROX_BEFORE[before]
    for group in ("in1", "in2"):
        if match.group(group):
            return APPROX_INSIDE[match.group(group)]
    after = match.group("after")
    if after:
        return APPROX_AFTER[after]
    return "exact"


def _is_ordinal(text: str, numeral_start: int) -> bool:
    return numeral_start > 0 and text[numeral_start - 1] in ORDINAL_PREFIXES


def _quantity(text: str, match: regex.Match[str]) -> Quantity | None:
    numeral, mult, unit = match.group("num"), match.group("mult"), match.group("unit")
    if not (numeral or mult) or not (unit or mult):
        return None
    if numeral is None:
        if not match.group("in2"):
            return None  # a bare 万元 is a word, not a figure
        value = Decimal(1)  # 万余人次: one 万, approximately
        numeral_start = match.start("mult")
    else:
        parsed = parse_numeral(numeral)
        if parsed is None:
            return None
        value = parsed
        numeral_start = match.start("num")
    if _is_ordinal(text, numeral_start):
        return None
    if mult:
        value *= MULTIPLIERS[mult]
    kind, base = "bare", ""
    if unit:
        spec = UNITS[unit]
        kind, base = str(spec["kind"]), str(spec["base"])
        value *= Decimal(str(spec["factor"]))
    end = match.end("after") if match.group("after") else match.end("unit") if unit else match.end()
    if not unit:
        end = match.end("in2") if match.group("in2") else match.end("mult")
    before = match.group("before")
    start = match.start("num") if before and APPROX_BEFORE[before] == "exact" else match.start()
    if numeral is None and before and APPROX_BEFORE[before] == "exact":
        start = match.start("mult")
    return Quantity(
        start=start,
        end=end,
        text=text[start:end],
        value=float(value),
        unit=base,
        kind=kind,
        approx=_approx(match),
        numeral_start=numeral_start,
    )


def find_quantities(text: str) -> Iterator[Quantity]:
    """Every quantity in ``text``, left to right, non-overlapping.

    Numerals preceded by a vague word (数亿元, 几千块钱) and ordinals (第十一届) are skipped:
    they name no figure that could be ranked.
    """
    pos = 0
    n = len(text)
    while pos < n:
        start = _START.search(text, pos)
        if start is None:
            return
        match = QUANTITY_PATTERN.match(text, start.start())
        quantity = _quantity(text, match) if match and match.end() > start.start() else None
        if quantity is None:
            pos = max(start.start() + 1, match.end("num") if match and match.group("num") else 0)
            continue
        if quantity.numeral_start > 0 and _VAGUE.match(text, quantity.numeral_start - 1):
            pos = quantity.end
            continue
        yield quantity
        pos = quantity.end

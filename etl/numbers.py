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
from functools import lru_cache

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


def number_tail_words() -> frozenset[str]:
    """Words written between a numeral and its unit: multipliers and 余/多 (``3千余``)."""
    return frozenset([*MULTIPLIERS, *APPROX_INSIDE])


def continuation_words() -> frozenset[str]:
    """Words that may follow a number on the next line of PDF text and belong to it.

    The reading stage rejoins ``1.6⏎亿元`` before any rule sees the text; it takes its words
    from here so that the grammar's units, multipliers and 余/多 are listed once, in
    ``quantities.yml``, beside the few non-unit followers (dates, ages, %) in
    ``line_continuations``.
    """
    return frozenset([*UNITS, *MULTIPLIERS, *APPROX_INSIDE, *_RULES["line_continuations"]])


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so 人次 wins over 人."""
    return "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))


_INSIDE = _alternation(APPROX_INSIDE)
_MULT = _alternation(MULTIPLIERS)
_UNIT = _alternation(UNITS)
# A numeral counts only when a marker, multiplier or unit follows it: the regex engine then
# skips years, list numbers and the 一 of 一是 without a Python call for each.
QUANTITY_PATTERN = regex.compile(
    rf"""
    (?P<before>{_alternation(APPROX_BEFORE)})?
    (?:
        (?P<num>\d+(?:\.\d+)?|[{_CN_DIGITS}]+)(?=(?:{_INSIDE}|{_MULT}|{_UNIT}))
        (?P<in1>{_INSIDE})?
        (?P<mult>{_MULT})?
      |
        (?P<mult>{_MULT})(?=(?:{_INSIDE}))    # 万余人次: a multiplier standing for one
    )
    (?P<in2>{_INSIDE})?
    (?P<unit>{_UNIT})?
    (?P<after>{_alternation(APPROX_AFTER)})?
    """,
    regex.VERBOSE,
)
_VAGUE = regex.compile(_alternation(VAGUE_NUMERALS))
# unit → (kind, base unit, factor), converted once from the rule file.
_UNIT_SPECS: dict[str, tuple[str, str, Decimal]] = {
    unit: (str(spec["kind"]), str(spec["base"]), Decimal(str(spec["factor"])))
    for unit, spec in UNITS.items()
}


@dataclass(frozen=True, slots=True)
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
    ordinal: bool = False  # 第十一届, 第十次: a rank, not an amount


@lru_cache(maxsize=4096)
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


def _approx(groups: dict[str, str | None]) -> str:
    """The approximation a match states: a leading marker wins (近7000余万元 is about)."""
    before = groups["before"]
    if before and APPROX_BEFORE[before] != "exact":
        return APPROX_BEFORE[before]
    inside = groups["in1"] or groups["in2"]
    if inside:
        return APPROX_INSIDE[inside]
    after = groups["after"]
    return APPROX_AFTER[after] if after else "exact"


def _quantity(text: str, match: regex.Match[str]) -> Quantity | None:
    groups = match.groupdict()
    numeral, mult, unit = groups["num"], groups["mult"], groups["unit"]
    if not (unit or mult):
        return None
    if numeral is None:
        value = Decimal(1)  # 万余人次: one 万, approximately
        numeral_start = match.start("mult")
    else:
        parsed = parse_numeral(numeral)
        if parsed is None:
            return None
        value = parsed
        numeral_start = match.start("num")
    ordinal = numeral_start > 0 and text[numeral_start - 1] in ORDINAL_PREFIXES
    if mult:
        value *= MULTIPLIERS[mult]
    kind, base = "bare", ""
    if unit:
        kind, base, factor = _UNIT_SPECS[unit]
        if factor != 1:
            value *= factor
        end = match.end()
    else:  # 136万: the figure ends with its multiplier (and 余/多)
        end = match.end("in2") if groups["in2"] else match.end("mult")
    before = groups["before"]
    start = numeral_start if before and APPROX_BEFORE[before] == "exact" else match.start()
    return Quantity(
        start=start,
        end=end,
        text=text[start:end],
        value=float(value),
        unit=base,
        kind=kind,
        approx=_approx(groups),
        numeral_start=numeral_start,
        ordinal=ordinal,
    )


def find_quantities(text: str) -> Iterator[Quantity]:
    """Every quantity in ``text``, left to right, non-overlapping.

    Numerals preceded by a vague word (数亿元, 几千块钱) are skipped: they name no figure
    that could be ranked. Ordinals (第十一届, 第十次) are kept with ``ordinal`` set: only the
    honours rule may read one (第十次荣获 is a tenth naming; 第十一届 a round of awards).
    """
    for match in QUANTITY_PATTERN.finditer(text):
        quantity = _quantity(text, match)
        if quantity is None:
            continue
        if quantity.numeral_start > 0 and _VAGUE.match(text, quantity.numeral_start - 1):
            continue
        yield quantity

"""Finding quantities in Chinese text: numerals, 万/亿 multipliers, 余/多/近 markers, units.

A quantity keeps its surface text and span beside its normalised value, so every number the
dashboard shows can be found again in the report. Chinese numerals are converted with
``cn2an``; Arabic numerals with ``Decimal`` so that 8898.99万元 is 88989900 exactly. The
grammar's words (units, multipliers, markers) come from ``etl/rules/quantities.yml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, DecimalException
from functools import cache, lru_cache
from typing import Any, Final, NamedTuple

import cn2an
import regex

from etl.openings import WHOLE_MATCH, compile_scanner
from etl.rulebook import rule_file

_CN_DIGITS: Final = "零〇一二两三四五六七八九十百千"
# A Chinese numeral may hold 万 and 亿 inside (一亿二千万, 一万一千): read as one number, not as
# 一亿 beside 二千万. A trailing 万/亿 is part of it too (二千万元 is 二千万 of 元).
_CN_NUMERAL: Final = f"[{_CN_DIGITS}]+(?:[万亿][{_CN_DIGITS}]+)*[万亿]?"


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so 人次 wins over 人."""
    return "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))


class Quantity:
    """A number with its unit as written, and its value in base units.

    A plain class, compared by its fields: compiled with the core (``etl.native``) it is
    built and read as a C struct, and the claim rules read a quantity's fields dozens of
    times for each of the thousands of numbers an article set holds (a NamedTuple is built
    through interpreted Python there, and read through a descriptor).
    """

    __slots__ = (
        "approx", "end", "kind", "numeral_start", "ordinal", "overlong", "start", "text",
        "unit", "value",
    )  # fmt: skip

    def __init__(
        self,
        start: int,
        end: int,
        text: str,
        value: float,
        unit: str,
        kind: str,
        approx: str,
        numeral_start: int,
        ordinal: bool = False,
        overlong: int | None = None,
    ) -> None:
        self.start: Final = start
        self.end: Final = end
        self.text: Final = text
        self.value: Final = value
        self.unit: Final = unit  # base unit: 元, 人, 人次, 户, 次; '' when none was written (136万)
        self.kind: Final = kind  # money | person | household | times | bare | item
        self.approx: Final = approx  # exact | about | over
        self.numeral_start: Final = numeral_start  # where the numeral starts (after 约/近/超过)
        self.ordinal: Final = ordinal  # 第十一届, 第十次: a rank, not an amount
        # Significant digits of a numeral too long to be a figure (``max_significant_digits``
        # of quantities.yml): its value is refused (0.0 stands in) and the claim made of it
        # is kept as 可疑, never ranked. None for every ordinary number.
        self.overlong: Final = overlong

    def _fields(self) -> tuple[object, ...]:
        return (
            self.start, self.end, self.text, self.value, self.unit, self.kind, self.approx,
            self.numeral_start, self.ordinal, self.overlong,
        )  # fmt: skip

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Quantity) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return f"Quantity{self._fields()!r}"


# The significant digits a numeral may have when no grammar says otherwise.
MAX_SIGNIFICANT_DIGITS: Final = 15


def significant_digits(numeral: str) -> int:
    """Digits of an Arabic numeral as written, less leading zeros (0.50 has 2, 007 has 1)."""
    digits = numeral.replace(".", "").lstrip("0")
    return len(digits)


@lru_cache(maxsize=4096)
def parse_numeral(numeral: str, max_digits: int = MAX_SIGNIFICANT_DIGITS) -> Decimal | None:
    """Value of an Arabic or Chinese numeral, or None where it is not a number (百 alone is 100)
    or is too long to be a figure (more than ``max_digits`` significant digits). Never raises.
    """
    if not numeral:
        return None
    if numeral[0].isdigit():
        if len(numeral) > max_digits and significant_digits(numeral) > max_digits:
            return None
        try:
            return Decimal(numeral)
        except DecimalException:
            return None
    if numeral in ("百", "千"):
        return Decimal(100 if numeral == "百" else 1000)
    # A Chinese numeral writes at most a digit and a unit per significant digit (with 零):
    # anything longer is no figure, and cn2an is not asked to read it.
    if len(numeral) > 2 * max_digits + 2:
        return None
    try:
        value = Decimal(str(cn2an.cn2an(numeral, "smart")))
    except (ValueError, KeyError, IndexError, TypeError, DecimalException):
        return None
    if not value.is_finite() or len(value.normalize().as_tuple().digits) > max_digits:
        return None
    return value


class _Shape(NamedTuple):
    """A matched surface read once: offsets from the match's start, value and unit."""

    start: int
    end: int
    numeral: int
    value: float
    unit: str
    kind: str
    approx: str
    overlong: int | None


# Distinct surfaces remembered per grammar before the memory is emptied (a hostile text of
# a million different numbers must not grow it without bound).
MAX_REMEMBERED_SHAPES: Final = 50_000


@dataclass(frozen=True)
class QuantityGrammar:
    """The words of ``quantities.yml`` (units, multipliers, markers) compiled into one pattern.

    Built from a rule file's contents (``from_rules``), so a test can load a second grammar
    beside the shipped one (``shipped``, read once).
    """

    units: dict[str, dict[str, Any]]
    multipliers: dict[str, int]
    approx_before: dict[str, str]
    approx_inside: dict[str, str]
    approx_after: dict[str, str]
    vague_numerals: tuple[str, ...]
    ordinal_prefixes: tuple[str, ...]
    line_continuations: tuple[str, ...]
    max_significant_digits: int = MAX_SIGNIFICANT_DIGITS
    pattern: re.Pattern[str] = field(init=False, repr=False)  # a number: group WHOLE_MATCH
    vague: regex.Pattern[str] = field(init=False, repr=False)
    vague_initials: frozenset[str] = field(init=False, repr=False)
    # The leading markers, longest first, and the characters they end with.
    _markers: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _marker_ends: frozenset[str] = field(init=False, repr=False, compare=False)
    unit_specs: dict[str, tuple[str, str, Decimal]] = field(init=False, repr=False)
    # What a matched surface reads as (see ``_shape``), remembered: reports repeat their
    # figures' surfaces (一次, 九连冠, 1名) far more often than they write new ones.
    _shapes: dict[str, _Shape | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        inside, mult = _alternation(self.approx_inside), _alternation(self.multipliers)
        unit = _alternation(self.units)
        # A numeral counts only when a marker, multiplier or unit follows it: the regex engine
        # then skips years, list numbers and the 一 of 一是 without a Python call for each.
        # Arabic digits as [0-9] (reading made full-width ones ASCII; ``\d`` has the engine
        # look every character up in Unicode's digit table), read whole: a run of digits
        # starts nowhere inside another and gives back none of its digits (what follows a
        # shorter run is a digit, never a unit), so a year costs one try, not ten.
        # Searched behind its opening characters as a class the engine skips to in its own
        # loop (``etl.openings.compile_scanner``): the number is group WHOLE_MATCH.
        # A leading marker (约, 近, 超过) is read in Python (``_marker_before``): no numeral
        # opens with one of its characters, so none is tried at each of theirs.
        # Before any of that, a cheap test every number passes: a run of numeral characters
        # followed by a character some marker, multiplier or unit opens with. Most tries (the
        # 一 of 统一, a year before 年) fail it in a few steps instead of in the alternations.
        followers = re.escape(
            "".join(sorted({w[0] for w in self.number_tail_words() | set(self.units)}))
        )
        source = rf"""
            (?=[0-9.{_CN_DIGITS}万亿]*[{followers}])
            (?:
                (?P<num>(?<![0-9])[0-9]++(?:\.[0-9]++)?+|{_CN_NUMERAL})
                (?=(?:{inside}|{mult}|{unit}))
                (?P<in1>{inside})?
                (?P<mult>{mult})?
              |
                (?P<lone>{mult})(?=(?:{inside}))    # 万余人次: a multiplier standing for one
            )
            (?P<in2>{inside})?
            (?P<unit>{unit})?
            (?P<after>{_alternation(self.approx_after)})?
            """
        pattern = compile_scanner(source, re.VERBOSE)
        specs = {
            u: (str(spec["kind"]), str(spec["base"]), Decimal(str(spec["factor"])))
            for u, spec in self.units.items()
        }
        object.__setattr__(self, "pattern", pattern)
        object.__setattr__(self, "vague", regex.compile(_alternation(self.vague_numerals)))
        object.__setattr__(self, "vague_initials", frozenset(w[0] for w in self.vague_numerals))
        markers = tuple(sorted(filter(None, self.approx_before), key=len, reverse=True))
        object.__setattr__(self, "_markers", markers)
        object.__setattr__(self, "_marker_ends", frozenset(w[-1] for w in markers))
        object.__setattr__(self, "unit_specs", specs)
        object.__setattr__(self, "_shapes", {})

    @classmethod
    def from_rules(cls, rules: dict[str, Any]) -> QuantityGrammar:
        return cls(
            units=dict(rules["units"]),
            multipliers=dict(rules["multipliers"]),
            approx_before=dict(rules["approx_before"]),
            approx_inside=dict(rules["approx_inside"]),
            approx_after=dict(rules["approx_after"]),
            vague_numerals=tuple(rules["vague_numerals"]),
            ordinal_prefixes=tuple(rules["ordinal_prefixes"]),
            line_continuations=tuple(rules.get("line_continuations") or ()),
            max_significant_digits=int(rules.get("max_significant_digits", MAX_SIGNIFICANT_DIGITS)),
        )

    @classmethod
    def shipped(cls) -> QuantityGrammar:
        """The grammar of ``etl/rules/quantities.yml`` (built once)."""
        return _shipped_grammar()

    def number_tail_words(self) -> frozenset[str]:
        """Words written between a numeral and its unit: multipliers and 余/多 (``3千余``)."""
        return frozenset([*self.multipliers, *self.approx_inside])

    def continuation_words(self) -> frozenset[str]:
        """Words that may follow a number on the next line of PDF text and belong to it.

        The reading stage rejoins ``1.6⏎亿元`` before any rule sees the text; it takes its
        words from here so that the grammar's units, multipliers and 余/多 are listed once,
        in ``quantities.yml``, beside the few non-unit followers (dates, ages, %) in
        ``line_continuations``.
        """
        return frozenset(
            [*self.units, *self.multipliers, *self.approx_inside, *self.line_continuations]
        )

    def _approx(self, before: str, groups: dict[str, str | Any]) -> str:
        """The approximation a match states: a leading marker wins (近7000余万元 is about)."""
        if before and self.approx_before[before] != "exact":
            return self.approx_before[before]
        inside = groups["in1"] or groups["in2"]
        if inside:
            return self.approx_inside[inside]
        after = groups["after"]
        return self.approx_after[after] if after else "exact"

    def _shape(self, match: re.Match[str], before: str, at: int, stop: int) -> _Shape | None:
        """What a match led by the marker ``before`` (the number at ``text[at:stop]``, marker
        included) reads as, as offsets from ``at``: a function of its surface alone (its one
        look-behind, no digit before a run of digits, holds wherever the surface was found
        whole; its look-aheads end inside it)."""
        groups = match.groupdict()
        numeral, unit = groups["num"], groups["unit"]
        mult = groups["mult"] or groups["lone"]
        if not (unit or mult):
            return None
        overlong: int | None = None
        limit = self.max_significant_digits
        if numeral is None:
            value = Decimal(1)  # 万余人次: one 万, approximately
            numeral_start = match.start("lone")
        elif len(numeral) > limit and numeral[0].isdigit() and significant_digits(numeral) > limit:
            # 投入资金999…9万元: found, so that its claim is kept and marked, but no value.
            value, overlong = Decimal(0), significant_digits(numeral)
            numeral_start = match.start("num")
        else:
            parsed = parse_numeral(numeral, limit)
            if parsed is None and numeral[-1] in "万亿" and len(numeral) > 1:
                # 千万 is no numeral cn2an reads; its head is (千), times its last 万.
                head = parse_numeral(numeral[:-1], limit)
                parsed = None if head is None else head * (10000 if numeral[-1] == "万" else 10**8)
            if parsed is None:
                return None
            value = parsed
            numeral_start = match.start("num")
        if mult and overlong is None:
            value *= self.multipliers[mult]
        kind, base = "bare", ""
        if unit:
            kind, base, factor = self.unit_specs[unit]
            if factor != 1 and overlong is None:
                value *= factor
            end = stop
        else:  # 136万: the figure ends with its multiplier (and 余/多)
            end = (
                match.end("in2")
                if groups["in2"]
                else match.end("mult")
                if groups["mult"]
                else match.end("lone")
            )
        exact_lead = before and self.approx_before[before] == "exact"
        start = numeral_start if exact_lead else at
        return _Shape(
            start - at, end - at, numeral_start - at, float(value), base, kind,
            self._approx(before, groups), overlong,
        )  # fmt: skip

    def _marker_before(self, text: str, at: int, free: int) -> str:
        """The leading marker (约, 大约, 超过) written right before ``text[at]``, longest
        first, within ``text[free:]`` (a number found before owns what precedes ``free``)."""
        for word in self._markers:
            if at - len(word) >= free and text.startswith(word, at - len(word)):
                return word
        return ""

    def find(self, text: str) -> Iterator[Quantity]:
        """Every quantity in ``text``, left to right, non-overlapping.

        Numerals preceded by a vague word (数亿元, 几千块钱) are skipped: they name no figure
        that could be ranked. Ordinals (第十一届, 第十次) are kept with ``ordinal`` set: only
        the honours rule may read one (第十次荣获 is a tenth naming; 第十一届 a round).
        """
        shapes = self._shapes
        if len(shapes) > MAX_REMEMBERED_SHAPES:
            shapes.clear()
        ordinals, vague_initials = self.ordinal_prefixes, self.vague_initials
        search, pos = self.pattern.search, 0
        while (match := search(text, pos)) is not None:
            free = pos  # where the number found before ends
            at, pos = match.span(WHOLE_MATCH)
            before = (
                self._marker_before(text, at, free)
                if text[at - 1 : at] in self._marker_ends
                else ""
            )
            at -= len(before)
            surface = text[at:pos]
            shape = shapes.get(surface)
            if shape is None and surface not in shapes:
                shape = shapes[surface] = self._shape(match, before, at, pos)
            if shape is None:
                continue
            numeral_start = at + shape.numeral
            if (
                numeral_start > 0
                and text[numeral_start - 1] in vague_initials
                and self.vague.match(text, numeral_start - 1)
            ):
                continue
            start, end = at + shape.start, at + shape.end
            ordinal = numeral_start > 0 and text[numeral_start - 1] in ordinals
            yield Quantity(
                start, end, text[start:end], shape.value, shape.unit, shape.kind, shape.approx,
                numeral_start, ordinal, shape.overlong,
            )  # fmt: skip


@cache
def _shipped_grammar() -> QuantityGrammar:
    return QuantityGrammar.from_rules(rule_file("quantities"))


def find_quantities(text: str, grammar: QuantityGrammar | None = None) -> Iterator[Quantity]:
    """Every quantity in ``text`` under ``grammar`` (the shipped one by default)."""
    return (grammar or QuantityGrammar.shipped()).find(text)

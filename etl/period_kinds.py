"""The kind of period a figure covers and the years it covers, as the value rule reads them.

A ranking of one year must hold only figures of that year, and a ranking of several years
only figures over comparable spans. Each claim therefore carries a kind (a code of
``etl/rules/period_kinds.yml``) and the years it covers, decided in this order:

1. the period phrase that governs it in its sentence or opens its paragraph
   (``etl.periods``): its rule's kind, with its years (a span of one year is that year);
2. else a 累计 stock word before it in its clause: ``as_of`` the governing heading's last
   year, or the article's year;
3. else the period of the enumerated heading it stands under (一、2023年工作情况);
4. else a part-of-year word in its sentence (上半年): ``part_year`` of the article's year;
5. else ``unstated``, covering the article's year.

An honour count is ``as_of`` the article's year (counts are cumulative). The SPEC's
``period_start``/``period_end`` are left as the sentence states them; only the covered
years take headings and the article's year into account.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, NamedTuple

from etl.periods import Period, PeriodGrammar
from etl.rulebook import rule_file
from etl.wordsets import WordSet
from valuation.registry import AS_OF_KIND, PERIOD_KINDS, UNSTATED_KIND

YEAR_KIND: Final = "year"
SPAN_KIND: Final = "span"
PART_YEAR_KIND: Final = "part_year"


class Covered(NamedTuple):
    """A figure's period kind and the years it covers (None: not known).

    (A tuple: compiled with mypyc, a frozen dataclass is built through ``object.__setattr__``
    for each field, at three times the cost, and one is built for every figure.)
    """

    kind: str
    start: int | None
    end: int | None


@dataclass(frozen=True)
class PeriodCues:
    """The words and headings of ``quantities.yml`` (section ``period_cues``)."""

    stock_words: WordSet
    part_year_words: WordSet
    heading_levels: tuple[re.Pattern[str], ...]
    heading_lead_chars: int
    heading_max_chars: int

    @classmethod
    def from_rules(cls, spec: dict[str, Any]) -> PeriodCues:
        return cls(
            stock_words=WordSet(spec["stock_words"]),
            part_year_words=WordSet(spec["part_year_words"]),
            heading_levels=tuple(re.compile(p) for p in spec["heading_levels"]),
            heading_lead_chars=int(spec["heading_lead_chars"]),
            heading_max_chars=int(spec["heading_max_chars"]),
        )

    @classmethod
    def shipped(cls) -> PeriodCues:
        return _shipped_cues()


@cache
def _shipped_cues() -> PeriodCues:
    return PeriodCues.from_rules(rule_file("quantities")["period_cues"])


def of_period(period: Period) -> Covered:
    """What a period phrase covers: its rule's kind, a span of one year being that year;
    a count as of a year (截至2023年) covers up to it from an unstated start."""
    kind = period.kind if period.kind in PERIOD_KINDS else YEAR_KIND
    if kind == SPAN_KIND and period.start is not None and period.start == period.end:
        kind = YEAR_KIND
    if kind == AS_OF_KIND:
        return Covered(kind, None, period.end)
    return Covered(kind, period.start, period.end)


def _article_year(kind: str, year: int | None) -> Covered:
    return Covered(kind, year, year)


class Heading(NamedTuple):
    """An enumerated heading line: where its line starts, its level, its period if any."""

    start: int
    level: int
    period: Period | None


def headings(
    text: str, grammar: PeriodGrammar, cues: PeriodCues, year: int | None
) -> list[Heading]:
    """The enumerated heading lines of an article, in order (one pass over its lines)."""
    found: list[Heading] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip()
        lead = len(line) - len(stripped)
        body = stripped.rstrip()
        if body and len(body) <= cues.heading_max_chars:
            for level, pattern in enumerate(cues.heading_levels):
                marker = pattern.match(body)
                if marker is None:
                    continue
                start = pos + lead + marker.end()
                phrases = grammar.find(text, start, start + len(body) - marker.end(), year)
                period = next(
                    (p for p in phrases if p.position - start <= cues.heading_lead_chars), None
                )
                found.append(Heading(pos, level, period))
                break
        pos += len(line)
    return found


def heading_period(found: list[Heading], starts: list[int], pos: int) -> Period | None:
    """The period of the headings ``pos`` stands under: the deepest one that states a
    period, among the last heading of each level not closed by a heading above it."""
    i = bisect.bisect_right(starts, pos) - 1
    deepest: dict[int, Heading] = {}
    while i >= 0:
        heading = found[i]
        if all(heading.level < level for level in deepest):
            deepest[heading.level] = heading
            if heading.level == 0:
                break
        i -= 1
    for level in sorted(deepest, reverse=True):
        if deepest[level].period is not None:
            return deepest[level].period
    return None


def covered(
    governing: Period | None,
    heading: Period | None,
    stock: bool,
    part_of_year: bool,
    year: int | None,
) -> Covered:
    """The kind and years of a money or person figure (see the module docstring)."""
    if governing is not None:
        return of_period(governing)
    if stock:
        end = of_period(heading).end if heading is not None else year
        return Covered(AS_OF_KIND, None, end)
    if heading is not None:
        return of_period(heading)
    if part_of_year:
        return _article_year(PART_YEAR_KIND, year)
    return _article_year(UNSTATED_KIND, year)


def honour(year: int | None) -> Covered:
    """An honour count: cumulative, as of the article's year."""
    return Covered(AS_OF_KIND, None, year)

"""The period a figure covers: 2016年以来, 4年来, 今年上半年, 2022年, “十三五”期间, 每年.

Figures are comparable only when their periods are of the same kind, so every claim records
the period its sentence states (as years) and the phrase it came from. Patterns and the
arithmetic for relative periods (``year - n + 1``) live in ``etl/rules/quantities.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import regex

from etl.numbers import parse_numeral
from etl.openings import compile_with_opening
from etl.rulebook import rule_file


@dataclass(frozen=True, slots=True)
class PeriodRule:
    name: str
    pattern: regex.Pattern[str]
    start: str | None
    end: str | None
    kind: str = "year"  # a code of etl/rules/period_kinds.yml


@dataclass(frozen=True, slots=True)
class Period:
    start: int | None
    end: int | None
    text: str
    position: int
    rule: str = ""
    kind: str = "year"  # a code of etl/rules/period_kinds.yml (etl.period_kinds)


_ALLOWED_NAMES = frozenset({"y1", "y2", "n", "year"})


def _evaluate(expression: str | None, names: dict[str, int | None]) -> int | None:
    """Evaluate ``year - n + 1``-style expressions from the rule file, without ``eval``."""
    if expression is None:
        return None
    total = 0
    sign = 1
    for token in expression.replace("-", " - ").replace("+", " + ").split():
        if token == "-":
            sign = -1
            continue
        if token == "+":
            sign = 1
            continue
        if token.isdigit():
            value: int | None = int(token)
        elif token in _ALLOWED_NAMES:
            value = names.get(token)
        else:
            raise ValueError(f"unknown name {token!r} in period expression {expression!r}")
        if value is None:
            return None
        total += sign * value
        sign = 1
    return total


def _names(match: regex.Match[str], year: int | None) -> dict[str, int | None]:
    names: dict[str, int | None] = {"year": year, "y1": None, "y2": None, "n": None}
    groups = match.groupdict()
    for key in ("y1", "y2"):
        if groups.get(key):
            names[key] = int(groups[key])
    if groups.get("n"):
        parsed = parse_numeral(groups["n"])
        names["n"] = int(parsed) if parsed is not None else None
    return names


def period_for(periods: list[Period], clause_end: int, value_start: int) -> Period | None:
    """The period that governs a figure, from the period phrases of its sentence: the nearest
    one before it, else the first one after it in its own clause (投入资金150万元（2022年）)."""
    governing = None
    for period in periods:
        if period.position < value_start:
            governing = period
        elif governing is None and period.position < clause_end:
            return period
        else:
            break
    return governing


# Periods that can open a paragraph and govern all of it (近4年来，…。…。); a bare year or
# 每年 at a paragraph's start usually dates one event, not the paragraph.
NOT_PARAGRAPH_RULES = frozenset({"one_year", "every_year", "last_year", "as_of_year", "year_part"})
# How far into a paragraph its governing period phrase may start (after 一是, 　　 …).
PARAGRAPH_LEAD_CHARS = 8


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


@dataclass(frozen=True)
class PeriodGrammar:
    """The period phrases of ``quantities.yml`` (section ``periods``), compiled once."""

    rules: tuple[PeriodRule, ...]
    # One alternation over all rules, so a sentence is scanned once. The scan is the
    # standard engine's when the patterns allow (several times faster here; the rules share
    # group names, which it refuses, and the scan needs none of them), led by the
    # characters a period phrase can open with (``etl.openings``: five times faster again).
    # Each rule's alternative is a group of its own, so the match says which rule it is
    # (``rule_of_group``: the number of the group → the rule's index); that rule alone is
    # then matched again for its named groups. Earlier rules win, as in the alternation.
    any_period: re.Pattern[str] | regex.Pattern[str] = field(init=False, repr=False)
    rule_of_group: dict[int, int] = field(init=False, repr=False)
    paragraph_rules: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        any_period: re.Pattern[str] | regex.Pattern[str]
        rule_of_group: dict[int, int] = {}
        try:
            parts = [_NAMED_GROUP.sub("(?:", r.pattern.pattern) for r in self.rules]
            group = 1
            for i, part in enumerate(parts):
                rule_of_group[group] = i
                group += 1 + re.compile(part).groups
            any_period = compile_with_opening("|".join(f"({part})" for part in parts))
        except re.error:  # a rule written for the ``regex`` module alone
            any_period = regex.compile("|".join(f"(?:{r.pattern.pattern})" for r in self.rules))
            rule_of_group = {}
        object.__setattr__(self, "any_period", any_period)
        object.__setattr__(self, "rule_of_group", rule_of_group)
        names = frozenset(r.name for r in self.rules if r.name not in NOT_PARAGRAPH_RULES)
        object.__setattr__(self, "paragraph_rules", names)

    @classmethod
    def from_rules(cls, entries: list[dict[str, Any]]) -> PeriodGrammar:
        return cls(
            tuple(
                PeriodRule(
                    name=entry["name"],
                    pattern=regex.compile(entry["pattern"]),
                    start=None if entry["start"] is None else str(entry["start"]),
                    end=None if entry["end"] is None else str(entry["end"]),
                    kind=str(entry.get("kind", "year")),
                )
                for entry in entries
            )
        )

    @classmethod
    def shipped(cls) -> PeriodGrammar:
        """The periods of ``etl/rules/quantities.yml`` (built once)."""
        return _shipped_periods()

    def find(self, text: str, start: int, end: int, year: int | None) -> list[Period]:
        """Period phrases in ``text[start:end]``, in order, resolved against the article's year."""
        found: list[Period] = []
        pos = start
        rules, search, rule_of_group = self.rules, self.any_period.search, self.rule_of_group
        while True:
            match = search(text, pos, end)
            if match is None:
                return found
            at = match.start()
            index = rule_of_group.get(match.lastindex or 0)
            rule = rules[index] if index is not None else None
            own = rule.pattern.match(text, at, end) if rule is not None else None
            if own is None:  # the rule not told by the scan: the first one matching there
                rule, own = next(
                    ((r, m) for r in rules if (m := r.pattern.match(text, at, end)) is not None),
                    (None, None),
                )
            if rule is not None and own is not None:
                names = _names(own, year)
                found.append(
                    Period(
                        start=_evaluate(rule.start, names),
                        end=_evaluate(rule.end, names),
                        text=own.group(),
                        position=own.start(),
                        rule=rule.name,
                        kind=rule.kind,
                    )
                )
            pos = max(match.end(), at + 1)

    def leading(self, periods: list[Period], paragraph_start: int) -> Period | None:
        """The period phrase that opens a paragraph, if its first sentence starts with one."""
        for period in periods:
            if period.position - paragraph_start > PARAGRAPH_LEAD_CHARS:
                return None
            if period.rule in self.paragraph_rules:
                return period
        return None


@cache
def _shipped_periods() -> PeriodGrammar:
    return PeriodGrammar.from_rules(rule_file("quantities")["periods"])

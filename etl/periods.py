"""The period a figure covers: 2016年以来, 4年来, 今年上半年, 2022年, “十三五”期间, 每年.

Figures are comparable only when their periods are of the same kind, so every claim records
the period its sentence states (as years) and the phrase it came from. Patterns and the
arithmetic for relative periods (``year - n + 1``) live in ``etl/rules/quantities.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final, NamedTuple

import regex

from etl.numbers import parse_numeral
from etl.openings import compile_with_opening, required_chars
from etl.rulebook import rule_file


@dataclass(frozen=True, slots=True)
class PeriodRule:
    name: str
    pattern: regex.Pattern[str]
    start: str | None
    end: str | None
    kind: str = "year"  # a code of etl/rules/period_kinds.yml


class Period(NamedTuple):
    """A period phrase of a sentence: the years it states, where it stands, which rule read it.

    (A tuple: compiled with mypyc, a frozen dataclass is built through ``object.__setattr__``
    for each field, at three times the cost, and one is built for every period phrase found.)
    """

    start: int | None
    end: int | None
    text: str
    position: int
    rule: str = ""
    kind: str = "year"  # a code of etl/rules/period_kinds.yml (etl.period_kinds)


_ALLOWED_NAMES: Final = frozenset({"y1", "y2", "n", "year"})


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


def _names(groups: dict[str, str | None], year: int | None) -> dict[str, int | None]:
    """The names a period expression may use, from a match's named groups."""
    names: dict[str, int | None] = {"year": year, "y1": None, "y2": None, "n": None}
    for key in ("y1", "y2"):
        if digits := groups.get(key):
            names[key] = int(digits)
    if numeral := groups.get("n"):
        parsed = parse_numeral(numeral)
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
NOT_PARAGRAPH_RULES: Final = frozenset(
    {"one_year", "every_year", "last_year", "as_of_year", "year_part"}
)
# How far into a paragraph its governing period phrase may start (after 一是, 　　 …).
PARAGRAPH_LEAD_CHARS: Final = 8


# A named group and a reference to one, renamed per rule for the joint scan.
_GROUP_NAME: Final = re.compile(r"\(\?P<(\w+)>")
_GROUP_REFERENCE: Final = re.compile(r"\(\?P=(\w+)\)")


def _own_names(pattern: str, index: int) -> str:
    """A rule's pattern with its group names made its own (``y1`` of rule 3 → ``r3_y1``):
    the rules share names, which one alternation of the standard engine refuses."""
    pattern = _GROUP_NAME.sub(lambda m: f"(?P<r{index}_{m.group(1)}>", pattern)
    return _GROUP_REFERENCE.sub(lambda m: f"(?P=r{index}_{m.group(1)})", pattern)


@dataclass(frozen=True, slots=True)
class _ScanRule:
    """A rule as the joint scan tells it: the rule, and its groups' names in the scan."""

    rule: PeriodRule
    groups: tuple[tuple[str, str], ...]  # (the rule's name, the scan's name)


@dataclass(frozen=True)
class PeriodGrammar:
    """The period phrases of ``quantities.yml`` (section ``periods``), compiled once."""

    rules: tuple[PeriodRule, ...]
    # One alternation over all rules, so a sentence is scanned once: the standard engine's
    # when the patterns allow (several times faster here), led by the characters a period
    # phrase can open with (``etl.openings``: five times faster again). Each rule's
    # alternative ends in an empty group of its own and its group names are its own
    # (``_own_names``), so the match says which rule it is (``scan_rules``: the number of
    # that empty group → the rule) and holds its years: no rule is matched again. Earlier
    # rules win, as in the alternation. Rules written for the ``regex`` module alone are
    # scanned by it, and the rule is then found by trying each in turn (``scan_rules``
    # empty).
    any_period: re.Pattern[str] | regex.Pattern[str] = field(init=False, repr=False)
    scan_rules: dict[int, _ScanRule] = field(init=False, repr=False)
    # Characters one of which every period phrase holds (年, and 十 for 十三五 and 党的十八大以来):
    # most sentences with a figure hold neither and are not scanned (None: not known).
    required: str | None = field(init=False, repr=False)
    paragraph_rules: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        any_period: re.Pattern[str] | regex.Pattern[str]
        scan_rules: dict[int, _ScanRule] = {}
        parts = [_own_names(r.pattern.pattern, i) for i, r in enumerate(self.rules)]
        # Each rule's alternative ends in an empty group of its own, the last group of the
        # match to close (``lastindex``). Not a group around the alternative: one that
        # opens with a literal or a class is then skipped by the engine at a glance.
        joint = "|".join(f"(?:{part})()" for part in parts)
        try:
            any_period = compile_with_opening(joint)
            group = 0
            for i, (rule, part) in enumerate(zip(self.rules, parts, strict=True)):
                own = tuple((name, f"r{i}_{name}") for name in rule.pattern.groupindex)
                group += re.compile(part).groups + 1
                scan_rules[group] = _ScanRule(rule, own)
        except re.error:  # a rule written for the ``regex`` module alone
            any_period = regex.compile("|".join(f"(?:{r.pattern.pattern})" for r in self.rules))
            scan_rules = {}
        object.__setattr__(self, "any_period", any_period)
        object.__setattr__(self, "scan_rules", scan_rules)
        object.__setattr__(self, "required", required_chars(joint))
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
        if self.required is not None and all(text.find(ch, start, end) < 0 for ch in self.required):
            return found
        pos = start
        search, scan_rules = self.any_period.search, self.scan_rules
        while True:
            match = search(text, pos, end)
            if match is None:
                return found
            at = match.start()
            scanned = scan_rules.get(match.lastindex or 0)
            if scanned is not None:
                rule, phrase = scanned.rule, match.group()
                groups = {name: match.group(scan) for name, scan in scanned.groups}
            else:  # the first rule that matches there (``regex`` alone reads these rules)
                told = next(
                    ((r, m) for r in self.rules if (m := r.pattern.match(text, at, end))), None
                )
                if told is None:
                    pos = max(match.end(), at + 1)
                    continue
                rule, own = told
                phrase, groups = own.group(), own.groupdict()
            names = _names(groups, year)
            found.append(
                Period(
                    start=_evaluate(rule.start, names),
                    end=_evaluate(rule.end, names),
                    text=phrase,
                    position=at,
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

"""Refusing documents that are not 双拥 reports, with a message naming the file.

A text that decodes cleanly can still be the wrong file (a novel, a recipe, a price list):
it would load as an article without claims and quietly dilute the overview. No single word
decides: a real report on resettlement or conscription may never say 双拥, while a novel
whose hero once served names a 部队. The gate therefore weighs breadth (terms from several
families of 双拥 work), density (how often they occur) and register (the official and news
language reports are written in); the words and thresholds are in
``etl/rules/report_gate.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from etl.models import SourceText
from etl.rulebook import rule_file

_RULES: dict[str, Any] = rule_file("report_gate")


def _alternation(words: list[str]) -> re.Pattern[str]:
    """Longest word first; a class of first characters up front lets ``re`` skip fast."""
    firsts = "".join(sorted({w[0] for w in words}))
    body = "|".join(map(re.escape, sorted(set(words), key=len, reverse=True)))
    return re.compile(f"(?=[{re.escape(firsts)}])(?:{body})")


_FAMILIES: dict[str, tuple[float, frozenset[str]]] = {
    name: (float(spec["weight"]), frozenset(spec["terms"]))
    for name, spec in _RULES["families"].items()
}
_TERM_FAMILY: dict[str, str] = {t: name for name, (_, terms) in _FAMILIES.items() for t in terms}
_TERMS = _alternation(list(_TERM_FAMILY))
_REGISTER = _alternation(_RULES["register"])
_SCAN = int(_RULES["scan_chars"])
_CAP = int(_RULES["max_terms_per_family"])
_MIN_BREADTH = float(_RULES["min_breadth"])
_MIN_DENSITY = float(_RULES["min_density"])
_MIN_REGISTER = int(_RULES["min_register"])
_SPACE = re.compile(r"\s+")


class NotAReportError(ValueError):
    """The file decodes as Chinese text but says nothing about 双拥 work."""


@dataclass(frozen=True)
class GateEvidence:
    """What the gate measured on a text, and whether that makes it a report."""

    breadth: float
    density: float
    register: int
    families: tuple[str, ...]

    @property
    def passes(self) -> bool:
        return (
            self.breadth >= _MIN_BREADTH
            and self.density >= _MIN_DENSITY
            and self.register >= _MIN_REGISTER
        )

    def reason(self) -> str:
        """Which measures fell short, in words a user can act on."""
        short = []
        if self.breadth < _MIN_BREADTH:
            named = "、".join(self.families) or "none"
            short.append(f"too few kinds of 双拥 terms ({named})")
        if self.density < _MIN_DENSITY:
            short.append(f"such terms too rare ({self.density:.1f} per 1000 characters)")
        if self.register < _MIN_REGISTER:
            short.append("not written as a report (no 召开, 部署, 全市 …)")
        return "; ".join(short)


def weigh(text: str) -> GateEvidence:
    """The gate's measures on the first ``scan_chars`` characters of ``text``.

    Line breaks and spaces are removed first so that a term broken by PDF layout still
    counts; only a prefix is read, so the cost of the gate does not grow with the file.
    """
    sample = _SPACE.sub("", text[:_SCAN])
    found: dict[str, set[str]] = {}
    hits = 0
    for m in _TERMS.finditer(sample):
        hits += 1
        found.setdefault(_TERM_FAMILY[m[0]], set()).add(m[0])
    breadth = sum(_FAMILIES[name][0] * min(len(terms), _CAP) for name, terms in found.items())
    density = 1000 * hits / max(len(sample), 1)
    register = len({m[0] for m in _REGISTER.finditer(sample)})
    return GateEvidence(breadth, density, register, tuple(sorted(found)))


def check_is_report(doc: SourceText) -> None:
    """Raise :class:`NotAReportError` unless ``doc`` reads as a report on 双拥 work."""
    evidence = weigh(doc.clean)
    if not evidence.passes:
        raise NotAReportError(f"{doc.name}: not a 双拥 report: {evidence.reason()}")

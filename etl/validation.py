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
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from etl.models import SourceText
from etl.refusals import FileRefused, Reason, Words, joined, reason, word
from etl.rulebook import load_yaml, rule_file

_SPACE = re.compile(r"\s+")


def _alternation(words: list[str]) -> re.Pattern[str]:
    """Longest word first; a class of first characters up front lets ``re`` skip fast."""
    firsts = "".join(sorted({w[0] for w in words}))
    body = "|".join(map(re.escape, sorted(set(words), key=len, reverse=True)))
    return re.compile(f"(?=[{re.escape(firsts)}])(?:{body})")


@dataclass(frozen=True)
class ReportGate:
    """The words and thresholds of ``report_gate.yml``, compiled.

    Built from a rule file's contents (``from_rules``) or another file (``from_file``), so a
    test can load a second gate beside the shipped one (``shipped``, built once).
    """

    families: dict[str, tuple[float, frozenset[str]]]
    # How a refusal names each family to a user (``label``; the family's key if none).
    labels: dict[str, str]
    term_family: dict[str, str]
    terms: re.Pattern[str]
    register: re.Pattern[str]
    scan_chars: int
    max_terms_per_family: int
    min_breadth: float
    min_density: float
    min_register: int
    # Breadth at which one register word is enough: a short news item full of the work's
    # terms (接收安置退役士兵, 双拥模范城, 退役军人服务站) is a report however briefly written.
    strong_breadth: float
    min_register_when_strong: int

    @classmethod
    def from_rules(cls, data: dict[str, Any]) -> ReportGate:
        """The gate of a ``report_gate.yml``'s parsed contents."""
        families = {
            name: (float(spec["weight"]), frozenset(spec["terms"]))
            for name, spec in data["families"].items()
        }
        term_family = {t: name for name, (_, terms) in families.items() for t in terms}
        return cls(
            families=families,
            labels={name: str(spec.get("label", name)) for name, spec in data["families"].items()},
            term_family=term_family,
            terms=_alternation(list(term_family)),
            register=_alternation(data["register"]),
            scan_chars=int(data["scan_chars"]),
            max_terms_per_family=int(data["max_terms_per_family"]),
            min_breadth=float(data["min_breadth"]),
            min_density=float(data["min_density"]),
            min_register=int(data["min_register"]),
            strong_breadth=float(data["strong_breadth"]),
            min_register_when_strong=int(data["min_register_when_strong"]),
        )

    @classmethod
    def from_file(cls, path: Path) -> ReportGate:
        """The gate of another ``report_gate.yml`` (duplicate keys refused)."""
        return cls.from_rules(load_yaml(path))

    @classmethod
    def shipped(cls) -> ReportGate:
        """The gate of ``etl/rules/report_gate.yml`` (built once)."""
        return _shipped_gate()


@cache
def _shipped_gate() -> ReportGate:
    return ReportGate.from_rules(rule_file("report_gate"))


class NotAReportError(FileRefused, ValueError):
    """The file decodes as Chinese text but says nothing about 双拥 work; ``why`` says which
    measures fell short in both languages (``etl.refusals``)."""


@dataclass(frozen=True)
class GateEvidence:
    """What the gate measured on a text, and whether that makes it a report (for ``gate``)."""

    breadth: float
    density: float
    register: int
    families: tuple[str, ...]
    gate: ReportGate = field(repr=False, compare=False)

    @property
    def min_register(self) -> int:
        """The register this text needs: less when its 双拥 terms are broad."""
        gate = self.gate
        strong = self.breadth >= gate.strong_breadth
        return gate.min_register_when_strong if strong else gate.min_register

    @property
    def passes(self) -> bool:
        gate = self.gate
        return (
            self.breadth >= gate.min_breadth
            and self.density >= gate.min_density
            and self.register >= self.min_register
        )

    def reason(self) -> Reason:
        """Which measures fell short, in words a user can act on."""
        gate = self.gate
        short = []
        if self.breadth < gate.min_breadth:
            found = Words(
                "、".join(self.families) or word("none").en,
                "、".join(gate.labels[f] for f in self.families) or word("none").zh,
            )
            short.append(reason("few_kinds_of_terms", families=found))
        if self.density < gate.min_density:
            short.append(reason("terms_too_rare", density=f"{self.density:.1f}"))
        if self.register < self.min_register:
            short.append(reason("not_report_register"))
        return reason("not_a_report", why=joined(short))


def weigh(text: str, gate: ReportGate | None = None) -> GateEvidence:
    """The measures of ``gate`` (the shipped one by default) on the first ``scan_chars``
    characters of ``text``.

    Line breaks and spaces are removed first so that a term broken by PDF layout still
    counts; only a prefix is read, so the cost of the gate does not grow with the file.
    """
    if gate is None:
        gate = ReportGate.shipped()
    sample = _SPACE.sub("", text[: gate.scan_chars])
    found: dict[str, set[str]] = {}
    hits = 0
    for m in gate.terms.finditer(sample):
        hits += 1
        found.setdefault(gate.term_family[m[0]], set()).add(m[0])
    cap = gate.max_terms_per_family
    breadth = sum(gate.families[name][0] * min(len(terms), cap) for name, terms in found.items())
    density = 1000 * hits / max(len(sample), 1)
    register = len({m[0] for m in gate.register.finditer(sample)})
    return GateEvidence(breadth, density, register, tuple(sorted(found)), gate)


def check_is_report(doc: SourceText, gate: ReportGate | None = None) -> None:
    """Raise :class:`NotAReportError` unless ``doc`` reads as a report on 双拥 work (under
    ``gate``, the shipped one by default)."""
    evidence = weigh(doc.clean, gate)
    if not evidence.passes:
        raise NotAReportError(doc.name, evidence.reason())

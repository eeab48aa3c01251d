"""The metric rules of ``etl/rules/metrics.yml``, compiled once into typed objects.

Keeping the compiled form apart from the rule file means the YAML stays a readable table for
analysts, while ``etl.claims`` works with word sets that are built once per process.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

from etl.categories import FundCategories
from etl.numbers import QuantityGrammar
from etl.period_kinds import PeriodCues
from etl.periods import PeriodGrammar
from etl.rulebook import load_yaml, rule_file
from etl.wordsets import WordSet

# A number after 其中 in a sentence that already gave a total is a part of that total.
PART_MARKER: Final = "其中"
# Every key a metric entry may have. tests/test_claim_rules.py fails when the rule file uses
# a key not listed here, or a listed key is not explained in the file's header comment.
RULE_KEYS: Final = frozenset(
    {
        "label", "short", "unit", "kind", "has_categories", "examples",
        "bare_amount_words", "bare_amount_window", "rate_before", "rate_after", "rate_window",
        "subjects", "subject_scope", "triggers", "strong_triggers", "refuted_triggers",
        "negatives", "other_people", "pool_endings", "trigger_masks",
        "predicate_openers",
        "title_words", "back_references", "award_verbs", "award_verb_window", "targets",
        "passive_markers", "passive_window", "streak_units", "targets_after",
        "target_after_window", "achieved_markers",
        "target_window", "national_scope", "provincial_scope", "scope_window",
        "plausible_max",
    }
)  # fmt: skip


# The tier key of `plausible_max` that applies to every tier without an entry of its own.
ANY_TIER: Final = "any"
# Why a claim of a numeral too long to be a figure is 可疑 (its value is refused).
OVERLONG_REASON: Final = "数字过长（{digits}位），不是可信的数额"
NOT_FINITE_REASON: Final = "数值无法表示"


@dataclass(frozen=True)
class Bound:
    """The largest plausible value of a metric in one tier, and why a larger one is 可疑."""

    max: float
    reason: str


@dataclass(frozen=True)
class Plausibility:
    """The `plausible_max` bounds of every metric: metric → tier (or ``any``) → bound."""

    bounds: Mapping[str, Mapping[str, Bound]] = field(default_factory=dict)

    @classmethod
    def from_rules(cls, metrics: Mapping[str, Any]) -> Plausibility:
        bounds = {
            metric: {
                str(tier): Bound(float(b["max"]), str(b["reason"]))
                for tier, b in spec["plausible_max"].items()
            }
            for metric, spec in metrics.items()
            if isinstance(spec, dict) and spec.get("plausible_max")
        }
        return cls(bounds)

    def bound(self, metric: str, tier: str | None) -> Bound | None:
        """The bound of ``metric`` for a region of ``tier`` (None: tier unknown)."""
        by_tier = self.bounds.get(metric) or {}
        return by_tier.get(tier or ANY_TIER) or by_tier.get(ANY_TIER)

    def reason(
        self, metric: str, value: float, tier: str | None, overlong: int | None = None
    ) -> str | None:
        """Why a claim is 可疑 (its number too long, not finite, or beyond its metric's bound
        for its tier), or None when it is plausible."""
        if overlong is not None:
            return OVERLONG_REASON.format(digits=overlong)
        if not math.isfinite(value) or value < 0:
            return NOT_FINITE_REASON
        bound = self.bound(metric, tier)
        if bound is not None and value > bound.max:
            return f"超出合理范围（{bound.reason}）"
        return None


@dataclass(frozen=True)
class FundRule:
    bare_amount_words: WordSet
    bare_amount_window: int
    rate_before: WordSet
    rate_after: WordSet
    rate_window: int


@dataclass(frozen=True)
class PersonRule:
    metric: str
    subjects: WordSet
    subject_scope: str
    triggers: WordSet
    strong_triggers: WordSet
    refuted_triggers: tuple[tuple[WordSet, WordSet], ...]
    negatives: WordSet
    other_people: WordSet
    pool_endings: tuple[str, ...]
    trigger_masks: WordSet
    predicate_openers: tuple[str, ...]


@dataclass(frozen=True)
class HonourRule:
    title_words: WordSet
    back_references: WordSet
    award_verbs: WordSet
    award_verb_window: int
    passive_markers: tuple[str, ...]
    passive_window: int
    streak_units: tuple[str, ...]
    targets: WordSet
    target_window: int
    targets_after: WordSet
    target_after_window: int
    achieved_markers: WordSet
    national_scope: WordSet
    provincial_scope: WordSet
    scope_window: int


def _fund_rule(spec: dict[str, Any]) -> FundRule:
    return FundRule(
        bare_amount_words=WordSet(spec["bare_amount_words"]),
        bare_amount_window=int(spec["bare_amount_window"]),
        rate_before=WordSet(spec["rate_before"]),
        rate_after=WordSet(spec["rate_after"]),
        rate_window=int(spec["rate_window"]),
    )


def _person_rule(metric: str, spec: dict[str, Any]) -> PersonRule:
    refuted = spec.get("refuted_triggers") or {}
    return PersonRule(
        metric=metric,
        subjects=WordSet(spec["subjects"]),
        subject_scope=str(spec.get("subject_scope", "sentence")),
        triggers=WordSet(spec["triggers"]),
        strong_triggers=WordSet(spec.get("strong_triggers") or []),
        refuted_triggers=tuple((WordSet([w]), WordSet(r)) for w, r in refuted.items()),
        negatives=WordSet(spec["negatives"]),
        other_people=WordSet(spec.get("other_people") or []),
        pool_endings=tuple(spec.get("pool_endings") or ()),
        trigger_masks=WordSet(spec.get("trigger_masks") or []),
        predicate_openers=tuple(spec.get("predicate_openers") or ()),
    )


def _honour_rule(spec: dict[str, Any]) -> HonourRule:
    return HonourRule(
        title_words=WordSet(spec["title_words"]),
        back_references=WordSet(spec["back_references"]),
        award_verbs=WordSet(spec["award_verbs"]),
        award_verb_window=int(spec["award_verb_window"]),
        passive_markers=tuple(spec["passive_markers"]),
        passive_window=int(spec["passive_window"]),
        streak_units=tuple(spec["streak_units"]),
        targets=WordSet(spec["targets"]),
        target_window=int(spec["target_window"]),
        targets_after=WordSet(spec["targets_after"]),
        target_after_window=int(spec["target_after_window"]),
        achieved_markers=WordSet(spec["achieved_markers"]),
        national_scope=WordSet(spec["national_scope"]),
        provincial_scope=WordSet(spec["provincial_scope"]),
        scope_window=int(spec["scope_window"]),
    )


@dataclass(frozen=True)
class ClaimRules:
    """Every rule the claims extractor reads, compiled: the metric rules of ``metrics.yml``,
    the quantity grammar and periods of ``quantities.yml``, the spending categories.

    ``ClaimRules.shipped()`` is the project's own rule set (built once); ``from_dir`` loads
    another folder of rule files, so a test can run the extractor on a second rule set.
    """

    funds: FundRule
    honours: HonourRule
    # Order matters: the narrower children rule is tried before people resettled.
    persons: tuple[PersonRule, ...]
    quantities: QuantityGrammar
    periods: PeriodGrammar
    categories: FundCategories
    plausibility: Plausibility = field(default_factory=Plausibility)
    period_cues: PeriodCues = field(default_factory=PeriodCues.shipped)

    @classmethod
    def from_files(
        cls,
        metrics: dict[str, Any],
        quantities: dict[str, Any],
        fund_categories: dict[str, Any],
    ) -> ClaimRules:
        return cls(
            funds=_fund_rule(metrics["funds"]),
            honours=_honour_rule(metrics["honours"]),
            persons=(
                _person_rule("children_schooled", metrics["children_schooled"]),
                _person_rule("people_resettled", metrics["people_resettled"]),
            ),
            quantities=QuantityGrammar.from_rules(quantities),
            periods=PeriodGrammar.from_rules(quantities["periods"]),
            categories=FundCategories(dict(fund_categories)),
            plausibility=Plausibility.from_rules(metrics),
            period_cues=PeriodCues.from_rules(quantities["period_cues"]),
        )

    @classmethod
    def from_dir(cls, folder: Path) -> ClaimRules:
        """The rules of ``metrics.yml``, ``quantities.yml`` and ``fund_categories.yml`` in
        ``folder`` (duplicate keys refused, as for the shipped files)."""
        return cls.from_files(
            load_yaml(folder / "metrics.yml"),
            load_yaml(folder / "quantities.yml"),
            load_yaml(folder / "fund_categories.yml"),
        )

    @classmethod
    def shipped(cls) -> ClaimRules:
        """The rules in ``etl/rules/`` (built once per process)."""
        return _shipped()


@cache
def _shipped() -> ClaimRules:
    return ClaimRules.from_files(
        rule_file("metrics"), rule_file("quantities"), rule_file("fund_categories")
    )

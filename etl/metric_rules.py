"""The metric rules of ``etl/rules/metrics.yml``, compiled once into typed objects.

Keeping the compiled form apart from the rule file means the YAML stays a readable table for
analysts, while ``etl.claims`` works with word sets that are built once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from etl.rulebook import rule_file
from etl.wordsets import WordSet

# A number after 其中 in a sentence that already gave a total is a part of that total.
PART_MARKER = "其中"
# Every key a metric entry may have. tests/test_claim_rules.py fails when the rule file uses
# a key not listed here, or a listed key is not explained in the file's header comment.
RULE_KEYS = frozenset(
    {
        "label", "short", "unit", "kind", "has_categories", "examples",
        "bare_amount_words", "bare_amount_window", "rate_before", "rate_after", "rate_window",
        "subjects", "subject_scope", "triggers", "strong_triggers", "weak_triggers",
        "negatives", "other_people",
        "title_words", "back_references", "award_verbs", "award_verb_window", "targets",
        "target_window", "national_scope", "provincial_scope", "scope_window",
    }
)  # fmt: skip
METRIC_NAMES = (
    "honour_national",
    "honour_provincial",
    "funds",
    "people_resettled",
    "children_schooled",
)


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
    weak_triggers: tuple[tuple[WordSet, WordSet], ...]
    negatives: WordSet
    other_people: WordSet


@dataclass(frozen=True)
class HonourRule:
    title_words: WordSet
    back_references: WordSet
    award_verbs: WordSet
    award_verb_window: int
    targets: WordSet
    target_window: int
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
    weak = spec.get("weak_triggers") or {}
    return PersonRule(
        metric=metric,
        subjects=WordSet(spec["subjects"]),
        subject_scope=str(spec.get("subject_scope", "sentence")),
        triggers=WordSet(spec["triggers"]),
        strong_triggers=WordSet(spec.get("strong_triggers") or []),
        weak_triggers=tuple((WordSet([w]), WordSet(c)) for w, c in weak.items()),
        negatives=WordSet(spec["negatives"]),
        other_people=WordSet(spec.get("other_people") or []),
    )


def _honour_rule(spec: dict[str, Any]) -> HonourRule:
    return HonourRule(
        title_words=WordSet(spec["title_words"]),
        back_references=WordSet(spec["back_references"]),
        award_verbs=WordSet(spec["award_verbs"]),
        award_verb_window=int(spec["award_verb_window"]),
        targets=WordSet(spec["targets"]),
        target_window=int(spec["target_window"]),
        national_scope=WordSet(spec["national_scope"]),
        provincial_scope=WordSet(spec["provincial_scope"]),
        scope_window=int(spec["scope_window"]),
    )


METRICS: dict[str, Any] = rule_file("metrics")
FUNDS = _fund_rule(METRICS["funds"])
HONOURS = _honour_rule(METRICS["honours"])
# Order matters: the narrower children rule is tried before people resettled.
PERSON_RULES = (
    _person_rule("children_schooled", METRICS["children_schooled"]),
    _person_rule("people_resettled", METRICS["people_resettled"]),
)

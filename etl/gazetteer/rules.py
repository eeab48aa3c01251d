"""The gazetteer's rules as objects: ``etl/rules/gazetteer.yml`` read into frozen dataclasses.

The word lists (suffixes, nationalities, words that end like a place name), the cues that give
a mention its role, their weights and the margins a decision needs are data, so they can grow
without touching the code, and a test can load a second rule file next to the shipped one.
``GazetteerRules.load()`` reads the shipped file once; ``GazetteerRules.from_file`` any other.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from etl.rulebook import RULES_DIR, load_yaml

RULES_PATH: Final = RULES_DIR / "gazetteer.yml"

PROVINCE: Final = "province"
PREFECTURE: Final = "prefecture"
COUNTY: Final = "county"


class GazetteerRulesError(ValueError):
    """``gazetteer.yml`` is malformed: a missing key, a repeated entry, a wrong type."""


def _words(section: dict[str, Any], key: str, path: Path) -> tuple[str, ...]:
    value = section.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise GazetteerRulesError(f"{path}: {key} must be a list of words")
    repeated = sorted(w for w, n in Counter(value).items() if n > 1)
    if repeated:
        raise GazetteerRulesError(f"{path}: {key} lists {repeated} more than once")
    return tuple(value)


def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class NameRules:
    """How official names turn into the short names reports write, and what is no name."""

    tier_suffixes: dict[str, tuple[str, ...]]
    unit_suffixes: tuple[str, ...]
    suffix_tiers: dict[str, str]
    ethnic_tokens: tuple[str, ...]
    ethnic_groups: frozenset[str]
    generic_chars: frozenset[str]
    non_place_endings: tuple[str, ...]
    function_word_starts: tuple[str, ...]
    suffix_breakers: frozenset[str]
    min_fallback_len: int

    @property
    def suffix_alternation(self) -> str:
        """The unit suffixes as a regex alternation, longest first."""
        return "|".join(self.unit_suffixes)

    def suffix_of(self, name: str) -> str | None:
        """The unit suffix ``name`` ends in (张掖市 → 市), if any."""
        return next((s for s in self.unit_suffixes if name.endswith(s)), None)

    def tier_of_suffix(self, suffix: str | None) -> str | None:
        """A default tier for a name missing from the table, from its unit suffix."""
        if suffix is None:
            return None
        return self.suffix_tiers.get(suffix, COUNTY)


@dataclass(frozen=True)
class CueRules:
    """Words around a mention that say what role the place plays in the sentence."""

    institution_after: tuple[str, ...]
    newspaper_after: tuple[str, ...]
    venue_before: tuple[str, ...]
    venue_after: tuple[str, ...]
    list_before: tuple[str, ...]
    list_after: tuple[str, ...]
    honour_after: tuple[str, ...]
    subject_verbs: tuple[str, ...]
    clause_openers: tuple[str, ...]


_CUE_KEYS: Final = tuple(CueRules.__dataclass_fields__)


@dataclass(frozen=True)
class Decision:
    """How much evidence each kind of answer needs (see ``etl.gazetteer.body``)."""

    min_score: float
    win_ratio: float
    self_reference_boost: float
    lost_char_bonus: float
    min_province_score: float
    province_win_ratio: float
    min_disambiguation: float
    disambiguation_dominance: float


@dataclass(frozen=True)
class GazetteerRules:
    """Everything ``gazetteer.yml`` says, checked."""

    names: NameRules
    cues: CueRules
    weights: dict[str, float]
    decision: Decision

    @classmethod
    def load(cls) -> GazetteerRules:
        """The shipped rules (read once)."""
        return _shipped()

    @classmethod
    def from_file(cls, path: Path) -> GazetteerRules:
        data = load_yaml(path)
        try:
            return cls(
                names=_name_rules(data["names"], path),
                cues=CueRules(
                    **{k: _longest_first(_words(data["cues"], k, path)) for k in _CUE_KEYS}
                ),
                weights={str(k): float(v) for k, v in data["weights"].items()},
                decision=Decision(**{k: float(v) for k, v in data["decision"].items()}),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise GazetteerRulesError(f"{path}: missing or malformed section ({exc})") from exc


def _name_rules(section: dict[str, Any], path: Path) -> NameRules:
    ethnic = _words(section, "ethnic_groups", path)
    tokens = {g + "族" for g in ethnic} | {g for g in ethnic if len(g) >= 2}
    suffix_tiers = {
        suffix: tier
        for tier, suffixes in section["suffix_tiers"].items()
        for suffix in _words(section["suffix_tiers"], tier, path)
    }
    return NameRules(
        tier_suffixes={
            tier: _words(section["tier_suffixes"], tier, path)
            for tier in (PROVINCE, PREFECTURE, COUNTY)
        },
        unit_suffixes=_longest_first(_words(section, "unit_suffixes", path)),
        suffix_tiers=suffix_tiers,
        ethnic_tokens=tuple(sorted(tokens, key=len, reverse=True)),
        ethnic_groups=frozenset(ethnic),
        generic_chars=frozenset(str(section["generic_chars"])),
        non_place_endings=_words(section, "non_place_endings", path),
        function_word_starts=_words(section, "function_word_starts", path),
        suffix_breakers=frozenset(str(section["suffix_breakers"])),
        min_fallback_len=int(section["min_fallback_len"]),
    )


@functools.lru_cache(maxsize=1)
def _shipped() -> GazetteerRules:
    return GazetteerRules.from_file(RULES_PATH)

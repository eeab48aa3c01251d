"""The names of divisions: official names, the short names derived from them, the aliases.

Reports rarely write a division's full official name. From each one a rule derives the short
names used instead of it (张掖市 → 张掖, 宁夏回族自治区 → 宁夏, 巴音郭楞蒙古自治州 → 巴音郭楞
and 巴音郭楞州). ``etl/rules/region_aliases.yml`` holds only what no rule can produce:
abbreviations such as 巴州, and derived short names that are ordinary words (爱民, 磐石, 解放),
which would otherwise make every 双拥 text "mention" a district. ``NameFinder`` then finds all
of these names in a text fast enough to scan every body of a corpus.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np

from etl.gazetteer.rules import GazetteerRules, NameRules
from etl.gazetteer.table import COUNTY, Region
from etl.gazetteer.words import stands_as_word
from etl.rulebook import RULES_DIR, load_yaml

# From the rule files' own folder: a compiled module's ``__file__`` is not its source's.
ALIASES_PATH: Final = RULES_DIR / "region_aliases.yml"

# Shortest usable short name: one character (西, 城) names nothing.
MIN_SHORT_LEN: Final = 2
# From this length on a text's name openings are found with numpy (``OpeningPairs``); a
# shorter text costs less with the regex than the set-up of the arrays.
VECTOR_SCAN_MIN_CHARS: Final = 256

# Kinds of name, and how much one mention of each counts. County short names (灵台, 和硕) are
# often also words, so they count half.
OFFICIAL: Final = "official"
SHORT: Final = "short"
WEAK: Final = "weak"
ALIAS: Final = "alias"
KIND_WEIGHT: Final = {OFFICIAL: 1.0, SHORT: 1.0, ALIAS: 1.0, WEAK: 0.5}


class GazetteerError(ValueError):
    """The alias rules do not fit the GB/T 2260 table (a bad edit of the YAML)."""


class Mention:
    """A division name found in a text: ``text[start:end]`` may mean any of ``codes``.

    A plain class, compared by its fields: compiled with the core (``etl.native``) it is
    built and read as a C struct, and a body's scan makes hundreds (a NamedTuple is built
    through interpreted Python there, a frozen dataclass through ``object.__setattr__``).
    """

    __slots__ = ("codes", "end", "kind", "start", "text")

    def __init__(self, start: int, end: int, text: str, codes: tuple[str, ...], kind: str) -> None:
        self.start: Final = start
        self.end: Final = end
        self.text: Final = text
        self.codes: Final = codes
        self.kind: Final = kind

    def _fields(self) -> tuple[int, int, str, tuple[str, ...], str]:
        return (self.start, self.end, self.text, self.codes, self.kind)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mention) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return f"Mention{self._fields()!r}"

    @property
    def weight(self) -> float:
        """How much this mention counts for each of its divisions (split when shared)."""
        return KIND_WEIGHT[self.kind] / len(self.codes)


@dataclass(frozen=True)
class AliasRules:
    """The contents of ``region_aliases.yml``, checked against the table's codes."""

    aliases: Mapping[str, str]
    not_short_names: frozenset[str]


# --------------------------------------------------------------------------- the YAML file


def load_alias_rules(path: Path, codes: Collection[str]) -> AliasRules:
    """Read the alias file; every alias must point at one of ``codes``.

    Raises ``etl.rulebook.RuleFileError`` for a duplicate key or invalid YAML and
    ``GazetteerError`` for a dangling code, a malformed entry or a word listed twice.
    """
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise GazetteerError(f"{path}: expected a mapping at the top level")
    aliases = _checked_aliases(data.get("aliases") or {}, codes, path)
    words = data.get("not_short_names") or []
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise GazetteerError(f"{path}: not_short_names must be a list of strings")
    repeated = sorted(w for w, n in Counter(words).items() if n > 1)
    if repeated:
        raise GazetteerError(f"{path}: not_short_names lists {repeated} more than once")
    return AliasRules(aliases=aliases, not_short_names=frozenset(words))


def _checked_aliases(raw: object, codes: Collection[str], path: Path) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise GazetteerError(f"{path}: aliases must be a mapping alias → code")
    aliases: dict[str, str] = {}
    for alias, code in raw.items():
        if not isinstance(alias, str) or len(alias) < MIN_SHORT_LEN:
            raise GazetteerError(f"{path}: bad alias {alias!r}")
        if str(code) not in codes:
            raise GazetteerError(f"{path}: alias {alias!r} points at unknown code {code!r}")
        aliases[alias] = str(code)
    return aliases


# --------------------------------------------------------------------------- short names


def _strip_ethnic(stem: str, rules: NameRules) -> str:
    """巴音郭楞蒙古 → 巴音郭楞; always keeps two characters (内蒙古 stays 内蒙古)."""
    changed = True
    while changed:
        changed = False
        for token in rules.ethnic_tokens:
            if stem.endswith(token) and len(stem) - len(token) >= MIN_SHORT_LEN:
                stem = stem[: -len(token)]
                changed = True
                break
    return stem


def short_stem(name: str, tier: str, rules: NameRules | None = None) -> str | None:
    """The name without its unit suffix and nationality words; None if under 2 characters.

    Where the nationality is the whole name (鄂温克族自治旗), the nationality without 族 is it.
    """
    rules = rules or GazetteerRules.load().names
    suffixes = rules.tier_suffixes[tier]
    suffix = next((s for s in suffixes if name.endswith(s) and len(name) > len(s)), None)
    if suffix is None:
        return None
    stem = name[: -len(suffix)]
    if suffix.startswith("自治"):
        stripped = _strip_ethnic(stem, rules)
        if stripped == stem and stem.endswith("族") and stem[:-1] in rules.ethnic_groups:
            stripped = stem[:-1]
        stem = stripped
    return stem if len(stem) >= MIN_SHORT_LEN else None


def derived_short_names(region: Region, rules: NameRules | None = None) -> list[tuple[str, str]]:
    """(short name, kind) pairs derived from an official name, before the word filter.

    Provinces and prefectures get their stem (河北, 张掖, 巴音郭楞), autonomous prefectures
    also stem+州 (延边州). County-level stems (灵台, 珲春) are weak; all-generic ones (城东,
    市中) are not names at all.
    """
    rules = rules or GazetteerRules.load().names
    stem = short_stem(region.name, region.tier, rules)
    if stem is None or stem == region.name:
        return []
    if region.tier == COUNTY:
        return [] if set(stem) <= rules.generic_chars else [(stem, WEAK)]
    names = [(stem, SHORT)]
    if region.name.endswith("自治州") and not stem.endswith("州"):
        names.append((stem + "州", SHORT))
    return names


def is_generic_name(region: Region, rules: NameRules | None = None) -> bool:
    """A county whose name is a generic word plus its suffix (西区, 城区, 市中区)."""
    rules = rules or GazetteerRules.load().names
    return region.tier == COUNTY and set(region.name[:-1]) <= rules.generic_chars


# --------------------------------------------------------------------------- blanked names

# A blanked-out name: X市, XX市, ××县, 某市, or a bare XX before other text.
BLANK_MARKS: Final = "XxＸｘ×✕*＊□○〇"


def blank_patterns(suffix_alternation: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A blanked-out name at the start of a title, and anywhere in a body."""
    at_start = re.compile(
        rf"^(?:[{BLANK_MARKS}某]{{1,3}}(?:{suffix_alternation})"
        rf"|[{BLANK_MARKS}]{{2,3}}(?=[\u4e00-\u9fff]))"
    )
    anywhere = re.compile(rf"(?:[{BLANK_MARKS}]{{1,3}}|某)(?:{suffix_alternation})")
    return at_start, anywhere


# --------------------------------------------------------------------------- name finder


class NameFinder:
    """Finds division names in a text, leftmost-longest, standing as words.

    Built once per gazetteer: the names grouped by the two characters they open with,
    longest first. In a long text numpy marks, in one pass, the positions where such a
    pair stands (``OpeningPairs``: a sixtieth of a report's characters); in a short one a
    compiled class "a first character followed by a second" finds a superset in C. Only at
    those positions are the names of that pair compared with the text. (An Aho–Corasick
    automaton, ``pyahocorasick``, was slower here: a thousand first characters at its root.)
    """

    def __init__(
        self,
        index: Mapping[str, tuple[tuple[str, ...], str]],
        unit_suffixes: tuple[str, ...],
        attached: tuple[str, ...] = (),
    ) -> None:
        self._index = dict(index)
        # Words a segmenter may glue to a name as one dictionary word: a unit suffix (罗城县)
        # or an institution (吉林省人民政府, 张掖市委, 绵阳日报).
        self._attached = tuple(sorted({*unit_suffixes, *attached}, key=len, reverse=True))
        # The same words by first character (longest first still), so a name followed by
        # none of them costs one dict probe, not a test of each.
        by_initial: dict[str, list[str]] = defaultdict(list)
        for word in filter(None, self._attached):
            by_initial[word[0]].append(word)
        self._attached_by_initial = {ch: tuple(words) for ch, words in by_initial.items()}
        # Every name by the two characters it opens with, longest first: at a position, at
        # most one name of each length can be written there, so the first that is written
        # and stands as a word is the longest (one-character names, only a test's table
        # could hold one, are keyed by their one character and tried last).
        by_opening: dict[str, list[tuple[str, tuple[str, ...], str]]] = defaultdict(list)
        for surface, (codes, kind) in self._index.items():
            by_opening[surface[:MIN_SHORT_LEN]].append((surface, codes, kind))
        self._by_opening = {
            opening: tuple(sorted(names, key=lambda name: len(name[0]), reverse=True))
            for opening, names in by_opening.items()
        }
        self._has_single = any(len(s) < MIN_SHORT_LEN for s in self._index)
        self._may_start = _opening_pattern(self._index)
        self._openings = None if self._has_single else OpeningPairs(self._index)

    def _stands(self, text: str, start: int, end: int) -> bool:
        """The name stands as a word, alone or with a suffix or institution written after it
        (罗城县, 吉林省人民政府)."""
        if stands_as_word(text, start, end):
            return True
        for suffix in self._attached_by_initial.get(text[end : end + 1], ()):
            if text.startswith(suffix, end):
                return stands_as_word(text, start, end + len(suffix))
        return False

    def _names_at(self, text: str, pos: int) -> tuple[tuple[str, tuple[str, ...], str], ...]:
        """The names that open with the characters at ``pos``, longest first."""
        names = self._by_opening.get(text[pos : pos + MIN_SHORT_LEN], ())
        if self._has_single:
            names += self._by_opening.get(text[pos], ())
        return names

    def match_at(self, text: str, pos: int, words_only: bool = True) -> Mention | None:
        """The longest name starting exactly at ``pos`` that stands there as a word."""
        for surface, codes, kind in self._names_at(text, pos):
            end = pos + len(surface)
            if text.startswith(surface, pos) and (not words_only or self._stands(text, pos, end)):
                return Mention(pos, end, surface, codes, kind)
        return None

    def find(self, text: str) -> list[Mention]:
        """All names in ``text`` that stand as words, non-overlapping, each the longest
        at its position (濮阳市委 gives 濮阳, because 市委 is the word there)."""
        mentions: list[Mention] = []
        if self._may_start is None:
            return mentions
        names_at, stands = self._names_at, self._stands
        pos = 0  # where the last name found ends: no name starts inside it
        for start in self._starts(text):
            if start < pos:
                continue
            for surface, codes, kind in names_at(text, start):
                end = start + len(surface)
                if text.startswith(surface, start) and stands(text, start, end):
                    mentions.append(Mention(start, end, surface, codes, kind))
                    pos = end
                    break
        return mentions

    def _starts(self, text: str) -> Iterable[int]:
        """Positions where a name may start: in a long text exactly where two characters
        that open a name stand (``OpeningPairs``), in a short one where a first character
        is followed by a second (a regex, cheaper to set up)."""
        if self._openings is not None and len(text) >= VECTOR_SCAN_MIN_CHARS:
            return self._openings.positions(text)
        assert self._may_start is not None
        return (m.start() for m in self._may_start.finditer(text))


class OpeningPairs:
    """The pairs of characters names open with, as a table numpy reads a text against.

    Each character of a text gets its number among the first characters and among the
    second characters of names (0: none); one lookup of every adjacent pair in a table of
    ``firsts × seconds`` marks where a name may start. A regex of "a first character
    followed by a second" finds eight times as many places, each then tested in Python.
    """

    def __init__(self, surfaces: Collection[str]) -> None:
        firsts = sorted({s[0] for s in surfaces})
        seconds = sorted({s[1] for s in surfaces})
        # Characters above every name character count as none (the table's last entry).
        self._limit = max(map(ord, (*firsts, *seconds))) + 1
        self._first = np.zeros(self._limit + 1, dtype=np.intp)
        self._second = np.zeros(self._limit + 1, dtype=np.intp)
        self._first[[ord(c) for c in firsts]] = np.arange(1, len(firsts) + 1)
        self._second[[ord(c) for c in seconds]] = np.arange(1, len(seconds) + 1)
        self._width = len(seconds) + 1
        self._opens = np.zeros((len(firsts) + 1) * self._width, dtype=bool)
        self._opens[[self._pair(s) for s in surfaces]] = True

    def _pair(self, surface: str) -> int:
        return int(self._first[ord(surface[0])] * self._width + self._second[ord(surface[1])])

    def positions(self, text: str) -> list[int]:
        """Offsets in ``text`` where two characters some name opens with stand, in order."""
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        codes = np.minimum(codes, self._limit)
        # ``take``, not indexing by an array: the same lookup without fancy indexing's setup.
        pairs = self._first.take(codes[:-1]) * self._width + self._second.take(codes[1:])
        return list(np.flatnonzero(self._opens.take(pairs)).tolist())


def _opening_pattern(surfaces: Collection[str]) -> re.Pattern[str] | None:
    """A character that opens some name, followed by one that is second in some name (names
    have two characters at least, ``MIN_SHORT_LEN``; were one shorter, any first character)."""
    if not surfaces:
        return None
    firsts = "".join(sorted({s[0] for s in surfaces}))
    if min(map(len, surfaces)) < MIN_SHORT_LEN:
        return re.compile(f"[{re.escape(firsts)}]")
    seconds = "".join(sorted({s[1] for s in surfaces}))
    return re.compile(f"[{re.escape(firsts)}](?=[{re.escape(seconds)}])")

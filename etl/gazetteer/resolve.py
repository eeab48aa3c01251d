"""Which region an article is about: ``resolve_region``.

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

Rules 1, 2 and 4 read the title and live here; rules 3 and 5 read the body
(``etl.gazetteer.body``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from etl.gazetteer.body import (
    _CJK_GAP_RE,
    BLANKED_RE,
    _Body,
    _body_province,
    _body_winner,
    _disambiguate,
    _from_body,
    _prepare_body,
    _resolved,
    _suffix_of,
    _suffix_tier,
)
from etl.gazetteer.index import Gazetteer
from etl.gazetteer.names import (
    _SUFFIX_ALT,
    _SUFFIXES,
    OFFICIAL,
    UNIT_SUFFIXES,
    WEAK,
    Mention,
    is_generic_name,
)
from etl.gazetteer.table import PROVINCE, Region
from etl.models import RegionResolution

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


def title_subject(title: str) -> str:
    """The title without numbering, dashes or a leading time phrase (去年以来河北省… → 河北省…)."""
    text = _CJK_GAP_RE.sub("", title.strip())
    text = TITLE_LEAD_RE.sub("", text, count=1)
    return TIME_PHRASE_RE.sub("", text, count=1)


def _is_place_like(stem: str, suffix: str, following: str) -> bool:
    """Whether stem+suffix reads as a unit's name rather than a word (城市, 市场, 革命老区)."""
    word = stem + suffix
    if stem.startswith(FUNCTION_WORD_STARTS) or word.endswith(NON_PLACE_ENDINGS):
        return False
    return not (following and following[0] in SUFFIX_BREAKERS)


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

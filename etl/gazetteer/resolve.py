"""Which region an article is about: ``resolve_region``.

``resolve_region`` reads an article's title and body and returns an ``etl.models.RegionResolution``.
The rules, in order, and why:

1. A blanked-out name at the start of the title (``X市``, ``××县``, ``某市``) marks a template:
   status ``blanked`` and no region, because any guess would invent data.
2. The division named at the start of the title, after numbering and a time phrase
   (``去年以来``). Titles put their subject first, so the longest name there wins; a chain such
   as 甘肃省张掖市 or 北京大兴 narrows to its last link. A county short name (灵台, also a word
   for many counties) needs the body not to contradict it. A province heading a story about
   one of its cities (某省第十一届…表彰大会召开) yields to the city the body makes its subject.
3. Names shared by several divisions (白云区, 鼓楼区), and one-character names that may name a
   place outside the table (西区, 城区), are settled by the body: mentions of each candidate's
   province, prefecture and sibling divisions that no other candidate shares. Only a clear
   margin picks one; otherwise the status is ``ambiguous`` with the candidates listed.
4. A place-like name at the start of the title that is no division (陇东市, 闽南市) is kept as
   written with status ``not_found`` and never mapped to a real one. Its tier comes from its
   suffix; its province from the body when the body clearly names one (the pipeline ranks by
   province, and a report's own province is what its text is full of).
5. Otherwise (``-我市双拥工作综述``, no title) the body decides by weighed mentions: names
   that stand as words, each weighted by its role (a clause's subject, an institution or
   newspaper of the place outweigh a plain mention; a list item or a province's round counts
   little; a venue nothing), towards the kind of unit the text calls itself (我市 → a 市), with
   a bonus for a name whose first character was lost at the start (``梁是…`` for 吕梁), and only
   when there is a clear winner; else ``unknown`` with the reason.

Rules 1, 2 and 4 read the title and live here; rules 3 and 5 read the body
(``etl.gazetteer.body``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Final

from etl.gazetteer.body import (
    CJK_GAP_RE,
    HIGH,
    MEDIUM,
    Body,
    body_province,
    body_winner,
    disambiguate,
    from_body,
    resolved,
    strong_subject,
)
from etl.gazetteer.cues import HONOUR, LIST, VENUE, role_of
from etl.gazetteer.index import Gazetteer
from etl.gazetteer.names import OFFICIAL, SHORT, WEAK, Mention, is_generic_name
from etl.gazetteer.rules import NameRules
from etl.gazetteer.table import PROVINCE, Region
from etl.models import RegionResolution

# Leading debris of a title: punctuation, numbering (1. / 一、), dashes, brackets.
_TITLE_PUNCT: Final = r"\s\-—–_·•*#、.．,，:：;；\"“”'‘’《》()（）\[\]【】"
TITLE_LEAD_RE: Final = re.compile(
    rf"^[{_TITLE_PUNCT}]*(?:(?:\d{{1,3}}|[一二三四五六七八九十]{{1,3}})[.、．)）]\s*)?[{_TITLE_PUNCT}]*"
)
# A time phrase before the name: 去年以来, 2024年年初以来, 近年来, 五年来.
TIME_PHRASE_RE: Final = re.compile(
    r"^(?:(?:去年|今年|前年|近年|近几年|近些年|多年"
    r"|\d{2,4}年(?:年初|初|上半年|下半年|\d{1,2}月)?|[一二三四五六七八九十两几]+年)"
    r"(?:以来|来)?[\s,，、:：]*)+"
)
# Roles that disqualify a name inside a title from being its subject.
NOT_SUBJECT_ROLES: Final = frozenset({VENUE, LIST, HONOUR})


@functools.lru_cache(maxsize=4)
def place_like_pattern(suffix_alternation: str) -> re.Pattern[str]:
    """A place-like name that is not in the table (陇东市): 2–4 name characters, then a unit
    suffix. Self-references (我, 全, 该 …) and the suffix characters cannot be in the stem."""
    return re.compile(
        r"^(?P<stem>[^\W\d_A-Za-zＡ-Ｚａ-ｚ市县区州省盟旗我本全各该某这其此×□○〇]{2,4}?)"
        rf"(?P<suffix>{suffix_alternation})"
    )


def title_subject(title: str) -> str:
    """The title without numbering, dashes or a leading time phrase (去年以来河北省… → 河北省…)."""
    text = CJK_GAP_RE.sub("", title.strip())
    text = TITLE_LEAD_RE.sub("", text, count=1)
    return TIME_PHRASE_RE.sub("", text, count=1)


def _is_place_like(stem: str, suffix: str, following: str, names: NameRules) -> bool:
    """Whether stem+suffix reads as a unit's name rather than a word (城市, 市场, 革命老区)."""
    word = stem + suffix
    if stem.startswith(names.function_word_starts) or word.endswith(names.non_place_endings):
        return False
    return not (following and following[0] in names.suffix_breakers)


# ----------------------------------------------------------------- rules 1 and 4


def _not_found(name: str, suffix: str, body: Body) -> RegionResolution:
    """A place-like name that is no division: kept as written; province from the body."""
    notes = [f"no division is named {name}"]
    tier = body.gazetteer.rules.names.tier_of_suffix(suffix)
    verdict = body_winner(body)
    province: str | None = None
    if verdict.region is not None:
        notes.append(f"the body is about {verdict.region.name} ({verdict.why})")
        province = verdict.region.province
        if verdict.region.suffix == name[-1]:
            tier = verdict.region.tier
    else:
        province, why_province = body_province(body)
        notes.append(why_province or verdict.why)
    return RegionResolution(
        status="not_found",
        region=name,
        province=province,
        tier=tier,
        name_as_written=name,
        evidence="; ".join(notes),
        basis="title",
    )


def _blanked(name: str, body: Body) -> RegionResolution:
    """A blanked-out title name: no region; the province only if the body clearly says."""
    names = body.gazetteer.rules.names
    province, why = body_province(body)
    return RegionResolution(
        status="blanked",
        province=province,
        tier=names.tier_of_suffix(names.suffix_of(name)),
        name_as_written=name,
        evidence="; ".join(filter(None, [f"the title has a blanked-out name {name}", why])),
    )


# ----------------------------------------------------------------- rule 2: the title


def _title_mention(subject: str, gazetteer: Gazetteer) -> Mention | None:
    """The name at the start of the title, narrowed along a chain (甘肃省张掖市 → 张掖市)."""
    mention = gazetteer.finder.match_at(subject, 0)
    while mention is not None:
        following = gazetteer.child_at(mention, subject)
        if following is None:
            break
        mention = following
    return mention


def _title_fallback(subject: str, gazetteer: Gazetteer) -> Mention | None:
    """The one name inside the title when none starts it (关于张掖市…的报告, 九连冠！张家口市…).

    Official names of three or more characters and short names of provinces and prefectures
    count, each standing as a word and not as a venue, a list item or a round
    (表彰大会在北京举行 names no subject).
    """
    names = gazetteer.rules.names
    found: dict[str, Mention] = {}
    for m in gazetteer.find_names(subject):
        long_enough = m.kind == OFFICIAL and len(m.text) >= names.min_fallback_len
        if not (long_enough or m.kind == SHORT):
            continue
        if subject[m.end : m.end + 1] in names.suffix_breakers:
            continue
        tiers = {gazetteer.tier_by_code[c] for c in m.codes}
        tier = tiers.pop() if len(tiers) == 1 else None
        if role_of(subject, m, tier, gazetteer.rules.cues) in NOT_SUBJECT_ROLES:
            continue
        found.setdefault(m.codes[0] if len(m.codes) == 1 else m.text, m)
    return next(iter(found.values())) if len(found) == 1 else None


def _written_suffix(subject: str, mention: Mention, gazetteer: Gazetteer) -> Mention | str:
    """A short name at the title start followed by a unit suffix (罗城县, 东乡县, 河西市).

    The suffix narrows the name to the divisions whose official name ends in it (东乡县 →
    东乡族自治县, not 抚州's 东乡区), failing that to those whose tier uses it: 庆阳地区 is
    the old name of 庆阳市, and the table (2022) lags behind 县 → 市 upgrades. It is kept in
    the name as written. If nothing fits (吉林县), the whole thing is a name that is not in
    the table, returned as a string for rule 4.
    """
    names = gazetteer.rules.names
    rest = subject[mention.end :]
    suffix = next((s for s in names.unit_suffixes if rest.startswith(s)), None)
    if suffix is None or not _is_place_like(mention.text, suffix, rest[len(suffix) :], names):
        return mention
    regions = [gazetteer.regions[c] for c in mention.codes]
    fitting = tuple(r.code for r in regions if r.name.endswith(suffix)) or tuple(
        r.code for r in regions if r.tier != PROVINCE and suffix in names.tier_suffixes[r.tier]
    )
    end = mention.end + len(suffix)
    if fitting:
        return Mention(0, end, subject[:end], fitting, mention.kind)
    return subject[:end]


def _place_like(subject: str, names: NameRules) -> tuple[str, str] | None:
    """A name-shaped start of the title (2–4 characters and a unit suffix), e.g. 陇东市."""
    match = place_like_pattern(names.suffix_alternation).match(subject)
    if match is None or not _is_place_like(
        match.group("stem"), match.group("suffix"), subject[match.end() :], names
    ):
        return None
    return match.group(0), match.group("suffix")


def _lists_places(subject: str, mention: Mention, gazetteer: Gazetteer) -> bool:
    """Whether the title's first name opens a list of places (A市、B市和C市…)."""
    if not subject.startswith(gazetteer.rules.cues.list_after, mention.end):
        return False
    return gazetteer.finder.match_at(subject, mention.end + 1) is not None


def _weak_contradicted(candidates: Sequence[Region], body: Body) -> bool:
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


def _from_title(subject: str, body: Body) -> RegionResolution | None:
    """Rules 1–4 on the title; None when the title names no place at all."""
    gazetteer = body.gazetteer
    names = gazetteer.rules.names
    blank = gazetteer.blanked_at_start.match(subject)
    if blank is not None:
        return _blanked(blank.group(0), body)
    mention = _title_mention(subject, gazetteer)
    if mention is not None and _lists_places(subject, mention, gazetteer):
        return None  # 张家港市、常熟市和太仓市获…: a list of places, the body says whose page
    if mention is not None and mention.kind != OFFICIAL:
        written = _written_suffix(subject, mention, gazetteer)
        if isinstance(written, str):
            return _not_found(written, names.suffix_of(written) or "", body)
        mention = written
    if mention is None:
        place = _place_like(subject, names)
        if place is not None:
            name, suffix = place
            codes = gazetteer.stem_with_suffix(name[: -len(suffix)], suffix)
            if not codes:
                return _not_found(name, suffix, body)
            mention = Mention(0, len(name), name, codes, OFFICIAL)
        else:
            mention = _title_fallback(subject, gazetteer)
    if mention is None:
        return None
    candidates = [gazetteer.regions[c] for c in mention.codes]
    if mention.kind == WEAK and _weak_contradicted(candidates, body):
        return None
    if len(candidates) == 1 and (
        not is_generic_name(candidates[0], names) or mention.text != candidates[0].name
    ):
        confidence = MEDIUM if mention.kind == WEAK else HIGH
        basis = "title" if mention.kind != "alias" else "title_alias"
        found = resolved(
            candidates[0], mention.text, _title_evidence(mention, candidates[0]), basis, confidence
        )
        return _province_event_title(found, candidates[0], body) or found
    return disambiguate(candidates, mention.text, body)


def _province_event_title(
    found: RegionResolution, region: Region, body: Body
) -> RegionResolution | None:
    """A province in the title above a story about one of its places.

    ``某某省第十一届双拥模范命名表彰大会召开`` heads a city's story; the page is about the
    province only when the body says so (我省/全省) or names no subject inside it.
    """
    if region.tier != PROVINCE or body.implied_unit == "省":
        return None
    verdict = body_winner(body)
    if not strong_subject(verdict) or verdict.region is None:
        return None
    if not verdict.region.is_under(region.code):
        return None
    return resolved(
        verdict.region,
        verdict.region.name,
        f"title names the province {region.name}, the body's subject is inside it: {verdict.why}",
        verdict.basis or "body_subject",
        MEDIUM,
    )


def resolve_region(
    title: str | None, body: str, gazetteer: Gazetteer | None = None
) -> RegionResolution:
    """Which region an article is about: from its title first, from its body otherwise.

    ``title`` is the title as written (or None); ``body`` is the article's text, which may
    begin with the title line. Works on any text without raising; see the module docstring
    for the rules.
    """
    gazetteer = gazetteer or Gazetteer.load()
    prepared = Body.prepare(title, body, gazetteer)
    subject = title_subject(title) if title else ""
    if subject:
        result = _from_title(subject, prepared)
        if result is not None:
            return result
    return from_body(prepared)

"""What an article's body says about its region: rules 3 and 5 of ``etl.gazetteer.resolve``.

A title names its subject but not always uniquely (白云区 is in 广州 and in 贵阳), and many
articles have no usable title at all (``-我市双拥工作综述``). The body then decides, by counting
the divisions it mentions. Counting is cheap to get wrong, so every verdict here needs a clear
margin and states the counts it rests on in its evidence; without a margin the answer is
``ambiguous`` or ``unknown``, never a guess.

The title rules borrow from here too: the province the body points to (for a name that is no
division, or a blanked-out one), the patterns of blanked-out names, and the prepared body
itself, which is built once per article and scanned for names only when a rule needs them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from etl.gazetteer.index import Gazetteer
from etl.gazetteer.names import _SUFFIX_ALT, KIND_WEIGHT, UNIT_SUFFIXES, Mention
from etl.gazetteer.table import COUNTY, PREFECTURE, PROVINCE, Region
from etl.models import RegionResolution

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

# A blanked-out name: X市, XX市, ××县, 某市, or a bare XX before other text.
_BLANK_MARKS = "XxＸｘ×✕*＊□○〇"
BLANKED_RE = re.compile(
    rf"^(?:[{_BLANK_MARKS}某]{{1,3}}(?:{_SUFFIX_ALT})|[{_BLANK_MARKS}]{{2,3}}(?=[\u4e00-\u9fff]))"
)
BLANKED_ANYWHERE_RE = re.compile(rf"(?:[{_BLANK_MARKS}]{{1,3}}|某)(?:{_SUFFIX_ALT})")

# Whitespace between two CJK characters is PDF debris (许昌市召开持 续深化): removed before search.
_CJK_GAP_RE = re.compile(r"(?<=[\u4e00-\u9fff])[ \t\u3000\r\n]+(?=[\u4e00-\u9fff])")


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

"""What an article's body says about its region: rules 3 and 5 of ``etl.gazetteer.resolve``.

A title names its subject but not always uniquely (白云区 is in 广州 and in 贵阳), and many
articles have no usable title at all (``-我市双拥工作综述``, ``我区召开双拥工作推进会``). The
body then decides by weighing its mentions: only names that stand as words count
(``etl.gazetteer.words``), each with the weight of its role (``etl.gazetteer.cues``: a
clause's subject, one of the place's institutions or newspapers, a plain mention, a list
item, a venue). The kind of unit the text calls itself (我市 → a 市) multiplies a score.

Counting is cheap to get wrong, so every verdict needs a clear margin and states what it rests
on; places above or below the winner (its province, its counties) do not compete with it,
since a city's report names both. Without a margin the answer is ``ambiguous`` or
``unknown`` with the reason, never a guess.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

from etl.gazetteer.cues import STRONG_ROLES, Reading, read_roles
from etl.gazetteer.index import Gazetteer
from etl.gazetteer.names import ALIAS, KIND_WEIGHT, Mention
from etl.gazetteer.table import PROVINCE, Region
from etl.models import RegionResolution
from etl.openings import LiteralLed

# How a text refers to its own unit: 我市, 本县, 全区. 我/本 are surer than 全, because 全省 is
# also used for comparisons (全省首家).
SELF_REFERENCE_RE: Final = re.compile(r"([我本全])(省|市|县|区|州|盟|旗)")
SELF_REFERENCE_WEIGHT: Final = {"我": 2, "本": 2, "全": 1}

# Whitespace between two CJK characters is PDF debris (许昌市召开持 续深化): removed before search.
# (Searched at its white space, found with ``str.find``: ``etl.openings.LiteralLed``.)
CJK_GAP_RE: Final = LiteralLed(
    re.compile(r"(?<=[\u4e00-\u9fff])[ \t\u3000\r\n]+(?=[\u4e00-\u9fff])")
)

# How a body-only answer was decided, by the strongest role behind it.
BASIS_BY_ROLE: Final = {
    "institution": "unit_name",
    "newspaper": "newspaper",
    "subject": "body_subject",
}
HIGH: Final = "high"
MEDIUM: Final = "medium"
# A body score this many times the minimum, with this margin, is a sure answer.
SURE_SCORE_FACTOR: Final = 2.0
SURE_RATIO_FACTOR: Final = 2.0


class Body:
    """An article's body as the rules read it: title line dropped, CJK gaps closed, names
    read. Each is worked out on first use: most articles are placed by their title, and
    then the body is never read.
    """

    def __init__(self, title: str | None, body: str, gazetteer: Gazetteer) -> None:
        self.title = title or ""
        self.gazetteer = gazetteer
        self._source = body or ""
        # Worked out on first use (plain attributes, not ``functools.cached_property``: a
        # class compiled by mypyc, ``etl.native``, has no instance dict to cache in).
        self._lines: list[str] | None = None
        self._text: str | None = None
        self._first_line: str | None = None
        self._implied_unit: tuple[str | None] | None = None
        self._readings: list[Reading] | None = None

    @classmethod
    def prepare(cls, title: str | None, body: str, gazetteer: Gazetteer) -> Body:
        """The body of an article titled ``title`` (a body is often cut from the title
        line on: a leading copy of the title is dropped)."""
        return cls(title, body, gazetteer)

    def lines(self) -> list[str]:
        if self._lines is None:
            lines = self._source.splitlines()
            while lines and not lines[0].strip():
                lines.pop(0)
            if lines and self.title and lines[0].strip() == self.title.strip():
                lines.pop(0)
            self._lines = lines
        return self._lines

    @property
    def text(self) -> str:
        """The body without the title line, white space between CJK characters removed."""
        if self._text is None:
            self._text = CJK_GAP_RE.sub("", "\n".join(self.lines()))
        return self._text

    @property
    def first_line(self) -> str:
        """The first non-blank line after the title, stripped."""
        if self._first_line is None:
            self._first_line = next((ln.strip() for ln in self.lines() if ln.strip()), "")
        return self._first_line

    @property
    def implied_unit(self) -> str | None:
        """The kind of unit the title and body call their own (我区召开… → 区)."""
        if self._implied_unit is None:
            self._implied_unit = (self_reference(f"{self.title}\n{self.text}"),)
        return self._implied_unit[0]

    @property
    def readings(self) -> list[Reading]:
        """Every name that stands as a word, with its role and weight."""
        if self._readings is None:
            gaz = self.gazetteer
            self._readings = read_roles(
                self.text,
                gaz.find_names(self.text),
                gaz.tier_by_code,
                gaz.rules.cues,
                gaz.rules.weights,
            )
        return self._readings

    @property
    def mentions(self) -> list[Mention]:
        return [r.mention for r in self.readings]


def resolved(
    region: Region, as_written: str, evidence: str, basis: str, confidence: str
) -> RegionResolution:
    return RegionResolution(
        status="resolved",
        region=region.name,
        code=region.code,
        province=region.province,
        prefecture=region.prefecture,
        tier=region.tier,
        name_as_written=as_written,
        evidence=evidence,
        basis=basis,
        confidence=confidence,
    )


def _ranked(tally: Mapping[str, float]) -> list[tuple[str, float]]:
    """Keys by falling weight (ties by key, so results do not depend on text order)."""
    return sorted(tally.items(), key=lambda item: (-item[1], item[0]))


def describe(tally: Mapping[str, float], limit: int = 4) -> str:
    return ", ".join(f"{name} ×{n:g}" for name, n in _ranked(tally)[:limit])


# ----------------------------------------------------------------- rule 3: same names


def _support(candidate: Region, others: Sequence[Region], body: Body) -> dict[str, float]:
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


def disambiguate(candidates: Sequence[Region], as_written: str, body: Body) -> RegionResolution:
    """Pick the candidate the body clearly supports, else report them all as ambiguous."""
    decision = body.gazetteer.rules.decision
    support = [(_support(c, [o for o in candidates if o is not c], body), c) for c in candidates]
    support.sort(key=lambda item: (-sum(item[0].values()), item[1].code))
    best_counts, best = support[0]
    best_total = sum(best_counts.values())
    runner_up = sum(support[1][0].values()) if len(support) > 1 else 0.0
    if (
        best_total >= decision.min_disambiguation
        and best_total >= decision.disambiguation_dominance * runner_up
    ):
        where = best.prefecture or best.province
        evidence = f"title names {as_written}; body names {describe(best_counts)} → {where}"
        return resolved(best, as_written, evidence, "title_and_body", MEDIUM)
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
        f"{c.code} {c.prefecture or c.province}{c.name}: {describe(n) or 'no support'}"
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


def self_reference(text: str) -> str | None:
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


class Scored(NamedTuple):
    """A division the body names, with its score and the readings behind it (a tuple, as
    ``Reading``)."""

    score: float
    region: Region
    lost_char: bool
    readings: tuple[Reading, ...]

    @property
    def basis(self) -> str:
        roles = {r.role for r in self.readings}
        for role, basis in BASIS_BY_ROLE.items():
            if role in roles:
                return basis
        if any(r.mention.kind == ALIAS for r in self.readings):
            return "alias"
        return "body_count"


def body_scores(body: Body, implied: str | None) -> list[Scored]:
    """Every mentioned division with its score, best first."""
    raw: dict[str, float] = defaultdict(float)
    behind: dict[str, list[Reading]] = defaultdict(list)
    for reading in body.readings:
        codes = reading.mention.codes
        for code in codes:
            raw[code] += reading.weight / len(codes)
            behind[code].append(reading)
    decision = body.gazetteer.rules.decision
    scored = []
    for code, value in raw.items():
        region = body.gazetteer.regions[code]
        score = value * (decision.self_reference_boost if region.suffix == implied else 1.0)
        lost = _lost_first_char(region, body.first_line, body.gazetteer)
        bonus = decision.lost_char_bonus if lost else 0.0
        scored.append(Scored(score + bonus, region, lost, tuple(behind[code])))
    scored.sort(key=lambda s: (-s.score, s.region.code))
    return scored


def _related(a: Region, b: Region) -> bool:
    """One lies inside the other (a city and its county, a province and its city)."""
    return a.is_under(b.code) or b.is_under(a.code)


@dataclass(frozen=True)
class Verdict:
    """What the body is about, or why it cannot tell."""

    region: Region | None
    why: str
    basis: str | None = None
    confidence: str | None = None
    score: float = 0.0


def body_winner(body: Body) -> Verdict:
    """The division the body is clearly about, with a sentence saying why (or why not)."""
    decision = body.gazetteer.rules.decision
    implied = body.implied_unit
    scored = [s for s in body_scores(body, implied) if s.score > 0]
    if not scored:
        return Verdict(None, "the body names no division as its subject")
    best = scored[0]
    # A name shared by a place inside the winner and places elsewhere (鼓楼区 of 福州 and of
    # 南京) is one mention split between namesakes, not a rival.
    inside_names = _names_around(best, scored)
    rivals = [
        s
        for s in scored[1:]
        if not _related(s.region, best.region) and s.region.name not in inside_names
    ]
    runner_up = rivals[0].score if rivals else 0.0
    namesakes = [s.region for s in scored if s.region.name == best.region.name]
    if len(namesakes) > 1 and runner_up == best.score:
        return _namesake_verdict(namesakes, body)
    self_ref = f", the text calls itself a {implied} (我{implied}/全{implied})" if implied else ""
    if best.score >= decision.min_score and best.score >= decision.win_ratio * runner_up:
        inner = _own_unit_inside(best, scored, implied)
        if inner is not None:
            return Verdict(
                inner.region,
                f"the text calls itself a {implied} and makes {inner.region.name} its subject,"
                f" inside {best.region.name} (score {best.score:g})",
                inner.basis,
                MEDIUM,
                inner.score,
            )
        roles = Counter(f"{r.mention.text}({r.role})" for r in best.readings)
        lost = ", its name lost its first character at the start" if best.lost_char else ""
        sure = best.score >= SURE_SCORE_FACTOR * decision.min_score and (
            best.score >= SURE_RATIO_FACTOR * decision.win_ratio * runner_up
        )
        return Verdict(
            best.region,
            f"body names {describe(dict(roles))}{self_ref}{lost} (score {best.score:g}"
            f" against {runner_up:g})",
            best.basis,
            HIGH if sure and best.basis != "body_count" else MEDIUM,
            best.score,
        )
    enclosing = _self_named(scored, implied)
    if enclosing is not None:
        return Verdict(
            enclosing.region,
            f"the text calls itself a {implied} and names {enclosing.region.name}; every other"
            " place it names lies inside or above it",
            "self_reference",
            MEDIUM,
            enclosing.score,
        )
    province = _province_of_a_province_page(body, implied)
    if province is not None:
        return province
    top = ", ".join(f"{s.region.name} {s.score:.1f}" for s in scored[:3])
    weak = "only weak mentions" if best.score < decision.min_score else "split evidence"
    return Verdict(None, f"{weak} in the body ({top}{self_ref})")


def _own_unit_inside(best: Scored, scored: Sequence[Scored], implied: str | None) -> Scored | None:
    """A unit inside the winner, of the kind the text calls itself and named as a subject:
    a district's page (我区, 鼓楼区召开…) that also names its city's 退役军人事务局 is about the
    district, and the city tells which 鼓楼区 it is."""
    if implied is None or best.region.suffix == implied:
        return None
    inner = [
        s
        for s in scored
        if s.region.suffix == implied
        and s.region.is_under(best.region.code)
        and any(r.role in STRONG_ROLES for r in s.readings)
    ]
    return inner[0] if inner else None


def _namesake_verdict(namesakes: Sequence[Region], body: Body) -> Verdict:
    """The body's subject is a name several divisions share (江北区 of 重庆 and of 宁波):
    rule 3 decides it by the places around each, or leaves it undecided."""
    found = disambiguate(namesakes, namesakes[0].name, body)
    if found.status != "resolved" or found.code is None:
        return Verdict(None, found.evidence or "same-named divisions, undecided")
    region = body.gazetteer.regions[found.code]
    return Verdict(
        region, f"the body's subject {region.name}: {found.evidence}", "body_subject", MEDIUM
    )


def _self_named(scored: Sequence[Scored], implied: str | None) -> Scored | None:
    """The one named unit of the kind the text calls itself (我省 and 湖南省), when every other
    place it names lies inside or above that unit: a province's report lists its cities."""
    if implied is None:
        return None
    own = [s for s in scored if s.region.suffix == implied]
    if len(own) != 1:
        return None
    inside = _names_around(own[0], scored)
    if all(
        _related(s.region, own[0].region) or s.region.name in inside
        for s in scored
        if s is not own[0]
    ):
        return own[0]
    return None


def _province_of_a_province_page(body: Body, implied: str | None) -> Verdict | None:
    """A page that calls itself a province (全省, 我省) and names only places of one
    province, never the province itself (a provincial office's post listing its cities)."""
    if implied != "省":
        return None
    name, why = body_province(body)
    regions = body.gazetteer.lookup(name) if name else []
    province = next((r for r in regions if r.tier == PROVINCE), None)
    if province is None:
        return None
    return Verdict(province, f"the text calls itself a 省; {why}", "self_reference", MEDIUM)


def _names_around(centre: Scored, scored: Sequence[Scored]) -> set[str]:
    """Names of the places inside or above ``centre``: their namesakes elsewhere (鼓楼区 of
    南京 beside 福州's) are the same mention split between divisions, not other places."""
    return {s.region.name for s in scored if _related(s.region, centre.region)}


def strong_subject(verdict: Verdict) -> bool:
    """Whether a body verdict rests on a subject, institution or newspaper of the place."""
    return verdict.region is not None and verdict.basis in BASIS_BY_ROLE.values()


def body_province(body: Body) -> tuple[str | None, str]:
    """The province the body's mentions point to, if one clearly dominates."""
    decision = body.gazetteer.rules.decision
    votes: dict[str, float] = defaultdict(float)
    for reading in body.readings:
        provinces = {body.gazetteer.regions[c].province for c in reading.mention.codes}
        if len(provinces) == 1:
            votes[provinces.pop()] += KIND_WEIGHT[reading.mention.kind]
    ranked = _ranked(votes)
    if not ranked:
        return None, ""
    top, score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if score >= decision.min_province_score and score >= decision.province_win_ratio * second:
        return top, f"the body's place names point to {top} ({score:g})"
    return None, ""


def from_body(body: Body) -> RegionResolution:
    """Rule 5, with a blanked-out name in the body as the explanation when nothing wins."""
    verdict = body_winner(body)
    if verdict.region is not None:
        return resolved(
            verdict.region,
            verdict.region.name,
            verdict.why,
            verdict.basis or "body_count",
            verdict.confidence or MEDIUM,
        )
    blank = body.gazetteer.blanked_anywhere.search(body.text)
    names = body.gazetteer.rules.names
    if blank is not None:
        return RegionResolution(
            status="blanked",
            tier=names.tier_of_suffix(names.suffix_of(blank.group(0))),
            name_as_written=blank.group(0),
            evidence=f"the body uses a blanked-out name {blank.group(0)}; {verdict.why}",
        )
    return RegionResolution(status="unknown", evidence=verdict.why)


__all__ = [
    "STRONG_ROLES",
    "Body",
    "Scored",
    "Verdict",
    "body_province",
    "body_scores",
    "body_winner",
    "describe",
    "disambiguate",
    "from_body",
    "resolved",
    "self_reference",
    "strong_subject",
]

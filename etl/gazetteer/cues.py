"""What role a place plays where a text names it: ``read_roles``.

Counting names is how a careless reader decides what a page is about, and real pages defeat
it: ``表彰大会在北京举行`` names the venue, ``与宜宾市、乐山市一同被命名`` lists peers,
``河南省双拥模范城`` names a provincial round, while ``某某军分区``, ``某某日报`` or a clause that
opens ``11月10日，某某区召开…`` name the subject. Each mention gets a role from the words
right around it (``etl/rules/gazetteer.yml``, section ``cues``) and a weight by role
(section ``weights``), so the body's verdict weighs evidence instead of counting strings.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from etl.gazetteer.names import KIND_WEIGHT, Mention
from etl.gazetteer.rules import PROVINCE, CueRules

SUBJECT: Final = "subject"
INSTITUTION: Final = "institution"
NEWSPAPER: Final = "newspaper"
PLAIN: Final = "plain"
LIST: Final = "list"
HONOUR: Final = "honour"
VENUE: Final = "venue"
STRONG_ROLES: Final = frozenset({SUBJECT, INSTITUTION, NEWSPAPER})

# How far the words around a mention are read.
_AFTER: Final = 10
_BEFORE: Final = 6
# Characters that open a clause: what follows them may be its subject.
_CLAUSE_START: Final = frozenset("。！？；\n：:】]」』）)!?;")
_CLAUSE_PUNCT: Final = frozenset("，,。！？；\n")
_SPACES: Final = " \t\u3000"


class Reading(NamedTuple):
    """A mention with the role the text gives it and the weight that role carries.

    (A tuple: compiled with mypyc, a frozen dataclass is built through ``object.__setattr__``
    for each field, at three times the cost, and one is built for every name a body holds.)
    """

    mention: Mention
    role: str
    weight: float


def _after(text: str, end: int) -> str:
    return text[end : end + _AFTER].lstrip(_SPACES)


def _before(text: str, start: int) -> str:
    return text[max(0, start - _BEFORE) : start].rstrip(_SPACES)


def _opens_clause(text: str, start: int, cues: CueRules) -> bool:
    """Whether the mention starts a clause, or follows a time phrase (11月10日，/近年来，)."""
    pos = start
    while pos > 0 and text[pos - 1] in _SPACES:
        pos -= 1
    if pos == 0 or text[pos - 1] in _CLAUSE_START:
        return True
    if text[pos - 1] not in "，,":
        return False
    clause_start = pos - 1
    while clause_start > 0 and text[clause_start - 1] not in _CLAUSE_PUNCT:
        clause_start -= 1
    opener = text[clause_start : pos - 1].strip(_SPACES)
    return bool(opener) and len(opener) <= 12 and opener.endswith(cues.clause_openers)


def role_of(text: str, mention: Mention, tier: str | None, cues: CueRules) -> str:
    """The role of one mention (the first that fits, in the order of ``gazetteer.yml``)."""
    after, before = _after(text, mention.end), _before(text, mention.start)
    province = tier == PROVINCE
    if after.startswith(cues.institution_after):
        # A province's committees name every city of it (被甘肃省委、省政府命名为…).
        return PLAIN if province else INSTITUTION
    if after.startswith(cues.newspaper_after):
        return PLAIN if province else NEWSPAPER
    if before.endswith(cues.venue_before):
        return VENUE
    if province and after.startswith(cues.honour_after):
        return HONOUR
    if before.endswith(cues.list_before) or after.startswith(cues.list_after):
        return LIST
    if after.startswith(cues.subject_verbs) and _opens_clause(text, mention.start, cues):
        return SUBJECT
    return PLAIN


def read_roles(
    text: str,
    mentions: list[Mention],
    tier_of: dict[str, str],
    cues: CueRules,
    weights: dict[str, float],
) -> list[Reading]:
    """Every mention with its role and weight; ``tier_of`` maps a code to its tier."""
    readings = []
    for mention in mentions:
        tiers = {tier_of[code] for code in mention.codes}
        role = role_of(text, mention, tiers.pop() if len(tiers) == 1 else None, cues)
        weight = weights[role] * KIND_WEIGHT[mention.kind]
        readings.append(Reading(mention, role, weight))
    return readings

"""Numeric claims: which numbers in an article are funds, people resettled, children schooled
or honour counts, read by the rules of ``etl/rules/metrics.yml``.

Each quantity found by ``etl.numbers`` is offered to the rule for its unit kind (money →
funds; persons → children schooled, then people resettled; times → honours). A rule looks
for its trigger and subject words in the number's clause and sentence (``etl.clauses``) and
refuses it on a negative word. What a rule accepts becomes a ``ClaimMatch`` carrying the span
of the number and of the clause it was read from, the period its sentence states, and, for
money, a spending category (``etl.categories``).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Final

from etl.clauses import ArticleText, Span
from etl.metric_rules import PART_MARKER, ClaimRules, PersonRule
from etl.models import ClaimMatch
from etl.numbers import Quantity
from etl.period_kinds import (
    Covered,
    Heading,
    covered,
    heading_period,
    headings,
    honour,
    of_period,
)
from etl.periods import Period, period_for
from etl.wordsets import WordSet

# Whether a stretch of an article's text names a place other than the article's region.
PlaceTest = Callable[[str], bool]

# A quote longer than this is cut to a window around its number, so evidence stays readable.
MAX_QUOTE_CHARS: Final = 120
QUOTE_CONTEXT_CHARS: Final = 50
# How far back a paragraph-scope subject may stand (characters).
PARAGRAPH_LOOKBACK: Final = 300
# Other people named right after a count (4154名专职工作人员) are looked for this far.
OTHER_PEOPLE_WINDOW: Final = 16
# How far after 其中 an eligibility phrase may start (其中符合政府安排工作条件的312名).
ELIGIBLE_PART_WINDOW: Final = 6
QUOTE_EDGE: Final = "，,。；;：:、 \t\n\u3000"
# The unit kinds a rule reads (etl/rules/quantities.yml): money and bare 万/亿 amounts for
# funds, persons for the two people rules, times for honours.
_RULED_KINDS: Final = frozenset({"money", "bare", "person", "times"})


class _Article:
    """One article's text with its boundaries, year and the rules read on it."""

    def __init__(self, text: str, year: int | None, rules: ClaimRules) -> None:
        self.text = text
        self.year = year
        self.rules = rules
        self.bounds = ArticleText(text)
        # The scopes of a position (``etl.clauses``), asked for tens of thousands of times.
        self.clause: Callable[[int], Span] = self.bounds.clause
        self.sentence: Callable[[int], Span] = self.bounds.sentence
        self.quantities = list(rules.quantities.find(text))
        self._starts = [q.start for q in self.quantities]
        self._periods: dict[int, list[Period]] = {}
        self._period_starts: dict[int, list[int]] = {}
        self._scope_periods: dict[Span, list[Period]] = {}
        self._paragraph_periods: dict[int, Period | None] = {}
        self._headings: tuple[list[Heading], list[int]] | None = None

    def periods(self, sentence: Span) -> list[Period]:
        """Period phrases of a sentence scope, found once per sentence however many figures
        it holds (and however long it is: the scope's phrases are cut out by offset)."""
        found = self._scope_periods.get(sentence)
        if found is None:
            found = self._scope_periods[sentence] = self._sentence_periods(sentence)
        return found

    def _sentence_periods(self, sentence: Span) -> list[Period]:
        whole = self.bounds.full_sentence(sentence.start)
        found = self._periods.get(whole.start)
        if found is None:
            found = self.rules.periods.find(self.text, whole.start, whole.end, self.year)
            self._periods[whole.start] = found
            self._period_starts[whole.start] = [p.position for p in found]
        if sentence == whole:
            return found
        positions = self._period_starts[whole.start]
        lo = bisect.bisect_left(positions, sentence.start)
        return found[lo : bisect.bisect_left(positions, sentence.end, lo)]

    def paragraph_period(self, pos: int) -> Period | None:
        """The period phrase opening the paragraph of ``pos`` (近4年来，…), if any (read once
        per paragraph)."""
        paragraph = self.bounds.paragraph(pos)
        if paragraph.start in self._paragraph_periods:
            return self._paragraph_periods[paragraph.start]
        found = self._paragraph_periods[paragraph.start] = self._leading_period(paragraph)
        return found

    def _leading_period(self, paragraph: Span) -> Period | None:
        start = paragraph.start
        while start < paragraph.end and self.text[start].isspace():
            start += 1
        if start >= paragraph.end:
            return None
        return self.rules.periods.leading(self.periods(self.sentence(start)), start)

    def covered(
        self, quantity: Quantity, clause: Span, sentence: Span, governing: Period | None
    ) -> Covered:
        """The period kind and covered years of a money or person figure
        (``etl.period_kinds``); the article's headings are read on the first figure asked.
        Each cue is read only when the ones before it in ``covered``'s order do not decide."""
        if governing is not None:
            return of_period(governing)
        cues = self.rules.period_cues
        if self._headings is None:
            found = headings(self.text, self.rules.periods, cues, self.year)
            self._headings = (found, [h.start for h in found])
        heading = heading_period(*self._headings, quantity.start) if self._headings[0] else None
        stock = cues.stock_words.within(self.text, clause.start, quantity.start)
        part_of_year = (
            not stock
            and heading is None
            and cues.part_year_words.within(self.text, sentence.start, sentence.end)
        )
        return covered(None, heading, stock, part_of_year, self.year)

    def first_number(self, start: int, end: int) -> int | None:
        """Start of the first quantity inside ``[start, end)``, if any."""
        i = bisect.bisect_left(self._starts, start)
        if i < len(self._starts) and self._starts[i] < end:
            return self._starts[i]
        return None

    def number_end(self, number_start: int) -> int:
        return self.quantities[bisect.bisect_left(self._starts, number_start)].end


def _inside_book_title(text: str, pos: int) -> bool:
    """True inside 《…》: numbers in the titles of plans and laws are not claims."""
    opened = text.rfind("《", max(0, pos - 60), pos)
    return opened >= 0 and text.find("》", opened, pos) < 0


def _quote_span(text: str, clause: Span, quantity: Quantity) -> tuple[int, int]:
    start, end = clause.start, clause.end
    if end - start > MAX_QUOTE_CHARS:
        start = max(start, quantity.start - QUOTE_CONTEXT_CHARS)
        end = min(end, quantity.end + QUOTE_CONTEXT_CHARS)
    while start < quantity.start and text[start] in QUOTE_EDGE:
        start += 1
    while end > quantity.end and text[end - 1] in QUOTE_EDGE:
        end -= 1
    return start, end


def _claim(
    art: _Article,
    quantity: Quantity,
    clause: Span,
    sentence: Span,
    metric: str,
    rule: str,
    rate: bool = False,
    category: str | None = None,
) -> ClaimMatch:
    """The claim ``rule`` reads in ``quantity``, whose clause and sentence are given."""
    quote_start, quote_end = _quote_span(art.text, clause, quantity)
    if quantity.kind == "times":
        covers = honour(art.year)  # an honour count is cumulative: it covers no period
        return tuple.__new__(ClaimMatch, (  # a NamedTuple's own __new__ is interpreted
            metric, quantity.value, "次", quantity.approx, rate, quote_start, quote_end,
            quantity.start, quantity.end, quantity.text, None, None, None, category, rule,
            False, quantity.overlong, covers.kind, covers.start, covers.end,
        ))  # fmt: skip
    periods = art.periods(sentence)
    period = period_for(periods, clause.end, quantity.numeral_start) if periods else None
    if period is None:
        period = art.paragraph_period(quantity.start)
    covers = art.covered(quantity, clause, sentence, period)
    # The tuple it is, in the order of ``ClaimMatch``'s fields (is_part is decided later).
    return tuple.__new__(ClaimMatch, (
        metric, quantity.value, quantity.unit or "元", quantity.approx, rate,
        quote_start, quote_end, quantity.start, quantity.end, quantity.text,
        period.start if period else None, period.end if period else None,
        period.text if period else None, category, rule, False, quantity.overlong,
        covers.kind, covers.start, covers.end,
    ))  # fmt: skip


# --- funds -------------------------------------------------------------------------------


def _is_rate(art: _Article, quantity: Quantity, clause: Span) -> bool:
    if art.rules.funds.rate_before.within(
        art.text, max(clause.start, quantity.start - art.rules.funds.rate_window), quantity.start
    ):
        return True
    return (
        art.rules.funds.rate_after.starts_at(art.text, quantity.end, quantity.end + 4) is not None
    )


def _funds(art: _Article, quantity: Quantity, clause: Span, sentence: Span) -> ClaimMatch | None:
    if quantity.kind == "bare" and not art.rules.funds.bare_amount_words.within(
        art.text, quantity.start - art.rules.funds.bare_amount_window, quantity.start
    ):
        return None
    category = art.rules.categories.category(
        art.text, clause, sentence, quantity.start, quantity.end
    )
    rate = _is_rate(art, quantity, clause)
    return _claim(art, quantity, clause, sentence, "funds", "funds", rate, category)


# --- people and children -----------------------------------------------------------------


def _has_subject(
    art: _Article, rule: PersonRule, quantity: Quantity, clause: Span, sentence: Span
) -> bool:
    if rule.subjects.within(art.text, sentence.start, sentence.end):
        return True
    if rule.subject_scope == "paragraph" and rule.strong_triggers.within(
        art.text, clause.start, clause.end
    ):
        start = max(0, quantity.start - PARAGRAPH_LOOKBACK)
        cut = art.text.rfind("\n\n", start, quantity.start)
        return rule.subjects.within(art.text, cut + 2 if cut >= 0 else start, quantity.start)
    return False


def _unrefuted_trigger(
    art: _Article,
    rule: PersonRule,
    quantity: Quantity,
    sentence: Span,
    scope: list[tuple[int, int]],
) -> bool:
    """A refutable trigger (接收) counts unless its sentence says where the people went
    instead: 一次性经济补助 (they chose self-employment), or a counted eligible part
    (接收…5964人，其中符合安排工作条件的312名已全部安置: the placed ones are the 312)."""
    if _counted_eligible_part(art, rule, quantity.end, sentence.end):
        return False
    return any(
        _within_any(trigger, art.text, scope)
        and not refuter.within(art.text, sentence.start, sentence.end)
        for trigger, refuter in rule.refuted_triggers
    )


def _counted_eligible_part(art: _Article, rule: PersonRule, start: int, end: int) -> bool:
    """其中 + an eligibility phrase + its own number, after ``start`` in the sentence."""
    part = art.text.find(PART_MARKER, start, end)
    if part < 0:
        return False
    mask = rule.trigger_masks.search(art.text, part, end)
    return (
        mask is not None
        and mask.start() - part <= ELIGIBLE_PART_WINDOW
        and art.first_number(mask.end(), mask.end() + 3) is not None
    )


def _list_scope(art: _Article, quantity: Quantity, clause: Span) -> list[tuple[int, int]]:
    """The parts of a number's clause that speak about it.

    In a list (安置转业军官313名、退役士兵7名 / 29名…、49名…全部安置到位 /
    解决随军家属调动36人、…子女入学入托449人) each item is about its own number; the verb
    before the first item and the predicate after the last item are shared by all items.
    """
    items = _list_items(art, clause)
    if len(items) < 2:
        return [(clause.start, clause.end)]
    own = next(i for i, (a, b, _) in enumerate(items) if a <= quantity.start < b)
    ranges = [(items[own][0], items[own][1])]
    if own > 0:
        ranges.append((items[0][0], items[0][2]))  # the first item up to its number
    if own < len(items) - 1:
        _, last_end, last_number = items[-1]
        ranges.append((art.number_end(last_number), last_end))  # after the last number
    return ranges


def _list_items(art: _Article, clause: Span) -> list[tuple[int, int, int]]:
    """Items of a 、-separated list in ``clause`` that hold a number: (start, end, number at).

    Items without a number (转业干部、复员干部和…49名) belong to the next numbered item.
    """
    items: list[tuple[int, int, int]] = []
    start = clause.start
    for cut in [*_enumeration_commas(art.text, clause), clause.end]:
        number = art.first_number(start, cut)
        if number is not None:
            items.append((start, cut, number))
            start = cut
    if items and start < clause.end:
        first, _, number = items[-1]
        items[-1] = (first, clause.end, number)
    return items


def _enumeration_commas(text: str, clause: Span) -> list[int]:
    """Offsets just after each 、 of the clause (found by ``str.find``, not char by char)."""
    cuts: list[int] = []
    at = text.find("、", clause.start, clause.end)
    while at >= 0:
        cuts.append(at + 1)
        at = text.find("、", at + 1, clause.end)
    return cuts


def _predicate_clause(art: _Article, rule: PersonRule, clause: Span) -> list[tuple[int, int]]:
    """The next clause of the sentence when it holds no number and opens as a predicate
    (符合条件的退役士兵298人，已全部落实工作岗位)."""
    if not rule.predicate_openers:
        return []
    sentence = art.sentence(clause.start)
    if clause.end >= sentence.end:
        return []
    following = art.clause(clause.end + 1)
    if art.first_number(following.start, following.end) is not None:
        return []
    if not art.text.startswith(rule.predicate_openers, _first_word(art.text, following)):
        return []
    return [(following.start, following.end)]


def _first_word(text: str, clause: Span) -> int:
    """Where the clause's words begin (after punctuation and white space)."""
    pos = clause.start
    while pos < clause.end and text[pos] in QUOTE_EDGE:
        pos += 1
    return pos


def _unmasked(text: str, masks: WordSet, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``ranges`` with the phrases of ``masks`` cut out, so no trigger is read inside them."""
    if not masks:
        return ranges
    out: list[tuple[int, int]] = []
    for start, end in ranges:
        pos = start
        while (found := masks.search(text, pos, end)) is not None:
            out.append((pos, found.start()))
            pos = found.end()
        out.append((pos, end))
    return out


def _within_any(words: WordSet, text: str, ranges: list[tuple[int, int]]) -> bool:
    return any(words.within(text, a, b) for a, b in ranges)


def _person_claim(
    art: _Article,
    rule: PersonRule,
    quantity: Quantity,
    clause: Span,
    sentence: Span,
    scope: list[tuple[int, int]],
    continues: bool,
) -> ClaimMatch | None:
    """The claim of ``rule`` this number makes, if any; ``scope`` is its list scope."""
    if not _has_subject(art, rule, quantity, clause, sentence):
        return None
    if _within_any(rule.negatives, art.text, scope):
        return None
    if rule.other_people.within(
        art.text, quantity.end, min(clause.end, quantity.end + OTHER_PEOPLE_WINDOW)
    ):
        return None
    tail = art.text[quantity.end : clause.end].rstrip(QUOTE_EDGE)
    if tail.endswith(rule.pool_endings) and not tail.endswith(PART_MARKER):
        return None  # 符合条件的48名退役士兵中: the pool, not the people placed
    scope = _unmasked(art.text, rule.trigger_masks, scope)
    if _within_any(rule.triggers, art.text, scope) or _within_any(
        rule.triggers, art.text, _predicate_clause(art, rule, clause)
    ):
        return _claim(art, quantity, clause, sentence, rule.metric, f"{rule.metric}:trigger")
    if _unrefuted_trigger(art, rule, quantity, sentence, scope):
        return _claim(art, quantity, clause, sentence, rule.metric, f"{rule.metric}:received")
    if continues and (
        rule.subjects.within(art.text, clause.start, clause.end)
        or art.text.startswith(PART_MARKER, _first_word(art.text, clause))
    ):
        return _claim(art, quantity, clause, sentence, rule.metric, f"{rule.metric}:continued")
    return None


def _rules_for_item(
    art: _Article, quantity: Quantity, scope: list[tuple[int, int]]
) -> tuple[PersonRule, ...]:
    """The rules whose subject the number itself counts, else every rule in order.

    The noun right after the count says who is counted (16名随军家属工作安置和38名军人子女入学:
    the 16 are family members, though the clause speaks of school); failing that, in a list,
    the number's own item (军人子女入学入托4600余人、随军家属就业安置1300余人).
    """
    rules = art.rules.persons
    counted = tuple(r for r in rules if r.subjects.starts_at(art.text, quantity.end))
    if counted:
        return counted
    if len(scope) < 2:
        return rules
    own = tuple(r for r in rules if r.subjects.within(art.text, *scope[0]))
    return own or rules


def _person(
    art: _Article, quantity: Quantity, clause: Span, sentence: Span, last: dict[str, int]
) -> ClaimMatch | None:
    """Children first (the narrower rule), then people resettled. A clause with no trigger
    continues the previous clause's claim of the same metric in its sentence."""
    previous = art.clause(clause.start - 1) if clause.start > sentence.start else None
    scope = _list_scope(art, quantity, clause)
    breakdown = art.text.startswith(PART_MARKER, _first_word(art.text, clause))
    for rule in _rules_for_item(art, quantity, scope):
        # A clause continues the claim of the clause before it; a 其中 breakdown continues
        # the last claim of its sentence (…58名军人子女…，经协调全部落实到位，其中幼儿园19名).
        since = sentence.start if breakdown else (previous.start if previous else None)
        continues = since is not None and last.get(rule.metric, -1) >= since
        found = _person_claim(art, rule, quantity, clause, sentence, scope, continues)
        if found is not None:
            last[rule.metric] = quantity.start
            return found
    return None


# --- honours -----------------------------------------------------------------------------


def _title_position(art: _Article, quantity: Quantity, clause: Span, sentence: Span) -> int | None:
    """Offset of the 双拥模范 title this count refers to, or None when it names none.

    A count followed by an award verb (八次荣获…) names the first title after it in its
    clause; a streak (“九连冠”) or a back reference (获此殊荣) the last title before it in
    its sentence.
    """
    text = art.text
    window = art.rules.honours.award_verb_window
    if text.startswith(art.rules.honours.passive_markers, quantity.end):
        window = art.rules.honours.passive_window
    verb_end = min(clause.end, quantity.end + window)
    if art.rules.honours.award_verbs.within(text, quantity.end, verb_end):
        title = art.rules.honours.title_words.first(text, quantity.end, clause.end)
        if title is not None and not art.rules.honours.back_references.within(
            text, quantity.end, title.start()
        ):
            return title.start()
    if quantity.text.endswith(
        art.rules.honours.streak_units
    ) or art.rules.honours.back_references.within(text, quantity.end, clause.end):
        title = art.rules.honours.title_words.last(text, sentence.start, quantity.start)
        if title is not None:
            return title.start()
    return None


def _honour_metric(art: _Article, quantity: Quantity, sentence: Span, title_at: int) -> str | None:
    """National or provincial, from the scope word nearest before the title."""
    lower = sentence.start if title_at < quantity.start else quantity.end
    start = max(lower, title_at - art.rules.honours.scope_window)
    national = art.rules.honours.national_scope.last(art.text, start, title_at)
    provincial = art.rules.honours.provincial_scope.last(art.text, start, title_at)
    if national and (not provincial or national.end() >= provincial.end()):
        return "honour_national"
    if provincial:
        return "honour_provincial"
    return None


def _goal_named_after(art: _Article, quantity: Quantity, clause: Span) -> bool:
    """向…“八连冠”目标迈进 is a goal; 实现了…九连冠目标 is one reached."""
    end = min(clause.end, quantity.end + art.rules.honours.target_after_window)
    if not art.rules.honours.targets_after.within(art.text, quantity.end, end):
        return False
    return not art.rules.honours.achieved_markers.within(art.text, clause.start, quantity.start)


def _honours(
    art: _Article,
    quantity: Quantity,
    clause: Span,
    sentence: Span,
    names_other_place: PlaceTest | None,
) -> ClaimMatch | None:
    if quantity.ordinal and not (
        quantity.text.endswith("次")
        and art.rules.honours.award_verbs.starts_at(art.text, quantity.end, quantity.end + 4)
    ):
        return None  # 第十一届 is a round of awards; 第十次荣获 is the tenth naming
    if art.rules.honours.targets.within(
        art.text,
        max(clause.start, quantity.start - art.rules.honours.target_window),
        quantity.start,
    ) or _goal_named_after(art, quantity, clause):
        return None
    title_at = _title_position(art, quantity, clause, sentence)
    if title_at is None:
        return None
    metric = _honour_metric(art, quantity, sentence, title_at)
    if metric is None:
        return None
    if names_other_place is not None and names_other_place(art.text[clause.start : quantity.start]):
        return None  # 其中厦门市实现…“九连冠”: another place's honour, not the article's
    return _claim(art, quantity, clause, sentence, metric, "honours")


# --- article -----------------------------------------------------------------------------


def _mark_parts(art: _Article, claims: list[ClaimMatch]) -> list[ClaimMatch]:
    """Flag a claim that follows 其中 after a claim of the same metric in its sentence:
    it is part of that total and must never be added beside it."""
    marked: list[ClaimMatch] = []
    for claim in claims:
        sentence = art.sentence(claim.value_start)
        # The last earlier claim of the same metric in the sentence scope (not a rate).
        last = None
        for earlier in reversed(marked):
            if earlier.value_start < sentence.start:
                break
            if earlier.metric == claim.metric and not earlier.rate:
                last = earlier
                break
        # 其中转业士官600人，退伍义务兵3400人: every figure after 其中 is a part.
        if last is not None and (
            last.is_part or PART_MARKER in art.text[last.value_end : claim.value_start]
        ):
            claim = claim._replace(is_part=True)
        marked.append(claim)
    return marked


def extract_claims(
    text: str,
    year: int | None = None,
    names_other_place: PlaceTest | None = None,
    rules: ClaimRules | None = None,
) -> list[ClaimMatch]:
    """Every claim of the five metrics in one article's clean text, in reading order.

    ``year`` is the article's year, used to turn 4年来 or 今年 into calendar years.
    ``names_other_place`` says whether a stretch of text names a place that is neither the
    article's region nor above it: an honour count whose clause names such a place before
    it (not as a venue) belongs to that place (a province's page listing its cities').
    ``rules`` are the project's own (``ClaimRules.shipped()``) unless another set is given.
    """
    art = _Article(text, year, rules or ClaimRules.shipped())
    claims: list[ClaimMatch] = []
    last_person: dict[str, int] = {}
    clause_of, sentence_of = art.clause, art.sentence
    for quantity in art.quantities:
        kind = quantity.kind
        if kind not in _RULED_KINDS or (quantity.ordinal and kind != "times"):
            continue  # 户, 项 and ordinals other than 第十次 are read by no rule
        if _inside_book_title(text, quantity.start):
            continue
        clause, sentence = clause_of(quantity.start), sentence_of(quantity.start)
        found: ClaimMatch | None
        if kind == "person":
            found = _person(art, quantity, clause, sentence, last_person)
        elif kind == "times":
            found = _honours(art, quantity, clause, sentence, names_other_place)
        else:
            found = _funds(art, quantity, clause, sentence)
        if found is not None:
            claims.append(found)
    return _mark_parts(art, claims)

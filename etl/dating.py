"""When an article was written: the date the document states for itself, or a guess.

The SPEC orders the evidence: the date printed with the title (``date_line``), then the
page's own dates in its furniture, above the title (``header``: ``2021-09-28  A03版``),
under it (``byline``: ``发布时间：2024-04-16 09:30``) or at the end (``footer``: a 落款), then
a news dateline (``本报讯（记者 …）2023年10月20日，``), then the year of the document number
(``〔2024〕3号``), and only failing all of these the latest year the text gives for something
that has already happened (``inferred``). Only the last is a guess, so only it sets
``year_inferred``; every article keeps which of these decided its year (``year_source``).

Reports talk about the future a lot (``到2025年``, ``2035年远景目标``, plans named
``《…规划（2021—2025年）》``); taking the largest year blindly would date a 2023 report to
2035. The cues that mark a year as a target or a title are in ``rules/segmenting.yml``
(section ``dating``), so they can grow without touching the code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Final, NamedTuple

from etl.models import DateCue
from etl.openings import WHOLE_MATCH, compile_scanner, compile_with_opening, scan
from etl.rulebook import load_yaml, rule_file

# Full-width digits → ASCII, so one set of patterns serves raw and clean text alike.
_FULLWIDTH_DIGITS: Final = str.maketrans("０１２３４５６７８９", "0123456789")
_FULLWIDTH_DIGIT: Final = re.compile("[０-９]")
_CN_DIGITS: Final = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}

# Every date form has a digit or a Chinese zero: a cheap test that rejects most lines. Digits
# as ranges (ASCII and full-width, the forms a date is written in): ``\d`` would have the
# engine look every character up in Unicode's digit table.
_DATE_HINT: Final = re.compile(r"[0-9０-９〇○零]")
_FOUR_DIGITS: Final = re.compile(r"[0-9]{4}")  # in text ``ascii_digits`` has been through
_EARLIEST: Final = 1949


def words_pattern(words: list[str]) -> str:
    """A regex alternation of literal words, longest first (shared with ``etl.page``)."""
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


@dataclass(frozen=True, slots=True)
class DatingRules:
    """The date cues of ``segmenting.yml`` (``date_line``, ``date_line_cn``, section ``dating``
    and the metadata labels of section ``page``), compiled.

    Built from a rule file's contents (``from_rules``), so a test can load a second rule set
    beside the shipped one (``shipped``, built once).
    """

    date_line: re.Pattern[str]
    date_line_cn: re.Pattern[str]
    # Scanned for every article's years (``etl.openings.scan``: the match is WHOLE_MATCH).
    year: re.Pattern[str]
    year_cn: re.Pattern[str]
    future_before: re.Pattern[str]
    past_before: re.Pattern[str]
    range_start: re.Pattern[str]
    past_clause: re.Pattern[str]
    future_after: re.Pattern[str]
    book_title: re.Pattern[str]
    window: int
    future_clause: re.Pattern[str]
    iso_date: re.Pattern[str]
    year_list: re.Pattern[str]
    standalone: re.Pattern[str]
    journal_issue: re.Pattern[str]
    labelled_year: re.Pattern[str]
    not_page_date: re.Pattern[str]
    dateline: re.Pattern[str]
    dateline_reach: int
    dated: re.Pattern[str]

    @classmethod
    def from_rules(cls, data: dict[str, Any]) -> DatingRules:
        """The dating rules of a ``segmenting.yml``'s parsed contents."""
        dating: dict[str, Any] = data["dating"]
        labels = words_pattern(data["page"]["meta_labels"])
        # Led by their first characters where the engine has none of its own (``etl.openings``:
        # ``(?<!\d)(?P<y>…)`` opens with a look-behind, and without a lead every position of
        # an article is tried).
        return cls(
            date_line=compile_with_opening(data["date_line"]),
            date_line_cn=compile_with_opening(data["date_line_cn"]),
            year=compile_scanner(dating["year"]),
            year_cn=compile_scanner(dating["year_cn"]),
            future_before=compile_with_opening(dating["future_before"]),
            past_before=compile_with_opening(dating["past_before"]),
            range_start=compile_with_opening(dating["range_start"]),
            past_clause=compile_with_opening(dating["past_clause"]),
            future_after=compile_with_opening(dating["future_after"]),
            book_title=compile_with_opening(dating["book_title"]),
            window=int(dating["window"]),
            future_clause=compile_with_opening(dating["future_clause"]),
            iso_date=compile_scanner(dating["iso_date"]),
            year_list=compile_scanner(dating["year_list"]),
            standalone=compile_with_opening(
                dating["standalone_date"].replace("<labels>", f"(?:{labels})")
            ),
            journal_issue=compile_with_opening(dating["journal_issue"]),
            labelled_year=compile_with_opening(dating["labelled_year"]),
            not_page_date=compile_with_opening("|".join(map(re.escape, dating["not_page_date"]))),
            dateline=compile_with_opening(dating["dateline"]),
            dateline_reach=int(dating["dateline_reach"]),
            dated=compile_with_opening(dating["dated"]),
        )

    @classmethod
    def from_file(cls, path: Path) -> DatingRules:
        """The dating rules of another ``segmenting.yml`` (duplicate keys refused)."""
        return cls.from_rules(load_yaml(path))

    @classmethod
    def shipped(cls) -> DatingRules:
        """The dating rules of ``etl/rules/segmenting.yml`` (built once)."""
        return _shipped_dating()


@cache
def _shipped_dating() -> DatingRules:
    return DatingRules.from_rules(rule_file("segmenting"))


def ascii_digits(s: str) -> str:
    """``s`` with full-width digits made ASCII (same length, so offsets still hold).

    The reading stage already does this; doing it again here keeps dating correct on text
    that did not go through it (tests, raw lines). ``str.translate`` is slow on Chinese
    text, so it only runs when a full-width digit is there.
    """
    return s.translate(_FULLWIDTH_DIGITS) if _FULLWIDTH_DIGIT.search(s) else s


def _compact(s: str) -> str:
    """Drop whitespace and normalise digits: PDF text puts stray spaces inside dates.

    (``str.split`` cuts at exactly the characters ``\\s`` matches, ``str.isspace``'s, at a
    tenth of what a ``re.sub`` costs on a short line.)"""
    return "".join(ascii_digits(s).split())


def _cn_number(s: str) -> int:
    """Value of a Chinese numeral as used in dates: 二〇二三 (digit by digit), 十一, 二十三."""
    if "十" not in s:
        value = 0
        for ch in s:
            value = value * 10 + _CN_DIGITS[ch]
        return value
    tens, _, units = s.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _make_date(y: int, m: int, d: int) -> date | None:
    """A real calendar date, or None: a typo like 2月30日 must not crash a run."""
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_date(s: str, rules: DatingRules | None = None) -> date | None:
    """The date a date line states, or None when the whole line is not a date.

    Accepts ``（2023年8月3日）``, ``(2024年8月1日)``, ``2023-08-03``, ``2023.8.3``,
    ``二〇二三年八月三日``, with full-width digits or stray spaces. The whole string must be
    the date (brackets allowed): a sentence that starts with a date is not a date line.
    """
    if _DATE_HINT.search(s) is None:
        return None
    if rules is None:
        rules = DatingRules.shipped()
    compact = _compact(s)
    m = rules.date_line.fullmatch(compact)
    if m:
        return _make_date(int(m["y"]), int(m["m"]), int(m["d"]))
    m = rules.date_line_cn.fullmatch(compact)
    if m:
        return _make_date(_cn_number(m["y"]), _cn_number(m["m"]), _cn_number(m["d"]))
    return None


def _is_target(text: str, start: int, end: int, rules: DatingRules) -> bool:
    """True when the year at ``text[start:end]`` names a target, a plan or a period's end."""
    before = text[max(0, start - rules.window) : start]
    if rules.future_before.search(before) and not rules.past_before.search(before):
        # 2018年至2022年，全省共接收…: the end of a range whose clause reports what was done.
        done = rules.range_start.search(before) and rules.past_clause.match(text, end)
        return not done
    if rules.future_clause.match(text, end) is not None:
        return True
    return rules.future_after.match(text, end, end + rules.window) is not None


def _past_years(text: str, rules: DatingRules) -> Iterator[int]:
    """Years the text gives for things that have happened (targets and titles skipped).

    Besides ``2023年`` and ``二〇二三年``, dates written with dashes (``2021-09-28``) and lists
    of years (``2012、2016、2020年``) count: leaving them out lets a lone ``1991年首批`` win.
    """
    text = rules.book_title.sub("《》", ascii_digits(text))
    this_year = date.today().year
    for pattern, convert in ((rules.year, int), (rules.year_cn, _cn_number)):
        for m in scan(pattern, text):
            year = convert(m["y"])
            start, end = m.span(WHOLE_MATCH)
            if 1900 <= year <= this_year and not _is_target(text, start, end, rules):
                yield year
    for m in scan(rules.iso_date, text):
        if int(m["y"]) <= this_year:
            yield int(m["y"])
    for m in scan(rules.year_list, text):
        start, end = m.span(WHOLE_MATCH)
        for y in _FOUR_DIGITS.finditer(m[WHOLE_MATCH]):
            if int(y[0]) <= this_year and not _is_target(text, start, end, rules):
                yield int(y[0])


def latest_past_year(text: str, rules: DatingRules | None = None) -> int | None:
    """The latest year the text gives for something that has happened, or None."""
    return max(_past_years(text, rules or DatingRules.shipped()), default=None)


def _plausible(year: int) -> bool:
    return _EARLIEST <= year <= date.today().year


def line_date(s: str, source: str, rules: DatingRules | None = None) -> DateCue | None:
    """The date a line of page furniture states for the page, or None.

    The line is a header, byline or footer line (``发布时间：2024-04-16 09:30``, ``某某日报
    2021-09-28  A03版``, a 落款 ``2024年1月15日`` or ``二〇二四年一月十五日``, a journal's
    ``2023年第4期``). A date must stand alone in it (see ``standalone_date``); a received
    date or a link to another article (``收稿日期``, ``上一篇``) is not the page's.
    """
    if _DATE_HINT.search(s) is None:
        return None
    if rules is None:
        rules = DatingRules.shipped()
    if rules.not_page_date.search(s):
        return None
    whole = parse_date(s, rules)
    if whole is not None:
        return DateCue(whole, whole.year, source) if _plausible(whole.year) else None
    text = ascii_digits(s)
    for m in rules.standalone.finditer(text):
        found = _make_date(int(m["y"]), int(m["m"]), int(m["d"]))
        if found is not None and _plausible(found.year):
            return DateCue(found, found.year, source)
    issue = rules.journal_issue.search(text) or rules.labelled_year.search(text)
    if issue and _plausible(int(issue["y"])):
        return DateCue(None, int(issue["y"]), source)
    return None


def dateline_date(paragraph: str, rules: DatingRules | None = None) -> DateCue | None:
    """The date of a news dateline opening ``paragraph``, when it states a year.

    ``本报讯（记者 某某）2023年10月20日，…`` and ``本报2024年4月18日讯`` date the story;
    ``10月20日，…`` alone does not (its year is the page's, or unknown).
    """
    if rules is None:
        rules = DatingRules.shipped()
    head = ascii_digits(paragraph[: 2 * rules.dateline_reach + 40])
    m = rules.dateline.match(head)
    if m is None:
        return None
    dated = rules.dated.search(head, 0, m.end() + rules.dateline_reach)
    if dated is None:
        return None
    found = _make_date(int(dated["y"]), int(dated["m"]), int(dated["d"]))
    if found is None or not _plausible(found.year):
        return None
    return DateCue(found, found.year, "dateline")


class Dated(NamedTuple):
    """When an article was written, and which evidence said so (``source``, or None); a
    tuple, built for every article (see ``etl.periods.Period``)."""

    date: date | None
    year: int | None
    inferred: bool
    source: str | None


def decide(
    segment_date: date | None,
    cue: DateCue | None,
    page_date: DateCue | None,
    document_year: int | None,
    article_text: str,
    rules: DatingRules | None = None,
) -> Dated:
    """The article's date and year in the SPEC's order of evidence, with its source.

    ``segment_date`` is the date line under the title; ``page_date`` the date in the page
    header; ``cue`` the article's own byline, footer or dateline date
    (``ArticleSegment.cue``); ``document_year`` the year of the document number. The text
    is read only when all are missing, under ``rules`` (the shipped dating rules by default).
    """
    if segment_date is not None:
        return Dated(segment_date, segment_date.year, False, "date_line")
    for stated in (page_date, cue):
        if stated is not None:
            return Dated(stated.date, stated.year, False, stated.source)
    if document_year is not None:
        return Dated(None, document_year, False, "document_number")
    year = latest_past_year(article_text, rules)
    return Dated(None, year, year is not None, "inferred" if year is not None else None)


def article_date(
    segment_date: date | None,
    article_text: str,
    document_year: int | None,
    rules: DatingRules | None = None,
) -> tuple[date | None, int | None, bool]:
    """``(date, year, year_inferred)`` from the date line, document number or text alone.

    ``2023年以来`` counts as evidence of 2023, ``到2025年`` and ``《…2021—2025年…》`` do not.
    """
    found = decide(segment_date, None, None, document_year, article_text, rules)
    return found.date, found.year, found.inferred

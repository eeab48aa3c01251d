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
from typing import Any

from etl.models import DateCue
from etl.rulebook import rule_file

_RULES: dict[str, Any] = rule_file("segmenting")  # duplicate keys refused
_DATING: dict[str, Any] = _RULES["dating"]

# Full-width digits → ASCII, so one set of patterns serves raw and clean text alike.
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_FULLWIDTH_DIGIT = re.compile("[０-９]")
_WHITESPACE = re.compile(r"\s+")
_CN_DIGITS = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}

# Every date form has a digit or a Chinese zero: a cheap test that rejects most lines.
_DATE_HINT = re.compile(r"[\d〇○零]")
_DATE_LINE = re.compile(_RULES["date_line"])
_DATE_LINE_CN = re.compile(_RULES["date_line_cn"])
_YEAR = re.compile(_DATING["year"])
_YEAR_CN = re.compile(_DATING["year_cn"])
_FUTURE_BEFORE = re.compile(_DATING["future_before"])
_PAST_BEFORE = re.compile(_DATING["past_before"])
_FUTURE_AFTER = re.compile(_DATING["future_after"])
_BOOK_TITLE = re.compile(_DATING["book_title"])
_WINDOW = int(_DATING["window"])
_FUTURE_CLAUSE = re.compile(_DATING["future_clause"])
_ISO_DATE = re.compile(_DATING["iso_date"])
_YEAR_LIST = re.compile(_DATING["year_list"])
_FOUR_DIGITS = re.compile(r"\d{4}")
_LABELS = "|".join(map(re.escape, sorted(_RULES["page"]["meta_labels"], key=len, reverse=True)))
_STANDALONE = re.compile(_DATING["standalone_date"].replace("<labels>", f"(?:{_LABELS})"))
_JOURNAL_ISSUE = re.compile(_DATING["journal_issue"])
_NOT_PAGE_DATE = re.compile("|".join(map(re.escape, _DATING["not_page_date"])))
_DATELINE = re.compile(_DATING["dateline"])
_DATELINE_REACH = int(_DATING["dateline_reach"])
_DATED = re.compile(_DATING["dated"])
_EARLIEST = 1949


def ascii_digits(s: str) -> str:
    """``s`` with full-width digits made ASCII (same length, so offsets still hold).

    The reading stage already does this; doing it again here keeps dating correct on text
    that did not go through it (tests, raw lines). ``str.translate`` is slow on Chinese
    text, so it only runs when a full-width digit is there.
    """
    return s.translate(_FULLWIDTH_DIGITS) if _FULLWIDTH_DIGIT.search(s) else s


def _compact(s: str) -> str:
    """Drop whitespace and normalise digits: PDF text puts stray spaces inside dates."""
    return _WHITESPACE.sub("", ascii_digits(s))


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


def parse_date(s: str) -> date | None:
    """The date a date line states, or None when the whole line is not a date.

    Accepts ``（2023年8月3日）``, ``(2024年8月1日)``, ``2023-08-03``, ``2023.8.3``,
    ``二〇二三年八月三日``, with full-width digits or stray spaces. The whole string must be
    the date (brackets allowed): a sentence that starts with a date is not a date line.
    """
    if _DATE_HINT.search(s) is None:
        return None
    compact = _compact(s)
    m = _DATE_LINE.fullmatch(compact)
    if m:
        return _make_date(int(m["y"]), int(m["m"]), int(m["d"]))
    m = _DATE_LINE_CN.fullmatch(compact)
    if m:
        return _make_date(_cn_number(m["y"]), _cn_number(m["m"]), _cn_number(m["d"]))
    return None


def _is_target(text: str, start: int, end: int) -> bool:
    """True when the year at ``text[start:end]`` names a target, a plan or a period's end."""
    before = text[max(0, start - _WINDOW) : start]
    if _FUTURE_BEFORE.search(before) and not _PAST_BEFORE.search(before):
        return True
    if _FUTURE_CLAUSE.match(text, end) is not None:
        return True
    return _FUTURE_AFTER.match(text, end, end + _WINDOW) is not None


def _past_years(text: str) -> Iterator[int]:
    """Years the text gives for things that have happened (targets and titles skipped).

    Besides ``2023年`` and ``二〇二三年``, dates written with dashes (``2021-09-28``) and lists
    of years (``2012、2016、2020年``) count: leaving them out lets a lone ``1991年首批`` win.
    """
    text = _BOOK_TITLE.sub("《》", ascii_digits(text))
    this_year = date.today().year
    for pattern, convert in ((_YEAR, int), (_YEAR_CN, _cn_number)):
        for m in pattern.finditer(text):
            year = convert(m["y"])
            if 1900 <= year <= this_year and not _is_target(text, m.start(), m.end()):
                yield year
    for m in _ISO_DATE.finditer(text):
        if int(m["y"]) <= this_year:
            yield int(m["y"])
    for m in _YEAR_LIST.finditer(text):
        for y in _FOUR_DIGITS.finditer(m[0]):
            if int(y[0]) <= this_year and not _is_target(text, m.start(), m.end()):
                yield int(y[0])


def latest_past_year(text: str) -> int | None:
    """The latest year the text gives for something that has happened, or None."""
    return max(_past_years(text), default=None)


def _plausible(year: int) -> bool:
    return _EARLIEST <= year <= date.today().year


def line_date(s: str, source: str) -> DateCue | None:
    """The date a line of page furniture states for the page, or None.

    The line is a header, byline or footer line (``发布时间：2024-04-16 09:30``, ``某某日报
    2021-09-28  A03版``, a 落款 ``2024年1月15日`` or ``二〇二四年一月十五日``, a journal's
    ``2023年第4期``). A date must stand alone in it (see ``standalone_date``); a received
    date or a link to another article (``收稿日期``, ``上一篇``) is not the page's.
    """
    if _DATE_HINT.search(s) is None or _NOT_PAGE_DATE.search(s):
        return None
    whole = parse_date(s)
    if whole is not None:
        return DateCue(whole, whole.year, source) if _plausible(whole.year) else None
    text = ascii_digits(s)
    for m in _STANDALONE.finditer(text):
        found = _make_date(int(m["y"]), int(m["m"]), int(m["d"]))
        if found is not None and _plausible(found.year):
            return DateCue(found, found.year, source)
    issue = _JOURNAL_ISSUE.search(text)
    if issue and _plausible(int(issue["y"])):
        return DateCue(None, int(issue["y"]), source)
    return None


def dateline_date(paragraph: str) -> DateCue | None:
    """The date of a news dateline opening ``paragraph``, when it states a year.

    ``本报讯（记者 某某）2023年10月20日，…`` and ``本报2024年4月18日讯`` date the story;
    ``10月20日，…`` alone does not (its year is the page's, or unknown).
    """
    head = ascii_digits(paragraph[: 2 * _DATELINE_REACH + 40])
    m = _DATELINE.match(head)
    if m is None:
        return None
    dated = _DATED.search(head, 0, m.end() + _DATELINE_REACH)
    if dated is None:
        return None
    found = _make_date(int(dated["y"]), int(dated["m"]), int(dated["d"]))
    if found is None or not _plausible(found.year):
        return None
    return DateCue(found, found.year, "dateline")


@dataclass(frozen=True)
class Dated:
    """When an article was written, and which evidence said so (``source``, or None)."""

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
) -> Dated:
    """The article's date and year in the SPEC's order of evidence, with its source.

    ``segment_date`` is the date line under the title; ``page_date`` the date in the page
    header; ``cue`` the article's own byline, footer or dateline date
    (``ArticleSegment.cue``); ``document_year`` the year of the document number. The text
    is read only when all are missing.
    """
    if segment_date is not None:
        return Dated(segment_date, segment_date.year, False, "date_line")
    for stated in (page_date, cue):
        if stated is not None:
            return Dated(stated.date, stated.year, False, stated.source)
    if document_year is not None:
        return Dated(None, document_year, False, "document_number")
    year = latest_past_year(article_text)
    return Dated(None, year, year is not None, "inferred" if year is not None else None)


def article_date(
    segment_date: date | None, article_text: str, document_year: int | None
) -> tuple[date | None, int | None, bool]:
    """``(date, year, year_inferred)`` from the date line, document number or text alone.

    ``2023年以来`` counts as evidence of 2023, ``到2025年`` and ``《…2021—2025年…》`` do not.
    """
    found = decide(segment_date, None, None, document_year, article_text)
    return found.date, found.year, found.inferred

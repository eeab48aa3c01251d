"""When an article was written: its printed date, the document's year, or a guess.

The SPEC orders the evidence: the date printed with the title beats the year in the
document number (``〔2024〕3号``), which beats the latest year the text gives for something
that has already happened. Only the last is a guess, so only it sets ``year_inferred``.

Reports talk about the future a lot (``到2025年``, ``2035年远景目标``, plans named
``《…规划（2021—2025年）》``); taking the largest year blindly would date a 2023 report to
2035. The cues that mark a year as a target or a title are in ``rules/segmenting.yml``
(section ``dating``), so they can grow without touching the code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from etl.rulebook import rule_file

_RULES: dict[str, Any] = rule_file("segmenting")  # duplicate keys refused
_DATING: dict[str, Any] = _RULES["dating"]

# Full-width digits → ASCII, so one set of patterns serves raw and clean text alike.
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
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


def ascii_digits(s: str) -> str:
    """``s`` with full-width digits made ASCII (same length, so offsets still hold).

    The reading stage already does this; doing it again here keeps dating correct on text
    that did not go through it (tests, raw lines).
    """
    return s.translate(_FULLWIDTH_DIGITS)


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
    return _FUTURE_AFTER.match(text, end, end + _WINDOW) is not None


def _past_years(text: str) -> Iterator[int]:
    """Years the text gives for things that have happened (targets and titles skipped)."""
    text = _BOOK_TITLE.sub("《》", ascii_digits(text))
    this_year = date.today().year
    for pattern, convert in ((_YEAR, int), (_YEAR_CN, _cn_number)):
        for m in pattern.finditer(text):
            year = convert(m["y"])
            if 1900 <= year <= this_year and not _is_target(text, m.start(), m.end()):
                yield year


def latest_past_year(text: str) -> int | None:
    """The latest year the text gives for something that has happened, or None."""
    return max(_past_years(text), default=None)


def article_date(
    segment_date: date | None, article_text: str, document_year: int | None
) -> tuple[date | None, int | None, bool]:
    """``(date, year, year_inferred)`` for an article, following the SPEC's order of evidence.

    ``segment_date`` is the date printed with the title (``ArticleSegment.date``);
    ``document_year`` the year of the document number (``Segmentation.document_year``).
    The text is only read when both are missing; ``2023年以来`` counts as evidence of 2023,
    ``到2025年`` and ``《…2021—2025年…》`` do not.
    """
    if segment_date is not None:
        return segment_date, segment_date.year, False
    if document_year is not None:
        return None, document_year, False
    year = latest_past_year(article_text)
    return None, year, year is not None

"""The furniture around a single web or newspaper page's story, and its headline.

A saved page opens with chrome (breadcrumbs ``首页 > 新闻中心 > 工作动态``, menus, a
masthead, ``第02版：区县新闻``, ``发布时间：… 来源：…``, ``字号：大 中 小``) and ends with
footers (``打印本页 关闭窗口``, ``主办单位``, 备案号). None of that is the story's title; the
headline is the line a reader sees as one: short, unpunctuated, near the top, not of any
chrome shape, and usually right above the byline, the metadata or the story itself.

So each line is first given a kind by its shape (:func:`line_kind`); the headline is then
chosen among the remaining title-shaped lines by weighing cues (:func:`choose_headline`).
The same furniture carries the page's own date: :func:`header_date` reads it above the
first title, :func:`article_cue` under a title (byline), at an article's end (footer, 落款)
and in the dateline of its first paragraph. The shapes and weights are in
``rules/segmenting.yml`` (sections ``page`` and ``dating``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from etl.dating import ascii_digits, dateline_date, line_date
from etl.models import DateCue
from etl.rulebook import rule_file

_RULES: dict[str, Any] = rule_file("segmenting")
_PAGE: dict[str, Any] = _RULES["page"]


def _words(words: Sequence[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


_HEAD_LINES = int(_PAGE["head_lines"])
_ARROWS = re.compile(r"[>＞»›]")
_SEPARATORS = re.compile(_PAGE["nav_separators"])
_NAV_MIN = int(_PAGE["nav_min_separators"])
_MENU_MIN = int(_PAGE["menu_min_words"])
_MENU_WORD = int(_PAGE["menu_word_max_chars"])
_CHROME = re.compile(_words(_PAGE["chrome_words"]))
_META = re.compile(rf"^[【\[（(]?\s*(?:{_words(_PAGE['meta_labels'])})\s*[：:】\]]")
_PAGE_NUMBER = re.compile(_PAGE["page_number"])
_BYLINE = re.compile(_PAGE["byline"])
_NAME_MAX = int(_PAGE["name_max_chars"])
_MASTHEAD_MAX = int(_PAGE["masthead_max_chars"])
_MASTHEAD = re.compile(f"(?:{_words(_PAGE['masthead_endings'])})$")
_SUBTITLE = re.compile(_PAGE["subtitle"])
_EXCLAMATION = re.compile("[" + re.escape(_PAGE["headline_exclamations"]) + "]")
_HEADLINE_MIN = int(_PAGE["headline_min_chars"])
_LENGTH_UNIT = float(_PAGE["length_unit"])
_LENGTH_CAP = int(_PAGE["length_cap"])
_FOLLOWED = float(_PAGE["followed_bonus"])
_SUFFIX_BONUS = float(_PAGE["suffix_bonus"])
_DEPTH_COST = float(_PAGE["depth_cost"])

_DATING: dict[str, Any] = _RULES["dating"]
_HEADER_LINES = int(_DATING["header_lines"])
_BYLINE_LINES = int(_DATING["byline_lines"])
_FOOTER_LINES = int(_DATING["footer_lines"])

_DOC_NUMBER = re.compile(_RULES["doc_number"])
_SENTENCE = re.compile("[，。；！？,;!?]")
_BRACKETED = re.compile(r"^[（(【\[].{0,60}[）)】\]]$")
_FULL_DATE = re.compile(r"(?:19|20)\d{2}\s*(?:年|[-./])\s*\d{1,2}\s*(?:月|[-./])\s*\d{1,2}")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TOKENS = re.compile(r"[^\s|｜]+")

# Line kinds. Chrome of any kind is never a headline; META and BYLINE lines may hold the
# page's date (etl/dating.py reads them).
NAV, CHROME, META, BYLINE, MASTHEAD = "nav", "chrome", "meta", "byline", "masthead"


def _is_name(token: str) -> bool:
    """A personal name as bylines write them: 2–3 characters, or a transliteration with ·."""
    return "·" in token or (2 <= len(token) <= _NAME_MAX and _CJK.fullmatch(token[0]) is not None)


def line_kind(s: str) -> str | None:
    """The chrome kind of a stripped line, or None for text (a headline, the story).

    Labels that open a line (``发布时间：``, ``出处：``) and bracketed lines decide first,
    since metadata may carry a comma; any other line with sentence punctuation is text.
    """
    if not s:
        return None
    if _META.match(s) or _BRACKETED.match(s) or ("号" in s and _DOC_NUMBER.match(ascii_digits(s))):
        return META
    if _SENTENCE.search(s):
        return None
    if _ARROWS.search(s) or len(_SEPARATORS.findall(s)) >= _NAV_MIN:
        return NAV
    if _BYLINE.match(s):
        return BYLINE
    tokens = _TOKENS.findall(s)
    if len(tokens) >= _MENU_MIN and all(len(t) <= _MENU_WORD for t in tokens):
        return NAV
    if _CHROME.search(s):
        return CHROME
    if _PAGE_NUMBER.search(s) or _FULL_DATE.search(ascii_digits(s)):
        return META
    if len(tokens) >= 2 and all(map(_is_name, tokens)):
        return BYLINE
    if len(s) <= _MASTHEAD_MAX and _MASTHEAD.search(s):
        return MASTHEAD
    return None


def _score(s: str, depth: int, followed: bool, suffixed: bool) -> float:
    """How much a candidate line looks like the page's headline."""
    score = min(len(_CJK.findall(s)), _LENGTH_CAP) / _LENGTH_UNIT
    if followed:
        score += _FOLLOWED
    if suffixed:
        score += _SUFFIX_BONUS
    return score - _DEPTH_COST * depth


def choose_headline(
    lines: Sequence[str],
    is_title: Callable[[str], bool],
    first: int,
    stop: int,
    is_paragraph: Callable[[str], bool],
    has_suffix: Callable[[str], bool],
) -> int | None:
    """Index of the headline among ``lines[first:stop]``, or None when no line is one.

    ``is_title`` is the title shape of ``rules/segmenting.yml``. Title-shaped lines that are
    not chrome form blocks of adjacent lines (a headline, its
    second deck, its subtitle); a block's title is its first line long enough to be one.
    Blocks are weighed by length, by what follows them (metadata, a byline or the story:
    a headline stands right above those), by a report-title suffix and by depth; the
    scan ends at the first paragraph of running text.
    """
    blocks: list[list[int]] = []
    previous = -2
    depth = 0
    for i in range(first, min(stop, len(lines))):
        s = lines[i]
        if not s:
            continue
        depth += 1
        if depth > _HEAD_LINES:
            break
        kind = line_kind(s)
        if kind is not None:
            continue
        headline = _headline_shaped(s, is_title)
        if not headline and is_paragraph(s):
            break
        if headline:
            if previous == i - 1 and blocks:
                blocks[-1].append(i)
            else:
                blocks.append([i])
            previous = i
    if not blocks:
        return None
    best, best_score = None, float("-inf")
    for block in blocks:
        title = _block_title(lines, block)
        after = _next_nonblank(lines, block[-1], stop)
        followed = after is None or _introduces_story(lines[after], is_paragraph)
        suffixed = any(has_suffix(lines[i]) for i in block)
        score = _score(lines[title], title - first, followed, suffixed)
        if score > best_score:
            best, best_score = title, score
    return best


def _headline_shaped(s: str, is_title: Callable[[str], bool]) -> bool:
    """A title shape, where an exclamation inside is allowed (``徐州九连冠！再获…``)."""
    return is_title(s) or (
        _EXCLAMATION.search(s[:-1]) is not None and is_title(_EXCLAMATION.sub("", s))
    )


def _block_title(lines: Sequence[str], block: list[int]) -> int:
    """The title of a block of adjacent headline lines: the first long enough to be one.

    A subtitle (``——某某市双拥工作综述``) under another line is never the title.
    """
    for i in block:
        s = lines[i]
        if i != block[0] and _SUBTITLE.match(s):
            continue
        if len(_CJK.findall(s)) >= _HEADLINE_MIN:
            return i
    return block[0]


def _next_nonblank(lines: Sequence[str], i: int, stop: int) -> int | None:
    for j in range(i + 1, min(stop, len(lines))):
        if lines[j]:
            return j
    return None


def _introduces_story(s: str, is_paragraph: Callable[[str], bool]) -> bool:
    """Whether a line is what follows a headline: metadata, a byline, or the story."""
    return line_kind(s) in (META, BYLINE) or is_paragraph(s)


def _is_story(s: str, is_paragraph: Callable[[str], bool]) -> bool:
    """Running text of the story (not furniture, even when furniture is long)."""
    return bool(s) and line_kind(s) is None and is_paragraph(s)


def header_date(
    lines: Sequence[str], stop: int, is_paragraph: Callable[[str], bool]
) -> DateCue | None:
    """The first date stated in the page's furniture above line ``stop`` (the first title)."""
    seen = 0
    for i in range(min(stop, len(lines))):
        s = lines[i]
        if not s:
            continue
        seen += 1
        if seen > _HEADER_LINES:
            break
        if not _is_story(s, is_paragraph) and (cue := line_date(s, "header")) is not None:
            return cue
    return None


def article_cue(
    lines: Sequence[str], after: int, end: int, is_paragraph: Callable[[str], bool]
) -> DateCue | None:
    """The date an article states for itself below its title: byline, footer, dateline.

    ``after`` is the first line after the title (and its date line), ``end`` the line the
    next article starts at. The byline zone is the first lines under the title, the footer
    zone the furniture after the article's last paragraph (its 落款); the dateline is the
    opening of its first paragraph. That is also the order of preference.
    """
    footer = _footer_lines(lines, after, end, is_paragraph)
    byline_end = footer[0] if footer else min(end, len(lines))
    first_story = None
    seen = 0
    for i in range(after, byline_end):
        s = lines[i]
        if not s:
            continue
        seen += 1
        if seen > _BYLINE_LINES:
            break
        if _is_story(s, is_paragraph):
            first_story = i if first_story is None else first_story
        elif (cue := line_date(s, "byline")) is not None:
            return cue
    for i in footer:
        if (cue := line_date(lines[i], "footer")) is not None:
            return cue
    return dateline_date(lines[first_story]) if first_story is not None else None


def _footer_lines(
    lines: Sequence[str], after: int, end: int, is_paragraph: Callable[[str], bool]
) -> list[int]:
    """Non-blank lines after the article's last paragraph, in document order."""
    found: list[int] = []
    for i in range(min(end, len(lines)) - 1, after - 1, -1):
        s = lines[i]
        if not s:
            continue
        if _is_story(s, is_paragraph) or len(found) >= _FOOTER_LINES:
            break
        found.append(i)
    return found[::-1]

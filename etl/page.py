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
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

from etl.dating import DatingRules, ascii_digits, dateline_date, line_date, words_pattern
from etl.models import DateCue
from etl.rulebook import load_yaml, rule_file

_ARROWS: Final = re.compile(r"[>＞»›]")
_SENTENCE: Final = re.compile("[，。；！？,;!?]")
_BRACKETED: Final = re.compile(r"^[（(【\[].{0,60}[）)】\]]$")
_FULL_DATE: Final = re.compile(r"(?:19|20)\d{2}\s*(?:年|[-./])\s*\d{1,2}\s*(?:月|[-./])\s*\d{1,2}")
_CJK: Final = re.compile(r"[\u4e00-\u9fff]")
_TOKENS: Final = re.compile(r"[^\s|｜]+")


@dataclass(frozen=True, slots=True)
class PageRules:
    """The page furniture of ``segmenting.yml`` (section ``page``, the zones of section
    ``dating``, ``doc_number``), compiled, with the dating rules its dates are read by.

    Built from a rule file's contents (``from_rules``), so a test can load a second rule set
    beside the shipped one (``shipped``, built once).
    """

    head_lines: int
    separators: re.Pattern[str]
    nav_min: int
    menu_min: int
    menu_word: int
    chrome: re.Pattern[str]
    chrome_starts: tuple[str, ...]
    meta: re.Pattern[str]
    page_number: re.Pattern[str]
    byline: re.Pattern[str]
    name_max: int
    masthead_max: int
    masthead: re.Pattern[str]
    subtitle: re.Pattern[str]
    exclamation: re.Pattern[str]
    headline_min: int
    length_unit: float
    length_cap: int
    followed_bonus: float
    suffix_bonus: float
    depth_cost: float
    header_lines: int
    byline_lines: int
    footer_lines: int
    doc_number: re.Pattern[str]
    dating: DatingRules
    # Each line's kind, once: the headline, byline, footer and header zones read the same
    # lines again (a pure function of the line and these rules).
    line_kinds: dict[str, str | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def from_rules(cls, data: dict[str, Any], dating: DatingRules | None = None) -> PageRules:
        """The page rules of a ``segmenting.yml``'s parsed contents; ``dating`` when already
        built from the same contents."""
        page: dict[str, Any] = data["page"]
        zones: dict[str, Any] = data["dating"]
        return cls(
            head_lines=int(page["head_lines"]),
            separators=re.compile(page["nav_separators"]),
            nav_min=int(page["nav_min_separators"]),
            menu_min=int(page["menu_min_words"]),
            menu_word=int(page["menu_word_max_chars"]),
            chrome=re.compile(words_pattern(page["chrome_words"])),
            chrome_starts=tuple(page["chrome_starts"]),
            meta=re.compile(rf"^[【\[（(]?\s*(?:{words_pattern(page['meta_labels'])})\s*[：:】\]]"),
            page_number=re.compile(page["page_number"]),
            byline=re.compile(page["byline"]),
            name_max=int(page["name_max_chars"]),
            masthead_max=int(page["masthead_max_chars"]),
            masthead=re.compile(f"(?:{words_pattern(page['masthead_endings'])})$"),
            subtitle=re.compile(page["subtitle"]),
            exclamation=re.compile("[" + re.escape(page["headline_exclamations"]) + "]"),
            headline_min=int(page["headline_min_chars"]),
            length_unit=float(page["length_unit"]),
            length_cap=int(page["length_cap"]),
            followed_bonus=float(page["followed_bonus"]),
            suffix_bonus=float(page["suffix_bonus"]),
            depth_cost=float(page["depth_cost"]),
            header_lines=int(zones["header_lines"]),
            byline_lines=int(zones["byline_lines"]),
            footer_lines=int(zones["footer_lines"]),
            doc_number=re.compile(data["doc_number"]),
            dating=dating or DatingRules.from_rules(data),
        )

    @classmethod
    def from_file(cls, path: Path) -> PageRules:
        """The page rules of another ``segmenting.yml`` (duplicate keys refused)."""
        return cls.from_rules(load_yaml(path))

    @classmethod
    def shipped(cls) -> PageRules:
        """The page rules of ``etl/rules/segmenting.yml`` (built once)."""
        return _shipped_page()


@cache
def _shipped_page() -> PageRules:
    return PageRules.from_rules(rule_file("segmenting"), DatingRules.shipped())


# Distinct lines whose kind is remembered before the memory is emptied.
MAX_REMEMBERED_LINES: Final = 100_000

# Line kinds. Chrome of any kind is never a headline; META and BYLINE lines may hold the
# page's date (etl/dating.py reads them).
NAV, CHROME, META, BYLINE, MASTHEAD = "nav", "chrome", "meta", "byline", "masthead"


def _is_name(token: str, name_max: int) -> bool:
    """A personal name as bylines write them: 2–3 characters, or a transliteration with ·."""
    return "·" in token or (2 <= len(token) <= name_max and _CJK.fullmatch(token[0]) is not None)


def line_kind(s: str, rules: PageRules | None = None) -> str | None:
    """The chrome kind of a stripped line, or None for text (a headline, the story).

    Labels that open a line (``发布时间：``, ``出处：``) and bracketed lines decide first,
    since metadata may carry a comma; any other line with sentence punctuation is text.
    """
    if not s:
        return None
    if rules is None:
        rules = PageRules.shipped()
    kinds = rules.line_kinds
    if s in kinds:
        return kinds[s]
    if len(kinds) >= MAX_REMEMBERED_LINES:
        kinds.clear()
    kind = kinds[s] = _line_kind(s, rules)
    return kind


def _line_kind(s: str, rules: PageRules) -> str | None:
    if (
        rules.meta.match(s)
        or _BRACKETED.match(s)
        or ("号" in s and rules.doc_number.match(ascii_digits(s)))
    ):
        return META
    if s.startswith(rules.chrome_starts):
        return CHROME  # 本篇文章710字,读完约2分钟: furniture, though it has a comma
    if _SENTENCE.search(s):
        return None
    if _ARROWS.search(s) or len(rules.separators.findall(s)) >= rules.nav_min:
        return NAV
    if rules.byline.match(s):
        return BYLINE
    tokens = _TOKENS.findall(s)
    if len(tokens) >= rules.menu_min and all(len(t) <= rules.menu_word for t in tokens):
        return NAV
    if rules.chrome.search(s):
        return CHROME
    if rules.page_number.search(s) or _FULL_DATE.search(ascii_digits(s)):
        return META
    if rules.dating.journal_issue.search(ascii_digits(s)):
        return META  # 《某某研究》2022年第6期: the journal's issue line
    if len(tokens) >= 2 and all(_is_name(t, rules.name_max) for t in tokens):
        return BYLINE
    if len(s) <= rules.masthead_max and rules.masthead.search(s):
        return MASTHEAD
    return None


def _score(s: str, depth: int, followed: bool, suffixed: bool, rules: PageRules) -> float:
    """How much a candidate line looks like the page's headline."""
    score = min(len(_CJK.findall(s)), rules.length_cap) / rules.length_unit
    if followed:
        score += rules.followed_bonus
    if suffixed:
        score += rules.suffix_bonus
    return score - rules.depth_cost * depth


def choose_headline(
    lines: Sequence[str],
    is_title: Callable[[str], bool],
    first: int,
    stop: int,
    is_paragraph: Callable[[str], bool],
    has_suffix: Callable[[str], bool],
    rules: PageRules,
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
        if depth > rules.head_lines:
            break
        kind = line_kind(s, rules)
        if kind is not None:
            continue
        headline = _headline_shaped(s, is_title, rules.exclamation)
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
        title = _block_title(lines, block, rules)
        after = _next_nonblank(lines, block[-1], stop)
        followed = after is None or _introduces_story(lines[after], is_paragraph, rules)
        suffixed = any(has_suffix(lines[i]) for i in block)
        score = _score(lines[title], title - first, followed, suffixed, rules)
        if score > best_score:
            best, best_score = title, score
    return best


def _headline_shaped(s: str, is_title: Callable[[str], bool], exclamation: re.Pattern[str]) -> bool:
    """A title shape, where an exclamation inside is allowed (``徐州九连冠！再获…``)."""
    return is_title(s) or (
        exclamation.search(s[:-1]) is not None and is_title(exclamation.sub("", s))
    )


def _block_title(lines: Sequence[str], block: list[int], rules: PageRules) -> int:
    """The title of a block of adjacent headline lines: the first long enough to be one.

    A subtitle (``——某某市双拥工作综述``) under another line is never the title.
    """
    for i in block:
        s = lines[i]
        if i != block[0] and rules.subtitle.match(s):
            continue
        if len(_CJK.findall(s)) >= rules.headline_min:
            return i
    return block[0]


def _next_nonblank(lines: Sequence[str], i: int, stop: int) -> int | None:
    for j in range(i + 1, min(stop, len(lines))):
        if lines[j]:
            return j
    return None


def _introduces_story(s: str, is_paragraph: Callable[[str], bool], rules: PageRules) -> bool:
    """Whether a line is what follows a headline: metadata, a byline, or the story."""
    return line_kind(s, rules) in (META, BYLINE) or is_paragraph(s)


def _is_story(s: str, is_paragraph: Callable[[str], bool], rules: PageRules) -> bool:
    """Running text of the story (not furniture, even when furniture is long)."""
    return bool(s) and line_kind(s, rules) is None and is_paragraph(s)


def header_date(
    lines: Sequence[str], stop: int, is_paragraph: Callable[[str], bool], rules: PageRules
) -> DateCue | None:
    """The first date stated in the page's furniture above line ``stop`` (the first title)."""
    seen = 0
    for i in range(min(stop, len(lines))):
        s = lines[i]
        if not s:
            continue
        seen += 1
        if seen > rules.header_lines:
            break
        if _is_story(s, is_paragraph, rules):
            continue
        if (cue := line_date(s, "header", rules.dating)) is not None:
            return cue
    return None


def article_cue(
    lines: Sequence[str],
    after: int,
    end: int,
    is_paragraph: Callable[[str], bool],
    rules: PageRules,
) -> DateCue | None:
    """The date an article states for itself below its title: byline, footer, dateline.

    ``after`` is the first line after the title (and its date line), ``end`` the line the
    next article starts at. The byline zone is the first lines under the title, the footer
    zone the furniture after the article's last paragraph (its 落款); the dateline is the
    opening of its first paragraph. That is also the order of preference.
    """
    footer = _footer_lines(lines, after, end, is_paragraph, rules)
    byline_end = footer[0] if footer else min(end, len(lines))
    first_story = None
    seen = 0
    for i in range(after, byline_end):
        s = lines[i]
        if not s:
            continue
        seen += 1
        if seen > rules.byline_lines:
            break
        if _is_story(s, is_paragraph, rules):
            first_story = i if first_story is None else first_story
        elif (cue := line_date(s, "byline", rules.dating)) is not None:
            return cue
    for i in footer:
        if (cue := line_date(lines[i], "footer", rules.dating)) is not None:
            return cue
    if first_story is None:
        return None
    return dateline_date(lines[first_story], rules.dating)


def _footer_lines(
    lines: Sequence[str],
    after: int,
    end: int,
    is_paragraph: Callable[[str], bool],
    rules: PageRules,
) -> list[int]:
    """Non-blank lines after the article's last paragraph, in document order."""
    found: list[int] = []
    for i in range(min(end, len(lines)) - 1, after - 1, -1):
        s = lines[i]
        if not s:
            continue
        if _is_story(s, is_paragraph, rules) or len(found) >= rules.footer_lines:
            break
        found.append(i)
    return found[::-1]

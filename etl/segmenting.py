"""Split a document's clean text into its articles (one region's report each).

A document is a letter, a newspaper page, or a compilation (汇编) of many regions' reports
with a table of contents. What marks an article's start, strongest cue first:

1. A table of contents: a body line whose normalised text equals a TOC title (or is very
   close to it, sharing its first characters) is that article's title. TOC titles the body
   does not hold are reported in ``missing_from_body`` and never become articles:
   compilations often list more than they contain.
2. The genre's title shape: a short line ending in a title suffix (综述, 纪实, 走笔, 答复…)
   followed by a date line, or any short line followed by a bracketed date line.
3. Failing both, the document is one article: it starts at the page's headline, found
   past the chrome of a web or newspaper page (breadcrumbs, mastheads, 版次 and 发布时间
   lines; see ``etl.page``), else at its first non-blank line (``title=None``).

All cues are in ``rules/segmenting.yml``. The scan is one pass over the lines plus work
proportional to the title-like lines, so it stays linear in the text size.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any, Final

from etl.dating import DatingRules, ascii_digits, parse_date
from etl.models import ArticleSegment, Segmentation
from etl.openings import LiteralLed
from etl.page import (
    MAX_REMEMBERED_LINES,
    PageRules,
    article_cue,
    choose_headline,
    header_date,
)
from etl.rulebook import load_yaml, rule_file

_CJK: Final = re.compile(r"[\u4e00-\u9fff]")
_CJK_RUN: Final = "(?:[^\u4e00-\u9fff]*[\u4e00-\u9fff])"
_DATE_MAX_CHARS: Final = 40
_ANY_NUMBER: Final = re.compile(r"(\d+)\s*[.．、](?!\d)")
_NON_WORD: Final = re.compile(r"[\W_]+")
_TRAILING_DIGITS: Final = re.compile(r"\d+$")


@dataclass(frozen=True, slots=True)
class SegmentingRules:
    """The cues of ``segmenting.yml``, compiled: title shape and suffixes, date lines, tables of
    contents, paragraphs, cut markers, document numbers, with the page furniture
    (``PageRules``) and the dating rules (``DatingRules``) of the same file.

    Built from a rule file's contents (``from_rules``) or another file (``from_file``), so a
    test can load a second rule set beside the shipped one (``shipped``, built once).
    """

    suffix: re.Pattern[str]
    enumeration: re.Pattern[str]
    forbidden: re.Pattern[str]
    bad_endings: tuple[str, ...]
    min_chars: int
    max_chars: int
    enough_cjk: re.Pattern[str]
    bracketed_date: re.Pattern[str]
    date_gap: int
    # Searched at their opening characters with ``str.find`` (``etl.openings.LiteralLed``).
    toc_marker: LiteralLed
    # The marker as a whole line, to find TOCs with one scan of the text.
    toc_marker_line: re.Pattern[str]
    entry_number: re.Pattern[str]
    leader: re.Pattern[str]
    leader_page: re.Pattern[str]
    leader_hint: LiteralLed
    page_tail: re.Pattern[str]
    page_line_max: int
    section: re.Pattern[str]
    min_unmarked: int
    fuzzy_dice: float
    fuzzy_prefix: int
    # Dice >= d needs the shorter bigram set to be at least d / (2 - d) of the longer one.
    fuzzy_len_ratio: float
    entry_max: int
    para_min_chars: int
    para_min_cjk: int
    sentence: re.Pattern[str]
    cut_markers: tuple[str, ...]
    cut_tail: int
    doc_number: re.Pattern[str]
    doc_number_max: int
    page: PageRules
    dating: DatingRules
    # Whether a line is running text, once per line: the title, headline, byline and footer
    # zones ask it of the same lines again.
    paragraph_lines: dict[str, bool] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def from_rules(cls, data: dict[str, Any], page: PageRules | None = None) -> SegmentingRules:
        """The rules of a ``segmenting.yml``'s parsed contents; ``page`` when already built
        from the same contents (its dating rules are then these rules' too)."""
        shape: dict[str, Any] = data["title_shape"]
        toc: dict[str, Any] = data["toc"]
        paragraph: dict[str, Any] = data["paragraph"]
        suffixes = sorted(map(re.escape, data["title_suffixes"]), key=len, reverse=True)
        fuzzy_dice = float(toc["fuzzy_min_dice"])
        page = page or PageRules.from_rules(data)
        return cls(
            suffix=re.compile("(?:" + "|".join(suffixes) + ")$"),
            enumeration=re.compile(shape["enumeration"]),
            forbidden=re.compile("[" + re.escape(shape["forbidden_chars"]) + "]"),
            bad_endings=tuple(shape["forbidden_endings"]),
            min_chars=int(shape["min_chars"]),
            max_chars=int(shape["max_chars"]),
            enough_cjk=re.compile(f"{_CJK_RUN}{{{int(shape['min_cjk'])}}}"),
            bracketed_date=re.compile(data["bracketed_date"]),
            date_gap=int(data["date_line_gap"]),
            toc_marker=LiteralLed(re.compile(toc["marker"])),
            toc_marker_line=re.compile(
                r"^[^\S\n]*(?:" + toc["marker"] + r")[^\S\n]*$", re.MULTILINE
            ),
            entry_number=re.compile(toc["entry_number"]),
            leader=re.compile(toc["leader"]),
            leader_page=re.compile(toc["leader_page"]),
            leader_hint=LiteralLed(re.compile(toc["leader_hint"])),
            page_tail=re.compile(toc["page_tail"]),
            page_line_max=int(toc["page_line_max_chars"]),
            section=re.compile(toc["section"]),
            min_unmarked=int(toc["min_unmarked_lines"]),
            fuzzy_dice=fuzzy_dice,
            fuzzy_prefix=int(toc["fuzzy_prefix_chars"]),
            fuzzy_len_ratio=fuzzy_dice / (2 - fuzzy_dice),
            entry_max=int(toc["entry_max_chars"]),
            para_min_chars=int(paragraph["min_chars"]),
            para_min_cjk=int(paragraph["min_cjk"]),
            sentence=re.compile("[" + re.escape(paragraph["sentence_chars"]) + "]"),
            cut_markers=tuple(data["cut"]["markers"]),
            cut_tail=int(data["cut"]["tail_lines"]),
            doc_number=re.compile(data["doc_number"]),
            doc_number_max=int(data["doc_number_max_line"]),
            page=page,
            dating=page.dating,
        )

    @classmethod
    def from_file(cls, path: Path) -> SegmentingRules:
        """The rules of another ``segmenting.yml`` (duplicate keys refused)."""
        return cls.from_rules(load_yaml(path))

    @classmethod
    def shipped(cls) -> SegmentingRules:
        """The rules of ``etl/rules/segmenting.yml`` (built once)."""
        return _shipped_segmenting()

    def title_shaped(self, s: str) -> bool:
        """Whether a stripped line could be a title: short, no sentence punctuation, unnumbered."""
        if not self.min_chars <= len(s) <= self.max_chars:
            return False
        if s.endswith(self.bad_endings) or self.forbidden.search(s) or self.enumeration.match(s):
            return False
        return self.enough_cjk.match(s) is not None and parse_date(s, self.dating) is None

    def is_paragraph(self, s: str) -> bool:
        """Running text: mostly Chinese, and punctuated like a sentence or longer than a title.

        Numbered list lines without punctuation (a table of contents that nothing marked) are
        not running text.
        """
        known = self.paragraph_lines.get(s)
        if known is not None:
            return known
        if len(self.paragraph_lines) >= MAX_REMEMBERED_LINES:
            self.paragraph_lines.clear()
        found = self.paragraph_lines[s] = self._is_paragraph(s)
        return found

    def _is_paragraph(self, s: str) -> bool:
        if len(s) < self.para_min_chars or len(_CJK.findall(s)) < self.para_min_cjk:
            return False
        return len(s) > self.max_chars or self.sentence.search(s) is not None

    def has_suffix(self, s: str) -> bool:
        """Whether a line ends in a report-title suffix (综述, 纪实 …)."""
        return self.suffix.search(s) is not None


@cache
def _shipped_segmenting() -> SegmentingRules:
    return SegmentingRules.from_rules(rule_file("segmenting"), PageRules.shipped())


@dataclass(frozen=True, slots=True)
class _Lines:
    """The text's lines as parallel lists (one object per line costs more than the scan).

    ``text[i]`` is line ``i`` stripped of surrounding whitespace; ``start[i]`` its offset,
    with one extra entry so that ``start[i + 1]`` is where the next line would begin.
    """

    text: list[str]
    start: list[int]
    size: int

    def __len__(self) -> int:
        return len(self.text)

    def end(self, i: int) -> int:
        """Offset just past line ``i``, its newline included."""
        return min(self.start[i + 1], self.size)


@dataclass(frozen=True, slots=True)
class _Toc:
    """A table-of-contents block: lines ``first..last`` (inclusive) and the titles listed."""

    first: int
    last: int
    entries: list[str]


@dataclass(frozen=True, slots=True)
class _Entry:
    """A TOC title prepared for matching against body lines."""

    index: int
    key: str
    bigrams: frozenset[str]


# --------------------------------------------------------------------------- lines


def _split_lines(text: str) -> _Lines:
    """Lines split on ``\\n`` only, so indices agree with ``text.count('\\n')`` numbering."""
    raw = text.split("\n")
    starts = [0, *accumulate(len(line) + 1 for line in raw)]
    return _Lines([line.strip() for line in raw], starts, len(text))


def _next_nonblank(lines: _Lines, i: int, gap: int) -> int | None:
    """Index of the first non-blank line after ``i``, skipping at most ``gap`` blank lines."""
    for j in range(i + 1, min(len(lines), i + gap + 2)):
        if lines.text[j]:
            return j
    return None


def _date_after(lines: _Lines, i: int, rules: SegmentingRules) -> tuple[int, date] | None:
    """The date line right under line ``i`` (blank lines allowed), with its date."""
    j = _next_nonblank(lines, i, rules.date_gap)
    if j is None or len(lines.text[j]) > _DATE_MAX_CHARS:
        return None
    found = parse_date(lines.text[j], rules.dating)
    return (j, found) if found is not None else None


def _key(s: str) -> str:
    """Matching key: NFKC, letters/digits only, no page number at the end.

    TOC and body spell the same title with different brackets (``(县)``/``（县）``),
    spacing and punctuation, and the TOC glues the page number to the title.
    """
    folded = _NON_WORD.sub("", unicodedata.normalize("NFKC", s)).lower()
    return _TRAILING_DIGITS.sub("", folded)


def _bigrams(key: str) -> frozenset[str]:
    return frozenset(key[k : k + 2] for k in range(len(key) - 1))


# --------------------------------------------------------------------------- table of contents


def _is_toc_marker(s: str, rules: SegmentingRules) -> bool:
    return bool(s) and len(s) <= 12 and rules.toc_marker.pattern.fullmatch(s) is not None


def _is_page_line(s: str, rules: SegmentingRules) -> bool:
    """A short line ending in a page number (an entry of a plain 目录 list)."""
    if len(s) > rules.page_line_max:
        return False
    return rules.page_tail.search(s) is not None and _key(s) != ""


def _toc_block_end(lines: _Lines, i: int, rules: SegmentingRules) -> int:
    """Last line of the TOC whose entries start at line ``i`` (``i - 1`` if none).

    The block continues over blank lines, part headings, entries whose number goes up,
    leader+page lines and short lines ending in a page number; the first other line (a
    slogan, a title, body text) ends it.
    """
    last, last_number = i - 1, 0
    for j in range(i, len(lines)):
        s = lines.text[j]
        if not s:
            continue
        number = rules.entry_number.match(s)
        if number and int(number[1]) > last_number:
            last_number = int(number[1])
        elif not (rules.leader_page.search(s) or rules.section.match(s) or _is_page_line(s, rules)):
            break
        last = j
    return last


def _unmarked_block_end(lines: _Lines, i: int, rules: SegmentingRules) -> int:
    """Last line of a run of leader+page lines starting at ``i`` (a TOC without 目录)."""
    last, count = i - 1, 0
    for j in range(i, len(lines)):
        s = lines.text[j]
        if not s:
            continue
        if not rules.leader_page.search(s):
            break
        last, count = j, count + 1
    return last if count >= rules.min_unmarked else i - 1


def _next_entry(
    block: str, expected: int, pos: int, rules: SegmentingRules
) -> tuple[int, int, int] | None:
    """``(start, end, number)`` of the entry number after ``pos``, ``expected`` preferred.

    A page number can be glued to the next entry's number (``……74.`` is page 7, entry 4),
    so a number whose digits end with the expected one counts, split where it begins.
    """
    want = str(expected)
    for m in _ANY_NUMBER.finditer(block, pos, pos + rules.entry_max):
        if m[1].endswith(want):
            return m.end(1) - len(want), m.end(), expected
    other = rules.entry_number.search(block, pos)
    return (other.start(1), other.end(), int(other[1])) if other else None


def _numbered_chunks(block: str, rules: SegmentingRules) -> list[str]:
    """Entry texts of a numbered TOC, found by following the numbering 1, 2, 3….

    Entries can run together on one line (``……7 4.某市…``), so the next entry is the
    next occurrence of the next number rather than the next line.
    """
    first = rules.entry_number.search(block)
    if first is None:
        return []
    chunks: list[str] = []
    number, body = int(first[1]), first.end()
    while (nxt := _next_entry(block, number + 1, body, rules)) is not None:
        start, end, number = nxt
        chunks.append(block[body:start])
        body = end
    chunks.append(block[body:])
    return chunks


def _unnumbered_chunks(block: str, rules: SegmentingRules) -> list[str]:
    """Entry texts of a TOC without numbers: pieces separated by leader+page."""
    chunks: list[str] = []
    for line in block.split("\n"):
        s = line.strip()
        if s and not rules.section.match(s) and not _is_toc_marker(s, rules):
            chunks.extend(rules.leader_page.split(s))
    return chunks


def _clean_entry(chunk: str, rules: SegmentingRules) -> str:
    """The title in an entry's text: before the dotted leader, else its first line minus page."""
    leader = rules.leader.search(chunk)
    if leader:
        title = chunk[: leader.start()]
    else:
        title = rules.page_tail.sub("", chunk.strip().split("\n", 1)[0])
    title = title.strip()
    return "" if rules.section.match(title) or not _key(title) else title


def _parse_entries(block: str, rules: SegmentingRules) -> list[str]:
    chunks = _numbered_chunks(block, rules) or _unnumbered_chunks(block, rules)
    return [title for title in (_clean_entry(chunk, rules) for chunk in chunks) if title]


def _toc_candidates(lines: _Lines, text: str, rules: SegmentingRules) -> list[int]:
    """Lines that may open a TOC (a 目录 line, a leader+page line), by whole-text scans.

    Scanning the text with two regexes is much cheaper than testing every line in Python.
    """
    starts = lines.start
    found = set(_marker_lines(lines, text, rules))
    line_end = 0  # hints match within a line: each line is tested once
    for hint in rules.leader_hint.finditer(text):
        if hint.start() < line_end:
            continue
        i = bisect_right(starts, hint.start()) - 1
        if rules.leader_page.search(lines.text[i]):
            found.add(i)
        line_end = lines.end(i)
    return sorted(found)


def _marker_lines(lines: _Lines, text: str, rules: SegmentingRules) -> Iterator[int]:
    """Lines that are a TOC marker and nothing else (``toc_marker_line``).

    The anchored pattern would be tried at every character; the marker itself opens with a
    few literal characters the engine skips to. Every line a marker found overlaps is
    tested whole, so a marker line is found even if a match from the line before ran
    into it.
    """
    starts, tested = lines.start, -1
    for hit in rules.toc_marker.finditer(text):
        first = max(bisect_right(starts, hit.start()) - 1, tested + 1)
        last = bisect_right(starts, max(hit.end() - 1, hit.start())) - 1
        for i in range(first, last + 1):
            if rules.toc_marker_line.match(text, starts[i]):
                yield i
        tested = max(tested, last)


def _find_tocs(lines: _Lines, text: str, rules: SegmentingRules) -> list[_Toc]:
    """Every TOC block: opened by a 目录 line, or a run of leader+page lines."""
    tocs: list[_Toc] = []
    done = -1
    for i in _toc_candidates(lines, text, rules):
        if i <= done:
            continue
        marker = _is_toc_marker(lines.text[i], rules)
        first = i + 1 if marker else i
        if marker:
            last = _toc_block_end(lines, first, rules)
        else:
            last = _unmarked_block_end(lines, i, rules)
        if last >= first:
            entries = _parse_entries(text[lines.start[first] : lines.end(last)], rules)
            tocs.append(_Toc(i, last, entries))
            done = last
    return tocs


# --------------------------------------------------------------------------- title finding


def _match_toc(
    entries: list[str], lines: _Lines, shaped: list[int], rules: SegmentingRules
) -> tuple[dict[int, int], set[int]]:
    """Body line index → TOC entry index, exact keys first, then close spellings.

    Also returns the entries found in the body (a title listed twice is found once for
    both listings).
    """
    if not entries:
        return {}, set()
    keys = [_key(title) for title in entries]
    exact: dict[str, list[int]] = {}
    for n, key in enumerate(keys):
        exact.setdefault(key, []).append(n)
    matched: dict[int, int] = {}
    found: set[int] = set()
    unmatched: list[tuple[int, str]] = []
    for i in shaped:
        key = _key(lines.text[i])
        if key in exact:
            matched[i] = exact[key][0]
            found.update(exact[key])
        else:
            unmatched.append((i, key))
    prefix = rules.fuzzy_prefix
    by_prefix: dict[str, list[_Entry]] = {}
    for n, key in enumerate(keys):
        if n not in found and len(key) > prefix:
            by_prefix.setdefault(key[:prefix], []).append(_Entry(n, key, _bigrams(key)))
    for i, key in unmatched:
        best = _closest(key, by_prefix.get(key[:prefix], []), rules)
        if best is not None:
            matched[i] = best
            found.add(best)
    return matched, found


def _closest(key: str, candidates: list[_Entry], rules: SegmentingRules) -> int | None:
    """The candidate whose bigram Dice with ``key`` is highest and above the threshold."""
    if not candidates:
        return None
    grams = _bigrams(key)
    best, best_score = None, rules.fuzzy_dice
    for entry in candidates:
        sizes = sorted((len(grams), len(entry.bigrams)))
        if sizes[0] < sizes[1] * rules.fuzzy_len_ratio:
            continue
        total = sizes[0] + sizes[1]
        score = 2 * len(grams & entry.bigrams) / total if total else 0.0
        if score >= best_score:
            best, best_score = entry.index, score
    return best


def _heuristic_titles(lines: _Lines, shaped: list[int], rules: SegmentingRules) -> set[int]:
    """Title lines by shape: suffix + date line, or any title shape + bracketed date line."""
    titles: set[int] = set()
    for i in shaped:
        dated = _date_after(lines, i, rules)
        if dated is None:
            continue
        if rules.suffix.search(lines.text[i]) or rules.bracketed_date.match(lines.text[dated[0]]):
            titles.add(i)
    return titles


def _collapse_adjacent(lines: _Lines, starts: list[int], rules: SegmentingRules) -> list[int]:
    """Keep one of two candidate titles with nothing between them.

    A slogan printed above a title can resemble a TOC entry; the line that carries the date
    is the title (the gold convention), otherwise the first of the two.
    """
    kept: list[int] = []
    for i in starts:
        if kept and all(not lines.text[k] for k in range(kept[-1] + 1, i)):
            if _date_after(lines, i, rules) is not None:
                kept[-1] = i
            continue
        kept.append(i)
    return kept


# --------------------------------------------------------------------------- single article


def _single_article_start(
    lines: _Lines, first: int, stop: int, rules: SegmentingRules
) -> tuple[int, str | None]:
    """Start line of a one-article document and its title (None when untitled).

    The title is the page's headline (``etl.page``: chrome such as breadcrumbs, mastheads,
    版次 and 发布时间 lines is skipped by its shape); an untitled document starts at its
    first non-blank line.
    """
    found = choose_headline(
        lines.text,
        rules.title_shaped,
        first,
        stop,
        rules.is_paragraph,
        rules.has_suffix,
        rules.page,
    )
    if found is None:
        return first, None
    return found, lines.text[found]


# --------------------------------------------------------------------------- document facts


def _document_year(lines: _Lines, rules: SegmentingRules) -> int | None:
    """Year of the first document number that opens a line (``某局督办〔2024〕3号``)."""
    for s in lines.text:
        if s and len(s) <= rules.doc_number_max and "号" in s:
            m = rules.doc_number.match(ascii_digits(s))
            if m:
                return int(m["y"])
    return None


def _truncated(lines: _Lines, rules: SegmentingRules) -> bool:
    """Whether one of the last non-blank lines holds a cut marker (``✂``, ``未完待续``)."""
    seen = 0
    for s in reversed(lines.text):
        if not s:
            continue
        if any(marker in s for marker in rules.cut_markers):
            return True
        seen += 1
        if seen >= rules.cut_tail:
            break
    return False


# --------------------------------------------------------------------------- assembly


def _title_text(s: str, entry: str | None) -> str:
    """The title as written, minus a page number glued on where the TOC has none."""
    if entry is not None and s[-1:].isdigit() and not entry[-1:].isdigit():
        return s.rstrip("0123456789").rstrip()
    return s


def _article(
    lines: _Lines, i: int, end: int, title: str | None, rules: SegmentingRules
) -> ArticleSegment:
    """The segment for an article whose first line is ``i`` and which ends at ``end``."""
    start = lines.start[i]
    end_line = bisect_right(lines.start, end - 1) if end > start else i + 1
    if title is None:
        cue = article_cue(lines.text, i, end_line, rules.is_paragraph, rules.page)
        return ArticleSegment(start=start, body_start=start, end=end, title=None, cue=cue)
    dated = _date_after(lines, i, rules)
    after = dated[0] + 1 if dated else i + 1
    body_start = lines.end(dated[0]) if dated else lines.end(i)
    return ArticleSegment(
        start=start,
        body_start=min(body_start, end),
        end=end,
        title=title,
        date=dated[1] if dated else None,
        cue=None
        if dated
        else article_cue(lines.text, after, end_line, rules.is_paragraph, rules.page),
    )


def _first_body_line(lines: _Lines, in_toc: bytearray, begin: int) -> int | None:
    """First non-blank line at or after ``begin`` outside any TOC block."""
    for j in range(begin, len(lines)):
        if lines.text[j] and not in_toc[j]:
            return j
    return None


def _lead_start(
    lines: _Lines, in_toc: bytearray, tocs: list[_Toc], starts: list[int], rules: SegmentingRules
) -> tuple[int, str | None] | None:
    """Start and title of the one article that has no title found by the cues above.

    With no title found, the document is one article: it begins after the table of
    contents (if one opens the text). With titles found but no TOC, running text before
    the first title (a newspaper page's lead story above a dated piece) is an article too.
    A compilation's preface before its first listed title is not: the TOC says what the
    articles are.
    """
    if starts and tocs:
        return None
    begin = tocs[0].last + 1 if tocs else 0
    first = _first_body_line(lines, in_toc, begin)
    if first is None and begin:
        first = _first_body_line(lines, in_toc, 0)
    if first is None:
        return None
    if starts and not any(rules.is_paragraph(lines.text[j]) for j in range(first, starts[0])):
        return None
    i, title = _single_article_start(lines, first, starts[0] if starts else len(lines), rules)
    return (i, title) if not starts or i < starts[0] else None


def segment(text: str, rules: SegmentingRules | None = None) -> Segmentation:
    """Split ``text`` (a document's clean text) into articles.

    ``ArticleSegment.start`` is the title line's offset (the first non-blank line for an
    untitled document); ``body_start`` follows the title and its date line; ``end`` is the
    next article's start or the end of the text, so a slogan printed above a title stays
    in the previous article, as in the gold. The cues are ``rules`` (the shipped ones of
    ``rules/segmenting.yml`` by default).
    """
    if rules is None:
        rules = SegmentingRules.shipped()
    lines = _split_lines(text)
    title_shaped, shortest, longest = rules.title_shaped, rules.min_chars, rules.max_chars
    # (The length test first: most lines are paragraphs, too long to be a title.)
    shape = [
        i
        for i, s in enumerate(lines.text)
        if s and shortest <= len(s) <= longest and title_shaped(s)
    ]
    tocs = _find_tocs(lines, text, rules)
    entries = [title for toc in tocs for title in toc.entries]
    in_toc = bytearray(len(lines))
    for toc in tocs:
        in_toc[toc.first : toc.last + 1] = b"\x01" * (toc.last + 1 - toc.first)
    shaped = [i for i in shape if not in_toc[i]]

    matched, found = _match_toc(entries, lines, shaped, rules)
    candidates = set(matched) | _heuristic_titles(lines, shaped, rules)
    starts = _collapse_adjacent(lines, sorted(candidates), rules)
    titles: dict[int, str | None] = {
        i: _title_text(lines.text[i], entries[matched[i]] if i in matched else None) for i in starts
    }
    lead = _lead_start(lines, in_toc, tocs, starts, rules)
    if lead is not None:
        starts = [lead[0], *starts]
        titles[lead[0]] = lead[1]

    ends = [lines.start[i] for i in starts[1:]] + [len(text)] if starts else []
    return Segmentation(
        articles=[
            _article(lines, i, end, titles[i], rules) for i, end in zip(starts, ends, strict=True)
        ],
        toc_entries=entries,
        missing_from_body=[title for n, title in enumerate(entries) if n not in found],
        truncated=_truncated(lines, rules),
        document_year=_document_year(lines, rules),
        page_date=(
            header_date(lines.text, starts[0], rules.is_paragraph, rules.page) if starts else None
        ),
    )

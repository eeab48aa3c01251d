"""Sentences and clauses of an article, as offset ranges.

Claim rules look for their trigger words inside the clause (between commas) or the sentence
that holds a number. Text pulled from PDFs wraps lines mid-sentence, so a newline ends a
sentence only when the line before it looks complete: it ends in sentence punctuation, or it
is short (a heading). A long line that stops mid-sentence is a wrap, not a boundary.

Every scope a rule reads is bounded in characters, so extraction costs the same per number
however long the sentence: a flattened table or a PDF dump can be one "sentence" of a
megabyte, joined by commas only. A clause is cut to ``CLAUSE_SCOPE_CHARS`` either side of
the position asked about, and a sentence to the whole clauses that lie within
``SENTENCE_SCOPE_CHARS`` of it (always at least the position's own clause). Report sentences
are far shorter (the longest in the corpus and test sets is 717 characters, one clause), so
on them the scopes are the sentence and the clause themselves.
"""

from __future__ import annotations

import bisect
from typing import Final

SENTENCE_END: Final = frozenset("。！？；!?;")
CLAUSE_END: Final = frozenset("，,：:")
_SENTENCE_MARKS: Final = "".join(sorted(SENTENCE_END))
_CLAUSE_MARKS: Final = "".join(sorted(CLAUSE_END))
# A line shorter than this that ends without punctuation is a heading, not a wrap.
WRAPPED_LINE_MIN_CHARS: Final = 25
# How far from a number its clause and its sentence are read (characters, either side).
CLAUSE_SCOPE_CHARS: Final = 1000
SENTENCE_SCOPE_CHARS: Final = 400


class Span:
    """``[start, end)`` of the text, compared and hashed by its bounds.

    A plain class, not a tuple: compiled with the core (``etl.native``) it is built and read
    as a C struct, and rules build and read tens of thousands of them (a NamedTuple is built
    through interpreted Python there, and read through a descriptor).
    """

    __slots__ = ("end", "start")

    def __init__(self, start: int, end: int) -> None:
        self.start: Final = start
        self.end: Final = end

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Span) and self.start == other.start and self.end == other.end

    def __hash__(self) -> int:
        return hash((self.start, self.end))

    def __repr__(self) -> str:
        return f"Span({self.start}, {self.end})"


class ArticleText:
    """Sentence and clause boundaries of one article's text, found once and searched by offset."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentence_starts, self.clause_starts, self.paragraph_starts = _boundaries(text)
        # Rules ask for the same number's clause many times: remember the answers.
        self._sentences: dict[int, Span] = {}
        self._clauses: dict[int, Span] = {}
        self._full_sentences: dict[int, Span] = {}

    def full_sentence(self, pos: int) -> Span:
        """The whole sentence holding ``pos``, however long (see ``sentence`` for rules)."""
        found = self._full_sentences.get(pos)
        if found is None:
            found = self._full_sentences[pos] = _enclosing(
                self.sentence_starts, pos, len(self.text)
            )
        return found

    def sentence(self, pos: int) -> Span:
        """The sentence holding ``pos``, cut to whole clauses within ``SENTENCE_SCOPE_CHARS``."""
        found = self._sentences.get(pos)
        if found is None:
            found = self._sentences[pos] = self._bounded_sentence(pos)
        return found

    def paragraph(self, pos: int) -> Span:
        """The paragraph holding ``pos``: between newlines that end a sentence."""
        return _enclosing(self.paragraph_starts, pos, len(self.text))

    def clause(self, pos: int) -> Span:
        """The clause holding ``pos``, cut to ``CLAUSE_SCOPE_CHARS`` either side of it."""
        found = self._clauses.get(pos)
        if found is None:
            starts = self.clause_starts  # ``_enclosing``, without a Span of its own
            i = bisect.bisect_right(starts, pos) - 1
            start = starts[max(i, 0)]
            end = starts[i + 1] if i + 1 < len(starts) else len(self.text)
            found = Span(max(start, pos - CLAUSE_SCOPE_CHARS), min(end, pos + CLAUSE_SCOPE_CHARS))
            self._clauses[pos] = found
        return found

    def _bounded_sentence(self, pos: int) -> Span:
        whole = self.full_sentence(pos)
        if whole.end - whole.start <= SENTENCE_SCOPE_CHARS:
            return whole
        own = self.clause(pos)
        starts = self.clause_starts
        # From the first clause that starts within reach before ``pos`` to the last one that
        # ends within reach after it (a clause ends where the next one starts).
        start, end = whole.start, whole.end
        if start < pos - SENTENCE_SCOPE_CHARS:
            i = bisect.bisect_left(starts, pos - SENTENCE_SCOPE_CHARS)
            start = min(own.start, starts[i]) if i < len(starts) else own.start
        if end > pos + SENTENCE_SCOPE_CHARS:
            j = bisect.bisect_right(starts, pos + SENTENCE_SCOPE_CHARS) - 1
            end = max(own.end, starts[j])
        return Span(start, end)


def _enclosing(starts: list[int], pos: int, length: int) -> Span:
    i = bisect.bisect_right(starts, pos) - 1
    start = starts[max(i, 0)]
    end = starts[i + 1] if i + 1 < len(starts) else length
    return Span(start, end)


def _soft_newline(line: str) -> bool:
    """A wrap inside a sentence: a long line that stops without sentence punctuation."""
    line = line.strip()
    return len(line) >= WRAPPED_LINE_MIN_CHARS and line[-1] not in SENTENCE_END


def _after_each(text: str, marks: str) -> list[int]:
    """Offsets just after every occurrence of each of ``marks`` in ``text``, in order.

    One ``str.find`` scan per mark: the string search skips in C at a few instructions a
    character, where a regex character class costs tens (and a match object per hit).
    """
    found: list[int] = []
    for mark in marks:
        at = text.find(mark)
        while at >= 0:
            found.append(at + 1)
            at = text.find(mark, at + 1)
    found.sort()
    return found


def _hard_newlines(text: str) -> list[int]:
    """Offsets just after each newline that ends a sentence (see the module docstring)."""
    hard: list[int] = []
    line_start = 0
    soft = False  # blank lines keep the verdict of the last line with text
    at = text.find("\n")
    while at >= 0:
        line = text[line_start:at]
        if line.strip():
            soft = _soft_newline(line)
        if not soft:
            hard.append(at + 1)
        line_start = at + 1
        at = text.find("\n", line_start)
    return hard


def _boundaries(text: str) -> tuple[list[int], list[int], list[int]]:
    """Starts of the sentences, clauses and paragraphs of ``text`` (each boundary is the
    offset just after its character, so no two coincide)."""
    newlines = _hard_newlines(text)
    sentence_ends = _after_each(text, _SENTENCE_MARKS)
    sentences = [0, *sorted(sentence_ends + newlines)]
    clauses = [0, *sorted(sentence_ends + _after_each(text, _CLAUSE_MARKS) + newlines)]
    return sentences, clauses, [0, *newlines]

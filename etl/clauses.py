"""Sentences and clauses of an article, as offset ranges.

Claim rules look for their trigger words inside the clause (between commas) or the sentence
that holds a number. Text pulled from PDFs wraps lines mid-sentence, so a newline ends a
sentence only when the line before it looks complete: it ends in sentence punctuation, or it
is short (a heading). A long line that stops mid-sentence is a wrap, not a boundary.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

SENTENCE_END = frozenset("。！？；!?;")
CLAUSE_END = frozenset("，,：:")
_BOUNDARY = re.compile("[" + re.escape("".join(SENTENCE_END | CLAUSE_END)) + "\n]")
# A line shorter than this that ends without punctuation is a heading, not a wrap.
WRAPPED_LINE_MIN_CHARS = 25


@dataclass(frozen=True)
class Span:
    start: int
    end: int


class ArticleText:
    """Sentence and clause boundaries of one article's text, found once and searched by offset."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentence_starts, self.clause_starts = _boundaries(text)

    def sentence(self, pos: int) -> Span:
        return _enclosing(self.sentence_starts, pos, len(self.text))

    def clause(self, pos: int) -> Span:
        return _enclosing(self.clause_starts, pos, len(self.text))

    def previous_clause(self, clause: Span) -> Span | None:
        """The clause before ``clause`` in the same sentence, if any."""
        sentence = self.sentence(clause.start)
        if clause.start <= sentence.start:
            return None
        return self.clause(clause.start - 1)


def _enclosing(starts: list[int], pos: int, length: int) -> Span:
    i = bisect.bisect_right(starts, pos) - 1
    start = starts[max(i, 0)]
    end = starts[i + 1] if i + 1 < len(starts) else length
    return Span(start, end)


def _soft_newline(line: str) -> bool:
    """A wrap inside a sentence: a long line that stops without sentence punctuation."""
    line = line.strip()
    return len(line) >= WRAPPED_LINE_MIN_CHARS and line[-1] not in SENTENCE_END


def _boundaries(text: str) -> tuple[list[int], list[int]]:
    sentences, clauses = [0], [0]
    line_start = 0
    soft = False  # blank lines keep the verdict of the last line with text
    for match in _BOUNDARY.finditer(text):
        i, ch = match.start(), match.group()
        if ch in SENTENCE_END:
            sentences.append(i + 1)
            clauses.append(i + 1)
        elif ch in CLAUSE_END:
            clauses.append(i + 1)
        else:
            line = text[line_start:i]
            if line.strip():
                soft = _soft_newline(line)
            if not soft:
                sentences.append(i + 1)
                clauses.append(i + 1)
            line_start = i + 1
    return _dedupe(sentences), _dedupe(clauses)


def _dedupe(starts: list[int]) -> list[int]:
    out: list[int] = []
    for s in starts:
        if not out or s != out[-1]:
            out.append(s)
    return out

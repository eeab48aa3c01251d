"""Sets of trigger words that match across the line wraps of PDF text.

``全\\n\\n国双拥模范城`` is one word split by a page layout. A ``WordSet`` compiles its words
into one pattern that allows white space between any two characters, so a rule word is found
wherever a reader would see it, and offsets stay those of the text as stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import regex


class WordSet:
    """A compiled alternation of literal words, longest first, tolerant of white space."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = tuple(sorted(set(words), key=len, reverse=True))
        body = "|".join(r"\s*".join(re.escape(ch) for ch in word) for word in self.words)
        # The standard engine is several times faster for these plain alternations; the
        # ``regex`` one is kept for ``last``, which needs overlapped matching.
        self.pattern = re.compile(f"(?:{body})") if self.words else None
        self._overlapping = regex.compile(f"(?:{body})") if self.words else None

    def __bool__(self) -> bool:
        return self.pattern is not None

    def search(self, text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
        if self.pattern is None:
            return None
        return self.pattern.search(text, start, len(text) if end is None else end)

    def within(self, text: str, start: int, end: int) -> bool:
        """True when a word occurs wholly inside ``text[start:end]``."""
        pattern = self.pattern  # no call of ``search``: rules ask this for every figure
        return pattern is not None and pattern.search(text, max(start, 0), end) is not None

    def last(self, text: str, start: int, end: int) -> regex.Match[str] | None:
        """The last occurrence inside ``text[start:end]`` (the one nearest ``end``)."""
        if self._overlapping is None:
            return None
        last = None
        for match in self._overlapping.finditer(text, max(start, 0), end, overlapped=True):
            last = match
        return last

    def first(self, text: str, start: int, end: int) -> re.Match[str] | None:
        return self.search(text, max(start, 0), end)

    def starts_at(self, text: str, pos: int, end: int | None = None) -> re.Match[str] | None:
        """A word beginning exactly at ``pos`` (white space before it allowed)."""
        if self.pattern is None:
            return None
        return self.pattern.match(text, pos, len(text) if end is None else end)

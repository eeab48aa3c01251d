"""The characters a pattern's matches can begin with, so the regex engine can skip to them.

A pattern that opens with an optional part (``(?:近|这)?…``, ``(?P<before>约|近)?…``) gives
Python's engine no first character to look for: it tries the whole pattern at every position
of the text, which costs more than the rest of a scan. Prefixed with a look-ahead of the
characters any match must open with, the engine tests one character per position in C and
tries the pattern only where one stands. The matches are the same: every non-empty match
begins with one of those characters.

The set is read from the pattern's own parse (``re._parser``, the standard library's), so
a rule written in YAML needs no second list of its first characters. Where it cannot be
told (a dot, a negated class, a pattern that can match the empty string, case folding),
there is no prefix and the pattern is compiled as written. Nor is there one where the engine
already has a first character or class of its own to skip to (``《[^》]*》``, ``截至|截止``):
its own search is faster than a look-ahead's.

A look-ahead still has the engine enter the pattern at every position (some two hundred
instructions each, measured with callgrind). ``compile_scanner`` does better for the scans
that matter (numbers, an article's years, fund keywords): the opening class comes first as
a character the pattern consumes, which the engine tests in its own search loop, and the
pattern is matched from that character inside a one-wide look-behind (``scan`` walks it).

Where every match opens with one of a few characters, ``LiteralLed`` goes further: it finds
each with ``str.find`` (``memchr`` underneath) and matches the pattern only there, the same
matches in the same order, at a fraction of what the engine's character test costs. And
``required_chars`` tells characters one of which every match contains: a text holding none
of them need not be searched at all.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from re import _compiler, _parser  # type: ignore[attr-defined]
from re import _constants as sre  # type: ignore[attr-defined]
from typing import Any, Final

_CATEGORIES: Final = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_WORD: r"\w",
}
_REPEATS: Final = {
    sre.MAX_REPEAT,
    sre.MIN_REPEAT,
    getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT),
}
_ZERO_WIDTH: Final = {sre.ASSERT, sre.ASSERT_NOT, sre.AT}


class _Unknown(Exception):
    """The pattern holds something whose first characters are not worked out."""


# An item a match may open with: one character, a range (``0-9``) or a category (``\d``),
# kept as its kind and its text in a character class (``_rendered``).
_Item = tuple[str, str]


def _class_items(items: list[tuple[Any, Any]]) -> set[_Item]:
    out: set[_Item] = set()
    for op, arg in items:
        if op is sre.LITERAL:
            out.add(("char", chr(arg)))
        elif op is sre.RANGE:
            out.add(("range", f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}"))
        elif op is sre.CATEGORY and arg in _CATEGORIES:
            out.add(("category", _CATEGORIES[arg]))
        else:  # NEGATE, negated categories, …
            raise _Unknown
    return out


def _rendered(item: _Item) -> str:
    kind, text = item
    return re.escape(text) if kind == "char" else text


def _first(sequence: Any) -> tuple[set[_Item], bool]:
    """(items the sequence may open with, whether it may match the empty string)."""
    found: set[_Item] = set()
    for op, arg in sequence:
        nullable = False
        if op is sre.LITERAL:
            found.add(("char", chr(arg)))
        elif op is sre.IN:
            found |= _class_items(arg)
        elif op is sre.BRANCH:
            for branch in arg[1]:
                items, empty = _first(branch)
                found |= items
                nullable = nullable or empty
        elif op is sre.SUBPATTERN:
            if arg[1] & re.IGNORECASE:
                raise _Unknown
            items, nullable = _first(arg[3])
            found |= items
        elif op in _REPEATS:
            items, empty = _first(arg[2])
            found |= items
            nullable = empty or arg[0] == 0
        elif op in _ZERO_WIDTH:
            nullable = True  # consumes nothing: the next item opens the match
        else:
            raise _Unknown
        if not nullable:
            return found, False
    return found, True


def _case_sensitive_parse(pattern: str, flags: int) -> Any:
    """``pattern``'s parse (``re._parser``), or None when it does not parse or folds case
    (by flag or inline): what the analyses below can read characters from."""
    if flags & re.IGNORECASE:
        return None
    try:
        parsed = _parser.parse(pattern, flags)
    except re.error:
        return None
    return None if parsed.state.flags & re.IGNORECASE else parsed


def _opening_items(pattern: str, flags: int) -> set[_Item] | None:
    """What every match of ``pattern`` opens with, or None if not known."""
    parsed = _case_sensitive_parse(pattern, flags)
    if parsed is None:
        return None
    try:
        items, nullable = _first(parsed)
    except _Unknown:
        return None
    if nullable or not items:
        return None
    return items


def opening_class(pattern: str, flags: int = 0) -> str | None:
    """``[…]``: a class every match of ``pattern`` opens with, or None if not known."""
    items = _opening_items(pattern, flags)
    if items is None:
        return None
    return "[" + "".join(sorted(map(_rendered, items))) + "]"


def _engine_has_lead(pattern: str, flags: int) -> bool:
    """Whether the standard engine skips to a literal prefix or a first class of its own
    (what ``re._compiler`` writes into a pattern's header)."""
    try:
        parsed = _parser.parse(pattern, flags)
        prefix, _skip, _all = _compiler._get_literal_prefix(parsed, flags)
        return bool(prefix) or bool(_compiler._get_charset_prefix(parsed, flags))
    except re.error:
        return False


def compile_with_opening(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, prefixed with its opening class where one is known and
    the engine has no lead of its own."""
    if _engine_has_lead(pattern, flags):
        return re.compile(pattern, flags)
    opening = opening_class(pattern, flags)
    if opening is None:
        return re.compile(pattern, flags)
    close = "\n)" if flags & re.VERBOSE else ")"  # a verbose pattern may end in a comment
    try:
        return re.compile(f"(?={opening})(?:{pattern}{close}", flags)
    except re.error:  # global inline flags, which must open the pattern
        return re.compile(pattern, flags)


def _mandatory_chars(sequence: Any) -> set[str]:
    """Characters every match of the sequence contains (a subset: what can be told)."""
    found: set[str] = set()
    for op, arg in sequence:
        if op is sre.LITERAL:
            found.add(chr(arg))
        elif op is sre.SUBPATTERN:
            if arg[1] & re.IGNORECASE:
                raise _Unknown
            found |= _mandatory_chars(arg[3])
        elif op in _REPEATS and arg[0] >= 1:
            found |= _mandatory_chars(arg[2])
        elif op is sre.BRANCH:
            branches = [_mandatory_chars(branch) for branch in arg[1]]
            found |= set.intersection(*branches) if branches else set()
        # A class, an optional part or a look-around promises no character of the match.
    return found


def required_chars(pattern: str, flags: int = 0) -> str | None:
    """A few characters at least one of which every match of ``pattern`` contains, or None
    when that cannot be told (some alternative promises no character).

    A text holding none of them holds no match, whatever it is: a search can be skipped on
    the test of ``str.find``. The alternatives of a top-level alternation are covered one
    by one, greedily by the character most of them contain (年 for nearly every period
    phrase), so the set stays small.
    """
    parsed = _case_sensitive_parse(pattern, flags)
    if parsed is None:
        return None
    data = list(parsed)
    alternatives = data[0][1][1] if len(data) == 1 and data[0][0] is sre.BRANCH else [data]
    try:
        needs = [_mandatory_chars(alternative) for alternative in alternatives]
    except _Unknown:
        return None
    if not needs or not all(needs):
        return None
    chosen: set[str] = set()
    while uncovered := [need for need in needs if not need & chosen]:
        counts = Counter(ch for need in uncovered for ch in need)
        chosen.add(min(counts, key=lambda ch: (-counts[ch], ch)))
    return "".join(sorted(chosen))


# The group of a ``compile_consumed_lead`` pattern that holds the pattern's own match.
WHOLE_MATCH: Final = "whole_match"


def compile_consumed_lead(pattern: str, flags: int = 0) -> re.Pattern[str] | None:
    """``pattern`` behind its opening class as a character it consumes, so that the engine
    skips to that class with its own search loop; None where no class is known.

    A look-ahead lead (``compile_with_opening``) gives the engine no first character: it
    still enters the pattern at every position, at some two hundred instructions each. A
    class that opens the pattern is tested in the engine's search loop at a fraction of
    that. The class consumes the character, so the pattern itself is matched from it inside
    a look-behind one character wide, ``[…](?<=(?=(?P<whole_match>…))[\\s\\S])``: the match
    found is one character long, and the pattern's match, groups and all, is group
    ``WHOLE_MATCH``. A scan goes on from that group's end (``search``, not ``finditer``).
    """
    opening = opening_class(pattern, flags)
    if opening is None:
        return None
    close = "\n" if flags & re.VERBOSE else ""  # a verbose pattern may end in a comment
    try:
        return re.compile(f"{opening}(?<=(?=(?P<{WHOLE_MATCH}>{pattern}{close}))[\\s\\S])", flags)
    except re.error:  # global inline flags, or the pattern's own group of that name
        return None


def compile_scanner(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``pattern`` for ``scan``: behind its consumed opening class where one is known
    (``compile_consumed_lead``), else as written; either way its match is group
    ``WHOLE_MATCH``."""
    led = compile_consumed_lead(pattern, flags)
    if led is not None:
        return led
    close = "\n" if flags & re.VERBOSE else ""
    return re.compile(f"(?P<{WHOLE_MATCH}>{pattern}{close})", flags)


def scan(
    scanner: re.Pattern[str], text: str, pos: int = 0, endpos: int | None = None
) -> Iterator[re.Match[str]]:
    """The matches ``finditer`` gives of a ``compile_scanner`` pattern's own pattern, for a
    pattern that never matches empty: each one's span is group ``WHOLE_MATCH``."""
    end = len(text) if endpos is None else endpos
    search = scanner.search
    while (hit := search(text, pos, end)) is not None:
        yield hit
        pos = max(hit.end(WHOLE_MATCH), pos + 1)


# Up to this many opening characters, a pattern is searched at each of them found with
# ``str.find`` (``LiteralLed``); beyond, the scans cost more than the class they replace.
MAX_LITERAL_OPENINGS: Final = 8


def literal_openings(pattern: str, flags: int = 0) -> str | None:
    """The characters every match of ``pattern`` opens with, when they are a few single
    characters (no range or category among them); else None."""
    items = _opening_items(pattern, flags)
    if items is None or len(items) > MAX_LITERAL_OPENINGS:
        return None
    if any(kind != "char" for kind, _ in items):
        return None
    return "".join(sorted(text for _, text in items))


class LiteralLed:
    """A compiled pattern, searched at the few characters its matches open with.

    The regex engine tests a character class at tens of instructions a character of Chinese
    text; ``str.find`` skips to a given character with ``memchr``. Where every match opens
    with one of a few characters (``目\\s*录|CONTENTS``, ``…|\\.\\.\\.``), each is found with
    ``str.find`` and the pattern is matched there: the same matches as ``finditer``, in the
    same order. A pattern without such characters is searched as written.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.openings = literal_openings(pattern.pattern, pattern.flags & ~re.UNICODE)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> list[re.Match[str]]:
        """The matches ``pattern.finditer(text, pos, endpos)`` gives (none is empty)."""
        end = len(text) if endpos is None else min(endpos, len(text))
        if self.openings is None:
            return list(self.pattern.finditer(text, pos, end))
        starts: list[int] = []
        for mark in self.openings:
            at = text.find(mark, pos, end)
            while at >= 0:
                starts.append(at)
                at = text.find(mark, at + 1, end)
        starts.sort()
        found: list[re.Match[str]] = []
        match, after = self.pattern.match, pos  # no match starts inside the one before
        for at in starts:
            if at >= after and (hit := match(text, at, end)) is not None:
                found.append(hit)
                after = hit.end()
        return found

    def sub(self, replacement: str, text: str) -> str:
        """``pattern.sub(replacement, text)`` for a literal ``replacement``."""
        pieces: list[str] = []
        done = 0
        for hit in self.finditer(text):
            pieces.append(text[done : hit.start()])
            pieces.append(replacement)
            done = hit.end()
        if not pieces:
            return text
        pieces.append(text[done:])
        return "".join(pieces)

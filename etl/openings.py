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
there is no prefix and the pattern is compiled as written.
"""

from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_WORD: r"\w"}
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}
_ZERO_WIDTH = {sre.ASSERT, sre.ASSERT_NOT, sre.AT}


class _Unknown(Exception):
    """The pattern holds something whose first characters are not worked out."""


def _class_items(items: list[tuple[Any, Any]]) -> set[str]:
    out: set[str] = set()
    for op, arg in items:
        if op is sre.LITERAL:
            out.add(re.escape(chr(arg)))
        elif op is sre.RANGE:
            out.add(f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}")
        elif op is sre.CATEGORY and arg in _CATEGORIES:
            out.add(_CATEGORIES[arg])
        else:  # NEGATE, negated categories, …
            raise _Unknown
    return out


def _first(sequence: Any) -> tuple[set[str], bool]:
    """(class items the sequence may open with, whether it may match the empty string)."""
    found: set[str] = set()
    for op, arg in sequence:
        nullable = False
        if op is sre.LITERAL:
            found.add(re.escape(chr(arg)))
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


def opening_class(pattern: str, flags: int = 0) -> str | None:
    """``[…]``: a class every match of ``pattern`` opens with, or None if not known."""
    if flags & re.IGNORECASE:
        return None
    try:
        parsed = _parser.parse(pattern, flags)
        if parsed.state.flags & re.IGNORECASE:
            return None
        items, nullable = _first(parsed)
    except (_Unknown, re.error):
        return None
    if nullable or not items:
        return None
    return "[" + "".join(sorted(items)) + "]"


def compile_with_opening(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, prefixed with its opening class where one is known."""
    opening = opening_class(pattern, flags)
    if opening is None:
        return re.compile(pattern, flags)
    close = "\n)" if flags & re.VERBOSE else ")"  # a verbose pattern may end in a comment
    try:
        return re.compile(f"(?={opening})(?:{pattern}{close}", flags)
    except re.error:  # global inline flags, which must open the pattern
        return re.compile(pattern, flags)

"""Spending categories of money amounts, from ``etl/rules/fund_categories.yml``.

A ranking of "funds" mixes barracks upgrades with pension top-ups unless each amount says
what it paid for. The category is read from the keyword nearest the amount: first in its
clause (before, then after it), then in its sentence; ``other`` when the text does not say.
Where two keywords end at the same place the longer one wins (经济补助 over 补助), then the
category listed first.
"""

from __future__ import annotations

from typing import Any

import regex

from etl.clauses import Span
from etl.rulebook import rule_file

FUND_CATEGORIES: dict[str, Any] = rule_file("fund_categories")
CATEGORY_LABELS: dict[str, str] = {k: str(v["label"]) for k, v in FUND_CATEGORIES.items()}
_KEYWORD_CATEGORY: dict[str, str] = {}
for _name, _spec in FUND_CATEGORIES.items():
    for _word in _spec["keywords"]:
        _KEYWORD_CATEGORY.setdefault(_word, _name)  # the category listed first wins
_RANK = {name: i for i, name in enumerate(FUND_CATEGORIES)}
_KEYWORDS = regex.compile(
    "|".join(regex.escape(w) for w in sorted(_KEYWORD_CATEGORY, key=len, reverse=True))
)


def _nearest(text: str, start: int, end: int, before: bool) -> str | None:
    """Category of the keyword nearest the amount inside ``text[start:end]``."""
    matches = list(_KEYWORDS.finditer(text, start, end, overlapped=True))
    if not matches:
        return None
    if before:
        best = max(
            matches, key=lambda m: (m.end(), len(m.group()), -_RANK[_KEYWORD_CATEGORY[m.group()]])
        )
    else:
        best = min(
            matches, key=lambda m: (m.start(), -len(m.group()), _RANK[_KEYWORD_CATEGORY[m.group()]])
        )
    return _KEYWORD_CATEGORY[best.group()]


def fund_category(text: str, clause: Span, sentence: Span, start: int, end: int) -> str:
    """The category of the amount at ``text[start:end]``."""
    for window_start, window_end, before in (
        (clause.start, start, True),
        (end, clause.end, False),
        (sentence.start, start, True),
        (end, sentence.end, False),
    ):
        found = _nearest(text, window_start, window_end, before)
        if found:
            return found
    return "other"

"""Spending categories of money amounts, from ``etl/rules/fund_categories.yml``.

A ranking of "funds" mixes barracks upgrades with pension top-ups unless each amount says
what it paid for. The category is read from the keyword nearest the amount: first in its
clause (before, then after it), then in its sentence (the scopes of ``etl.clauses``, bounded
in characters, so the search costs the same however long the sentence); ``other`` when the
text does not say.
Where two keywords end at the same place the longer one wins (经济补助 over 补助), then the
category listed first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from etl.clauses import Span
from etl.openings import WHOLE_MATCH, compile_consumed_lead
from etl.rulebook import rule_file


@dataclass(frozen=True)
class FundCategories:
    """The spending categories of ``fund_categories.yml``: keywords, and their order."""

    spec: dict[str, Any]
    keyword_category: dict[str, str] = field(init=False, repr=False)
    rank: dict[str, int] = field(init=False, repr=False)
    # Every keyword at every position, overlapping ones included: the alternation behind
    # its consumed first character (``etl.openings.compile_consumed_lead``), the keyword
    # group WHOLE_MATCH. A match is that one character, so ``finditer`` looks for the next
    # from the character after: each position where a keyword begins, as an overlapped
    # search gives them.
    keywords: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        keyword_category: dict[str, str] = {}
        for name, spec in self.spec.items():
            for word in spec["keywords"]:
                keyword_category.setdefault(word, name)  # the category listed first wins
        words = sorted(keyword_category, key=len, reverse=True)
        keywords = compile_consumed_lead("|".join(re.escape(w) for w in words))
        if keywords is None:
            raise ValueError("fund_categories.yml: the categories list no keyword")
        object.__setattr__(self, "keyword_category", keyword_category)
        object.__setattr__(self, "rank", {name: i for i, name in enumerate(self.spec)})
        object.__setattr__(self, "keywords", keywords)

    @classmethod
    def shipped(cls) -> FundCategories:
        """The categories of ``etl/rules/fund_categories.yml`` (read once)."""
        return _shipped_categories()

    @property
    def labels(self) -> dict[str, str]:
        return {k: str(v["label"]) for k, v in self.spec.items()}

    def _nearest(self, text: str, start: int, end: int, before: bool) -> str | None:
        """Category of the keyword nearest the amount inside ``text[start:end]``."""
        found = self.keywords.finditer(text, start, end)
        words = [(m.start(), m.group(WHOLE_MATCH)) for m in found]
        if not words:
            return None
        of, rank = self.keyword_category, self.rank
        if before:
            _, word = max(words, key=lambda w: (w[0] + len(w[1]), len(w[1]), -rank[of[w[1]]]))
        else:
            _, word = min(words, key=lambda w: (w[0], -len(w[1]), rank[of[w[1]]]))
        return of[word]

    def category(self, text: str, clause: Span, sentence: Span, start: int, end: int) -> str:
        """The category of the amount at ``text[start:end]``."""
        for window_start, window_end, before in (
            (clause.start, start, True),
            (end, clause.end, False),
            (sentence.start, start, True),
            (end, sentence.end, False),
        ):
            found = self._nearest(text, window_start, window_end, before)
            if found:
                return found
        return "other"


@cache
def _shipped_categories() -> FundCategories:
    return FundCategories(dict(rule_file("fund_categories")))

"""The records that flow through the ETL stages.

Each stage folder-module (reading → segmenting → gazetteer → claims → loading) takes and
returns these plain dataclasses, so a stage can be tested on its own and the loader and the
`extract` command see one shape. Offsets are Python string indices.

Two texts exist for every document:

* ``raw``: the decoded text exactly as written (Traditional stays Traditional, debris stays).
  Quotes shown to users and line numbers come from it, so a claim can be found again in the
  file the user supplied.
* ``clean``: the repaired, Simplified text the rules run on. ``origin[i]`` is the index in
  ``raw`` of ``clean[i]``; ``origin[len(clean)] == len(raw)``. Mapping a clean span back to
  raw is therefore always possible, even where repair removed characters.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property


@dataclass(frozen=True)
class SourceText:
    """A decoded, repaired document (output of ``etl.reading``)."""

    name: str
    raw: str
    clean: str
    origin: tuple[int, ...]
    encoding: str
    sha256: str
    traditional: bool = False
    repairs: int = 0

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw-text span covering the clean-text span ``[start, end)``."""
        if end <= start:
            pos = self.origin[start]
            return pos, pos
        return self.origin[start], self.origin[end - 1] + 1

    def raw_slice(self, start: int, end: int) -> str:
        """The text as written behind the clean span ``[start, end)``."""
        a, b = self.raw_span(start, end)
        return self.raw[a:b]

    def line_of(self, clean_index: int) -> int:
        """1-based line in the raw document of the clean character at ``clean_index``."""
        raw_index = self.origin[min(clean_index, len(self.clean))]
        return bisect.bisect_right(self._line_starts, raw_index)

    @cached_property
    def _line_starts(self) -> list[int]:
        """Offsets where each raw line starts (computed once, on the first line asked)."""
        return [0, *(m.end() for m in _NEWLINE.finditer(self.raw))]


_NEWLINE = re.compile("\n")


@dataclass(frozen=True)
class DateCue:
    """A date the document states for itself, and where it was read (``etl.dating``).

    ``source`` is one of ``date_line``, ``header``, ``byline``, ``footer``, ``dateline``;
    ``date`` is None when the cue gives only a year (a journal's ``2023年第4期``).
    """

    date: date | None
    year: int
    source: str


@dataclass(frozen=True)
class ArticleSegment:
    """One region's report inside a document (output of ``etl.segmenting``).

    ``start`` is the clean offset of the title line (or of the first non-blank line of an
    untitled document); ``body_start`` where the text after the title/date lines begins;
    ``end`` is exclusive. ``date`` is the date printed with the title, if any; ``cue`` the
    date the article's byline, footer (落款) or dateline states, if any.
    """

    start: int
    body_start: int
    end: int
    title: str | None
    date: date | None = None
    cue: DateCue | None = None


@dataclass(frozen=True)
class Segmentation:
    """How a document splits into articles, and what its table of contents promised."""

    articles: list[ArticleSegment]
    toc_entries: list[str] = field(default_factory=list)
    missing_from_body: list[str] = field(default_factory=list)
    truncated: bool = False
    document_year: int | None = None
    page_date: DateCue | None = None  # the page header's date (版次, 发布时间 above the title)


@dataclass(frozen=True)
class RegionResolution:
    """Which region an article is about (output of ``etl.gazetteer``).

    ``status``: ``resolved`` (an official division), ``ambiguous`` (several same-named
    divisions and the text does not decide: ``candidates`` lists their codes),
    ``not_found`` (a name that is no real place, kept as written in ``name_as_written``),
    ``blanked`` (``X市``/``XX``: region stays null) or ``unknown`` (no name at all).
    """

    status: str
    region: str | None = None
    code: str | None = None
    province: str | None = None
    prefecture: str | None = None
    tier: str | None = None
    name_as_written: str | None = None
    candidates: tuple[str, ...] = ()
    evidence: str | None = None
    # How the region was decided (title, title_alias, title_and_body, body_subject,
    # unit_name, newspaper, alias, body_count) and how sure that is (high, medium).
    basis: str | None = None
    confidence: str | None = None


@dataclass(frozen=True)
class ClaimMatch:
    """One numeric claim found in an article's clean text (output of ``etl.claims``).

    Offsets are relative to the article's clean text: ``quote_*`` cover the clause quoted to
    users, ``value_*`` the number with its unit and approximation marker.
    """

    metric: str
    value: float
    unit: str
    approx: str
    rate: bool
    quote_start: int
    quote_end: int
    value_start: int
    value_end: int
    value_text: str
    period_start: int | None = None
    period_end: int | None = None
    period_text: str | None = None
    category: str | None = None
    rule: str | None = None
    is_part: bool = False

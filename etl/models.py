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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, NamedTuple

from etl import offsets

# What a document was read from (etl.formats): the kinds stored on the document row.
KIND_TXT = "txt"
OCR_KINDS = frozenset({"pdf-ocr", "image-ocr"})


@dataclass(frozen=True)
class Place:
    """Where a stretch of text came from in the original file, for evidence to cite.

    Each format fills what it knows: a line for ``.txt``; a paragraph, or a table and its
    row, for ``.docx`` and ``.html``; a page and the line on it for ``.pdf``; a page for a
    scan read by OCR (its line is the OCR's line, so only approximate).
    """

    page: int | None = None
    line: int | None = None
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None

    def label(self) -> str:
        """The place in a briefing writer's words: 第2页第5行, 第3段, 表格1第2行."""
        parts = []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.table is not None:
            parts.append(f"表格{self.table}" + (f"第{self.row}行" if self.row else ""))
        elif self.paragraph == 0:
            parts.append("标题")  # a web page's title, from its metadata
        elif self.paragraph is not None:
            parts.append(f"第{self.paragraph}段")
        if self.line is not None:
            parts.append(f"第{self.line}行")
        return "".join(parts)


@dataclass(frozen=True)
class SourceText:
    """A decoded, repaired document (output of ``etl.reading``)."""

    name: str
    raw: str
    clean: str
    origin: Sequence[int]  # an array('I') from etl.reading: 4 bytes a character
    encoding: str
    sha256: str
    traditional: bool = False
    repairs: int = 0
    # What the file was (etl.formats): txt, docx, pdf, pdf-ocr, image-ocr, html, doc, and
    # its page count where it has pages; ``ocr`` when any of its text was read by OCR.
    kind: str = KIND_TXT
    pages: int | None = None
    ocr: bool = False
    # Per-character location map: ``places[i]`` holds from raw offset ``place_starts[i]``
    # to the next start. Empty for a text file, whose place is its line.
    place_starts: tuple[int, ...] = ()
    places: tuple[Place, ...] = ()
    # A web page's publication date from its metadata (etl.formats.html), if any.
    published: date | None = None

    def place_of(self, clean_index: int) -> Place:
        """Where the clean character at ``clean_index`` came from in the original file."""
        if not self.places:
            return Place(line=self.line_of(clean_index))
        raw_index = self.origin[min(clean_index, len(self.clean))]
        return self.places[max(bisect.bisect_right(self.place_starts, raw_index) - 1, 0)]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw-text span covering the clean-text span ``[start, end)``."""
        return offsets.raw_span(self.origin, start, end)

    def raw_slice(self, start: int, end: int) -> str:
        """The text as written behind the clean span ``[start, end)``."""
        a, b = self.raw_span(start, end)
        return self.raw[a:b]

    def line_of(self, clean_index: int) -> int:
        """1-based line in the raw document of the clean character at ``clean_index``."""
        return offsets.line_of(self.line_starts, self.origin, clean_index)

    @cached_property
    def line_starts(self) -> list[int]:
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


class ClaimMatch(NamedTuple):
    """One numeric claim found in an article's clean text (output of ``etl.claims``).

    Offsets are relative to the article's clean text: ``quote_*`` cover the clause quoted to
    users, ``value_*`` the number with its unit and approximation marker. A tuple, not a
    frozen dataclass: an article makes one for every claim, and a frozen dataclass of these
    fields costs several times as much to build.
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
    overlong: int | None = None  # digits of a numeral too long to be a figure (value 0)
    # The period as the value rule reads it (etl.period_kinds): a kind of
    # etl/rules/period_kinds.yml and the years covered, set when the article is read.
    period_kind: str = "unstated"
    covers_start: int | None = None
    covers_end: int | None = None


@dataclass(frozen=True)
class ArticleRecord:
    """One article as the SPEC describes it, plus what the database keeps beside it."""

    source: str
    seq: int
    line: int
    title: str | None
    region: str | None
    region_code: str | None
    province: str | None
    prefecture: str | None
    tier: str | None
    region_status: str
    region_as_written: str | None
    region_candidates: tuple[str, ...]
    region_evidence: str | None
    region_basis: str | None
    region_confidence: str | None
    date: date | None
    year: int | None
    year_inferred: bool
    # Where the year came from: date_line, header, byline, footer, dateline,
    # document_number, inferred, or None when the text gives no year (etl/dating.py).
    year_source: str | None
    text: str  # the article as written; claim spans point into it

    def spec_dict(self) -> dict[str, Any]:
        """The fields of SPEC.md's Article, as ``python -m etl extract --articles`` prints."""
        return {
            "source": self.source,
            "line": self.line,
            "title": self.title,
            "region": self.region,
            "province": self.province,
            "tier": self.tier,
            "date": self.date.isoformat() if self.date else None,
            "year": self.year,
            "year_inferred": self.year_inferred,
            "year_source": self.year_source,
            "region_status": self.region_status,
            "region_code": self.region_code,
            "prefecture": self.prefecture,
            "region_basis": self.region_basis,
            "region_confidence": self.region_confidence,
        }


class ClaimRecord(NamedTuple):
    """One claim: the article's identity and the number, with spans into the article text.

    A tuple, like ``ClaimMatch``: a document makes one for every claim, and building a
    frozen dataclass of these 34 fields was the costliest single line of extraction."""

    article_seq: int
    source: str
    line: int
    claim_line: int
    region: str | None
    region_code: str | None
    province: str | None
    tier: str | None
    year: int | None
    metric: str
    category: str | None
    value: float
    unit: str
    approx: str
    rate: bool
    is_part: bool
    period_start: int | None
    period_end: int | None
    period_text: str | None
    value_text: str
    quote: str
    quote_start: int
    quote_end: int
    value_start: int
    value_end: int
    rule: str | None
    # 可疑: kept with its quote, never ranked; the reason in Chinese (metrics.yml
    # `plausible_max`, or a numeral too long to be a figure).
    suspect: bool = False
    suspect_reason: str | None = None
    # Where the number stands in the original file (Place.label: 第2页第5行, 表格1第2行)
    # and its page, for a format with pages; ``ocr`` when it was read by OCR.
    page: int | None = None
    location: str | None = None
    ocr: bool = False
    # The kind of period and the years the figure covers (db/schema.sql claims.period_kind).
    period_kind: str = "unstated"
    covers_start: int | None = None
    covers_end: int | None = None

    def spec_dict(self) -> dict[str, Any]:
        """The fields of SPEC.md's Claim, as ``python -m etl extract`` prints."""
        out = self._asdict()
        out.pop("article_seq")
        value = self.value
        out["value"] = int(value) if float(value).is_integer() else value
        return out


@dataclass(frozen=True)
class DocumentInfo:
    """What the database keeps of a decoded document (not its text: articles hold that)."""

    name: str
    sha256: str
    encoding: str
    traditional: bool
    n_chars: int
    kind: str = KIND_TXT
    pages: int | None = None
    ocr: bool = False


@dataclass
class DocumentResult:
    """Everything extracted from one document; small enough to pass between processes."""

    document: DocumentInfo
    segmentation: Segmentation
    articles: list[ArticleRecord] = field(default_factory=list)
    claims: list[ClaimRecord] = field(default_factory=list)

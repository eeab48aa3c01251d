"""From one decoded document to its article and claim records.

This is where the stages meet: ``segmenting`` splits the clean text into articles,
``dating`` and ``gazetteer`` say when and where each is from, ``claims`` reads its numbers.
Rules run on the clean text; every span handed on is mapped back to the text as written, so
a quote in the dashboard is the user's own document, character for character.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import Any, Final

from etl.claims import extract_claims
from etl.dating import DatingRules, decide
from etl.gazetteer import Gazetteer, resolve_region
from etl.metric_rules import ClaimRules, Plausibility
from etl.models import (
    ArticleRecord,
    ArticleSegment,
    ClaimMatch,
    ClaimRecord,
    DateCue,
    DocumentInfo,
    DocumentResult,
    Place,
    RegionResolution,
    Segmentation,
    SourceText,
)
from etl.offsets import line_of, raw_span
from etl.segmenting import SegmentingRules, segment

# year_source of a date read from a web page's metadata (valuation.registry labels it).
PUBLISHED_SOURCE: Final = "metadata"


def _region_fields(found: RegionResolution) -> dict[str, Any]:
    region = found.region
    if found.status == "not_found" and region is None:
        region = found.name_as_written
    return {
        "region": region,
        "region_code": found.code,
        "province": found.province,
        "prefecture": found.prefecture,
        "tier": found.tier,
        "region_status": found.status,
        "region_as_written": found.name_as_written,
        "region_candidates": tuple(found.candidates),
        "region_evidence": found.evidence,
        "region_basis": found.basis,
        "region_confidence": found.confidence,
    }


def _title_as_written(doc: SourceText, seg: ArticleSegment) -> str | None:
    """The title as the file writes it: repair may have removed spaces the user will see."""
    if seg.title is None:
        return None
    at = doc.clean.find(seg.title, seg.start, seg.body_start)
    if at < 0:
        return seg.title
    return doc.raw_slice(at, at + len(seg.title)).strip()


def _article(
    doc: SourceText,
    seg: ArticleSegment,
    seq: int,
    segmentation: Segmentation,
    gaz: Gazetteer,
    dating: DatingRules,
) -> ArticleRecord:
    body = doc.clean[seg.body_start : seg.end]
    dated = decide(
        seg.date, seg.cue, segmentation.page_date, segmentation.document_year, body, dating
    )
    # A page's furniture above its headline (日报 masthead, 新闻网 breadcrumb, 来源 line) is
    # outside the article but names where it is from; a compilation's preface is not.
    header = doc.clean[: seg.start] if seq == 1 and not segmentation.toc_entries else ""
    raw_start, raw_end = doc.raw_span(seg.start, seg.end)
    return ArticleRecord(
        source=doc.name,
        seq=seq,
        line=doc.line_of(seg.start),
        title=_title_as_written(doc, seg),
        **_region_fields(resolve_region(seg.title, header + body, gaz)),
        date=dated.date,
        year=dated.year,
        year_inferred=dated.inferred,
        year_source=dated.source,
        text=doc.raw[raw_start:raw_end],
    )


def _claim(
    doc: SourceText,
    seg: ArticleSegment,
    art: ArticleRecord,
    m: ClaimMatch,
    plausibility: Plausibility,
    article_raw_start: int,
    line_starts: list[int],
) -> ClaimRecord:
    """Map a claim found in the clean article text back to the article as written, marked
    可疑 when its value is beyond what its metric can plausibly be for the article's tier.

    ``article_raw_start`` is where the article starts in the raw text (once per article),
    ``line_starts`` the raw lines' offsets (``SourceText.line_starts``, once per document)."""
    reason = plausibility.reason(m.metric, m.value, art.tier, m.overlong)
    value = m.value if math.isfinite(m.value) and m.value >= 0 else 0.0
    origin = doc.origin  # mapped through ``etl.offsets`` (compiled), not SourceText's methods
    q_start, q_end = raw_span(origin, seg.start + m.quote_start, seg.start + m.quote_end)
    v_start, v_end = raw_span(origin, seg.start + m.value_start, seg.start + m.value_end)
    claim_line = line_of(line_starts, origin, seg.start + m.value_start)
    if doc.places:
        place = doc.place_of(seg.start + m.value_start)
        page, location = place.page, place.label() or None
    else:  # a text file: its place is the line
        page, location = None, _line_location(claim_line)
    # Built as the tuple it is, in the order of ``ClaimRecord``'s fields (a NamedTuple's own
    # ``__new__`` is interpreted Python, and this runs for every claim).
    return tuple.__new__(
        ClaimRecord,
        (
            art.seq, art.source, art.line, claim_line, art.region, art.region_code,
            art.province, art.tier, art.year, m.metric, m.category, value, m.unit, m.approx,
            m.rate, m.is_part, m.period_start, m.period_end, m.period_text,
            doc.raw[v_start:v_end], doc.raw[q_start:q_end], q_start - article_raw_start,
            q_end - article_raw_start, v_start - article_raw_start, v_end - article_raw_start,
            m.rule, reason is not None, reason, page, location, doc.ocr, m.period_kind,
            m.covers_start, m.covers_end,
        ),
    )  # fmt: skip


@functools.lru_cache(maxsize=4096)
def _line_location(line: int) -> str | None:
    """第5行: where a claim of a text file stands (``Place.label``, once per line)."""
    return Place(line=line).label() or None


def _with_published(segmentation: Segmentation, doc: SourceText) -> Segmentation:
    """A web page's declared publication date (etl.formats.web) dates the page like a date
    in its header, unless the page's own text shows one (what the reader sees wins)."""
    if doc.published is None or segmentation.page_date is not None:
        return segmentation
    cue = DateCue(doc.published, doc.published.year, PUBLISHED_SOURCE)
    return dataclasses.replace(segmentation, page_date=cue)


def process(
    doc: SourceText,
    gazetteer: Gazetteer | None = None,
    claim_rules: ClaimRules | None = None,
    segmenting_rules: SegmentingRules | None = None,
) -> DocumentResult:
    """Articles and claims of one decoded document (shipped gazetteer and rules by default).

    ``segmenting_rules`` split the text into articles and, through their dating rules, date
    each one; ``claim_rules`` read its numbers.
    """
    gaz = gazetteer or Gazetteer.load()
    rules = claim_rules or ClaimRules.shipped()
    seg_rules = segmenting_rules or SegmentingRules.shipped()
    segmentation = _with_published(segment(doc.clean, seg_rules), doc)
    info = DocumentInfo(
        doc.name, doc.sha256, doc.encoding, doc.traditional, len(doc.raw),
        kind=doc.kind, pages=doc.pages, ocr=doc.ocr,
    )  # fmt: skip
    result = DocumentResult(document=info, segmentation=segmentation)
    line_starts = doc.line_starts
    for seq, seg in enumerate(segmentation.articles, start=1):
        art = _article(doc, seg, seq, segmentation, gaz, seg_rules.dating)
        result.articles.append(art)
        # Rules run on the whole article, title included: a title can state an honour.
        other_place = gaz.other_place_test(art.region_code) if art.region_code else None
        text = doc.clean[seg.start : seg.end]
        raw_start = raw_span(doc.origin, seg.start, seg.end)[0]
        result.claims.extend(
            _claim(doc, seg, art, match, rules.plausibility, raw_start, line_starts)
            for match in extract_claims(text, art.year, other_place, rules)
        )
    return result

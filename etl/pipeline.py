"""From one decoded document to its article and claim records.

This is where the stages meet: ``segmenting`` splits the clean text into articles,
``dating`` and ``gazetteer`` say when and where each is from, ``claims`` reads its numbers.
Rules run on the clean text; every span handed on is mapped back to the text as written, so
a quote in the dashboard is the user's own document, character for character.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from etl.claims import extract_claims
from etl.dating import DatingRules, decide
from etl.gazetteer import Gazetteer, resolve_region
from etl.metric_rules import ClaimRules
from etl.models import ArticleSegment, ClaimMatch, RegionResolution, Segmentation, SourceText
from etl.segmenting import SegmentingRules, segment


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


@dataclass(frozen=True)
class ClaimRecord:
    """One claim: the article's identity and the number, with spans into the article text."""

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

    def spec_dict(self) -> dict[str, Any]:
        """The fields of SPEC.md's Claim, as ``python -m etl extract`` prints."""
        out = asdict(self)
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


@dataclass
class DocumentResult:
    """Everything extracted from one document; small enough to pass between processes."""

    document: DocumentInfo
    segmentation: Segmentation
    articles: list[ArticleRecord] = field(default_factory=list)
    claims: list[ClaimRecord] = field(default_factory=list)


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


def _claim(doc: SourceText, seg: ArticleSegment, art: ArticleRecord, m: ClaimMatch) -> ClaimRecord:
    """Map a claim found in the clean article text back to the article as written."""
    article_raw_start = doc.raw_span(seg.start, seg.end)[0]
    q_start, q_end = doc.raw_span(seg.start + m.quote_start, seg.start + m.quote_end)
    v_start, v_end = doc.raw_span(seg.start + m.value_start, seg.start + m.value_end)
    return ClaimRecord(
        article_seq=art.seq,
        source=art.source,
        line=art.line,
        claim_line=doc.line_of(seg.start + m.value_start),
        region=art.region,
        region_code=art.region_code,
        province=art.province,
        tier=art.tier,
        year=art.year,
        metric=m.metric,
        category=m.category,
        value=m.value,
        unit=m.unit,
        approx=m.approx,
        rate=m.rate,
        is_part=m.is_part,
        period_start=m.period_start,
        period_end=m.period_end,
        period_text=m.period_text,
        value_text=doc.raw[v_start:v_end],
        quote=doc.raw[q_start:q_end],
        quote_start=q_start - article_raw_start,
        quote_end=q_end - article_raw_start,
        value_start=v_start - article_raw_start,
        value_end=v_end - article_raw_start,
        rule=m.rule,
    )


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
    segmentation = segment(doc.clean, seg_rules)
    info = DocumentInfo(doc.name, doc.sha256, doc.encoding, doc.traditional, len(doc.raw))
    result = DocumentResult(document=info, segmentation=segmentation)
    for seq, seg in enumerate(segmentation.articles, start=1):
        art = _article(doc, seg, seq, segmentation, gaz, seg_rules.dating)
        result.articles.append(art)
        # Rules run on the whole article, title included: a title can state an honour.
        other_place = gaz.other_place_test(art.region_code) if art.region_code else None
        text = doc.clean[seg.start : seg.end]
        for match in extract_claims(text, art.year, other_place, rules):
            result.claims.append(_claim(doc, seg, art, match))
    return result

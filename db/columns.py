"""The columns of the tables and of what the reads return, declared once as tuples.

``schema.sql`` is the DDL; the table tuples here name its columns in its order
(tests/test_db_layout.py checks they match), so a write lists its columns from them and a
read composes its select list from them: ``select(CLAIM_ROW)`` instead of a SELECT string
sliced or patched with ``str.replace``. A field of a read is ``alias.column`` or
``expression AS name``; :func:`name` gives the column a result has for it.
"""

from __future__ import annotations

from collections.abc import Iterable

from valuation.outcome import RULE_INPUTS, SCOPE_INPUTS

DOCUMENT_COLUMNS = (
    "doc_id", "source", "path", "sha256", "encoding", "traditional", "n_chars", "toc_entries",
    "missing_from_body", "truncated", "document_year", "ingested_at", "kind", "pages", "ocr",
    # added by ALTER after those (schema.sql's end)
    "original",
)  # fmt: skip
ARTICLE_COLUMNS = (
    "article_id", "doc_id", "source", "seq", "line", "title", "region", "region_code",
    "province", "prefecture", "tier", "region_status", "region_as_written",
    "region_candidates", "region_basis", "region_confidence", "region_evidence", "date",
    "year", "year_inferred", "year_source", "text",
)  # fmt: skip
CLAIM_COLUMNS = (
    "claim_id", "article_id", "doc_id", "source", "line", "claim_line", "region",
    "region_code", "province", "tier", "year", "metric", "category", "value", "unit",
    "approx", "rate", "is_part", "period_start", "period_end", "period_text", "value_text",
    "quote", "quote_start", "quote_end", "value_start", "value_end", "rule", "suspect",
    "suspect_reason", "page", "location", "ocr", "period_kind", "covers_start", "covers_end",
)  # fmt: skip
REGION_COLUMNS = ("code", "name", "tier", "province", "prefecture", "parent_code")
SCOPE_COLUMNS = ("metric", "category", "year")  # and the 口径, ``scope``, added last
REGION_VALUE_COLUMNS = (
    *SCOPE_COLUMNS, "region_key", "region", "region_code", "province", "tier", "value", "unit",
    "approx", "mixed_periods", "period_start", "period_end", "n_claims", "n_figures",
    "n_documents", "conflicts", "scope",
)  # fmt: skip
CLAIM_ROLE_COLUMNS = (*SCOPE_COLUMNS, "region_key", "claim_id", "role", "scope")
UNPLACED_COLUMNS = (
    "metric", "category", "year", "tier", "province", "claims", "period_kind", "covers_start",
    "covers_end",
)  # fmt: skip
# One side of a 数据冲突: a claim with its quote, value, file and date; a pair is the
# superseded side (``dropped_``) beside the later one (``kept_``), with when the superseded
# claim was published (what pairs are ordered by) and what they share.
CONFLICT_SIDE = (
    "claim_id", "value", "unit", "value_text", "quote", "source", "date", "period_text",
)  # fmt: skip
CONFLICT_SIDES = ("dropped_", "kept_")
CONFLICT_COLUMNS = (
    "metric", "category", "period_start", "period_end",
    *(side + c for side in CONFLICT_SIDES for c in CONFLICT_SIDE),
)  # fmt: skip
CONFLICT_PAIR_COLUMNS = ("published", *CONFLICT_COLUMNS)
METRIC_SUMMARY_COLUMNS = ("metric", "claims", "regions", "year_min", "year_max")
RANKINGS_STATE_COLUMNS = ("rule_version", "built_at")
OVERVIEW_TOTALS_COLUMNS = (
    "documents", "articles", "regions", "provinces", "year_min", "year_max", "years", "claims",
    "first_ingested", "last_ingested",
)  # fmt: skip
CLAIM_FACET_COLUMNS = ("metric", "category", "province", "year", "claims")
DOCUMENT_COUNT_COLUMNS = ("doc_id", "articles", "claims")
UNPLACED_ARTICLE_COLUMNS = (
    "article_id", "source", "line", "title", "region_status", "region", "region_as_written",
    "province", "tier", "year", "candidates", "claims", "region_evidence",
)  # fmt: skip
ARTICLE_DECISION_COLUMNS = ("kind", "basis", "confidence", "articles")
REGION_CLAIM_COLUMNS = ("region_key", "region", "province", "tier", "claims")
# The claims as the value rule reads them (``RULE_ROW``'s columns) and whether OCR read
# them, with their article's status and date: ``rule_claims``, stored at ingest.
RULE_CLAIM_COLUMNS = (
    "claim_id", "article_id", "doc_id", "region_key", "region", "region_code", "province",
    "tier", "region_status", "year", "metric", "category", "value", "unit", "approx", "rate",
    "is_part", "period_start", "period_end", "suspect", "date", "period_kind", "covers_start",
    "covers_end", "ocr",
)  # fmt: skip

TABLES: dict[str, tuple[str, ...]] = {
    "regions": REGION_COLUMNS,
    "documents": DOCUMENT_COLUMNS,
    "articles": ARTICLE_COLUMNS,
    "claims": CLAIM_COLUMNS,
    "region_values": REGION_VALUE_COLUMNS,
    "claim_roles": CLAIM_ROLE_COLUMNS,
    "rankings_state": RANKINGS_STATE_COLUMNS,
    "unplaced_claims": UNPLACED_COLUMNS,
    "metric_summary": METRIC_SUMMARY_COLUMNS,
    "conflict_pairs": CONFLICT_PAIR_COLUMNS,
    "overview_totals": OVERVIEW_TOTALS_COLUMNS,
    "claim_facets": CLAIM_FACET_COLUMNS,
    "document_counts": DOCUMENT_COUNT_COLUMNS,
    "unplaced_articles": UNPLACED_ARTICLE_COLUMNS,
    "article_decisions": ARTICLE_DECISION_COLUMNS,
    "region_claims": REGION_CLAIM_COLUMNS,
    "rule_claims": RULE_CLAIM_COLUMNS,
}


def region_key(prefix: str = "") -> str:
    """What identifies a region for grouping: its GB/T 2260 code, else its province and the
    name as written (甘肃省/陇东市: a place that is not a real division is one place per
    province, so the same misnamed place in two provinces is never added up), else the
    name alone. ``prefix`` is the table alias with its dot."""
    p = prefix
    return f"coalesce({p}region_code, {p}province || '/' || {p}region, {p}region)"


REGION_KEY = region_key("c.")

# Every claim-level read: the claim with its region key, its article's status, title and
# date and its document's year (c = claims, a = articles, d = documents).
CLAIM_ROW = (
    "c.claim_id", "c.article_id", "c.doc_id", "c.source", "c.line", "c.claim_line",
    f"{REGION_KEY} AS region_key", "c.region", "c.region_code", "c.province", "c.tier",
    "a.region_status", "c.year", "c.metric", "c.category", "c.value", "c.unit", "c.approx",
    "c.rate", "c.is_part", "c.period_start", "c.period_end", "c.value_text", "c.quote",
    "c.rule", "c.suspect", "c.suspect_reason", "a.title", "a.date", "d.document_year",
    "c.period_kind", "c.covers_start", "c.covers_end",
)  # fmt: skip
# A card of evidence: the row, with the file's path and the spans to highlight.
EVIDENCE_ROW = (
    *CLAIM_ROW, "d.path", "c.quote_start", "c.quote_end", "c.value_start", "c.value_end",
    "c.page", "c.location", "c.ocr", "d.original",
)  # fmt: skip


def name(field: str) -> str:
    """The result column of a field: ``c.claim_id`` → claim_id, ``x AS key`` → key."""
    return field.rsplit(" AS ", 1)[-1].rsplit(".", 1)[-1]


# What the value rule reads of a claim: a ranking computed from the claims rests on up to
# half of them, and leaving out the quote, the title, the number as written and the
# document halves what DuckDB joins and hands over.
RULE_ROW = tuple(f for f in CLAIM_ROW if name(f) in RULE_INPUTS)
# The same less the columns that place a claim in a 统计口径: what the dashboard fetches to
# rank on the fly, its 口径 and years already applied by the WHERE clause.
RANKED_ROW = tuple(f for f in RULE_ROW if name(f) not in SCOPE_INPUTS)
# ``rule_claims`` is written from RULE_ROW (and ``c.ocr``, which a filter tests); the same
# fetch as RANKED_ROW, read from it (``c``: one table, no join).
RULE_CLAIM_FIELDS = (*RULE_ROW, "c.ocr")
RANKED_STORED_ROW = tuple(f"c.{name(f)}" for f in RANKED_ROW)


def claims_from(
    source: str = "claims", *, documents: bool = True, articles: str = "articles"
) -> str:
    """``FROM`` each claim (``c``, read from ``source``: the table or a CTE of picked
    claims) with its article (``a``, from ``articles``: the table or a CTE of the picked
    claims' articles) and, unless not needed, its document (``d``)."""
    joined = f" FROM {source} c JOIN {articles} a ON a.article_id = c.article_id"
    return joined + (" LEFT JOIN documents d ON d.doc_id = c.doc_id" if documents else "")


def select(fields: Iterable[str]) -> str:
    """``SELECT`` with these fields."""
    return "SELECT " + ", ".join(fields)


def listed(columns: Iterable[str], alias: str = "") -> str:
    """Columns as a comma list, each with ``alias.`` when one is given."""
    dot = f"{alias}." if alias else ""
    return ", ".join(dot + c for c in columns)

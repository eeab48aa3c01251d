"""The vocabulary of the domain, in one place every layer asks: metrics, tiers, region
statuses, claim roles and fund categories, each with its code and its Chinese words.

Metrics are read from ``etl/rules/metrics.yml`` (each metric's ``label``, ``short``,
``unit``, ``kind`` and ``has_categories``), fund categories from
``etl/rules/fund_categories.yml``: the rule files an analyst edits say what a metric is,
and the ETL, the value rule, the database reads and the dashboard all take it from here
instead of keeping lists of their own. Tiers, statuses and roles are fixed by the code that
gives them (the gazetteer, the value rule), so they are declared here as Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from valuation.rulebook import RuleFileError, rule_file

Kind = Literal["honour", "additive"]
KINDS: tuple[Kind, ...] = ("honour", "additive")


@dataclass(frozen=True)
class Metric:
    """One ranked metric. ``kind`` says how a region's value is formed: ``honour`` takes
    the largest count (counts are cumulative), ``additive`` sums non-overlapping figures.
    ``has_categories``: its claims carry a spending category (funds)."""

    name: str
    label: str
    short: str
    unit: str
    kind: Kind
    has_categories: bool


def _metric(name: str, spec: dict[str, Any]) -> Metric:
    kind = spec.get("kind")
    if kind not in KINDS:
        raise RuleFileError(f"metrics.yml: {name}: kind must be one of {KINDS}, not {kind!r}")
    return Metric(
        name=name,
        label=str(spec["label"]),
        short=str(spec["short"]),
        unit=str(spec["unit"]),
        kind=kind,
        has_categories=bool(spec["has_categories"]),
    )


def load_metrics(rules: dict[str, Any]) -> dict[str, Metric]:
    """The metrics of a parsed metrics.yml, in the file's order (the order pages show):
    every block that states a ``kind`` is a metric; the others are rules."""
    return {
        name: _metric(name, spec)
        for name, spec in rules.items()
        if isinstance(spec, dict) and "kind" in spec
    }


METRICS: dict[str, Metric] = load_metrics(rule_file("metrics"))
RANKED_METRICS: tuple[str, ...] = tuple(METRICS)
HONOUR_METRICS: tuple[str, ...] = tuple(m.name for m in METRICS.values() if m.kind == "honour")
ADDITIVE_METRICS: tuple[str, ...] = tuple(m.name for m in METRICS.values() if m.kind == "additive")
CATEGORISED_METRICS: tuple[str, ...] = tuple(m.name for m in METRICS.values() if m.has_categories)


def is_honour(metric: str) -> bool:
    """True for a count of honours; any metric not known to be one is additive."""
    return metric in HONOUR_METRICS


def has_categories(metric: str) -> bool:
    """Whether claims of ``metric`` carry a fund category (only funds do)."""
    return metric in CATEGORISED_METRICS


def scoped_category(metric: str, category: str) -> str:
    """The category filter as the rule sees it: '' (every category) for a metric without
    categories, whatever the URL said."""
    return category if has_categories(metric) else ""


# Spending categories of funds: code → label, in the file's order.
FUND_CATEGORIES: dict[str, str] = {
    code: str(spec["label"]) for code, spec in rule_file("fund_categories").items()
}

# Tiers of the GB/T 2260 divisions, as the gazetteer gives them, top down.
TIERS = ("province", "prefecture", "county")
TIER_LABELS = {
    "province": "省级",
    "prefecture": "地级（市、州、盟）",
    "county": "县级（县、区、县级市）",
}
TIER_SHORT = {"province": "省级", "prefecture": "地级", "county": "县级"}

# How well an article's region is known. Claims of the first two are ranked (a name that
# is no real place is kept as written, one region per province); the rest are left out.
RANKABLE_STATUSES = ("resolved", "not_found")
STATUS_LABELS = {
    "resolved": "已确定",
    "ambiguous": "有同名地区，无法确定",
    "not_found": "地名不在行政区划表中（按原文保留）",
    "blanked": "地名被隐去（如“X市”）",
    "unknown": "文中没有地名",
}

# How an article's region was decided (etl.gazetteer: RegionResolution.basis), how sure
# that is, and where its year came from (etl.dating: year_source), in the users' words.
REGION_BASIS_LABELS = {
    "title": "标题中的地名",
    "title_alias": "标题中的简称",
    "title_and_body": "标题地名（同名地区由正文判定）",
    "body_subject": "正文中作主语的地名",
    "unit_name": "正文中本地单位名称（军分区、市委等）",
    "newspaper": "报刊、网站名称",
    "self_reference": "文中自称（我省、本市）与所列地名",
    "alias": "正文中的简称",
    "body_count": "正文中地名出现次数",
}
CONFIDENCE_LABELS = {"high": "把握大", "medium": "把握一般"}
# What a document was read from (etl/formats; documents.kind), in the users' words.
DOCUMENT_KIND_LABELS = {
    "txt": "文本",
    "docx": "Word",
    "doc": "Word（旧版 .doc/.wps，已转换）",
    "pdf": "PDF",
    "pdf-ocr": "PDF（扫描件，OCR 识别）",
    "image-ocr": "图片（OCR 识别）",
    "html": "网页",
}
YEAR_SOURCE_LABELS = {
    "date_line": "标题下的日期",
    "header": "页眉日期（版次、出版日期）",
    "byline": "署名行日期（发布时间）",
    "footer": "落款日期",
    "dateline": "电头日期（本报讯）",
    "document_number": "文件文号中的年份",
    "metadata": "网页元数据中的发布日期",
    "inferred": "推断：文中最近的已发生年份",
    "none": "文中没有年份",  # what db.overview.how_decided counts for a null year_source
}

# Roles a claim plays in its region's value (valuation.rule gives them), in the order
# evidence cards show them, with their words: in full beside a card, short in counts.
COUNTED = "counted"  # part of the value
DUPLICATE = "duplicate"  # the same figure again, counted once elsewhere
OVERLAP = "overlap"  # another article's figure whose period overlaps a counted article
NESTED = "nested"  # inside a larger figure of the same article for a longer period
RATE = "rate"  # a standard (每人每月…), never summed
PART = "part"  # a part of a total stated beside it (其中…)
SMALLER = "smaller"  # an honour count below the region's largest
# 数据冲突: a figure another document published later states with another value for the
# same category and period; the later one is used (valuation.rule).
CONFLICT = "conflict"
ROLE_ORDER = (COUNTED, DUPLICATE, CONFLICT, OVERLAP, NESTED, PART, RATE, SMALLER)
ROLE_RANK = {role: i for i, role in enumerate(ROLE_ORDER)}  # where a role's cards go
EVIDENCE_ROLES = (COUNTED, DUPLICATE)  # the claims behind a value
ROLE_LABELS = {
    COUNTED: "计入",
    DUPLICATE: "重复报道（只计一次）",
    CONFLICT: "数据冲突：较晚发布的文件对同一期间给出了不同数值，以较晚者为准，本条不计入",
    OVERLAP: "另一篇报告的数字，与已计入的报告期间重叠，不相加",
    NESTED: "已含在同文更长期间的同类数字中，不重复相加",
    RATE: "标准类数字，不相加",
    PART: "分项（其中…），不与总数重复相加",
    SMALLER: "非最大次数，未采用",
}
ROLE_SHORT = {
    COUNTED: "计入",
    DUPLICATE: "重复报道",
    CONFLICT: "数据冲突",
    OVERLAP: "期间重叠",
    NESTED: "含于更长期间",
    RATE: "标准类",
    PART: "分项",
    SMALLER: "非最大次数",
}

# ------------------------------------------------------------------ period kinds and 口径
# What kind of period a claim's figure covers (claims.period_kind, given by the ETL from
# etl/rules/period_kinds.yml and the period phrases of quantities.yml), and the 统计口径 a
# ranking is formed in: 单一年度 compares figures of one year (the year the figure covers,
# not the article's year), 多年累计 figures over several years (by default only those that
# start in the same year), 全部 every figure as before periods had kinds.
SCOPE_SINGLE = "single"
SCOPE_SPAN = "span"
SCOPE_ALL = "all"
SCOPES = (SCOPE_SINGLE, SCOPE_SPAN, SCOPE_ALL)
SCOPE_LABELS = {SCOPE_SINGLE: "单一年度", SCOPE_SPAN: "多年累计", SCOPE_ALL: "全部"}
_KIND_SCOPES = frozenset({SCOPE_SINGLE, SCOPE_SPAN, "none"})


@dataclass(frozen=True)
class PeriodKind:
    """One kind of period: its code, its words, and the 口径 (besides 全部) it enters."""

    code: str
    label: str
    scope: str


def _period_kind(code: str, spec: dict[str, Any]) -> PeriodKind:
    scope = spec.get("scope")
    if scope not in _KIND_SCOPES:
        raise RuleFileError(
            f"period_kinds.yml: {code}: scope must be one of {sorted(_KIND_SCOPES)}, not {scope!r}"
        )
    return PeriodKind(code=code, label=str(spec["label"]), scope=str(scope))


PERIOD_KINDS: dict[str, PeriodKind] = {
    code: _period_kind(code, spec) for code, spec in rule_file("period_kinds").items()
}
PERIOD_KIND_LABELS = {code: kind.label for code, kind in PERIOD_KINDS.items()}
# The kinds the ETL gives without a period phrase: none stated, an honour count or a 累计 stock.
UNSTATED_KIND = "unstated"
AS_OF_KIND = "as_of"


def kinds_in(scope: str) -> tuple[str, ...]:
    """The period kinds whose figures a ranking in ``scope`` uses (全部: every kind)."""
    if scope == SCOPE_ALL:
        return tuple(PERIOD_KINDS)
    return tuple(code for code, kind in PERIOD_KINDS.items() if kind.scope == scope)


def scopes_for(metric: str) -> tuple[str, ...]:
    """The 口径 a metric can be ranked in, its default first: an additive metric defaults to
    单一年度; an honour count is cumulative by nature and is ranked over 全部 alone."""
    return (SCOPE_ALL,) if is_honour(metric) else (SCOPE_SINGLE, SCOPE_SPAN, SCOPE_ALL)

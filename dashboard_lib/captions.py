"""Sentences that describe a view: chart titles, filter subtitles, freshness. Pure: no
Streamlit (the pages and the benchmarks call it alike).

A chart copied into a slide loses the page around it, so its title and subtitle must say
what it shows (metric, tier, provinces, years, category) without the sidebar.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pandas as pd

from dashboard_lib import labels, tables
from dashboard_lib.charts import ChartMeta, file_stem
from db.filters import RANKING, Filters, subtitle
from valuation.wording import format_list, format_years


def ranking_title(filters: Filters) -> str:
    """排名 chart title: metric and tier."""
    metric = labels.metric_name(filters.metric)
    return f"{metric}排名（{labels.tier_name(filters.tier)}）"


def ranking_subtitle(filters: Filters) -> str:
    """The filters in words: 地级 · 甘肃省、河南省 · 2022—2023年 · 全部类别 (the filter
    table's words for each filter the page reads)."""
    return subtitle(filters, RANKING)


def ranking_meta(
    filters: Filters,
    sources: Callable[[], pd.DataFrame],
    today: date | None = None,
    shown: int | None = None,
    total: int | None = None,
) -> ChartMeta:
    """Everything an exported ranking chart prints about itself; ``sources`` gives the
    files behind it (source, year) when an export asks for the source line. When the
    chart draws ``shown`` of ``total`` regions, the subtitle says so."""
    today = today or date.today()
    subtitle = ranking_subtitle(filters)
    if shown is not None and total is not None and shown < total:
        subtitle += f" · 前{shown}名（共{total:,}个地区）"
    return ChartMeta(
        title=ranking_title(filters),
        subtitle=subtitle,
        source=lambda: tables.source_line(sources()),
        rule=labels.rule_short(filters.metric),
        generated=today,
        file_stem=file_stem(
            "双拥排名",
            labels.metric_name(filters.metric, short=True),
            labels.tier_name(filters.tier),
            format_years(filters.years),
            generated=today,
        ),
    )


def compare_meta(
    filters: Filters,
    names: list[str],
    sources: Callable[[], pd.DataFrame],
    today: date | None = None,
) -> ChartMeta:
    """Everything an exported comparison chart prints about itself."""
    today = today or date.today()
    return ChartMeta(
        title="双拥工作指标对比：" + format_list(names, "", limit=4),
        subtitle=f"{len(names)}个地区 · {format_years(filters.years)} · 各指标单位不同，分栏显示",
        source=lambda: tables.source_line(sources()),
        rule=labels.RULE_COMPARE,
        generated=today,
        file_stem=file_stem("双拥对比", "_".join(names[:3]), generated=today),
    )


def freshness(last: Any, now: datetime | None = None) -> str:
    """最近入库时间 and how long ago, so a stale database is noticed before a briefing."""
    if last is None or pd.isna(last):
        return "尚无入库记录"
    stamp = pd.Timestamp(last)
    days = ((now or datetime.now()) - stamp.to_pydatetime()).days
    ago = "今天" if days <= 0 else f"{days} 天前"
    return f"最近入库：{stamp:%Y-%m-%d %H:%M}（{ago}）"


def unplaced_sentence(n: int) -> str:
    """N 条数据因地区无法确定未计入 (empty when none were left out)."""
    return labels.UNPLACED_SENTENCE.format(n=n) + "（见“总览”页）。" if n else ""


def claims_count(total: int, page: int, page_size: int) -> str:
    """共 12,345 条数据，当前显示第 501—1,000 条 (the 明细 table shows one page of them)."""
    text = f"共 {total:,} 条数据"
    if total > page_size:
        first = (page - 1) * page_size + 1
        last = min(page * page_size, total)
        text += f"，当前显示第 {first:,}—{last:,} 条"
    return text + "。选中一行可查看原文中的位置。"


def formats_sentence(documents: pd.DataFrame) -> str:
    """What the files were read from: 文本 3 个 · PDF 2 个（共 14 页）…, and how many by OCR,
    whose figures a briefing writer should check against the original."""
    if documents.empty:
        return ""
    parts = []
    for kind, group in documents.groupby("kind", sort=True):
        pages = group["pages"].dropna()
        extent = f"（共 {int(pages.sum())} 页）" if len(pages) else ""
        parts.append(f"{labels.document_kind_name(str(kind))} {len(group)} 个{extent}")
    ocr = int(documents["ocr"].fillna(False).astype(bool).sum())
    tail = f"；其中 {ocr} 个经 OCR 识别，数字请与原件核对" if ocr else ""
    return "文件格式：" + " · ".join(parts) + tail + "。"

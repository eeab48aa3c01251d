"""Tables as users see and download them: Chinese headers, Chinese numbers.

Pages stay thin by calling these instead of reshaping DataFrames themselves. The table
beside a chart is built from the same frame as the chart, so its CSV is exactly the data
in the chart. Downloads are UTF-8 with a BOM (Excel on Windows opens them correctly) and
cells that a spreadsheet would run as a formula (=, +, -, @) are prefixed with ``'``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from dashboard_lib import labels
from dashboard_lib.formatting import approx_label, format_period, format_value, is_missing
from valuation.registry import ROLE_ORDER, ROLE_RANK
from valuation.rule import period_outliers

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _defuse(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _defused(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(_defuse)
    return out


def _labelled(series: pd.Series, label: Callable[[Any], Any]) -> pd.Series:
    """``series.map(label)`` worked out once per distinct value: the 总览 page's lists hold
    20,000 files and 18,000 unplaced articles at ten million claims, and a Python call per
    cell for their few kinds and statuses was a third of the page's time. ``label`` must
    be a pure function of the value (every label of ``labels`` is). Missing cells are
    left to ``map`` itself, which treats them by the column's dtype (a nullable column's
    are not passed to ``label`` at all)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    missing = codes < 0
    if not len(uniques) or missing.all():
        return series.map(label)
    labelled = pd.Series(uniques, dtype=object).map(label).take(codes).set_axis(series.index)
    if missing.any():
        labelled = labelled.astype(object)
        labelled[missing] = series[missing].map(label).astype(object)
        return labelled.infer_objects()
    return labelled


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV that Excel opens with the Chinese intact, without running any formula."""
    return _defused(df).to_csv(index=False).encode("utf-8-sig")


def to_excel_bytes(df: pd.DataFrame, sheet: str = "明细") -> bytes:
    """An .xlsx workbook holding ``df`` (dates and numbers stay typed)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _defused(df).to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def _years_text(series: pd.Series) -> pd.Series:
    """Years as text, blank when unknown (a table cell must not say "None").

    Vectorised: 总览 lists every document and every unplaced article, 20,000 and 18,000 of
    them at ten million claims, and a Python call per cell was a fifth of its time.
    """
    years = pd.to_numeric(series, errors="coerce")
    known = years.notna().to_numpy()
    text = np.full(len(series), "", dtype=object)
    text[known] = years[known].astype("int64").astype(str).to_numpy(dtype=object)
    return pd.Series(text, index=series.index, dtype="str")


def _blank(df: pd.DataFrame) -> pd.DataFrame:
    """Missing text shows as an empty cell, not "None"."""
    out = df.copy()
    for col in out.columns:
        column = out[col]
        if pd.api.types.is_string_dtype(column) and column.dtype != object:
            out[col] = column.fillna("")  # Arrow-backed text: vectorised, stays text
        elif column.dtype == object:
            out[col] = column.astype(object).where(column.notna(), "")
    return out


def _text(values: Iterable[Any]) -> list[str]:
    """Values as cell text, '' for a missing one (a cell must not say "None")."""
    return ["" if is_missing(v) else str(v) for v in values]


def ranking_table(table: pd.DataFrame) -> pd.DataFrame:
    """The data behind the ranking chart, one row per bar, in chart order.

    Columns are read once as Python lists: a nationwide county ranking has 2,400 rows, and
    walking Arrow-backed columns value by value, or blanking them with pandas per column,
    took half of the page's time.
    """
    col = {name: table[name].tolist() for name in table.columns}
    outliers = period_outliers(table).tolist()
    return pd.DataFrame(
        {
            "排名": table["rank"],
            "地区": _text(col["region"]),
            "省份": _text(col["province"]),
            "层级": [labels.tier_name(t) for t in col["tier"]],
            "指标": [labels.metric_name(m) for m in col["metric"]],
            "数值": table["value"],
            "单位": _text(col["unit"]),
            "显示值": [
                format_value(v, u, a)
                for v, u, a in zip(col["value"], col["unit"], col["approx"], strict=True)
            ],
            "约数": [approx_label(a) for a in col["approx"]],
            "口径不一": ["口径不一" if m else "" for m in col["mixed_periods"]],
            "数据冲突": [
                f"数据冲突（{int(n)}处）" if not is_missing(n) and int(n) > 0 else ""
                for n in col.get("conflicts", [None] * len(table))
            ],
            "统计期间": [
                format_period(s, e)
                for s, e in zip(col["period_start"], col["period_end"], strict=True)
            ],
            "期间与多数地区不同": ["是" if o else "" for o in outliers],
            "依据条数": table["n_claims"],
            "文件数": table["n_documents"],
            "地区代码": _text(col["region_code"]),
        }
    )


def comparison_table(long: pd.DataFrame, metrics: Iterable[str]) -> pd.DataFrame:
    """Regions as rows (in the comparison's order), metrics as columns (in ``metrics``'
    order, those the comparison holds), cells written out (未报告 ≠ 0).

    Built from the columns read as lists once: a copy of the frame pivoted and reindexed
    took 3 ms of a comparison's rerun for its 40 cells."""
    columns = ("region_key", "region", "province", "metric", "value", "approx", "mixed_periods")
    rows: dict[str, tuple[str, dict[str, str]]] = {}
    for key, region, province, metric, value, approx, mixed in zip(
        *(long[c].tolist() for c in columns), strict=True
    ):
        if key not in rows:
            rows[key] = (f"{region}（{province if isinstance(province, str) else ''}）", {})
        unit = labels.METRIC_UNITS.get(metric, "")
        rows[key][1][metric] = _cell(value, unit, approx, mixed)
    held = set(long["metric"].tolist())
    shown = [m for m in metrics if m in held]
    table: dict[str, list[Any]] = {"地区": [label for label, _ in rows.values()]}
    for metric in shown:
        table[labels.metric_name(metric, short=True)] = [
            cells.get(metric) for _, cells in rows.values()
        ]
    return pd.DataFrame(table)


def _cell(value: Any, unit: str, approx: Any, mixed: Any) -> str:
    if value is None or pd.isna(value):
        return "未报告"
    text = format_value(value, unit, str(approx))
    return f"{text}（口径不一）" if mixed is True else text


def comparison_csv_frame(long: pd.DataFrame) -> pd.DataFrame:
    """Long form of the comparison for CSV: one row per region and metric."""
    return pd.DataFrame(
        {
            "地区": long["region"],
            "省份": long["province"],
            "层级": _labelled(long["tier"], labels.tier_name),
            "指标": _labelled(long["metric"], labels.metric_name),
            "数值": long["value"],
            "单位": long["metric"].map(labels.METRIC_UNITS),
            "显示值": [
                _cell(v, labels.METRIC_UNITS.get(m, ""), a, mixed)
                for v, m, a, mixed in zip(
                    long["value"],
                    long["metric"],
                    long["approx"],
                    long["mixed_periods"],
                    strict=True,
                )
            ],
            "是否报告": _labelled(long["reported"], lambda r: "已报告" if r else "未报告"),
            "统计期间": [
                format_period(s, e)
                for s, e in zip(long["period_start"], long["period_end"], strict=True)
            ],
            "依据条数": long["n_claims"],
        }
    ).pipe(_blank)


def suspect_label(suspect: Any, reason: Any) -> str:
    """可疑：超出合理范围（县级资金超过1000亿元）, or '' for a claim that is not suspect."""
    if is_missing(suspect) or not bool(suspect):
        return ""
    return f"可疑：{reason}" if not is_missing(reason) and reason else "可疑"


# A suspect claim's value is shown as written, cut to this many characters: its normalised
# value may be a stand-in (0 for a numeral too long to be a figure).
SUSPECT_TEXT_CHARS = 24


def shown_value(value: Any, unit: str, approx: Any, suspect: Any, value_text: Any) -> str:
    """The value as the pages show it: formatted, or for a 可疑 claim the number as written."""
    if is_missing(suspect) or not bool(suspect) or is_missing(value_text):
        return format_value(value, unit, approx)
    text = str(value_text)
    return text if len(text) <= SUSPECT_TEXT_CHARS else text[:SUSPECT_TEXT_CHARS] + "…"


def claims_table(df: pd.DataFrame) -> pd.DataFrame:
    """Every claim with its quote, for the 明细 page and its downloads (reading order)."""
    return _blank(
        pd.DataFrame(
            {
                "编号": df["claim_id"],
                "地区": df["region"],
                "年份": _years_text(df["year"]),
                "指标": _labelled(df["metric"], labels.metric_name),
                "显示值": [
                    shown_value(v, u, a, s, t)
                    for v, u, a, s, t in zip(
                        df["value"],
                        df["unit"],
                        df["approx"],
                        df["suspect"] if "suspect" in df else [None] * len(df),
                        df["value_text"],
                        strict=True,
                    )
                ],
                "原文": df["quote"],
                "可疑": _suspect_column(df),
                "统计期间": [
                    format_period(s, e)
                    for s, e in zip(df["period_start"], df["period_end"], strict=True)
                ],
                "约数": _labelled(df["approx"], approx_label),
                "标准类": _labelled(df["rate"], lambda r: "是" if r else ""),
                "分项": _labelled(df["is_part"], lambda r: "是" if r else ""),
                "类别": _labelled(df["category"], lambda c: labels.category_name(c) if c else ""),
                "省份": df["province"],
                "层级": _labelled(df["tier"], labels.tier_name),
                "地区状态": _labelled(df["region_status"], labels.status_name),
                "数值": df["value"],
                "单位": df["unit"],
                "原文数字": df["value_text"],
                "文章": df["title"],
                "日期": df["date"],
                "来源文件": df["source"],
                "行号": df["claim_line"],
            }
        )
    )


def _suspect_column(df: pd.DataFrame) -> list[str]:
    if "suspect" not in df:
        return [""] * len(df)
    reasons = df["suspect_reason"] if "suspect_reason" in df else [None] * len(df)
    return [suspect_label(s, r) for s, r in zip(df["suspect"], reasons, strict=True)]


def metric_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Claims per metric for the 总览 page."""
    return pd.DataFrame(
        {
            "指标": _labelled(df["metric"], labels.metric_name),
            "数据条数": df["claims"],
            "涉及地区": df["regions"],
            "年份": [
                format_period(a, b) for a, b in zip(df["year_min"], df["year_max"], strict=True)
            ],
        }
    )


def documents_table(df: pd.DataFrame) -> pd.DataFrame:
    """Where each document came from and what the ETL made of it."""
    return pd.DataFrame(
        {
            "文件": df["source"],
            "路径": df["path"],
            "格式": _labelled(df["kind"], labels.document_kind_name),
            "页数": _years_text(df["pages"]),
            "OCR": _labelled(df["ocr"], lambda t: "是" if t else ""),
            "编码": df["encoding"],
            "繁体转换": _labelled(df["traditional"], lambda t: "是" if t else ""),
            "文件年份": _years_text(df["document_year"]),
            "文章数": df["articles"],
            "数据条数": df["claims"],
            "目录条目": df["toc_entries"],
            "目录有正文缺": df["missing_from_body"],
            "正文截断": _labelled(df["truncated"], lambda t: "是" if t else ""),
            "入库时间": df["ingested_at"],
        }
    ).pipe(_blank)


def unplaced_table(df: pd.DataFrame) -> pd.DataFrame:
    """Articles whose region is not resolved, and why."""
    return pd.DataFrame(
        {
            "文件": df["source"],
            "行号": df["line"],
            "标题": df["title"],
            "原文地名": df["region_as_written"],
            "状况": _labelled(df["region_status"], labels.status_name),
            "可能的地区": df["candidates"],
            "年份": _years_text(df["year"]),
            "数据条数": df["claims"],
            "依据": df["region_evidence"],
        }
    ).pipe(_blank)


def decided_table(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    """How the articles' regions (``kind='region'``) or years (``'year'``) were decided."""
    rows = df[df["kind"] == kind]
    if kind == "region":
        return pd.DataFrame(
            {
                "地区判定依据": _labelled(rows["basis"], labels.region_basis_name),
                "把握": _labelled(rows["confidence"], labels.confidence_name),
                "文章数": rows["articles"],
            }
        ).pipe(_blank)
    return pd.DataFrame(
        {"年份来源": _labelled(rows["basis"], labels.year_source_name), "文章数": rows["articles"]}
    ).pipe(_blank)


def evidence_roles(evidence: pd.DataFrame, roles: pd.DataFrame) -> pd.DataFrame:
    """Evidence rows with the role each claim plays (计入, 重复…), counted ones first.

    A page of cards is a few dozen rows: a dict lookup, not a pandas merge (10 ms each).
    A claim without a role is shown as counted.
    """
    role_of = dict(zip(roles["claim_id"].tolist(), roles["role"].tolist(), strict=True))
    role = [role_of.get(i, "counted") for i in evidence["claim_id"].tolist()]
    out = evidence.assign(role=role, _order=[ROLE_RANK.get(r, len(ROLE_ORDER)) for r in role])
    out = out.sort_values(["_order", "doc_id", "value_start"], kind="stable")
    return out.drop(columns=["_order"]).reset_index(drop=True)


def source_line(sources: pd.DataFrame, limit: int = 4) -> str:
    """资料来源 line for an export: the documents behind the data, with their years.

    ``sources`` has a ``source`` and a ``year`` (the year the document states, else that
    of its claims; ``db.ranking.ranking_sources``) per row; a file may appear more than once.
    """
    if sources.empty:
        return "资料来源：无"
    docs = sources.groupby("source", sort=True)["year"].max()
    parts = [f"{s}（{int(y)}年）" if pd.notna(y) else str(s) for s, y in docs.items()]
    text = "、".join(parts[:limit])
    if len(parts) > limit:
        text += f" 等{len(parts)}份文件"
    return f"资料来源：{text}"


def _trend_cell(value: Any, unit: Any, approx: Any) -> str:
    return "未报告" if is_missing(value) else format_value(value, str(unit), str(approx))


def trend_table(points: pd.DataFrame) -> pd.DataFrame:
    """Regions as rows, years as columns (2022年 …), cells written out; a year a region did
    not report says 未报告, never 0."""
    cells = points.assign(
        cell=[
            _trend_cell(v, u, a)
            for v, u, a in zip(points["value"], points["unit"], points["approx"], strict=True)
        ],
        label=points["region"].astype(str)
        + "（"
        + points["province"].fillna("").astype(str)
        + "）",
        column=_labelled(points["figure_year"], lambda y: f"{int(y)}年"),
    )
    wide = cells.pivot(index="label", columns="column", values="cell")
    wide = wide.reindex(
        index=list(dict.fromkeys(cells["label"])), columns=list(dict.fromkeys(cells["column"]))
    )
    return wide.rename_axis(columns=None).rename_axis("地区").reset_index()


def trend_csv_frame(points: pd.DataFrame) -> pd.DataFrame:
    """Long form of a trend for CSV: one row per region and year, an empty 数值 where the
    region did not report (a spreadsheet must not read a missing year as 0)."""
    return pd.DataFrame(
        {
            "地区": points["region"],
            "省份": points["province"],
            "层级": _labelled(points["tier"], labels.tier_name),
            "年份": points["figure_year"].astype(int),
            "数值": points["value"],
            "单位": _text(points["unit"]),
            "显示值": [
                _trend_cell(v, u, a)
                for v, u, a in zip(points["value"], points["unit"], points["approx"], strict=True)
            ],
            "是否报告": _labelled(points["reported"], lambda r: "已报告" if r else "未报告"),
            "依据条数": points["n_claims"],
        }
    ).pipe(_blank)

"""Plotly figures for the pages, and the same figures dressed for a briefing slide.

The same figure serves the screen and the export, so a downloaded image shows what the
user saw. The export adds what a slide needs and the screen does not: a title, a
subtitle stating the filters, a source line, the value rule, the date generated, a fixed
slide size (1600 px wide, at least 900 px high) and the ``plotly_white`` template.
That template matters: importing Streamlit makes "streamlit" the default Plotly template,
whose colours only the browser front end fills in, so kaleido would draw black bars.

The font family names Noto Sans CJK **SC** first because Chromium otherwise picks the JP
face, which draws 直, 骨, 令 the Japanese way. Building figures is pure (no Streamlit, no
browser); rendering them to PNG and SVG with kaleido and Chromium is ``dashboard_lib.export``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard_lib import labels
from dashboard_lib.formatting import axis_scale, format_period, format_value, is_missing
from valuation.rule import period_outliers

FONT_FAMILY = "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"
EXPORT_WIDTH = 1600
EXPORT_MIN_HEIGHT = 900
PNG_SCALE = 2

BAR = "#b3261e"  # 双拥 red
BAR_MIXED = "#d98c2b"  # 口径不一: the sum mixes periods
MUTED = "#8a8a8a"
BAR_HOME = "#1d4e89"  # 本地区's bar, among the red of the others


@dataclass(frozen=True)
class ChartMeta:
    """What an exported chart says about itself.

    ``source`` may be a function giving the line: finding the files behind a nationwide
    ranking scans the claims, which only an export needs, so it runs when one is made.
    """

    title: str
    subtitle: str
    source: str | Callable[[], str]
    rule: str
    generated: date
    file_stem: str
    scope: str = ""  # the 统计口径 in words (单一年度（2023年）), printed in the footer

    @property
    def source_text(self) -> str:
        return self.source if isinstance(self.source, str) else self.source()


def file_stem(*parts: str, generated: date | None = None) -> str:
    """A download name from its parts: no path separators, no spaces, dated."""
    day = (generated or date.today()).strftime("%Y%m%d")
    text = "_".join(p for p in (*parts, day) if p)
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text)


def _esc(text: Any) -> str:
    """Plotly reads text as pseudo-HTML (<b>, <br>, <a>): escape data-derived strings."""
    return html.escape("" if text is None or pd.isna(text) else str(text))


def unique_labels(names: pd.Series, qualifiers: pd.Series) -> list[str]:
    """Axis labels, adding the province where two regions share a name (城关区)."""
    counts = names.value_counts().to_dict()
    return [
        f"{n}（{q}）" if counts.get(n, 0) > 1 and isinstance(q, str) else str(n)
        for n, q in zip(names.tolist(), qualifiers.tolist(), strict=True)
    ]


def bar_labels(table: pd.DataFrame, limit: int | None = None) -> list[str]:
    """Value as written, its period when it differs from most bars, and 口径不一; for the
    first ``limit`` rows, with "most bars" meaning most of the whole table."""
    outliers = period_outliers(table).tolist()[:limit]
    out = []
    for row, outlier in zip(table.iloc[:limit].itertuples(index=False), outliers, strict=True):
        text = format_value(row.value, str(row.unit), str(row.approx))
        if outlier:
            text += f"（{format_period(row.period_start, row.period_end)}）"
        if row.mixed_periods:
            text += " · 口径不一"
        if conflicted(getattr(row, "conflicts", 0)):
            text += " · 数据冲突"
        out.append(_esc(text))
    return out


def conflicted(conflicts: Any) -> bool:
    """Whether a value superseded a figure another document gave for its period (数据冲突)."""
    return not is_missing(conflicts) and int(conflicts) > 0


def _screen_height(n_rows: int) -> int:
    return max(320, 110 + 32 * n_rows)


def ranking_figure(
    table: pd.DataFrame, title: str, subtitle: str, limit: int | None = None, home: str = ""
) -> go.Figure:
    """Horizontal bars, largest on top, each labelled with its value and markers.

    ``limit`` draws only the first bars of the ranking; names, period markers and the
    axis are still worked out against the whole ranking, so a bar says the same thing
    whether or not the others are drawn. ``customdata`` carries the region key, which
    the page reads from a click. Approximate values are hatched; sums that mix periods
    are drawn in amber; the bar of ``home`` (本地区's key) in blue, its name in bold.
    """
    unit = str(table["unit"].iloc[0]) if not table.empty else ""
    divisor, axis_unit = axis_scale(float(table["value"].max() or 0), unit)
    shown = slice(0, limit)
    names = [_esc(n) for n in unique_labels(table["region"], table["province"])][shown]
    texts = bar_labels(table, limit)
    table = table.iloc[shown]
    keys = table["region_key"].tolist()
    colours = [
        BAR_HOME if k == home else BAR_MIXED if m else BAR
        for k, m in zip(keys, table["mixed_periods"].tolist(), strict=True)
    ]
    names = [f"<b>{n}</b>" if k == home else n for n, k in zip(names, keys, strict=True)]
    values = [v / divisor for v in table["value"].tolist()]
    bar = {
        "type": "bar",
        "x": values,
        "y": names,
        "orientation": "h",
        "text": texts,
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": keys,
        "marker": {
            "color": colours,
            # "replace" with a per-bar background keeps white hatching on every colour;
            # "overlay" on a list of colours draws black stripes (Plotly falls back).
            "pattern": {
                "shape": ["/" if a != "exact" else "" for a in table["approx"].tolist()],
                "fillmode": "replace",
                "bgcolor": colours,
                "fgcolor": "white",
            },
        },
        # After a click the other bars stay readable: the evidence is about one bar,
        # but the briefing still needs the others' values.
        "selected": {"marker": {"opacity": 1.0}},
        "unselected": {"marker": {"opacity": 0.45}, "textfont": {"color": "#333"}},
        "hovertemplate": "%{y}<br>%{text}<extra></extra>",
    }
    top = max(values, default=0.0) or 1.0
    layout = {
        "title": {"text": _esc(title), "subtitle": {"text": _esc(subtitle)}},
        "height": _screen_height(len(table)),
        "margin": {"l": 10, "r": 30, "t": 80, "b": 40},
        "separators": ".,",
        "showlegend": False,
        "xaxis": {
            "title": {"text": axis_unit},
            "range": [0, top * 1.35],
            "tickformat": ",~r",
            "fixedrange": True,
        },
        "yaxis": {"autorange": "reversed", "fixedrange": True, "automargin": True},
        "clickmode": "event+select",
        "dragmode": False,
    }
    return go.Figure({"data": [bar], "layout": layout})


COMPARE_SPACING = 0.03  # gap between the metric panels, as a share of the width


def _panel_domains(n: int) -> list[list[float]]:
    """x domains of ``n`` side-by-side panels (what make_subplots would compute)."""
    width = (1 - COMPARE_SPACING * (n - 1)) / n
    return [
        [i * (width + COMPARE_SPACING), i * (width + COMPARE_SPACING) + width] for i in range(n)
    ]


def comparison_figure(
    long: pd.DataFrame, metrics: list[str], title: str, subtitle: str
) -> go.Figure:
    """One panel per metric (units differ), regions on a shared axis.

    A region that reported nothing for a metric gets no bar and a grey "未报告"; a
    reported zero gets a zero-length bar labelled "0人". ``customdata`` is
    [region key, metric]. The figure is written as one dict and built once: adding
    traces and axes one by one through make_subplots and update_* took 40 ms of a
    rerun's 100.
    """
    order = list(dict.fromkeys(long["region_key"].tolist()))
    first = long.drop_duplicates("region_key").set_index("region_key")
    names = unique_labels(first.loc[order, "region"], first.loc[order, "province"])
    ys = [_esc(n) for n in names]
    # (region, metric) → value, approx, mixed periods: the grid has one row each (read as
    # lists once; a frame filtered and reindexed per metric was half the figure's time).
    columns = ("region_key", "metric", "value", "approx", "mixed_periods")
    cells = {
        (key, metric): rest
        for key, metric, *rest in zip(*(long[c].tolist() for c in columns), strict=True)
    }
    absent = [None, None, None]
    traces: list[dict[str, Any]] = []
    layout: dict[str, Any] = {
        "title": {"text": _esc(title), "subtitle": {"text": _esc(subtitle)}},
        "height": max(340, 150 + 48 * len(order)),
        "margin": {"l": 10, "r": 20, "t": 110, "b": 40},
        "separators": ".,",
        "showlegend": False,
        "barmode": "overlay",
        "clickmode": "event+select",
        "dragmode": False,
        "yaxis": {"autorange": "reversed", "fixedrange": True, "automargin": True},
        "annotations": [],
    }
    for i, (metric, domain) in enumerate(zip(metrics, _panel_domains(len(metrics)), strict=True)):
        axis = "x" if i == 0 else f"x{i + 1}"
        value_cells = [cells.get((key, metric), absent) for key in order]
        values = [v for v, _, _ in value_cells]
        reported = [not is_missing(v) for v in values]
        unit = labels.METRIC_UNITS.get(metric, "")
        top_value = max((v for v, ok in zip(values, reported, strict=True) if ok), default=0.0)
        divisor, axis_unit = axis_scale(float(top_value or 0), unit)
        keys = [[k, metric] for k in order]
        traces.append(
            {
                "type": "bar",
                "x": [v / divisor if ok else None for v, ok in zip(values, reported, strict=True)],
                "y": ys,
                "xaxis": axis,
                "yaxis": "y",
                "orientation": "h",
                "marker": {"color": [BAR_MIXED if m is True else BAR for _, _, m in value_cells]},
                "text": [
                    _esc(format_value(v, unit, a)) if ok else ""
                    for (v, a, _), ok in zip(value_cells, reported, strict=True)
                ],
                "textposition": "outside",
                "cliponaxis": False,
                "customdata": keys,
                "hovertemplate": "%{y}<br>%{text}<extra></extra>",
                "name": labels.metric_name(metric, short=True),
            }
        )
        missing = [i for i, ok in enumerate(reported) if not ok]
        if missing:
            traces.append(
                {
                    "type": "scatter",
                    "x": [0] * len(missing),
                    "y": [ys[i] for i in missing],
                    "xaxis": axis,
                    "yaxis": "y",
                    "mode": "text",
                    "text": ["未报告"] * len(missing),
                    "textposition": "middle right",
                    "textfont": {"color": MUTED},
                    "customdata": [keys[i] for i in missing],
                    "hoverinfo": "skip",
                }
            )
        top = float(top_value or 0) / divisor or 1.0
        layout["xaxis" if i == 0 else f"xaxis{i + 1}"] = {
            "domain": domain,
            "anchor": "y",
            "title": {"text": axis_unit},
            "range": [0, top * 1.6],
            "tickformat": ",~r",
            "fixedrange": True,
        }
        layout["annotations"].append(
            {
                "text": _esc(labels.metric_name(metric, short=True)),
                "x": (domain[0] + domain[1]) / 2,
                "y": 1.0,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 16},
            }
        )
    return go.Figure({"data": traces, "layout": layout})


def export_height(fig: go.Figure) -> int:
    """Slide height: 900 px, more when the bars need it."""
    rows = max((len(t.y) for t in fig.data if getattr(t, "y", None) is not None), default=0)
    return max(EXPORT_MIN_HEIGHT, 330 + 40 * rows)


# The footer of an exported chart: source, rule and date, wrapped to the image's width.
EXPORT_BOTTOM_MARGIN = 200
FOOTER_TOP_PX = 105
FOOTER_LINE_PX = 30
FOOTER_CHARS_PER_LINE = 88  # CJK characters of 15 px that fit in 1600 px less margins


def wrap_line(text: str, width: int = FOOTER_CHARS_PER_LINE) -> list[str]:
    """Split a footer line to fit the image, preferring to break after ；or ，."""
    lines: list[str] = []
    while len(text) > width:
        cut = max(text.rfind("；", 0, width), text.rfind("，", 0, width))
        cut = cut + 1 if cut > width // 2 else width
        lines.append(text[:cut])
        text = text[cut:]
    return [*lines, text] if text else lines


def export_figure(fig: go.Figure, meta: ChartMeta) -> go.Figure:
    """A copy of ``fig`` dressed for a slide: title, filters, source, rule, date."""
    out = go.Figure(fig)
    footer = [
        *([f"统计口径：{meta.scope}"] if meta.scope else []),
        *wrap_line(meta.source_text),
        *wrap_line("取值规则：" + meta.rule),
        f"生成日期：{meta.generated:%Y年%m月%d日} · 双拥工作指标对比",
    ]
    footer = [_esc(line) for line in footer]
    footer_px = FOOTER_TOP_PX + FOOTER_LINE_PX * len(footer)
    height = export_height(fig)  # the size the download button states; the footer takes
    # its room from the plot area
    out.update_layout(
        template="plotly_white",
        font={"family": FONT_FAMILY, "size": 18, "color": "#222"},
        width=EXPORT_WIDTH,
        height=height,
        title={
            "text": f"<b>{_esc(meta.title)}</b>",
            "x": 0.02,
            "xanchor": "left",
            "y": 1 - 30 / height,
            "yanchor": "top",
            "font": {"size": 32},
            "subtitle": {"text": _esc(meta.subtitle), "font": {"size": 20, "color": "#555"}},
        },
        margin={"l": 40, "r": 60, "t": 140, "b": max(EXPORT_BOTTOM_MARGIN, footer_px)},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    out.update_traces(textfont={"size": 18}, selector={"type": "bar"})
    out.update_annotations(font={"size": 22})  # panel titles of the comparison
    out.add_shape(
        type="line",
        xref="paper",
        yref="paper",
        x0=0,
        x1=1,
        ysizemode="pixel",
        yanchor=0,
        y0=-95,
        y1=-95,
        line={"color": "#bbb", "width": 1},
    )
    for i, text in enumerate(footer):
        out.add_annotation(
            text=text,
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            xanchor="left",
            yanchor="top",
            yshift=-FOOTER_TOP_PX - FOOTER_LINE_PX * i,
            showarrow=False,
            align="left",
            font={"size": 15, "color": "#555"},
        )
    return out


def camera_config(meta: ChartMeta, fig: go.Figure) -> dict[str, Any]:
    """Plotly config: the camera button saves a slide-sized PNG with a sensible name."""
    return {
        "displaylogo": False,
        "locale": "zh-CN",
        "toImageButtonOptions": {
            "format": "png",
            "filename": meta.file_stem,
            "width": EXPORT_WIDTH,
            "height": export_height(fig),
            "scale": PNG_SCALE,
        },
    }

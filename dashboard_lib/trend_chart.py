"""The 趋势 figure: one line per region across years, a gap where a year is missing.

A missing year is ``None`` with ``connectgaps`` off, so the line breaks there instead of
dropping to zero or jumping straight over the year as if it had been reported. Each
point's ``customdata`` is [region key, year], which the page reads from a click to show
the point's evidence. Pure, like ``dashboard_lib.charts``, whose export dressing the
figure shares.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard_lib.charts import unique_labels
from dashboard_lib.formatting import axis_scale, format_value, safe_text
from dashboard_lib.trend import YEAR

# One colour per region (at most eight are chosen), the first the 双拥 red of the bars.
LINE_COLOURS = (
    "#b3261e", "#1d4e89", "#2e7d32", "#d98c2b", "#6a1b9a", "#00838f", "#5d4037", "#546e7a",
)  # fmt: skip
LINE_WIDTH = 2.5
HOME_LINE_WIDTH = 5  # 本地区 stands out among its peers


def trend_figure(points: pd.DataFrame, title: str, subtitle: str, home: str = "") -> go.Figure:
    """Lines with markers, labelled with their values as a briefing writes them."""
    unit = next((str(u) for u in points["unit"].tolist() if isinstance(u, str) and u), "")
    divisor, axis_unit = axis_scale(float(points["value"].max(skipna=True) or 0), unit)
    order = list(dict.fromkeys(points["region_key"].tolist()))
    first = points.drop_duplicates("region_key").set_index("region_key").loc[order]
    names = unique_labels(first["region"], first["province"])
    years = sorted({int(y) for y in points[YEAR].tolist()})
    traces: list[dict[str, Any]] = []
    for i, (key, name) in enumerate(zip(order, names, strict=True)):
        line = points[points["region_key"] == key].sort_values(YEAR)
        values = line["value"].tolist()
        shown = [None if pd.isna(v) else v / divisor for v in values]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers+text",
                "name": safe_text(name),
                "x": [int(y) for y in line[YEAR].tolist()],
                "y": shown,
                "connectgaps": False,
                "text": [
                    "" if pd.isna(v) else safe_text(format_value(v, unit, str(a)))
                    for v, a in zip(values, line["approx"].tolist(), strict=True)
                ],
                "textposition": "top center",
                "cliponaxis": False,
                "customdata": [[key, int(y)] for y in line[YEAR].tolist()],
                "line": {
                    "color": LINE_COLOURS[i % len(LINE_COLOURS)],
                    "width": HOME_LINE_WIDTH if key == home else LINE_WIDTH,
                },
                "marker": {"size": 11},
                # After a click the other points stay readable, as on the ranking.
                "selected": {"marker": {"opacity": 1.0}},
                "unselected": {"marker": {"opacity": 0.5}, "textfont": {"color": "#333"}},
                "hovertemplate": "%{fullData.name} · %{x}年<br>%{text}<extra></extra>",
            }
        )
    top = max((v for t in traces for v in t["y"] if v is not None), default=0.0) or 1.0
    layout = {
        "title": {"text": safe_text(title), "subtitle": {"text": safe_text(subtitle)}},
        "height": 460,
        "margin": {"l": 10, "r": 30, "t": 90, "b": 40},
        "separators": ".,",
        "showlegend": True,
        # Above the plot, right: below it the export's footer would run into it.
        "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"},
        "xaxis": {
            "tickmode": "array",
            "tickvals": years,
            "ticktext": [f"{y}年" for y in years],
            "range": [min(years, default=0) - 0.5, max(years, default=0) + 0.5],
            "fixedrange": True,
        },
        "yaxis": {
            "title": {"text": axis_unit},
            "range": [0, top * 1.25],
            "tickformat": ",~r",
            "fixedrange": True,
        },
        "clickmode": "event+select",
        "dragmode": False,
    }
    return go.Figure({"data": traces, "layout": layout})

"""Download buttons for a chart: PNG and SVG rendered on the server, and its data as CSV.

The images and the CSV are made only when clicked (``data=callable``, ``on_click="ignore"``): a
page with four charts must not start Chromium four times on every rerun. Where the
server can't render (no Chromium, no CJK font) the page says what to install instead of
offering a download that fails or draws boxes for every Chinese character.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard_lib import charts, tables


def chart_downloads(fig: go.Figure, meta: charts.ChartMeta, data: pd.DataFrame, key: str) -> None:
    """PNG, SVG and CSV buttons under a chart; ``data`` is exactly what the chart shows."""
    png, svg, csv = st.columns(3)
    problems = charts.export_problems()
    if problems:
        st.info(
            "服务器暂时不能生成图片：" + "；".join(problems) + "。请管理员安装后重启：\n\n"
            f"`{charts.INSTALL_COMMAND}`\n\n也可以用图表右上角的相机按钮在浏览器中保存 PNG。"
        )
    else:
        png.download_button(
            "下载 PNG（1600×900 以上）",
            data=lambda: charts.render_png(fig, meta),
            file_name=f"{meta.file_stem}.png",
            mime="image/png",
            on_click="ignore",
            key=f"{key}.png",
            icon=":material/image:",
        )
        svg.download_button(
            "下载 SVG（可编辑）",
            data=lambda: charts.render_svg(fig, meta),
            file_name=f"{meta.file_stem}.svg",
            mime="image/svg+xml",
            on_click="ignore",
            key=f"{key}.svg",
            icon=":material/draw:",
        )
    csv.download_button(
        "下载图表数据 CSV",
        data=lambda: tables.to_csv_bytes(data),
        file_name=f"{meta.file_stem}.csv",
        mime="text/csv",
        on_click="ignore",
        key=f"{key}.csv",
        icon=":material/table:",
    )

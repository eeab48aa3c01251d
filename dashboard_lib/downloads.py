"""Download buttons: a chart as PNG, SVG and CSV; the 明细 table as CSV and Excel.

The images and the CSV (and the rows it holds) are made only when clicked
(``data=callable``, ``on_click="ignore"``): a page with four charts must not start
Chromium four times on every rerun. Where the
server can't render (no Chromium, no CJK font) the page says what to install instead of
offering a download that fails or draws boxes for every Chinese character. The 明细
files are built on click too: the page shows one page of rows, the files hold them all.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard_lib import charts, data, export, tables
from db import originals
from db.filters import Filters

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_MIME = "application/pdf"


def chart_downloads(
    fig: go.Figure, meta: charts.ChartMeta, rows: Callable[[], pd.DataFrame], key: str
) -> None:
    """PNG, SVG and CSV buttons under a chart; ``rows`` makes exactly what the chart shows,
    when the CSV is asked for (the CSV says its 口径 in a column, as the images say it in
    their footer)."""
    png, svg, csv = st.columns(3)
    problems = export.export_problems()
    if problems:
        st.info(
            "服务器暂时不能生成图片：" + "；".join(problems) + "。请管理员安装后重启：\n\n"
            f"`{export.INSTALL_COMMAND}`\n\n也可以用图表右上角的相机按钮在浏览器中保存 PNG。"
        )
    else:
        for column, fmt, label, mime, icon, render in (
            (png, "png", "下载 PNG（1600×900 以上）", "image/png", "image", export.render_png),
            (svg, "svg", "下载 SVG（可编辑）", "image/svg+xml", "draw", export.render_svg),
        ):
            column.download_button(
                label,
                data=partial(render, fig, meta),
                file_name=f"{meta.file_stem}.{fmt}",
                mime=mime,
                on_click="ignore",
                key=f"{key}.{fmt}",
                icon=f":material/{icon}:",
            )
    csv.download_button(
        "下载图表数据 CSV",
        data=partial(chart_csv, rows, meta),
        file_name=f"{meta.file_stem}.csv",
        mime="text/csv",
        on_click="ignore",
        key=f"{key}.csv",
        icon=":material/table:",
    )


def chart_csv(rows: Callable[[], pd.DataFrame], meta: charts.ChartMeta) -> bytes:
    """The CSV of a chart: its rows, and its 口径 in a column where it has one."""
    frame = rows()
    if meta.scope:
        frame = frame.assign(统计口径=meta.scope)
    return tables.to_csv_bytes(frame)


def claims_file(db: data.DbKey, filters: Filters) -> pd.DataFrame:
    """Every claim matching ``filters``, with the columns and headers the table shows."""
    return tables.claims_table(data.all_claims(db, filters))


def claims_downloads(db: data.DbKey, filters: Filters, total: int) -> None:
    """CSV and Excel of every claim matching ``filters`` (``total`` of them), not one page.

    Both files are built only when their button is clicked: at a million claims a CSV
    takes seconds to build, and building it on every rerun is what made the page slow.
    Excel can't hold more than :data:`data.EXCEL_MAX_ROWS` rows; past that its button
    is disabled and says why, and the CSV still works.
    """
    stem = charts.file_stem("双拥明细")
    csv, xlsx, _ = st.columns(3)
    csv.download_button(
        "下载 CSV",
        data=lambda: tables.to_csv_bytes(claims_file(db, filters)),
        file_name=f"{stem}.csv",
        mime="text/csv",
        on_click="ignore",
    )
    too_many = total > data.EXCEL_MAX_ROWS
    xlsx.download_button(
        "下载 Excel",
        data=lambda: tables.to_excel_bytes(claims_file(db, filters)),
        file_name=f"{stem}.xlsx",
        mime=XLSX_MIME,
        on_click="ignore",
        disabled=too_many,
        help=(
            f"Excel 工作表最多容纳 {data.EXCEL_MAX_ROWS:,} 行数据，当前 {total:,} 条超出上限。"
            "请缩小筛选范围，或下载 CSV。"
            if too_many
            else None
        ),
    )


def _served_url(path: Path, mime: str, coordinates: str) -> str | None:
    """A URL at which the browser opens ``path`` itself (a PDF in its viewer, which honours
    ``#page=N``), or None outside a running server (AppTest).

    A download button can't say which page to open; this is Streamlit's media endpoint,
    the one ``st.image`` and ``st.audio`` serve their files from, which keeps the file for
    as long as the page shows it (until the session's next rerun).
    """
    from streamlit import runtime

    if not runtime.exists():
        return None
    return str(runtime.get_instance().media_file_mgr.add(str(path), mime, coordinates))


def _pages(cards: pd.DataFrame, name: str) -> list[int]:
    """The pages of the original ``name`` the cards quote, in order."""
    if "page" not in cards:
        return []
    pages = cards.loc[cards["original"] == name, "page"].dropna()
    return sorted({int(p) for p in pages})


def original_downloads(db: data.DbKey, cards: pd.DataFrame, key: str) -> None:
    """One button per uploaded original the cards quote (``documents.original``), read
    from the database's originals folder when clicked, and for a PDF a link to each page
    the cards quote, opening the file at that page. A file ingested from the command line
    has no kept original: its card names its path instead."""
    if "original" not in cards:
        return
    kept = cards.dropna(subset=["original"]).drop_duplicates("original")
    for source, name in zip(kept["source"], kept["original"], strict=True):
        path = originals.path_of(Path(db.path), str(name))
        if path is None:
            continue
        mime = mimetypes.guess_type(str(source))[0] or "application/octet-stream"
        button, links = st.columns([1, 2], vertical_alignment="center")
        button.download_button(
            f"下载原件：{source}",
            data=partial(path.read_bytes),
            file_name=str(source),
            mime=mime,
            on_click="ignore",
            key=f"{key}.original.{name}",
            icon=":material/description:",
        )
        pages = _pages(cards, str(name)) if mime == PDF_MIME else []
        url = _served_url(path, mime, f"{key}.original.{name}") if pages else None
        if url:
            links.markdown(
                "在原件中打开：" + " · ".join(f"[第{p}页]({url}#page={p})" for p in pages)
            )

"""Rendering figures to PNG and SVG on the server: kaleido driving Chromium.

Server-side rendering needs Chromium and a CJK font. Without a CJK font every Chinese
character exports as a box and nothing raises, so :func:`export_problems` checks for both
and the page says what to install instead of offering a broken download. The browser is
started once per process (a Streamlit resource) and renders one figure at a time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import warnings

import plotly.graph_objects as go
import streamlit as st

from dashboard_lib.charts import EXPORT_WIDTH, PNG_SCALE, ChartMeta, export_figure

INSTALL_COMMAND = "apt-get install -y --no-install-recommends chromium fonts-noto-cjk"


class ExportUnavailable(RuntimeError):
    """Server-side export can't work here; the message says what to install."""


def _has_cjk_font() -> bool:
    try:
        found = subprocess.run(
            ["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(found.stdout.strip())


@st.cache_data(ttl=600, show_spinner=False)
def export_problems() -> list[str]:
    """What stops a server-side export here, in Chinese; empty when all is well."""
    problems = []
    browser = os.environ.get("BROWSER_PATH")
    if shutil.which("chromium") is None and not (browser and os.path.exists(browser)):
        problems.append("服务器未安装 Chromium，无法生成 PNG/SVG 图片")
    if not _has_cjk_font():
        problems.append("服务器未安装中文字体，导出图片中的汉字会显示为方框")
    return problems


_render_lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def _kaleido_server() -> bool:
    """Start kaleido's browser once per process: 0.25 s per export instead of 2.5 s."""
    import kaleido

    kaleido.start_sync_server(silence_warnings=True, mathjax=False)
    return True


def render(fig: go.Figure, meta: ChartMeta, fmt: str) -> bytes:
    """PNG (2× of 1600 px wide) or SVG bytes of the export figure."""
    problems = export_problems()
    if problems:
        raise ExportUnavailable("；".join(problems) + f"。请安装：{INSTALL_COMMAND}")
    _kaleido_server()
    out = export_figure(fig, meta)
    with warnings.catch_warnings(), _render_lock:
        warnings.filterwarnings("ignore", message=".*kopts.*")
        data = out.to_image(
            format=fmt,
            width=EXPORT_WIDTH,
            height=int(out.layout.height),
            scale=PNG_SCALE if fmt == "png" else 1,
        )
    return bytes(data)


def render_png(fig: go.Figure, meta: ChartMeta) -> bytes:
    """Slide-resolution PNG (what a briefing should embed)."""
    return render(fig, meta, "png")


def render_svg(fig: go.Figure, meta: ChartMeta) -> bytes:
    """SVG for editing; it names the fonts but embeds no glyphs."""
    return render(fig, meta, "svg")

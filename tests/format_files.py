"""Real files of every supported format, made on the fly from a text (the sample corpus's).

Shared by tests/test_formats.py and bench/bench_formats.py. Each maker writes the text's
lines as the format lays out text (a Word paragraph, a PDF line wrapped to the page, an
HTML ``<p>``), with the furniture the reader must leave out (a Word header and footer, a
PDF's running head and 第 X 页 footer, a web site's menus and footer).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

import docx
from fpdf import FPDF
from fpdf.enums import WrapMode
from PIL import Image, ImageDraw, ImageFont

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_FONT_SC = 2  # Noto Sans CJK SC inside the collection
RUNNING_HEAD = "双拥工作简报（内部资料）"
DOCX_HEADER = "页眉：某某市退役军人事务局"
DOCX_FOOTER = "页脚：第1页"
CHROME_WORDS = ("网站首页", "热点新闻", "版权所有", "京ICP备")
# Scans: a page of 200 dpi A4, text at a size a scanner sees in a report.
SCAN_SIZE = (1654, 2339)
SCAN_MARGIN = 100
SCAN_FONT_PX = 34
SCAN_LINE_PX = 50
SCAN_CHARS_PER_LINE = 42
SCAN_DPI = 200


def lines_of(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def make_docx(text: str, table: Iterable[Iterable[str]] = ()) -> bytes:
    """A Word file: one paragraph per line, then a table; a header and footer to drop."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = DOCX_HEADER
    section.footer.paragraphs[0].text = DOCX_FOOTER
    for line in lines_of(text):
        document.add_paragraph(line)
    rows = [list(r) for r in table]
    if rows:
        grid = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class _Report(FPDF):
    """A PDF page with a running head and a 第 X 页 共 N 页 footer on every page."""

    def header(self) -> None:
        self.set_font("cjk", size=9)
        self.cell(0, 8, RUNNING_HEAD, align="C")
        self.ln(12)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("cjk", size=9)
        self.cell(0, 8, f"第 {self.page_no()} 页 共 {{nb}} 页", align="C")


def make_pdf(text: str, password: str | None = None) -> bytes:
    """A PDF with a text layer in a CJK font, lines wrapped to the page, a blank line
    between paragraphs as the text has them."""
    pdf = _Report()
    pdf.add_font("cjk", fname=str(CJK_FONT), collection_font_number=CJK_FONT_SC)
    if password:
        pdf.set_encryption(owner_password=password + "-owner", user_password=password)
    pdf.add_page()
    pdf.set_font("cjk", size=12)
    for line in lines_of(text):
        if line.strip():
            pdf.multi_cell(0, 7, line, wrapmode=WrapMode.CHAR)  # as CJK text wraps
        else:
            pdf.ln(7)
    return bytes(pdf.output())


def blank_pdf() -> bytes:
    """A PDF of one empty page: neither text nor a scan."""
    pdf = FPDF()
    pdf.add_page()
    return bytes(pdf.output())


def scan_pages(text: str) -> list[Image.Image]:
    """The text rendered as scanned pages (black on white, 200 dpi)."""
    font = ImageFont.truetype(str(CJK_FONT), SCAN_FONT_PX, index=CJK_FONT_SC)
    wrapped: list[str] = []
    for line in lines_of(text):  # wrapped as CJK text wraps: anywhere, not at spaces
        n = SCAN_CHARS_PER_LINE
        wrapped += [line[i : i + n] for i in range(0, len(line), n)] or [""]
    per_page = (SCAN_SIZE[1] - 2 * SCAN_MARGIN) // SCAN_LINE_PX
    pages = []
    for first in range(0, len(wrapped), per_page):
        image = Image.new("L", SCAN_SIZE, 255)
        draw = ImageDraw.Draw(image)
        for i, line in enumerate(wrapped[first : first + per_page]):
            draw.text((SCAN_MARGIN, SCAN_MARGIN + i * SCAN_LINE_PX), line, font=font, fill=0)
        pages.append(image)
    return pages


def make_scanned_pdf(text: str) -> bytes:
    """A PDF of page images only, as a scanner makes it."""
    first, *rest = scan_pages(text)
    out = io.BytesIO()
    first.save(out, "PDF", resolution=SCAN_DPI, save_all=True, append_images=rest)
    return out.getvalue()


def make_png(text: str) -> bytes:
    out = io.BytesIO()
    scan_pages(text)[0].save(out, "PNG")
    return out.getvalue()


def make_html(text: str, published: str) -> bytes:
    """A saved government-site page: the article's lines as paragraphs, the title as
    ``<h1>``, site chrome around it and the publication date in ``<meta>``."""
    lines = [line for line in lines_of(text) if line.strip()]
    title, body = lines[0], lines[1:]
    paragraphs = "\n".join(f"<p>{line}</p>" for line in body)
    links = "".join(f'<li><a href="/n{i}.html">热点新闻标题{i}</a></li>' for i in range(8))
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{title}_某某市人民政府网站</title>
<meta name="PubDate" content="{published} 09:30">
<meta property="article:published_time" content="{published}T09:30:00+08:00">
</head><body>
<header><nav><ul><li><a href="/">网站首页</a></li><li><a href="/zw">政务公开</a></li>
<li><a href="/fw">办事服务</a></li><li><a href="/hd">互动交流</a></li></ul></nav>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/xw">工作动态</a></div></header>
<main><article><h1>{title}</h1>
{paragraphs}
</article></main>
<aside><h3>热点新闻</h3><ul>{links}</ul></aside>
<footer><p>版权所有：某某市人民政府办公室</p><p>京ICP备12345678号</p></footer>
</body></html>
""".encode()


def make_zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()

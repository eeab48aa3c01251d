"""Importing in a real browser: choose files in the 导入 page's file chooser, watch the
upload finish, and find the new region's bar on 排名 with its quote.

The dashboard starts on the sample corpus, which names no place in 浙江省; the two reports
uploaded here (written for this test, one as Word, one as a PDF) are about 嘉兴市 and
湖州市, so their bars can only come from the upload. Skipped without
``/usr/bin/chromium`` except under ``CI``.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import browser_support as bs
import pytest
from format_files import make_docx

pytestmark = pytest.mark.browser
bs.skip_module_without_browser()  # before Playwright is imported: it may be missing

from playwright.sync_api import Browser, FilePayload, Page, expect  # noqa: E402

expect.set_options(timeout=bs.TIMEOUT_MS)

BARS = ".js-plotly-plot .barlayer .point path"
Y_LABELS = ".js-plotly-plot .ytick text"
HOVER = ".js-plotly-plot .hoverlayer .hovertext"
PROVINCE = "浙江省"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_FONT = "'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif"
UPLOAD_TIMEOUT_MS = 120_000  # the ETL's process starts, reads, extracts and rebuilds
JIAXING = """嘉兴市双拥工作情况汇报
（2024年1月10日）
近年来，嘉兴市坚持把双拥工作摆在全局工作的重要位置，市委、市政府多次召开双拥工作领导小组会议，研究部署拥军优属、拥政爱民工作。
2023年，全市投入双拥工作经费3600万元，用于支持部队建设和优抚对象帮扶。
全年接收安置退役士兵1200人，协调解决部队子女入学入园210人。
嘉兴市先后五次荣获全国双拥模范城称号，军政军民团结不断巩固。
"""
HUZHOU = """湖州市双拥工作情况汇报
（2024年2月20日）
一年来，湖州市认真贯彻双拥工作部署，市委、市政府召开专题会议研究退役军人安置和优抚工作，全市双拥氛围日益浓厚。
2023年，全市落实双拥工作资金1800万元，走访慰问驻地部队官兵和重点优抚对象。
全年接收安置退役士兵650人，解决部队子女入学入园95人。
湖州市三次荣获全国双拥模范城称号。
"""


def printed_pdf(browser: Browser, text: str) -> bytes:
    """``text`` printed to a PDF by the test's own Chromium: a text layer in Noto Sans CJK,
    one paragraph a line. (fpdf2 embedding the CJK font took minutes on a loaded machine.)"""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(
            f'<html lang="zh-CN"><body style="font-family: {PDF_FONT}">{body}</body></html>'
        )
        return page.pdf(format="A4")
    finally:
        context.close()


def report_files(browser: Browser) -> list[FilePayload]:
    """The two reports as the user's files: 嘉兴's in Word (python-docx, as the formats'
    tests make it), 湖州's as a PDF printed by Chromium."""
    return [
        {"name": "嘉兴市双拥工作.docx", "mimeType": DOCX_MIME, "buffer": make_docx(JIAXING)},
        {
            "name": "湖州市双拥工作.pdf",
            "mimeType": "application/pdf",
            "buffer": printed_pdf(browser, HUZHOU),
        },
    ]


# ---------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    bs.require_browser()
    return bs.build_corpus_db(tmp_path_factory.mktemp("browser-import") / "db.duckdb")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with bs.chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def app_url(corpus_db: Path, browser: Browser) -> Iterator[str]:
    """The running app, after one session has opened the main page (streamlit#9992: the
    first session to open another page is told it does not exist)."""
    with bs.streamlit_server(corpus_db, corpus_db.parent) as server:
        context = browser.new_context(viewport=bs.VIEWPORT)
        try:
            first = context.new_page()
            first.goto(server.url + "/", timeout=bs.TIMEOUT_MS)
            expect(first.get_by_test_id("stMetric").first).to_be_visible()
        finally:
            context.close()
        yield server.url


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport=bs.VIEWPORT, locale="zh-CN", color_scheme="light", accept_downloads=True
    )
    context.set_default_timeout(bs.TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


# ------------------------------------------------------------------------- tests


def test_uploaded_reports_are_ranked_and_their_quotes_shown(
    page: Page, app_url: str, browser: Browser
) -> None:
    page.goto(app_url + "/import")
    expect(page.get_by_role("heading", name="导入", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"每个文件不超过 \d+ MB")).first).to_be_visible()

    files = report_files(browser)
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("stFileUploaderDropzone").click()
    chooser.value.set_files(files)
    start = page.get_by_role("button", name="导入 2 个文件")
    expect(start).to_be_visible()
    start.click()
    # The bars while it runs, then the result of every file.
    expect(page.get_by_text(re.compile(r"^总进度："))).to_be_visible()
    expect(page.get_by_text("已导入 2 个", exact=True)).to_be_visible(timeout=UPLOAD_TIMEOUT_MS)
    expect(page.get_by_text("数据已更新，各页面现在显示新导入的数据。")).to_be_visible()
    expect(page.get_by_test_id("stProgress")).to_have_count(0)
    bs.wait_idle(page)
    bs.assert_no_exception(page)
    bs.assert_not_blank(bs.save_full_page(page, "5-import-done"))

    # 排名: the province the uploads are about has exactly their two cities.
    page.goto(app_url + "/ranking?metric=funds")
    expect(page.locator(BARS).first).to_be_visible()
    bs.pick_option(page, "省份", PROVINCE[:2], PROVINCE)
    expect(page.locator(".js-plotly-plot").first).to_contain_text(f"· {PROVINCE} ·")
    bs.wait_idle(page)
    bs.wait_charts_settled(page)
    assert sorted(page.locator(Y_LABELS).all_text_contents()) == ["嘉兴市", "湖州市"]

    # Click 湖州市's bar: whichever of the two the hover names. The mouse leaves the chart
    # between bars, so the label read is the bar's own, not the last one's.
    for bar in page.locator(BARS).all():
        box = bar.bounding_box()
        assert box is not None
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(1, 1)
        expect(page.locator(HOVER)).to_have_count(0)
        page.mouse.move(x, y)
        expect(page.locator(HOVER)).to_contain_text(re.compile("嘉兴市|湖州市"))
        if "湖州市" in (page.locator(HOVER).text_content() or ""):
            page.mouse.click(x, y)
            break
    else:
        pytest.fail("no bar's hover names 湖州市")
    expect(page.get_by_role("heading", name="湖州市：构成该数值的原文")).to_be_visible()
    mark = page.locator("mark").first
    expect(mark).to_have_text("1800万元")
    card = mark.locator("xpath=../..")
    expect(card).to_contain_text("全市落实双拥工作资金1800万元")
    expect(card).to_contain_text("湖州市双拥工作.pdf 第1页第")
    with page.expect_download() as download:
        page.get_by_role("button", name="下载原件：湖州市双拥工作.pdf").click()
    assert download.value.suggested_filename == "湖州市双拥工作.pdf"
    assert Path(download.value.path()).read_bytes() == files[1]["buffer"]
    # The page link opens the PDF itself (the browser's viewer honours #page=N).
    link = page.get_by_role("link", name="第1页", exact=True)
    href = link.get_attribute("href") or ""
    assert href.endswith(".pdf#page=1"), href
    served = page.request.get(urllib.parse.urljoin(app_url + "/", href.split("#")[0]))
    assert served.ok and served.headers["content-type"] == "application/pdf"
    assert served.body() == files[1]["buffer"]
    bs.wait_idle(page)
    bs.assert_no_exception(page)
    bs.assert_not_blank(bs.save_full_page(page, "6-ranking-uploaded"))

"""The dashboard in a real browser, on the real sample corpus: what AppTest cannot see.

AppTest renders nothing, sees no Plotly click and cannot run a download callable, so
this module drives the running app the way a user does: it opens each page in headless
Chromium, narrows the 排名 page to one province, clicks a bar, checks that the sentence
behind the number appears with the number highlighted, downloads the chart as the PNG
a briefing would embed, and downloads the 明细 CSV (built on click) with every claim. A
full-page screenshot of every page goes to ``test-artifacts/screenshots/`` so a person
can look at what the user saw.

Skipped when ``/usr/bin/chromium`` is missing, except under ``CI``, where it must run.
Run it alone with ``pytest -m browser``; leave it out with ``pytest -m "not browser"``.
"""

from __future__ import annotations

import csv
import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import browser_support as bs
import duckdb
import plotly.graph_objects as go
import pytest
from PIL import Image

pytestmark = pytest.mark.browser
bs.skip_module_without_browser()  # before Playwright is imported: it may be missing

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from dashboard_lib import charts  # noqa: E402
from etl.formats.ocr import image_lines  # noqa: E402

expect.set_options(timeout=bs.TIMEOUT_MS)  # Playwright's 5 s is short for a cold rerun

BARS = ".js-plotly-plot .barlayer .point path"
Y_LABELS = ".js-plotly-plot .ytick text"
HOVER = ".js-plotly-plot .hoverlayer .hovertext"
PROVINCE = "河南省"
# A highlighted number as written: digits (Arabic or Chinese), 余/多/约/近, 万/亿, a unit.
NUMBER_WITH_UNIT = re.compile(
    r"^[约近]?[0-9０-９.,，零〇一二两三四五六七八九十百千万亿\s]+[余多]?\s*[万亿]?\s*[元次人名个]$"
)


# The bottom of an exported image that holds its footer (口径, sources, rule, date), in
# pixels of the export before PNG_SCALE: the footer's lines and the axis above them.
FOOTER_CROP_PX = 320
# OCR reads full-width punctuation as either width: both are one character here.
_OCR_SAME = str.maketrans({"：": ":", "（": "(", "）": ")", "《": "(", "〈": "("})


def png_footer(path: Path) -> str:
    """The footer of an exported PNG as OCR reads it (Tesseract, as ingest reads scans),
    spaces dropped: what a reader of the slide sees, not what the figure was told."""
    with Image.open(path) as image:
        width, height = image.size
        footer = image.crop((0, height - FOOTER_CROP_PX * charts.PNG_SCALE, width, height))
        lines = image_lines(footer.convert("L"), 1, path.name)
    return "".join("".join(line.text.split()) for line in lines).translate(_OCR_SAME)


# ---------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus, ingested by the ETL into a fresh database."""
    bs.require_browser()
    return bs.build_corpus_db(tmp_path_factory.mktemp("browser") / "db.duckdb")


@pytest.fixture(scope="module")
def server(corpus_db: Path) -> Iterator[bs.Server]:
    """``streamlit run dashboard.py`` on a free port, stopped after the module."""
    with bs.streamlit_server(corpus_db, corpus_db.parent) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright (never Playwright's own download)."""
    with bs.chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def app_url(server: bs.Server, browser: Browser) -> str:
    """The app's address, after one session has run the main page.

    Streamlit learns the pages of ``st.navigation`` only when the script first runs, so
    the very first session that opens a page other than the default one gets a "Page not
    found" dialog over the right page (streamlit/streamlit#9992). A user meets it once
    after each restart; the tests should not depend on which of them runs first.
    """
    context = browser.new_context(viewport=bs.VIEWPORT)
    try:
        first = context.new_page()
        first.goto(server.url + "/", timeout=bs.TIMEOUT_MS)
        expect(first.get_by_test_id("stMetric").first).to_be_visible(timeout=bs.TIMEOUT_MS)
    finally:
        context.close()
    return server.url


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser session (its own Streamlit session and filters) per test."""
    context = browser.new_context(
        viewport=bs.VIEWPORT,
        locale="zh-CN",
        color_scheme="light",
        accept_downloads=True,
    )
    context.set_default_timeout(bs.TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def henan_prefectures(db: Path) -> set[str]:
    """Names of the province's prefectures, from the database the app reads."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT name FROM regions WHERE province = ? AND tier = 'prefecture'", [PROVINCE]
        ).fetchall()
    finally:
        con.close()
    return {str(r[0]) for r in rows}


# ------------------------------------------------------------------------- tests


def test_overview_shows_what_the_database_holds(page: Page, app_url: str) -> None:
    page.goto(app_url + "/")
    expect(page.get_by_role("heading", name="总览", exact=True)).to_be_visible()
    files = page.get_by_test_id("stMetric").filter(has_text="文件")
    expect(files.get_by_test_id("stMetricValue")).to_have_text(
        str(len(list(bs.CORPUS.glob("*.txt"))))
    )
    # per metric, sources, how regions and years were decided (two), unplaced articles
    expect(page.get_by_test_id("stDataFrame")).to_have_count(5)
    bs.wait_idle(page)
    bs.assert_no_exception(page)
    bs.assert_not_blank(bs.save_full_page(page, "1-overview"))


def test_ranking_click_shows_the_sentence_and_the_png_downloads(
    page: Page, app_url: str, corpus_db: Path
) -> None:
    # A shared link chooses the metric; the user then narrows it to one province.
    page.goto(app_url + "/ranking?metric=funds&scope=all")  # 全部: every 河南 city
    expect(page.locator(BARS).first).to_be_visible()
    bs.pick_option(page, "省份", PROVINCE[:2], PROVINCE)
    expect(page).to_have_url(re.compile("province=" + re.escape(urllib.parse.quote(PROVINCE))))
    expect(page.locator(".js-plotly-plot").first).to_contain_text(f"· {PROVINCE} ·")
    bs.wait_idle(page)

    regions = page.locator(Y_LABELS).all_text_contents()
    assert len(regions) >= 2, f"expected several bars for {PROVINCE}, got {regions}"
    assert set(regions) <= henan_prefectures(corpus_db), regions
    expect(page.locator(BARS)).to_have_count(len(regions))

    # Hover the top bar to learn whose it is, then click it: the rerun shows its evidence.
    # Plotly's drag layer lies over the bars, so the mouse is used at the bar's centre.
    box = page.locator(BARS).first.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    expect(page.locator(HOVER)).to_be_visible()
    hovered = page.locator(HOVER).text_content() or ""
    name = next((r for r in regions if r in hovered), None)
    assert name, f"hover label {hovered!r} names none of {regions}"
    page.mouse.click(x, y)

    expect(page.get_by_role("heading", name=f"{name}：构成该数值的原文")).to_be_visible()
    picker = page.get_by_role("combobox", name=re.compile("^查看某地区数值的依据"))
    expect(picker).to_have_value(name)
    mark = page.locator("mark").first
    expect(mark).to_be_visible()
    number = (mark.text_content() or "").strip()
    assert NUMBER_WITH_UNIT.match(number), f"highlighted text {number!r} is no number with unit"
    quote = mark.locator("xpath=..").text_content() or ""
    assert bs.normalise(quote) in bs.corpus_text(), f"quote not found in the corpus: {quote!r}"
    bs.wait_idle(page)
    bs.assert_no_exception(page)
    bs.assert_not_blank(bs.save_full_page(page, "2-ranking-after-click"))

    # The PNG a briefing embeds: the size the button states, at the export's scale.
    png_button = page.get_by_role("button", name=re.compile("下载 PNG"))
    stated = re.search(r"(\d+)×(\d+)", png_button.inner_text())
    assert stated, png_button.inner_text()
    stated_size = (int(stated[1]), int(stated[2]))
    assert stated_size == (charts.EXPORT_WIDTH, charts.EXPORT_MIN_HEIGHT)
    with page.expect_download(timeout=bs.EXPORT_TIMEOUT_MS) as info:
        png_button.click()
    download = info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename.endswith(".png"), download.suggested_filename
    bs.DOWNLOADS.mkdir(parents=True, exist_ok=True)
    png_path = bs.DOWNLOADS / "ranking.png"
    download.save_as(png_path)
    with Image.open(png_path) as image:
        assert image.format == "PNG"
        size = image.size
        image.verify()
    height = charts.export_height(go.Figure(go.Bar(y=regions)))
    assert size == (charts.EXPORT_WIDTH * charts.PNG_SCALE, height * charts.PNG_SCALE)
    assert size[0] >= stated_size[0] and size[1] >= stated_size[1]
    # The PNG's footer states the 口径 the chart was formed in (全部, from the link).
    footer = png_footer(png_path)
    assert "统计口径:全部(按报道年份" in footer, footer

    # The SVG for people who edit: well-formed, and it names the regions shown.
    with page.expect_download(timeout=bs.EXPORT_TIMEOUT_MS) as info:
        page.get_by_role("button", name=re.compile("下载 SVG")).click()
    svg_path = bs.DOWNLOADS / "ranking.svg"
    info.value.save_as(svg_path)
    root = ET.parse(svg_path).getroot()
    assert root.tag.endswith("svg"), root.tag
    svg_text = "".join(root.itertext())
    assert all(r in svg_text for r in regions), svg_text[:500]
    # The footer states the 口径 the chart was formed in (全部, from the link).
    assert "统计口径：全部（按报道年份，含各类期间）" in svg_text, svg_text[-800:]


def test_compare_two_regions(page: Page, app_url: str) -> None:
    page.goto(app_url + "/compare")
    expect(page.get_by_text("请在左侧选择 2 至")).to_be_visible()
    for city in ("洛阳市", "开封市"):
        bs.pick_option(page, "对比地区", city[:2], f"{city}（{PROVINCE}·地级）")
        bs.wait_idle(page)
    chart = page.locator(".js-plotly-plot").first
    expect(chart).to_contain_text("洛阳市")
    expect(chart).to_contain_text("开封市")
    expect(page.locator(BARS).first).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    bs.wait_idle(page)
    bs.wait_charts_settled(page)
    # Neither city reports 安置人数: that panel's axis must still start at 0, not at −1.
    ticks = page.locator(".js-plotly-plot .xaxislayer-above text").all_text_contents()
    assert not [t for t in ticks if t.startswith(("−", "-"))], f"negative axis ticks: {ticks}"
    bs.assert_no_exception(page)
    bs.assert_not_blank(bs.save_full_page(page, "3-compare"))


def test_claims_lists_every_claim_and_the_csv_holds_them_all(page: Page, app_url: str) -> None:
    page.goto(app_url + "/claims")
    expect(page.get_by_role("heading", name="明细", exact=True)).to_be_visible()
    count = page.get_by_text(re.compile(r"共 [\d,]+ 条数据"))
    expect(count).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    bs.wait_idle(page)
    bs.assert_no_exception(page)
    bs.assert_not_blank(bs.save_full_page(page, "4-claims"))

    # The CSV is built by the button's callable, on click, from every matching claim.
    stated = re.search(r"共 ([\d,]+) 条数据", count.inner_text())
    assert stated, count.inner_text()
    with page.expect_download(timeout=bs.EXPORT_TIMEOUT_MS) as info:
        page.get_by_role("button", name="下载 CSV").click()
    download = info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename.endswith(".csv"), download.suggested_filename
    bs.DOWNLOADS.mkdir(parents=True, exist_ok=True)
    csv_path = bs.DOWNLOADS / "claims.csv"
    download.save_as(csv_path)
    with csv_path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0][:2] == ["编号", "地区"], rows[0]
    assert len(rows) - 1 == int(stated[1].replace(",", ""))


# ------------------------------------------------------------------ 趋势 (issue 10)

POINTS = ".js-plotly-plot .scatterlayer .points path"
TREND_REGIONS = ("乌海市（内蒙古自治区·地级）", "河北省（河北省·省级）")


def test_trend_of_two_regions_click_a_point_shows_its_quote_and_exports_state_the_scope(
    page: Page, app_url: str
) -> None:
    page.goto(app_url + "/trend?metric=funds")
    expect(page.get_by_role("heading", name="趋势", exact=True)).to_be_visible()
    for option in TREND_REGIONS:
        bs.pick_option(page, "地区（1", option[:2], option)
        bs.wait_idle(page)
    expect(page).to_have_url(re.compile("trend=150300.*trend=130000"))
    chart = page.locator(".js-plotly-plot").first
    expect(chart.locator(".scatterlayer .trace")).to_have_count(2)
    expect(chart).to_contain_text("乌海市")
    expect(chart).to_contain_text("河北省")
    bs.wait_idle(page)
    bs.wait_charts_settled(page)

    # Click the first point: its evidence opens under the chart, a quote of the corpus.
    box = page.locator(POINTS).first.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    expect(page.locator(HOVER)).to_be_visible()
    hovered = page.locator(HOVER).text_content() or ""
    clicked = re.search(r"(乌海市|河北省) · (\d{4})年", hovered)
    assert clicked, f"hover label {hovered!r} names no region and year"
    page.mouse.click(x, y)
    heading = f"{clicked[1]}：{clicked[2]}年：构成该数值的原文"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    mark = page.locator("mark").first
    expect(mark).to_be_visible()
    quote = mark.locator("xpath=..").text_content() or ""
    assert bs.normalise(quote) in bs.corpus_text(), f"quote not found in the corpus: {quote!r}"
    bs.wait_idle(page)
    bs.assert_no_exception(page)
    bs.assert_not_blank(bs.save_full_page(page, "5-trend-after-click"))

    # The exported images: the SVG's text (the same export figure as the PNG's) states
    # the 口径 in the footer; the PNG is slide-sized and not blank.
    footer = "统计口径：单一年度"
    with page.expect_download(timeout=bs.EXPORT_TIMEOUT_MS) as info:
        page.get_by_role("button", name=re.compile("下载 SVG")).click()
    bs.DOWNLOADS.mkdir(parents=True, exist_ok=True)
    svg_path = bs.DOWNLOADS / "trend.svg"
    info.value.save_as(svg_path)
    svg_text = "".join(ET.parse(svg_path).getroot().itertext())
    assert footer in svg_text, svg_text[-800:]
    with page.expect_download(timeout=bs.EXPORT_TIMEOUT_MS) as info:
        page.get_by_role("button", name=re.compile("下载 PNG")).click()
    png_path = bs.DOWNLOADS / "trend.png"
    info.value.save_as(png_path)
    with Image.open(png_path) as image:
        assert image.format == "PNG"
        assert image.size[0] == charts.EXPORT_WIDTH * charts.PNG_SCALE
    bs.assert_not_blank(png_path)
    assert "统计口径:单一年度" in png_footer(png_path), png_footer(png_path)

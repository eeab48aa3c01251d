"""Helpers for the real-browser test: a database from the sample corpus, a live
``streamlit run`` server, Debian's Chromium, and waits that fit Streamlit.

Kept out of ``conftest.py`` so that the unit tests never import Playwright, and kept out of
``test_browser.py`` so the test reads as the user's path through the app.

Why Debian's Chromium: Playwright's own browser download cannot work here (and must never
run in CI), so the browser is launched from ``/usr/bin/chromium`` with the flags measured in
``../shared/notes/charts-export-and-browser-tests.md``.
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
DOWNLOADS = ARTIFACTS / "downloads"

CHROMIUM = Path("/usr/bin/chromium")
INSTALL_HINT = "apt-get install -y --no-install-recommends chromium fonts-noto-cjk"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1400, "height": 1000}
TIMEOUT_MS = 30_000  # one page load or rerun; the first chart takes 3–4 s here
EXPORT_TIMEOUT_MS = 60_000  # the first server-side export also starts kaleido's browser
HEALTH_TIMEOUT_S = 60.0
MAX_SCREENSHOT_HEIGHT = 8_000


# ------------------------------------------------------------------ availability


def missing_browser() -> str | None:
    """Why the browser test cannot run here, or None when it can."""
    problems = []
    if not CHROMIUM.exists():
        problems.append(f"{CHROMIUM} is missing (install it: {INSTALL_HINT})")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the playwright package is missing (pip install -e '.[dev]')")
    return "; ".join(problems) or None


def skip_module_without_browser() -> None:
    """Skip the calling test module when the browser is missing — unless ``CI`` is set.

    CI must really run the browser test (``make test`` installs Chromium), so there the
    module is not skipped and :func:`require_browser` fails the test with the reason.
    """
    reason = missing_browser()
    if reason and not os.environ.get("CI"):
        pytest.skip(reason, allow_module_level=True)


def require_browser() -> None:
    """Fail (under CI) or skip when the browser is missing; called by the fixtures."""
    reason = missing_browser()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so the browser test must run, but {reason}", pytrace=False)
    pytest.skip(reason)


# ---------------------------------------------------------------------- database


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright (never Playwright's own download)."""
    from playwright.sync_api import sync_playwright

    require_browser()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def build_corpus_db(path: Path) -> Path:
    """Load the real sample corpus into ``path`` with the ETL's own entry point.

    The real corpus rather than the synthetic database: the test must show that a quote a
    user clicks through to is a sentence of a real report.
    """
    from etl.ingest import run_ingest

    err = io.StringIO()
    status = run_ingest([CORPUS], path, err, progress=False)
    assert status == 0, f"ingest of {CORPUS} failed:\n{err.getvalue()}"
    assert path.exists(), f"ingest wrote no database at {path}"
    return path


def corpus_text() -> str:
    """Every sample document, normalised the way :func:`normalise` treats a quote."""
    return "\n".join(normalise(p.read_text(encoding="utf-8")) for p in CORPUS.glob("*.txt"))


def normalise(text: str) -> str:
    """Compare text as a reader would: full-width forms folded, whitespace ignored.

    The ETL repairs PDF debris (spaces inside numbers, numbers broken across lines,
    full-width digits), so a quote on screen is the file's text minus that debris.
    """
    return "".join(unicodedata.normalize("NFKC", text).split())


# ------------------------------------------------------------------------ server


def free_port() -> int:
    """A TCP port nobody listens on now (bind to port 0 and let the kernel choose)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running ``streamlit run dashboard.py``."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, limit: int = 4000) -> str:
        """The end of the server's output, for failure messages."""
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-limit:]
        except OSError:
            return "(no server log)"


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate, then kill if it does not stop; never leaves the server behind."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def streamlit_server(db: Path, workdir: Path) -> Iterator[Server]:
    """Start the dashboard on a free port against ``db``; stop it on exit, always.

    Output goes to a file, not a pipe: a pipe nobody reads fills up and blocks the server.
    The file watcher is off so that another engineer's edits during the run cannot make
    the app offer a rerun in the middle of the test.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = workdir / "streamlit.log"
    env = {**os.environ, "SHUANGYONG_DB": str(db)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(url, process, log)
    try:
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while not _healthy(url):
            if process.poll() is not None:
                pytest.fail(
                    f"streamlit exited with status {process.returncode}:\n{server.log_tail()}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit did not answer {url}/_stcore/health within "
                    f"{HEALTH_TIMEOUT_S:.0f} s:\n{server.log_tail()}",
                    pytrace=False,
                )
            time.sleep(0.2)
        yield server
    finally:
        _stop(process)


# ------------------------------------------------------------------------- pages


def wait_idle(page: Page) -> None:
    """Wait until Streamlit has finished running the script for this session.

    The app root carries ``data-test-script-state``; "notRunning" means the last rerun
    is done and its elements are drawn (not the faded stale ones of a rerun in progress).
    Only meaningful after waiting for something the rerun produces: just after a click
    the state may still say "notRunning" from before.
    """
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=TIMEOUT_MS
    )


_SETTLED_JS = """(quietMs) => {
    const charts = [...document.querySelectorAll('.js-plotly-plot')];
    if (!charts.length) return false;
    const now = performance.now();
    return charts.every(gd => {
        if (typeof gd.on !== 'function') return false;
        if (gd.__lastDraw === undefined) {
            gd.__lastDraw = now;
            gd.on('plotly_afterplot', () => { gd.__lastDraw = performance.now(); });
        }
        return now - gd.__lastDraw >= quietMs;
    });
}"""


def wait_charts_settled(page: Page, quiet_ms: int = 500) -> None:
    """Wait until every Plotly chart has gone ``quiet_ms`` without redrawing.

    Plotly draws a chart more than once (automargin measures the labels, then redraws),
    and the axes of the first pass can differ from the final ones: reading ticks right
    after the chart appears was measured to see either. This waits for the last pass.
    """
    page.wait_for_function(_SETTLED_JS, arg=quiet_ms, polling=100, timeout=TIMEOUT_MS)


def assert_no_exception(page: Page) -> None:
    """A Python exception in a page is drawn as an ``stException`` box: there must be none."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stException")).to_have_count(0)


def pick_option(page: Page, label: str, typed: str, option: str) -> None:
    """Choose ``option`` in the sidebar multiselect ``label`` by typing, as a user does.

    The option list is virtualised (only about ten options exist in the DOM), so the
    option is filtered into view by typing rather than scrolled to.
    """
    box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text=label)
    field = box.locator("input")
    field.click()
    field.press_sequentially(typed)
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def save_full_page(page: Page, name: str) -> Path:
    """Screenshot the whole page, not just the viewport, into ``test-artifacts``.

    Streamlit scrolls inside its main container, so a "full page" screenshot of the
    document is only the viewport: the viewport is stretched to the content's height
    first, and restored afterwards.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    height = int(
        page.evaluate(
            """() => Math.max(
                document.documentElement.scrollHeight,
                ...[...document.querySelectorAll('[data-testid="stMain"], section')]
                    .map(e => e.scrollHeight))"""
        )
    )
    size = page.viewport_size or VIEWPORT
    page.set_viewport_size(
        {"width": size["width"], "height": min(max(height, size["height"]), MAX_SCREENSHOT_HEIGHT)}
    )
    try:
        # Let layout and Plotly's resize handler run before the picture is taken.
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 100)))")
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(size)
    return path


def assert_not_blank(path: Path) -> None:
    """Headless screenshots are sometimes blank on first load: fail if this one is."""
    from PIL import Image, ImageStat

    with Image.open(path) as image:
        stat = ImageStat.Stat(image.convert("L"))
    (low, high), spread = stat.extrema[0], stat.stddev[0]
    assert high - low > 100 and spread > 10, f"{path} looks blank (range {low}–{high})"

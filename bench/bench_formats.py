"""Reading speed of each file format (etl/formats), on files made from the sample corpus.

Not a test: the figures are written into bench/README.md (block ``formats``). Pages per
second for PDFs with a text layer and for scanned PDFs (OCR), MB per second for Word files
and saved web pages (of the file's bytes, and of the text they hold). Reading only: the
extraction after it is the same for every format (bench_etl.py). Wall-clock time of one
process, best of a few rounds (the machine is shared; OCR runs Tesseract in a child
process, which CPU time of this one would not see).

    python bench/bench_formats.py [--no-write]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import format_files as ff  # noqa: E402

from bench.results_block import write_block  # noqa: E402
from etl.formats import read_upload  # noqa: E402
from etl.models import SourceText  # noqa: E402

CORPUS = ROOT / "corpus"
ROUNDS = 3
OCR_TEXT_CHARS = 3000  # about two scanned pages: OCR is slow, a few pages tell its speed
MB = 1e6


def _texts() -> list[str]:
    return [f.read_text(encoding="utf-8") for f in sorted(CORPUS.glob("*.txt"))]


def _best(read: Callable[[], list[SourceText]]) -> tuple[float, list[SourceText]]:
    best, docs = float("inf"), []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        docs = read()
        best = min(best, time.perf_counter() - start)
    return best, docs


def _read_all(name: str, files: list[bytes]) -> Callable[[], list[SourceText]]:
    def read() -> list[SourceText]:
        out = []
        for data in files:
            [doc] = read_upload(name, data)
            assert isinstance(doc, SourceText)
            out.append(doc)
        return out

    return read


def measure() -> list[tuple[str, str, str, str]]:
    """Rows: format, what was read, time, speed."""
    texts = _texts()
    rows = []
    pdfs = [ff.make_pdf(t) for t in texts]
    seconds, docs = _best(_read_all("r.pdf", pdfs))
    pages = sum(d.pages or 0 for d in docs)
    rows.append(
        ("PDF (text layer)", f"{pages} pages", f"{seconds:.2f} s", f"{pages / seconds:.0f} pages/s")
    )
    scan = ff.make_scanned_pdf(texts[0][:OCR_TEXT_CHARS])
    start = time.perf_counter()
    [ocr_doc] = read_upload("scan.pdf", scan)
    seconds = time.perf_counter() - start
    pages = ocr_doc.pages or 0 if isinstance(ocr_doc, SourceText) else 0
    rows.append(
        (
            "PDF (scanned, OCR)",
            f"{pages} pages",
            f"{seconds:.1f} s",
            f"{pages / seconds:.2f} pages/s",
        )
    )
    for label, name, files in (
        ("Word .docx", "r.docx", [ff.make_docx(t) for t in texts]),
        ("web page .html", "r.html", [ff.make_html(t, "2024-03-05") for t in texts]),
    ):
        seconds, docs = _best(_read_all(name, files))
        size = sum(map(len, files)) / MB
        text = sum(len(d.raw.encode()) for d in docs) / MB
        rows.append((
            label, f"{size:.2f} MB ({text:.2f} MB of text)", f"{seconds:.2f} s",
            f"{size / seconds:.1f} MB/s ({text / seconds:.1f} MB/s of text)",
        ))  # fmt: skip
    return rows


def report(rows: list[tuple[str, str, str, str]]) -> str:
    lines = [
        f"Measured {date.today()} on {platform.machine()}, Python {platform.python_version()}, "
        "files made from the sample corpus (tests/format_files.py):",
        "",
        "| format | read | wall time | speed |",
        "| --- | --- | --- | --- |",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print, do not write README")
    args = parser.parse_args()
    text = report(measure())
    print(text)
    if not args.no_write:
        write_block("formats", text)


if __name__ == "__main__":
    main()

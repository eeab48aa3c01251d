"""Files that cannot be read get one line naming the file and why, and leave the database
as it was; a folder's files in no supported format are each named (#9, #11).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import duckdb
import format_files as ff
import pytest

from etl.formats import legacy, read_path
from etl.ingest import run_ingest
from etl.pipeline import process
from etl.reading import read_bytes
from etl.refusals import reason

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
REPORT = CORPUS / "000_2a9cdd382f62b7c7.txt"
TABLES = ("documents", "articles", "claims")
MB = 1 << 20


def _report() -> str:
    return REPORT.read_text(encoding="utf-8")


def _sparse(size: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with path.open("wb") as handle:
            handle.truncate(size)

    return write


def _bytes(make: Callable[[], bytes]) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(make())


def _truncated_docx() -> bytes:
    data = ff.make_docx(_report())
    return data[: len(data) // 2]


def _no_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacy, "converter", lambda: None)


def _noop(monkeypatch: pytest.MonkeyPatch) -> None:
    return None


def _ole_doc() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)


# (file name, how to write it, what to change first, the line expected after "<path>: ")
REFUSED = [
    pytest.param(
        "扫描件.pdf", _bytes(lambda: ff.make_png("双拥")), _noop,
        "named .pdf but its content is an image, not a PDF: rename it or export it again",
        id="renamed-png",
    ),
    pytest.param(
        "加密.pdf", _bytes(lambda: ff.make_pdf(_report(), password="secret")), _noop,
        "encrypted PDF (password-protected): save a copy without the password",
        id="encrypted-pdf",
    ),
    pytest.param(
        "损坏.docx", _bytes(_truncated_docx), _noop,
        "corrupt Word file (BadZipFile); open it in Word and save it again",
        id="corrupt-docx",
    ),
    pytest.param(
        "空.zip", _bytes(lambda: ff.make_zip({})), _noop, "empty zip (no file inside)",
        id="empty-zip",
    ),
    pytest.param(
        "炸弹.zip", _bytes(lambda: ff.make_zip({f"{i}.txt": bytes(25 * MB) for i in range(4)})),
        _noop, "zip unpacks to 100 MB (the limit is 64 MB)", id="zip-bomb-total",
    ),
    pytest.param(
        "炸弹2.zip", _bytes(lambda: ff.make_zip({"big.txt": bytes(30 * MB)})), _noop,
        re.compile(r"zip bomb\? big\.txt would grow \d+-fold when unpacked"),
        id="zip-bomb-ratio",
    ),
    pytest.param(
        "大文件.txt", _sparse(200 * MB), _noop, "too large (200.0 MB; the limit is 64 MB)",
        id="200-mb",
    ),
    pytest.param(
        "空白.pdf", _bytes(ff.blank_pdf), _noop,
        "PDF with no text layer and no scanned page to read", id="pdf-without-text-or-scan",
    ),
    pytest.param(
        "白纸.pdf", _bytes(ff.blank_scan_pdf), _noop, "scanned PDF in which OCR found no text",
        id="pdf-blank-scan",
    ),
    pytest.param(
        "截断.pdf", _bytes(lambda: ff.make_pdf(_report())[:2000]), _noop,
        re.compile(r"corrupt PDF \(.+\)"), id="truncated-pdf",
    ),
    pytest.param(
        "旧格式.rtf", _bytes(lambda: rb"{\rtf1\ansi hello}"), _noop,
        "not a supported format: an RTF file (save it as .docx)", id="rtf-named-itself",
    ),
    pytest.param(
        "旧文件.doc", _bytes(_ole_doc), _no_libreoffice, reason("libreoffice_missing").en,
        id="doc-without-libreoffice",
    ),
    pytest.param(
        "空文档.docx", _bytes(lambda: ff.make_docx("")), _noop, "empty file (whitespace only)",
        id="empty-docx",
    ),
]  # fmt: skip


def _snapshot(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


@pytest.fixture(scope="module")
def loaded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("refused") / "db.duckdb"
    assert run_ingest([REPORT], db, io.StringIO(), progress=False) == 0
    return db


@pytest.mark.parametrize(("name", "write", "setup", "reason"), REFUSED)
def test_bad_file_gets_one_line_and_leaves_the_database(
    tmp_path: Path,
    loaded_db: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    write: Callable[[Path], None],
    setup: Callable[[pytest.MonkeyPatch], None],
    reason: str | re.Pattern[str],
) -> None:
    setup(monkeypatch)
    db = tmp_path / "db.duckdb"
    shutil.copy(loaded_db, db)
    before = _snapshot(db)
    path = tmp_path / name
    write(path)
    err = io.StringIO()
    assert run_ingest([path], db, err, progress=False) == 1
    first, summary = err.getvalue().splitlines()
    prefix = f"{path}: "
    assert first.startswith(prefix)
    if isinstance(reason, str):
        assert first[len(prefix) :] == reason
    else:
        assert reason.fullmatch(first[len(prefix) :]), first
    assert summary == f"{db}: 0 loaded, 0 unchanged, 1 failed"
    assert _snapshot(db) == before


def test_folder_of_unsupported_files_names_each(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in ("说明.md", "表格.xlsx", "无后缀"):
        (folder / name).write_bytes(b"x")
    err = io.StringIO()
    db = tmp_path / "db.duckdb"
    assert run_ingest([folder], db, err, progress=False) == 1
    assert err.getvalue().splitlines() == [
        f"{folder / '无后缀'}: skipped: not a supported format (no suffix)",
        f"{folder / '表格.xlsx'}: skipped: not a supported format (.xlsx)",
        f"{folder / '说明.md'}: skipped: not a supported format (.md)",
        f"{db}: 0 loaded, 0 unchanged, 0 failed, 3 not a supported format",
    ]


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [
        pytest.param(lambda t: t.encode("utf-16-le"), "utf-16-le", id="utf-16-le-no-bom"),
        pytest.param(lambda t: t.encode("utf-16-be"), "utf-16-be", id="utf-16-be-no-bom"),
    ],
)
def test_utf16_without_bom_is_read_as_utf16(encode: Callable[[str], bytes], encoding: str) -> None:
    text = _report()
    doc = read_bytes(encode(text), "report.txt")
    assert (doc.encoding, doc.raw) == (encoding, text)


def test_three_stray_bytes_are_repaired_not_refused() -> None:
    text = _report()
    at = text.index("一、大力营造")
    clean = read_bytes(text.encode(), "clean.txt")
    data = text[:at].encode() + b"\x80\x81\xff" + text[at:].encode()
    doc = read_bytes(data, "strays.txt")
    assert doc.encoding == "utf-8"
    assert doc.raw == text[:at] + "\ufffd" * 3 + text[at:]
    assert doc.repairs == clean.repairs + 3
    expected = [(c.metric, c.value) for c in process(clean).claims]
    assert [(c.metric, c.value) for c in process(doc).claims] == expected


def test_mixed_folder_loads_every_format_with_its_kind(tmp_path: Path) -> None:
    text = _report()
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.docx").write_bytes(ff.make_docx(text))
    (folder / "b.PDF").write_bytes(ff.make_pdf(text))
    (folder / "c.htm").write_bytes(ff.make_html(text, "2024-03-05"))
    (folder / "sub" / "d.txt").write_bytes(text.encode())
    (folder / "e.zip").write_bytes(ff.make_zip({"内/f.docx": ff.make_docx(text)}))
    db = tmp_path / "db.duckdb"
    err = io.StringIO()
    assert run_ingest([folder], db, err, progress=False) == 0, err.getvalue()
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT source, kind, pages, ocr, path FROM documents ORDER BY source"
        ).fetchall()
    assert [r[:4] for r in rows] == [
        ("a.docx", "docx", None, False),
        ("b.PDF", "pdf", 3, False),
        ("c.htm", "html", None, False),
        ("d.txt", "txt", None, False),
        ("e.zip!/内/f.docx", "docx", None, False),
    ]
    assert rows[-1][4] == str((folder / "e.zip").resolve()) + "!/内/f.docx"
    # Again: nothing changed, the zip's member included.
    err = io.StringIO()
    assert run_ingest([folder], db, err, progress=False) == 0
    assert err.getvalue().splitlines()[-1] == f"{db}: 0 loaded, 5 unchanged, 0 failed"


@pytest.mark.skipif(legacy.converter() is None, reason="LibreOffice is not installed")
def test_doc_is_converted_by_libreoffice(tmp_path: Path) -> None:
    """A .doc made by LibreOffice from the Word file reads as the Word file does."""
    text = _report()
    source = tmp_path / "made.docx"
    source.write_bytes(ff.make_docx(text))
    profile = f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}"
    command = [str(legacy.converter()), profile, "--headless", "--convert-to", "doc"]
    subprocess.run([*command, "--outdir", str(tmp_path), str(source)], check=True, timeout=180)
    [doc] = read_path(tmp_path / "made.doc")
    [docx] = read_path(source)
    assert not isinstance(doc, Exception) and not isinstance(docx, Exception)
    assert (doc.kind, doc.clean) == ("doc", docx.clean)

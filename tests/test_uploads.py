"""Uploads (``etl.uploads``): what becomes of each file, and what the database holds after.

Each test starts from its own database and uploads real sample documents as bytes, the way
the 导入 page hands them over. Expected counts come from the sample texts themselves:
000 is 洛阳市's answer to a proposal (one article, six claims), 002 许昌市's newspaper
report (one article).
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from format_files import make_docx, make_pdf, make_png, make_zip

from db import write
from db.connection import file_signature
from db.documents import LOADED, REFUSED, REPLACED, UNCHANGED
from db.location import originals_dir
from etl.uploads import (
    DIFFERENT_IN_BATCH,
    SAME_IN_BATCH,
    UNCHANGED_REASON,
    FileOutcome,
    Upload,
    ingest_uploads,
)

ROOT = Path(__file__).resolve().parent.parent
LUOYANG = (ROOT / "corpus" / "000_2a9cdd382f62b7c7.txt").read_bytes()
XUCHANG = (ROOT / "corpus" / "002_2277d0c1715e577c.txt").read_bytes()
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
POEM = "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。"
TABLES = ("documents", "articles", "claims", "region_values", "claim_roles")
LUOYANG_LOADED = FileOutcome("报告.txt", LOADED, "", 1, 6, ("洛阳市",))


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _snapshot(db: Path) -> dict[str, list[tuple]]:
    return {t: _rows(db, f"SELECT * FROM {t} ORDER BY ALL") for t in TABLES}


def _claims(db: Path) -> list[tuple]:
    return _rows(db, "SELECT source, region, metric, value FROM claims ORDER BY ALL")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "db.duckdb"


def test_a_new_file_is_loaded_with_its_original_kept(db: Path) -> None:
    assert ingest_uploads([Upload("报告.txt", LUOYANG)], db) == [LUOYANG_LOADED]
    [(path, source, original)] = _rows(db, "SELECT path, source, original FROM documents")
    assert (path, source) == ("upload:报告.txt", "报告.txt")
    assert (originals_dir(db) / original).read_bytes() == LUOYANG
    assert original.endswith(".txt") and len(original) == 64 + 4
    assert _rows(db, "SELECT count(*) FROM rankings_state") == [(1,)]
    assert {r[1] for r in _claims(db)} == {"洛阳市"}


def test_the_same_file_again_is_skipped_and_the_database_not_rewritten(db: Path) -> None:
    ingest_uploads([Upload("报告.txt", LUOYANG)], db)
    before, signature = _snapshot(db), file_signature(db)
    assert ingest_uploads([Upload("报告.txt", LUOYANG)], db) == [
        FileOutcome("报告.txt", UNCHANGED, UNCHANGED_REASON)
    ]
    assert file_signature(db) == signature
    assert _snapshot(db) == before


def test_a_changed_file_of_the_same_name_replaces_its_earlier_version(db: Path) -> None:
    ingest_uploads([Upload("报告.txt", LUOYANG), Upload("许昌.txt", XUCHANG)], db)
    xuchang = [c for c in _claims(db) if c[0] == "许昌.txt"]
    [outcome] = ingest_uploads([Upload("报告.txt", XUCHANG)], db)
    assert (outcome.status, outcome.regions) == (REPLACED, ("许昌市",))
    assert [c for c in _claims(db) if c[0] == "许昌.txt"] == xuchang  # the other is kept
    assert {c[1] for c in _claims(db) if c[0] == "报告.txt"} == {"许昌市"}
    assert _rows(db, "SELECT count(*) FROM documents") == [(2,)]
    # Both names now hold 许昌's text: one kept original, 洛阳's is gone.
    assert len(list(originals_dir(db).iterdir())) == 1


def test_same_named_files_in_one_upload_are_one_document_or_refused(db: Path) -> None:
    outcomes = ingest_uploads(
        [Upload("报告.txt", LUOYANG), Upload("报告.txt", LUOYANG), Upload("报告.txt", XUCHANG)],
        db,
    )
    assert outcomes == [
        LUOYANG_LOADED,
        FileOutcome("报告.txt", UNCHANGED, SAME_IN_BATCH, index=1),
        FileOutcome("报告.txt", REFUSED, DIFFERENT_IN_BATCH.format(name="报告.txt"), index=2),
    ]
    assert {c[1] for c in _claims(db)} == {"洛阳市"}


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        pytest.param("empty.txt", b"", "empty.txt：空文件", id="empty"),
        pytest.param(
            "image.txt",
            PNG_HEADER * 20,
            "image.txt：图片已损坏（无法打开）",
            id="damaged-image",
        ),
        pytest.param(
            "noise.txt",
            bytes(range(128, 256)) * 8,
            "noise.txt：无法按文本解码（已试 UTF-8、GB18030 和自动识别编码）",
            id="undecodable",
        ),
        pytest.param(
            "诗.txt",
            POEM.encode(),
            "诗.txt：不是双拥工作报告：双拥用语种类太少（无）；这类用语太少（每千字 0.0 个）；"
            "不像工作报告的写法（没有“召开”“部署”“全市”等词）",
            id="not-a-report",
        ),
        pytest.param(
            "扫描.pdf",
            make_png("洛阳市双拥工作"),
            "扫描.pdf：文件名是 .pdf，内容却是图片，不是PDF：请改名或重新导出",
            id="renamed-png",
        ),
        pytest.param("空.zip", make_zip({}), "空.zip：空压缩包（里面没有文件）", id="empty-zip"),
        pytest.param(
            "big.txt",
            b"a" * (65 * 1024 * 1024),
            "big.txt：文件太大（65.0 MB，上限 64 MB）",
            id="too-large",
        ),
    ],
)
def test_a_refused_file_says_why_and_leaves_the_database_as_it_was(
    db: Path, name: str, content: bytes, reason: str
) -> None:
    ingest_uploads([Upload("报告.txt", LUOYANG)], db)
    before, signature = _snapshot(db), file_signature(db)
    kept = sorted(originals_dir(db).iterdir())
    assert ingest_uploads([Upload(name, content)], db) == [FileOutcome(name, REFUSED, reason)]
    assert file_signature(db) == signature
    assert _snapshot(db) == before
    assert sorted(originals_dir(db).iterdir()) == kept


def test_a_refused_only_upload_creates_no_database(db: Path) -> None:
    assert ingest_uploads([Upload("empty.txt", b"")], db) == [
        FileOutcome("empty.txt", REFUSED, "empty.txt：空文件")
    ]
    assert sorted(p.name for p in db.parent.iterdir()) == []


def test_a_refused_file_beside_a_good_one_stops_only_itself(db: Path) -> None:
    outcomes = ingest_uploads([Upload("empty.txt", b""), Upload("报告.txt", LUOYANG)], db)
    assert outcomes == [
        FileOutcome("empty.txt", REFUSED, "empty.txt：空文件"),
        replace(LUOYANG_LOADED, index=1),
    ]


def test_a_second_upload_waits_for_the_first_and_says_so(db: Path) -> None:
    waited: list[float] = []
    outcomes: list[list[FileOutcome]] = []

    def upload() -> None:
        outcomes.append(
            ingest_uploads(
                [Upload("报告.txt", LUOYANG)], db, on_wait=lambda: waited.append(time.time())
            )
        )

    with write.ingest_lock(db):
        worker = threading.Thread(target=upload)
        worker.start()
        deadline = time.monotonic() + 30
        while not waited and time.monotonic() < deadline:
            time.sleep(0.05)
        assert waited, "the second upload never said it was waiting"
        assert not db.exists() and not outcomes
    worker.join(timeout=120)
    assert outcomes == [[LUOYANG_LOADED]]


def test_progress_reaches_the_end_of_every_file(db: Path) -> None:
    seen: dict[int, list[tuple[float, str]]] = {}
    ingest_uploads(
        [Upload("报告.txt", LUOYANG), Upload("empty.txt", b"")],
        db,
        on_progress=lambda i, f, s: seen.setdefault(i, []).append((f, s)),
    )
    assert seen == {
        0: [(0.1, "checked"), (0.8, "extracted"), (1.0, "written")],
        1: [(0.1, "checked"), (0.8, "extracted"), (1.0, "written")],
    }


def test_word_pdf_and_text_of_one_report_load_alike(db: Path) -> None:
    text = XUCHANG.decode()
    outcomes = ingest_uploads(
        [
            Upload("许昌.txt", XUCHANG),
            Upload("许昌.docx", make_docx(text)),
            Upload("许昌.pdf", make_pdf(text)),
        ],
        db,
    )
    assert [(o.name, o.status, o.articles, o.regions) for o in outcomes] == [
        ("许昌.txt", LOADED, 1, ("许昌市",)),
        ("许昌.docx", LOADED, 1, ("许昌市",)),
        ("许昌.pdf", LOADED, 1, ("许昌市",)),
    ]
    assert len({o.claims for o in outcomes}) == 1
    values = {
        source: sorted(v for s, _, _, v in _claims(db) if s == source)
        for source in ("许昌.txt", "许昌.docx", "许昌.pdf")
    }
    assert values["许昌.docx"] == values["许昌.txt"] == values["许昌.pdf"]
    pages = _rows(db, "SELECT DISTINCT page FROM claims WHERE source = '许昌.pdf'")
    assert pages and all(p[0] >= 1 for p in pages)
    kinds = _rows(db, "SELECT source, kind, original FROM documents ORDER BY source")
    for source, kind, original in kinds:
        assert original.endswith(Path(source).suffix) and kind == Path(source).suffix[1:]


def test_a_zip_gives_a_row_per_member_and_again_skips_what_did_not_change(db: Path) -> None:
    members = {"一/洛阳.txt": LUOYANG, "二/许昌.docx": make_docx(XUCHANG.decode()), "说明.md": b"x"}
    first = ingest_uploads([Upload("材料.zip", make_zip(members))], db)
    unsupported = FileOutcome(
        "材料.zip!/说明.md", REFUSED, "材料.zip!/说明.md：已跳过：不支持的格式（.md）"
    )
    assert [(o.name, o.status, o.regions) for o in first] == [
        ("材料.zip!/一/洛阳.txt", LOADED, ("洛阳市",)),
        ("材料.zip!/二/许昌.docx", LOADED, ("许昌市",)),
        (unsupported.name, REFUSED, ()),
    ]
    assert first[2] == unsupported
    kept = _rows(db, "SELECT original FROM documents WHERE source = '材料.zip!/二/许昌.docx'")
    assert (originals_dir(db) / kept[0][0]).read_bytes() == members["二/许昌.docx"]

    members["一/洛阳.txt"] = XUCHANG
    again = ingest_uploads([Upload("材料.zip", make_zip(members))], db)
    assert [(o.name, o.status, o.reason) for o in again] == [
        ("材料.zip!/一/洛阳.txt", REPLACED, ""),
        ("材料.zip!/二/许昌.docx", UNCHANGED, UNCHANGED_REASON),
        (unsupported.name, REFUSED, unsupported.reason),
    ]
    assert _rows(db, "SELECT count(*) FROM documents") == [(2,)]

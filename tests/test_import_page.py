"""The 导入 page under AppTest: files put in the uploader, the result table, the document
list and a removal that needs its confirmation.

AppTest hands files to ``st.file_uploader`` as a browser would; the upload itself runs
``python -m etl upload`` as on a real server. Each test starts from its own database.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard_lib import importing
from db.location import originals_dir

ROOT = Path(__file__).resolve().parent.parent
PAGE = "app_pages/import_page.py"
LUOYANG = (ROOT / "corpus" / "000_2a9cdd382f62b7c7.txt").read_bytes()
XUCHANG = (ROOT / "corpus" / "002_2277d0c1715e577c.txt").read_bytes()
TIMEOUT = 180
READ_CONFIG = {"python_enable_replacements": False}
HOLD_SECONDS = 120.0  # at most: the holder lets go as soon as the upload says it waits


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "db.duckdb"
    monkeypatch.setenv("SHUANGYONG_DB", str(path))
    return path


def _open() -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page(PAGE).run()
    return _ok(at)


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _upload(at: AppTest, files: list[tuple[str, bytes]]) -> AppTest:
    at.file_uploader[0].set_value([(name, data, "text/plain") for name, data in files])
    _ok(at.run())
    at.button(key="import.start").click()
    return _ok(at.run())


def _frame(at: AppTest, index: int) -> pd.DataFrame:
    return at.dataframe[index].value.reset_index(drop=True)


def _rows(db: Path, sql: str) -> list[tuple]:
    # The app's own configuration: DuckDB refuses a second one for a file it has open.
    with duckdb.connect(str(db), read_only=True, config=READ_CONFIG) as con:
        return con.execute(sql).fetchall()


def _records(frame: pd.DataFrame) -> list[dict]:
    return [
        {k: (None if pd.isna(v) else v) for k, v in row.items()} for row in frame.to_dict("records")
    ]


def test_the_page_states_the_limit_and_asks_for_files_without_a_database(db: Path) -> None:
    at = _open()
    assert [t.value for t in at.title] == ["导入"]
    assert "每个文件不超过 64 MB" in at.caption[0].value
    assert at.file_uploader[0].accept_multiple_files
    assert not at.dataframe  # no result yet and no database to list
    assert not db.exists()


def test_upload_shows_each_outcome_and_the_documents_then_removal_needs_confirming(
    db: Path,
) -> None:
    at = _upload(_open(), [("洛阳.txt", LUOYANG), ("空.txt", b"")])
    assert _records(_frame(at, 0)) == [
        {"文件": "洛阳.txt", "结果": "已导入", "文章": 1, "数据": 6, "地区": "洛阳市", "说明": ""},
        {"文件": "空.txt", "结果": "拒绝", "文章": None, "数据": None, "地区": "",
         "说明": "空.txt：空文件"},
    ]  # fmt: skip
    assert "已导入 1 个 · 拒绝 1 个" in [c.value for c in at.caption]
    assert [s.value for s in at.success] == ["数据已更新，各页面现在显示新导入的数据。"]
    listed = _frame(at, 1)
    assert listed[["文件", "来源", "文章", "数据"]].values.tolist() == [["洛阳.txt", "上传", 1, 6]]

    # The same file again, a new version of it under its name, and a second file.
    at = _upload(at, [("洛阳.txt", LUOYANG), ("许昌.txt", XUCHANG)])
    assert _frame(at, 0)[["文件", "结果", "地区"]].values.tolist() == [
        ["洛阳.txt", "未变化已跳过", ""],
        ["许昌.txt", "已导入", "许昌市"],
    ]
    at = _upload(at, [("洛阳.txt", XUCHANG)])
    assert _frame(at, 0)[["文件", "结果", "地区"]].values.tolist() == [
        ["洛阳.txt", "已替换旧版本", "许昌市"]
    ]
    assert sorted(_frame(at, 1)["文件"]) == ["洛阳.txt", "许昌.txt"]

    # Removing asks first; cancelling keeps the document.
    doc_id = _rows(db, "SELECT doc_id FROM documents WHERE source = '许昌.txt'")[0][0]
    at.selectbox(key="import.remove.pick").set_value(doc_id)
    _ok(at.run())
    at.button(key="import.remove.ask").click()
    _ok(at.run())
    [question] = [w.value for w in at.warning]
    assert question.startswith("确定删除“许昌.txt”吗？它的 1 篇文章和 ")
    at.button(key="import.remove.cancel").click()
    _ok(at.run())
    assert not at.warning
    assert _rows(db, "SELECT count(*) FROM documents") == [(2,)]

    at.button(key="import.remove.ask").click()
    _ok(at.run())
    claims = _rows(db, f"SELECT count(*) FROM claims WHERE doc_id = {doc_id}")[0][0]
    at.button(key="import.remove.confirm").click()
    _ok(at.run())
    assert [s.value for s in at.success][-1] == (
        f"已删除“许昌.txt”：1 篇文章、{claims} 条数据；排名已重算。"
    )
    assert _rows(db, "SELECT source FROM documents") == [("洛阳.txt",)]
    assert _rows(db, f"SELECT count(*) FROM claims WHERE doc_id = {doc_id}") == [(0,)]
    assert _frame(at, 1)["文件"].tolist() == ["洛阳.txt"]
    # 洛阳.txt holds 许昌's text now; the one original both named is still needed.
    assert len(list(originals_dir(db).iterdir())) == 1
    # Every page reads the database as it is now, in the same session.
    _ok(at.switch_page("app_pages/overview.py").run())
    assert {m.label: m.value for m in at.metric}["文件"] == "1"


def test_the_result_table_words_every_outcome() -> None:
    results = [
        importing.FileResult("a.txt", "loaded", "", 2, 13, ("洛阳市", "许昌市")),
        importing.FileResult("b.txt", "unchanged", "内容与已导入的版本相同"),
        importing.FileResult("c.txt", "replaced", "", 1, 4, ("许昌市",)),
        importing.FileResult("d.txt", "refused", "d.txt：空文件"),
    ]
    assert _records(importing.result_table(results)) == [
        {"文件": "a.txt", "结果": "已导入", "文章": 2, "数据": 13, "地区": "洛阳市、许昌市",
         "说明": ""},
        {"文件": "b.txt", "结果": "未变化已跳过", "文章": None, "数据": None, "地区": "",
         "说明": "内容与已导入的版本相同"},
        {"文件": "c.txt", "结果": "已替换旧版本", "文章": 1, "数据": 4, "地区": "许昌市",
         "说明": ""},
        {"文件": "d.txt", "结果": "拒绝", "文章": None, "数据": None, "地区": "",
         "说明": "d.txt：空文件"},
    ]  # fmt: skip
    assert (
        importing.summary(results)
        == "已导入 1 个 · 未变化已跳过 1 个 · 已替换旧版本 1 个 · 拒绝 1 个"
    )


def test_a_run_that_dies_refuses_the_files_it_did_not_report(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-db.duckdb"
    bogus.write_text("this is not a database")
    run = importing.run_import([("洛阳.txt", LUOYANG)], bogus)
    reason = (
        f"导入未完成：数据库文件 {bogus} 无法读取（不是有效的 DuckDB 数据库，或已损坏）。"
        "请重新运行 `python -m etl ingest`。"
    )
    assert run.results == [importing.FileResult("洛阳.txt", "refused", reason)]
    assert run.error == reason
    assert bogus.read_text() == "this is not a database"


def test_an_evidence_card_of_an_upload_offers_its_original(db: Path) -> None:
    from etl.uploads import Upload, ingest_uploads

    ingest_uploads([Upload("洛阳.txt", LUOYANG)], db)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.query_params["metric"] = "funds"
    _ok(at.run())
    _ok(at.switch_page("app_pages/ranking.py").run())
    _ok(at.selectbox(key="ranking.evidence").set_value("410300").run())  # 洛阳市
    buttons = [b for b in at.get("download_button") if b.proto.label.startswith("下载原件")]
    assert [b.proto.label for b in buttons] == ["下载原件：洛阳.txt"]


def test_an_upload_started_during_another_waits_and_the_page_says_so(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from db import write

    at = _open()
    at.file_uploader[0].set_value([("洛阳.txt", LUOYANG, "text/plain")])
    _ok(at.run())
    release = threading.Event()
    dispatch = importing._dispatch

    def released_once_waiting(line: str, run: importing.ImportRun, *rest: Any) -> None:
        dispatch(line, run, *rest)
        if run.waited:  # the other ingest ends once the upload has said it waits
            release.set()

    monkeypatch.setattr(importing, "_dispatch", released_once_waiting)

    def hold() -> None:
        with write.ingest_lock(db):
            release.wait(timeout=HOLD_SECONDS)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        at.button(key="import.start").click()
        _ok(at.run())
    finally:
        release.set()
        holder.join()
    assert "本次导入曾排队等待另一个导入完成。" in [c.value for c in at.caption]
    assert _frame(at, 0)["结果"].tolist() == ["已导入"]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        pytest.param("报告.docx", "报告.docx", id="plain"),
        pytest.param("../../etc/报告.txt", "报告.txt", id="a-path"),
        pytest.param("C:\\Users\\王\\报告.pdf", "报告.pdf", id="a-windows-path"),
        pytest.param("..", "未命名文件", id="dot-dot"),
        pytest.param("  ", "未命名文件", id="blank"),
    ],
)
def test_an_uploaded_name_never_leaves_its_folder(given: str, kept: str) -> None:
    assert importing.safe_name(given) == kept

"""The 导入 page's Streamlit parts: the uploader with its progress, the result table, and
the document list with its confirmed removal.

The work is elsewhere: uploads run in the ETL's own process (``dashboard_lib.importing``),
removals on a copy of the database under the ingest lock (``db.documents``). Either way
the file is swapped in by rename, so other users keep reading while it runs, and their
next view reads the new data (the caches are keyed by the file's identity).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard_lib import data, importing, labels
from dashboard_lib.importing import ImportRun
from db import documents
from db.errors import DatabaseError
from db.location import db_path

_RESULT = "import.result"
_UPLOADER = "import.uploader"  # a counter: a new key empties the uploader after a run
_PENDING = "import.remove.pending"
_REMOVED = "import.remove.done"
_PICKER = "import.remove.pick"
WAITING = "另一个导入或删除正在进行，本次导入已排队，轮到时会自动开始……"
REMOVE_WAITING = "另一个导入正在进行，删除已排队，轮到时会自动进行……"
FORMATS_HINT = (
    "支持 Word（.docx；.doc、.wps 需服务器装有 LibreOffice）、PDF（含扫描件，自动识别文字）、"
    "图片（.png、.jpg）、网页（.html、.htm）、文本（.txt）及其 .zip 压缩包；一次可选多个文件。"
)


def upload_limit_mb() -> int:
    """The largest file the uploader takes, in MB (``server.maxUploadSize``)."""
    return int(st.get_option("server.maxUploadSize"))


def _uploaded_files() -> list[tuple[str, bytes]]:
    generation = st.session_state.get(_UPLOADER, 0)
    files = st.file_uploader(
        "拖入文件，或点击选择",
        accept_multiple_files=True,
        key=f"{_UPLOADER}.{generation}",
        help=f"{FORMATS_HINT}每个文件不超过 {upload_limit_mb()} MB。",
    )
    return [(f.name, f.getvalue()) for f in files or []]


def _run_with_progress(files: list[tuple[str, bytes]]) -> ImportRun:
    """Run the upload, drawing a bar per file and one for all of them."""
    notice = st.empty()
    overall = st.progress(0.0, text=f"总进度：0 / {len(files)} 个文件")
    bars = [st.progress(0.0, text=f"{name}：等待") for name, _ in files]
    done = [0.0] * len(files)

    def on_progress(index: int, fraction: float, stage: str) -> None:
        done[index] = fraction
        name = files[index][0]
        bars[index].progress(
            fraction, text=f"{name}：{labels.UPLOAD_STAGE_NAMES.get(stage, stage)}"
        )
        finished = sum(1 for d in done if d >= 1.0)
        overall.progress(sum(done) / len(done), text=f"总进度：{finished} / {len(files)} 个文件")

    def on_wait() -> None:
        notice.info(WAITING, icon="⏳")

    run = importing.run_import(files, db_path(), on_wait=on_wait, on_progress=on_progress)
    notice.empty()
    return run


def render_upload() -> None:
    """The uploader and its button; after a run, its results (kept for the session)."""
    st.caption(
        f"{FORMATS_HINT}每个文件不超过 {upload_limit_mb()} MB（服务器设置 server.maxUploadSize）。"
        "同名文件再次上传时：内容未变则跳过，内容有变则替换旧版本。"
    )
    files = _uploaded_files()
    if files and st.button(f"导入 {len(files)} 个文件", type="primary", key="import.start"):
        run = _run_with_progress(files)
        st.session_state[_RESULT] = run
        st.session_state[_UPLOADER] = st.session_state.get(_UPLOADER, 0) + 1
        if run.changed:
            data.forget_cached_reads()
        st.rerun()
    last = st.session_state.get(_RESULT)
    if isinstance(last, ImportRun):
        render_results(last)


def render_results(run: ImportRun) -> None:
    """The result table of the last upload, and where to see its data."""
    st.subheader("导入结果")
    if run.waited:
        st.caption("本次导入曾排队等待另一个导入完成。")
    if run.error:
        st.error(run.error)
    st.caption(importing.summary(run.results))
    st.dataframe(importing.result_table(run.results), hide_index=True)
    if run.changed:
        st.success("数据已更新，各页面现在显示新导入的数据。")
        st.page_link("app_pages/ranking.py", label="去排名页查看", icon=":material/leaderboard:")


def _choice_label(docs: pd.DataFrame, doc_id: int | None) -> str:
    if doc_id is None:
        return "请选择要删除的文件"
    row = docs[docs["doc_id"] == doc_id]
    return importing.document_label(row.iloc[0]) if len(row) else str(doc_id)


def render_documents(key: data.DbKey) -> None:
    """The documents the database holds, and removing one after a confirmation."""
    st.subheader("已导入的文件")
    done = st.session_state.pop(_REMOVED, None)
    if done:
        st.success(done)
    docs = data.document_list(key)
    if docs.empty:
        st.info("数据库中还没有文件。")
        return
    st.dataframe(importing.documents_table(docs), hide_index=True)
    ids = [int(i) for i in docs["doc_id"]]
    chosen = st.selectbox(
        "删除一个文件（连同它的文章和数据）",
        [None, *ids],
        format_func=lambda i: _choice_label(docs, i),
        key=_PICKER,
    )
    if chosen is not None and st.button("删除…", key="import.remove.ask"):
        st.session_state[_PENDING] = chosen
    pending = st.session_state.get(_PENDING)
    if pending is None or pending not in ids:
        return
    row = docs[docs["doc_id"] == pending].iloc[0]
    st.warning(importing.removal_question(row), icon="⚠️")
    confirm, cancel = st.columns([1, 1])
    if cancel.button("取消", key="import.remove.cancel"):
        st.session_state.pop(_PENDING, None)
        st.rerun()
    if confirm.button("确认删除", type="primary", key="import.remove.confirm"):
        _remove(int(pending))


def _remove(doc_id: int) -> None:
    notice = st.empty()

    def on_wait() -> None:
        notice.info(REMOVE_WAITING, icon="⏳")

    try:
        with st.spinner("正在删除并重算排名……"):
            removed = documents.remove_document(Path(db_path()), doc_id, on_wait=on_wait)
    except DatabaseError as error:
        st.error(str(error))
        return
    st.session_state.pop(_PENDING, None)
    st.session_state.pop(_PICKER, None)
    st.session_state[_REMOVED] = importing.removal_done(removed)
    data.forget_cached_reads()
    st.rerun()

"""Uploads from the 导入 page, run by the ETL in its own process; their results as a table.

The dashboard never imports the ETL (an import contract): the files are written to a
staging folder and ``python -m etl upload --events`` loads them, as a user could from the
command line. Its JSON lines (``etl.uploads.run_upload``) drive the page's progress bars
and end in one outcome per file. A process of its own also keeps the extraction's CPU
work and memory, and its worker pool, out of the server that serves every user.

No Streamlit here: the page draws what this module returns (``dashboard_lib.import_view``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard_lib import labels
from db.documents import Removed
from db.location import PROJECT_ROOT

# The command the page runs; the database and the files are added to it.
UPLOAD_COMMAND = (sys.executable, "-m", "etl", "upload", "--events")
UNNAMED = "未命名文件"
BROKEN_RUN = "导入未完成：{detail}"
EXITED = "导入进程意外退出（退出码 {status}）"
STDERR_TAIL = 600
RESULT_COLUMNS = ("文件", "结果", "文章", "数据", "地区", "说明")
UPLOADED = "上传"
GONE = "该文件已不在数据库中（可能已被他人删除）。"


@dataclass(frozen=True)
class FileResult:
    """What became of one file (an outcome of ``python -m etl upload``)."""

    name: str
    status: str
    reason: str = ""
    articles: int = 0
    claims: int = 0
    regions: tuple[str, ...] = ()


@dataclass
class ImportRun:
    """One upload: an outcome per file, whether it waited for another, what went wrong."""

    results: list[FileResult] = field(default_factory=list)
    waited: bool = False
    error: str = ""
    finished: bool = False  # the process said it was done
    # Which uploaded file each result is of (a zip gives a result per member).
    of_upload: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the database was written (the pages' cached reads are then stale)."""
        return any(r.status in labels.WRITTEN_STATUSES for r in self.results)


OnWait = Callable[[], None]
OnProgress = Callable[[int, float, str], None]


def _ignore_wait() -> None:
    """Nobody to tell."""


def _ignore_progress(index: int, fraction: float, stage: str) -> None:
    """Nobody to tell."""


def safe_name(name: str) -> str:
    """The file name without any folder (a browser sends none; a hostile client might)."""
    name = Path(name.replace("\\", "/")).name.strip()
    return UNNAMED if name in ("", ".", "..") else name


def _result(event: dict[str, Any]) -> FileResult:
    return FileResult(
        name=str(event.get("name", "")),
        status=str(event.get("status", "")),
        reason=str(event.get("reason") or ""),
        articles=int(event.get("articles") or 0),
        claims=int(event.get("claims") or 0),
        regions=tuple(str(r) for r in event.get("regions") or ()),
    )


def run_import(
    files: Sequence[tuple[str, bytes]],
    db: Path,
    *,
    on_wait: OnWait = _ignore_wait,
    on_progress: OnProgress = _ignore_progress,
) -> ImportRun:
    """Load ``files`` ((name, bytes) as uploaded) into ``db``; one result per file, in order.

    ``on_wait`` is called when another upload or ingest holds the database (this one then
    waits its turn); ``on_progress(index, fraction, stage)`` as each file moves on. A run
    that stops before its end (the database unusable, the process killed) gives the files
    it did not report a refusal saying so; the database is then as it was. A zip gives a
    result per member.
    """
    run = ImportRun()
    names = [safe_name(name) for name, _ in files]
    staging = Path(tempfile.mkdtemp(prefix="shuangyong-upload-"))
    paths = []
    for index, ((_, data), name) in enumerate(zip(files, names, strict=True)):
        folder = staging / str(index)
        folder.mkdir()
        (folder / name).write_bytes(data)
        paths.append(str(folder / name))
    errors = staging / "stderr.txt"
    with errors.open("wb") as err:
        process = subprocess.Popen(
            [*UPLOAD_COMMAND, "--db", str(db), *paths],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            encoding="utf-8",
        )
    assert process.stdout is not None
    try:
        for line in process.stdout:
            _dispatch(line, run, on_wait, on_progress)
    except BaseException:
        # The page stopped (the user moved on, a rerun): the upload goes on to its end,
        # so its files must stay until it has read them.
        threading.Thread(target=_finish, args=(process, staging), daemon=True).start()
        raise
    status = process.wait()
    detail = errors.read_text(encoding="utf-8", errors="replace").strip()[-STDERR_TAIL:]
    shutil.rmtree(staging, ignore_errors=True)
    if not run.finished or status not in (0, 1):
        run.error = BROKEN_RUN.format(detail=detail or EXITED.format(status=status))
        reported = set(run.of_upload)
        for index, name in enumerate(names):
            if index not in reported:
                run.results.append(FileResult(name, labels.REFUSED, run.error))
                run.of_upload.append(index)
    return run


def _finish(process: subprocess.Popen[str], staging: Path) -> None:
    """Read an upload no page watches any more to its end, then remove its files."""
    if process.stdout is not None:
        for _ in process.stdout:
            pass
    process.wait()
    shutil.rmtree(staging, ignore_errors=True)


def _dispatch(line: str, run: ImportRun, on_wait: OnWait, on_progress: OnProgress) -> None:
    """Act on one JSON line of the upload process."""
    try:
        event = json.loads(line)
    except json.JSONDecodeError:
        return
    kind = event.get("event")
    if kind == "waiting":
        run.waited = True
        on_wait()
    elif kind == "progress":
        on_progress(int(event["index"]), float(event["fraction"]), str(event["stage"]))
    elif kind == "outcome":
        run.results.append(_result(event))
        run.of_upload.append(int(event.get("index", len(run.of_upload))))
    elif kind == "done":
        run.finished = True


def result_table(results: Sequence[FileResult]) -> pd.DataFrame:
    """The result table: file, what became of it, articles, claims, regions, why."""
    rows = [
        (
            r.name,
            labels.UPLOAD_STATUS_NAMES.get(r.status, r.status),
            r.articles if r.status in labels.WRITTEN_STATUSES else None,
            r.claims if r.status in labels.WRITTEN_STATUSES else None,
            "、".join(r.regions),
            r.reason,
        )
        for r in results
    ]
    frame = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    return frame.astype({"文章": "Int64", "数据": "Int64"})


def summary(results: Sequence[FileResult]) -> str:
    """已导入 2 个 · 未变化已跳过 1 个 · 拒绝 1 个: the counts above the table."""
    counts = pd.Series([r.status for r in results], dtype=object).value_counts()
    return " · ".join(
        f"{word} {int(counts[status])} 个"
        for status, word in labels.UPLOAD_STATUS_NAMES.items()
        if status in counts
    )


def _origin(path: str, original: Any) -> str:
    """上传 for a file uploaded on the 导入 page, else the path it was ingested from."""
    return UPLOADED if isinstance(original, str) and original else path


def documents_table(docs: pd.DataFrame) -> pd.DataFrame:
    """The document list: file, where it came from, articles, claims, when loaded."""
    return pd.DataFrame(
        {
            "文件": docs["source"],
            "来源": [_origin(p, o) for p, o in zip(docs["path"], docs["original"], strict=True)],
            "文章": docs["articles"],
            "数据": docs["claims"],
            "入库时间": docs["ingested_at"],
        }
    )


def document_label(row: Any) -> str:
    """报告.txt（2 篇文章，13 条数据）: a document as the removal list names it."""
    return f"{row['source']}（{int(row['articles'])} 篇文章，{int(row['claims'])} 条数据）"


def removal_question(row: Any) -> str:
    """What the confirmation asks before a document is removed."""
    return (
        f"确定删除“{row['source']}”吗？它的 {int(row['articles'])} 篇文章和 "
        f"{int(row['claims'])} 条数据将一并删除，排名随之重算。此操作不能撤销"
        "（可重新上传该文件恢复）。"
    )


def removal_done(removed: Removed | None) -> str:
    """What the page says after a removal."""
    if removed is None:
        return GONE
    return (
        f"已删除“{removed.source}”：{removed.articles} 篇文章、{removed.claims} 条数据；"
        "排名已重算。"
    )

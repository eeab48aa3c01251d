"""Files given as bytes (the 导入 page's uploads) into the database, file by file.

The same machinery as ``python -m etl ingest`` (``etl.ingest``: reading, the report gate,
extraction; ``db.write``: the ingest lock, a copy of the database swapped in by rename, one
transaction per document, the stored rankings rebuilt), with what an upload differs in:

* **An upload is keyed by its name** (``upload:<name>``): it has no path on the server,
  and a user who uploads 报告.docx again means the same document. Unchanged content is
  skipped, changed content replaces the earlier version's rows. Two files of one name in
  one upload are one document if their content is the same; if it differs the second is
  refused (the browser gives no folder to tell them apart, and neither may overwrite the
  other unseen).
* **Every file gets an outcome** (:class:`FileOutcome`): loaded, unchanged, replaced or
  refused with its reason, with the articles, claims and regions it brought.
* **Progress per file**, through ``on_progress(index, fraction, stage)``.
* **The original is kept** (``db.originals``) and named on its document row.
* **The database is copied only when something is to be written**: an upload whose files
  are all refused or unchanged leaves the file exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from db import originals, write
from db.documents import (
    LOADED,
    REFUSED,
    REPLACED,
    STAGES,
    UNCHANGED,
    kept_originals,
    stored_documents,
)
from etl.gazetteer import Gazetteer
from etl.ingest import extract_all
from etl.loading import IdCounter, write_document
from etl.models import DocumentResult

KEY_PREFIX = "upload:"
SAME_IN_BATCH = "与本次上传中的同名文件内容相同"
DIFFERENT_IN_BATCH = (
    "本次上传中已有同名文件“{name}”，内容不同：请改名后再上传（以免一份覆盖另一份）"
)
UNCHANGED_REASON = "内容与已导入的版本相同"

Progress = Callable[[int, float, str], None]


@dataclass(frozen=True)
class Upload:
    """One file as the browser gave it: its name and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class FileOutcome:
    """What became of one uploaded file."""

    name: str
    status: str
    reason: str = ""
    articles: int = 0
    claims: int = 0
    regions: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        """The outcome as the JSON the page reads (``python -m etl upload --events``)."""
        return {
            "name": self.name,
            "status": self.status,
            "reason": self.reason,
            "articles": self.articles,
            "claims": self.claims,
            "regions": list(self.regions),
        }


def upload_key(name: str) -> str:
    """The stored path of an upload: ``upload:<name>``."""
    return KEY_PREFIX + name


def _quiet(index: int, fraction: float, stage: str) -> None:
    """No progress wanted."""


@dataclass
class _Pending:
    index: int
    upload: Upload
    sha256: str
    earlier: int | None
    path: Path


def _found(result: DocumentResult) -> tuple[int, int, tuple[str, ...]]:
    """Articles, claims and the distinct regions placed, in reading order."""
    regions = dict.fromkeys(a.region for a in result.articles if a.region)
    return len(result.articles), len(result.claims), tuple(str(r) for r in regions)


def _triage(
    uploads: Sequence[Upload], known: dict[str, tuple[int, str]], staging: Path
) -> tuple[dict[int, FileOutcome], list[_Pending]]:
    """Outcomes decided before reading (unchanged, same name twice), and the files to read,
    each written to its own folder under ``staging`` under its own name (the readers go by
    the suffix)."""
    decided: dict[int, FileOutcome] = {}
    pending: list[_Pending] = []
    seen: dict[str, str] = {}
    for index, upload in enumerate(uploads):
        sha = hashlib.sha256(upload.data).hexdigest()
        key = upload_key(upload.name)
        if key in seen:
            same = seen[key] == sha
            reason = SAME_IN_BATCH if same else DIFFERENT_IN_BATCH.format(name=upload.name)
            decided[index] = FileOutcome(upload.name, UNCHANGED if same else REFUSED, reason)
            continue
        seen[key] = sha
        earlier = known.get(key)
        if earlier is not None and earlier[1] == sha:
            decided[index] = FileOutcome(upload.name, UNCHANGED, UNCHANGED_REASON)
            continue
        folder = staging / str(index)
        folder.mkdir()
        path = folder / Path(upload.name).name
        path.write_bytes(upload.data)
        pending.append(_Pending(index, upload, sha, earlier[0] if earlier else None, path))
    return decided, pending


def ingest_uploads(
    uploads: Sequence[Upload],
    db: Path,
    *,
    on_progress: Progress = _quiet,
    on_wait: Callable[[], None] | None = None,
) -> list[FileOutcome]:
    """Load ``uploads`` into ``db``; one outcome per upload, in the order given.

    ``on_wait`` is called once if another ingest or upload holds the database (this one
    then waits its turn); ``on_progress(index, fraction, stage)`` follows each file
    through :data:`STAGES`. A file's reason names it as uploaded, never the staging path.
    """
    with write.ingest_lock(db, on_wait=on_wait), tempfile.TemporaryDirectory() as tmp:
        decided, pending = _triage(uploads, stored_documents(db), Path(tmp))
        for index in decided:
            on_progress(index, 1.0, "written")
        for item in pending:
            on_progress(item.index, STAGES["checked"], "checked")
        results: list[tuple[_Pending, DocumentResult]] = []
        by_path = {item.path: item for item in pending}
        for outcome in extract_all([item.path for item in pending]):
            item = by_path[outcome.path]
            if outcome.error or outcome.result is None:
                reason = str(outcome.error).replace(str(item.path), item.upload.name)
                decided[item.index] = FileOutcome(item.upload.name, REFUSED, reason)
                on_progress(item.index, 1.0, "written")
                continue
            results.append((item, outcome.result))
            on_progress(item.index, STAGES["extracted"], "extracted")
        if results:
            decided.update(_write(db, results, on_progress))
    return [decided[i] for i in range(len(uploads))]


def _write(
    db: Path, results: list[tuple[_Pending, DocumentResult]], on_progress: Progress
) -> dict[int, FileOutcome]:
    """Write the extracted files into a copy of ``db`` and swap it in (the caller holds the
    lock); keep their originals and drop the ones no document names any more."""
    written: dict[int, FileOutcome] = {}
    with write.copy_under_lock(db) as con:
        write.load_regions(con, Gazetteer.load().rows())
        ids = IdCounter(con)
        for item, result in results:
            kept = originals.original_name(item.sha256, item.upload.name)
            originals.store(db, kept, item.upload.data)
            write_document(
                con,
                result,
                item.path,
                ids,
                replace=item.earlier,
                key=upload_key(item.upload.name),
                original=kept,
            )
            articles, claims, regions = _found(result)
            status = LOADED if item.earlier is None else REPLACED
            written[item.index] = FileOutcome(
                item.upload.name, status, "", articles, claims, regions
            )
        write.rebuild_derived(con)
        keep = kept_originals(con)
    originals.prune(db, keep)
    for index in written:
        on_progress(index, STAGES["written"], "written")
    return written


def run_upload(paths: Sequence[Path], db: Path, out: TextIO, *, events: bool) -> int:
    """``python -m etl upload``: load files as the 导入 page does, each under its own name.

    With ``events`` every step is a JSON line on ``out`` (``waiting``, ``progress``, one
    ``outcome`` per file, ``done``), which the page reads; without, one line per file.
    The status is 1 when a file was refused.
    """

    def emit(event: str, **fields: Any) -> None:
        if events:
            out.write(json.dumps({"event": event, **fields}, ensure_ascii=False) + "\n")
            out.flush()

    def waiting() -> None:
        emit("waiting")
        if not events:
            print(
                f"{db}: 另一个导入正在进行，等待中… (another ingest is running; waiting)", file=out
            )

    def progress(index: int, fraction: float, stage: str) -> None:
        emit("progress", index=index, fraction=fraction, stage=stage)

    uploads = [Upload(Path(p).name, Path(p).read_bytes()) for p in paths]
    outcomes = ingest_uploads(uploads, db, on_progress=progress, on_wait=waiting)
    for index, outcome in enumerate(outcomes):
        emit("outcome", index=index, **outcome.as_dict())
        if not events:
            detail = outcome.reason or f"{outcome.articles} articles, {outcome.claims} claims"
            print(f"{outcome.name}: {outcome.status} ({detail})", file=out)
    emit("done")
    return 1 if any(o.status == REFUSED for o in outcomes) else 0

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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from db import originals, write
from db.documents import (
    LOADED,
    REFUSED,
    REPLACED,
    STAGES,
    UNCHANGED,
    follow_dataset,
    kept_originals,
    stored_documents,
)
from db.errors import DocumentRefused
from etl.formats.archive import SEPARATOR, members
from etl.gazetteer import Gazetteer
from etl.ingest import extract_all
from etl.loading import IdCounter, write_document
from etl.models import DocumentResult
from etl.reading import ReadError

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
    """What became of one uploaded file; ``reason`` is said to the user, in Chinese."""

    name: str
    status: str
    reason: str = ""
    articles: int = 0
    claims: int = 0
    regions: tuple[str, ...] = field(default_factory=tuple)
    index: int = 0  # the upload it is of (a zip gives an outcome per member)

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
    """An upload to read: where it is staged, under its own name."""

    index: int
    upload: Upload
    path: Path


@dataclass
class _Extracted:
    """A document read from an upload (the upload itself, or one member of a zip)."""

    index: int
    name: str  # as the user knows it: 报告.docx, 材料.zip!/二季度/海淀区.docx
    data: bytes  # its own bytes: the original to keep
    result: DocumentResult
    earlier: int | None  # the doc_id of the version it replaces
    slot: int  # its row among its upload's outcomes, in reading order


def _found(result: DocumentResult) -> tuple[int, int, tuple[str, ...]]:
    """Articles, claims and the distinct regions placed, in reading order."""
    regions = dict.fromkeys(a.region for a in result.articles if a.region)
    return len(result.articles), len(result.claims), tuple(str(r) for r in regions)


def _triage(
    uploads: Sequence[Upload], known: dict[str, tuple[int, str]], staging: Path
) -> tuple[dict[int, list[FileOutcome]], list[_Pending]]:
    """Outcomes decided before reading (unchanged, same name twice), and the files to read,
    each written to its own folder under ``staging`` under its own name."""
    decided: dict[int, list[FileOutcome]] = {}
    pending: list[_Pending] = []
    seen: dict[str, str] = {}
    for index, upload in enumerate(uploads):
        sha = hashlib.sha256(upload.data).hexdigest()
        key = upload_key(upload.name)
        if key in seen:
            same = seen[key] == sha
            reason = SAME_IN_BATCH if same else DIFFERENT_IN_BATCH.format(name=upload.name)
            decided[index] = [FileOutcome(upload.name, UNCHANGED if same else REFUSED, reason)]
            continue
        seen[key] = sha
        earlier = known.get(key)
        if earlier is not None and earlier[1] == sha:
            decided[index] = [FileOutcome(upload.name, UNCHANGED, UNCHANGED_REASON)]
            continue
        folder = staging / str(index)
        folder.mkdir()
        path = folder / Path(upload.name).name
        path.write_bytes(upload.data)
        pending.append(_Pending(index, upload, path))
    return decided, pending


def _member_bytes(upload: Upload) -> dict[str, bytes]:
    """A zip upload's members by their path inside it (their originals to keep)."""
    try:
        return {
            path: content
            for path, content in members(upload.data, upload.name)
            if isinstance(content, bytes)
        }
    except ReadError:
        return {}


def _read(
    pending: list[_Pending],
    known: dict[str, tuple[int, str]],
    decided: dict[int, list[FileOutcome]],
    on_progress: Progress,
) -> list[_Extracted]:
    """Extract every pending upload (a zip: each member), recording refusals and members
    unchanged since their last upload in ``decided``; the documents to write."""
    by_path = {str(item.path): item for item in pending}
    zipped: dict[int, dict[str, bytes]] = {}
    extracted: list[_Extracted] = []
    for outcome in extract_all([item.path for item in pending]):
        staged, _, inside = str(outcome.path).partition(SEPARATOR)
        item = by_path[staged]
        name = item.upload.name + (SEPARATOR + inside if inside else "")
        rows = decided.setdefault(item.index, [])
        on_progress(item.index, STAGES["extracted"], "extracted")
        if outcome.error or outcome.result is None:
            # The page's users read the reason in Chinese, naming the file as they uploaded it.
            reason = str(outcome.chinese or outcome.error).replace(staged, item.upload.name)
            rows.append(FileOutcome(name, REFUSED, reason))
            continue
        earlier = known.get(upload_key(name))
        if earlier is not None and earlier[1] == outcome.result.document.sha256:
            rows.append(FileOutcome(name, UNCHANGED, UNCHANGED_REASON))
            continue
        if inside:
            data = zipped.setdefault(item.index, _member_bytes(item.upload)).get(inside, b"")
        else:
            data = item.upload.data
        replaces = earlier[0] if earlier else None
        extracted.append(_Extracted(item.index, name, data, outcome.result, replaces, len(rows)))
        rows.append(FileOutcome(name, LOADED if replaces is None else REPLACED))  # until written
    return extracted


def ingest_uploads(
    uploads: Sequence[Upload],
    db: Path,
    *,
    on_progress: Progress = _quiet,
    on_wait: Callable[[], None] | None = None,
) -> list[FileOutcome]:
    """Load ``uploads`` into ``db``; their outcomes in the order given (one per upload, a
    zip's one per member, each with ``index``, the upload it came from).

    ``on_wait`` is called once if another ingest or upload holds the database (this one
    then waits its turn); ``on_progress(index, fraction, stage)`` follows each file
    through :data:`STAGES`. A file's reason names it as uploaded, never the staging path.
    """
    with write.ingest_lock(db, on_wait=on_wait), tempfile.TemporaryDirectory() as tmp:
        known = stored_documents(db)
        decided, pending = _triage(uploads, known, Path(tmp))
        for index in decided:
            on_progress(index, 1.0, "written")
        for item in pending:
            on_progress(item.index, STAGES["checked"], "checked")
        extracted = _read(pending, known, decided, on_progress)
        if extracted:
            for doc, outcome in zip(extracted, _write(db, extracted), strict=True):
                decided[doc.index][doc.slot] = outcome
        for item in pending:
            on_progress(item.index, STAGES["written"], "written")
    return [
        replace(outcome, index=index)
        for index in range(len(uploads))
        for outcome in decided.get(index, [])
    ]


def _write(db: Path, extracted: list[_Extracted]) -> list[FileOutcome]:
    """Write the extracted documents into a copy of ``db`` and swap it in (the caller holds
    the lock); keep their originals and drop the ones no document names any more. Their
    outcomes, in the order given."""
    written = []
    with write.copy_under_lock(db) as con:
        write.load_regions(con, Gazetteer.load().rows())
        ids = IdCounter(con)
        for doc in extracted:
            kept = originals.original_name(hashlib.sha256(doc.data).hexdigest(), doc.name)
            try:  # a document the database refuses is rolled back alone; the others load
                write_document(
                    con,
                    doc.result,
                    Path(doc.name),
                    ids,
                    replace=doc.earlier,
                    key=upload_key(doc.name),
                    original=kept,
                )
            except DocumentRefused as exc:
                written.append(FileOutcome(doc.name, REFUSED, exc.chinese))
                continue
            originals.store(db, kept, doc.data)
            articles, claims, regions = _found(doc.result)
            status = LOADED if doc.earlier is None else REPLACED
            written.append(FileOutcome(doc.name, status, "", articles, claims, regions))
        write.rebuild_derived(con)
        follow_dataset(con, db)
        keep = kept_originals(con)
    originals.prune(db, keep)
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
    for outcome in outcomes:
        emit("outcome", index=outcome.index, **outcome.as_dict())
        if not events:
            detail = outcome.reason or f"{outcome.articles} articles, {outcome.claims} claims"
            print(f"{outcome.name}: {outcome.status} ({detail})", file=out)
    emit("done")
    return 1 if any(o.status == REFUSED for o in outcomes) else 0

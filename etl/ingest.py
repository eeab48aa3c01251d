"""The two commands of the ETL: ``extract`` (claims as JSON lines) and ``ingest`` (DuckDB).

Documents are read and extracted in worker processes (the work is CPU-bound Python, one
document per task) and written to the database by this process alone, one transaction per
document. A bad file is reported on one line naming the file and the reason; the others still
load, and the exit status says that something failed.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Protocol, TextIO

from tqdm import tqdm

from db import parquet as dataset
from db import write
from db.errors import DocumentRefused
from db.overview import rankings_version
from db.parquet import dataset_root
from etl import parquet_out
from etl.formats import SUPPORTED_SUFFIXES, Document, read_path
from etl.gazetteer import Gazetteer
from etl.loading import IdCounter, document_key, write_document
from etl.models import DocumentResult
from etl.pipeline import process
from etl.reading import ReadError, file_sha256
from etl.refusals import FileRefused, Words, named, reason
from etl.validation import NotAReportError, check_is_report
from valuation.stored import RULE_VERSION

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "corpus"
# What a folder's ingest reads (etl.formats; matched without regard to case).
DOCUMENT_SUFFIXES = tuple(sorted(SUPPORTED_SUFFIXES))
# Below this many files the process pool costs more than it saves.
PARALLEL_MIN_FILES = 4
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARENT_POLL = 1.0
MAX_REASON = 300


@dataclass(frozen=True)
class Outcome:
    """A file's extraction: its result, or why it was refused as one line naming the file,
    in English (``error``: the command line, the logs) and in Chinese (``chinese``: the
    导入 page)."""

    path: Path
    result: DocumentResult | None = None
    error: str | None = None
    chinese: str | None = None


def refused(path: Path | str, why: Words) -> Outcome:
    """The outcome of a file refused for ``why`` (``etl.refusals``)."""
    return Outcome(
        Path(path), error=named(str(path), why, "en"), chinese=named(str(path), why, "zh")
    )


def _refused_by(path: Path, exc: FileRefused) -> Outcome:
    return Outcome(path, error=str(exc), chinese=exc.chinese)


def _not_stored(path: Path, exc: DocumentRefused) -> Outcome:
    return refused(path, Words(str(exc), exc.chinese))


def expand_paths(paths: Iterable[Path], on_skip: Callable[[str], None] | None = None) -> list[Path]:
    """Files named, and the files of a supported format inside folders named, in a stable
    order. Every other file in a folder is named to ``on_skip`` on one line with why: a
    folder of files in no supported format must never load nothing silently. A file named
    itself is always read: its content decides its format."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            for p in sorted(p for p in path.rglob("*") if p.is_file()):
                if p.suffix.lower() in SUPPORTED_SUFFIXES:
                    files.append(p)
                elif on_skip is not None:
                    on_skip(f"{p}: skipped: not a supported format ({p.suffix or 'no suffix'})")
        else:
            files.append(path)
    return files


def extract_one(path: Path) -> list[Outcome]:
    """Read and extract one file (a zip: each of its members); every expected failure
    becomes a one-line error. A member's path is ``<zip>!/<path inside>``."""
    try:
        found = read_path(path)
    except ReadError as exc:
        return [_refused_by(path, exc)]
    except OSError as exc:
        return [refused(path, reason("unreadable", detail=exc.strerror or exc))]
    except Exception as exc:
        return [_fault(path, exc)]
    return [_extract(_member_path(path, doc), doc) for doc in found]


def _member_path(path: Path, doc: Document) -> Path:
    """The path a document is stored under: the file's, or ``<zip>!/<member>``."""
    inside = doc.name[len(str(path) if isinstance(doc, ReadError) else path.name) :]
    return Path(str(path) + inside) if inside else path


def _extract(path: Path, doc: Document) -> Outcome:
    if isinstance(doc, ReadError):
        return _refused_by(path, doc)
    try:
        check_is_report(doc)
        return Outcome(path, result=process(doc, Gazetteer.load()))
    except (ReadError, NotAReportError) as exc:
        return _refused_by(path, exc)
    # Anything else is a fault of this file's extraction: one bad file must not stop the run.
    except Exception as exc:
        return _fault(path, exc)


def _fault(path: Path, exc: Exception) -> Outcome:
    detail = f"{type(exc).__name__}: {exc}"[:MAX_REASON]
    return refused(path, reason("cannot_process", detail=detail))


def extract_and_export(path: Path, parquet: Path | None) -> list[Outcome]:
    """The per-document task: :func:`extract_one` (a zip gives one outcome per member),
    then each document's claims written to the Parquet dataset under ``parquet`` where it
    ran (``etl/parquet_out.py``)."""
    outcomes = extract_one(path)
    if parquet is None:
        return outcomes
    return [_export(parquet, outcome) for outcome in outcomes]


def _export(parquet: Path, outcome: Outcome) -> Outcome:
    if outcome.result is None:
        return outcome
    try:
        parquet_out.write_document(parquet, outcome.path, outcome.result)
    except DocumentRefused as exc:
        return _not_stored(outcome.path, exc)
    except OSError as exc:
        return refused(outcome.path, reason("parquet_not_written", detail=exc))
    return outcome


# A file's outcomes: one, or one per member of a zip.
Task = Callable[[Path], list[Outcome]]


class Engine(Protocol):
    """Runs the per-document task on every path, yielding the outcomes in input order:
    :func:`extract_all` here (the default), or ``etl.engines.RayEngine`` on a cluster."""

    def __call__(
        self, paths: list[Path], progress: bool = ..., *, task: Task = ...
    ) -> Iterator[Outcome]: ...


def die_with_parent(parent: int) -> None:
    """Pool worker initializer: the worker ends when the ingest that started it does.

    A killed ingest (SIGKILL, SIGTERM) cannot shut its pool down; without this the workers
    live on, re-parented, holding memory and the terminal. Linux delivers SIGKILL to the
    worker when its parent dies (``PR_SET_PDEATHSIG``); elsewhere a thread watches the
    parent's pid. A parent already gone before either was set up is noticed here.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            _watch_parent(parent)
    else:
        _watch_parent(parent)
    if os.getppid() != parent:
        os._exit(1)


def _watch_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def extract_all(
    paths: list[Path], progress: bool = False, *, task: Task = extract_one
) -> Iterator[Outcome]:
    """Outcomes of ``task`` in input order, computed in parallel on a large corpus."""
    bar = tqdm(total=len(paths), unit="file", disable=not progress, file=sys.stderr)
    try:
        if len(paths) < PARALLEL_MIN_FILES or (os.cpu_count() or 1) < 2:
            for path in paths:
                yield from task(path)
                bar.update()
            return
        with ProcessPoolExecutor(
            max_workers=os.cpu_count(), initializer=die_with_parent, initargs=(os.getpid(),)
        ) as pool:
            for outcomes in pool.map(task, paths, chunksize=1):
                yield from outcomes
                bar.update()
    finally:
        bar.close()


def run_extract(paths: list[Path], articles: bool, out: TextIO, err: TextIO) -> int:
    """``python -m etl extract``: one JSON object per claim (or article) per line."""
    status = 0
    for outcome in extract_all(expand_paths(paths, on_skip=lambda line: print(line, file=err))):
        if outcome.error or outcome.result is None:
            print(outcome.error, file=err)
            status = 1
            continue
        records = outcome.result.articles if articles else outcome.result.claims
        for record in records:
            out.write(json.dumps(record.spec_dict(), ensure_ascii=False, default=str) + "\n")
    return status


def run_ingest(
    paths: list[Path],
    db_path: Path,
    err: TextIO,
    progress: bool = True,
    *,
    engine: Engine = extract_all,
    parquet: bool = True,
) -> int:
    """``python -m etl ingest``: load files into the database; unchanged files are skipped.

    ``engine`` runs the per-document task (in worker processes here by default, Ray tasks
    with ``etl.engines.RayEngine``); the task also writes the document's claims to the
    Parquet dataset beside the database (``db.parquet.dataset_root``) unless ``parquet``
    is false. Either way this process alone writes the database."""
    # A file named twice (a folder and a file in it) is one document, read once.
    unique: dict[str, Path] = {}
    unsupported: list[str] = []
    for path in expand_paths(paths, on_skip=unsupported.append):
        unique.setdefault(document_key(path), path)
    for line in unsupported:
        print(line, file=err)
    files = list(unique.values())
    status = 0
    loaded = skipped = failed = 0
    with write.database_copy(db_path, on_wait=lambda: _say_waiting(db_path, err)) as con:
        write.load_regions(con, Gazetteer.load().rows())
        ids = IdCounter(con)
        # Keys as stored, and as the current folder resolves them: an older database
        # stored the path as given.
        known = {document_key(Path(p)): doc for p, doc in write.known_documents(con).items()}
        pending = []
        for path in files:
            doc = known.get(document_key(path))
            if doc is not None and _unchanged(path, doc[1]):
                skipped += 1
            else:
                pending.append(path)
        export = dataset_root(db_path) if parquet else None
        if export is not None:
            dataset.clear_partial(export)
        task = partial(extract_and_export, parquet=export)
        for outcome in engine(pending, progress and len(pending) > 1, task=task):
            if outcome.error or outcome.result is None:
                print(outcome.error, file=err)
                status = 1
                failed += 1
                continue
            earlier = known.get(document_key(outcome.path))
            # A zip is read again whenever it is named; its unchanged members are not.
            if earlier is not None and earlier[1] == outcome.result.document.sha256:
                skipped += 1
                continue
            try:
                write_document(
                    con, outcome.result, outcome.path, ids, replace=earlier[0] if earlier else None
                )
            except DocumentRefused as exc:  # rolled back alone; the run goes on
                if export is not None:  # the dataset holds no row the database refused
                    parquet_out.remove_document(export, outcome.path)
                print(f"{outcome.path}: {exc}", file=err)
                status = 1
                failed += 1
                continue
            loaded += 1
        # The stored rankings follow the claims (valuation.stored); a run that changed
        # nothing leaves them alone unless an older rule made them.
        if loaded or rankings_version(con) != RULE_VERSION:
            write.rebuild_derived(con)
        if export is not None:  # what the database now holds, nothing it refused or lost
            dataset.follow(con, export)
    # Files in no supported format are named above; when they are all there was, the run
    # did nothing the user asked for, and says so in its status.
    if unsupported and not files:
        status = 1
    print(
        f"{db_path}: {loaded} loaded, {skipped} unchanged, {failed} failed"
        + (f", {len(unsupported)} not a supported format" if unsupported else ""),
        file=err,
    )
    return status


def _say_waiting(db_path: Path, err: TextIO) -> None:
    print(f"{db_path}: 另一个导入正在进行，等待中… (another ingest is running; waiting)", file=err)
    err.flush()


def _unchanged(path: Path, sha256: str) -> bool:
    """The file is a regular file whose content hashes to ``sha256``. Anything that cannot
    be told (unreadable, a pipe) counts as changed: reading it reports why."""
    try:
        return path.is_file() and file_sha256(path) == sha256
    except OSError:
        return False

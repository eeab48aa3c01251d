"""Faults and concurrency (issue 11, item 4): nothing a second run, a bad file or a kill
does loses data that was loaded, or leaves processes and copies behind.

The processes here are real ``python -m etl ingest`` runs; each test is bounded in time.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
WAITING = "另一个导入正在进行，等待中"


def _ingest_process(db: Path, *paths: Path, log: Path) -> subprocess.Popen[bytes]:
    """A real ``python -m etl ingest`` run, its standard error written to ``log``."""
    with log.open("wb") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "etl", "ingest", "--no-progress", "--db", str(db)]
            + [str(p) for p in paths],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )


def _sources(db: Path) -> set[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {str(r[0]) for r in con.execute("SELECT source FROM documents").fetchall()}


def _wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def _split_corpus(tmp_path: Path) -> tuple[Path, Path, set[str], set[str]]:
    # The small reports: each run takes about a second of extraction.
    files = sorted(p for p in CORPUS.glob("*.txt") if p.stat().st_size < 50_000)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for path in files[:2]:
        shutil.copy(path, a)
    for path in files[2:]:
        shutil.copy(path, b)
    return a, b, {p.name for p in files[:2]}, {p.name for p in files[2:]}


def test_two_ingests_at_once_keep_both_document_sets(tmp_path: Path) -> None:
    """Both runs start while the database is busy (a held ``<db>.lock``): without the lock
    they run side by side and the last swap wins; with it each waits, says so, and neither
    run's documents are lost."""
    a, b, names_a, names_b = _split_corpus(tmp_path)
    db = tmp_path / "db.duckdb"
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    with (tmp_path / "db.duckdb.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        runs = [_ingest_process(db, a, log=logs[0]), _ingest_process(db, b, log=logs[1])]

        def settled() -> bool:
            return all(
                run.poll() is not None or WAITING in log.read_text("utf-8")
                for run, log in zip(runs, logs, strict=True)
            )

        _wait_for(settled, 60, "both runs to wait or finish")
    for run in runs:
        run.wait(timeout=120)
    texts = [log.read_text("utf-8") for log in logs]
    assert [run.returncode for run in runs] == [0, 0], texts
    assert all(WAITING in text for text in texts), texts
    assert _sources(db) == names_a | names_b
    assert not list(tmp_path.glob("db.duckdb.*tmp*"))


def test_a_run_that_waits_too_long_is_refused_clearly(tmp_path: Path) -> None:
    from db.errors import DatabaseBusy
    from db.write import ingest_lock

    db = tmp_path / "db.duckdb"
    waited: list[bool] = []
    second = ingest_lock(db, on_wait=lambda: waited.append(True), timeout=0.2)
    with ingest_lock(db), pytest.raises(DatabaseBusy, match=r"another ingest"), second:
        pass
    assert waited == [True]
    assert not list(tmp_path.iterdir())  # the lock file goes with its holder


def _claims_by_doc(db: Path) -> dict[str, list[tuple]]:
    sql = """
        SELECT d.path, c.metric, c.value, c.quote FROM claims c JOIN documents d USING (doc_id)
        ORDER BY ALL
    """
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(sql).fetchall()
    out: dict[str, list[tuple]] = {}
    for path, *rest in rows:
        out.setdefault(str(path), []).append(tuple(rest))
    return out


def test_same_named_files_in_two_folders_are_two_documents(tmp_path: Path) -> None:
    import io

    from etl.ingest import run_ingest

    small = sorted(p for p in CORPUS.glob("*.txt") if p.stat().st_size < 50_000)
    one, two = tmp_path / "一处" / "报告.txt", tmp_path / "二处" / "报告.txt"
    for target, original in ((one, small[0]), (two, small[1])):
        target.parent.mkdir()
        shutil.copy(original, target)
    db = tmp_path / "db.duckdb"
    err = io.StringIO()
    assert run_ingest([one.parent, two.parent], db, err, progress=False) == 0, err.getvalue()
    assert "2 loaded" in err.getvalue()
    before = _claims_by_doc(db)
    assert set(before) == {str(one.resolve()), str(two.resolve())}
    assert all(before.values())
    assert _sources(db) == {"报告.txt"}

    # Changing one changes its rows alone; the other is left as it was.
    one.write_text(one.read_text("utf-8") + "\n", encoding="utf-8")
    err = io.StringIO()
    assert run_ingest([one.parent, two.parent], db, err, progress=False) == 0, err.getvalue()
    assert "1 loaded, 1 unchanged" in err.getvalue()
    after = _claims_by_doc(db)
    assert after == before
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (2,)


def test_a_database_keyed_by_file_name_gains_the_path_key(tmp_path: Path) -> None:
    """A database written before this change has ``source UNIQUE``: its next ingest keeps
    its rows and accepts a second 报告.txt."""
    import io

    from db.write import SCHEMA_PATH
    from etl.ingest import run_ingest

    small = sorted(p for p in CORPUS.glob("*.txt") if p.stat().st_size < 50_000)
    one, two = tmp_path / "一处" / "报告.txt", tmp_path / "二处" / "报告.txt"
    for target, original in ((one, small[0]), (two, small[1])):
        target.parent.mkdir()
        shutil.copy(original, target)
    db = tmp_path / "db.duckdb"
    assert run_ingest([one], db, io.StringIO(), progress=False) == 0
    old_schema = (
        SCHEMA_PATH.read_text("utf-8")
        .replace("source       VARCHAR NOT NULL,", "source       VARCHAR NOT NULL UNIQUE,")
        .replace("path         VARCHAR NOT NULL UNIQUE,", "path         VARCHAR NOT NULL,")
    )
    assert old_schema != SCHEMA_PATH.read_text("utf-8")
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE d AS SELECT * FROM documents")
        con.execute("DROP TABLE documents")
        con.execute(old_schema)
        con.execute("INSERT INTO documents SELECT * FROM d")
        con.execute("DROP TABLE d")
    err = io.StringIO()
    assert run_ingest([one, two], db, err, progress=False) == 0, err.getvalue()
    assert "1 loaded, 1 unchanged" in err.getvalue()
    assert set(_claims_by_doc(db)) == {str(one.resolve()), str(two.resolve())}


# --------------------------------------------------------------------------- bad files

GOOD = CORPUS / "000_2a9cdd382f62b7c7.txt"


def _deny(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``path`` cannot be opened: chmod 000, and (root reads anything) every open of it
    raises what the kernel would say."""
    import errno
    import io
    import os

    path.chmod(0)
    target = str(path.resolve())
    real_os_open, real_io_open = os.open, io.open

    def refuse(file: object) -> None:
        if isinstance(file, (str, os.PathLike)) and os.path.realpath(file) == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))

    def os_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        refuse(file)
        return real_os_open(file, *args, **kwargs)

    def io_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        refuse(file)
        return real_io_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(io, "open", io_open)


def _run(paths: list[Path], db: Path) -> tuple[int, str]:
    import io

    from etl.ingest import run_ingest

    err = io.StringIO()
    return run_ingest(paths, db, err, progress=False), err.getvalue()


@pytest.mark.parametrize("kind", ["unreadable", "pipe", "device", "too-large", "changing", "fault"])
def test_each_bad_file_is_one_line_and_the_good_file_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    import os

    from etl import ingest, reading

    db = tmp_path / "db.duckdb"
    good = tmp_path / "good.txt"
    shutil.copy(GOOD, good)
    bad = tmp_path / "bad.txt"
    reason = {
        "unreadable": "permission denied",
        "pipe": "named pipe",
        "device": "character device",
        "too-large": "too large",
        "changing": "changed while being read",
        "fault": "cannot be processed",
    }[kind]
    if kind == "unreadable":
        # Loaded once, then unreadable: the unchanged-file check hashes it first.
        shutil.copy(CORPUS / "002_2277d0c1715e577c.txt", bad)
        assert _run([bad], db)[0] == 0
        bad.write_text(bad.read_text("utf-8") + "\n", encoding="utf-8")
        _deny(bad, monkeypatch)
    elif kind == "pipe":
        os.mkfifo(bad)
    elif kind == "device":
        bad.symlink_to("/dev/zero")
    else:
        shutil.copy(CORPUS / "002_2277d0c1715e577c.txt", bad)
    if kind == "too-large":
        monkeypatch.setattr(reading, "MAX_DOCUMENT_BYTES", GOOD.stat().st_size + 1)
    if kind == "changing":
        real = reading._read_blocks

        def growing(fd: int, limit: int):  # type: ignore[no-untyped-def]
            for i, block in enumerate(real(fd, limit)):
                yield block
                if i == 0 and os.path.samefile(f"/proc/self/fd/{fd}", bad):
                    with bad.open("a", encoding="utf-8") as more:
                        more.write("\n后来写入的一行。\n")

        monkeypatch.setattr(reading, "_read_blocks", growing)
    if kind == "fault":
        real_process = ingest.process

        def failing(doc, gazetteer):  # type: ignore[no-untyped-def]
            if doc.name == "bad.txt":
                raise ArithmeticError("decimal overflow")
            return real_process(doc, gazetteer)

        monkeypatch.setattr(ingest, "process", failing)

    status, message = _run([bad, good], db)
    assert status == 1, message
    lines = [line for line in message.splitlines() if "bad.txt" in line]
    assert len(lines) == 1 and reason in lines[0].lower(), message
    assert "Traceback" not in message
    assert "good.txt" in _sources(db)
    assert "1 loaded" in message and "1 failed" in message, message


# --------------------------------------------------------------------------- killed runs


def _children(pid: int) -> set[int]:
    """Live processes whose parent is ``pid``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.skipif((__import__("os").cpu_count() or 1) < 2, reason="no process pool on 1 CPU")
@pytest.mark.parametrize("signum", ["SIGKILL", "SIGTERM"])
def test_a_killed_ingest_leaves_no_worker_and_its_copy_is_removed_next_run(
    tmp_path: Path, signum: str
) -> None:
    import os
    import signal

    db = tmp_path / "db.duckdb"
    assert _run([GOOD], db)[0] == 0
    before = _claims_by_doc(db)
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    (folder / GOOD.name).unlink()  # the pool runs from four files; GOOD is loaded already
    run = _ingest_process(db, folder, log=tmp_path / "killed.log")
    try:
        _wait_for(lambda: len(_children(run.pid)) >= 2, 60, "the pool's workers")
        workers = _children(run.pid)
        os.kill(run.pid, getattr(signal, signum))
        run.wait(timeout=10)
    finally:
        if run.poll() is None:
            run.kill()
    try:
        _wait_for(lambda: not any(_alive(w) for w in workers), 10, "the workers to end")
    finally:
        for worker in filter(_alive, workers):  # a failed test leaves no orphan either
            os.kill(worker, signal.SIGKILL)
    assert _claims_by_doc(db) == before  # the database is as it was
    stale = sorted(p.name for p in tmp_path.glob("db.duckdb.*.tmp*"))
    assert stale, "the killed run had a copy"

    status, message = _run([GOOD], db)
    assert status == 0, message
    assert not list(tmp_path.glob("db.duckdb.*.tmp*"))
    assert _claims_by_doc(db) == before

"""SIGKILL at seeded random moments of a real ``python -m etl ingest`` (issue 11, item 4).

Each case starts from a database holding one document, starts an ingest of the sample
corpus in its own process group, kills it with SIGKILL at a moment drawn (seeded) from the
length of an uninterrupted run, and checks: no process of the run is left; the database
opens and equals its state before the run, or, if the kill came after the run swapped its
copy in, the complete result, and never anything between; a re-run then equals the clean
ingest, table by table, ids included (the killed run's copy is never swapped in, so the
re-run hands out the same ids from the same start), leaves no temporary copy behind, and
the Parquet dataset then equals the claims table.
Bounded: five kills of a run of a few seconds, each wait with a timeout.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from db_snapshot import snapshot

from db.parquet import claims_with_paths_sql, dataset_root, read_claims_sql
from etl.ingest import run_ingest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
LOADED_BEFORE = CORPUS / "000_2a9cdd382f62b7c7.txt"
SEEDS = [11, 23, 37, 41, 59]
# Kill moments are drawn from this share of an uninterrupted run's wall time.
EARLIEST, LATEST = 0.05, 0.95
RUN_TIMEOUT = 180.0
GONE_TIMEOUT = 10.0

pytestmark = [
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc"),
]


@dataclass(frozen=True)
class Setting:
    folder: Path
    before: Path  # the database before the run: one document loaded
    clean: Path  # the same database after an uninterrupted run
    run_seconds: float


def _start(db: Path, folder: Path) -> subprocess.Popen[bytes]:
    """A real ingest, leader of its own process group (its pool workers join it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "ingest", "--no-progress", "--db", str(db), str(folder)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _group(pgid: int) -> set[int]:
    """Live (not zombie) processes of process group ``pgid``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == pgid:
            found.add(int(entry.name))
    return found


def _copy_database(db: Path, to: Path) -> None:
    """The database file and the Parquet dataset beside it."""
    shutil.copy(db, to)
    shutil.copytree(dataset_root(db), dataset_root(to))


@pytest.fixture(scope="module")
def setting(tmp_path_factory: pytest.TempPathFactory) -> Setting:
    tmp = tmp_path_factory.mktemp("kills")
    folder = tmp / "corpus"
    folder.mkdir()
    for path in CORPUS.glob("*.txt"):
        shutil.copy(path, folder)
    before = tmp / "before.duckdb"
    assert run_ingest([folder / LOADED_BEFORE.name], before, io.StringIO(), progress=False) == 0
    clean = tmp / "clean.duckdb"
    _copy_database(before, clean)
    start = time.perf_counter()
    run = _start(clean, folder)
    assert run.wait(timeout=RUN_TIMEOUT) == 0
    return Setting(folder, before, clean, time.perf_counter() - start)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_run_killed_at_a_random_moment_loses_nothing_and_reruns_clean(
    setting: Setting, tmp_path: Path, seed: int
) -> None:
    before, clean = snapshot(setting.before), snapshot(setting.clean)
    assert before != clean
    db = tmp_path / "db.duckdb"
    _copy_database(setting.before, db)
    moment = random.Random(seed).uniform(EARLIEST, LATEST) * setting.run_seconds
    run = _start(db, setting.folder)
    try:
        time.sleep(moment)
        if run.poll() is None:
            os.kill(run.pid, signal.SIGKILL)  # the ingest alone: its workers must follow
        run.wait(timeout=RUN_TIMEOUT)
        deadline = time.monotonic() + GONE_TIMEOUT
        while _group(run.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _group(run.pid), "a process of the killed run is still alive"
    finally:
        for pid in _group(run.pid):  # a failing case leaves no orphan either
            os.kill(pid, signal.SIGKILL)

    after_kill = snapshot(db)
    if run.returncode == 0:  # the run finished before its moment came
        assert after_kill == clean
    else:
        assert run.returncode == -signal.SIGKILL
        assert after_kill in (before, clean), "the killed run left a partial database"

    err = io.StringIO()
    assert run_ingest([setting.folder], db, err, progress=False) == 0, err.getvalue()
    assert snapshot(db) == clean
    assert not list(tmp_path.glob("db.duckdb.*")), "a temporary copy was left behind"
    # The Parquet dataset the killed tasks were writing holds no partial file and, after
    # the re-run, the claims table's rows exactly.
    with duckdb.connect(str(db), read_only=True) as con:
        dataset = con.execute(read_claims_sql(dataset_root(db)) + " ORDER BY ALL").fetchall()
        table = con.execute(claims_with_paths_sql() + " ORDER BY ALL").fetchall()
    assert dataset == table
    assert not list(dataset_root(db).rglob("*.tmp"))

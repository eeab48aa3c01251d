"""``--engine ray`` (issue 11, item 5): the per-document work as Ray tasks loads the same
tables, and the same Parquet dataset, as the default in-process engine.

One local Ray of two CPUs is started for the module (no dashboard, no log forwarding:
starting Ray takes seconds) and stopped after it; the command-line case connects a second
process to it by ``--ray-address``, as a run on a cluster would.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import ray
from db_snapshot import snapshot

from db.parquet import dataset_root, read_claims_sql
from etl.engines import RayEngine
from etl.ingest import Outcome, extract_all, extract_one, run_ingest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
RAY_CPUS = 2
CLI_TIMEOUT = 300
CRASHING = "001_dd27260898970e37.txt"


@pytest.fixture(scope="module")
def local_ray() -> Iterator[str]:
    """A local Ray for the module; its address, for a second process to connect to."""
    context = ray.init(num_cpus=RAY_CPUS, include_dashboard=False, log_to_driver=False)
    try:
        yield context.address_info["address"]
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ray") / "reports"
    folder.mkdir()
    for path in CORPUS.glob("*.txt"):
        shutil.copy(path, folder)
    return folder


def _dataset(db: Path) -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(read_claims_sql(dataset_root(db)) + " ORDER BY ALL").fetchall()


def test_ray_by_address_loads_the_same_tables_as_the_process_pool(
    local_ray: str, reports: Path, tmp_path: Path
) -> None:
    """``python -m etl ingest --engine ray --ray-address …`` against the in-process pool:
    the same rows in every table, ids included, and the same Parquet dataset."""
    by_ray, by_pool = tmp_path / "ray.duckdb", tmp_path / "pool.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "etl", "ingest", "--no-progress", "--engine", "ray",
         "--ray-address", local_ray, "--db", str(by_ray), str(reports)],
        cwd=ROOT, capture_output=True, text=True, timeout=CLI_TIMEOUT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == f"{by_ray}: 5 loaded, 0 unchanged, 0 failed"
    err = io.StringIO()
    assert run_ingest([reports], by_pool, err, progress=False, engine=extract_all) == 0
    assert err.getvalue() == f"{by_pool}: 5 loaded, 0 unchanged, 0 failed\n"
    tables = snapshot(by_ray)
    assert len(tables["claims"]) > 100
    assert tables == snapshot(by_pool)
    assert _dataset(by_ray) == _dataset(by_pool)
    assert len(_dataset(by_ray)) == len(tables["claims"])


def test_the_engine_uses_a_ray_already_started_and_leaves_it_running(
    local_ray: str, reports: Path, tmp_path: Path
) -> None:
    one = reports / "000_2a9cdd382f62b7c7.txt"
    by_ray, by_pool = tmp_path / "ray.duckdb", tmp_path / "pool.duckdb"
    assert run_ingest([one], by_ray, io.StringIO(), progress=False, engine=RayEngine()) == 0
    assert ray.is_initialized()
    assert run_ingest([one], by_pool, io.StringIO(), progress=False) == 0
    assert snapshot(by_ray) == snapshot(by_pool)


def _crash_on_one(path: Path) -> list[Outcome]:
    """A task whose worker dies on one file, as a segfault in a parser would."""
    if path.name == CRASHING:
        os._exit(3)
    return extract_one(path)


def test_a_task_whose_worker_dies_is_that_files_one_failure(local_ray: str) -> None:
    # The workers cannot import this test module: ship the task by value.
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    files = sorted(CORPUS.glob("*.txt"))[:3]
    outcomes = list(RayEngine()(files, task=_crash_on_one))
    assert [(o.path, o.result is not None) for o in outcomes] == [
        (files[0], True), (files[1], False), (files[2], True)
    ]  # fmt: skip
    assert outcomes[1].error is not None
    assert outcomes[1].error.startswith(f"{files[1]}: the Ray task failed (WorkerCrashedError")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["--ray-address", "127.0.0.1:6379"], "--ray-address needs --engine ray",
                     id="address-without-ray"),
        pytest.param(["--engine", "spark"], "invalid choice: 'spark'", id="unknown-engine"),
    ],
)  # fmt: skip
def test_engine_options_refused_clearly(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from etl.__main__ import main

    with pytest.raises(SystemExit) as stopped:
        main(["ingest", *argv])
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err

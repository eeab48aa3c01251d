"""Running the per-document task past one machine: Ray tasks (``--engine ray``).

The default engine is ``etl.ingest.extract_all`` (worker processes on this machine). A
:class:`RayEngine` submits the same task (read, extract, write the document's Parquet
files) as Ray tasks, on a local Ray started for the run or on a cluster named by its
address, and hands the outcomes back in input order; the ingest process then writes the
database exactly as it does for the default engine, so both load the same tables.

On a cluster every node must see the files named and the Parquet folder at the same paths
(a shared file system), and have this project installed (or be given it as Ray's
``runtime_env``); README "When one machine is not enough" says more. Ray is an optional
dependency (``pip install -e '.[ray]'``), imported only when this engine runs.
"""

from __future__ import annotations

import logging
import os
import sys
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tqdm import tqdm

from etl.ingest import Outcome, Task, extract_one, refused
from etl.refusals import reason

# Tasks in flight per CPU of the cluster: enough to keep every worker busy while the
# ingest process writes, few enough that finished results do not pile up in memory.
IN_FLIGHT_PER_CPU = 2
MAX_REASON = 300
# A task whose worker died is tried once more (a node lost mid-task); a file that kills its
# worker twice is reported as failed.
TASK_RETRIES = 1


def _run(task: Task, path: Path) -> list[Outcome]:
    """What a Ray worker runs: the task on one path (a plain function, so Ray can ship it);
    a zip's members give one outcome each."""
    return task(path)


class RayEngine:
    """The ``Engine`` that runs each document's task as a Ray task.

    ``address`` is a running cluster's (``ray://host:10001`` or ``host:6379``); without it a
    local Ray of ``num_cpus`` CPUs (all of this machine's by default) is started for the
    run and stopped after it. A Ray already started in this process (a test's) is used as
    it is and left running.
    """

    def __init__(self, address: str | None = None, num_cpus: int | None = None) -> None:
        self.address = address
        self.num_cpus = num_cpus

    def __call__(
        self, paths: list[Path], progress: bool = False, *, task: Task = extract_one
    ) -> Iterator[Outcome]:
        import ray

        started = not ray.is_initialized()
        if started:
            options: dict[str, Any] = {"address": self.address}
            if self.address is None:
                options["num_cpus"] = self.num_cpus or os.cpu_count() or 1
            ray.init(
                **options,
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.WARNING,
            )
        try:
            yield from self._outcomes(ray, paths, task, progress)
        finally:
            if started:
                ray.shutdown()

    @staticmethod
    def _outcomes(ray: Any, paths: list[Path], task: Task, progress: bool) -> Iterator[Outcome]:
        remote = ray.remote(max_retries=TASK_RETRIES)(_run)
        shipped = ray.put(task)
        limit = max(1, int(ray.cluster_resources().get("CPU", 1)) * IN_FLIGHT_PER_CPU)
        waiting: deque[tuple[Path, Any]] = deque()
        pending = iter(paths)
        bar = tqdm(total=len(paths), unit="file", disable=not progress, file=sys.stderr)
        try:
            for path in pending:
                waiting.append((path, remote.remote(shipped, path)))
                if len(waiting) >= limit:
                    yield from _result(ray, *waiting.popleft())
                    bar.update()
            while waiting:
                yield from _result(ray, *waiting.popleft())
                bar.update()
        finally:
            for _, ref in waiting:  # stopped early: nothing left running for us
                ray.cancel(ref, force=True)
            bar.close()


def _result(ray: Any, path: Path, ref: Any) -> list[Outcome]:
    """The task's outcome; a task Ray could not run (its worker died) is this file's
    failure, one line, like any other."""
    try:
        outcomes: list[Outcome] = ray.get(ref)
    except ray.exceptions.RayError as exc:
        detail = f"{type(exc).__name__}: {exc}".splitlines()[0][:MAX_REASON]
        return [refused(path, reason("ray_task_failed", detail=detail))]
    return outcomes

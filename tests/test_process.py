"""The dashboard's process keeps freed memory for the next cache miss and its loaded
objects out of the garbage collector's way.

Memory is measured as page faults: arrays of the sizes a ranking's rule allocates, made and freed
over and over, touch fresh pages each time under glibc's defaults and none once the
process keeps what it freed. Each count runs in a fresh interpreter (the setting lasts
for the life of a process).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard_lib import process

ROOT = Path(__file__).resolve().parent.parent
# Arrays of the sizes the value rule makes for a two-year ranking at 1,000,000 claims
# (82,000 claims: int8 roles to float64 values and int64 codes), made and freed 20 times.
CHURN = """
import resource, sys
import numpy as np
from dashboard_lib import process
if sys.argv[1] == "keep":
    assert process.keep_freed_memory()
def churn():
    return [np.ones(n) for n in (82_000, 500_000, 1_300_000, 90_000, 2_000_000, 700_000)]
churn()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    churn()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", CHURN, mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return int(done.stdout.strip())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_memory_freed_by_one_miss_serves_the_next_without_page_faults() -> None:
    default, kept = _faults("default"), _faults("keep")
    assert default > 5_000  # each round maps its arrays afresh
    assert kept < default / 20


def test_loaded_objects_are_frozen_out_of_full_collections() -> None:
    """In a fresh interpreter with the dashboard's modules loaded: a full collection walks
    every object before, only those made since after."""
    done = subprocess.run(
        [sys.executable, "-c", FREEZE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    frozen, tracked_before, tracked_after = (int(n) for n in done.stdout.split())
    assert frozen > 50_000  # Streamlit, pandas, Plotly and the dashboard's modules
    assert tracked_before > frozen
    assert tracked_after < 1_000


FREEZE = """
import gc
import dashboard_lib.data, dashboard_lib.charts, dashboard_lib.tables  # noqa: F401
from dashboard_lib import process
gc.collect()
before = len(gc.get_objects())
frozen = process.freeze_loaded_objects()
assert process.freeze_loaded_objects() == frozen  # once per process
print(frozen, before, len(gc.get_objects()))
"""


def test_the_dashboard_sets_both_once_per_process() -> None:
    for setting in (process.keep_freed_memory, process.freeze_loaded_objects):
        setting.cache_clear()
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    app.run()  # a rerun changes nothing
    for setting in (process.keep_freed_memory, process.freeze_loaded_objects):
        assert setting.cache_info().misses == 1
        assert setting.cache_info().hits >= 1

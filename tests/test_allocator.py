"""The dashboard's process keeps freed memory for the next cache miss.

Measured as page faults: arrays of the sizes a ranking's rule allocates, made and freed
over and over, touch fresh pages each time under glibc's defaults and none once the
allocator keeps what it freed. Each count runs in a fresh interpreter (the setting lasts
for the life of a process).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard_lib import allocator

ROOT = Path(__file__).resolve().parent.parent
# Arrays of the sizes the value rule makes for a two-year ranking at 1,000,000 claims
# (82,000 claims: int8 roles to float64 values and int64 codes), made and freed 20 times.
CHURN = """
import resource, sys
import numpy as np
from dashboard_lib import allocator
if sys.argv[1] == "keep":
    assert allocator.keep_freed_memory()
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


def test_the_dashboard_sets_it_and_setting_it_twice_changes_nothing() -> None:
    allocator.keep_freed_memory.cache_clear()
    AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert allocator.keep_freed_memory.cache_info().misses == 1
    first = allocator.keep_freed_memory()
    assert allocator.keep_freed_memory() is first
    assert allocator.keep_freed_memory.cache_info().misses == 1

"""Peak memory of ingesting one 50 MB report (issue 11, item 4: under 1 GB).

Not a test. The sample corpus is concatenated into one file of ``--mb`` megabytes (a
single document, so ingest reads and extracts it in its own process, no pool), ingested
into a fresh database by ``python -m etl ingest`` in a child process, and the child's peak
resident set is read from ``getrusage(RUSAGE_CHILDREN)``. The figure goes into
bench/README.md.

    python bench/bench_memory.py [--mb 50] [--no-write]
"""

from __future__ import annotations

import argparse
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.results_block import write_block  # noqa: E402

CORPUS = ROOT / "corpus"
TARGET_MIB = 1024
BLOCK = "memory"


def one_big_file(target_mb: float, path: Path) -> float:
    """The sample reports, repeated and joined by blank lines, to ``target_mb`` MB."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    with path.open("w", encoding="utf-8") as out:
        written = 0
        while written < target_mb * 1e6:
            for text in texts:
                chunk = text + "\n\n"
                out.write(chunk)
                written += len(chunk.encode("utf-8"))
    return path.stat().st_size / 1e6


def ingest_peak(path: Path, db: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB of the ingest process, and its last line."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "etl", "ingest", "--no-progress", "--db", str(db), str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
    if done.returncode:
        raise SystemExit(f"ingest failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, peak_kib / 1024, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "一份很长的报告.txt"
        size_mb = one_big_file(args.mb, big)
        wall, peak_mib, last = ingest_peak(big, Path(tmp) / "db.duckdb")
    verdict = "under" if peak_mib < TARGET_MIB else "**over**"
    report = "\n".join([
        f"Measured {date.today().isoformat()} on {platform.machine()}, "
        f"Python {platform.python_version()}.",
        "",
        "| what | figure | target |",
        "| --- | --- | --- |",
        f"| one file of {size_mb:.1f} MB, `python -m etl ingest` | peak RSS {peak_mib:.0f} MiB, "
        f"{wall:.0f} s wall | < {TARGET_MIB} MiB ({verdict}) |",
        "",
        f"Ingest said: `{last.rsplit(': ', 1)[-1]}`.",
    ])  # fmt: skip
    print(report)
    if not args.no_write:
        write_block(BLOCK, report)


if __name__ == "__main__":
    main()

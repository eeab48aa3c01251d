"""The two engines of ``python -m etl ingest`` on one corpus, in one run (issue 11, item 5).

Not a test. Copies of the sample corpus under new names make a corpus of ``--mb`` MB;
each variant ingests it into a fresh database in a fresh process, the variants in turn
for ``--rounds`` rounds, and the best wall time of each is kept: the default in-process
pool without and with the Parquet dataset, and
``--engine ray`` on a local Ray (which it starts and stops itself: the start is counted).
The figures go into bench/README.md (and README's "When one machine is not enough").

    python bench/bench_engines.py [--mb 10] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
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
BLOCK = "engines"
VARIANTS = (
    ("in-process pool, no Parquet", "process", False),
    ("in-process pool + Parquet (the default)", "process", True),
    ("`--engine ray`, local Ray + Parquet", "ray", True),
)


def replicate(target_mb: float, folder: Path) -> tuple[int, float]:
    """Copies of the sample corpus under new names until ``target_mb``: (files, MB)."""
    files = sorted(CORPUS.glob("*.txt"))
    total = count = copy = 0
    while total < target_mb * 1e6:
        for f in files:
            shutil.copyfile(f, folder / f"{f.stem}_copy{copy:04d}.txt")
            total += f.stat().st_size
            count += 1
        copy += 1
    return count, total / 1e6


def ingest(folder: Path, db: Path, engine: str, parquet: bool) -> float:
    code = (
        "import sys;from pathlib import Path;from etl.ingest import run_ingest;"
        "from etl.__main__ import _engine;"
        f"sys.exit(run_ingest([Path({str(folder)!r})],Path({str(db)!r}),sys.stderr,"
        f"progress=False,engine=_engine({engine!r},None),parquet={parquet}))"
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2, help="best of this many, in turn")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        n_files, size_mb = replicate(args.mb, folder)
        best = [float("inf")] * len(VARIANTS)
        for round_ in range(args.rounds):  # in turn, so a busy minute hits every variant
            for i, (_, engine, parquet) in enumerate(VARIANTS):
                db = Path(tmp) / f"db{i}_{round_}.duckdb"
                best[i] = min(best[i], ingest(folder, db, engine, parquet))
        for (label, _, _), wall in zip(VARIANTS, best, strict=True):
            rows.append(f"| {label} | {wall:.1f} s | {size_mb / wall:.2f} MB/s |")
        load = os.getloadavg()[0]
    report = "\n".join([
        f"Measured {date.today().isoformat()} on {platform.machine()}, Python "
        f"{platform.python_version()}, {os.cpu_count()} cores (shared), "
        f"{n_files:,} files, {size_mb:.1f} MB, each into a fresh database; best of "
        f"{args.rounds} rounds taken in turn; load average {load:.1f} at the end.",
        "",
        "| engine | wall time | throughput |",
        "| --- | --- | --- |",
        *rows,
    ])  # fmt: skip
    print(report)
    if not args.no_write:
        write_block(BLOCK, report)


if __name__ == "__main__":
    main()

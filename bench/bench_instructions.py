"""Instructions one round of extraction takes, counted by callgrind: steady where time is not.

On a shared machine the same commit's CPU time moves by a third between runs, too much to
tell a 3 % change; the number of instructions executed is the same to about 1 % from run to
run. This script runs ``etl.pipeline.process`` over the floor bench's texts (the sample
corpus and the dev set, ``bench_floor.TEXT_FOLDERS``) under ``valgrind --tool=callgrind``
with collection off, once to warm every cache and lazy table, then switches collection on
(``callgrind_control``) for one round only and prints the count. With ``--against TREE``
the other checkout is counted too, both at once (two cores), and the ratio is printed.

It guides changes; the figures of record stay time against the floor (``bench_floor.py``).
Needs valgrind (Debian's ``valgrind``, not installed by ``make setup``); a run takes about
30 s. ``--out FILE`` keeps callgrind's profile (``callgrind_annotate FILE``).

    python bench/bench_instructions.py [--against TREE] [--out FILE]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT_FOLDERS = ("corpus", "tests/devset/corpus")
# The measured round, run by the child under valgrind: ``tree`` first on ``sys.path``.
_CHILD = """
import os, subprocess, sys, time
from pathlib import Path
tree, texts = sys.argv[1], sys.argv[2:]
sys.path.insert(0, tree)
from etl.gazetteer import Gazetteer
from etl.pipeline import process
from etl.reading import read_document
files = [f for folder in texts for f in sorted(Path(folder).glob("*.txt"))]
docs = [read_document(f) for f in files]
gazetteer = Gazetteer.load()
for doc in docs:
    process(doc, gazetteer)
def switch(state):
    subprocess.run(["callgrind_control", "-i", state, str(os.getpid())], capture_output=True)
    time.sleep(0.5)  # callgrind reads the request between blocks of the program
switch("on")
for doc in docs:
    process(doc, gazetteer)
switch("off")
"""
_COLLECTED = re.compile(r"Collected : (\d+)")


def start(tree: Path, out: Path) -> subprocess.Popen[str]:
    """callgrind over one round of ``tree``'s extraction, writing its profile to ``out``."""
    texts = [str(ROOT / folder) for folder in TEXT_FOLDERS]
    command = [
        "valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
        sys.executable, "-c", _CHILD, str(tree), *texts,
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "ETL_PURE"}
    return subprocess.Popen(
        command, cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def collected(run: subprocess.Popen[str]) -> int:
    """The instructions a finished run counted."""
    _, stderr = run.communicate()
    found = _COLLECTED.search(stderr)
    if run.returncode != 0 or found is None:
        raise SystemExit(f"callgrind failed:\n{stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", type=Path, default=None, help="another checkout")
    parser.add_argument("--out", type=Path, default=None, help="keep this tree's profile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        mine_out = args.out or Path(scratch) / "this.callgrind"
        mine = start(ROOT, mine_out)
        other = start(args.against, Path(scratch) / "other.callgrind") if args.against else None
        count = collected(mine)
        print(f"this tree: {count / 1e6:.1f} M instructions for one round")
        if other is not None:
            theirs = collected(other)
            print(f"{args.against}: {theirs / 1e6:.1f} M; this ÷ that {count / theirs:.3f}")


if __name__ == "__main__":
    main()

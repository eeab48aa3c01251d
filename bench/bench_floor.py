"""Extraction speed against its floor, and against another tree of the project, in one run.

Not a test: the target (``etl.pipeline.process`` at ≥ 0.5 × the floor's MB/s) is checked
here and the figures written into bench/README.md. Absolute MB/s mean little on a shared
machine whose speed moves by a third between runs, so speed is stated as a ratio of two
figures measured in the same process, on the same texts, in alternating rounds:

* the floor: one compiled regex pass over each document finding numbers with units (the
  units and multipliers of ``etl/rules/quantities.yml``), each converted with ``cn2an``:
  what any extraction of numeric claims must at least do;
* the project: ``etl.pipeline.process`` on each document (segmenting, dating, region,
  claims), as ingest runs it.

The texts are the sample corpus and the dev set's documents (``tests/devset/corpus``),
decoded once outside the timing. Each round times the floor over every text, then the
project over every text (CPU time of the process); the best round of each is reported.

The project runs as ``make setup`` leaves it: the extraction core compiled with mypyc
(``etl.native``). The same measurement then runs again in a fresh process with
``ETL_PURE=1``, so the sources' own ratio is reported beside it.

With ``--against TREE`` (a checkout of another commit, e.g. ``git worktree add /tmp/old
48dcb5a``), the same measurement runs in fresh processes for this tree and that one in
turn, several times, and the best project time of each tree gives the ratio old ÷ new
(above 1.0: this tree is faster).

    python bench/bench_floor.py [--rounds 15] [--against TREE] [--pairs 6] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUANTITIES = ROOT / "etl" / "rules" / "quantities.yml"
TEXT_FOLDERS = (Path("corpus"), Path("tests") / "devset" / "corpus")
TARGET_RATIO = 0.5
# Set in a worker's environment, the sources run instead of the compiled copy (etl.native).
PURE_ENV = "ETL_PURE"
# Chinese numeral characters the floor reads (万 and 亿 inside a numeral included).
FLOOR_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def floor_pattern() -> re.Pattern[str]:
    """Numeral, optional multiplier, unit: the words of this tree's quantities.yml."""
    import yaml

    rules = yaml.safe_load(QUANTITIES.read_text(encoding="utf-8"))
    return re.compile(
        rf"(\d+(?:\.\d+)?|[{FLOOR_CN_DIGITS}]+)((?:{_alternation(list(rules['multipliers']))})?)"
        rf"(?:{_alternation(list(rules['units']))})"
    )


def floor_pass(pattern: re.Pattern[str], texts: list[str]) -> int:
    """Every number with a unit in ``texts``, converted with cn2an; how many converted."""
    import cn2an

    converted = 0
    for text in texts:
        for match in pattern.finditer(text):
            try:
                cn2an.cn2an(match.group(1) + match.group(2), "smart")
            except (ValueError, KeyError, IndexError, TypeError):
                continue
            converted += 1
    return converted


def _timed(run: Callable[[], object], timings: list[float]) -> None:
    """Append the CPU time ``run`` takes to ``timings``."""
    start = time.process_time()
    run()
    timings.append(time.process_time() - start)


def measure(tree: Path, rounds: int) -> dict[str, Any]:
    """Floor and project timings of ``tree``'s code, in this process, alternating rounds.

    ``tree`` must be first on ``sys.path`` before this runs (see ``_worker``), so that
    ``etl`` is that tree's package; the texts and the floor's words are this tree's.
    """
    from etl.gazetteer import Gazetteer
    from etl.pipeline import process
    from etl.reading import read_document

    files = [f for folder in TEXT_FOLDERS for f in sorted((ROOT / folder).glob("*.txt"))]
    docs = [read_document(f) for f in files]
    texts = [doc.clean for doc in docs]
    size = sum(len(doc.raw.encode("utf-8")) for doc in docs)
    gazetteer = Gazetteer.load()
    pattern = floor_pattern()
    claims = sum(len(process(doc, gazetteer).claims) for doc in docs)  # warm-up
    numbers = floor_pass(pattern, texts)
    floor_s: list[float] = []
    project_s: list[float] = []
    for _ in range(rounds):
        _timed(lambda: floor_pass(pattern, texts), floor_s)
        _timed(lambda: [process(doc, gazetteer) for doc in docs], project_s)
    return {
        "tree": str(tree),
        "native": _native_state(),
        "files": len(files),
        "bytes": size,
        "claims": claims,
        "floor_numbers": numbers,
        "floor_s": min(floor_s),
        "project_s": min(project_s),
    }


def _native_state() -> str:
    """Which copy of the extraction core ran (a tree older than ``etl.native`` has only
    its sources)."""
    try:
        from etl.native import state
    except ImportError:
        return "from its sources (no compiled core in that tree)"
    return state().reason


def _worker(tree: Path, rounds: int, pure: bool = False) -> dict[str, Any]:
    """``measure`` in a fresh process whose ``etl`` is ``tree``'s (this file loaded by path,
    since the other tree's ``bench`` package may not hold it)."""
    code = (
        "import importlib.util,json,sys;from pathlib import Path;"
        f"sys.path.insert(0,{str(tree)!r});"
        f"spec=importlib.util.spec_from_file_location('bench_floor',{__file__!r});"
        "mod=importlib.util.module_from_spec(spec);spec.loader.exec_module(mod);"
        f"print(json.dumps(mod.measure(Path({str(tree)!r}),{rounds})))"
    )
    env = {k: v for k, v in os.environ.items() if k != PURE_ENV}
    if pure:
        env[PURE_ENV] = "1"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def paired(other: Path, rounds: int, pairs: int) -> tuple[list[dict], list[dict]]:
    """This tree and ``other`` measured in turn, ``pairs`` times each, fresh processes."""
    mine: list[dict] = []
    theirs: list[dict] = []
    for _ in range(pairs):
        mine.append(_worker(ROOT, rounds))
        theirs.append(_worker(other, rounds))
    return mine, theirs


def _mb_s(result: dict[str, Any], key: str) -> float:
    return float(result["bytes"]) / 1e6 / float(result[key])


def report(
    result: dict[str, Any],
    rounds: int,
    against: tuple[Path, list[dict], list[dict]] | None,
    pure: dict[str, Any] | None = None,
) -> str:
    floor, project = _mb_s(result, "floor_s"), _mb_s(result, "project_s")
    ratio = project / floor
    lines = [
        f"Measured {date.today().isoformat()} on {platform.machine()}, Python "
        f"{platform.python_version()}: CPU time of one process, best of {rounds} alternating "
        "rounds.",
        "",
        f"Texts: {result['files']} documents (sample corpus and dev set), "
        f"{result['bytes'] / 1e6:.2f} MB of UTF-8; the floor converts {result['floor_numbers']:,} "
        f"numbers, the project finds {result['claims']:,} claims.",
        "",
        "| what | time | MB/s |",
        "| --- | ---: | ---: |",
        f"| floor: one regex pass, numbers with units, each converted with cn2an | "
        f"{result['floor_s'] * 1000:.1f} ms | {floor:.1f} |",
        f"| project: `etl.pipeline.process` per document | {result['project_s'] * 1000:.1f} ms | "
        f"{project:.1f} |",
        "",
        f"Ratio project ÷ floor: **{ratio:.2f}** (target ≥ {TARGET_RATIO}: "
        f"{'met' if ratio >= TARGET_RATIO else 'not met'}). The project ran {result['native']}.",
    ]
    if pure is not None:
        lines += [
            "",
            f"The sources alone (`{PURE_ENV}=1`, a fresh process, best of {rounds} rounds): "
            f"floor {pure['floor_s'] * 1000:.1f} ms, project {pure['project_s'] * 1000:.1f} ms, "
            f"ratio **{pure['floor_s'] / pure['project_s']:.2f}**.",
        ]
    if against is not None:
        other, mine, theirs = against
        new = min(r["project_s"] for r in mine)
        old = min(r["project_s"] for r in theirs)
        new_floor = min(r["floor_s"] for r in mine)
        old_floor = min(r["floor_s"] for r in theirs)
        # Each process's project time in units of its own floor: steadier than raw times
        # when the machine's speed moves between one process and the next.
        paired_ratios = sorted(
            (t["project_s"] / t["floor_s"]) / (m["project_s"] / m["floor_s"])
            for m, t in zip(mine, theirs, strict=True)
        )
        lines += [
            "",
            f"Against `{_commit_of(other)}` ({len(mine)} fresh processes of each tree in turn, "
            f"best of {rounds} rounds in each; the floor is the same code in both): this tree "
            f"{new * 1000:.1f} ms, that tree {old * 1000:.1f} ms, ratio old ÷ new "
            f"**{old / new:.2f}** (floor {new_floor * 1000:.1f} ms against "
            f"{old_floor * 1000:.1f} ms; {theirs[0]['claims']:,} claims found by that tree).",
            "",
            "Each process's time in units of its own floor (project ÷ floor): this tree "
            + ", ".join(f"{r['project_s'] / r['floor_s']:.2f}" for r in mine)
            + "; that tree "
            + ", ".join(f"{r['project_s'] / r['floor_s']:.2f}" for r in theirs)
            + f". Old ÷ new of these, pair by pair: median **{_median(paired_ratios):.2f}** "
            f"(range {paired_ratios[0]:.2f}–{paired_ratios[-1]:.2f}).",
        ]
    return "\n".join(lines)


def _commit_of(tree: Path) -> str:
    """The short commit a checkout is at (its path when it is no git checkout)."""
    found = subprocess.run(
        ["git", "-C", str(tree), "rev-parse", "--short=7", "HEAD"], capture_output=True, text=True
    )
    return found.stdout.strip() if found.returncode == 0 else str(tree)


def _median(values: list[float]) -> float:
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--against", type=Path, default=None, help="another checkout")
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    against = None
    pure = None
    if args.against is not None:
        mine, theirs = paired(args.against.resolve(), args.rounds, args.pairs)
        result = min(mine, key=lambda r: r["project_s"])
        against = (args.against, mine, theirs)
    else:
        sys.path.insert(0, str(ROOT))
        result = measure(ROOT, args.rounds)
        pure = _worker(ROOT, args.rounds, pure=True)
    text = report(result, args.rounds, against, pure)
    print(text)
    if not args.no_write:
        sys.path.insert(0, str(ROOT))
        from bench.results_block import write_block

        write_block("floor", text)


if __name__ == "__main__":
    main()

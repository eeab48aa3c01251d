"""Extraction time against sentence length: one sentence of comma-joined clauses, doubled.

Not a test: the targets (each doubling of a one-sentence text from 125 KB to 2 MB costs at
most 2.2 × the time of the one before; one sentence costs at most 1.5 × the same text with
its sentences ended) are checked here and the figures written into bench/README.md.

The text is made of the sample corpus's own clauses (split at sentence and clause
punctuation and line ends, shuffled with a fixed seed so every file is represented), joined
by "，" only — as flattened tables and some PDF-to-text output give. The same text "with its
sentences ended" has every fourth "，" replaced by "。": the same characters, the same
length, ordinary sentences. Each figure is the CPU time of ``etl.pipeline.process`` on the
decoded text (segmenting, dating, region, claims), best of seven rounds.

    python bench/bench_linear.py [--rounds 3] [--no-write]
"""

from __future__ import annotations

import argparse
import gc
import math
import platform
import random
import re
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.results_block import write_block  # noqa: E402
from etl.gazetteer import Gazetteer  # noqa: E402
from etl.models import SourceText  # noqa: E402
from etl.pipeline import process  # noqa: E402
from etl.reading import read_bytes, read_document  # noqa: E402

CORPUS = ROOT / "corpus"
SIZES_KB = (125, 250, 500, 1000, 2000)
SENTENCE_CLAUSES = 4  # the ended text: a "。" after every fourth clause
DOUBLING_TARGET = 2.2
ENDED_TARGET = 1.5
_CUT = re.compile(r"[。！？；!?;，,：:\n]+")


def corpus_clauses() -> list[str]:
    """The sample corpus's clauses, in a fixed shuffled order."""
    clauses = [
        c.strip()
        for f in sorted(CORPUS.glob("*.txt"))
        for c in _CUT.split(read_document(f).clean)
        if len(c.strip()) >= 4
    ]
    random.Random(0).shuffle(clauses)
    return clauses


def joined(clauses: list[str], size_bytes: int, ended: bool) -> str:
    """Clauses joined by "，" up to ``size_bytes`` of UTF-8; "。" every fourth when ``ended``."""
    parts: list[str] = []
    size = 0
    i = 0
    while size < size_bytes:
        sep = "。" if ended and i % SENTENCE_CLAUSES == SENTENCE_CLAUSES - 1 else "，"
        part = clauses[i % len(clauses)] + sep
        parts.append(part)
        size += len(part.encode("utf-8"))
        i += 1
    return "".join(parts)


def cpu_time(doc: SourceText, gazetteer: Gazetteer) -> tuple[float, int]:
    """CPU time of one run of ``process``, and the number of claims found (garbage of the
    runs before collected first, so no run pays for another's)."""
    gc.collect()
    start = time.process_time()
    claims = len(process(doc, gazetteer).claims)
    return time.process_time() - start, claims


def measure(rounds: int) -> list[dict[str, float]]:
    """Per size, the best of ``rounds`` for each text; the two texts alternate within a
    round, so a busy spell of the shared machine weighs on both alike."""
    gazetteer = Gazetteer.load()
    for f in sorted(CORPUS.glob("*.txt")):  # warm caches (rules, gazetteer, jieba) first
        process(read_document(f), gazetteer)
    clauses = corpus_clauses()
    rows: list[dict[str, float]] = []
    for kb in SIZES_KB:
        docs = {
            key: read_bytes(joined(clauses, kb * 1000, key == "ended").encode(), f"{kb}kb.txt")
            for key in ("one", "ended")
        }
        row: dict[str, float] = {"kb": kb, "one_s": float("inf"), "ended_s": float("inf")}
        for _ in range(rounds):
            for key, doc in docs.items():
                seconds, claims = cpu_time(doc, gazetteer)
                row[f"{key}_s"] = min(row[f"{key}_s"], seconds)
                row[f"{key}_claims"] = claims
        rows.append(row)
        print(
            f"{kb} KB: one sentence {row['one_s']:.2f} s, ended {row['ended_s']:.2f} s", flush=True
        )
    return rows


def report(rows: list[dict[str, float]], rounds: int) -> str:
    lines = [
        f"Measured {date.today().isoformat()} on {platform.machine()}, "
        f"Python {platform.python_version()}, CPU time of one process, best of {rounds}.",
        "",
        "| text | one sentence | × previous | sentences ended | one / ended "
        "| claims (one / ended) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    ok = True
    previous = None
    for row in rows:
        growth = "" if previous is None else f"{row['one_s'] / previous:.2f} ×"
        if previous is not None and row["one_s"] / previous > DOUBLING_TARGET:
            ok = False
        ratio = row["one_s"] / row["ended_s"]
        ok = ok and ratio <= ENDED_TARGET
        lines.append(
            f"| {row['kb']:.0f} KB | {row['one_s']:.2f} s | {growth} | {row['ended_s']:.2f} s | "
            f"{ratio:.2f} × | {row['one_claims']:.0f} / {row['ended_claims']:.0f} |"
        )
        previous = row["one_s"]
    first, last = rows[0], rows[-1]
    exponent = math.log(last["one_s"] / first["one_s"]) / math.log(last["kb"] / first["kb"])
    lines.append("")
    lines.append(
        f"From {first['kb']:.0f} KB to {last['kb']:.0f} KB the one-sentence time grows "
        f"{last['one_s'] / first['one_s']:.1f} × for {last['kb'] / first['kb']:.0f} × the text: "
        f"time ∝ size^{exponent:.2f} (1.00 is linear, 2.00 quadratic)."
    )
    lines.append("")
    lines.append(
        f"Targets: each doubling ≤ {DOUBLING_TARGET} × the time before it; one sentence ≤ "
        f"{ENDED_TARGET} × the same text with its sentences ended. "
        + ("Both met in this run." if ok else "**Not met in this run.**")
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    text = report(measure(args.rounds), args.rounds)
    print(text)
    if not args.no_write:
        write_block("linear", text)


if __name__ == "__main__":
    main()

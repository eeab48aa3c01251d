"""bench/results_block.py rewrites one benchmark's block of bench/README.md and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.results_block import write_block


def test_only_the_named_block_is_rewritten(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "intro\n<!-- a:begin -->\nold a\n<!-- a:end -->\nmiddle\n"
        "<!-- b:begin -->\nold b\n<!-- b:end -->\nend\n",
        encoding="utf-8",
    )
    write_block("a", "new a\n| x | 1 |", readme)
    assert readme.read_text(encoding="utf-8") == (
        "intro\n<!-- a:begin -->\nnew a\n| x | 1 |\n<!-- a:end -->\nmiddle\n"
        "<!-- b:begin -->\nold b\n<!-- b:end -->\nend\n"
    )


def test_a_readme_without_the_block_is_refused(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("no markers here\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="no <!-- a:begin -->"):
        write_block("a", "report", readme)
    assert readme.read_text(encoding="utf-8") == "no markers here\n"

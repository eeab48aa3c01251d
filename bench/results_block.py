"""Rewriting one benchmark's results block in bench/README.md, and nothing else.

Each benchmark owns a block between ``<!-- NAME:begin -->`` and ``<!-- NAME:end -->``;
the prose around the blocks is written by hand and must survive every run. A README
without the block is an error, not a place to append to.
"""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).with_name("README.md")


def write_block(name: str, report: str, readme: Path = README) -> None:
    """Replace the text between NAME's markers in ``readme`` with ``report``."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = readme.read_text(encoding="utf-8")
    if begin not in text or end not in text:
        raise SystemExit(f"{readme} has no {begin} … {end} block to rewrite")
    block = f"{begin}\n{report}\n{end}"
    text = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    readme.write_text(text, encoding="utf-8")

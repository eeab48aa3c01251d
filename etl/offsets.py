"""From offsets in the clean text to the text as written.

Rules read the clean text; every span they hand on is mapped back through the document's
``origin`` (one raw offset per clean character, and one past the end), so a quote is the
user's own text. One implementation, read by ``SourceText`` and by the pipeline, which maps
three spans for every claim: compiled with the core (``etl.native``), a call from the
pipeline is a C call, where a method of the interpreted ``SourceText`` costs a frame.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence


def raw_span(origin: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """Raw-text span covering the clean-text span ``[start, end)``."""
    if end <= start:
        pos = origin[start]
        return pos, pos
    return origin[start], origin[end - 1] + 1


def line_of(line_starts: Sequence[int], origin: Sequence[int], clean_index: int) -> int:
    """1-based line in the raw text of the clean character at ``clean_index`` (an index
    past the clean text's end is its end); ``line_starts`` are the raw lines' offsets."""
    raw_index = origin[min(clean_index, len(origin) - 1)]
    return bisect.bisect_right(line_starts, raw_index)

"""Lines of a laid-out page (PDF text layer or OCR) back into paragraphs.

A page breaks its text into lines by width, not by meaning: a sentence runs on from one
line to the next, and a paragraph is told by a gap or a short last line. The text model
wants a report's paragraphs as lines (the form every rule downstream was written for), so
a line that fills the page's width and does not end a sentence is joined to the next one,
and a paragraph gap becomes a blank line. Each line keeps its own place (page and line),
so joining never loses where a character came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from etl.formats.layout import Pieces
from etl.models import Place

# A line ending so ends its sentence (a closing quote after the stop still does).
_SENTENCE_END_RE: Final[re.Pattern[str]] = re.compile(r"[。！？!?；;：:][”’」』）)]?\s*$")


@dataclass(frozen=True)
class Line:
    """One line of a page: its text, its place, whether it reaches the right margin (so a
    sentence may run on), and whether a paragraph gap comes before it."""

    text: str
    place: Place
    full: bool
    gap_before: bool = False


def runs_on(line: Line) -> bool:
    """A sentence runs on past this line: it is full width and does not end a sentence."""
    return line.full and not _SENTENCE_END_RE.search(line.text)


def add_lines(pieces: Pieces, lines: Sequence[Line], joined: bool) -> bool:
    """Append ``lines`` (one page's) to ``pieces``; ``joined`` says the last line added
    before them runs on into their first. Returns whether the page's last line runs on."""
    for line in lines:
        joined = joined and not line.gap_before  # a paragraph gap ends the sentence
        if pieces.size and not joined:
            pieces.add("\n\n" if line.gap_before else "\n")
        pieces.add(line.text.strip() if joined else line.text.rstrip(), line.place)
        joined = runs_on(line)
    return joined


def finish(pieces: Pieces) -> None:
    """End the last line."""
    pieces.add("\n")

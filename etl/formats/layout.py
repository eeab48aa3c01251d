"""From a format's pieces of text, each with its place in the file, to a :class:`SourceText`.

Every reader (Word, PDF, OCR, web page) ends the same way: it hands over its text as pieces
in reading order, each piece with the :class:`Place` it came from, and this module joins
them into the document's ``raw`` text, keeps a per-character location map, and runs the
same repair as a text file (``etl.reading``), so quotes, spans and line numbers work
unchanged and evidence can also say 第2页第5行 or 表格1第2行.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from etl.models import Place, SourceText
from etl.reading import check_text, repair_text


@dataclass
class Pieces:
    """Text collected piece by piece, with where each piece starts and came from."""

    parts: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    size: int = 0

    def add(self, text: str, place: Place | None = None) -> None:
        """Append ``text``; from here on characters come from ``place`` (if given)."""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if place is not None and (not self.places or place != self.places[-1]):
            if self.starts and self.starts[-1] == self.size:
                self.places[-1] = place  # an earlier place that holds no character
            else:
                self.starts.append(self.size)
                self.places.append(place)
        self.parts.append(text)
        self.size += len(text)

    def extend(self, lines: Iterable[tuple[str, Place]]) -> None:
        """Each line with its place, one line each."""
        for text, place in lines:
            self.add(text, place)
            self.add("\n")

    @property
    def text(self) -> str:
        return "".join(self.parts)


def build(
    name: str,
    data: bytes,
    pieces: Pieces,
    *,
    kind: str,
    encoding: str,
    pages: int | None = None,
    ocr: bool = False,
    published: date | None = None,
) -> SourceText:
    """The document of these pieces; ``data`` is the file's bytes (for its hash).

    Raises :class:`etl.reading.ReadError` when the pieces hold no Chinese text: an empty
    Word file, a
    PDF whose text layer is blank.
    """
    raw = pieces.text
    check_text(raw, name)
    clean, origin, repairs, traditional = repair_text(raw)
    return SourceText(
        name=name,
        raw=raw,
        clean=clean,
        origin=origin,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        traditional=traditional,
        repairs=repairs,
        kind=kind,
        pages=pages,
        ocr=ocr,
        place_starts=tuple(pieces.starts),
        places=tuple(pieces.places),
        published=published,
    )

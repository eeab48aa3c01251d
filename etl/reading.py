"""Reading stage: file bytes → :class:`etl.models.SourceText`.

Real corpora arrive in several encodings, in Traditional as well as Simplified script, and
as text pulled out of PDFs with stray spaces, numbers broken across lines and full-width
digits. The rules downstream are written once, against Simplified, ASCII-digit text; this
module is where every document is brought to that form, while keeping an exact map back to
the text as written so quotes and line numbers can always be shown from the user's file.

Three texts are involved:

* the decoded text (``raw``): BOM stripped, ``\\r\\n`` and ``\\r`` turned into ``\\n`` so
  line numbers agree with ``wc -l`` and editors, nothing else changed;
* a *work* text of exactly the same length: full-width digits/letters/``%``/``.`` made
  ASCII and, for Traditional text, OpenCC t2s applied. Both are one-to-one per character,
  so the work text shares raw's indices;
* ``clean``: the work text with debris *deleted* (spaces inside words and numbers, line
  breaks inside numbers, pinyin glosses, doubled punctuation, thousands separators).

Because clean only ever substitutes characters one-for-one or deletes them,
``origin`` (clean index → raw index) is strictly increasing and exact by construction.

Layout choices, so downstream stages can rely on them:

* line structure is kept: a newline is removed only where it breaks a number
  (``投入资金1.6⏎亿元``), never elsewhere;
* a line's leading indentation and trailing whitespace are kept as written (indentation is
  a useful title/body signal for segmenting); only whitespace *between* two characters of
  running Chinese text is removed.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import os
import re
import stat
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, pairwise
from pathlib import Path
from typing import Final

from charset_normalizer import from_bytes

from etl.models import SourceText
from etl.numbers import QuantityGrammar
from etl.refusals import FileRefused, Reason, Words, reason, word


class ReadError(FileRefused):
    """A file that cannot be read as a report (``etl.refusals.FileRefused``); ``reason`` is
    the reason alone, in English."""

    def __init__(self, name: str, why: Words) -> None:
        super().__init__(name, why)
        self.reason = why.en


# ---------------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------------

# The origin map's item type: unsigned 32-bit, room for any text under MAX_DOCUMENT_BYTES.
ORIGIN_TYPECODE: Final[str] = "I"
# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: Final[tuple[tuple[bytes, str, str], ...]] = (
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be", "utf-16-be"),
)
# Codec names a detector may give for the GB family; all are decoded (and reported) as
# gb18030, the superset, so a GBK file with a few GB18030-only characters still decodes.
_GB_FAMILY: Final[frozenset[str]] = frozenset(
    {"gb2312", "gbk", "gb18030", "cp936", "euc_cn", "hz", "ms936"}
)
_HAN_CLASS: Final[str] = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_RE: Final[re.Pattern[str]] = re.compile(f"[{_HAN_CLASS}]")
# What real Chinese prose is made of; a wrong-codec decoding (Big5 bytes read as GBK, GBK
# read as cp1252) is full of rare ideographs, kana, box drawing and Latin-1 letters.
_PLAUSIBLE_PUNCT: Final[str] = "，。、；：？！“”‘’（）《》〈〉【】「」『』〔〕…—·％．\u3000\ufeff"
# Real Chinese text scores ≈1.0, a wrong codec's garbage ≈0.4-0.6 (measured on corpus/).
_CONFIDENT_PLAUSIBILITY: Final[float] = 0.9
_MIN_PLAUSIBILITY: Final[float] = 0.5
_PLAUSIBILITY_SAMPLE: Final[int] = 20_000
# Control characters no text file holds (tab, newline and carriage return excepted): a
# UTF-16 guess that yields them is the wrong byte order or no text at all.
_CONTROL_RE: Final[re.Pattern[str]] = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Invalid UTF-8 sequences a UTF-8 report may hold and still be read (each replaced by
# U+FFFD and counted as a repair): at most this many, or this share of its bytes.
_MIN_STRAYS: Final[int] = 8
_STRAY_SHARE: Final[float] = 0.001
# ... and never more than this share of its characters (a short GBK text is all strays).
_STRAY_TEXT_SHARE: Final[float] = 0.01


def _bom_decode(data: bytes, name: str) -> tuple[str, str] | None:
    """Decode by byte-order mark, if there is one: a BOM is the only certain evidence."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), label
            except UnicodeDecodeError as exc:
                raise ReadError(
                    name, reason("bom_undecodable", bom=label, detail=exc.reason)
                ) from exc
    return None


@functools.cache
def _common_chars() -> frozenset[str]:
    """GB2312 level-1 and Big5 level-1 ideographs: the ~9000 characters of everyday text.

    Built lazily: only files that are not UTF-8 need it.
    """
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):  # GB2312 level 1
        for trail in range(0xA1, 0xFF):
            chars.update(bytes((lead, trail)).decode("gb2312", errors="ignore"))
    for lead in range(0xA4, 0xC7):  # Big5 level 1
        for trail in chain(range(0x40, 0x7F), range(0xA1, 0xFF)):
            chars.update(bytes((lead, trail)).decode("big5", errors="ignore"))
    return frozenset(chars)


def _plausibility(text: str) -> float:
    """Share of characters that are ordinary in a Chinese report (ASCII, punctuation,
    common ideographs); used to choose between two codecs that both decode cleanly.
    A wrong codec garbles the whole file, so the head of the text is enough."""
    sample = text[:_PLAUSIBILITY_SAMPLE]
    if not sample:
        return 0.0
    common = _common_chars()
    good = sum(1 for ch in sample if ch.isascii() or ch in common or ch in _PLAUSIBLE_PUNCT)
    return good / len(sample)


def _normalise_codec(codec: str) -> str:
    codec = codec.lower().replace("-", "_")
    return "gb18030" if codec in _GB_FAMILY else codec.replace("_", "-")


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _detect_decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes that are not UTF-8: gb18030 when it decodes strictly into ordinary
    Chinese (detectors often call short GBK text big5 or cp1252), else the most plausible
    of gb18030 and charset-normalizer's guess (Big5 bytes also decode as gb18030, into
    rare-character garbage that the plausibility score exposes)."""
    scored: list[tuple[float, str, str]] = []
    gb = _strict(data, "gb18030")
    if gb is not None:
        score = _plausibility(gb)
        if score >= _CONFIDENT_PLAUSIBILITY:
            return gb, "gb18030"
        scored.append((score, gb, "gb18030"))
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    best = from_bytes(data).best()
    if best is not None and _normalise_codec(best.encoding) != "gb18030":
        text = str(best)
        scored.append((_plausibility(text), text, _normalise_codec(best.encoding)))
    if not scored:
        raise ReadError(name, reason("undecodable"))
    score, text, codec = max(scored, key=lambda s: s[0])  # first wins ties: gb18030
    if score < _MIN_PLAUSIBILITY and _HAN_RE.search(text):
        raise ReadError(name, reason("garbled", codec=codec))
    return text, codec


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text saved without a byte-order mark (Windows "Unicode" from some tools):
    the byte order whose decoding reads as ordinary Chinese, if one does."""
    if len(data) % 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        text = _strict(data, codec)
        if (
            text is not None
            and not _CONTROL_RE.search(text)
            and _plausibility(text) >= _CONFIDENT_PLAUSIBILITY
        ):
            return text, codec
    return None


def _utf8_with_strays(data: bytes) -> tuple[str, str] | None:
    """UTF-8 with a few invalid bytes (a truncated copy, a stray byte from an editor): the
    text with each bad sequence replaced by U+FFFD, which :func:`read_bytes` counts as a
    repair, rather than refusing a whole report for three bytes. A file in another
    encoding has invalid sequences everywhere and is left to detection."""
    text = data.decode("utf-8", errors="replace")
    strays = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    if strays > max(_MIN_STRAYS, len(data) * _STRAY_SHARE) or strays > _STRAY_TEXT_SHARE * len(
        text
    ):
        return None
    return text, "utf-8"


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Bytes → (text, encoding label), or :class:`ReadError`.

    Order: BOM (certain), UTF-16 without a BOM, NUL bytes (binary), strict UTF-8 (the fast
    path for most files), UTF-8 with a few stray bytes, then detection. Labels: ``utf-8``,
    ``utf-8-sig``, ``utf-16-le``/``-be``, ``utf-32-le``/``-be``, ``gb18030`` (also for
    GBK/GB2312), or the detector's codec.
    """
    if not data:
        raise ReadError(name, reason("empty"))
    decoded = _bom_decode(data, name) or _utf16_without_bom(data)
    if decoded is None:
        if b"\x00" in data:
            raise ReadError(name, reason("binary"))
        try:
            decoded = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            decoded = _utf8_with_strays(data) or _detect_decode(data, name)
    text, encoding = decoded
    if "\x00" in text:
        raise ReadError(name, reason("binary"))
    return text, encoding


_NEWLINE_RE: Final[re.Pattern[str]] = re.compile(r"\r\n?")


def _as_raw(text: str) -> str:
    """Raw text as written, modulo line endings (so line numbers match ``wc -l``)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return _NEWLINE_RE.sub("\n", text) if "\r" in text else text


# ---------------------------------------------------------------------------------------
# Traditional → Simplified
# ---------------------------------------------------------------------------------------

# Characters OpenCC maps but that are also correct Simplified (显著, 著名): they must not
# make a Simplified document look Traditional.
_NOT_EVIDENCE: Final[str] = "著"
# A document is Traditional when at least this share of its characters is Traditional-only.
_TRADITIONAL_SHARE: Final[float] = 0.02
# In a mostly Simplified document, a line is converted when it has this many
# Traditional-only characters and they make up at least _LINE_SHARE of it (a Traditional
# article pasted into a Simplified compilation).
_LINE_MIN_EVIDENCE: Final[int] = 2
_LINE_SHARE: Final[float] = 0.1
_LF_RE: Final[re.Pattern[str]] = re.compile("\n")


@functools.cache
def _opencc() -> Callable[[str], str]:
    """The t2s converter; loaded on first use (≈0.1 s) since most documents never need it."""
    from opencc_purepy import OpenCC

    converter = OpenCC("t2s")
    return functools.partial(converter.convert, punctuation=True)


@functools.cache
def _traditional_re() -> re.Pattern[str]:
    """One character class of the ~3800 Traditional-only BMP characters OpenCC knows.

    Astral characters are left out of the class: with them ``re`` cannot use a bitmap
    and the scan becomes ~100x slower; they are rare and converted anyway once the
    BMP characters have shown a text to be Traditional.
    """
    from opencc_purepy import OpenCC

    table: dict[str, str] = OpenCC("t2s").dictionary.ts_characters[0]  # shared, loaded once
    only = {ch for ch in table if ord(ch) <= 0xFFFF} - set(table.values()) - set(_NOT_EVIDENCE)
    return re.compile("[" + "".join(sorted(re.escape(ch) for ch in only)) + "]")


def _convert_exact(text: str) -> str:
    """t2s that never changes length, so the work text keeps raw's indices.

    OpenCC's t2s tables are one-to-one per character, but this is checked rather than
    assumed: a line whose conversion changes length is converted character by character,
    keeping any character whose conversion is not a single character.
    """
    convert = _opencc()
    out = convert(text)
    lines = text.split("\n")
    if list(map(len, out.split("\n"))) == list(map(len, lines)):
        return out
    fixed = []
    for line in lines:
        conv = convert(line)
        if len(conv) != len(line):
            conv = "".join(c if len(c := convert(ch)) == 1 else ch for ch in line)
        fixed.append(conv)
    return "\n".join(fixed)


def _line_spans(text: str, positions: Iterable[int]) -> dict[tuple[int, int], int]:
    """Count positions per line, keyed by the line's (start, end); linear in the text."""
    breaks = [m.start() for m in _LF_RE.finditer(text)]
    bounds = [-1, *breaks, len(text)]
    counts: dict[tuple[int, int], int] = {}
    for pos in positions:
        i = bisect.bisect_left(breaks, pos)
        key = (bounds[i] + 1, bounds[i + 1])
        counts[key] = counts.get(key, 0) + 1
    return counts


def simplify(text: str) -> tuple[str, bool]:
    """Text with Traditional converted to Simplified (same length), and whether any was.

    Detection is a single scan for Traditional-only characters, so Simplified documents
    (the common case) never pay for a conversion.
    """
    hits = [m.start() for m in _traditional_re().finditer(text)]
    if not hits:
        return text, False
    if len(hits) >= _TRADITIONAL_SHARE * len(text):
        return _convert_exact(text), True
    parts: list[str] = []
    done = 0
    for (start, end), n in sorted(_line_spans(text, hits).items()):
        if n >= _LINE_MIN_EVIDENCE and n >= _LINE_SHARE * (end - start):
            parts += [text[done:start], _convert_exact(text[start:end])]
            done = end
    if not parts:
        return text, False
    parts.append(text[done:])
    return "".join(parts), True


# ---------------------------------------------------------------------------------------
# Debris repair
# ---------------------------------------------------------------------------------------

# Full-width digits, letters, % and . → ASCII (one-for-one). The full-width comma is the
# ordinary Chinese comma and stays; inside a number it is a thousands separator (below).
_FULLWIDTH_CHARS: Final[str] = "０-９Ａ-Ｚａ-ｚ％．"
_FULLWIDTH_TABLE: Final[dict[int, int]] = {
    cp: cp - 0xFEE0
    for cp in chain(range(0xFF10, 0xFF1A), range(0xFF21, 0xFF3B), range(0xFF41, 0xFF5B))
} | {ord("％"): ord("%"), ord("．"): ord(".")}
_FULLWIDTH_RUN_RE: Final[re.Pattern[str]] = re.compile(f"[{_FULLWIDTH_CHARS}]+")

# Horizontal whitespace PDF extraction leaves inside words: ASCII, ideographic, NBSP,
# thin/zero-width spaces.
_SP: Final[str] = " \t\u00a0\u2000-\u200b\u202f\u205f\u3000"
# Chinese punctuation that hugs its neighbours (no space belongs next to it).
_CJK_PUNCT: Final[str] = "\u3001-\u3003\u3008-\u3011\u3014-\u301f\uff01-\uff0f\uff1a-\uff20" + (
    "\u2018\u2019\u201c\u201d\u2026\u2014\u00b7"
)
_CJK: Final[str] = _HAN_CLASS + _CJK_PUNCT
# ASCII punctuation used as Chinese punctuation in PDF text (`传统,把"视人民如父母`).
_TIGHT: Final[str] = ',;:!?"().'

# A space run with Chinese text on one side and Chinese text, a digit or tight
# punctuation on the other: `双拥共建 传统`, `2000 余万元`, `入学优待 1500 余名`.
_INNER_SPACE_RE: Final[re.Pattern[str]] = re.compile(
    f"[{_SP}](?<=[{_CJK}][{_SP}])[{_SP}]*(?=[{_CJK}0-9{re.escape(_TIGHT)}])"
    f"|[{_SP}](?<=[0-9{re.escape(_TIGHT)}][{_SP}])[{_SP}]*(?=[{_CJK}])"
)
# A space between a number and a percent sign: `12.5 %`.
_PERCENT_SPACE_RE: Final[re.Pattern[str]] = re.compile(f"[0-9](?P<d>[{_SP}]+)[%‰]")
# Digit groups separated by spaces: `1 0 8 0万元`, `2 000余`; decided per gap below.
_SPACED_NUMBER_RE: Final[re.Pattern[str]] = re.compile(
    f"[0-9](?<![0-9.][0-9])[0-9]*(?:[{_SP}]+[0-9]+)+"
)
_DIGITS_RE: Final[re.Pattern[str]] = re.compile("[0-9]+")
# What follows a list number (`4.三门峡市`, `2、`), which must never be glued to the
# number before it (a table-of-contents page number: `…………7 4.三门峡市`).
_LIST_MARKER_RE: Final[re.Pattern[str]] = re.compile(r"[.、)）](?![0-9])")

# A number at the end of a line whose unit or digits continue on the next one:
# `投入资金1.6⏎亿元`, `2⏎000余万元`, `优秀退役军人9⏎⏎人` (one blank line allowed before a unit).
# The words that may continue it are the quantity grammar's own (etl/rules/quantities.yml:
# units, multipliers, 余/多, plus `line_continuations`), so a unit added there (亩) is
# rejoined here too: `3千余⏎亩` must never lose its unit and read as a money amount.
_UNITS: Final[str] = "|".join(
    re.escape(word)
    for word in sorted(QuantityGrammar.shipped().continuation_words(), key=len, reverse=True)
)
# What may stand between the digits and the break: a multiplier and 余/多 (`3千余⏎亩`).
_NUMBER_TAIL: Final[str] = "|".join(
    re.escape(word)
    for word in sorted(QuantityGrammar.shipped().number_tail_words(), key=len, reverse=True)
)
_LINE_BREAK_NUMBER_RE: Final[re.Pattern[str]] = re.compile(
    f"[0-9](?<![0-9.,][0-9])[0-9]*(?:[.,][0-9]+)*(?:{_NUMBER_TAIL}){{0,3}}"
    f"(?P<gap>[{_SP}]*\n[{_SP}]*(?={_UNITS}|[0-9])|[{_SP}]*\n[{_SP}]*\n[{_SP}]*(?={_UNITS}))"
)
# Left of the number there must be running text on the same line: not the line start (a
# page-number line), not a table-of-contents leader or a list dot.
_NOT_TEXT_BEFORE_NUMBER: Final[str] = "\n…．.·—-_" + _SP
# A line starting with a list number, a year or a date starts something new: `2.芜湖市`,
# `2023年`, `4月15日，` (a story under a metadata line that ends in a view count: 阅读：126).
_NEW_LINE_START_RE: Final[re.Pattern[str]] = re.compile(
    r"[0-9]+[.、)）](?![0-9])|(?:19|20)[0-9]{2}年|[0-9]{1,2}月[0-9]{1,2}日"
)

# A pinyin gloss right after a character: `萬(wàn)`, `万（wàn）`. A tone mark (or tone
# digit) is required so that `(a)`, `(km)`, `(GDP)` are left alone.
_PINYIN_LETTERS: Final[str] = "a-zA-Züāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ\u0300-\u036f"
_PINYIN_GLOSS_RE: Final[re.Pattern[str]] = re.compile(
    f"[(（](?<=[{_HAN_CLASS}][(（])(?=[^()（）\n]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ\u0300-\u036f1-5])"
    f"[{_PINYIN_LETTERS}]+[1-5]?(?:[ '\\-][{_PINYIN_LETTERS}]+[1-5]?)*[)）]"
)
# Doubled punctuation `，，` / `。。` → one.
_DOUBLED_PUNCT_RE: Final[re.Pattern[str]] = re.compile("([，。、；：！？,;])\\1+")
# Thousands separators: `1,200`, `1，200`, `12,345,678` (groups of exactly three).
_THOUSANDS_RE: Final[re.Pattern[str]] = re.compile(
    "[0-9](?<![0-9.,，][0-9])[0-9]{0,2}(?:[,，][0-9]{3})+(?![0-9]|[,，][0-9])"
)
_SEPARATOR_RE: Final[re.Pattern[str]] = re.compile("[,，]")

Span = tuple[int, int]


def _whole(pattern: re.Pattern[str], work: str) -> Iterator[list[Span]]:
    """Deletions for rules whose whole match is debris."""
    for m in pattern.finditer(work):
        yield [m.span()]


def _marked(pattern: re.Pattern[str], work: str) -> Iterator[list[Span]]:
    """Deletions for rules whose debris is the group ``d`` (the rest is context that a
    leading lookbehind would make slow to scan for)."""
    for m in pattern.finditer(work):
        yield [m.span("d")]


def _spaced_number_gaps(work: str) -> Iterator[list[Span]]:
    """Spaces inside a number: delete a gap when one side is a single digit or the right
    group has exactly three digits (`1 0 8 0`, `2 000`), unless the right group is a list
    number (`…7 4.三门峡市`). Two full numbers side by side (`2019 2020`) stay apart."""
    for m in _SPACED_NUMBER_RE.finditer(work):
        groups = list(_DIGITS_RE.finditer(work, m.start(), m.end()))
        spans = []
        for left, right in pairwise(groups):
            lens = (left.end() - left.start(), right.end() - right.start())
            if _LIST_MARKER_RE.match(work, right.end()):
                continue
            if 1 in lens or lens[1] == 3:
                spans.append((left.end(), right.start()))
        if spans:
            yield spans


def _line_break_numbers(work: str) -> Iterator[list[Span]]:
    """Join a number broken across lines, but not a page number, a table-of-contents
    entry (`综述1⏎2.芜湖市`) or a number followed by a new list item or dated paragraph."""
    for m in _LINE_BREAK_NUMBER_RE.finditer(work):
        start = m.start()
        if start == 0 or work[start - 1] in _NOT_TEXT_BEFORE_NUMBER:
            continue
        if _NEW_LINE_START_RE.match(work, m.end()):
            continue
        yield [m.span("gap")]


def _doubled_punct(work: str) -> Iterator[list[Span]]:
    for m in _DOUBLED_PUNCT_RE.finditer(work):
        yield [(m.start() + 1, m.end())]


def _thousands(work: str) -> Iterator[list[Span]]:
    for m in _THOUSANDS_RE.finditer(work):
        yield [(s.start(), s.end()) for s in _SEPARATOR_RE.finditer(work, m.start(), m.end())]


_DELETION_RULES: Final[tuple[Callable[[str], Iterator[list[Span]]], ...]] = (
    functools.partial(_whole, _INNER_SPACE_RE),
    functools.partial(_marked, _PERCENT_SPACE_RE),
    _spaced_number_gaps,
    _line_break_numbers,
    functools.partial(_whole, _PINYIN_GLOSS_RE),
    _doubled_punct,
    _thousands,
)


def _merge(spans: list[Span]) -> list[Span]:
    """Sorted, non-overlapping deletion spans (rules may overlap, e.g. `1 ，，`)."""
    spans.sort()
    merged: list[Span] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _apply_deletions(work: str, spans: list[Span]) -> tuple[str, Sequence[int]]:
    """Clean text and origin map for the work text with ``spans`` deleted.

    The map is an unsigned 32-bit array, four bytes a character: a tuple of ints cost 36
    (its pointer and the int object), 620 MB of a 50 MB report's 1.1 GB peak (bench/README.md).
    """
    n = len(work)
    if not spans:
        return work, array(ORIGIN_TYPECODE, range(n + 1))
    starts = [0] + [end for _, end in spans]
    ends = [start for start, _ in spans] + [n]
    clean = "".join(work[a:b] for a, b in zip(starts, ends, strict=True))
    origin = array(ORIGIN_TYPECODE, chain(chain.from_iterable(map(range, starts, ends)), (n,)))
    return clean, origin


def _repair(raw: str) -> tuple[str, Sequence[int], int, bool]:
    """Clean text, origin map, number of repairs, and whether Traditional was converted."""
    repairs = 0
    work = raw
    if _FULLWIDTH_RUN_RE.search(raw):
        repairs += sum(1 for _ in _FULLWIDTH_RUN_RE.finditer(raw))
        work = work.translate(_FULLWIDTH_TABLE)
    work, traditional = simplify(work)
    spans: list[Span] = []
    for rule in _DELETION_RULES:
        for found in rule(work):
            spans += found
            repairs += 1
    clean, origin = _apply_deletions(work, _merge(spans))
    return clean, origin, repairs, traditional


def repair(raw: str) -> tuple[str, Sequence[int], int]:
    """Repair decoded text: returns ``(clean, origin, repairs)``.

    ``origin[i]`` is the index in ``raw`` of ``clean[i]`` (strictly increasing) and
    ``origin[len(clean)] == len(raw)``. ``repairs`` counts repaired sites (a run of
    full-width characters, one space run, one broken number … each count once);
    Traditional→Simplified conversion is not counted (see ``SourceText.traditional``).
    """
    clean, origin, repairs, _ = _repair(raw)
    return clean, origin, repairs


# ---------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------


def check_text(raw: str, name: str) -> None:
    """Refuse text that holds no report: blank, or without a Chinese character."""
    if not raw.strip():
        raise ReadError(name, reason("blank"))
    if not _HAN_RE.search(raw):
        raise ReadError(name, reason("no_chinese"))


def repair_text(raw: str) -> tuple[str, Sequence[int], int, bool]:
    """Clean text, origin map, repairs and whether Traditional was converted: the repair of
    a text file, for the other formats' text too (``etl.formats.layout``)."""
    return _repair(raw)


def read_bytes(data: bytes, name: str) -> SourceText:
    """Decode, validate and repair one text document given as bytes.

    ``name`` is the file name reported in :class:`ReadError` messages and stored in
    ``SourceText.name``. Raises :class:`ReadError` for empty, blank, binary, undecodable
    or non-Chinese input. Invalid UTF-8 bytes replaced in decoding count as repairs.
    """
    text, encoding = decode(data, name)
    raw = _as_raw(text)
    check_text(raw, name)
    clean, origin, repairs, traditional = _repair(raw)
    if encoding == "utf-8":
        repairs += raw.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    return SourceText(
        name=name,
        raw=raw,
        clean=clean,
        origin=origin,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        traditional=traditional,
        repairs=repairs,
    )


# Larger than any report seen (the largest sample is 0.3 MB); a bigger file is refused
# rather than read whole into memory.
MAX_DOCUMENT_BYTES: Final[int] = 64 * 1024 * 1024
_READ_BLOCK: Final[int] = 1 << 20
# What a path that is no regular file is (words of etl/rules/refusals.yml).
_KINDS: Final[tuple[tuple[Callable[[int], bool], str], ...]] = (
    (stat.S_ISDIR, "folder"),
    (stat.S_ISFIFO, "named_pipe"),
    (stat.S_ISCHR, "character_device"),
    (stat.S_ISBLK, "block_device"),
    (stat.S_ISSOCK, "socket"),
)


def _kind(mode: int) -> Words:
    return word(next((key for test, key in _KINDS if test(mode)), "special_file"))


def _read_blocks(fd: int, limit: int) -> Iterator[bytes]:
    """The file's bytes block by block, at most ``limit`` + 1 of them."""
    left = limit + 1
    while left > 0:
        block = os.read(fd, min(_READ_BLOCK, left))
        if not block:
            return
        left -= len(block)
        yield block


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's content, read block by block."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(_READ_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def read_file_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_DOCUMENT_BYTES`, read whole and
    unchanged while read; anything else is a :class:`ReadError` naming the file.

    The file is opened without blocking (a named pipe would wait for a writer forever) and
    checked to be a regular file before a byte is read. A file being written while read
    (its size or time changes, or a second reading hashes differently) is refused: loading
    the prefix read so far would store a partial report as if it were whole.
    """
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise ReadError(name, reason("unreadable", detail=exc.strerror or exc)) from exc
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise ReadError(name, reason("not_a_file", kind=_kind(before.st_mode)))
        if before.st_size > MAX_DOCUMENT_BYTES:
            raise ReadError(name, too_large(before.st_size))
        data = b"".join(_read_blocks(fd, MAX_DOCUMENT_BYTES))
        after = os.fstat(fd)
    except OSError as exc:
        raise ReadError(name, reason("unreadable", detail=exc.strerror or exc)) from exc
    finally:
        os.close(fd)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ReadError(name, too_large(len(data)))
    changed = (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns)
    try:
        changed = changed or file_sha256(path) != hashlib.sha256(data).hexdigest()
    except OSError:
        changed = True
    if changed:
        raise ReadError(name, reason("changed_while_read"))
    return data


def too_large(size: int) -> Reason:
    mib = 1024 * 1024
    return reason("too_large", size=f"{size / mib:.1f}", limit=MAX_DOCUMENT_BYTES // mib)


def read_document(path: Path) -> SourceText:
    """Read one document file of any supported format (``etl.formats``); its
    ``SourceText.name`` is the file's name.

    Error messages name the path as given, so a user can find the file. A zip holds
    several documents: ``etl.formats.read_document`` reads each of them.
    """
    # Imported here: the format readers are built on this module's decoding and repair.
    from etl.formats import read_path

    found = read_path(Path(path))
    if len(found) != 1:
        raise ReadError(str(path), reason("several_documents", count=len(found)))
    if isinstance(found[0], ReadError):
        raise found[0]
    return found[0]

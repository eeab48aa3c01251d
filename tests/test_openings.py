"""The opening class of a pattern (``etl.openings``): what it finds, and where it gives up.

A wrong class would lose matches silently (a period phrase or an amount the look-ahead
skips), so each case states the class, and the matching cases state every match a
prefixed pattern finds in a text written to contain the awkward ones.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.openings import (
    WHOLE_MATCH,
    LiteralLed,
    compile_consumed_lead,
    compile_scanner,
    compile_with_opening,
    literal_openings,
    opening_class,
    required_chars,
    scan,
)


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        pytest.param("去年|全年", 0, "[全去]", id="literal-branches"),
        pytest.param("(?:近|这)?[0-9]+年", 0, "[0-9近这]", id="optional-lead-adds-what-follows"),
        pytest.param(r"(?<![0-9])\d+年", 0, r"[\d]", id="look-behind-consumes-nothing"),
        pytest.param(r"\s*年", 0, r"[\s年]", id="repeat-of-zero-then-literal"),
        pytest.param("(?P<a>约)?(?P<n>十|百)+元", 0, "[十百约]", id="named-groups"),
        pytest.param("x # comment\n|y", re.VERBOSE, "[xy]", id="verbose"),
        pytest.param("a?", 0, None, id="may-match-empty"),
        pytest.param("(?:去年)?", 0, None, id="optional-group-alone"),
        pytest.param(".年", 0, None, id="any-character"),
        pytest.param("[^年]月", 0, None, id="negated-class"),
        pytest.param(r"\D年", 0, None, id="negated-category"),
        pytest.param("(?i)abc", 0, None, id="inline-ignorecase"),
        pytest.param("abc", re.IGNORECASE, None, id="flag-ignorecase"),
        pytest.param(r"(a)\1", 0, "[a]", id="back-reference-after-first"),
        pytest.param(r"\1", 0, None, id="back-reference-first"),
        pytest.param("(", 0, None, id="invalid-pattern"),
    ],
)
def test_opening_class(pattern: str, flags: int, expected: str | None) -> None:
    assert opening_class(pattern, flags) == expected


@pytest.mark.parametrize(
    ("pattern", "flags", "text", "matches"),
    [
        pytest.param(
            r"(?:近|这)?(?<![0-9])(?:[0-9]+|[一二三]+)\s*年(?:以来|来)",
            0,
            "近3年来，这十年来不算，2023年来访，近 三 年来，12 年以来",
            ["近3年来", "2023年来", "三 年来", "12 年以来"],
            id="period-phrases",
        ),
        pytest.param(
            r"(?P<b>约|近)?(?:\d+|[一二三十]+)(?P<m>万|亿)?元",
            0,
            "约300万元、近二十亿元和5元，万元不算",
            ["约300万元", "近二十亿元", "5元"],
            id="amounts-with-optional-lead",
        ),
        pytest.param(
            "(?P<n>\\d+)  # a number\n(?P<u>名|人)  # its unit",
            re.VERBOSE,
            "共12名、3人",
            ["12名", "3人"],
            id="verbose-ending-in-a-comment",
        ),
        pytest.param("a?b", 0, "ab b xb", ["ab", "b", "b"], id="optional-first"),
        pytest.param("(?i)ab", 0, "AB ab", ["AB", "ab"], id="no-class-compiled-as-written"),
    ],
)
def test_prefixed_pattern_finds_every_match(
    pattern: str, flags: int, text: str, matches: list[str]
) -> None:
    assert [m.group() for m in compile_with_opening(pattern, flags).finditer(text)] == matches


@pytest.mark.parametrize(
    ("pattern", "led"),
    [
        pytest.param(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年", True, id="look-behind-first"),
        pytest.param("(?:近|这)?[0-9]+年来", True, id="optional-group-first"),
        pytest.param("《[^》]*》", False, id="literal-prefix-of-its-own"),
        pytest.param("截至|截止", False, id="branches-of-literals"),
        pytest.param("[12][0-9]{3}年", False, id="class-first"),
    ],
)
def test_lead_only_where_the_engine_has_none(pattern: str, led: bool) -> None:
    """The engine's own skip to a literal prefix or first class beats a look-ahead: those
    patterns are compiled as written, and only the others get the opening class."""
    compiled = compile_with_opening(pattern)
    assert (compiled.pattern != pattern) is led
    assert compiled.pattern.startswith("(?=[") is led


@pytest.mark.parametrize(
    ("pattern", "openings"),
    [
        pytest.param("(?:目\\s*录|CONTENTS|contents)", "Cc目", id="literal-branches"),
        pytest.param("…|\\.\\.\\.|···", ".·…", id="dots"),
        pytest.param(
            "(?<=[一-龥])[ \\t\\u3000\\n]+(?=[一-龥])", "\t\n \u3000", id="after-look-behind"
        ),
        pytest.param("[0-9]+", None, id="a-range-is-not-a-few-characters"),
        pytest.param("\\s+", None, id="a-category-is-not-either"),
        pytest.param("[一二三四五六七八九十]", None, id="more-than-eight-characters"),
        pytest.param("a?", None, id="may-match-empty"),
    ],
)
def test_literal_openings(pattern: str, openings: str | None) -> None:
    assert literal_openings(pattern) == openings


# Patterns whose matches overlap, touch, follow a look-behind or run to the end of the text.
_LED_PATTERNS = [
    "(?:目\\s*录|目\\s*次|CONTENTS)",
    "…|⋯|\\.\\.\\.|···",
    "(?<=[一-龥])[ \\t\\u3000\\n]+(?=[一-龥])",
    "(?<![0-9])aa|ab|b",
    "xy?",
]


@pytest.mark.parametrize("pattern", _LED_PATTERNS)
@given(
    text=st.text(alphabet="目录次 \t\u3000\n.…⋯·CONTENTS一二0ab xy", max_size=40),
    pos=st.integers(0, 45),
    span=st.integers(0, 45),
)
def test_literal_led_finds_what_finditer_finds(
    pattern: str, text: str, pos: int, span: int
) -> None:
    """Found at its opening characters with ``str.find``, a pattern gives every match
    ``finditer`` gives, in the same order, between the same bounds; ``sub`` agrees too."""
    compiled = re.compile(pattern)
    led = LiteralLed(compiled)
    assert led.openings is not None
    end = pos + span

    def spans(found: list[re.Match[str]]) -> list[tuple[int, int]]:
        return [m.span() for m in found]

    assert spans(led.finditer(text, pos, end)) == spans(list(compiled.finditer(text, pos, end)))
    assert led.sub("#", text) == compiled.sub("#", text)


@pytest.mark.parametrize(
    ("pattern", "required"),
    [
        pytest.param("每年|年均", "年", id="a-character-both-alternatives-hold"),
        pytest.param(
            "(?:近|这)?[0-9]+\\s*年(?:以来|来)", "年", id="optional-and-class-promise-none"
        ),
        pytest.param("去年|今年|十三五期间|党的十八大以来", "十年", id="greedy-cover"),
        pytest.param("ab|cd", "ac", id="one-per-alternative"),
        pytest.param("(?<=截至)x(?=y)", "x", id="look-arounds-promise-none"),
        pytest.param("(?:ab)+|b*c", "ac", id="repeats-of-one-or-more-only"),
        pytest.param("(?P<y>19|20)[0-9]{2}年", "年", id="named-group"),
        pytest.param("[ab]c|[0-9]+", None, id="an-alternative-without-a-character"),
        pytest.param("a?", None, id="may-match-empty"),
        pytest.param("(?i)年", None, id="ignorecase"),
    ],
)
def test_required_chars(pattern: str, required: str | None) -> None:
    assert required_chars(pattern) == required


_REQUIRED_PATTERNS = [
    "每年|年均|去年以来|(?:近|这)?(?<![0-9])(?:[0-9]+|[一二三]+)\\s*年(?:以来|来)",
    '(?:19|20)[0-9]{2}\\s*年(?!\\s*以来)|[“"]?十三五[”"]?(?:期间|以来)',
    "ab+c|(?:x|xy)z",
]


@pytest.mark.parametrize("pattern", _REQUIRED_PATTERNS)
@given(text=st.text(alphabet='每年均去以来近这一二三0129 十五期间“"abcxyz', max_size=30))
def test_a_text_without_required_characters_holds_no_match(pattern: str, text: str) -> None:
    """The promise ``required_chars`` makes: no match in a text holding none of them."""
    required = required_chars(pattern)
    assert required is not None
    if not any(ch in text for ch in required):
        assert re.search(pattern, text) is None


_CONSUMED_PATTERNS = [
    ("(?P<b>约|近)?(?:(?P<n>(?<![0-9])[0-9]++|[一二十]+)(?=万|元|名)(?P<m>万)?)(?P<u>元|名)?", 0),
    ("(?:近|这)?(?<![0-9])(?:[0-9]+|[一二]+)\\s*年(?:以来|来)?", 0),
    ("(?P<n>[0-9]+)  # a number\n(?P<u>名|人)?  # its unit", re.VERBOSE),
]


@pytest.mark.parametrize(("pattern", "flags"), _CONSUMED_PATTERNS)
@given(
    text=st.text(alphabet="约近这0129一二十万元名人年以来 ", max_size=30), pos=st.integers(0, 32)
)
def test_consumed_lead_finds_what_finditer_finds(
    pattern: str, flags: int, text: str, pos: int
) -> None:
    """Scanned from the end of each ``WHOLE_MATCH``, a consumed-lead pattern gives every
    match ``finditer`` gives, with the same groups."""
    plain = re.compile(pattern, flags)
    led = compile_consumed_lead(pattern, flags)
    assert led is not None
    found, at = [], pos
    while (hit := led.search(text, at)) is not None:
        at = hit.end(WHOLE_MATCH)
        groups = {k: v for k, v in hit.groupdict().items() if k != WHOLE_MATCH}
        found.append((hit.span(WHOLE_MATCH), groups))
    assert found == [(m.span(), m.groupdict()) for m in plain.finditer(text, pos)]


def test_consumed_lead_needs_an_opening_class() -> None:
    assert compile_consumed_lead("a?b") is not None
    assert compile_consumed_lead(".x") is None


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param("(?<![0-9])(?P<y>(?:19|20)[0-9]{2})\\s*年", id="led-by-its-digits"),
        pytest.param("(?P<y>.)年", id="no-opening-class-compiled-as-written"),
    ],
)
@given(text=st.text(alphabet="1920年 0x", max_size=30), pos=st.integers(0, 32))
def test_scan_gives_what_finditer_gives(pattern: str, text: str, pos: int) -> None:
    scanner = compile_scanner(pattern)
    found = [(m.span(WHOLE_MATCH), m["y"]) for m in scan(scanner, text, pos)]
    assert found == [(m.span(), m["y"]) for m in re.compile(pattern).finditer(text, pos)]

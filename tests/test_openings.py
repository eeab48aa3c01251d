"""The opening class of a pattern (``etl.openings``): what it finds, and where it gives up.

A wrong class would lose matches silently (a period phrase or an amount the look-ahead
skips), so each case states the class, and the matching cases state every match a
prefixed pattern finds in a text written to contain the awkward ones.
"""

from __future__ import annotations

import re

import pytest

from etl.openings import compile_with_opening, opening_class


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

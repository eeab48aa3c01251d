"""Whether a name found in a text stands there as a word: ``WordBoundaries``.

A division's name is often the inside of an ordinary word: 创建双拥模范县 holds 范县 (a county
in Henan), 示范区 holds 范区, 大同小异 holds 大同, 东方红 holds 东方. Matching names as strings
put one county's figures on a county of another province. A reader knows where the words
are; so does a word segmenter. ``jieba`` (maintained, with a dictionary of ordinary Chinese)
segments a short window around the mention, and the mention counts only when it starts where
a word starts and ends where a word ends (范县召开 → 范/县/召开 keeps it; 模范县 → 模范县
drops it).

Segmenting the whole text would cost more than all the other rules together, so only the
window around each candidate is segmented, and windows are cached: a corpus repeats the same
few names in the same few phrases.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from typing import Final

# Characters of context on each side: enough for the words that swallow a name (模范县,
# 示范区, 大同小异) to be seen whole, short enough to stay cheap.
WINDOW: Final = 4
# Characters that end a window early: a word never runs across them.
_STOPS: Final = frozenset("，。、；：！？,.;:!?（）()《》“”\"'‘’【】[] \t\r\n\u3000")


@functools.lru_cache(maxsize=1)
def _tokenizer() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _cut(window: str) -> Iterator[str]:
    tokenizer = _tokenizer()
    return tokenizer.cut(window, HMM=False)  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=65536)
def _boundaries(window: str) -> frozenset[int]:
    """Offsets inside ``window`` where a word starts or ends."""
    cuts = {0}
    pos = 0
    for token in _cut(window):
        pos += len(token)
        cuts.add(pos)
    return frozenset(cuts)


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """The context around ``text[start:end]``, cut at punctuation and white space."""
    left = start
    while left > 0 and start - left < WINDOW and text[left - 1] not in _STOPS:
        left -= 1
    right = end
    while right < len(text) and right - end < WINDOW and text[right] not in _STOPS:
        right += 1
    return left, right


def stands_as_word(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` begins and ends at word boundaries of its context."""
    left, right = _window(text, start, end)
    if left == start and right == end:
        return True
    cuts = _boundaries(text[left:right])
    return (start - left) in cuts and (end - left) in cuts

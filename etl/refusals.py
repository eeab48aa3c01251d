"""Why a file was refused, in the words of the people who read it.

The 导入 page shows its users, staff of a 双拥办, why a file they uploaded did not load; the
command line and the logs say it in English. Both come from one table,
``etl/rules/refusals.yml``: a reason is a key with a Chinese and an English template, so
no message is written twice in the code and none can be said in one language only. A
placeholder filled with a :class:`Words` (a file kind, a format) is said in each
language's own word; anything else (a number, a library's message) is written as it is.

The table is checked when it is loaded: each reason has both languages with the same
placeholders, each word both languages, and no key twice (``valuation.rulebook``).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from typing import Any

from etl.rulebook import RuleFileError, rule_file

LANGUAGES = ("en", "zh")
# How the parts of one reason are joined (the report gate's shortfalls).
SEPARATORS = {"en": "; ", "zh": "；"}
# Between a file's name and its reason.
NAME_SEPARATORS = {"en": ": ", "zh": "："}


@dataclass(frozen=True)
class Words:
    """A word or phrase said in both languages."""

    en: str
    zh: str

    def said(self, language: str) -> str:
        return self.en if language == "en" else self.zh


@dataclass(frozen=True)
class Reason(Words):
    """Why a file was refused: the reason in both languages, and its key in the table."""

    code: str


class FileRefused(Exception):
    """A file refused for ``why``; the message is ``<file>: <reason>`` in English (the
    command line), ``chinese`` the same as ``<文件>：<原因>`` (the 导入 page)."""

    def __init__(self, name: str, why: Words) -> None:
        super().__init__(named(name, why, "en"))
        self.name = name
        self.why = why

    @property
    def chinese(self) -> str:
        return named(self.name, self.why, "zh")


@dataclass(frozen=True)
class _Table:
    reasons: dict[str, dict[str, str]]
    words: dict[str, Words]


def _placeholders(template: str) -> frozenset[str]:
    return frozenset(field for _, field, _, _ in string.Formatter().parse(template) if field)


def _checked(data: Any) -> _Table:
    if not isinstance(data, dict) or set(data) != {"reasons", "words"}:
        raise RuleFileError("refusals.yml: needs exactly the sections reasons and words")
    reasons: dict[str, dict[str, str]] = {}
    for code, said in data["reasons"].items():
        if not isinstance(said, dict) or set(said) != set(LANGUAGES):
            raise RuleFileError(f"refusals.yml: reason {code} needs exactly en and zh")
        if _placeholders(said["en"]) != _placeholders(said["zh"]):
            raise RuleFileError(f"refusals.yml: reason {code} fills other places in en and zh")
        reasons[str(code)] = {lang: str(said[lang]) for lang in LANGUAGES}
    words: dict[str, Words] = {}
    for key, said in data["words"].items():
        if not isinstance(said, dict) or set(said) != set(LANGUAGES):
            raise RuleFileError(f"refusals.yml: word {key} needs exactly en and zh")
        words[str(key)] = Words(str(said["en"]), str(said["zh"]))
    return _Table(reasons, words)


@cache
def _table() -> _Table:
    return _checked(rule_file("refusals"))


def codes() -> frozenset[str]:
    """Every reason the table holds."""
    return frozenset(_table().reasons)


def word(key: str) -> Words:
    """A word of the table (``named_pipe`` → a named pipe / 命名管道)."""
    return _table().words[key]


def reason(code: str, **args: Any) -> Reason:
    """The reason ``code`` with its placeholders filled, in both languages.

    An unknown code or a missing placeholder is a bug of the caller and raises KeyError.
    """
    templates = _table().reasons[code]
    said = {}
    for lang in LANGUAGES:
        filled = {k: v.said(lang) if isinstance(v, (Words, Reason)) else v for k, v in args.items()}
        said[lang] = templates[lang].format(**filled)
    return Reason(en=said["en"], zh=said["zh"], code=code)


def joined(parts: list[Reason]) -> Words:
    """Several reasons as one phrase (too few kinds of terms; such terms too rare)."""
    return Words(
        SEPARATORS["en"].join(p.en for p in parts), SEPARATORS["zh"].join(p.zh for p in parts)
    )


def named(name: str, why: Words, language: str) -> str:
    """``<file>: <reason>`` (``<文件>：<原因>``): a refusal as one line."""
    return f"{name}{NAME_SEPARATORS[language]}{why.said(language)}"

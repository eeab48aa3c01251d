"""Why a file was refused, in Chinese for the 导入 page and in English for the command line:
the table of reasons (etl/rules/refusals.yml) and what each kind of bad file is told."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from etl import refusals
from etl.formats import read_upload
from etl.ingest import extract_one
from etl.reading import ReadError
from etl.rulebook import RuleFileError
from etl.validation import NotAReportError, check_is_report

ETL = Path(__file__).resolve().parent.parent / "etl"
_CODE = re.compile(r"""\breason\(\s*"([a-z_]+)\"""")
_WORD = re.compile(r"""\bword\(\s*"([a-z_]+)\"""")


def _codes_in_source() -> set[str]:
    return {code for f in ETL.rglob("*.py") for code in _CODE.findall(f.read_text("utf-8"))}


def test_every_reason_the_code_gives_is_in_the_table_and_every_entry_is_used() -> None:
    used = _codes_in_source()
    assert used <= refusals.codes(), sorted(used - refusals.codes())
    assert refusals.codes() <= used, sorted(refusals.codes() - used)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        pytest.param({"reasons": {"x": {"en": "a {n}", "zh": "甲"}}, "words": {}},
                     "fills other places", id="placeholders differ"),
        pytest.param({"reasons": {"x": {"en": "a"}}, "words": {}}, "needs exactly en and zh",
                     id="one language"),
        pytest.param({"reasons": {}, "words": {"w": {"zh": "词"}}}, "needs exactly en and zh",
                     id="word in one language"),
        pytest.param({"reasons": {}}, "exactly the sections", id="no words"),
    ],
)  # fmt: skip
def test_a_malformed_table_is_refused(data: dict[str, Any], problem: str) -> None:
    with pytest.raises(RuleFileError, match=problem):
        refusals._checked(data)


def test_a_word_is_said_in_each_language() -> None:
    why = refusals.reason("not_a_file", kind=refusals.word("named_pipe"))
    assert why.en == "cannot read: a named pipe, not a file"
    assert why.zh == "无法读取：这是命名管道，不是普通文件"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# Each kind of bad file, and what its user is told, in full.
REFUSED = [
    pytest.param("空.txt", b"", "空.txt：空文件", id="empty"),
    pytest.param("空白.txt", "  \n\u3000\n".encode(), "空白.txt：空文件（只有空白）", id="blank"),
    pytest.param("数据.txt", b"\x00\x01\x02\x03" * 64,
                 "数据.txt：二进制文件，不是文本（含 NUL 字节）", id="binary"),
    pytest.param("readme.txt", b"This file has no Chinese in it at all.\n",
                 "readme.txt：不是报告（没有中文文字）", id="no Chinese"),
    pytest.param("表格.pdf", b"PK\x03\x04" + b"\x00" * 40,
                 "表格.pdf：文件名是 .pdf，内容却是压缩包，不是PDF：请改名或重新导出",
                 id="misnamed"),
    pytest.param("空包.zip", _zip({}), "空包.zip：空压缩包（里面没有文件）", id="empty zip"),
    pytest.param("坏.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 20, None, id="corrupt PDF"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "chinese"), REFUSED)
def test_each_bad_file_is_told_why_in_chinese(name: str, data: bytes, chinese: str | None) -> None:
    with pytest.raises(ReadError) as caught:
        found = read_upload(name, data)
        for doc in found:
            if isinstance(doc, ReadError):
                raise doc
    error = caught.value
    if chinese is None:  # a library's own message follows: only its opening is ours
        assert error.chinese.startswith(f"{name}：PDF 已损坏（")
    else:
        assert error.chinese == chinese
    assert str(error) == f"{name}: {error.why.en}"  # the command line keeps English


def test_a_zip_member_in_no_supported_format_is_skipped_in_chinese() -> None:
    found = read_upload("报告.zip", _zip({"说明.xlsx": b"x"}))
    assert [d.chinese for d in found if isinstance(d, ReadError)] == [
        "报告.zip!/说明.xlsx：已跳过：不支持的格式（.xlsx）"
    ]


def test_a_text_about_something_else_names_the_shortfalls_in_chinese() -> None:
    recipe = "红烧肉的做法：五花肉切块，加糖炒色，小火慢炖一小时。\n"
    (doc,) = read_upload("菜谱.txt", recipe.encode())
    assert not isinstance(doc, ReadError)
    with pytest.raises(NotAReportError) as caught:
        check_is_report(doc)
    assert caught.value.chinese == (
        "菜谱.txt：不是双拥工作报告：双拥用语种类太少（无）；这类用语太少（每千字 0.0 个）；"
        "不像工作报告的写法（没有“召开”“部署”“全市”等词）"
    )
    assert str(caught.value).startswith("菜谱.txt: not a 双拥 report: too few kinds of 双拥 terms")


def test_an_ingest_outcome_carries_both_languages(tmp_path: Path) -> None:
    path = tmp_path / "空.txt"
    path.write_bytes(b"")
    (outcome,) = extract_one(path)
    assert outcome.error == f"{path}: empty file"
    assert outcome.chinese == f"{path}：空文件"


def test_word_keys_in_the_code_are_in_the_table() -> None:
    from etl.formats.registry import _CONTENT_WORDS
    from etl.reading import _KINDS

    used = {w for f in ETL.rglob("*.py") for w in _WORD.findall(f.read_text("utf-8"))}
    used |= {key for _, key in _KINDS} | set(_CONTENT_WORDS.values()) | {"special_file"}
    for key in used:
        refusals.word(key)  # raises KeyError for a word the table lacks

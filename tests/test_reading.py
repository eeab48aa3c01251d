"""Tests for etl.reading: decoding, Traditional→Simplified, debris repair, origin map.

Phrases come from the documents in corpus/ (as written, or with the debris that other real
files carry injected into them), so the rules are checked on the language they must handle.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opencc_purepy import OpenCC

from etl.models import SourceText
from etl.reading import ReadError, read_bytes, read_document, repair

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
T2S = OpenCC("t2s")


def _counterpart(raw_ch: str, clean_ch: str) -> bool:
    """Whether ``clean_ch`` is what repair may turn ``raw_ch`` into."""
    if raw_ch == clean_ch or unicodedata.normalize("NFKC", raw_ch) == clean_ch:
        return True
    if T2S.convert(raw_ch, punctuation=True) == clean_ch:
        return True
    # OpenCC converts some characters differently inside a phrase than alone.
    return unicodedata.category(raw_ch) == "Lo" and unicodedata.category(clean_ch) == "Lo"


def assert_origin(raw: str, clean: str, origin: tuple[int, ...]) -> None:
    """The contract of SourceText.origin, character by character."""
    assert len(origin) == len(clean) + 1
    assert origin[-1] == len(raw)
    assert all(a < b for a, b in pairwise(origin)), "not increasing"
    for i, ch in enumerate(clean):
        assert 0 <= origin[i] < len(raw)
        assert _counterpart(raw[origin[i]], ch), (i, raw[origin[i]], ch)


def assert_source(src: SourceText) -> None:
    assert_origin(src.raw, src.clean, src.origin)


# ---------------------------------------------------------------------------------------
# Repairs, one kind at a time, on corpus phrases
# ---------------------------------------------------------------------------------------

REPAIRS = [
    pytest.param(
        "提标发放随军家属未就业基本生活保障金 2000 余万元，军人家庭",
        "提标发放随军家属未就业基本生活保障金2000余万元，军人家庭",
        2,
        id="space-number-unit-000",
    ),
    pytest.param(
        "落实军人子女入学优待 1500 余名，切实",
        "落实军人子女入学优待1500余名，切实",
        2,
        id="space-word-number-000",
    ),
    pytest.param(
        "“双清单”办结率保持 100%，解决",
        "“双清单”办结率保持100%，解决",
        1,
        id="space-before-number-000",
    ),
    pytest.param("办结率保持100 %，解决", "办结率保持100%，解决", 1, id="space-before-percent"),
    pytest.param(
        '许昌市有着厚重的历史文化底蕴和优良的双拥共建 传统,把"视人民如父母',
        '许昌市有着厚重的历史文化底蕴和优良的双拥共建传统,把"视人民如父母',
        1,
        id="space-inside-word-002",
    ),
    pytest.param(
        '先后6次荣获 "全国双拥模范城"称 号,涌现出',
        '先后6次荣获"全国双拥模范城"称号,涌现出',
        2,
        id="space-around-ascii-quote-002",
    ),
    pytest.param(
        "视军队如长城, 把军人当亲人",
        "视军队如长城,把军人当亲人",
        1,
        id="space-after-ascii-comma-002",
    ),
    pytest.param(
        "3. 双鸭山市双拥办、 双鸭山市退役军人事务局",
        "3.双鸭山市双拥办、双鸭山市退役军人事务局",
        2,
        id="space-after-list-dot-and-dunhao-004",
    ),
    pytest.param("目 录", "目录", 1, id="ideographic-title-004"),
    pytest.param(
        "党政军民同心协力\u3000提升双拥创建成效",
        "党政军民同心协力提升双拥创建成效",
        1,
        id="ideographic-space-003",
    ),
    pytest.param(
        "开通省内首家“国防教育网”，投资1 0 8 0万元提升改造",
        "开通省内首家“国防教育网”，投资1080万元提升改造",
        1,
        id="spaced-digits-000",
    ),
    pytest.param(
        "基本生活保障金2 000余万元",
        "基本生活保障金2000余万元",
        1,
        id="space-thousands-group-000",
    ),
    pytest.param(
        "全市累计筹集发放各类优抚资金近５．４亿元、义务兵优待金２．９亿元",
        "全市累计筹集发放各类优抚资金近5.4亿元、义务兵优待金2.9亿元",
        2,
        id="fullwidth-decimal-003",
    ),
    pytest.param(
        "事业单位安置率达到了６２％。",
        "事业单位安置率达到了62%。",
        1,
        id="fullwidth-percent-003",
    ),
    pytest.param(
        "开通省内首家“国防教育网”（ＰＣ端）",
        "开通省内首家“国防教育网”（PC端）",
        1,
        id="fullwidth-letters-keeps-cjk-brackets",
    ),
    pytest.param(
        "对今年列入海勃湾区安置的2名转业士官完成了选岗工作，并为2022\n"
        "年退出现役的73名退役军人发放自主就业金732.95万元。",
        "对今年列入海勃湾区安置的2名转业士官完成了选岗工作，并为2022"
        "年退出现役的73名退役军人发放自主就业金732.95万元。",
        1,
        id="line-break-year-001",
    ),
    pytest.param(
        "市本级选树优秀退役军人9\n\n人,各县(市、区)选树优秀退役军人131人",
        "市本级选树优秀退役军人9人,各县(市、区)选树优秀退役军人131人",
        1,
        id="line-break-blank-line-003",
    ),
    pytest.param(
        "帮助困难官兵100余\n\n人次。连续11年",
        "帮助困难官兵100余人次。连续11年",
        1,
        id="line-break-after-yu-002",
    ),
    pytest.param(
        "建成拥军商场106个、拥军广场58\n个,双拥地标成为燕赵大地亮丽风景。",
        "建成拥军商场106个、拥军广场58个,双拥地标成为燕赵大地亮丽风景。",
        1,
        id="line-break-unit-004",
    ),
    pytest.param(
        "投入资金1.6\n\u3000\u3000亿元修建烈士陵园",
        "投入资金1.6亿元修建烈士陵园",
        1,
        id="line-break-decimal-indented",
    ),
    pytest.param(
        "提标发放随军家属未就业基本生活保障金2\n000余万元",
        "提标发放随军家属未就业基本生活保障金2000余万元",
        1,
        id="line-break-digits",
    ),
    pytest.param(
        "累计投入土地3千余\n亩建设双拥主题公园",
        "累计投入土地3千余亩建设双拥主题公园",
        1,
        id="line-break-unit-from-quantities-yml",
    ),
    pytest.param(
        "全市建成拥军绿地12\n平方米",
        "全市建成拥军绿地12平方米",
        1,
        id="line-break-multi-char-unit",
    ),
    pytest.param(
        "1.张掖市创建双拥模范城（县）工作综述1\n2.芜湖市双拥工作综述5\n3.吴忠市",
        "1.张掖市创建双拥模范城（县）工作综述1\n2.芜湖市双拥工作综述5\n3.吴忠市",
        0,
        id="toc-page-numbers-not-joined-001",
    ),
    pytest.param(
        "…………………………7 4.三门峡市双拥工作综述……………20 5.广安市",
        "…………………………7 4.三门峡市双拥工作综述……………20 5.广安市",
        0,
        id="toc-leaders-not-joined-004",
    ),
    pytest.param(
        "2023年3月7日市委、市政府组织召开全国双拥模范城市创建动员会\n12\n2023年4月18日,我市举行",
        "2023年3月7日市委、市政府组织召开全国双拥模范城市创建动员会\n12\n2023年4月18日,我市举行",
        0,
        id="page-number-line-not-joined",
    ),
    pytest.param(
        "阅读次数：126\n　　4月15日，全市退役士兵安置工作会议召开",
        "阅读次数：126\n　　4月15日，全市退役士兵安置工作会议召开",
        0,
        id="view-count-not-joined-to-next-line-date",
    ),
    pytest.param("2019 2020年", "2019 2020年", 0, id="two-years-stay-apart"),
    pytest.param(
        "九次荣膺“河南省双拥模范城”称号，萬(wàn)众一心",
        "九次荣膺“河南省双拥模范城”称号，万众一心",
        1,
        id="pinyin-gloss-ascii-parens",
    ),
    pytest.param(
        "与驻洛部队心连心，万（wàn）众一心",
        "与驻洛部队心连心，万众一心",
        1,
        id="pinyin-gloss-cjk-parens",
    ),
    pytest.param(
        "军队离(退)干部(士官)接收安置率100%",
        "军队离(退)干部(士官)接收安置率100%",
        0,
        id="parenthesis-not-a-gloss-003",
    ),
    pytest.param(
        "深入挖掘红色资源，，精心推出“洛八办”等“双拥”红色主题践学线路。。",
        "深入挖掘红色资源，精心推出“洛八办”等“双拥”红色主题践学线路。",
        2,
        id="doubled-punctuation-000",
    ),
    pytest.param(
        "印制发放《双拥知识读本》35,600本;市本级",
        "印制发放《双拥知识读本》35600本;市本级",
        1,
        id="thousands-ascii-003",
    ),
    pytest.param(
        "受教育学生达18，000多人次。",
        "受教育学生达18000多人次。",
        1,
        id="thousands-fullwidth-comma-003",
    ),
    pytest.param(
        "义务兵优待金１，２００万元",
        "义务兵优待金1200万元",
        3,
        id="thousands-fullwidth-digits",
    ),
    pytest.param(
        "2018年、2019年连续两年,举办",
        "2018年、2019年连续两年,举办",
        0,
        id="years-with-comma-untouched-003",
    ),
    pytest.param(
        "\u3000\u3000逐梦新时代，阔步新征程。  ",
        "\u3000\u3000逐梦新时代，阔步新征程。  ",
        0,
        id="indentation-kept-001",
    ),
]


@pytest.mark.parametrize(("raw", "expected", "repairs"), REPAIRS)
def test_repair(raw: str, expected: str, repairs: int) -> None:
    clean, origin, count = repair(raw)
    assert clean == expected
    assert count == repairs
    assert_origin(raw, clean, origin)


def test_repair_keeps_line_structure() -> None:
    raw = "一、传承红色基因\n\n\u3000\u3000始终将双拥 工作\n二、创新"
    clean, origin, _ = repair(raw)
    assert clean.count("\n") == raw.count("\n")
    assert_origin(raw, clean, origin)


# ---------------------------------------------------------------------------------------
# Traditional Chinese
# ---------------------------------------------------------------------------------------

TRADITIONAL = [
    pytest.param("投入資金１．６億元", "投入资金1.6亿元", id="fullwidth-decimal"),
    pytest.param(
        "已連續八次榮獲「全國雙擁模範城」",
        "已连续八次荣获“全国双拥模范城”",
        id="corner-quotes",
    ),
    pytest.param("安置轉業軍官 80 餘名", "安置转业军官80余名", id="spaces-around-number"),
    pytest.param(
        "提標發放隨軍家屬未就業基本生活保障金 2000 餘萬元",
        "提标发放随军家属未就业基本生活保障金2000余万元",
        id="space-yu-wan",
    ),
    pytest.param(
        "解決部隊子女入學入園４３５人",
        "解决部队子女入学入园435人",
        id="fullwidth-digits",
    ),
    pytest.param(
        "九次榮膺「河南省雙擁模範城」稱號，，",
        "九次荣膺“河南省双拥模范城”称号，",
        id="doubled-comma",
    ),
    pytest.param(
        "累計籌集發放各類優撫資金近5.4\n億元、義務兵優待金2.9億元",
        "累计筹集发放各类优抚资金近5.4亿元、义务兵优待金2.9亿元",
        id="broken-number",
    ),
    pytest.param(
        "接收退役士兵5,964人，事業單位安置率達到了６２％",
        "接收退役士兵5964人，事业单位安置率达到了62%",
        id="thousands",
    ),
    pytest.param("萬(wàn)眾一心，軍民魚水情深", "万众一心，军民鱼水情深", id="pinyin-gloss"),
    pytest.param(
        "許昌市有著厚重的歷史文化底蘊和優良的雙擁共建 傳統",
        "许昌市有着厚重的历史文化底蕴和优良的双拥共建传统",
        id="space-inside-word",
    ),
    pytest.param(
        "先後６次榮獲「全國雙擁模範城」稱號",
        "先后6次荣获“全国双拥模范城”称号",
        id="honour-count",
    ),
    pytest.param(
        "連續9年組織晉綏烈士遺骸收遷安葬活動",
        "连续9年组织晋绥烈士遗骸收迁安葬活动",
        id="plain",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), TRADITIONAL)
def test_traditional(raw: str, expected: str) -> None:
    clean, origin, _ = repair(raw)
    assert clean == expected
    assert_origin(raw, clean, origin)
    src = read_bytes(raw.encode("utf-8"), "trad.txt")
    assert src.traditional
    assert src.clean == expected
    assert src.raw == raw  # raw stays Traditional


def test_traditional_article_inside_simplified_compilation() -> None:
    simplified = (CORPUS / "001_dd27260898970e37.txt").read_text(encoding="utf-8")
    pasted = "連續八次榮獲「全國雙擁模範城」，安置轉業軍官80餘名。"
    src = read_bytes((simplified + "\n" + pasted + "\n").encode("utf-8"), "mixed.txt")
    assert src.clean.endswith("连续八次荣获“全国双拥模范城”，安置转业军官80余名。\n")
    alone = read_bytes(simplified.encode("utf-8"), "001.txt")
    assert src.clean.startswith(alone.clean)  # the Simplified articles are not converted
    assert alone.clean.count("著") == simplified.count("著") == 3
    assert_source(src)


def test_simplified_is_not_converted() -> None:
    raw = "显著提升，著名的革命老区"
    clean, _, _ = repair(raw)
    assert clean == raw
    assert not read_bytes(raw.encode(), "s.txt").traditional


# ---------------------------------------------------------------------------------------
# Encodings
# ---------------------------------------------------------------------------------------


def _paragraph() -> str:
    """Real paragraphs of corpus/000 (with their PDF spaces), about 500 characters."""
    lines = (CORPUS / "000_2a9cdd382f62b7c7.txt").read_text(encoding="utf-8").split("\n")
    return "\n".join(lines[32:35]) + "\n" + lines[24] + "\n"


ENCODINGS = [
    pytest.param(lambda s: s.encode("utf-8"), "utf-8", id="utf-8"),
    pytest.param(lambda s: s.encode("utf-8-sig"), "utf-8-sig", id="utf-8-bom"),
    pytest.param(lambda s: s.encode("gbk"), "gb18030", id="gbk"),
    pytest.param(lambda s: s.encode("gb18030"), "gb18030", id="gb18030"),
    pytest.param(lambda s: s.encode("utf-16"), "utf-16-le", id="utf-16-le-bom"),
    pytest.param(lambda s: b"\xfe\xff" + s.encode("utf-16-be"), "utf-16-be", id="utf-16-be-bom"),
    pytest.param(lambda s: s.encode("utf-8").replace(b"\n", b"\r\n"), "utf-8", id="utf-8-crlf"),
]


@pytest.mark.parametrize(("encode", "encoding"), ENCODINGS)
def test_encodings_give_same_text(
    tmp_path: Path, encode: Callable[[str], bytes], encoding: str
) -> None:
    text = _paragraph()
    assert len(text) > 400 and "2000 余万元" in text
    reference = read_bytes(text.encode("utf-8"), "ref.txt")
    path = tmp_path / "doc.txt"
    path.write_bytes(encode(text))
    src = read_document(path)
    assert src.encoding == encoding
    assert src.raw == text
    assert src.clean == reference.clean
    assert src.name == "doc.txt"
    assert src.repairs == reference.repairs > 0
    assert_source(src)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "提标发放随军家属未就业基本生活保障金2000余万元，军人家庭的后顾之忧有效解决。", id="60"
        ),
        pytest.param("双拥模范城", id="5"),
        pytest.param("已连续八次荣获“全国双拥模范城”", id="16"),
    ],
)
def test_short_gbk(tmp_path: Path, text: str) -> None:
    path = tmp_path / "short.txt"
    path.write_bytes(text.encode("gbk"))
    src = read_document(path)
    assert (src.encoding, src.raw) == ("gb18030", text)


def test_gb18030_only_character() -> None:
    text = "吉林省双拥模范城𠮷字，" * 5  # 𠮷 is four bytes in GB18030, absent from GBK
    src = read_bytes(text.encode("gb18030"), "gb.txt")
    assert (src.encoding, src.raw) == ("gb18030", text)


def test_big5_is_not_read_as_gbk() -> None:
    text = "已連續八次榮獲「全國雙擁模範城」、九次榮膺「河南省雙擁模範城」稱號。" * 4
    src = read_bytes(text.encode("big5"), "big5.txt")
    assert src.encoding == "big5"
    assert src.raw == text
    assert src.traditional


@pytest.mark.parametrize(
    ("data", "line"),
    [
        pytest.param("标\r\n\r\n双拥".encode(), 3, id="crlf"),
        pytest.param("标\r\r双拥".encode(), 3, id="cr"),
        pytest.param("\ufeff标\n\n双拥".encode(), 3, id="bom"),
    ],
)
def test_line_endings(data: bytes, line: int) -> None:
    src = read_bytes(data, "x.txt")
    assert "\r" not in src.raw and not src.raw.startswith("\ufeff")
    assert src.line_of(src.clean.index("双")) == line


# ---------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------


def _random_undecodable() -> bytes:
    rng = random.Random(20240803)
    return bytes(b or 0x80 for b in rng.randbytes(4000))


BAD = [
    pytest.param(b"", "empty file", id="empty"),
    pytest.param(" \n\t\r\n\u3000\n".encode(), "whitespace only", id="whitespace"),
    pytest.param(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(64),
        "damaged image",  # content decides the format (etl.formats): a broken PNG
        id="png",
    ),
    pytest.param(b"\x7fELF\x02\x01\x01" + bytes(64), "binary file (NUL bytes)", id="binary"),
    pytest.param(_random_undecodable(), "cannot decode as text", id="random-bytes"),
    pytest.param(
        b"Annual report on civil-military support work.\nFunds: 2000 yuan.\n",
        "not a report (no Chinese text)",
        id="english",
    ),
    pytest.param(b"\xff\xfe\x00\xd8", "cannot decode as text", id="bad-utf-16-after-bom"),
]


@pytest.mark.parametrize(("data", "reason"), BAD)
def test_bad_input(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad_input.txt"
    path.write_bytes(data)
    with pytest.raises(ReadError) as info:
        read_document(path)
    message = str(info.value)
    assert "bad_input.txt" in message
    assert reason in message
    assert "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match=r"nope\.txt: cannot read"):
        read_document(tmp_path / "nope.txt")


# ---------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------

DEBRIS_ALPHABET = st.sampled_from(
    list("双拥万亿元余多名人年个 \u3000\u00a0\t\n\r１２３．％，。、0123456789.,()（）wàn…-")
    + list("萬億雙擁餘「」")
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_read_bytes_never_crashes(data: bytes) -> None:
    try:
        src = read_bytes(data, "fuzz.txt")
    except ReadError as exc:
        assert str(exc).startswith("fuzz.txt: ")
        return
    assert_source(src)


@settings(max_examples=300, deadline=None)
@given(st.text(DEBRIS_ALPHABET, max_size=80).map(lambda s: s.encode("utf-8")))
def test_read_bytes_on_debris(data: bytes) -> None:
    try:
        src = read_bytes(data, "fuzz.txt")
    except ReadError:
        return
    assert_source(src)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=200), st.text(DEBRIS_ALPHABET, max_size=200)))
def test_repair_invariants(raw: str) -> None:
    clean, origin, repairs = repair(raw)
    assert repairs >= 0
    assert_origin(raw, clean, origin)


# ---------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_corpus_reads(path: Path) -> None:
    src = read_document(path)
    assert src.encoding == "utf-8"
    assert not src.traditional
    assert src.name == path.name
    assert src.raw == path.read_text(encoding="utf-8")
    assert len(src.sha256) == 64
    assert_source(src)


@pytest.mark.parametrize(
    ("file", "needle", "line"),
    [
        pytest.param(
            "001_dd27260898970e37.txt", "\n张掖市创建双拥模范城（县）工作综述", 41, id="001-title"
        ),
        pytest.param("000_2a9cdd382f62b7c7.txt", "2000余万元", 35, id="000-repaired-number"),
        pytest.param("003_c99c98e8b1192775.txt", "军人9人", 19, id="003-joined-number"),
    ],
)
def test_corpus_line_of(file: str, needle: str, line: int) -> None:
    src = read_document(CORPUS / file)
    index = src.clean.index(needle) + (1 if needle.startswith("\n") else 0)
    assert src.line_of(index) == line


def test_line_break_units_come_from_the_quantity_grammar() -> None:
    """Every unit and multiplier the claims know rejoins across a line break (one table)."""
    from etl.numbers import QuantityGrammar

    grammar = QuantityGrammar.shipped()
    for word in [*grammar.units, *grammar.multipliers]:
        clean, _, _ = repair(f"投入资金3\n{word}元")
        assert clean == f"投入资金3{word}元", word


def test_acres_broken_across_lines_are_not_funds() -> None:
    """`3千余⏎亩` is land, not 3000 yuan: the unit must survive the line break."""
    from etl.claims import extract_claims

    clean, _, _ = repair("累计投入土地3千余\n亩，建设双拥主题公园。")
    assert [c.metric for c in extract_claims(clean, 2023) if c.metric == "funds"] == []

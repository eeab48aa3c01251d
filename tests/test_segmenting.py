"""Tests for ``etl.segmenting`` and ``etl.dating``.

The corpus tests read the documents as UTF-8 and pass them on unchanged: the reading stage
is developed in parallel, and the segmenter must not depend on its repairs.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.dating import article_date, parse_date
from etl.models import Segmentation
from etl.segmenting import SegmentingRules, _marker_lines, _split_lines, segment

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD = ROOT / "tests" / "gold" / "articles.jsonl"


def _gold_by_file() -> dict[str, list[dict[str, Any]]]:
    by_file: dict[str, list[dict[str, Any]]] = {}
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if line.strip():
            article = json.loads(line)
            by_file.setdefault(article["file"], []).append(article)
    return by_file


GOLD_BY_FILE = _gold_by_file()


def _read(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def _corpus_file(prefix: str) -> str:
    return next(p.name for p in sorted(CORPUS.glob(f"{prefix}_*.txt")))


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _check_invariants(text: str, seg: Segmentation) -> None:
    """Segments are ordered, non-overlapping and inside the text."""
    previous_end = 0
    for article in seg.articles:
        assert previous_end <= article.start <= article.body_start <= article.end <= len(text)
        assert article.start < article.end
        previous_end = article.end


# --------------------------------------------------------------------------- corpus vs gold


@pytest.mark.parametrize("name", sorted(GOLD_BY_FILE), ids=lambda n: n[:3])
def test_corpus_articles_match_gold(name: str) -> None:
    text = _read(name)
    seg = segment(text)
    _check_invariants(text, seg)
    found = {_line(text, a.start): a for a in seg.articles}
    gold = {g["start_line"]: g for g in GOLD_BY_FILE[name]}
    assert sorted(found) == sorted(gold), "article start lines (missing or spurious)"
    for line_no, g in gold.items():
        article = found[line_no]
        assert article.title == g["title"], line_no
        gold_date = date.fromisoformat(g["date"]) if g["date"] else None
        assert article.date == gold_date, line_no
        got_date, year, _ = article_date(
            article.date, text[article.start : article.end], seg.document_year
        )
        assert got_date == gold_date, line_no
        assert year == g["year"], line_no


def test_001_toc_fully_present() -> None:
    seg = segment(_read(_corpus_file("001")))
    assert len(seg.toc_entries) == 34
    assert seg.missing_from_body == []
    assert seg.toc_entries[0] == "张掖市创建双拥模范城（县）工作综述"  # page number "1" removed
    assert seg.truncated is False


def test_004_toc_lists_more_than_body_holds() -> None:
    seg = segment(_read(_corpus_file("004")))
    assert len(seg.toc_entries) == 27
    assert len(seg.missing_from_body) == 25
    assert "白云区扎实推进双拥工作综述" in seg.missing_from_body
    assert seg.truncated is True
    assert len(seg.articles) == 2


@pytest.mark.parametrize(
    ("prefix", "year"),
    [
        pytest.param("000", 2024, id="000-letter-doc-number"),
        pytest.param("001", None, id="001-compilation"),
        pytest.param("002", None, id="002-newspaper"),
        pytest.param("003", None, id="003-flattened-page"),
        pytest.param("004", None, id="004-compilation-cut"),
    ],
)
def test_document_year(prefix: str, year: int | None) -> None:
    assert segment(_read(_corpus_file(prefix))).document_year == year


@pytest.mark.parametrize(
    ("prefix", "year"),
    [
        pytest.param("002", 2023, id="002-latest-event-2023"),
        pytest.param("003", 2020, id="003-2020-events"),
    ],
)
def test_inferred_year_of_undated_documents(prefix: str, year: int) -> None:
    text = _read(_corpus_file(prefix))
    seg = segment(text)
    article = seg.articles[0]
    assert article_date(article.date, text[article.start : article.end], None) == (
        None,
        year,
        True,
    )


# --------------------------------------------------------------------------- parse_date


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("（2023年8月3日）", date(2023, 8, 3), id="fullwidth-brackets"),
        pytest.param("(2024年8月1日)", date(2024, 8, 1), id="ascii-brackets"),
        pytest.param("(2024年11月20日)", date(2024, 11, 20), id="two-digit-month"),
        pytest.param("（2023 年 8 月 3 日）", date(2023, 8, 3), id="stray-spaces"),
        pytest.param("（２０２３年８月３日）", date(2023, 8, 3), id="fullwidth-digits"),
        pytest.param("　　2023年7月31日 ", date(2023, 7, 31), id="bare-indented"),
        pytest.param("2023-08-03", date(2023, 8, 3), id="iso"),
        pytest.param("2023.8.3", date(2023, 8, 3), id="dotted"),
        pytest.param("二〇二三年八月三日", date(2023, 8, 3), id="chinese-numerals"),
        pytest.param("二〇二四年十一月二十日", date(2024, 11, 20), id="chinese-numerals-tens"),
        pytest.param("（2023年2月30日）", None, id="impossible-date"),
        pytest.param(
            "2023年3月7日市委、市政府组织召开全国双拥模范城市创建动员会", None, id="caption"
        ),
        pytest.param("2023年以来", None, id="period"),
        pytest.param("（2023年8月）", None, id="no-day"),
        pytest.param("", None, id="empty"),
    ],
)
def test_parse_date(line: str, expected: date | None) -> None:
    assert parse_date(line) == expected


# --------------------------------------------------------------------------- article_date


@pytest.mark.parametrize(
    ("segment_date", "text", "document_year", "expected"),
    [
        pytest.param(
            date(2023, 8, 3),
            "4年来，29名计划分配军转干部……2024年",
            2025,
            (date(2023, 8, 3), 2023, False),
            id="printed-date-wins",
        ),
        pytest.param(
            None,
            "特别是 2022 年 11 月，在疫情最吃紧的关键时刻",
            2024,
            (None, 2024, False),
            id="document-number-year",
        ),
        pytest.param(
            None,
            "镜头二:2023年6月1日,许昌市召开双 拥工作领导小组全体会议",
            None,
            (None, 2023, True),
            id="dated-event",
        ),
        pytest.param(
            None,
            "2020年以来,连年超额完成任务。2023年以来,许昌市党委高度重视",
            None,
            (None, 2023, True),
            id="since-year",
        ),
        pytest.param(
            None,
            "2019年,我市被省委、省政府命名为“山西省双拥模范城”。力争到2025年实现全覆盖",
            None,
            (None, 2019, True),
            id="target-year-ignored",
        ),
        pytest.param(
            None,
            "锚定2035年远景目标，2021年，全市开展“十四五”双拥规划编制",
            None,
            (None, 2021, True),
            id="vision-year-ignored",
        ),
        pytest.param(
            None,
            "制定《张掖市“十四五”退役军人服务保障规划（2021—2025年）》，2022年投入资金",
            None,
            (None, 2022, True),
            id="plan-title-ignored",
        ),
        pytest.param(
            None,
            "2025年前建成服务站。截至2023年底，全市建成服务站1018个",
            None,
            (None, 2023, True),
            id="by-year-ignored-as-of-kept",
        ),
        pytest.param(
            None,
            "出台《2024年双拥工作要点》，2023年前三季度走访慰问官兵",
            None,
            (None, 2023, True),
            id="first-quarters-kept",
        ),
        pytest.param(
            None,
            "２０２２年６月，杨根思双拥广场建成",
            None,
            (None, 2022, True),
            id="fullwidth-digits",
        ),
        pytest.param(
            None,
            "二〇二二年，我市再次荣获全国双拥模范城",
            None,
            (None, 2022, True),
            id="chinese-numeral-year",
        ),
        pytest.param(
            None,
            "鱼水情深，历久弥新。去年5月建立服务中心",
            None,
            (None, None, False),
            id="no-year",
        ),
    ],
)
def test_article_date(
    segment_date: date | None,
    text: str,
    document_year: int | None,
    expected: tuple[date | None, int | None, bool],
) -> None:
    assert article_date(segment_date, text, document_year) == expected


# --------------------------------------------------------------------------- synthetic documents

BODY = "　　近年来，我市坚持以创建双拥模范城为抓手，投入资金150余万元。\n"


def test_toc_lists_three_body_holds_two() -> None:
    text = (
        "某年双拥工作经验材料汇编\n"
        "目  录\n"
        "1.甲市双拥工作综述……………………1\n"
        "2.乙县双拥工作纪实……………………5\n"
        "3.丙区双拥工作走笔……………………9\n"
        "\n"
        "甲市双拥工作综述\n"
        "（2023年8月3日）\n" + BODY + BODY + "丙区双拥工作走笔\n"
        "(2023年7月1日)\n" + BODY
    )
    seg = segment(text)
    _check_invariants(text, seg)
    assert seg.toc_entries == ["甲市双拥工作综述", "乙县双拥工作纪实", "丙区双拥工作走笔"]
    assert seg.missing_from_body == ["乙县双拥工作纪实"]
    assert [(_line(text, a.start), a.title, a.date) for a in seg.articles] == [
        (7, "甲市双拥工作综述", date(2023, 8, 3)),
        (11, "丙区双拥工作走笔", date(2023, 7, 1)),
    ]
    first = seg.articles[0]
    assert text[first.body_start :].startswith(BODY)
    assert first.end == seg.articles[1].start


def test_toc_entries_run_together_and_body_spelling_differs() -> None:
    text = (
        "目 录\n"
        "一、市级\n"
        "1.甲市创建双拥模范城(县)综述………3 2.乙县双拥工作综述……………7二、县级\n"
        "3. 丙区双拥办、 丙区退役军人事务局工作综述………9\n"
        "甲市创建双拥模范城（县）工作综述\n"
        + BODY
        + BODY
        + "丙区双拥办、丙区退役军人事务局工作综述9\n"
        + BODY
    )
    seg = segment(text)
    assert seg.toc_entries == [
        "甲市创建双拥模范城(县)综述",
        "乙县双拥工作综述",
        "丙区双拥办、 丙区退役军人事务局工作综述",
    ]
    assert seg.missing_from_body == ["乙县双拥工作综述"]
    assert [(_line(text, a.start), a.title) for a in seg.articles] == [
        (5, "甲市创建双拥模范城（县）工作综述"),
        (8, "丙区双拥办、丙区退役军人事务局工作综述"),  # page number stuck at the end removed
    ]


@pytest.mark.parametrize(
    "toc",
    [
        pytest.param("目　录\n甲市双拥工作综述 1\n乙县双拥工作纪实 5\n\n", id="plain-page-numbers"),
        pytest.param(
            "甲市双拥工作综述··········1\n乙县双拥工作纪实··········5\n丙区工作走笔·········9\n",
            id="leaders-without-marker",
        ),
        pytest.param(
            "目录\n1.甲市双拥工作综述……12.乙县双拥工作纪实……5\n", id="page-glued-to-number"
        ),
    ],
)
def test_toc_variants(toc: str) -> None:
    text = toc + "甲市双拥工作综述\n（2023年8月3日）\n" + BODY
    seg = segment(text)
    assert seg.toc_entries[:2] == ["甲市双拥工作综述", "乙县双拥工作纪实"]
    assert "乙县双拥工作纪实" in seg.missing_from_body
    assert [a.title for a in seg.articles] == ["甲市双拥工作综述"]


def test_untitled_single_article() -> None:
    text = "\n\n" + BODY + "　　同时，发放优待金2.9亿元。\n"
    seg = segment(text)
    assert len(seg.articles) == 1
    article = seg.articles[0]
    assert _line(text, article.start) == 3
    assert article.title is None
    assert article.date is None
    assert article.body_start == article.start
    assert article.end == len(text)
    assert seg.toc_entries == [] and seg.missing_from_body == []


def test_titled_single_article_without_date() -> None:
    text = "\n双拥工作取得丰硕成果\n\n" + BODY
    (article,) = segment(text).articles
    assert (_line(text, article.start), article.title) == (2, "双拥工作取得丰硕成果")
    assert text[article.body_start :].lstrip("\n").startswith(BODY)


def test_letter_starts_at_reply_title_after_letterhead() -> None:
    text = (
        "\n某市某局文件\n\n某局督办〔2024〕3号\n\n签发人：某某\n\n"
        "对某届某次会议第1号提案的答复\n\n某委员：\n\n" + BODY
    )
    seg = segment(text)
    (article,) = seg.articles
    assert (_line(text, article.start), article.title) == (8, "对某届某次会议第1号提案的答复")
    assert seg.document_year == 2024


def test_no_toc_two_titled_articles_with_date_lines() -> None:
    text = (
        "军民同心鱼水情深\n"
        "甲市双拥工作综述\n"
        "（2023年8月2日）\n" + BODY + "一、凝聚双拥共建向心力\n" + BODY + "双拥花开满山城\n"
        "乙市双拥工作纪实\n"
        "\n"
        "（2023年4月19日）\n" + BODY
    )
    seg = segment(text)
    _check_invariants(text, seg)
    assert [(_line(text, a.start), a.title, a.date) for a in seg.articles] == [
        (2, "甲市双拥工作综述", date(2023, 8, 2)),
        (8, "乙市双拥工作纪实", date(2023, 4, 19)),
    ]
    # The slogan above the second title stays in the first article (the gold convention).
    assert "双拥花开满山城" in text[seg.articles[0].start : seg.articles[0].end]
    assert seg.toc_entries == [] and seg.truncated is False


def test_lead_story_before_a_dated_piece_is_an_article() -> None:
    text = "-我市双拥工作综述\n\n" + BODY + "\n新春走访记\n（2023年1月20日）\n" + BODY
    seg = segment(text)
    assert [(_line(text, a.start), a.title) for a in seg.articles] == [
        (1, "-我市双拥工作综述"),
        (5, "新春走访记"),
    ]


def test_cut_marker_sets_truncated() -> None:
    text = "甲市双拥工作综述\n(2024年11月20日)\n" + BODY + "✂\n\n"
    seg = segment(text)
    assert seg.truncated is True
    assert seg.articles[-1].end == len(text)


@pytest.mark.parametrize("text", ["", "\n\n", " \u3000\r\n\t"], ids=["empty", "newlines", "spaces"])
def test_empty_text_has_no_articles(text: str) -> None:
    seg = segment(text)
    assert seg.articles == []
    assert seg.toc_entries == [] and seg.missing_from_body == []
    assert seg.truncated is False and seg.document_year is None


# --------------------------------------------------------------------------- never raises

_TOKENS = st.sampled_from(
    [
        "\n",
        "\n\n",
        "　　",
        " ",
        "目录",
        "目 录\n",
        "1.",
        "12、",
        "3．",
        "……",
        "...",
        "……12",
        "一、",
        "（一）",
        "甲市双拥工作综述",
        "纪实",
        "答复",
        "（2023年8月3日）",
        "(2024年2月30日)",
        "二〇二三年八月三日",
        "2023年以来",
        "到2025年",
        "《规划（2021—2025年）》",
        "〔2024〕3号",
        "某局督办",
        "。",
        "，",
        "✂",
        "１２３",
        "近年来我市坚持双拥",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_TOKENS | st.text(max_size=3)).map("".join)))
def test_segment_never_raises_and_segments_are_ordered(text: str) -> None:
    seg = segment(text)
    _check_invariants(text, seg)
    for article in seg.articles:
        article_date(article.date, text[article.start : article.end], seg.document_year)
    assert set(seg.missing_from_body) <= set(seg.toc_entries)


@pytest.mark.parametrize(
    "text",
    [
        "前言\n目 录\n1.某市双拥工作综述……3\n",
        "  目录  \n正文",
        "本报告目录如下\n目\n目录\n",  # a marker split over two lines is no marker line
        "目\n录\nCONTENTS\n目  次",
        "甲乙丙\n\n   \n目录",
    ],
)
def test_marker_lines_are_the_lines_the_anchored_marker_matches(text: str) -> None:
    """``_marker_lines`` scans for the marker and tests the lines it touches; it must give
    exactly the lines ``toc_marker_line`` (the whole line is the marker) matches."""
    rules = SegmentingRules.shipped()
    lines = _split_lines(text)
    anchored = [
        bisect_right(lines.start, m.start()) - 1 for m in rules.toc_marker_line.finditer(text)
    ]
    assert list(_marker_lines(lines, text, rules)) == anchored


def test_marker_lines_of_the_corpus() -> None:
    rules = SegmentingRules.shipped()
    total = 0
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        lines = _split_lines(text)
        anchored = [
            bisect_right(lines.start, m.start()) - 1 for m in rules.toc_marker_line.finditer(text)
        ]
        assert list(_marker_lines(lines, text, rules)) == anchored
        total += len(anchored)
    assert total >= 1

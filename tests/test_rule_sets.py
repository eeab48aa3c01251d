"""A second rule set loads beside the shipped one and changes what the stage does.

Each test writes an edited copy of a shipped rule file to ``tmp_path`` (the edit an analyst
would make: a word added to a list, a threshold raised), loads it, and shows that the edit
takes effect while the shipped rules, loaded in the same process, behave as before.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from etl.dating import DatingRules, line_date
from etl.gazetteer import Gazetteer
from etl.page import CHROME, PageRules, line_kind
from etl.pipeline import process
from etl.reading import read_bytes
from etl.rulebook import RULES_DIR
from etl.segmenting import SegmentingRules, segment
from etl.validation import NotAReportError, ReportGate, check_is_report, weigh

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _edited(tmp_path: Path, name: str, anchor: str, replacement: str) -> Path:
    """A copy of ``etl/rules/<name>.yml`` with ``anchor`` replaced, written to ``tmp_path``."""
    text = (RULES_DIR / f"{name}.yml").read_text(encoding="utf-8")
    assert text.count(anchor) == 1, f"{anchor!r} is not in {name}.yml once"
    path = tmp_path / f"{name}.yml"
    path.write_text(text.replace(anchor, replacement), encoding="utf-8")
    return path


# A page whose lead story is followed by a piece titled with a word that is no title suffix
# in the shipped rules (小结), over a bare date line.
TWO_PIECES = (
    "某市双拥工作情况\n\n市委市政府高度重视双拥工作，全市上下形成合力。\n\n"
    "某县拥军优属工作小结\n2023年8月3日\n今年以来，某县认真落实拥军优属各项政策，取得明显成效。\n"
)


def test_segmenting_rules_with_an_added_title_suffix(tmp_path: Path) -> None:
    path = _edited(tmp_path, "segmenting", "  - 事迹材料\n", "  - 事迹材料\n  - 小结\n")
    other = SegmentingRules.from_file(path)

    shipped = segment(TWO_PIECES)
    assert [a.title for a in shipped.articles] == ["某市双拥工作情况"]
    edited = segment(TWO_PIECES, other)
    assert [(a.title, a.date) for a in edited.articles] == [
        ("某市双拥工作情况", None),
        ("某县拥军优属工作小结", date(2023, 8, 3)),
    ]
    # The shipped rules are untouched by loading the other set.
    assert segment(TWO_PIECES) == shipped
    assert SegmentingRules.shipped() is SegmentingRules.shipped()

    # The pipeline passes the rules it is given on to segmenting.
    doc = read_bytes(TWO_PIECES.encode("utf-8"), "two.txt")
    gaz = Gazetteer.load()
    assert len(process(doc, gaz).articles) == 1
    assert [a.title for a in process(doc, gaz, segmenting_rules=other).articles] == [
        "某市双拥工作情况",
        "某县拥军优属工作小结",
    ]


def test_page_rules_with_an_added_chrome_word(tmp_path: Path) -> None:
    path = _edited(tmp_path, "segmenting", "特别声明]", "特别声明, 朗读本文]")
    other = PageRules.from_file(path)

    assert line_kind("朗读本文") is None
    assert line_kind("朗读本文", other) == CHROME
    assert line_kind("朗读本文", PageRules.shipped()) is None


def test_dating_rules_with_an_added_not_page_date_label(tmp_path: Path) -> None:
    path = _edited(tmp_path, "segmenting", "往期回顾]", "往期回顾, 截稿日期]")
    other = DatingRules.from_file(path)
    line = "截稿日期：2023-08-01"

    shipped = line_date(line, "header")
    assert shipped is not None and shipped.date == date(2023, 8, 1)
    assert line_date(line, "header", other) is None
    assert line_date(line, "header", DatingRules.shipped()) == shipped


def test_report_gate_with_a_raised_threshold(tmp_path: Path) -> None:
    path = _edited(tmp_path, "report_gate", "min_density: 3.0\n", "min_density: 900.0\n")
    other = ReportGate.from_file(path)
    report = sorted(CORPUS.glob("*.txt"))[0]
    doc = read_bytes(report.read_bytes(), report.name)

    check_is_report(doc)
    assert weigh(doc.clean, other).density == weigh(doc.clean).density
    with pytest.raises(NotAReportError, match="such terms too rare"):
        check_is_report(doc, other)
    check_is_report(doc, ReportGate.shipped())

"""The report gate, measured both ways on our own rule table (tests/cases/report_gate.json).

Every real-report-shaped snippet (resettlement, pensions, conscription, veterans' affairs,
双拥 news, martyrs, defence) must pass; every non-report, including the traps that name the
army once (a novel about a former soldier, a guide to a 军事博物馆), must be refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from etl.models import SourceText
from etl.reading import read_bytes
from etl.validation import NotAReportError, check_is_report, weigh

CASES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "cases" / "report_gate.json").read_text(encoding="utf-8")
)
CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _doc(text: str) -> SourceText:
    """The text as the reading stage hands it on (Traditional converted, debris removed)."""
    return read_bytes(text.encode("utf-8"), "case.txt")


@pytest.mark.parametrize("case", CASES["reports"], ids=lambda c: c["id"])
def test_real_reports_pass(case: dict[str, str]) -> None:
    doc = _doc(case["text"])
    assert weigh(doc.clean).passes, weigh(doc.clean)
    check_is_report(doc)


@pytest.mark.parametrize("case", CASES["non_reports"], ids=lambda c: c["id"])
def test_non_reports_are_refused(case: dict[str, str]) -> None:
    with pytest.raises(NotAReportError, match=r"case\.txt: not a 双拥 report: "):
        check_is_report(_doc(case["text"]))


def test_rule_table_is_large_enough() -> None:
    assert len(CASES["reports"]) >= 15 and len(CASES["non_reports"]) >= 12


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_sample_corpus_passes(path: Path) -> None:
    check_is_report(read_bytes(path.read_bytes(), path.name))


def test_refusal_says_what_fell_short() -> None:
    with pytest.raises(NotAReportError) as caught:
        check_is_report(_doc(CASES["non_reports"][0]["text"]))
    assert "too few kinds of 双拥 terms" in str(caught.value)

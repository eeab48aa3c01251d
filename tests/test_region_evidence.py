"""Region resolution as weighed evidence: the table in ``tests/cases/regions.json``.

Each case is one failure class seen on real pages (a name inside a word, a venue, a list of
peers, a subject named once, a province's event above a city's story, short names, province
pages), written in our own words, with the complete expected result.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl.gazetteer import Gazetteer, resolve_region

CASES = json.loads((Path(__file__).parent / "cases" / "regions.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES["cases"]])
def test_region_case(gazetteer: Gazetteer, case: dict) -> None:
    found = resolve_region(case["title"], case["body"], gazetteer)
    got = {
        "status": found.status,
        "region": found.region,
        "province": found.province,
        "tier": found.tier,
        "basis": found.basis,
    }
    assert got == case["expected"], found.evidence


def test_every_resolved_answer_says_how_sure_it_is(gazetteer: Gazetteer) -> None:
    for case in CASES["cases"]:
        found = resolve_region(case["title"], case["body"], gazetteer)
        assert (found.confidence is not None) == (found.status == "resolved"), case["id"]

"""End-to-end accuracy on the hand-labelled gold set (a copy of ../shared/gold).

Runs the SPEC's command exactly as outside checks do, ``python -m etl extract``, scores it
with the shared scorer, and holds the figures it reaches (1.00 on every core metric, every
article found, none spurious, region, province, tier and year 100%), so that any fall shows.
The gold set fits the rules it was written beside; ``test_devset.py`` measures the rest.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
CORPUS = sorted((ROOT / "corpus").glob("*.txt"))
MIN_F1 = 1.0
MIN_REGION_ACCURACY = 1.0


def _extract(tmp_path: Path, *flags: str) -> Path:
    out = tmp_path / ("articles.jsonl" if flags else "claims.jsonl")
    with out.open("w", encoding="utf-8") as handle:
        subprocess.run(
            [sys.executable, "-m", "etl", "extract", *flags, *map(str, CORPUS)],
            cwd=ROOT,
            stdout=handle,
            check=True,
        )
    return out


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("gold")
    claims, articles = _extract(tmp), _extract(tmp, "--articles")
    scored = subprocess.run(
        [sys.executable, str(GOLD / "score.py"), "--gold", str(GOLD), "--claims", str(claims),
         "--articles", str(articles), "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(scored.stdout)


@pytest.mark.parametrize(
    "metric",
    ["honour_national", "honour_provincial", "funds", "people_resettled", "children_schooled"],
)
def test_core_metric_f1(figures: dict, metric: str) -> None:
    assert figures["claims"][metric]["f1"] >= MIN_F1, figures["claims"][metric]


def test_every_article_found_none_spurious(figures: dict) -> None:
    articles = figures["articles"]
    assert articles["found"] == articles["gold"]
    assert articles["spurious"] == 0


def test_region_accuracy(figures: dict) -> None:
    assert figures["articles"]["region_accuracy"] >= MIN_REGION_ACCURACY
    assert figures["articles"]["province_accuracy"] >= MIN_REGION_ACCURACY
    assert figures["articles"]["tier_accuracy"] >= MIN_REGION_ACCURACY
    assert figures["articles"]["year_accuracy"] >= MIN_REGION_ACCURACY


def test_extract_output_carries_the_spec_fields(tmp_path: Path) -> None:
    claims = [json.loads(line) for line in _extract(tmp_path).read_text("utf-8").splitlines()]
    spec = {"source", "line", "region", "province", "tier", "year", "metric", "value", "unit",
            "approx", "rate", "period_start", "period_end", "quote"}  # fmt: skip
    assert claims and all(spec <= set(c) for c in claims)
    for claim in claims:  # the quote is text as written in the file, around the number
        assert claim["value_text"] in claim["quote"]

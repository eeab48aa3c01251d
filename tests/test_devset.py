"""The development set (``tests/devset``): documents we wrote in the shapes real pages take.

The sample gold (``tests/gold``) labels the five documents the rules were first written
against, so it measures regressions, not truth. This set is labelled apart from the rules
(its writers did not read them) and covers news items with bylines, newspaper pages,
government posts, portal news, Traditional pages with debris, short names, county work
reports, resettlement reports, journal abstracts, province pages, compilations and honours.

Runs ``python -m etl extract`` exactly as outside checks do, scores it with the shared
scorer, prints a breakdown per kind of document, and holds two lines:

* ``FLOORS``: the figures this version reaches; a fall below them fails.
* ``TARGETS``: issue 7's acceptance figures; those not reached yet are marked xfail with
  the reason, so the gap stays visible in every run instead of being hidden.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "tests" / "devset"
SCORER = ROOT / "tests" / "gold" / "score.py"
NONREPORTS = ROOT / "tests" / "nonreports"
DOCUMENTS = sorted((DEVSET / "corpus").glob("*.txt"))
CORE = ("honour_national", "honour_provincial", "funds", "people_resettled", "children_schooled")

# What this version reaches on the set (raise them as the rules improve, never lower them).
FLOORS = {
    "region_accuracy": 1.0,
    "year_accuracy_stated": 0.99,
    "honour_national": 0.99,
    "honour_provincial": 1.0,
    "funds": 1.0,
    "people_resettled": 0.98,
    "children_schooled": 0.99,
}
# Issue 7's acceptance figures.
TARGETS = {
    "region_accuracy": 0.97,
    "year_accuracy_stated": 0.95,
    **dict.fromkeys(CORE, 0.95),
}


def _extract(files: list[Path], *flags: str) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "etl", "extract", *flags, *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def _score(gold: Path, claims: Path, articles: Path) -> dict:
    done = subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(gold), "--claims", str(claims),
         "--articles", str(articles), "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def _read(name: str) -> list[dict]:
    lines = (DEVSET / name).read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("devset")
    claims = _write_jsonl(tmp / "claims.jsonl", _extract(DOCUMENTS))
    articles_rows = _extract(DOCUMENTS, "--articles")
    articles = _write_jsonl(tmp / "articles.jsonl", articles_rows)
    return {"tmp": tmp, "claims": claims, "articles": articles, "rows": articles_rows}


@pytest.fixture(scope="module")
def figures(extracted: dict) -> dict:
    scored = _score(DEVSET, extracted["claims"], extracted["articles"])
    gold = _read("articles.jsonl")
    stated = [a for a in gold if a.get("year_source") == "stated"]
    folder = extracted["tmp"] / "stated"
    folder.mkdir(exist_ok=True)
    _write_jsonl(folder / "articles.jsonl", stated)
    _write_jsonl(folder / "claims.jsonl", [])
    on_stated = _score(folder, extracted["claims"], extracted["articles"])
    out = {"region_accuracy": scored["articles"]["region_accuracy"]}
    out["year_accuracy_stated"] = on_stated["articles"]["year_accuracy"]
    out.update({m: scored["claims"][m]["f1"] for m in CORE})
    _print_breakdown(extracted, gold)
    print("\ndevelopment set:", json.dumps(out, ensure_ascii=False))
    return out


def _print_breakdown(extracted: dict, gold: list[dict]) -> None:
    """Region, year and claim F1 per kind of document (printed with ``pytest -s``)."""
    claims = _read("claims.jsonl")
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for article in gold:
        by_kind[article.get("kind", "?")].append(article)
    print(f"\n{'kind':<14}{'articles':>9}{'region':>8}{'year':>7}  claim F1 by metric")
    for kind, articles in sorted(by_kind.items()):
        folder = extracted["tmp"] / f"kind-{kind}"
        folder.mkdir(exist_ok=True)
        ids = {a["article"] for a in articles}
        _write_jsonl(folder / "articles.jsonl", articles)
        _write_jsonl(folder / "claims.jsonl", [c for c in claims if c["article"] in ids])
        s = _score(folder, extracted["claims"], extracted["articles"])
        f1 = " ".join(f"{m[:8]}={s['claims'][m]['f1']:.2f}" for m in CORE if s["claims"][m]["gold"])
        region, year = s["articles"]["region_accuracy"], s["articles"]["year_accuracy"]
        print(f"{kind:<14}{len(articles):>9}{region:>8.2f}{year:>7.2f}  {f1}")


@pytest.mark.parametrize("measure", list(FLOORS))
def test_devset_holds_its_floor(figures: dict, measure: str) -> None:
    assert figures[measure] >= FLOORS[measure], figures


@pytest.mark.parametrize("measure", list(TARGETS))
def test_devset_meets_the_issue_target(figures: dict, measure: str) -> None:
    if figures[measure] < TARGETS[measure]:
        pytest.xfail(f"known gap: {measure} {figures[measure]:.2f} < {TARGETS[measure]}")


def test_the_set_is_as_large_as_the_issue_asks() -> None:
    claims = _read("claims.jsonl")
    assert len(DOCUMENTS) >= 60 and len(claims) >= 150
    assert {c["metric"] for c in claims} == set(CORE)


def test_no_real_report_is_refused(extracted: dict) -> None:
    found = {Path(a["source"]).name for a in extracted["rows"]}
    refused = sorted(d.name for d in DOCUMENTS if d.name not in found)
    assert not refused, f"the report gate refuses real reports: {refused}"


def test_every_non_report_is_refused() -> None:
    files = sorted(NONREPORTS.glob("*.txt"))
    assert len(files) >= 10
    loaded = {Path(a["source"]).name for a in _extract(files, "--articles")}
    assert not loaded, f"loaded as reports: {sorted(loaded)}"

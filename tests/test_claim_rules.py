"""Every rule of the claims extractor, as tables of real phrases.

Three tables run here: the examples written beside each rule in ``etl/rules/metrics.yml``
(so a rule and its documentation cannot drift apart), ``cases/claims.json`` (phrases with
their expected value, approximation, rate flag, period and category), and
``cases/traditional_debris.json`` (Traditional Chinese and PDF debris, read through
``etl.reading`` first, as a real file would be).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from etl.claims import extract_claims
from etl.metric_rules import RULE_KEYS
from etl.models import ClaimMatch
from etl.reading import read_bytes
from etl.rulebook import RULES_DIR, rule_file

METRICS = rule_file("metrics")

CASES = Path(__file__).parent / "cases"


def _load(name: str) -> list[dict[str, Any]]:
    return json.loads((CASES / name).read_text(encoding="utf-8"))


def _yaml_examples() -> list[Any]:
    params = []
    for metric, spec in METRICS.items():
        if not isinstance(spec, dict):
            continue
        for i, example in enumerate(spec.get("examples", [])):
            case = {"metric": example.get("metric", metric), "year": 2023, **example}
            params.append(pytest.param(case, id=f"{metric}-{i}-{example['text'][:12]}"))
    return params


def _check(claims: list[ClaimMatch], case: dict[str, Any]) -> None:
    found = [c for c in claims if c.metric == case["metric"]]
    values = [c.value for c in found]
    if case["value"] is None:
        assert not found, f"expected no {case['metric']} claim, got {values}"
        return
    if case.get("present") is False:
        assert case["value"] not in values, f"{case['value']} must not be a claim: {values}"
        return
    matching = [c for c in found if abs(c.value - case["value"]) < 1e-6 * max(1, case["value"])]
    assert matching, f"expected {case['value']} among {values}"
    claim = matching[0]
    for field in ("approx", "rate", "category", "is_part", "period_text"):
        if field in case:
            assert getattr(claim, field) == case[field], field
    if "period" in case:
        assert [claim.period_start, claim.period_end] == case["period"]


def _as_read(text: str) -> str:
    """The phrase as the rules see it once read from a file (debris repaired)."""
    return read_bytes(text.encode("utf-8"), "phrase.txt").clean


@pytest.mark.parametrize("case", _yaml_examples())
def test_rule_file_examples(case: dict[str, Any]) -> None:
    """Each example states the complete result for its metric: every value, and no other."""
    claims = extract_claims(_as_read(case["text"]), case["year"])
    values = [c.value for c in claims if c.metric == case["metric"]]
    expected = case.get("values", [] if case.get("value") is None else [case["value"]])
    assert values == expected, f"expected exactly {expected}, got {values}"
    if expected:
        _check(claims, {**case, "value": expected[0]})


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in _load("claims.json")])
def test_phrases(case: dict[str, Any]) -> None:
    _check(extract_claims(_as_read(case["text"]), case.get("year")), case)


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c["id"]) for c in _load("traditional_debris.json")]
)
def test_traditional_and_debris_phrases(case: dict[str, Any]) -> None:
    doc = read_bytes(case["raw"].encode("utf-8"), "phrase.txt")
    claims = extract_claims(doc.clean, 2023)
    _check(claims, case)
    for claim in claims:  # the number as written is found again in the raw phrase
        raw = doc.raw_slice(claim.value_start, claim.value_end)
        assert raw and raw in case["raw"]


def test_value_and_quote_spans_point_at_the_number() -> None:
    text = "2016年以来，全市投入双拥资金近5.4亿元，安置退役士兵850余名。"
    for claim in extract_claims(text, 2023):
        assert text[claim.value_start : claim.value_end] == claim.value_text
        assert claim.quote_start <= claim.value_start < claim.value_end <= claim.quote_end


def test_every_metric_has_examples_and_negatives() -> None:
    for name in ("funds", "people_resettled", "children_schooled", "honours"):
        examples = METRICS[name]["examples"]
        negative = [e for e in examples if "values" not in e and e["value"] is None]
        assert negative, f"{name} documents no negative"
        assert len(negative) < len(examples), f"{name} documents no positive"


def test_every_rule_key_is_known_and_documented() -> None:
    header = "".join(
        line
        for line in (RULES_DIR / "metrics.yml").read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    )
    used = {key for spec in METRICS.values() if isinstance(spec, dict) for key in spec}
    assert used <= RULE_KEYS, f"keys the code does not know: {used - RULE_KEYS}"
    undocumented = {key for key in RULE_KEYS if f"`{key}`" not in header}
    assert not undocumented, f"keys not explained in metrics.yml's header: {undocumented}"


def _complete(text: str) -> list[list[Any]]:
    claims = extract_claims(_as_read(text), 2023)
    return [[c.metric, c.value, c.approx, c.is_part] for c in claims]


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=c["id"]) for c in _load("claims_complete.json")["cases"]],
)
def test_phrases_with_their_complete_result(case: dict[str, Any]) -> None:
    """Every claim the phrase yields, nothing more: an extra claim fails too."""
    assert _complete(case["text"]) == case["claims"]


def test_a_second_rule_set_loads_beside_the_shipped_one(tmp_path: Path) -> None:
    """Rules are objects passed in, not module state: a test can change a rule file and run
    the extractor on it while the shipped rules stay as they are."""
    from etl.metric_rules import ClaimRules

    for name in ("metrics", "quantities", "fund_categories"):
        (tmp_path / f"{name}.yml").write_text((RULES_DIR / f"{name}.yml").read_text("utf-8"))
    metrics = tmp_path / "metrics.yml"
    metrics.write_text(metrics.read_text("utf-8").replace("negatives: [预计, ", "negatives: ["))
    phrase = "预计下半年还将接收退役士兵1200人左右。"
    assert extract_claims(phrase, 2023) == []
    other = extract_claims(phrase, 2023, rules=ClaimRules.from_dir(tmp_path))
    assert [(c.metric, c.value) for c in other] == [("people_resettled", 1200)]

"""Values that can be trusted: every value finite, and a value beyond its metric's plausible
bound (etl/rules/metrics.yml ``plausible_max``) kept with its quote, marked 可疑, and never
ranked or compared.

The phrases are our own, written as a report would write them.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import duckdb
import pytest

from db import ranking
from etl.claims import extract_claims
from etl.ingest import run_ingest
from etl.metric_rules import ClaimRules
from etl.numbers import find_quantities, parse_numeral
from tests.conftest import CORPUS, flt
from valuation import rule
from valuation.registry import RANKABLE_STATUSES

RULES = ClaimRules.shipped()
GOOD = "000_2a9cdd382f62b7c7.txt"  # 洛阳市 (a prefecture)


def _only(text: str, metric: str) -> float:
    values = [c.value for c in extract_claims(text, 2023) if c.metric == metric]
    assert len(values) == 1, values
    return values[0]


@pytest.mark.parametrize(
    ("text", "metric", "tier", "reason"),
    [
        ("全县投入双拥资金9999亿元", "funds", "county", "县级资金超过1000亿元"),
        ("全市累计投入双拥资金12000亿元", "funds", "prefecture", "地级资金超过1万亿元"),
        ("全省投入双拥经费120000亿元", "funds", "province", "省级资金超过10万亿元"),
        ("共安置退役士兵1200万名", "people_resettled", "county", "人数超过1000万"),
        ("解决军人子女入学入园1100万人", "children_schooled", "prefecture", "人数超过1000万"),
        (
            "已连续十三次荣获“全国双拥模范城”称号",
            "honour_national",
            "prefecture",
            "全国双拥模范命名次数超过已评选的12届",
        ),
        (
            "十五次荣膺“河南省双拥模范城”称号",
            "honour_provincial",
            "county",
            "省级双拥模范命名次数超过12届",
        ),
    ],
)
def test_a_value_beyond_its_bound_is_suspect(
    text: str, metric: str, tier: str, reason: str
) -> None:
    value = _only(text, metric)
    assert RULES.plausibility.reason(metric, value, tier) == f"超出合理范围（{reason}）"


@pytest.mark.parametrize(
    ("text", "metric", "tier"),
    [
        ("全县投入双拥资金9.9亿元", "funds", "county"),
        ("全县投入双拥资金900亿元", "funds", "county"),  # at most 1000亿 for a county
        ("全市累计投入双拥资金9999亿元", "funds", "prefecture"),  # a county's bound, not a city's
        ("共安置退役士兵1200名", "people_resettled", "county"),
        ("解决军人子女入学入园435人", "children_schooled", "county"),
        ("已连续十二次荣获“全国双拥模范城”称号", "honour_national", "prefecture"),
        ("九次荣膺“河南省双拥模范城”称号", "honour_provincial", "prefecture"),
    ],
)
def test_a_value_within_its_bound_is_not_suspect(text: str, metric: str, tier: str) -> None:
    assert RULES.plausibility.reason(metric, _only(text, metric), tier) is None


def test_an_unknown_tier_takes_the_widest_funds_bound() -> None:
    value = _only("投入双拥资金9999亿元", "funds")
    assert RULES.plausibility.reason("funds", value, None) is None
    assert RULES.plausibility.reason("funds", value * 100, None) is not None


def test_a_numeral_too_long_is_found_without_a_value_and_never_raises() -> None:
    for digits in (16, 300, 400, 1_000_000):
        (quantity,) = list(find_quantities("投入资金" + "9" * digits + "万元"))
        assert quantity.overlong == digits
        assert quantity.value == 0.0
        assert parse_numeral("9" * digits) is None
    (ok,) = list(find_quantities("投入资金" + "9" * 15 + "元"))
    assert ok.overlong is None and ok.value == 999999999999999.0
    assert parse_numeral("九" * 300) is None  # a Chinese numeral that long is no figure
    assert parse_numeral("一千二百三十四万五千六百七十八") == 12345678
    reason = RULES.plausibility.reason("funds", 0.0, "county", overlong=400)
    assert reason == "数字过长（400位），不是可信的数额"


def _funds_ranking(db: Path) -> tuple[list[tuple], list[tuple]]:
    """The funds ranking of prefectures, stored and computed from the claims."""
    f = flt(metric="funds", tier="prefecture", scope="all")
    with duckdb.connect(str(db), read_only=True) as con:
        stored = ranking.region_values(con, f, year=0)
        claims = ranking.ranking_claims(con, f, statuses=RANKABLE_STATUSES, rule_columns=True)
    computed = rule.rank(claims, "funds").table
    columns = ["region_key", "value", "n_claims"]
    return (
        [tuple(r) for r in stored[columns].itertuples(index=False)],
        [tuple(r) for r in computed[columns].itertuples(index=False)],
    )


def test_a_300_digit_amount_is_kept_suspect_and_never_ranked(tmp_path: Path) -> None:
    """投入资金999…9万元 (300 digits) beside a good report on the same city: nothing infinite
    in the database, the good file's ranking unchanged, the claim present and 可疑."""
    good, both = tmp_path / "good", tmp_path / "both"
    good.mkdir()
    both.mkdir()
    (good / GOOD).write_bytes((CORPUS / GOOD).read_bytes())
    (both / GOOD).write_bytes((CORPUS / GOOD).read_bytes())
    (both / "bad.txt").write_text(
        "洛阳市2023年双拥工作总结\n\n"
        "2023年，洛阳市召开双拥工作领导小组会议，部署全市拥军优属、拥政爱民工作。"
        f"全市投入资金{'9' * 300}万元用于双拥工作，"
        "全市共安置退役士兵1200万名，走访慰问驻地部队和优抚对象。\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    assert run_ingest([good], tmp_path / "good.duckdb", err, progress=False) == 0, err.getvalue()
    assert run_ingest([both], tmp_path / "both.duckdb", err, progress=False) == 0, err.getvalue()

    before, after = (
        _funds_ranking(tmp_path / "good.duckdb"),
        _funds_ranking(tmp_path / "both.duckdb"),
    )
    assert before[0] == before[1] and after[0] == after[1]  # stored = computed
    assert after == before and before[0]

    with duckdb.connect(str(tmp_path / "both.duckdb"), read_only=True) as con:
        values = [v for (v,) in con.execute("SELECT value FROM claims").fetchall()]
        assert all(math.isfinite(v) and v >= 0 for v in values)
        assert con.execute(
            "SELECT count(*) FROM region_values WHERE NOT isfinite(value)"
        ).fetchone() == (0,)
        bad = con.execute(
            "SELECT metric, value, suspect, suspect_reason, quote FROM claims"
            " WHERE source = 'bad.txt' ORDER BY claim_id"
        ).fetchall()
        assert [(m, s, r) for m, _, s, r, _ in bad] == [
            ("funds", True, "数字过长（300位），不是可信的数额"),
            ("people_resettled", True, "超出合理范围（人数超过1000万）"),
        ]
        assert "9" * 300 in bad[0][4]
        assert con.execute(
            "SELECT count(*) FROM claims WHERE suspect IS NOT FALSE AND source <> 'bad.txt'"
        ).fetchone() == (0,)
        roles = con.execute(
            "SELECT count(*) FROM claim_roles r JOIN claims c USING (claim_id) WHERE c.suspect"
        ).fetchone()
        assert roles == (0,)


def test_an_older_database_gains_the_columns_with_no_claim_suspect() -> None:
    from db import write

    con = duckdb.connect()
    write.create_schema(con)
    con.execute("ALTER TABLE claims DROP COLUMN suspect_reason")
    con.execute("ALTER TABLE claims DROP COLUMN suspect")
    con.execute(
        "INSERT INTO claims (claim_id, article_id, doc_id, source, line, claim_line, metric,"
        " value, unit, approx, rate, is_part, value_text, quote, quote_start, quote_end,"
        " value_start, value_end) VALUES (1, 1, 1, 'a.txt', 1, 1, 'funds', 5, '元', 'exact',"
        " false, false, '5元', '5元', 0, 2, 0, 2)"
    )
    write.create_schema(con)
    assert con.execute("SELECT suspect, suspect_reason FROM claims").fetchall() == [(False, None)]


def test_the_card_and_the_claims_table_say_why_a_claim_is_suspect() -> None:
    import pandas as pd

    from dashboard_lib import evidence, tables

    reason = "超出合理范围（县级资金超过1000亿元）"
    row = {
        "claim_id": 1, "region": "某县", "year": 2023, "metric": "funds", "value": 9.999e11,
        "unit": "元", "approx": "exact", "quote": "全县投入双拥资金9999亿元",
        "period_start": None, "period_end": None, "rate": False, "is_part": False,
        "category": None, "province": "河南省", "tier": "county", "region_status": "resolved",
        "value_text": "9999亿元", "title": "某县双拥工作", "date": None, "source": "a.txt",
        "claim_line": 3, "suspect": True, "suspect_reason": reason,
    }  # fmt: skip
    plain = {**row, "claim_id": 2, "value": 5e6, "suspect": False, "suspect_reason": None}
    shown = tables.claims_table(pd.DataFrame([row, plain]))
    assert list(shown["可疑"]) == [f"可疑：{reason}", ""]
    assert shown["显示值"].iloc[0] == "9999亿元"
    card = evidence.card_html({**row, "quote_start": 0, "quote_end": 13})
    assert f"可疑：{reason}" in card
    assert "可疑" not in evidence.card_html({**plain, "quote_start": 0, "quote_end": 13})


def test_the_rule_leaves_suspect_claims_out_in_the_kernel_and_the_reference() -> None:
    """A 可疑 claim, or a value not finite, counts for nothing: the rule on the frame equals
    the rule on the frame without it (ranking, roles and the unplaced count), in the kernel
    and the reference."""
    import numpy as np

    from tests.test_valuerule_equivalence import assert_same, random_frame
    from valuation import reference
    from valuation.registry import RANKED_METRICS

    rng = np.random.default_rng(11)
    for _ in range(60):
        claims = random_frame(rng)
        claims["suspect"] = rng.random(len(claims)) < 0.2
        claims["value"] = claims["value"].where(~claims["suspect"], 1e300)
        # a database ingested before values were checked: inf, not marked suspect
        infinite = rng.random(len(claims)) < 0.05
        claims["value"] = claims["value"].where(~infinite, math.inf)
        kept = ~claims["suspect"] & ~infinite
        trusted = claims[kept].drop(columns=["suspect"]).reset_index(drop=True)
        for metric in RANKED_METRICS:
            kernel = rule.rank(claims, metric)
            assert_same(kernel, reference.rank(claims, metric))
            assert_same(kernel, rule.rank(trusted, metric))

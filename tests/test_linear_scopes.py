"""Scopes bounded in characters: a sentence of a megabyte reads like ordinary sentences.

Correctness only; the time it takes is measured by ``bench/bench_linear.py``.
"""

from __future__ import annotations

from etl.claims import extract_claims
from etl.clauses import CLAUSE_SCOPE_CHARS, SENTENCE_SCOPE_CHARS, ArticleText

# Clauses that each say all their figure needs: the trigger, the subject and the spending
# keyword stand in the clause itself, and none states a period (a period governs the figures
# after it in its sentence, so there one sentence and many must differ).
SELF_CONTAINED = [
    "市财政投入优抚资金120万元",
    "安置退役士兵35名",
    "解决军人子女入学48人",
    "发放义务兵家庭优待金300万元",
    "连续八次荣获全国双拥模范城称号",
    "走访慰问困难退役军人1200人次",
    "筹措慰问金86万元",
]
REPEATS = 40  # about 4,000 characters: ten times the sentence scope


def _text(separator: str) -> str:
    return separator.join(SELF_CONTAINED * REPEATS) + "。"


def test_one_long_sentence_claims_what_its_clauses_claim_as_sentences() -> None:
    one = _text("，")
    ended = _text("。")
    assert len(one) > 8 * SENTENCE_SCOPE_CHARS
    assert len(one) == len(ended)  # same offsets: the claims compare field by field
    one_claims = extract_claims(one, 2023)
    assert one_claims == extract_claims(ended, 2023)
    per_round = extract_claims("，".join(SELF_CONTAINED) + "。", 2023)
    assert len(per_round) == 6  # funds ×3, people, children, honours: the rules read them
    assert len(one_claims) == len(per_round) * REPEATS
    # The first round's claims are those of the clauses on their own.
    assert one_claims[: len(per_round)] == per_round


def test_scopes_are_bounded_in_characters_and_whole_on_ordinary_sentences() -> None:
    long_sentence = "，".join(SELF_CONTAINED * REPEATS) + "。"
    bounds = ArticleText(long_sentence)
    middle = len(long_sentence) // 2
    scope = bounds.sentence(middle)
    assert scope.start <= middle < scope.end
    assert scope.end - scope.start <= 2 * SENTENCE_SCOPE_CHARS
    assert long_sentence[scope.start - 1] == "，"  # whole clauses
    assert bounds.full_sentence(middle).end - bounds.full_sentence(middle).start == len(
        long_sentence
    )
    no_commas = "投入资金" * (CLAUSE_SCOPE_CHARS) + "120万元"
    clause = ArticleText(no_commas).clause(len(no_commas) - 5)
    assert clause.end - clause.start <= 2 * CLAUSE_SCOPE_CHARS
    ordinary = "2020年以来，市财政投入优抚资金120万元，安置退役士兵35名。解决军人子女入学48人。"
    bounds = ArticleText(ordinary)
    for pos in range(len(ordinary)):
        assert bounds.sentence(pos) == bounds.full_sentence(pos)


def test_period_patterns_bounded_on_runs_read_the_same_phrases() -> None:
    """year_range and n_years were rewritten so that a run of digits or of spaces is
    scanned once (no backtracking per position); the phrases they read are unchanged."""
    from etl.periods import PeriodGrammar

    grammar = PeriodGrammar.shipped()
    for text, rule, start, end in [
        ("2016 年 至 2020 年", "year_range", 2016, 2020),
        ("2016至2020年", "year_range", 2016, 2020),
        ("2016-2020年", "year_range", 2016, 2020),
        ("近5 年来", "n_years", 2019, 2023),
        ("3年来", "n_years", 2021, 2023),
        ("近十年来", "n_years", 2014, 2023),
    ]:
        found = grammar.find(text, 0, len(text), 2023)
        assert [(p.rule, p.start, p.end, p.text) for p in found] == [(rule, start, end, text)]
    run = "1" * 5000 + "年来，" + "2016" + " " * 5000
    assert [p.rule for p in grammar.find(run, 0, len(run), 2023)] == ["n_years"]

"""The query layer and the read-only connection, on the synthetic database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from dashboard_lib.formatting import highlight_claim, highlight_quote
from db import claims, overview, ranking
from db.connection import (
    DatabaseBroken,
    DatabaseBusy,
    DatabaseMissing,
    ReadOnlyDatabase,
    connect_readonly,
)
from db.location import db_path
from tests.conftest import SCRIPT, flt, gold_articles, gold_claims, holding
from valuation.registry import CATEGORISED_METRICS, FUND_CATEGORIES, RANKABLE_STATUSES

HOSTILE = "'; DROP TABLE claims; --"


def _claims_count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM claims").fetchone()
    assert row is not None
    return int(row[0])


# --------------------------------------------------------------------------- overview


def test_totals(con: duckdb.DuckDBPyConnection) -> None:
    t = overview.totals(con)
    articles, every = gold_articles(), gold_claims()
    files = {a["file"] for a in articles}
    provinces = {a["province"] for a in articles if a["province"]}
    years = sorted({a["year"] for a in articles})
    assert (t.documents, t.articles, t.provinces, t.claims) == (
        len(files),
        len(articles),
        len(provinces),
        len(every),
    )
    assert (t.year_min, t.year_max, t.years) == (years[0], years[-1], len(years))
    last = con.execute("SELECT max(ingested_at) FROM documents").fetchall()[0][0]
    assert t.last_ingested == last


def test_claims_per_metric_lists_every_metric(con: duckdb.DuckDBPyConnection) -> None:
    df = overview.claims_per_metric(con)
    assert set(df["metric"]) == {
        "honour_national",
        "honour_provincial",
        "funds",
        "people_resettled",
        "children_schooled",
    }
    expected = Counter(c["metric"] for c in gold_claims())
    assert dict(zip(df["metric"], df["claims"], strict=True)) == expected
    assert df["claims"].sum() == len(gold_claims())


def test_documents_and_unplaced_articles(con: duckdb.DuckDBPyConnection) -> None:
    docs = overview.documents(con)
    per_file = Counter(c["file"] for c in gold_claims())
    assert dict(zip(docs["source"], docs["claims"], strict=True)) == per_file
    unplaced = overview.unplaced_articles(con).set_index("region_status")
    assert set(unplaced.index) == {"ambiguous", "blanked", "not_found"}
    assert unplaced.loc["ambiguous", "candidates"] == "城关区（西藏自治区）、城关区（甘肃省）"
    assert set(unplaced.loc["not_found", "region"]) == {  # tests/gold/NOTES.md: not real
        a["region"] for a in gold_articles() if a["status"] == "not_found"
    }


def test_options_come_from_the_data(con: duckdb.DuckDBPyConnection) -> None:
    opts = overview.options(con, CATEGORISED_METRICS)
    articles = gold_articles()
    assert opts.provinces == tuple(sorted({a["province"] for a in articles if a["province"]}))
    assert opts.years == tuple(sorted({a["year"] for a in articles}))
    # Every category of fund_categories.yml is spent on somewhere in the corpus.
    assert opts.categories == tuple(sorted(FUND_CATEGORIES))


# --------------------------------------------------------------------------- rankings


def _ranking(con: duckdb.DuckDBPyConnection, **kw: object) -> set[tuple[str | None, str]]:
    df = ranking.ranking_claims(con, flt(**kw), statuses=RANKABLE_STATUSES)
    regions = df["region"].astype(object).where(df["region"].notna(), None)
    return set(zip(regions, df["region_status"], strict=True))


def test_ranking_claims_never_mix_tiers(con: duckdb.DuckDBPyConnection) -> None:
    rows = _ranking(con, metric="funds", tier="county")
    # The counties that report funds, and the ambiguous 城关区 (a county) to be counted as
    # unplaceable; no prefecture, and not the blanked X市 (a 市).
    counties = {
        (c["region"], "resolved")
        for c in gold_claims()
        if c["tier"] == "county" and c["metric"] == "funds" and c["status"] == "resolved"
    }
    assert len(counties) >= 4
    assert rows == counties | {("城关区", "ambiguous")}


def test_ranking_claims_filter_province_year_category(con: duckdb.DuckDBPyConnection) -> None:
    henan = _ranking(con, metric="honour_national", tier="prefecture", provinces=["河南省"])
    assert {r for r, s in henan if s == "resolved"} == {
        c["region"]
        for c in gold_claims()
        if c["province"] == "河南省" and c["metric"] == "honour_national"
    }
    y2020 = ranking.ranking_claims(
        con, flt(metric="funds", tier="prefecture", years=[2020]), statuses=RANKABLE_STATUSES
    )
    assert set(y2020["year"]) == {2020}
    assert set(y2020["region"]) == {"吕梁市"}  # 003, the one report of 2020
    youfu = ranking.ranking_claims(
        con,
        flt(metric="funds", tier="prefecture", category="preferential_payments"),
        statuses=RANKABLE_STATUSES,
    )
    assert set(youfu["category"]) == {"preferential_payments"}


def test_region_claims_and_regions(con: duckdb.DuckDBPyConnection) -> None:
    df = ranking.region_claims(con, flt(regions=["410200", "甘肃省/陇东市"]), metrics=["funds"])
    assert set(df["region"]) == {"开封市", "陇东市"}
    regions = overview.regions_with_claims(con, RANKABLE_STATUSES)
    assert "城关区" not in set(regions["region"])  # ambiguous: not a region one can pick
    assert "甘肃省/陇东市" in set(regions["region_key"])


# --------------------------------------------------------------------------- claims


def test_claim_table_search_is_literal(con: duckdb.DuckDBPyConnection) -> None:
    assert len(claims.claim_table(con, flt())) == len(gold_claims())
    assert len(claims.claim_table(con, flt(search="%"))) == 0  # no quote holds a %
    assert len(claims.claim_table(con, flt(search="1.6亿元"))) == holding(con, "1.6亿元") >= 2
    found = claims.claim_table(con, flt(search="洛阳"))
    assert len(found) == holding(con, "洛阳")
    # 000 is about 洛阳市 (its region and its title), and other reports name it in passing.
    lo = sum(1 for c in gold_claims() if c["region"] == "洛阳市")
    assert (found["region"] == "洛阳市").sum() == lo
    counties = claims.claim_table(con, flt(tier="county", metrics=["funds"]))
    assert set(counties["tier"]) == {"county"}


FILTERS: list[dict[str, Any]] = [
    {},
    {"search": "洛阳"},
    {"search": "1.6亿元"},
    {"search": "%"},
    {"tier": "county", "metrics": ["funds"]},
    {"provinces": ["河南省", "甘肃省"], "years": [2022, 2023]},
    {"search": HOSTILE},
    {"provinces": [HOSTILE], "tier": HOSTILE, "metrics": [HOSTILE]},
]


@pytest.mark.parametrize("filters", FILTERS, ids=repr)
def test_claim_count_is_the_number_of_rows_of_the_table(
    con: duckdb.DuckDBPyConnection, filters: dict[str, Any]
) -> None:
    assert claims.claim_count(con, flt(**filters)) == len(claims.claim_table(con, flt(**filters)))


def _values(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` as plain values. A page may hold no NULL where the whole table does, so a
    column's dtype can differ (int64 against Int64, an all-NULL text column is object):
    the values are what must agree."""
    return df.astype(object).where(df.notna(), None)


@pytest.mark.parametrize("size", [1, 7, 25, 60, 100])
@pytest.mark.parametrize("filters", FILTERS[:3] + FILTERS[4:6], ids=repr)
def test_pages_partition_the_table_in_order(
    con: duckdb.DuckDBPyConnection, filters: dict[str, Any], size: int
) -> None:
    full = claims.claim_table(con, flt(**filters))
    assert len(full) > 0
    starts = range(0, len(full), size)
    pages = [claims.claim_table(con, flt(**filters), limit=size, offset=start) for start in starts]
    assert [len(p) for p in pages] == [min(size, len(full) - s) for s in starts]
    for start, page in zip(starts, pages, strict=True):
        expected = full.iloc[start : start + size].reset_index(drop=True)
        pd.testing.assert_frame_equal(_values(page), _values(expected))
    ids = pd.concat([p["claim_id"] for p in pages], ignore_index=True).tolist()
    assert ids == full["claim_id"].tolist()


def test_a_page_past_the_end_or_of_no_rows_is_empty(con: duckdb.DuckDBPyConnection) -> None:
    n = len(gold_claims())
    assert claims.claim_table(con, flt(), limit=10, offset=n).empty
    assert claims.claim_table(con, flt(), limit=0).empty
    assert len(claims.claim_table(con, flt(), limit=10, offset=n - 5)) == 5
    assert len(claims.claim_table(con, flt(), offset=n - 10)) == 10  # no limit: the rest


def _article_texts(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    return {
        int(a): str(t) for a, t in con.execute("SELECT article_id, text FROM articles").fetchall()
    }


def test_every_span_points_at_its_value(con: duckdb.DuckDBPyConnection) -> None:
    ids = [int(i) for i in claims.claim_table(con, flt())["claim_id"]]
    ev = claims.evidence(con, ids)
    assert len(ev) == len(gold_claims())
    texts = _article_texts(con)
    for row in ev.to_dict("records"):
        text = texts[int(row["article_id"])]
        assert text[int(row["value_start"]) : int(row["value_end"])] == row["value_text"]
        assert text[int(row["quote_start"]) : int(row["quote_end"])] == row["quote"]
        assert row["quote_start"] <= row["value_start"] < row["value_end"] <= row["quote_end"]
        assert row["article_text"] is None  # the quote holds its number: no text read


def test_a_card_highlighted_from_its_quote_is_the_one_its_article_gives(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Cards are highlighted from the quote when the article's text is not read: the same
    HTML as from the text, for every claim."""
    ids = [int(i) for i in claims.claim_table(con, flt())["claim_id"]]
    ev = claims.evidence(con, ids)
    texts = _article_texts(con)
    spans = ["quote_start", "quote_end", "value_start", "value_end"]
    for row in ev.to_dict("records"):
        fields = [row[s] for s in spans] + [row["quote"], row["value_text"]]
        from_text = highlight_quote(texts[int(row["article_id"])], *fields)
        assert highlight_claim(row["article_text"], *fields) == from_text
        assert "<mark>" in from_text


def test_quote_with_html_comes_back_as_plain_text(con: duckdb.DuckDBPyConnection) -> None:
    df = claims.claim_table(con, flt(search="<script>"))
    assert len(df) == 1
    # SPECIAL: 2023年安排<script>alert(1)</script>专项资金300万元，支持部队建设。
    assert df["quote"].iloc[0] == f"2023年安排{SCRIPT}专项资金300万元"


@pytest.fixture()
def writable(sample_db: Path, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A *writable* copy, so an injection would actually be able to drop the table."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(sample_db, copy)
    connection = duckdb.connect(str(copy), config={"python_enable_replacements": False})
    yield connection
    connection.close()


def test_hostile_filter_values_are_just_strings(writable: duckdb.DuckDBPyConnection) -> None:
    con = writable
    assert claims.claim_table(con, flt(provinces=[HOSTILE])).empty
    assert claims.claim_table(con, flt(search=HOSTILE)).empty
    assert claims.claim_table(con, flt(tier=HOSTILE, metrics=[HOSTILE])).empty
    assert claims.claim_table(con, flt(search=HOSTILE), limit=10, offset=0).empty
    assert claims.claim_count(con, flt(provinces=[HOSTILE], search=HOSTILE)) == 0
    assert ranking.ranking_claims(
        con,
        flt(metric=HOSTILE, tier=HOSTILE, provinces=[HOSTILE], category=HOSTILE),
        statuses=[HOSTILE],
    ).empty
    assert ranking.region_claims(con, flt(regions=[HOSTILE]), metrics=[HOSTILE]).empty
    assert overview.regions_with_claims(con, [HOSTILE]).empty
    assert _claims_count(con) == len(gold_claims())  # the table is still there, untouched


# --------------------------------------------------------------------------- connection


def test_db_path_defaults_and_env(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    assert db_path({}) == root / "data" / "shuangyong.duckdb"
    assert db_path({"SHUANGYONG_DB": "x/y.duckdb"}) == root / "x" / "y.duckdb"
    assert db_path({"SHUANGYONG_DB": str(tmp_path / "a.duckdb")}) == tmp_path / "a.duckdb"


def test_missing_file_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(DatabaseMissing, match="python -m etl ingest"):
        ReadOnlyDatabase(tmp_path / "none.duckdb").run(overview.totals)


def test_a_file_that_is_not_a_database_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(DatabaseBroken, match="etl ingest"):
        connect_readonly(bad)


def test_a_database_without_the_tables_is_reported(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(DatabaseBroken, match="表结构"):
        ReadOnlyDatabase(empty).run(overview.totals)


def _one_value_db(path: Path, value: int) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.execute("INSERT INTO t VALUES (?)", [value])
    con.close()


def _read_x(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT x FROM t").fetchone()
    assert row is not None
    return int(row[0])


def test_reopens_after_the_etl_swaps_the_file(tmp_path: Path) -> None:
    live = tmp_path / "live.duckdb"
    _one_value_db(live, 1)
    db = ReadOnlyDatabase(live)
    assert db.run(_read_x) == 1
    staged = tmp_path / "staged.duckdb"
    _one_value_db(staged, 2)
    os.replace(staged, live)  # what `python -m etl ingest` does
    assert db.run(_read_x) == 2
    db.close()


def test_a_held_write_lock_becomes_a_plain_busy_message(tmp_path: Path) -> None:
    locked = tmp_path / "locked.duckdb"
    _one_value_db(locked, 1)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import duckdb, sys, time
                con = duckdb.connect({str(locked)!r})
                print("locked", flush=True)
                time.sleep(30)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(DatabaseBusy, match="请稍等"):
            connect_readonly(locked, attempts=3, delay=0.05)
        assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()


def test_a_number_outside_its_quote_is_shown_from_its_article(
    writable: duckdb.DuckDBPyConnection,
) -> None:
    """Not a row ingest writes (it cuts each quote around its number), but one an older or
    edited database may hold: the card widens to the number, from the article's text."""
    claim_id, article_id, qs, ve = writable.execute(
        "SELECT claim_id, article_id, quote_start, value_end FROM claims"
        " WHERE value_end - value_start > 1 ORDER BY claim_id LIMIT 1"
    ).fetchall()[0]
    writable.execute(  # the quote now ends inside the number
        "UPDATE claims SET quote = substr(quote, 1, ?), quote_end = ? WHERE claim_id = ?",
        [ve - 1 - qs, ve - 1, claim_id],
    )
    row = claims.evidence(writable, [claim_id]).to_dict("records")[0]
    text = writable.execute("SELECT text FROM articles WHERE article_id = ?", [article_id])
    assert row["article_text"] == text.fetchall()[0][0]
    fields = [row[s] for s in ("quote_start", "quote_end", "value_start", "value_end")]
    html = highlight_claim(row["article_text"], *fields, row["quote"], row["value_text"])
    assert f"<mark>{row['value_text']}</mark>" in html

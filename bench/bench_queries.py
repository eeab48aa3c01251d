"""The dashboard's server-side cost per user interaction, on 1,000,000 synthetic claims.

Not a test: the target (under 100 ms of server time per interaction) is checked here and
the figures written into bench/README.md. The database is generated, never committed: a
real corpus of that size does not exist yet, and the dashboard must stay usable when it
does. Generation is one DuckDB SQL pass (``INSERT … SELECT … FROM range(n)`` with hashed
pseudo-random columns), so the same arguments always give the same database.

    python bench/bench_queries.py [--claims 1000000] [--repeats 30] [--no-write]
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import logging
import os
import platform
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.results_block import write_block  # noqa: E402
from db.connection import ENV_VAR  # noqa: E402
from etl import rankings  # noqa: E402
from etl.gazetteer import Gazetteer  # noqa: E402
from etl.reading import read_document  # noqa: E402

CORPUS = ROOT / "corpus"
SCHEMA = ROOT / "db" / "schema.sql"

# ----------------------------------------------------------------------- generation

# Fund categories in the proportions of the sample corpus (etl/rules/fund_categories.yml).
FUND_CATEGORIES = [
    ("preferential_payments", 68),
    ("forces_aid_to_locals", 45),
    ("veterans_aid", 41),
    ("consolation", 31),
    ("forces_construction", 22),
    ("other", 14),
    ("merit_awards", 12),
    ("memorials", 6),
]
# Names that are no real place (status not_found), as the sample corpus has 陇东市, 闽南市.
FAKE_NAMES = ["陇东市", "闽南市", "江北新市", "滨海新市", "东山市", "南岭市", "西川市", "北原市"]


def filler_sentences() -> list[str]:
    """Sentences of the sample corpus that state no number: the prose between claims.

    Articles built from them have the length and the characters of real reports, which is
    what matters to string scans (ILIKE) and to fetching article text for evidence.
    """
    out: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = read_document(path).clean
        for sentence in re.split(r"[。！？；\n]+", text):
            sentence = sentence.strip(" \t，、：")
            if 12 <= len(sentence) <= 120 and not re.search(r"[0-9０-９]", sentence):
                out.append(sentence)
    return sorted(set(out))


def _cumulative(weights: list[tuple[str, int]]) -> str:
    """A SQL CASE picking a name with probability proportional to its weight from ``u``."""
    total = sum(w for _, w in weights)
    parts, acc = [], 0
    for name, weight in weights:
        acc += weight
        parts.append(f"WHEN u < {acc / total:.6f} THEN '{name}'")
    return "CASE " + " ".join(parts) + f" ELSE '{weights[-1][0]}' END"


GENERATE_SQL = """
CREATE TEMP MACRO rnd(i, salt) AS (hash(i, salt) % 1000000007)::DOUBLE / 1000000007;

-- Regions numbered within their tier in a random order, so an article can pick one by a
-- random index, the low indexes (popular places) spread over the country.
CREATE TEMP TABLE pick AS
SELECT tier, (row_number() OVER (PARTITION BY tier ORDER BY hash(code, 'perm')) - 1)::INTEGER
         AS k,
       code, name, province, prefecture
FROM regions;
CREATE TEMP TABLE tier_n AS SELECT tier, count(*)::INTEGER AS n FROM pick GROUP BY tier;
-- Names several divisions share (城关区, 鼓楼区): what an ambiguous article is called.
CREATE TEMP TABLE shared_names AS
SELECT row_number() OVER (ORDER BY name)::INTEGER - 1 AS k, name,
       list(code ORDER BY code) AS codes, count(DISTINCT province) AS provinces,
       any_value(province) AS province
FROM regions WHERE tier = 'county' GROUP BY name HAVING count(*) > 1;

INSERT INTO documents
SELECT i + 1, printf('%04d_%s.txt', i, md5(i::VARCHAR)[:16]) AS source,
       '/srv/shuangyong/inbox/' || source, sha256(i::VARCHAR),
       CASE WHEN rnd(i, 'enc') < 0.85 THEN 'utf-8'
            WHEN rnd(i, 'enc') < 0.97 THEN 'gb18030' ELSE 'utf-16' END,
       rnd(i, 'trad') < 0.03, 0, $per_doc,
       CASE WHEN rnd(i, 'miss') < 0.05 THEN ['X市双拥工作综述'] ELSE []::VARCHAR[] END,
       rnd(i, 'trunc') < 0.02,
       CASE WHEN rnd(i, 'dy') < 0.92 THEN 2015 + (hash(i, 'year') % 11)::INTEGER END,
       TIMESTAMP '2025-06-01' + to_seconds((hash(i, 'at') % 15000000)::BIGINT)
FROM range($documents) t(i);

-- Articles: $per_doc per document; mostly prefectures (双拥模范城 are cities), popular
-- regions reported far more often than others, a few names not resolved.
CREATE TEMP TABLE art AS
WITH base AS (
  SELECT i, i // $per_doc + 1 AS doc_id, i % $per_doc + 1 AS seq,
         CASE WHEN rnd(i, 'tier') < 0.07 THEN 'province'
              WHEN rnd(i, 'tier') < 0.85 THEN 'prefecture' ELSE 'county' END AS pick_tier,
         rnd(i, 'status') AS s
  FROM range($articles) t(i)
), placed AS (
  SELECT b.*, p.code, p.name, p.province AS p_province, p.prefecture AS p_prefecture
  FROM base b JOIN tier_n n ON n.tier = b.pick_tier
  JOIN pick p ON p.tier = b.pick_tier
   AND p.k = floor(n.n * pow(rnd(b.i, 'region'), 1.3))::INTEGER
)
SELECT p.i, p.doc_id, d.source, p.seq, (8 + 160 * (p.seq - 1))::INTEGER AS line,
       CASE WHEN s < 0.955 THEN 'resolved' WHEN s < 0.975 THEN 'not_found'
            WHEN s < 0.99 THEN 'ambiguous' WHEN s < 0.995 THEN 'blanked'
            ELSE 'unknown' END AS status,
       sn.name AS shared_name, sn.codes AS shared_codes, sn.provinces AS shared_provinces,
       sn.province AS shared_province,
       $fake[1 + (hash(p.i, 'fake') % len($fake))::INTEGER] AS fake_name,
       p.code, p.name, p.p_province, p.p_prefecture, p.pick_tier,
       CASE WHEN rnd(p.i, 'noyear') < 0.005 THEN NULL
            ELSE least(2025, greatest(2015, coalesce(d.document_year,
                      2015 + (hash(p.i, 'y') % 11)::INTEGER)
                  - (rnd(p.i, 'prev') < 0.3)::INTEGER)) END AS year,
       rnd(p.i, 'dated') < 0.8 AS dated,
       ['双拥工作综述', '推进双拥工作高质量发展综述', '创建双拥模范城工作综述',
        '双拥工作总结', '巩固提升双拥模范城工作情况汇报'][1 + (hash(p.i, 't') % 5)::INTEGER]
         AS title_tail
FROM placed p JOIN documents d ON d.doc_id = p.doc_id
LEFT JOIN shared_names sn ON sn.k = hash(p.i, 'amb') % (SELECT count(*) FROM shared_names);

CREATE TEMP TABLE art2 AS
SELECT i + 1 AS article_id, doc_id, source, seq, line, status,
       CASE status WHEN 'resolved' THEN name WHEN 'not_found' THEN fake_name
                   WHEN 'ambiguous' THEN shared_name END AS region,
       CASE status WHEN 'resolved' THEN code END AS region_code,
       CASE status WHEN 'resolved' THEN p_province WHEN 'not_found' THEN p_province
                   WHEN 'ambiguous' THEN CASE WHEN shared_provinces = 1 THEN shared_province END
                   WHEN 'blanked' THEN CASE WHEN rnd(i, 'bp') < 0.5 THEN p_province END
       END AS province,
       CASE status WHEN 'resolved' THEN p_prefecture END AS prefecture,
       CASE status WHEN 'resolved' THEN pick_tier WHEN 'not_found' THEN 'prefecture'
                   WHEN 'ambiguous' THEN 'county' WHEN 'blanked' THEN 'prefecture' END AS tier,
       CASE status WHEN 'resolved' THEN name WHEN 'not_found' THEN fake_name
                   WHEN 'ambiguous' THEN shared_name WHEN 'blanked' THEN 'X市' END
         AS region_as_written,
       CASE status WHEN 'ambiguous' THEN shared_codes END AS region_candidates,
       year,
       CASE WHEN dated AND year IS NOT NULL
            THEN make_date(year, 1 + (hash(i, 'm') % 12)::INTEGER,
                           1 + (hash(i, 'd') % 28)::INTEGER) END AS date,
       coalesce(region_as_written, '') || title_tail AS title
FROM art;

-- Claims: spread over the articles (25 each on average), funds the majority.
CREATE TEMP TABLE cl0 AS
SELECT i, 1 + (hash(i, 'article') % $articles)::INTEGER AS article_id, rnd(i, 'metric') AS m,
       rnd(i, 'cat') AS u, rnd(i, 'value') AS v, rnd(i, 'approx') AS ap,
       rnd(i, 'period') AS pp, rnd(i, 'form') AS pf, rnd(i, 'flag') AS fl
FROM range($claims) t(i);

CREATE TEMP TABLE cl1 AS
SELECT c.*, a.doc_id, a.source, a.line, a.region, a.region_code, a.province, a.tier, a.year,
       CASE WHEN m < 0.65 THEN 'funds' WHEN m < 0.80 THEN 'people_resettled'
            WHEN m < 0.86 THEN 'children_schooled' WHEN m < 0.94 THEN 'honour_national'
            ELSE 'honour_provincial' END AS metric,
       row_number() OVER (ORDER BY c.article_id, c.i)::INTEGER AS claim_id
FROM cl0 c JOIN art2 a ON a.article_id = c.article_id;

CREATE TEMP TABLE cl2 AS
SELECT *,
       metric = 'funds' AND fl < 0.05 AS rate,
       metric IN ('funds', 'people_resettled') AND fl >= 0.05 AND fl < 0.065 AS is_part,
       CASE WHEN metric = 'funds' THEN $category END AS category,
       -- A third of the figures repeat per region (reprints, the same total restated),
       -- so the rule's duplicate handling is exercised as in real compilations.
       CASE WHEN v < 0.33 THEN rnd(hash(coalesce(region, ''), metric, (v * 18)::INTEGER), 'r')
            ELSE rnd(i, 'v2') END AS w,
       CASE WHEN metric LIKE 'honour%' THEN 'exact'
            WHEN ap < 0.73 THEN 'exact' WHEN ap < 0.97 THEN 'over' ELSE 'about' END AS approx,
       CASE WHEN year IS NULL OR metric LIKE 'honour%' THEN NULL
            WHEN pp < CASE metric WHEN 'funds' THEN 0.2 WHEN 'people_resettled' THEN 0.45
                                  ELSE 0.2 END
            THEN CASE WHEN pf < 0.35 THEN 'since' WHEN pf < 0.6 THEN 'years'
                      WHEN pf < 0.85 THEN 'this' WHEN pf < 0.95 THEN 'last' ELSE 'every' END
       END AS form
FROM cl1;

CREATE TEMP TABLE cl3 AS
SELECT *,
       CASE WHEN metric = 'funds' AND rate THEN 50 + 10 * floor(w * 300)
            WHEN metric = 'funds' THEN greatest(10000, round(pow(10, 3.5 + 5.5 * w), -4))
            WHEN metric = 'people_resettled' THEN 1 + floor(pow(10, 3.3 * w))
            WHEN metric = 'children_schooled' THEN 1 + floor(pow(10, 3.0 * w))
            ELSE 1 + floor(w * 10) END::DOUBLE AS value,
       CASE form WHEN 'since' THEN year - 1 - (hash(i, 'since') % 8)::INTEGER
                 WHEN 'years' THEN year - 1 - (hash(i, 'n') % 5)::INTEGER
                 WHEN 'this' THEN year WHEN 'last' THEN year - 1 END AS period_start,
       CASE form WHEN 'since' THEN year WHEN 'years' THEN year
                 WHEN 'this' THEN year WHEN 'last' THEN year - 1 END AS period_end
FROM cl2;

CREATE TEMP TABLE cl4 AS
SELECT *,
       CASE form WHEN 'since' THEN period_start || '年以来'
                 WHEN 'years' THEN (period_end - period_start + 1) || '年来'
                 WHEN 'this' THEN '全年' WHEN 'last' THEN period_start || '年'
                 WHEN 'every' THEN '每年' END AS period_text,
       CASE WHEN approx = 'about' THEN '约' ELSE '' END AS pre_num,
       CASE WHEN approx = 'over' THEN '余' ELSE '' END AS post_num,
       CASE metric WHEN 'funds' THEN '元' WHEN 'honour_national' THEN '次'
                   WHEN 'honour_provincial' THEN '次'
                   ELSE CASE WHEN fl > 0.98 THEN '人次' ELSE '人' END END AS unit
FROM cl3;

CREATE TEMP TABLE cl5 AS
SELECT *,
       CASE WHEN metric LIKE 'honour%'
              THEN ['一','二','三','四','五','六','七','八','九','十'][value::INTEGER] || '次'
            WHEN metric = 'funds' AND value >= 1e8
              THEN pre_num || rtrim(rtrim(printf('%.2f', value / 1e8), '0'), '.')
                   || post_num || '亿元'
            WHEN metric = 'funds' AND value >= 1e4
              THEN pre_num || rtrim(rtrim(printf('%.1f', value / 1e4), '0'), '.')
                   || post_num || '万元'
            WHEN metric = 'funds' THEN pre_num || value::BIGINT || post_num || '元'
            ELSE pre_num || value::BIGINT || post_num || CASE WHEN unit = '人次' THEN '人次'
                                                              ELSE '名' END
       END AS value_text,
       CASE WHEN rate THEN '义务兵家庭优待金标准提高到每人每月'
            WHEN is_part THEN '其中用于' || ['慰问驻地部队', '走访慰问优抚对象',
                                           '帮扶困难退役军人'][1 + (hash(i, 'p') % 3)::INTEGER]
            WHEN metric = 'funds' THEN coalesce(period_text || '，', '')
                 || ['累计投入双拥资金', '落实优抚资金', '发放慰问金', '筹集拥军资金',
                     '投入军民共建资金', '为驻地部队解决经费'][1 + (hash(i, 'vb') % 6)::INTEGER]
            WHEN metric = 'people_resettled' THEN coalesce(period_text || '，', '') || '接收安置'
            WHEN metric = 'children_schooled'
              THEN coalesce(period_text || '，', '') || '解决部队子女入学入园'
            WHEN metric = 'honour_national' THEN '先后'
            ELSE '连续' END AS quote_pre,
       CASE metric WHEN 'people_resettled' THEN '退役军人和军转干部'
                   WHEN 'honour_national' THEN '荣获全国双拥模范城称号'
                   WHEN 'honour_provincial' THEN '荣膺省级双拥模范城称号' ELSE '' END
         AS quote_post,
       CASE metric WHEN 'funds' THEN 'funds' WHEN 'people_resettled' THEN 'people_resettled:trigger'
                   WHEN 'children_schooled' THEN 'children_schooled:trigger' ELSE 'honours' END
         AS rule
FROM cl4;

-- Each claim is one sentence: two sentences of real prose, then the clause it quotes.
CREATE TEMP TABLE cl6 AS
SELECT c.*, quote_pre || value_text || quote_post AS quote,
       f1.s || '。' || f2.s || '，' AS lead,
       CASE WHEN hash(i, 'nl') % 4 = 0 THEN '\n' ELSE '' END AS tail
FROM cl5 c
JOIN filler f1 ON f1.k = hash(c.i, 'f1') % $n_filler
JOIN filler f2 ON f2.k = hash(c.i, 'f2') % $n_filler;

CREATE TEMP TABLE cl7 AS
SELECT *, lead || quote || '。' || tail AS sentence,
       length(a_title.title) + 1 + coalesce(sum(length(lead) + length(quote) + 1 + length(tail))
         OVER (PARTITION BY c.article_id ORDER BY claim_id
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
         + length(lead) AS quote_start,
       coalesce(count(*) FILTER (WHERE tail <> '')
         OVER (PARTITION BY c.article_id ORDER BY claim_id
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS lines_before
FROM cl6 c JOIN (SELECT article_id, title FROM art2) a_title USING (article_id);

INSERT INTO articles (article_id, doc_id, source, seq, line, title, region, region_code,
    province, prefecture, tier, region_status, region_as_written, region_candidates, date,
    year, year_inferred, year_source, text)
SELECT a.article_id, a.doc_id, a.source, a.seq, a.line, a.title, a.region, a.region_code,
       a.province, a.prefecture, a.tier, a.status, a.region_as_written, a.region_candidates,
       a.date, a.year, a.date IS NULL AND a.year IS NOT NULL,
       CASE WHEN a.date IS NOT NULL THEN 'date_line' WHEN a.year IS NOT NULL THEN 'inferred' END,
       a.title || '\n' || coalesce(t.body, '') || f.s || '。'
FROM art2 a
LEFT JOIN (SELECT article_id, string_agg(sentence, '' ORDER BY claim_id) AS body
           FROM cl7 GROUP BY article_id) t USING (article_id)
JOIN filler f ON f.k = hash(a.article_id, 'end') % $n_filler
ORDER BY a.article_id;

INSERT INTO claims
SELECT claim_id, article_id, doc_id, source, line,
       (line + 1 + lines_before)::INTEGER, region, region_code, province, tier, year, metric,
       category, value, unit, approx, rate, is_part, period_start, period_end, period_text,
       value_text, quote, quote_start::INTEGER, (quote_start + length(quote))::INTEGER,
       (quote_start + length(quote_pre))::INTEGER,
       (quote_start + length(quote_pre) + length(value_text))::INTEGER, rule
FROM cl7 ORDER BY claim_id;

UPDATE documents SET n_chars = t.n
FROM (SELECT doc_id, sum(length(text))::INTEGER + 200 AS n FROM articles GROUP BY doc_id) t
WHERE documents.doc_id = t.doc_id;
"""


def generate(
    path: Path, *, claims: int = 1_000_000, articles: int = 40_000, documents: int = 2_000
) -> None:
    """Write a synthetic database with the real schema and the real regions table.

    Distributions follow the sample corpus: funds are about two thirds of all claims,
    most articles report a prefecture, some figures are rates, parts, approximate or carry
    a period, and a few articles name a region that can't be placed. Claim spans point at
    the quote inside the generated article text, so evidence highlighting does real work.
    """
    con = duckdb.connect(str(path))
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        region_rows = pd.DataFrame(Gazetteer.load().rows())
        con.register("region_rows", region_rows)
        con.execute(
            "INSERT INTO regions SELECT code, name, tier, province, prefecture, parent_code "
            "FROM region_rows"
        )
        con.unregister("region_rows")
        fillers = filler_sentences()
        con.execute("CREATE TEMP TABLE filler (k INTEGER, s VARCHAR)")
        con.executemany("INSERT INTO filler VALUES (?, ?)", list(enumerate(fillers)))
        sql = (
            GENERATE_SQL.replace("$category", _cumulative(FUND_CATEGORIES))
            .replace("$fake", "[" + ", ".join(f"'{n}'" for n in FAKE_NAMES) + "]")
            .replace("$n_filler", str(len(fillers)))
            .replace("$per_doc", str(max(1, articles // documents)))
            .replace("$documents", str(documents))
            .replace("$articles", str(articles))
            .replace("$claims", str(claims))
        )
        con.execute(sql)
        rankings.rebuild(con)  # what ingest does last
        con.execute("CHECKPOINT")
    finally:
        con.close()


# ----------------------------------------------------------------------- interactions

PROVINCE = "河南省"  # a province with a typical share of the data (about 4 % of the claims)
YEAR = 2023
TIERS = ("province", "prefecture", "county")
SEARCH = "慰问"  # a verb of many fund quotes: 慰问金, 慰问驻地部队
NATIONWIDE = "全国"
TARGET_MS = 100.0


@dataclass(frozen=True)
class Case:
    """One user interaction: what the page computes on the server when the user does it.

    ``run`` does what the page's script does between two renders, minus Streamlit's own
    widget and element calls: the cached ``dashboard_lib.data`` functions (through their
    cache, which pickles what it stores and unpickles what it hands back), then the page's
    tables, captions and Plotly figure. ``misses`` are the cached functions this
    interaction computes afresh (a new filter combination); everything else the page reads
    is a cache hit, as it is on a real rerun.
    """

    page: str
    name: str
    run: Callable[[], Any]
    size: Callable[[Any], int]
    misses: tuple[Any, ...]
    repeats: int | None = None
    cell: tuple[str, str, str] | None = None  # (metric, tier, scope) of a ranking


@dataclass(frozen=True)
class Timing:
    """Milliseconds of wall-clock time over the repetitions (after the warm-up)."""

    case: Case
    p50: float
    p95: float
    size: int


def _percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def measure(case: Case, repeats: int, warmup: int = 2) -> Timing:
    """Warm up, then time ``case.run`` ``repeats`` times, each a cache miss where it should be."""
    times: list[float] = []
    size = 0
    n = case.repeats or repeats
    gc.collect()  # garbage of earlier cases (or of generating the database) is not this one's
    for i in range(warmup + n):
        for cached in case.misses:
            cached.clear()
        start = time.perf_counter()
        result = case.run()
        elapsed = time.perf_counter() - start
        size = case.size(result)
        if i >= warmup:
            times.append(elapsed * 1000)
    return Timing(case=case, p50=_percentile(times, 50), p95=_percentile(times, 95), size=size)


def _quiet_streamlit() -> None:
    """Outside ``streamlit run`` every cached call warns "No runtime found"; the cache still
    works (in memory, pickled, as on the server), so the warning is noise here."""
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


def cases(db_file: Path) -> list[Case]:
    """Every timed interaction, on the database at ``db_file``."""
    os.environ[ENV_VAR] = str(db_file)
    import streamlit  # noqa: F401  (creates the loggers _quiet_streamlit turns down)

    _quiet_streamlit()
    from dashboard_lib import captions, charts, data, evidence, tables, widgets
    from etl.valuerule import RANKED_METRICS

    key = data.require_database()

    def overview() -> Any:
        db = data.require_database()
        ov = data.overview(db)
        captions.freshness(ov.totals.last_ingested)
        tables.metric_counts(ov.per_metric)
        tables.documents_table(ov.documents)
        tables.unplaced_table(ov.unplaced)
        data.options(db)
        return ov

    def ranking_page(f: widgets.Filters) -> Any:
        db = data.require_database()
        data.options(db)
        result = data.ranking(db, f.metric, f.tier, f.provinces, f.years, f.category)
        table = result.table
        sources = partial(
            data.ranking_sources, db, f.metric, f.tier, f.provinces, f.years, f.category
        )
        if table.empty:
            return result, table, None, sources
        sources = partial(
            data.ranking_sources, db, f.metric, f.tier, f.provinces, f.years, f.category
        )
        bars = min(len(table), widgets.DEFAULT_BARS)  # what widgets.bar_count starts with
        meta = captions.ranking_meta(f, sources, shown=bars, total=len(table))
        fig = charts.ranking_figure(table, meta.title, meta.subtitle, limit=bars)
        charts.camera_config(meta, fig)
        tables.ranking_table(table).head(bars)  # the table; the chart's CSV is made on click
        labels_ = charts.unique_labels(table["region"], table["province"])
        dict(zip(table["region_key"], labels_, strict=True))
        return result, table, meta, sources

    def ranked_claims(state: Any) -> int:
        """The claims behind the ranking (not timed: only an export reads them)."""
        return int(state[3]()["placed"].sum())

    def evidence_cards(db: Any, roles: pd.DataFrame) -> int:
        """What ``evidence.show`` computes: the roles in order, the first page of cards in
        the value and of those left out (their claims and article texts in one query,
        then the HTML)."""
        ordered = evidence._ordered(roles)
        evidence.role_summary(roles)
        used = ordered["role"].isin(["counted", "duplicate"])
        shown = pd.concat([evidence._page(ordered[used], 1), evidence._page(ordered[~used], 1)])
        rows = data.evidence(db, tuple(int(i) for i in shown["claim_id"]))
        cards = tables.evidence_roles(rows, shown)
        evidence.cards_html(cards[cards["role"].isin(["counted", "duplicate"])])
        evidence.cards_html(cards[~cards["role"].isin(["counted", "duplicate"])])
        return len(roles)

    def click(f: widgets.Filters, rank: str) -> Any:
        table = ranking_page(f)[1]
        keys = list(table["region_key"])
        target = keys[0] if rank == "top" else keys[len(keys) // 2]
        db = data.require_database()
        roles = data.ranking_roles(db, f.metric, f.tier, f.provinces, f.years, f.category, target)
        return evidence_cards(db, roles)

    regions = data.regions(key).sort_values("claims", ascending=False, kind="stable")
    prefectures = regions[regions["tier"] == "prefecture"]["region_key"].tolist()
    two = tuple(prefectures[:2])
    eight = tuple(
        prefectures[:5]
        + regions[regions["tier"] == "county"]["region_key"].head(1).tolist()
        + regions[regions["tier"] == "province"]["region_key"].head(1).tolist()
        + regions[~regions["region_key"].str.fullmatch(r"\d{6}")]["region_key"].head(1).tolist()
    )  # five cities, a county, a province and a name that is no real place (not_found)

    def compare(chosen: tuple[str, ...], years: tuple[int, ...] = ()) -> Any:
        db = data.require_database()
        regions_ = data.regions(db)
        data.options(db)
        widgets.region_labels(regions_)
        f = widgets.Filters(regions=chosen, years=years)
        long = data.comparison(db, chosen, years)
        names = list(dict.fromkeys(long["region"].astype(str)))
        sources = partial(data.comparison_sources, db, chosen, years)
        meta = captions.compare_meta(f, names, sources)
        fig = charts.comparison_figure(long, list(RANKED_METRICS), meta.title, meta.subtitle)
        charts.camera_config(meta, fig)
        tables.comparison_csv_frame(long)  # handed to the CSV button, made into CSV on click
        tables.comparison_table(long, list(RANKED_METRICS))
        return long, meta

    def compared_claims(state: Any) -> int:
        return int(state[0]["n_claims"].fillna(0).sum())

    def claims_page(f: widgets.Filters, page: int = 1) -> Any:
        """What the 明细 page computes per rerun: the count and one page, formatted. The
        CSV and Excel files are built only when their button is clicked, so not here."""
        db = data.require_database()
        data.options(db)
        total = data.claim_count(db, f.provinces, f.years, f.tier, f.metrics, f.search)
        if total == 0:
            return total, pd.DataFrame()
        size = data.PAGE_SIZE
        captions.claims_count(total, page, size)
        rows = data.claims_page(db, f.provinces, f.years, f.tier, f.metrics, f.search, page, size)
        tables.claims_table(rows)
        return total, rows

    def matching(state: Any) -> int:
        return int(state[0])

    def claims_row(f: widgets.Filters) -> Any:
        state = claims_page(f)
        claim = state[1].iloc[0]
        cards = data.evidence(data.require_database(), (int(claim["claim_id"]),))
        evidence.cards_html(cards)
        return state

    every = data.claim_count(key, (), (), "", (), "")
    middle = max(1, -(-every // data.PAGE_SIZE) // 2)  # the middle page of the unfiltered table

    out = [
        Case("总览", "load (totals, per metric, documents, unplaced, options)", overview,
             lambda ov: len(ov.documents), (data._overview, data._options)),
    ]  # fmt: skip
    for metric in RANKED_METRICS:
        for tier in TIERS:
            for scope, provinces, years in (
                (NATIONWIDE, (), ()),
                (PROVINCE, (PROVINCE,), ()),
                (f"{YEAR}", (), (YEAR,)),
            ):
                f = widgets.Filters(metric=metric, tier=tier, provinces=provinces, years=years)
                out.append(
                    Case(
                        "排名",
                        f"{metric} · {tier} · {scope}",
                        partial(ranking_page, f),
                        ranked_claims,
                        (data._ranking, data._computed_ranking),
                        cell=(metric, tier, scope),
                    )
                )
    funds = widgets.Filters(metric="funds", tier="prefecture")
    two_years = (YEAR - 1, YEAR)
    out.append(
        Case("排名", f"funds · prefecture · {YEAR - 1}–{YEAR} (several years: rule on the claims)",
             partial(ranking_page, dataclasses.replace(funds, years=two_years)), ranked_claims,
             (data._ranking, data._computed_ranking))
    )  # fmt: skip
    for rank in ("top", "median"):
        out.append(
            Case("排名", f"click: evidence of the {rank} bar (funds · prefecture · nationwide)",
                 partial(click, funds, rank), int, (data._ranking_roles, data._evidence))
        )  # fmt: skip
    comparison_misses = (data._comparison, data._computed_comparison)
    for label, chosen in (("2 regions", two), ("8 regions", eight)):
        out.append(
            Case("对比", label, partial(compare, chosen), compared_claims,
                 comparison_misses)
        )  # fmt: skip
    out.append(
        Case("对比", f"8 regions · {YEAR}", partial(compare, eight, (YEAR,)),
             compared_claims, comparison_misses)
    )  # fmt: skip
    out.append(
        Case("对比", f"8 regions · {YEAR - 1}–{YEAR} (several years: rule on the claims)",
             partial(compare, eight, two_years), compared_claims, comparison_misses)
    )  # fmt: skip
    filtered = widgets.Filters(
        search=SEARCH, metrics=("funds",), provinces=(PROVINCE,), years=(YEAR,)
    )
    searched = widgets.Filters(search=SEARCH, years=(YEAR,))
    out += [
        Case("明细", f"search “{SEARCH}” · funds · {PROVINCE} · {YEAR}",
             lambda: claims_page(filtered), matching, (data._claim_count, data._claims_page)),
        Case("明细", f"search “{SEARCH}” · {YEAR}", lambda: claims_page(searched), matching,
             (data._claim_count, data._claims_page)),
        Case("明细", f"select a row (search “{SEARCH}” · funds · {PROVINCE} · {YEAR})",
             lambda: claims_row(filtered), matching, (data._evidence,)),
        Case("明细", "no filter (count and first page of every claim)",
             lambda: claims_page(widgets.Filters()), matching,
             (data._claim_count, data._claims_page)),
        Case("明细", f"no filter: go to page {middle:,} (count cached)",
             lambda: claims_page(widgets.Filters(), middle), matching, (data._claims_page,)),
    ]  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--db", type=Path, help="reuse (or first create) this database file")
    parser.add_argument("--only", default="", help="time only interactions naming this")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.duckdb"
        generated_s = None
        if not path.exists():
            start = time.perf_counter()
            generate(path, claims=args.claims)
            generated_s = time.perf_counter() - start
            print(f"generated {path} in {generated_s:.1f} s", flush=True)
        counts = _counts(path)
        size_mb = path.stat().st_size / 2**20
        timings = []
        for case in cases(path):
            if args.only not in f"{case.page} {case.name}":
                continue
            timing = measure(case, args.repeats)
            timings.append(timing)
            print(f"{case.page} {case.name:60s} p50 {timing.p50:8.1f}  p95 {timing.p95:8.1f}"
                  f"  n {timing.size:>9,}", flush=True)  # fmt: skip
    report = _report(timings, counts, size_mb, generated_s, args.repeats)
    print(report)
    if not args.no_write and not args.only:
        write_block("queries", report)


def _counts(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            table: int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
            for table in ("documents", "articles", "claims", "regions")
        }


def _ms(timing: Timing) -> str:
    return f"{timing.p50:,.0f} / {timing.p95:,.0f}"


def _mark(timing: Timing) -> str:
    return "" if timing.p95 < TARGET_MS else " ✗"


def _report(timings: list[Timing], counts: dict[str, int], size_mb: float,
            generated_s: float | None, repeats: int) -> str:  # fmt: skip
    """The results block of bench/README.md: other interactions, then the ranking grid."""
    import pandas
    import streamlit

    made = f", generated in {generated_s:.0f} s" if generated_s is not None else ""
    met = sum(t.p95 < TARGET_MS for t in timings)
    lines = [
        f"Measured {date.today().isoformat()} on {platform.machine()}, "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
        f"pandas {pandas.__version__}, Streamlit {streamlit.__version__}, "
        f"{os.cpu_count() or 1} cores (shared, noisy machine).",
        f"Database: {counts['claims']:,} claims, {counts['articles']:,} articles, "
        f"{counts['documents']:,} documents, {counts['regions']:,} regions "
        f"({size_mb:.0f} MiB{made}).",
        f"Wall-clock milliseconds, p50 / p95 of {repeats} repetitions after 2 warm-ups "
        f"(fewer where noted). {met} of {len(timings)} interactions have p95 under "
        f"{TARGET_MS:.0f} ms; ✗ marks the others.",
        "",
        "| page | interaction | rows | p50 / p95 ms |",
        "| --- | --- | ---: | ---: |",
    ]
    for t in timings:
        if t.case.cell is not None:
            continue
        reps = f" ({t.case.repeats} repetitions)" if t.case.repeats else ""
        lines.append(f"| {t.case.page} | {t.case.name}{reps} | {t.size:,} | {_ms(t)}{_mark(t)} |")
    grid = [t for t in timings if t.case.cell is not None]
    if grid:
        scopes = list(dict.fromkeys(t.case.cell[2] for t in grid if t.case.cell))
        lines += [
            "",
            "排名 (one ranking = one metric at one tier; rows = the claims ranked, p50 / p95 ms):",
            "",
            "| metric | tier | " + " | ".join(f"{s} rows | {s} ms" for s in scopes) + " |",
            "| --- | --- |" + " ---: | ---: |" * len(scopes),
        ]
        by_cell = {t.case.cell: t for t in grid}
        rows = list(dict.fromkeys((c[0], c[1]) for c in by_cell if c))
        for metric, tier in rows:
            cells = []
            for scope in scopes:
                found = by_cell.get((metric, tier, scope))
                cells += (
                    ["", ""] if found is None else [f"{found.size:,}", _ms(found) + _mark(found)]
                )
            lines.append(f"| {metric} | {tier} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()

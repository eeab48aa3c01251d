"""Single pages: the headline past the chrome, and the date the page states for itself.

The rule table is ``tests/cases/page_structure.json`` (pages written by us in the shapes
real ones take); every case states the complete expected article head: title, line, date,
year and where the year came from.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from etl.gazetteer import Gazetteer
from etl.page import BYLINE, CHROME, MASTHEAD, META, NAV, line_kind
from etl.pipeline import process
from etl.reading import read_bytes

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "cases" / "page_structure.json").read_text(encoding="utf-8")
)["cases"]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_page_head(case: dict[str, Any], gazetteer: Gazetteer) -> None:
    doc = read_bytes(case["text"].encode("utf-8"), "page.txt")
    (article,) = process(doc, gazetteer).articles
    got = article.spec_dict()
    want = {k: case[k] for k in ("title", "line", "date", "year", "year_source")}
    assert {k: got[k] for k in want} == want
    assert got["year_inferred"] is (case["year_source"] == "inferred")


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        pytest.param("首页 > 新闻中心 > 工作动态", NAV, id="breadcrumb"),
        pytest.param("网站首页 | 政务公开 | 政务服务 | 互动交流", NAV, id="menu-pipes"),
        pytest.param("首页 新闻 政务 民生 视频 专题", NAV, id="menu-spaces"),
        pytest.param("【热门】 彩票开奖查询 | 免费领取流量 | 点击进入>>", NAV, id="spam"),
        pytest.param("字号：大 中 小", CHROME, id="font-size"),
        pytest.param("【打印本页】　【关闭窗口】", META, id="print-close-bracketed"),
        pytest.param("打印本页 关闭窗口", CHROME, id="print-close"),
        pytest.param("主办单位：某某区人民政府办公室　承办：区大数据中心", CHROME, id="site-owner"),
        pytest.param("某ICP备12003456号　某公网安备 50010502000123号", CHROME, id="filing-number"),
        pytest.param("发布时间：2024-04-16 09:30　来源：区退役军人事务局", META, id="publish-time"),
        pytest.param("出处：《某某研究》2023年第4期，第33-37页", META, id="journal-source"),
        pytest.param("2021-09-28  A03版  要闻·综合", META, id="page-line"),
        pytest.param("第02版：区县新闻", META, id="section-page"),
        pytest.param("某退役军人督办〔2024〕3号", META, id="document-number"),
        pytest.param("（记者 某某 通讯员 某某）", META, id="bracketed-byline"),
        pytest.param("本报记者 某某某　通讯员 某某", BYLINE, id="byline"),
        pytest.param("艾力·某某　王某某", BYLINE, id="author-names"),
        pytest.param("某某日报", MASTHEAD, id="newspaper"),
        pytest.param("某某市人民政府门户网站", MASTHEAD, id="government-site"),
        pytest.param("某某市退役军人事务局文件", MASTHEAD, id="letterhead"),
        pytest.param("我区召开双拥工作推进会", None, id="headline"),
        pytest.param("“八一”前夕 军地共话鱼水情", None, id="headline-with-space"),
        pytest.param("军民同心 鱼水情深", None, id="headline-two-phrases"),
        pytest.param("4月15日，某某区召开双拥工作推进会，部署重点任务。", None, id="story"),
    ],
)
def test_line_kind(line: str, kind: str | None) -> None:
    assert line_kind(line) == kind


def test_year_source_is_stored(tmp_path: Path) -> None:
    """The articles table keeps where each year came from, as ``extract --articles`` prints."""
    import io

    import duckdb

    from etl.ingest import run_ingest

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    db = tmp_path / "t.duckdb"
    assert run_ingest([corpus], db, io.StringIO(), progress=False) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        rows = dict(
            con.execute(
                "SELECT source, any_value(year_source) FROM articles WHERE seq = 1 GROUP BY source"
            ).fetchall()
        )
    assert rows["000_2a9cdd382f62b7c7.txt"] == "document_number"
    assert rows["001_dd27260898970e37.txt"] == "date_line"
    assert rows["003_c99c98e8b1192775.txt"] == "inferred"

"""The date a page states for itself, and the inferred year when it states none.

Rule tables of our own phrases, in the shapes real pages take; each states the complete
result (date, year, source).
"""

from __future__ import annotations

from datetime import date

import pytest

from etl.dating import dateline_date, decide, latest_past_year, line_date
from etl.models import DateCue


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("2021-09-28  A03版  要闻·综合", date(2021, 9, 28), id="page-line"),
        pytest.param("发布时间：2024-04-16 09:30", date(2024, 4, 16), id="publish-time"),
        pytest.param(
            "发布时间：2021-07-30信息来源：区退役军人事务局", date(2021, 7, 30), id="glued-label"
        ),
        pytest.param("出版日期：2011年6月30日", date(2011, 6, 30), id="publication-date"),
        pytest.param("来源：某某日报 2023年8月1日", date(2023, 8, 1), id="source-with-date"),
        pytest.param(
            "发表时间：2020-10-22　来源：某某日报", date(2020, 10, 22), id="traditional-clean"
        ),
        pytest.param(
            "某某日报　2024年6月5日　星期三　第02版：要闻", date(2024, 6, 5), id="masthead-line"
        ),
        pytest.param("（2024年5月10日）", date(2024, 5, 10), id="bracketed"),
        pytest.param("2024年1月15日", date(2024, 1, 15), id="signature-date"),
        pytest.param("二〇二四年一月十五日", date(2024, 1, 15), id="signature-chinese-numerals"),
        pytest.param("日期：2024-01-08　来源：区退役军人事务局", date(2024, 1, 8), id="date-label"),
        pytest.param("2023年3月7日市委召开双拥模范城创建动员会", None, id="caption-glued-to-text"),
        pytest.param("收稿日期：2022-11-03", None, id="received-date"),
        pytest.param("上一篇：某某市开展慰问活动 2023-08-02", None, id="link-to-another-article"),
        pytest.param("发布时间：　　来源：县委双拥办", None, id="empty-publish-time"),
        pytest.param("（2023年2月30日）", None, id="impossible-date"),
    ],
)
def test_line_date(line: str, expected: date | None) -> None:
    cue = line_date(line, "byline")
    assert (cue.date if cue else None) == expected


def test_journal_issue_gives_a_year_only() -> None:
    assert line_date("《某某学刊》2023年第3期", "footer") == DateCue(None, 2023, "footer")


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        pytest.param(
            "本报讯（记者 某某）2023年10月20日，某县召开双拥工作推进会。",
            date(2023, 10, 20),
            id="dateline-with-year",
        ),
        pytest.param(
            "本报2024年4月18日讯（记者 某某）今天，我市召开会议。",
            date(2024, 4, 18),
            id="in-marker",
        ),
        pytest.param(
            "本报讯（记者 某某）10月20日，某县召开双拥工作推进会。", None, id="month-only"
        ),
        pytest.param("新华社北京6月7日电 全国会议召开。", None, id="agency-month-only"),
        pytest.param("2023年6月1日，某市召开双拥工作会议。", None, id="dated-event-is-no-dateline"),
        pytest.param(
            "记者从市退役军人事务局获悉，2023年全市接收退役士兵300人。", None, id="no-marker"
        ),
    ],
)
def test_dateline(paragraph: str, expected: date | None) -> None:
    cue = dateline_date(paragraph)
    assert (cue.date if cue else None) == expected


@pytest.mark.parametrize(
    ("text", "year"),
    [
        pytest.param(
            "自1991年起，我市连续八次荣获全国双拥模范城，曾于2012、2016、2020年三次蝉联。",
            2020,
            id="year-list-beats-history",
        ),
        pytest.param(
            "1991年首批获评以来，某市持续深化共建。2021-09-28，某市召开会议。", 2021, id="iso-date"
        ),
        pytest.param("1991年，某市首批获评全国双拥模范城。", 1991, id="history-only"),
        pytest.param("2023年，全市接收退役士兵300人。四、2024年工作打算", 2023, id="plan-heading"),
        pytest.param("2023年，全市走访慰问部队。五、2024年工作思路", 2023, id="ideas-heading"),
        pytest.param(
            "2023年，全市接收退役士兵。2024年，我们将以争创五连冠为目标。", 2023, id="plan-clause"
        ),
        pytest.param(
            "2022年，全市投入资金。2023年，全市计划新增示范单位30家。", 2022, id="planned-clause"
        ),
        pytest.param("2023年，我市将双拥工作经费纳入财政预算。", 2023, id="jiang-as-ba-is-past"),
        pytest.param("2023年要闻回顾：全市举办活动", 2023, id="no-comma-no-plan"),
        pytest.param("鱼水情深，历久弥新。", None, id="no-year"),
        pytest.param(
            "2017年至2021年，全区共安置军转干部800名。", 2021, id="range-end-of-what-was-done"
        ),
        pytest.param(
            "2020年，全市启动规划。2021年至2025年，全市将新建站点。", 2021, id="range-plan"
        ),
    ],
)
def test_latest_past_year(text: str, year: int | None) -> None:
    assert latest_past_year(text) == year


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            (date(2023, 8, 3), DateCue(date(2024, 1, 1), 2024, "footer"), None, 2025, "2022年"),
            (date(2023, 8, 3), 2023, False, "date_line"),
            id="date-line-first",
        ),
        pytest.param(
            (
                None,
                DateCue(date(2024, 1, 1), 2024, "byline"),
                DateCue(date(2021, 9, 28), 2021, "header"),
                None,
                "",
            ),
            (date(2021, 9, 28), 2021, False, "header"),
            id="header-before-byline",
        ),
        pytest.param(
            (None, DateCue(date(2024, 1, 15), 2024, "footer"), None, 2024, "2023年"),
            (date(2024, 1, 15), 2024, False, "footer"),
            id="signature-before-document-number",
        ),
        pytest.param(
            (None, None, None, 2024, "2023年"),
            (None, 2024, False, "document_number"),
            id="document-number",
        ),
        pytest.param(
            (None, None, None, None, "2023年6月1日，某市召开会议"),
            (None, 2023, True, "inferred"),
            id="inferred",
        ),
        pytest.param((None, None, None, None, "去年5月"), (None, None, False, None), id="no-year"),
    ],
)
def test_decide(args: tuple, expected: tuple) -> None:
    found = decide(*args)
    assert (found.date, found.year, found.inferred, found.source) == expected

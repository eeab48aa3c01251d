"""不含OCR识别的数字 on every page that offers it: 舟山市's figures, read by OCR from a
photograph (tests/ocr_sample.py), are shown with every claim and gone without the OCR-read
ones, whether the page reads the stored values or the claims."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
import pytest

from dashboard_lib import service
from db.filters import Filters
from tests.ocr_sample import OCR_KEY

# 鹤壁市: another region compared beside 舟山市, whose claims are all from text files.
HEBI = "410600"


class _Source:
    """The service's Source on one connection; ``stored`` False makes it compute."""

    def __init__(self, con: duckdb.DuckDBPyConnection, stored: bool) -> None:
        self.con, self.stored = con, stored

    def run(self, fn: Any, *args: Any, **kw: Any) -> Any:
        return fn(self.con, *args, **kw)

    def rule_version(self) -> int | None:
        return service.rule_version(self) if self.stored else None

    def regions(self) -> Any:
        return service.regions(self)

    def computed_ranking(self, f: Filters) -> Any:
        return service.computed_ranking(self, f)

    def computed_comparison(self, f: Filters) -> Any:
        return service.computed_comparison(self, f)


def _ranked(src: _Source, no_ocr: bool) -> float | None:
    table = service.read_ranking(src, Filters(no_ocr=no_ocr)).table
    values = table.loc[table["region_key"] == OCR_KEY, "value"].tolist()
    return float(values[0]) if values else None


def _compared(src: _Source, no_ocr: bool) -> float | None:
    # 2024: the year of both regions' reports, which their honour counts are compared in.
    f = Filters(regions=(OCR_KEY, HEBI), years=(2024,), no_ocr=no_ocr)
    grid = service.read_comparison(src, f)
    hebi = grid[(grid["region_key"] == HEBI) & (grid["metric"] == "honour_national")]
    assert hebi["value"].tolist() == [2.0]  # 至今已两次荣获: untouched by the filter
    cell = grid[(grid["region_key"] == OCR_KEY) & (grid["metric"] == "honour_national")]
    return float(cell["value"].iloc[0]) if bool(cell["reported"].iloc[0]) else None


def _trend(src: _Source, no_ocr: bool) -> float | None:
    f = Filters(metric="funds", trend_regions=(OCR_KEY,), no_ocr=no_ocr)
    points = service.read_trend(src, f).points
    reported = points[points["reported"] & (points["figure_year"] == 2023)]
    return float(reported["value"].iloc[0]) if len(reported) else None


def _listed(src: _Source, no_ocr: bool) -> float | None:
    return float(service.claim_count(src, Filters(search="舟山", no_ocr=no_ocr))) or None


# page → what it shows of 舟山市, then (with every claim, without the OCR-read ones)
@pytest.mark.parametrize("stored", [True, False], ids=["stored", "computed"])
@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        pytest.param(_ranked, (4.0, None), id="排名"),  # 四次荣获全国双拥模范城
        pytest.param(_compared, (4.0, None), id="对比"),
        pytest.param(_trend, (8_000_000.0, None), id="趋势"),  # 2023年…投入双拥资金800万元
        pytest.param(_listed, (2.0, None), id="明细"),  # its two claims
    ],
)  # fmt: skip
def test_ocr_read_claims_are_left_out_when_asked(
    ocr_con: duckdb.DuckDBPyConnection,
    stored: bool,
    shown: Callable[[_Source, bool], float | None],
    expected: tuple[float | None, float | None],
) -> None:
    src = _Source(ocr_con, stored)
    assert (shown(src, False), shown(src, True)) == expected

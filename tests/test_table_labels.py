"""``tables._labelled`` labels each distinct value once and must give exactly what
``Series.map`` gives: the same cells and the same dtype, missing cells included."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from dashboard_lib import labels
from dashboard_lib.tables import _labelled

COLUMNS = {
    "statuses with None": pd.Series(["resolved", None, "ambiguous", "resolved"]),
    "text": pd.Series(["a", "b", "a"], dtype="str"),
    "text with a missing cell": pd.Series(["x", None], dtype="str"),
    "nullable booleans": pd.Series([True, False, None], dtype="boolean"),
    "booleans": pd.Series([True, False, True]),
    "years with NaN": pd.Series([2021.0, np.nan, 2021.0]),
    "nullable years": pd.Series([2021, None], dtype="Int64"),
    "nothing but None": pd.Series([None, None], dtype=object),
    "no row": pd.Series([], dtype="str"),
}
LABELS: dict[str, Callable[[Any], Any]] = {
    "status name": labels.status_name,
    "是 or blank": lambda v: "是" if v else "",
    "None kept": lambda v: None if v is None else str(v),
}


@pytest.mark.parametrize("label", list(LABELS.values()), ids=list(LABELS))
@pytest.mark.parametrize("column", list(COLUMNS.values()), ids=list(COLUMNS))
def test_labelled_equals_map(column: pd.Series, label: Callable[[Any], Any]) -> None:
    try:
        expected = column.map(label)
    except TypeError:  # a label that cannot take the missing value fails alike
        with pytest.raises(TypeError):
            _labelled(column, label)
        return
    pd.testing.assert_series_equal(_labelled(column, label), expected, check_exact=True)


def test_each_distinct_value_is_labelled_once() -> None:
    seen: list[Any] = []

    def label(value: Any) -> str:
        seen.append(value)
        return str(value)

    column = pd.Series(["河南省", "甘肃省"] * 5_000)
    assert _labelled(column, label).tolist() == column.tolist()
    assert sorted(seen) == ["河南省", "甘肃省"]


@pytest.mark.parametrize(
    ("region", "province", "tier", "label"),
    [
        pytest.param("张掖市", "甘肃省", "prefecture", "张掖市（甘肃省·地级）", id="city"),
        pytest.param("临泽县", "甘肃省", "county", "临泽县（甘肃省·县级）", id="county"),
        pytest.param("甘肃省", "甘肃省", "province", "甘肃省（甘肃省·省级）", id="province"),
        pytest.param("陇东市", None, None, "陇东市（省份不详·）", id="nothing known"),
        pytest.param("陇东市", float("nan"), float("nan"), "陇东市（省份不详·）", id="nan"),
    ],
)
def test_region_label(region: str, province: Any, tier: Any, label: str) -> None:
    assert labels.region_label(region, province, tier) == label
    frame = pd.DataFrame({"region": [region], "province": [province], "tier": [tier]})
    assert labels.region_labels(frame) == [label]

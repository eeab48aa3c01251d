"""The vectorised value rule against a direct statement of it, on random frames.

``etl.valuerule`` applies the rule to all regions at once with numpy segment
reductions, because a ranking of a million-claim database would take minutes region by
region. The region-by-region implementation below is the rule as first written (and as
the module docstring states it): readable, slow, and the oracle here. Random frames mix
regions, articles shared between regions, repeated and fractional values, ties, nested
and overlapping periods, rates, parts, missing and empty categories and unplaceable
regions; both implementations must return identical tables (values, dtypes, order) and
identical roles.

40 random frames keep the test fast; after changing the rule, check many more (3,000
frames, five metrics each, passed when the vectorised version replaced the loops):

    SHUANGYONG_EQUIVALENCE_FRAMES=3000 pytest tests/test_valuerule_equivalence.py
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from etl import valuerule as vr
from etl.valuerule import Ranking

FRAMES = int(os.environ.get("SHUANGYONG_EQUIVALENCE_FRAMES", "40"))


def _ref_honour_roles(group: pd.DataFrame) -> pd.Series:
    top = group["value"].max()
    return pd.Series(
        [vr.COUNTED if v == top else vr.SMALLER for v in group["value"]], index=group.index
    )


def _ref_figure_keys(df: pd.DataFrame) -> list[tuple[object, ...]]:
    """(category, value, period) of each claim: what makes two claims the same figure."""
    category = df["category"].astype("object").where(df["category"].notna(), "")
    return list(zip(category, df["value"], vr._period_key(df), strict=True))


def _ref_nested(article: pd.DataFrame) -> pd.Index:
    """Claims of one article inside a larger same-category figure for a longer period."""
    figures = [
        (index, start, end, value, category)
        for index, (start, end), value, category in zip(
            article.index,
            vr._period_key(article),
            article["value"],
            article["category"],
            strict=True,
        )
        if start is not None and end is not None
    ]
    nested = [
        index
        for index, start, end, value, category in figures
        if any(
            o_start <= start
            and end <= o_end
            and (o_start, o_end) != (start, end)
            and o_value > value
            and _ref_same_category(category, o_category)
            for _, o_start, o_end, o_value, o_category in figures
        )
    ]
    return pd.Index(nested)


def _ref_same_category(a: object, b: object) -> bool:
    return ((a is None or a != a) and (b is None or b != b)) or a == b  # None and NaN alike


def _ref_span(article: pd.DataFrame) -> tuple[int, int] | None:
    """The years an article's counted figures cover, or None when any states no period."""
    if article["period_start"].isna().any() or article["period_end"].isna().any():
        return None
    return int(article["period_start"].min()), int(article["period_end"].max())


def _ref_disjoint(span: tuple[int, int] | None, taken: list[tuple[int, int] | None]) -> bool:
    if span is None or any(t is None for t in taken):
        return False
    return all(span[1] < t[0] or t[1] < span[0] for t in taken if t is not None)


def _ref_additive_roles(group: pd.DataFrame) -> pd.Series:
    roles = pd.Series(vr.COUNTED, index=group.index, dtype="object")
    roles[group["rate"].astype(bool)] = vr.RATE
    roles[group["is_part"].astype(bool) & (roles == vr.COUNTED)] = vr.PART
    for _, article in group[roles == vr.COUNTED].groupby("article_id", sort=False):
        roles[_ref_nested(article)] = vr.NESTED
    live = group[roles == vr.COUNTED]
    if live.empty:
        return roles
    articles = dict(tuple(live.groupby("article_id", sort=False)))
    order = sorted(articles, key=lambda a: -float(articles[a]["value"].sum()))
    taken: list[tuple[int, int] | None] = [_ref_span(articles[order[0]])]
    counted_figures = set(_ref_figure_keys(articles[order[0]]))
    for article_id in order[1:]:
        rows = articles[article_id]
        span = _ref_span(rows)
        if _ref_disjoint(span, taken):
            taken.append(span)
            counted_figures.update(_ref_figure_keys(rows))
            continue
        for index, key in zip(rows.index, _ref_figure_keys(rows), strict=True):
            roles[index] = vr.DUPLICATE if key in counted_figures else vr.OVERLAP
    return roles


def _ref_summarise(metric: str, key: str, group: pd.DataFrame, roles: pd.Series) -> dict:
    counted = group[roles == vr.COUNTED]
    honour = metric in vr.HONOUR_METRICS
    periods = set(vr._period_key(counted))
    mixed = not honour and len(periods) > 1
    start, end = next(iter(periods)) if len(periods) == 1 else (None, None)
    evidence = group[roles.isin([vr.COUNTED, vr.DUPLICATE])]
    first = group.iloc[0]
    return {
        "region_key": key,
        "region": first["region"],
        "region_code": first["region_code"],
        "province": first["province"],
        "tier": first["tier"],
        "metric": metric,
        "value": float(counted["value"].max() if honour else counted["value"].sum()),
        "unit": first["unit"],
        "approx": vr.combine_approx(counted["approx"].tolist()),
        "mixed_periods": mixed,
        "period_start": start,
        "period_end": end,
        "n_claims": len(evidence),
        "n_figures": 1 if honour else len(counted),
        "n_documents": int(evidence["doc_id"].nunique()),
    }


def reference_rank(claims: pd.DataFrame, metric: str) -> Ranking:
    """Apply the rule to ``claims`` of one metric (already filtered by tier/place/year).

    Regions whose claims are all excluded (only rates, say) get no value and no row.
    Ties share a rank (1, 2, 2, 4), and equal values are ordered by region name, then key.
    Claims are read in claim order, whatever order they come in.
    """
    claims = claims.sort_values("claim_id", kind="stable")
    claims = claims[claims["metric"] == metric]
    placed = claims[vr.placed_mask(claims)]
    n_unplaced = int(len(claims) - len(placed))
    rows: list[dict] = []
    role_parts: list[pd.DataFrame] = []
    for key, group in placed.groupby("region_key", sort=False):
        roles = (_ref_honour_roles if metric in vr.HONOUR_METRICS else _ref_additive_roles)(group)
        role_parts.append(
            pd.DataFrame({"claim_id": group["claim_id"], "region_key": key, "role": roles.values})
        )
        if (roles == vr.COUNTED).any():
            rows.append(_ref_summarise(metric, str(key), group, roles))
    table = pd.DataFrame(rows, columns=[c for c in vr.TABLE_COLUMNS if c != "rank"])
    if not table.empty:
        table = table.sort_values(
            ["value", "region", "region_key"], ascending=[False, True, True], kind="stable"
        )
        table.insert(0, "rank", table["value"].rank(method="min", ascending=False).astype(int))
        table = table.reset_index(drop=True)
    else:
        table.insert(0, "rank", pd.Series(dtype="int64"))
    roles_df = (
        pd.concat(role_parts, ignore_index=True)
        if role_parts
        else pd.DataFrame({"claim_id": [], "region_key": [], "role": []})
    )
    return Ranking(table=table, roles=roles_df, n_unplaced=n_unplaced)


PLACES = [
    ("620700", "张掖市", "甘肃省", "prefecture", "resolved"),
    ("410300", "洛阳市", "河南省", "prefecture", "resolved"),
    ("410200", "开封市", "河南省", "prefecture", "resolved"),
    ("620102", "城关区", "甘肃省", "county", "resolved"),
    (None, "陇东市", "甘肃省", "prefecture", "not_found"),
    (None, "城关区", None, "county", "ambiguous"),
    (None, None, "甘肃省", "prefecture", "blanked"),
]
METRICS = [*vr.RANKED_METRICS, "service_stations"]
VALUES = [0.0, 0.1, 0.2, 0.3, 1.0, 2.0, 3.0, 5.0, 10.0, 10.5, 1e6, 2e6, 2e6, 1.6e8]
CATEGORIES = [None, None, "", "preferential_payments", "consolation"]


def random_frame(rng: np.random.Generator) -> pd.DataFrame:
    """Claims as ``queries.ranking_claims`` returns them, in random order.

    Articles are dated as a whole or not at all (mostly), around a year of their own, so
    that further articles get added, nested figures occur, and reprints (a figure copied
    from an earlier claim) make duplicates.
    """
    n = int(rng.integers(0, 120))
    articles = {
        a: (int(rng.integers(0, len(PLACES))), rng.random() < 0.5, int(rng.integers(2014, 2024)))
        for a in range(1, 13)
    }
    metrics = [*METRICS, "funds", "funds", "people_resettled"]
    rows: list[dict[str, object]] = []
    for claim_id in rng.permutation(np.arange(1, n + 1)):
        article = int(rng.integers(1, 13))
        place, dated, year = articles[article]
        # now and then an article id shared by two regions (hand-made frames do that)
        code, region, province, tier, status = PLACES[
            place if rng.random() < 0.9 else int(rng.integers(0, len(PLACES)))
        ]
        start: int | None = None
        end: int | None = None
        if (dated and rng.random() < 0.95) or rng.random() < 0.2:
            start = year - [0, 0, 1, 3, 7][int(rng.integers(0, 5))]
            end = year if rng.random() < 0.8 else start
        if start is not None and rng.random() < 0.03:
            start = None  # a period with one end only
        figure = {
            "category": CATEGORIES[int(rng.integers(0, len(CATEGORIES)))],
            "value": VALUES[int(rng.integers(0, len(VALUES)))],
            "period_start": start,
            "period_end": end,
        }
        if rows and rng.random() < 0.25:  # a reprint of an earlier figure
            earlier = rows[int(rng.integers(0, len(rows)))]
            figure = {k: earlier[k] for k in figure}
        rows.append(
            {
                "claim_id": int(claim_id),
                "article_id": article,
                "doc_id": int(rng.integers(1, 5)),
                "region_key": code or region,
                "region": region,
                "region_code": code,
                "province": province,
                "tier": tier,
                "region_status": status,
                "year": 2023,
                "metric": metrics[int(rng.integers(0, len(metrics)))],
                **figure,
                "unit": "元",
                "approx": ["exact", "exact", "over", "about"][int(rng.integers(0, 4))],
                "rate": bool(rng.random() < 0.07),
                "is_part": bool(rng.random() < 0.07),
            }
        )
    df = pd.DataFrame(rows, columns=list(random_frame_columns()))
    dtype = "Int32" if rng.random() < 0.7 else "float64"  # DuckDB gives Int32
    for col in ("period_start", "period_end"):
        df[col] = df[col].astype(dtype)
    return df


def random_frame_columns() -> tuple[str, ...]:
    return (
        "claim_id", "article_id", "doc_id", "region_key", "region", "region_code", "province",
        "tier", "region_status", "year", "metric", "category", "value", "unit", "approx",
        "rate", "is_part", "period_start", "period_end",
    )  # fmt: skip


def assert_same(new: Ranking, old: Ranking) -> None:
    pd.testing.assert_frame_equal(new.table, old.table, check_exact=True)
    pd.testing.assert_frame_equal(new.roles, old.roles, check_exact=True)
    assert new.n_unplaced == old.n_unplaced


def test_vectorised_rule_matches_the_reference_on_random_frames() -> None:
    rng = np.random.default_rng(20261123)
    for _ in range(FRAMES):
        claims = random_frame(rng)
        for metric in vr.RANKED_METRICS:
            assert_same(vr.rank(claims, metric), reference_rank(claims, metric))


@pytest.mark.parametrize("metric", vr.RANKED_METRICS)
def test_matches_the_reference_on_a_large_frame(metric: str) -> None:
    rng = np.random.default_rng(7)
    claims = pd.concat([random_frame(rng) for _ in range(40)], ignore_index=True)
    claims["claim_id"] = np.arange(1, len(claims) + 1)
    assert_same(vr.rank(claims, metric), reference_rank(claims, metric))


def test_the_rule_reads_claims_in_claim_order_whatever_order_they_come_in() -> None:
    rng = np.random.default_rng(11)
    claims = pd.concat([random_frame(rng) for _ in range(30)], ignore_index=True)
    claims["claim_id"] = np.arange(1, len(claims) + 1)
    shuffled = claims.sample(frac=1, random_state=3).reset_index(drop=True)
    for metric in vr.RANKED_METRICS:
        assert_same(vr.rank(shuffled, metric), vr.rank(claims, metric))

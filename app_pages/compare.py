"""对比: two to eight regions, every metric side by side; 未报告 is not zero."""

from functools import partial

import streamlit as st

from dashboard_lib import (
    captions,
    charts,
    data,
    default_year,
    downloads,
    evidence,
    home,
    labels,
    tables,
    widgets,
)
from valuation.registry import RANKED_METRICS

db = data.require_database()
regions = data.regions(db)
chosen = widgets.compare_filters(data.options(db), regions, data.ScopeOffer(db))
f = data.comparison_filters(db, chosen)  # the 口径 made definite: what the chart says

st.title("对比")
if len(f.regions) < 2:
    st.info(f"请在左侧选择 2 至 {widgets.MAX_REGIONS} 个地区进行对比。")
    st.stop()

long = data.comparison(db, f)
names = list(dict.fromkeys(long["region"].astype(str)))
meta = captions.compare_meta(f, names, partial(data.comparison_sources, db, f))
st.caption(meta.subtitle)
opened_on = default_year.sentence(data.comparison_default_year(db, chosen), compare=True)
if opened_on:  # no year chosen: which one it opened on, and why
    st.caption(opened_on)
st.caption(home.peers_sentence(regions, widgets.current_home(), f.regions))
if not long["reported"].any():
    st.info("所选地区在所选年份没有任何数据。请换一个年份或地区。")
    st.stop()

metrics = list(RANKED_METRICS)
fig = charts.comparison_figure(long, metrics, meta.title, meta.subtitle)
event = evidence.clickable_chart(fig, meta, key="compare.chart")
st.caption("“未报告”表示所选年份没有该项数据，不等于 0。" + labels.RULE_COMPARE)
downloads.chart_downloads(fig, meta, partial(tables.comparison_csv_frame, long), key="compare")
st.dataframe(tables.comparison_table(long, metrics), hide_index=True)

evidence.picker(
    db,
    event,
    page="compare",
    label="查看某项数值的依据（也可以直接点击图中的柱子）",
    choices={
        (k, m): f"{r}：{labels.metric_name(m, short=True)}"
        for k, m, r in zip(long["region_key"], long["metric"], long["region"], strict=True)
    },
    roles=lambda cell: data.comparison_roles(db, f, *cell),
    cards_key=lambda cell: f"{cell[1]}.{cell[0]}",
    unreported="所选年份未报告。",
)

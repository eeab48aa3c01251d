"""趋势: one metric, a few regions, year by year; a missing year is a gap, not a zero."""

from functools import partial

import streamlit as st

from dashboard_lib import captions, data, downloads, evidence, tables, trend_chart, widgets

db = data.require_database()
regions = data.regions(db)
f = widgets.trend_filters(data.options(db), regions)

st.title("趋势")
if not f.trend_regions:
    st.info("请在左侧选择要看的地区（也可以先设置“本地区”）。")
    st.stop()

result = data.trend(db, f)
points = result.points
names = list(dict.fromkeys(points["region"].astype(str))) or list(f.trend_regions)
meta = captions.trend_meta(f, names, partial(data.trend_sources, db, f))
st.caption(meta.subtitle)
if not points["reported"].any():
    st.info("所选地区没有该指标的单一年度数据（多年累计、每年平均等数字不画入趋势）。")
    st.stop()

fig = trend_chart.trend_figure(points, meta.title, meta.subtitle, home=widgets.current_home())
event = evidence.clickable_chart(fig, meta, key="trend.chart")
st.caption("统计口径：" + captions.TREND_SCOPE + "。点击图中的点可查看构成该数值的原文。")
downloads.chart_downloads(fig, meta, partial(tables.trend_csv_frame, points), key="trend")
st.dataframe(tables.trend_table(points), hide_index=True)

reported = points[points["reported"]]
evidence.picker(
    db,
    event,
    page="trend",
    label="查看某一年数值的依据（也可以直接点击图中的点）",
    choices={
        (k, int(y)): f"{r}：{int(y)}年"
        for k, y, r in zip(
            reported["region_key"], reported["figure_year"], reported["region"], strict=True
        )
    },
    roles=partial(data.trend_roles, db, f),
    cards_key=lambda point: f"{f.metric}.{point[0]}.{point[1]}",
    placeholder="请选择地区和年份",
)

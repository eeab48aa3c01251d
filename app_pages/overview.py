"""总览: what the database holds, where it came from, what could not be placed."""

import streamlit as st

from dashboard_lib import captions, data, tables

db = data.require_database()
ov = data.overview(db)
t = ov.totals

st.title("总览")
st.caption(captions.freshness(t.last_ingested) + f" · 数据库：{db.path}")

cols = st.columns([1, 1, 1, 1, 1.6, 1])
cols[0].metric("文件", f"{t.documents:,}")
cols[1].metric("文章", f"{t.articles:,}")
cols[2].metric("涉及地区", f"{t.regions:,}")
cols[3].metric("省份", f"{t.provinces:,}")
cols[4].metric("年份", f"{t.year_min}—{t.year_max}" if t.year_min else "无")
cols[5].metric("数据条数", f"{t.claims:,}")

st.subheader("各指标的数据")
if ov.per_metric.empty:
    st.info("数据库中还没有任何数据。")
else:
    st.dataframe(tables.metric_counts(ov.per_metric), hide_index=True)

st.subheader("文件来源")
st.caption(captions.formats_sentence(ov.documents))
st.dataframe(tables.documents_table(ov.documents), hide_index=True)

st.subheader("地区和年份是如何确定的")
st.caption(
    "地区先看标题中的地名，再按正文中的证据判定：作主语的地名、本地单位（军分区、市委）和报刊名称"
    "分量最重，会议地点、并列的其他地区不算；证据不足时不猜测。年份取文章自己注明的日期，"
    "没有时取文中最近的已发生年份（标为推断）。"
)
left, right = st.columns(2)
left.dataframe(tables.decided_table(ov.decided, "region"), hide_index=True)
right.dataframe(tables.decided_table(ov.decided, "year"), hide_index=True)

st.subheader("未能确定地区的文章")
if ov.unplaced.empty:
    st.success("所有文章的地区都已确定。")
else:
    st.caption(
        f"共 {len(ov.unplaced)} 篇。地名不在区划表中的文章按原文地名参加排名；"
        "其余文章的数据不计入排名。"
    )
    st.dataframe(tables.unplaced_table(ov.unplaced), hide_index=True)

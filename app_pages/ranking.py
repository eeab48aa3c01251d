"""排名: one metric, one tier, sorted bars; a click opens the sentences behind a value."""

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

db = data.require_database()
regions = data.regions(db)
chosen = widgets.ranking_filters(data.options(db), regions, data.ScopeOffer(db))
f = data.ranking_filters(db, chosen)  # the 口径 made definite: what the chart says
opened_on = default_year.sentence(data.ranking_default_year(db, chosen))  # '' if chosen
ours = widgets.home_place(regions)  # 本地区, or None
result = data.ranking(db, f)
table = result.table

st.title("排名")
if table.empty:
    st.caption(captions.ranking_title(f) + " · " + captions.ranking_subtitle(f))
    st.info("没有符合筛选条件的数据。请放宽省份、年份或层级后再看。")
    st.caption(captions.unplaced_sentence(result.n_unplaced))
    if ours is not None:
        st.markdown(home.rank_sentence(table, ours, tier=f.tier, provinces=f.provinces, shown=0))
    st.stop()

bars = widgets.bar_count(len(table))
meta = captions.ranking_meta(f, partial(data.ranking_sources, db, f), shown=bars, total=len(table))
fig = charts.ranking_figure(
    table, meta.title, meta.subtitle, limit=bars, home=widgets.current_home()
)
if ours is not None:
    st.markdown(home.rank_sentence(table, ours, tier=f.tier, provinces=f.provinces, shown=bars))
event = evidence.clickable_chart(fig, meta, key="ranking.chart")
st.caption(
    "带斜纹的柱为约数（余/约）；橙色柱为统计期间不一致的合计（口径不一）；"
    "括号内为与多数地区不同的统计期间。" + captions.unplaced_sentence(result.n_unplaced)
)
if opened_on:
    st.caption(opened_on)
full_table = tables.ranking_table(table)
downloads.chart_downloads(fig, meta, partial(full_table.head, bars), key="ranking")
st.dataframe(full_table, hide_index=True)

labels_ = charts.unique_labels(table["region"], table["province"])  # 城关区（甘肃省）
evidence.picker(
    db,
    event,
    page="ranking",
    label="查看某地区数值的依据（也可以直接点击图中的柱子）",
    choices=dict(zip(table["region_key"], labels_, strict=True)),
    roles=partial(data.ranking_roles, db, f),
    cards_key=lambda k: f"{f.metric}.{k}",
    placeholder="请选择地区",
)

with st.expander("取值规则", expanded=False):
    st.markdown(labels.VALUE_RULE)

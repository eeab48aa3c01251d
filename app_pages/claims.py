"""明细: every claim with its quote, searchable, a page at a time; CSV and Excel hold all."""

import streamlit as st

from dashboard_lib import captions, data, downloads, evidence, tables, widgets

db = data.require_database()
f = widgets.claims_filters(data.options(db))
total = data.claim_count(db, f)

st.title("明细")
if total == 0:
    st.info("没有符合筛选条件的数据。请修改搜索词或放宽筛选条件。")
    st.stop()

size = data.PAGE_SIZE
paging = widgets.page_selector(f, total, size)
rows = data.claims_page(db, f, paging.number, size)
st.caption(captions.claims_count(total, paging.number, size))
downloads.claims_downloads(db, f, total)
event = st.dataframe(
    tables.claims_table(rows),
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key=f"claims.table.{paging.key}",
)

picked = [i for i in (event.selection.rows if event else []) if i < len(rows)]
if picked:
    claim = rows.iloc[picked[0]]
    region = claim["region"] if isinstance(claim["region"], str) else "地区不详"
    evidence.show_claims(db, f"{region}：原文", [int(claim["claim_id"])])

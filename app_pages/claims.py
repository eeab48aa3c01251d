"""明细: every claim with its quote, searchable, downloadable as CSV and Excel."""

import streamlit as st

from dashboard_lib import data, evidence, tables, widgets
from dashboard_lib.charts import file_stem

db = data.require_database()
f = widgets.claims_filters(data.options(db))
rows = data.claims(db, f.provinces, f.years, f.tier, f.metrics, f.search)

st.title("明细")
if rows.empty:
    st.info("没有符合筛选条件的数据。请修改搜索词或放宽筛选条件。")
    st.stop()

shown = tables.claims_table(rows)
st.caption(f"共 {len(shown):,} 条数据。选中一行可查看原文中的位置。")
stem = file_stem("双拥明细")
csv, xlsx, _ = st.columns(3)
csv.download_button(
    "下载 CSV", tables.to_csv_bytes(shown), f"{stem}.csv", "text/csv", on_click="ignore"
)
xlsx.download_button(
    "下载 Excel",
    data=lambda: tables.to_excel_bytes(shown),
    file_name=f"{stem}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
)
event = st.dataframe(
    shown, hide_index=True, on_select="rerun", selection_mode="single-row", key="claims.table"
)

picked = event.selection.rows if event else []
if picked:
    claim = rows.iloc[picked[0]]
    region = claim["region"] if isinstance(claim["region"], str) else "地区不详"
    evidence.show_claims(db, f"{region}：原文", [int(claim["claim_id"])])

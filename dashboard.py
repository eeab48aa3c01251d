"""Entry point: ``streamlit run dashboard.py``.

One navigation scheme (``st.navigation``) for the pages. The filters are written back
into the URL on every page before it runs, so moving between pages keeps the view shareable
even on a page without filters of its own. Icons are Material Symbols, which Streamlit
ships: emoji would need a colour-emoji font the servers do not have.
"""

import streamlit as st

from dashboard_lib import process, widgets

process.keep_freed_memory()  # a cache miss reuses the memory the last one freed
st.set_page_config(page_title="双拥工作指标对比", layout="wide")

PAGES = [
    # The default page is served at "/" (Streamlit ignores its url_path).
    st.Page("app_pages/overview.py", title="总览", icon=":material/dashboard:", default=True),
    st.Page(
        "app_pages/ranking.py", title="排名", icon=":material/leaderboard:", url_path="ranking"
    ),
    st.Page(
        "app_pages/compare.py", title="对比", icon=":material/compare_arrows:", url_path="compare"
    ),
    st.Page("app_pages/claims.py", title="明细", icon=":material/table_rows:", url_path="claims"),
    st.Page("app_pages/trend.py", title="趋势", icon=":material/show_chart:", url_path="trend"),
    st.Page(
        "app_pages/import_page.py", title="导入", icon=":material/upload_file:", url_path="import"
    ),
]

page = st.navigation(PAGES)
widgets.sync_url()
try:
    page.run()
finally:  # a page that stops (st.stop) or reruns has loaded its modules too
    process.freeze_loaded_objects()  # once, when the first page has loaded its modules

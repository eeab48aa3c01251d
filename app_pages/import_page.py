"""导入: upload reports, see what became of each, and remove a document."""

import streamlit as st

from dashboard_lib import data, import_view

st.title("导入")
import_view.render_upload()
db = data.database_if_any()
if db is not None:
    import_view.render_documents(db)

"""Non-page code of the Streamlit dashboard: filters, charts, formatting, the value rule.

Pages under ``app_pages/`` stay thin and call into this package; SQL lives only in
``db/queries.py``.
"""

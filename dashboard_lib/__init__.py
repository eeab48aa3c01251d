"""Non-page code of the Streamlit dashboard: filters, cached data, charts, tables,
evidence cards, downloads and the Chinese labels.

Pages under ``app_pages/`` stay thin and call into this package; SQL lives only in
``db/queries.py``; the value rule in ``etl/valuerule.py`` (ingest stores its results).
"""

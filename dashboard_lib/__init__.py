"""Non-page code of the Streamlit dashboard: filters, cached data, charts, tables,
evidence cards, downloads and the Chinese labels.

Pages under ``app_pages/`` stay thin and call into this package. Pure modules (``service``,
``charts``, ``captions``, ``tables``, ``formatting``, ``labels``) import no Streamlit;
``data`` caches the service, ``export`` renders images, ``widgets``, ``evidence`` and
``downloads`` draw. SQL lives only in ``db/``, the vocabulary and the value rule in
``valuation/``; nothing here imports ``etl``.
"""

"""The ETL: reports in, numeric claims out (see SPEC.md and the README).

Before any stage is imported, ``etl.native`` decides whether the compiled copy of the
extraction core runs or its sources do (a copy built before an edit never runs).
"""

from etl.native import guard as _guard

_guard()

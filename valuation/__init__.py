"""The domain core: what a metric is and how a region's value is formed.

Beside ``etl/`` (which reads reports into claims) and ``db/`` (which stores and reads
them), this package holds what both sides and the dashboard must agree on and that reads
no text and runs no SQL:

* ``registry``: the vocabulary (metrics with their labels, units, kind and categories;
  tiers, region statuses, claim roles, fund categories), read from ``etl/rules/``;
* ``rule``: the value rule, stated region by region in ``reference`` and applied to every
  region at once in ``kernel`` (over ``segments``), checked to agree;
* ``stored``: the values ingest stores for every scope a user can pick as one;
* ``rulebook``: the one YAML loader of the rule files.

It imports neither ``etl``, ``db`` nor Streamlit (import-linter checks this).
"""

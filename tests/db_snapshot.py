"""Every table of an ingested database as comparable rows: what "the database equals its
state before" and "the two engines load the same tables" compare.

Timestamps (``documents.ingested_at``, ``rankings_state.built_at`` and the 总览 summary's
``first_ingested``/``last_ingested``, made from them) say when a run wrote, not what: they
are left out. Ids are kept: ingest hands them out in input order from the
database's own maxima, so two runs from the same start give the same ids.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

WHEN_WRITTEN = {"ingested_at", "built_at", "first_ingested", "last_ingested"}


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Each table's rows (sorted, without the when-written columns), by table name."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
        out: dict[str, list[tuple]] = {}
        for table in sorted(tables):
            columns = [
                r[0]
                for r in con.execute(f"DESCRIBE {table}").fetchall()
                if r[0] not in WHEN_WRITTEN
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            out[table] = con.execute(f"SELECT {listed} FROM {table} ORDER BY ALL").fetchall()
    return out

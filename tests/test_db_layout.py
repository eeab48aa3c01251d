"""Where the database's words live: the column tuples of ``db.columns`` are the columns of
``db/schema.sql``, and no module outside ``db/`` holds an SQL statement.

Tests are the exception to the second rule on purpose: a test states its expectations in
its own SQL rather than through the statements it checks.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest

from db import columns, write
from valuation.outcome import RULE_INPUTS, TABLE_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
# The shapes of a statement (keywords in capitals, as every statement here is written).
STATEMENT = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+INTO\b|\bCREATE\s+(?:TEMP\s+|OR\s+REPLACE\s+)?"
    r"(?:TABLE|VIEW|MACRO|INDEX)\b|\bDELETE\s+FROM\b|\bUPDATE\s+\w+\s+SET\b|\bDROP\s+TABLE\b"
    r"|\bBEGIN\s+TRANSACTION\b|\bCOMMIT\b"
)


def _schema_columns() -> dict[str, list[str]]:
    con = duckdb.connect()
    write.create_schema(con)
    rows = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " ORDER BY table_name, ordinal_position"
    ).fetchall()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


def test_every_table_tuple_is_the_schema_in_its_order() -> None:
    schema = _schema_columns()
    assert set(schema) == set(columns.TABLES)
    for table, declared in columns.TABLES.items():
        assert list(declared) == schema[table], table


def test_a_stored_value_is_a_row_of_the_rules_table_in_a_scope() -> None:
    assert columns.REGION_VALUE_COLUMNS[:3] == columns.SCOPE_COLUMNS
    rule_row = [c for c in TABLE_COLUMNS if c != "rank"]
    # the 口径 (scope) closes the row: added to databases that already had the table
    assert columns.REGION_VALUE_COLUMNS[-1] == columns.CLAIM_ROLE_COLUMNS[-1] == "scope"
    stored = columns.REGION_VALUE_COLUMNS[3:-1]
    assert sorted(stored) == sorted(c for c in rule_row if c != "metric")


def test_the_read_rows_name_each_column_once_and_the_rule_reads_a_part() -> None:
    names = [columns.name(f) for f in columns.EVIDENCE_ROW]
    assert len(names) == len(set(names))
    assert {columns.name(f) for f in columns.RULE_ROW} == RULE_INPUTS
    # rule_claims is inserted positionally from these fields, in its declared order.
    assert tuple(columns.name(f) for f in columns.RULE_CLAIM_FIELDS) == columns.RULE_CLAIM_COLUMNS
    assert columns.name("c.claim_id") == "claim_id"
    assert columns.name(f"{columns.REGION_KEY} AS region_key") == "region_key"


def _sources() -> list[Path]:
    skip = {"db", "tests", ".venv", "build", "data"}
    return sorted(
        p
        for p in ROOT.rglob("*.py")
        if not ({part for part in p.relative_to(ROOT).parts[:-1]} & skip)
        and not any(part.endswith(".egg-info") for part in p.parts)
    )


def _statements(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string in ``path`` shaped like an SQL statement, docstrings
    (prose about statements) apart."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings:
                continue
            text = node.value
        else:
            continue
        if STATEMENT.search(text):
            found.append((node.lineno, text.strip()[:60]))
    return found


def test_the_scanner_finds_the_statements_of_db() -> None:
    assert _statements(ROOT / "db" / "write.py")
    assert _statements(ROOT / "db" / "ranking.py")


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_outside_db_holds_an_sql_statement(path: Path) -> None:
    assert _statements(path) == [], f"move these statements into db/: {path}"

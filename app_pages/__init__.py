"""The dashboard's four pages, run by ``dashboard.py``'s navigation as scripts.

A package only so that the import contracts (pyproject.toml, ``lint-imports``) can name
it: nothing imports a page.
"""

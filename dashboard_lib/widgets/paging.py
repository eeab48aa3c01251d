"""Paging and bar counts: which page of a long table to show, how many bars a ranking draws."""

from __future__ import annotations

import hashlib
import math
from typing import NamedTuple

import streamlit as st

from db.filters import Filters


class Paging(NamedTuple):
    """Which page of a paged table to show, and a key naming that page of that result."""

    number: int  # from 1
    pages: int
    key: str


def _claims_digest(filters: Filters, pages: int) -> str:
    fields = (filters.provinces, filters.years, filters.tier, filters.metrics, filters.search,
              filters.no_ocr)  # fmt: skip
    return hashlib.blake2b(repr((fields, pages)).encode(), digest_size=8).hexdigest()


def page_selector(filters: Filters, total: int, page_size: int) -> Paging:
    """The page of the 明细 table to show: a page number input when there is more than one.

    The input's key names the 明细 filters and the number of pages, so a new search (or
    a new database with fewer pages) starts again at page 1 instead of keeping a page
    number that may no longer exist. ``Paging.key`` does the same for the table, whose
    selected row is a position within the page shown.
    """
    pages = max(1, math.ceil(total / page_size))
    digest = _claims_digest(filters, pages)
    number = pager(total, page_size, key=f"claims.page.{digest}")
    return Paging(number=number, pages=pages, key=f"{digest}.{number}")


def current_page(key: str, total: int, page_size: int) -> int:
    """The page :func:`pager` with this key will return on this run (1 before it was
    ever shown), so a page's data can be read before its picker is drawn."""
    pages = max(1, math.ceil(total / page_size))
    try:
        number = int(st.session_state.get(key) or 1)
    except (TypeError, ValueError):
        number = 1
    return min(max(number, 1), pages)


def pager(total: int, page_size: int, key: str) -> int:
    """A page number input (1-based) when ``total`` items fill more than one page."""
    pages = max(1, math.ceil(total / page_size))
    if pages == 1:
        return 1
    chosen = st.number_input(
        f"页码（共 {pages:,} 页，每页 {page_size:,} 条）",
        min_value=1,
        max_value=pages,
        value=1,
        step=1,
        key=key,
        width=260,
    )
    return int(chosen or 1)


# How many bars a ranking draws: 2,400 counties make a chart nobody can read (and take
# 150 ms to build); the table under it always lists every region.
BAR_CHOICES = (20, 50, 100)
DEFAULT_BARS = 50


def bar_count(total: int) -> int:
    """How many of ``total`` ranked regions the chart draws (all when there are few)."""
    if total <= DEFAULT_BARS:
        return total
    choices = [n for n in BAR_CHOICES if n < total] + [total]
    return int(
        st.segmented_control(
            "图中显示",
            choices,
            default=DEFAULT_BARS,
            format_func=lambda n: f"全部 {n:,} 个" if n == total else f"前 {n} 名",
            key="ranking.bars",
        )
        or DEFAULT_BARS
    )

"""The filters of a browser session, kept in the URL, and the panel a page's widgets fill.

One set of filter values (:class:`~db.filters.Filters`) is kept per browser session. It is read from
the URL's query parameters once, when the session starts; after that every widget
change updates it and the URL is rewritten from it. Because the values live in the
session and not in a page's widgets, they survive moving between pages even when the
page switch drops the query string, and the next page writes them back into the URL.

The value and its URL encoding are ``db.filters``' (one declared table of filters); the
other modules of this package draw the widgets. Widget keys are per page
(``flt.<page>.<field>``). When the user arrives on a page the widgets are seeded from the
shared values; while the user stays, the widgets own them.
Values from a URL are never trusted: lists are checked against the options the database
offers (:func:`choose`), so a hostile ``?province=';DROP…`` just selects nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import streamlit as st

from db import filters
from db.filters import DEFAULTS, Filters

_STATE = "_filters"
_LAST_PAGE = "_filters_page"
SHARE_NOTE = "筛选条件已写入网址：复制地址栏即可分享或收藏当前视图。"


def current_filters() -> Filters:
    """The session's filters, read from the URL the first time."""
    state = st.session_state
    if _STATE not in state:
        state[_STATE] = filters.from_params(st.query_params.get_all)
    value = state[_STATE]
    return value if isinstance(value, Filters) else DEFAULTS


def sync_url(chosen: Filters | None = None) -> None:
    """Store ``chosen`` in the session and write them into the URL (only what changed)."""
    if chosen is None:
        chosen = current_filters()
    st.session_state[_STATE] = chosen
    wanted = filters.to_params(chosen)
    qp = st.query_params
    for param in filters.PARAMS:
        new = wanted.get(param, [])
        if list(qp.get_all(param)) == new:
            continue
        if new:
            qp[param] = new
        elif param in qp:
            del qp[param]


class Panel:
    """Seeds a page's widgets from the shared filters and collects what they return."""

    def __init__(self, page: str) -> None:
        self.page = page
        self.filters = current_filters()
        self.arrived = st.session_state.get(_LAST_PAGE) != page
        st.session_state[_LAST_PAGE] = page
        self.values: dict[str, Any] = {}

    def key(self, field: str, seed: Any, reseed: bool = False) -> str:
        """The widget key of ``field``, set to ``seed`` on arrival (or when ``reseed``)."""
        key = f"flt.{self.page}.{field}"
        if self.arrived or reseed or key not in st.session_state:
            st.session_state[key] = list(seed) if isinstance(seed, tuple) else seed
        return key

    def so_far(self) -> Filters:
        """The filters chosen up to now, narrowed to this page: what the next widget's
        choices are read for."""
        return replace(self.filters, **self.values).of(self.page)

    def done(self) -> Filters:
        """The session's filters updated from the widgets, written to the URL; returned
        narrowed to what this page reads (the cache keys on it)."""
        chosen = replace(self.filters, **self.values)
        sync_url(chosen)
        st.caption(SHARE_NOTE)
        return chosen.of(self.page)


def choose(values: Sequence[Any], options: Sequence[Any]) -> tuple[Any, ...]:
    """Those of ``values`` (from the URL) that ``options`` offers, in their order."""
    allowed = set(options)
    return tuple(v for v in values if v in allowed)

"""Numbers, periods and quotes written the way a Chinese briefing writes them.

A briefing says 1.6亿元, 2,000余万元, 435人, 8次, never 160M or 16k; approximate figures
keep the marker the source used (余 for "over", 约 for "about"), because a reader who sees
"2,000万元" will quote it as exact. Quotes from documents are untrusted text: they are
escaped before any markup is added, so ``<script>`` shows as text.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

_MONEY_UNITS = {"元"}
_PEOPLE_UNITS = {"人", "名", "人次"}


def is_missing(value: Any) -> bool:
    """None, NaN, pd.NA or NaT (whatever a nullable DuckDB column gives back)."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    if isinstance(value, int | str):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays are not "missing"
        return False


def _trim(number: float, decimals: int = 2) -> str:
    """``1,234.5`` style: thousands separators, at most ``decimals``, no trailing zeros."""
    text = f"{number:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _scaled(value: float, unit: str) -> tuple[float, str]:
    """Mantissa and scale character (亿/万/'') used to write ``value``."""
    magnitude = abs(value)
    if unit in _MONEY_UNITS:
        if magnitude >= 1e8:
            return value / 1e8, "亿"
        if magnitude >= 1e4:
            mantissa = value / 1e4
            # 9,999.999万 rounds to 10,000万: write it as 1亿 instead.
            if round(abs(mantissa), 2) >= 1e4:
                return value / 1e8, "亿"
            return mantissa, "万"
        return value, ""
    if unit in _PEOPLE_UNITS and magnitude >= 1e5:
        return value / 1e4, "万"
    return value, ""


def format_value(value: Any, unit: str, approx: str = "exact") -> str:
    """A value in base units as a briefing writes it.

    >>> format_value(160_000_000, "元")
    '1.6亿元'
    >>> format_value(20_000_000, "元", "over")
    '2,000余万元'
    >>> format_value(540_000_000, "元", "about")
    '约5.4亿元'
    >>> format_value(435, "人")
    '435人'
    """
    if is_missing(value):
        return "未报告"
    mantissa, scale = _scaled(float(value), unit)
    number = _trim(mantissa)
    if approx == "about":
        return f"约{number}{scale}{unit}"
    if approx == "over":
        if "." not in number:
            return f"{number}余{scale}{unit}"  # 2,000余万元, 80余人
        if scale:
            return f"{number}{scale}余{unit}"  # 1.6亿余元
        return f"超{number}{unit}"
    return f"{number}{scale}{unit}"


def approx_label(approx: Any) -> str:
    """The marker a table shows for an approximation flag."""
    return {"over": "余（不少于）", "about": "约"}.get(str(approx), "")


def axis_scale(max_value: float, unit: str) -> tuple[float, str]:
    """Divisor and axis unit for a chart whose largest value is ``max_value``.

    Axes show plain numbers in the unit the labels use (万元, 亿元), not 16k or 1.6e8.
    """
    if unit in _MONEY_UNITS:
        if max_value >= 1e8:
            return 1e8, "亿元"
        if max_value >= 1e4:
            return 1e4, "万元"
        return 1.0, "元"
    if unit in _PEOPLE_UNITS and max_value >= 1e5:
        return 1e4, f"万{unit}"
    return 1.0, unit


def format_period(start: Any, end: Any) -> str:
    """2022年, 2016—2023年, 2016年以来, 截至2023年, or '' when the text gave none."""
    s = None if is_missing(start) else int(start)
    e = None if is_missing(end) else int(end)
    if s is None and e is None:
        return ""
    if s is None:
        return f"截至{e}年"
    if e is None:
        return f"{s}年以来"
    if s == e:
        return f"{s}年"
    return f"{s}—{e}年"


def highlight_quote(
    article_text: str | None,
    quote_start: Any,
    quote_end: Any,
    value_start: Any,
    value_end: Any,
    quote: str,
    value_text: str,
) -> str:
    """HTML for a quote with its number in ``<mark>``; every character of text escaped.

    The spans are offsets into the article text. If they do not fit (an ETL bug, an
    article edited since), fall back to finding the number inside the stored quote, and
    failing that show the quote unmarked: a wrong highlight is worse than none.
    """
    spans = [quote_start, quote_end, value_start, value_end]
    text = article_text or ""
    if not any(is_missing(x) for x in spans):
        qs, qe, vs, ve = (int(x) for x in spans)
        lo, hi = min(qs, vs), max(qe, ve)
        if 0 <= lo <= vs < ve <= hi <= len(text):
            return _marked(text, lo, vs, ve, hi)
    at = quote.find(value_text) if value_text else -1
    if at < 0:
        return html.escape(quote)
    return _marked(quote, 0, at, at + len(value_text), len(quote))


def _marked(text: str, lo: int, start: int, end: int, hi: int) -> str:
    """``text[lo:hi]`` escaped, with ``text[start:end]`` in ``<mark>``."""
    return (
        html.escape(text[lo:start])
        + "<mark>"
        + html.escape(text[start:end])
        + "</mark>"
        + html.escape(text[end:hi])
    )


def highlight_claim(
    article_text: str | None,
    quote_start: Any,
    quote_end: Any,
    value_start: Any,
    value_end: Any,
    quote: str,
    value_text: str,
) -> str:
    """:func:`highlight_quote` of a claim whose article text may not have been read
    (``db.claims.evidence`` reads it only when the number lies outside its quote): the
    quote is the article's text between its offsets, so the spans are taken relative to it
    and the card is the one the article's text gives."""
    if article_text is not None and not is_missing(article_text):
        return highlight_quote(
            article_text, quote_start, quote_end, value_start, value_end, quote, value_text
        )
    spans = [quote_start, quote_end, value_start, value_end]
    if any(is_missing(x) for x in spans):
        return highlight_quote(None, None, None, None, None, quote, value_text)
    qs, qe, vs, ve = (int(x) for x in spans)
    if qe - qs != len(quote):  # offsets that do not fit the quote: no span to trust
        return highlight_quote(None, None, None, None, None, quote, value_text)
    return highlight_quote(quote, 0, qe - qs, vs - qs, ve - qs, quote, value_text)


def safe_text(value: Any) -> str:
    """Escape untrusted text for HTML; missing values become ''."""
    return "" if is_missing(value) else html.escape(str(value))

"""Refusing documents that are not 双拥 reports, with a message naming the file.

A text that decodes cleanly can still be the wrong file (a novel, a spreadsheet export): it
would load as an article without claims and quietly dilute the overview. The markers are in
``etl/rules/metrics.yml``.
"""

from __future__ import annotations

from etl.models import SourceText
from etl.rulebook import rule_file
from etl.wordsets import WordSet

REPORT_MARKERS = WordSet(rule_file("metrics")["report_markers"])


class NotAReportError(ValueError):
    """The file decodes as Chinese text but says nothing about 双拥 work."""


def check_is_report(doc: SourceText) -> None:
    if not REPORT_MARKERS.within(doc.clean, 0, len(doc.clean)):
        raise NotAReportError(
            f"{doc.name}: not a 双拥 report (none of its text mentions 双拥, 拥军, 军人, 部队 …)"
        )

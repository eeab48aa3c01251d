"""The rule-file loader, kept under its old name for the ETL's modules.

There is one loader, :mod:`valuation.rulebook` (the domain core reads the metric registry
and the fund categories with it too); this module only names it for ``etl``.
"""

from valuation.rulebook import RULES_DIR, RuleFileError, UniqueKeyLoader, load_yaml, rule_file

__all__ = ["RULES_DIR", "RuleFileError", "UniqueKeyLoader", "load_yaml", "rule_file"]

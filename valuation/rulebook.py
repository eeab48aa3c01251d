"""Loading the rule tables in ``etl/rules/*.yml``: the one YAML loader of the project.

The files stay in ``etl/rules/`` (one folder an analyst edits), and both the ETL (trigger
words, units, cues) and the domain core (the metric registry, the fund categories) read
them through this module. Rules are data so that a 双拥办 analyst can add a trigger word
without reading Python, and so that every rule lives in exactly one place. A rule file that
defines the same key twice is refused when it is loaded: a silently overwritten unit or
trigger is the kind of bug that would shift a ranking without anyone noticing.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

RULES_DIR = Path(__file__).resolve().parent.parent / "etl" / "rules"


class RuleFileError(ValueError):
    """A rule file is malformed; the message names the file and the problem."""


class UniqueKeyLoader(yaml.SafeLoader):
    """A SafeLoader that refuses a mapping which repeats a key."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                mark = key_node.start_mark
                raise RuleFileError(
                    f"{mark.name}:{mark.line + 1}: duplicate key {key!r} "
                    f"(first defined on line {seen[key].start_mark.line + 1})"
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


def load_yaml(path: Path) -> Any:
    """Parse one YAML file with duplicate keys refused."""
    with path.open(encoding="utf-8") as handle:
        try:
            return yaml.load(handle, Loader=UniqueKeyLoader)
        except yaml.YAMLError as exc:
            raise RuleFileError(f"{path}: not valid YAML: {exc}") from exc


@cache
def rule_file(name: str) -> Any:
    """The parsed content of ``etl/rules/<name>.yml`` (cached: rules do not change at run time)."""
    return load_yaml(RULES_DIR / f"{name}.yml")

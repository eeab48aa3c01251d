"""The extraction core compiled with mypyc, and the guard that runs the sources whenever
the compiled copy is not theirs.

Extraction is bound by Python itself: the rules make thousands of small calls per article
(a word set here, a clause there, a tuple per number), none of them slow alone. mypyc
compiles these modules, unchanged, into C extensions (the same code, its type hints
checked at run time), which run the corpus about a third faster. The sources stay the only
code: nothing is written for the compiler, and ``ETL_PURE=1`` runs them as they are.

The compiled copy lives beside the sources (``etl/claims.cpython-311-…so``, not committed),
and Python's import system prefers it to the ``.py``. A copy built before an edit would
therefore run the old rules. ``etl/__init__`` calls ``guard()`` before any submodule is
imported: unless the manifest written by the build (``etl/native.json``) holds the hash of
every compiled module's source as it is now, a finder placed first on ``sys.meta_path``
loads every one of them from its source. All or none: compiled modules call each other in
C, so one module run from its source would not be the one its compiled callers use.

    python -m etl.native_build           compile (``make native``; ``make setup`` runs it)
    python -m etl.native_build --status  which one runs, and why
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = Path(__file__).with_name("native.json")
# Set to 1 to run the sources even where a fresh compiled copy exists.
PURE_ENV = "ETL_PURE"
# The shared library mypyc builds for the group, inside the package (etl/_native__mypyc…so).
GROUP_NAME = "etl._native"
# What runs per document, in the order of ``etl.pipeline``; not the modules that read files
# and talk to the database (not where the time goes). A compiled class has no instance
# dict, so these modules use no ``functools.cached_property`` (it would recompute on every
# use: measured, the region stage 500 times slower).
COMPILED_MODULES = (
    "etl.pipeline",
    "etl.segmenting",
    "etl.page",
    "etl.dating",
    "etl.gazetteer.resolve",
    "etl.gazetteer.body",
    "etl.gazetteer.index",
    "etl.gazetteer.names",
    "etl.gazetteer.cues",
    "etl.gazetteer.words",
    "etl.gazetteer.rules",
    "etl.gazetteer.table",
    "etl.claims",
    "etl.clauses",
    "etl.wordsets",
    "etl.numbers",
    "etl.periods",
    "etl.period_kinds",
    "etl.categories",
    "etl.metric_rules",
    "etl.offsets",
    "etl.openings",
)


@dataclass(frozen=True)
class NativeState:
    """Whether the compiled copy runs, and why (or why not) in words for a log line."""

    compiled: bool
    reason: str
    stale: bool = False  # compiled once, from sources that have changed since


def source_of(module: str, root: Path = ROOT) -> Path:
    return root.joinpath(*module.split(".")).with_suffix(".py")


def extension_of(module: str, root: Path = ROOT) -> Path:
    """Where the compiled copy of ``module`` is, for this interpreter."""
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    return root.joinpath(*module.split(".")).with_name(module.rpartition(".")[2] + suffix)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_of(modules: Sequence[str], root: Path = ROOT) -> dict[str, object]:
    """What a build records: the interpreter it is for and each source's hash."""
    return {
        "cache_tag": sys.implementation.cache_tag,
        "sources": {m: _digest(source_of(m, root)) for m in modules},
    }


def state_of(
    modules: Sequence[str], root: Path, manifest: Path, environ: dict[str, str]
) -> NativeState:
    """Whether the compiled copies of ``modules`` under ``root`` are the current sources'."""
    if environ.get(PURE_ENV, "") not in ("", "0"):
        return NativeState(False, f"{PURE_ENV}={environ[PURE_ENV]}: the sources run")
    if not manifest.is_file():
        return NativeState(False, "not compiled (make native): the sources run")
    try:
        built = json.loads(manifest.read_text(encoding="utf-8"))
        recorded = dict(built["sources"])
        tag = built["cache_tag"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        return NativeState(False, f"{manifest.name} unreadable ({err}): the sources run")
    if tag != sys.implementation.cache_tag:
        return NativeState(False, f"compiled for {tag}, this is {sys.implementation.cache_tag}")
    for module in modules:
        if not extension_of(module, root).is_file():
            return NativeState(False, f"{module} has no compiled copy (make native)")
        source = source_of(module, root)
        if recorded.get(module) != _digest(source):
            where = source.relative_to(root)
            return NativeState(False, f"{where} changed since it was compiled (make native)", True)
    return NativeState(True, f"compiled with mypyc ({len(modules)} modules)")


class SourceFirst(importlib.abc.MetaPathFinder):
    """Loads each of ``modules`` from its ``.py``, whatever else lies beside it."""

    def __init__(self, modules: Iterable[str]) -> None:
        self.modules = frozenset(modules)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.modules or path is None:
            return None
        leaf = fullname.rpartition(".")[2] + ".py"
        for entry in path:
            source = Path(entry) / leaf
            if source.is_file():
                return importlib.util.spec_from_file_location(fullname, source)
        return None


_state: NativeState | None = None


def guard() -> NativeState:
    """Decide once per process which copy runs (see the module docstring)."""
    global _state
    if _state is None:
        _state = state_of(COMPILED_MODULES, ROOT, MANIFEST, dict(os.environ))
        if not _state.compiled:
            sys.meta_path.insert(0, SourceFirst(COMPILED_MODULES))
            if _state.stale:
                warnings.warn(f"etl: {_state.reason}", RuntimeWarning, stacklevel=2)
    return _state


def state() -> NativeState:
    return guard()

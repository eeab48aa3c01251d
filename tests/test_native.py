"""The compiled extraction core (``etl.native``): it runs under ``make test``, it extracts
exactly what the sources extract, and a copy older than its sources never runs."""

from __future__ import annotations

import importlib
import importlib.machinery
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import etl.claims
from etl import native

ROOT = Path(__file__).resolve().parent.parent
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]
PURE = os.environ.get(native.PURE_ENV, "") not in ("", "0")


@pytest.mark.skipif(PURE, reason=f"{native.PURE_ENV} is set: the sources run by request")
def test_make_test_runs_the_compiled_copy() -> None:
    state = native.state()
    assert state.compiled, state.reason
    assert etl.claims.__file__ is not None and etl.claims.__file__.endswith(SUFFIX)


def _extract(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "etl", "extract", *args, "corpus", "tests/devset/corpus"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


@pytest.mark.skipif(not native.state().compiled, reason="no fresh compiled copy to compare")
@pytest.mark.parametrize("args", [(), ("--articles",)], ids=["claims", "articles"])
def test_the_compiled_copy_extracts_what_the_sources_extract(args: tuple[str, ...]) -> None:
    compiled = {k: v for k, v in os.environ.items() if k != native.PURE_ENV}
    pure = {**compiled, native.PURE_ENV: "1"}
    got, expected = _extract(compiled, *args), _extract(pure, *args)
    assert len(expected.splitlines()) > 100
    assert got == expected


def _fake_build(root: Path, modules: tuple[str, ...]) -> Path:
    """A package of ``modules`` with a compiled copy of each and the manifest of a build."""
    for module in modules:
        source = native.source_of(module, root)
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(f"NAME = {module!r}\n", encoding="utf-8")
        native.extension_of(module, root).write_bytes(b"not a real extension")
    manifest = root / "native.json"
    built = native.manifest_of(modules, root)
    manifest.write_text(json.dumps(built), encoding="utf-8")
    return manifest


MODULES = ("pkg.first", "pkg.inner.second")


def test_a_fresh_build_is_run(tmp_path: Path) -> None:
    manifest = _fake_build(tmp_path, MODULES)
    state = native.state_of(MODULES, tmp_path, manifest, {})
    assert state == native.NativeState(True, "compiled with mypyc (2 modules)")


def test_a_source_changed_since_the_build_runs_every_source(tmp_path: Path) -> None:
    manifest = _fake_build(tmp_path, MODULES)
    native.source_of("pkg.inner.second", tmp_path).write_text("NAME = 'edited'\n")
    state = native.state_of(MODULES, tmp_path, manifest, {})
    assert not state.compiled and state.stale
    assert "pkg/inner/second.py changed since it was compiled" in state.reason


@pytest.mark.parametrize(
    ("spoil", "environ", "reason"),
    [
        pytest.param("manifest", {}, "not compiled (make native)", id="no-build"),
        pytest.param("copy", {}, "pkg.first has no compiled copy", id="copy-missing"),
        pytest.param("garbage", {}, "native.json unreadable", id="manifest-unreadable"),
        pytest.param("tag", {}, "compiled for cpython-00", id="other-interpreter"),
        pytest.param(None, {native.PURE_ENV: "1"}, "ETL_PURE=1: the sources run", id="asked"),
    ],
)
def test_the_sources_run_when_the_build_is_not_theirs(
    tmp_path: Path, spoil: str | None, environ: dict[str, str], reason: str
) -> None:
    manifest = _fake_build(tmp_path, MODULES)
    if spoil == "manifest":
        manifest.unlink()
    elif spoil == "copy":
        native.extension_of("pkg.first", tmp_path).unlink()
    elif spoil == "garbage":
        manifest.write_text("{not json", encoding="utf-8")
    elif spoil == "tag":
        built = json.loads(manifest.read_text(encoding="utf-8"))
        manifest.write_text(json.dumps({**built, "cache_tag": "cpython-00"}), encoding="utf-8")
    state = native.state_of(MODULES, tmp_path, manifest, environ)
    assert not state.compiled and not state.stale
    assert reason in state.reason


def test_the_finder_loads_the_source_where_a_compiled_copy_lies_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the finder Python prefers the extension (here a broken one, so it fails)."""
    package = tmp_path / "nativepkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "rules.py").write_text("ORIGIN = 'source'\n")
    (package / f"rules{SUFFIX}").write_bytes(b"stale or broken")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ImportError):
        importlib.import_module("nativepkg.rules")
    sys.modules.pop("nativepkg.rules", None)
    monkeypatch.setattr(sys, "meta_path", [native.SourceFirst(["nativepkg.rules"]), *sys.meta_path])
    assert importlib.import_module("nativepkg.rules").ORIGIN == "source"

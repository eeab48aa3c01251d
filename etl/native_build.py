"""Compile the extraction core with mypyc, in place (see ``etl.native`` for why and how the
compiled copy is kept from running stale).

    python -m etl.native_build           compile, then record the sources (make native)
    python -m etl.native_build --status  say which copy runs, and why

Needs mypy (the ``dev`` extra), a C compiler and the Python headers; ``make setup`` runs it.
A failed build leaves no manifest, so the sources run.
"""

from __future__ import annotations

import argparse
import json
import os
import warnings

from etl.native import (
    COMPILED_MODULES,
    GROUP_NAME,
    MANIFEST,
    ROOT,
    manifest_of,
    source_of,
    state,
    state_of,
)

# Where the C sources and objects go (``make clean`` removes build/).
BUILD_TEMP = "build/native"


def build() -> None:
    """Compile ``COMPILED_MODULES`` beside their sources and write the manifest."""
    from mypyc.build import mypycify
    from setuptools import setup

    os.chdir(ROOT)  # mypyc names the modules by their paths from the project's root
    MANIFEST.unlink(missing_ok=True)
    paths = [str(source_of(m).relative_to(ROOT)) for m in COMPILED_MODULES]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # setuptools' notes on pyproject.toml, not ours
        setup(
            name="etl-native",
            ext_modules=mypycify(paths, group_name=GROUP_NAME, opt_level="3"),
            script_args=["--quiet", "build_ext", "--inplace", "--build-temp", BUILD_TEMP],
        )
    manifest = manifest_of(COMPILED_MODULES)
    MANIFEST.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--status", action="store_true", help="say which copy runs")
    args = parser.parse_args()
    if not args.status:
        build()
        print(f"etl: {state_of(COMPILED_MODULES, ROOT, MANIFEST, {}).reason}")
    else:
        print(f"etl: {state().reason}")


if __name__ == "__main__":
    main()

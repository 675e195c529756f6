"""Assemble the static MicroSim folder dist/attention-mechanism/ from site/ and py/.

The folder is self-contained: main.html, its CSS and JS, the Python package with a
manifest of its files (which the boot module fetches), and the vendored runtime.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import pycache  # noqa: E402

SITE = ROOT / "site"
PACKAGE = ROOT / "py" / "attention_sim"
DIST = ROOT / "dist"
APP_DIR = DIST / "attention-mechanism"


def python_sources() -> list:
    """Return the package's .py files, relative to py/, browser glue included."""
    return sorted(
        path.relative_to(PACKAGE.parent).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "__pycache__" not in path.parts
    )


def copy_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def build_app(target: Path = APP_DIR) -> Path:
    """Write the MicroSim folder to target and return it."""
    subprocess.run([sys.executable, str(ROOT / "tools" / "vendor.py")], check=True)
    if target.exists():
        shutil.rmtree(target)
    for source in SITE.rglob("*"):
        if source.is_file():
            relative = source.relative_to(SITE)
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            if relative.parts[0] == "vendor":
                # Hard links keep 27 MB of runtime from being copied on every build.
                try:
                    os.link(source, destination)
                    continue
                except OSError:
                    pass
            shutil.copy2(source, destination)
    sources = python_sources()
    for relative in sources:
        copy_file(PACKAGE.parent / relative, target / "py" / relative)
    write_package_manifest(target, sources, None)
    return target


def write_package_manifest(target: Path, sources: list, pycache_entry) -> None:
    """Write py/manifest.json: the package's files and the optional bytecode bundle."""
    manifest = {"files": sources, "pycache": pycache_entry}
    (target / "py" / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")


def add_pycache(target: Path = APP_DIR) -> None:
    """Add py/pycache.bin, which saves the page compiling its modules at every start.

    Making it takes Chromium and Playwright; without them the folder works, only
    its first frame comes later.
    """
    if not pycache.chromium_available():
        print("build: no Chromium or Playwright, so py/pycache.bin is skipped (the page works without it)")
        return
    bundle = pycache.bundle_for(target)
    (target / "py" / "pycache.bin").write_bytes(bundle)
    entry = {"file": "pycache.bin", "size": len(bundle)}
    write_package_manifest(target, python_sources(), entry)


def main() -> None:
    target = build_app()
    add_pycache(target)
    print(f"build: wrote {target.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()

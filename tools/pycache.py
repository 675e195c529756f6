"""Build py/pycache.bin: bytecode of the modules the page imports, made by its own runtime.

Pyodide 0.17.1 ships the standard library and numpy as .py source only, so every
start compiles them again (about 0.5 s of the first load on a 2-core machine). This
tool opens the built page in headless Chromium, lets it reach data-ready, and asks
the page's Python 3.8 to compile every module then in sys.modules. The boot module
writes the files into __pycache__ before Python starts.

Runtime files (standard library, numpy) are compiled with unchecked hashes: they
never change for a pinned runtime. The attention_sim package is compiled with
checked hashes, so an edited .py file is compiled afresh instead of its stale .pyc.

Format: b"PYCB1\\n", a 4-byte little-endian header length, a JSON header
{"python": ..., "files": [[path, length], ...]}, then the files' bytes in order.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ROOT / ".cache" / "pycache"
MAGIC = b"PYCB1\n"
sys.path.insert(0, str(ROOT / "tools"))

COMPILE_PY = """
import base64, importlib.util, json, py_compile, sys
_mode = py_compile.PycInvalidationMode
_files = []
for _name in sorted(sys.modules):
    _source = getattr(sys.modules[_name], "__file__", None)
    if not _source or not _source.endswith(".py") or not _source.startswith("/"):
        continue
    _own = _source.startswith("/home/pyodide/")
    _target = importlib.util.cache_from_source(_source)
    py_compile.compile(_source, _target, doraise=True, invalidation_mode=_mode.CHECKED_HASH if _own else _mode.UNCHECKED_HASH)
    with open(_target, "rb") as _file:
        _files.append([_target, base64.b64encode(_file.read()).decode()])
json.dumps({"python": sys.version.split()[0], "files": _files})
"""


def cache_key(app_dir: Path) -> str:
    """Hash of what the bytecode depends on: the runtime and the package sources."""
    digest = hashlib.sha256()
    digest.update((app_dir / "vendor" / "pyodide" / "manifest.json").read_bytes())
    for path in sorted((app_dir / "py").rglob("*.py")):
        digest.update(path.relative_to(app_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def pack(header: dict, blobs: list) -> bytes:
    header_bytes = json.dumps(header, separators=(",", ":")).encode()
    return MAGIC + struct.pack("<I", len(header_bytes)) + header_bytes + b"".join(blobs)


def collect(app_dir: Path) -> bytes:
    """Run the built page in Chromium and return the bundle of compiled modules."""
    import base64

    from playwright.sync_api import sync_playwright
    from serve import make_server

    from bench import CHROMIUM_ARGS

    server = make_server(app_dir, "127.0.0.1", 0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/main.html"
    try:
        with sync_playwright() as playwright:
            executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url)
            page.wait_for_function("document.documentElement.dataset.ready !== 'false'", timeout=120_000)
            state = page.evaluate("document.documentElement.dataset.ready")
            if state != "true":
                raise RuntimeError(f"the page reached data-ready={state!r}")
            result = json.loads(page.evaluate("(code) => attentionSim.pyodide.runPython(code)", COMPILE_PY))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    blobs = [base64.b64decode(data) for _, data in result["files"]]
    header = {"python": result["python"], "files": [[path, len(blob)] for (path, _), blob in zip(result["files"], blobs)]}
    return pack(header, blobs)


def bundle_for(app_dir: Path) -> bytes:
    """Return the bundle for the built folder, from .cache/pycache/ when it is current."""
    key = cache_key(app_dir)
    cached = CACHE_DIR / f"{key}.bin"
    if cached.exists():
        return cached.read_bytes()
    bundle = collect(app_dir)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for old in CACHE_DIR.glob("*.bin"):
        old.unlink()
    cached.write_bytes(bundle)
    return bundle


def chromium_available() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return Path(os.environ.get("CHROMIUM", "/usr/bin/chromium")).exists()

"""Take the MicroSim folder's screenshot from the real page in headless Chromium.

The built folder is served on a free localhost port, the page is opened at the
size of its textbook iframe, and once it is ready (data-ready="true") the chosen
step is shown and the viewport is saved as a PNG. build.py runs this for every
build; a result is kept in .cache/screenshot/ for the same folder contents.

Usage: python3 tools/screenshot.py [--directory DIR] [--output PNG] [--step 4]
Needs Playwright (installed into .venv/ by ./sim test) and Chromium ($CHROMIUM or
/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_DIR = ROOT / "dist" / "attention-mechanism"
CACHE_DIR = ROOT / ".cache" / "screenshot"
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from microsim import IFRAME_HEIGHT, SCREENSHOT  # noqa: E402

WIDTH = 800
READY_TIMEOUT_MS = 120_000


def available() -> bool:
    """Return whether Playwright and Chromium are there to take a screenshot."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return Path(os.environ.get("CHROMIUM", "/usr/bin/chromium")).exists()


def take_screenshot(app_dir: Path, output: Path, step: int = 4) -> Path:
    """Save a PNG of app_dir's main.html at the given step and return its path."""
    from playwright.sync_api import sync_playwright
    from serve import make_server

    from conftest import CHROMIUM_ARGS

    server = make_server(app_dir, "127.0.0.1", 0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/main.html"
    try:
        with sync_playwright() as playwright:
            executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            # No service worker: the folder is a temporary build.
            context = browser.new_context(
                viewport={"width": WIDTH, "height": IFRAME_HEIGHT}, service_workers="block"
            )
            page = context.new_page()
            page.goto(url)
            page.wait_for_function(
                "document.documentElement.dataset.ready !== 'false'", timeout=READY_TIMEOUT_MS
            )
            state = page.evaluate("document.documentElement.dataset.ready")
            if state != "true":
                raise RuntimeError(f"{url} reached data-ready={state!r}, not 'true'")
            page.get_by_role("slider", name="Step").evaluate(
                "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }",
                str(step),
            )
            page.wait_for_function(
                "(step) => document.getElementById('title').textContent.includes(`Step ${step} `)",
                arg=step,
            )
            output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(output))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return output


def cached_screenshot(app_dir: Path, build_id: str, step: int = 4) -> Path:
    """Write app_dir's screenshot, from .cache/screenshot/ when the build is the same."""
    output = app_dir / SCREENSHOT
    cached = CACHE_DIR / f"{build_id}-step{step}.png"
    if not cached.exists():
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        fresh = take_screenshot(app_dir, CACHE_DIR / f"{build_id}.{os.getpid()}.tmp.png", step)
        for old in CACHE_DIR.glob("*-step*.png"):
            old.unlink(missing_ok=True)
        fresh.replace(cached)
    shutil.copyfile(cached, output)
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directory", type=Path, default=APP_DIR, help="built MicroSim folder to serve")
    parser.add_argument("--output", type=Path, help=f"PNG to write (default DIRECTORY/{SCREENSHOT})")
    parser.add_argument("--step", type=int, default=4, choices=range(1, 6), help="step to show (default 4)")
    args = parser.parse_args()
    if not (args.directory / "main.html").exists():
        sys.exit(f"screenshot: {args.directory} has no main.html; run `./sim build` first.")
    if not available():
        sys.exit("screenshot: Playwright or Chromium is missing; run `./sim test` once to install them.")
    output = take_screenshot(args.directory, args.output or args.directory / SCREENSHOT, args.step)
    print(f"screenshot: wrote {output}")


if __name__ == "__main__":
    main()

"""Fixtures for end-to-end tests: the built folder on a local HTTP server, and Chromium.

Chromium is Debian's /usr/bin/chromium (or $CHROMIUM), driven by Playwright. Every
page is routed so that any request to another origin is aborted and recorded, and
`page` fails the test if one was made.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP_DIR = ROOT / "dist" / "attention-mechanism"
ARTIFACTS = ROOT / "test-artifacts"
sys.path.insert(0, str(ROOT / "tools"))

from serve import Handler, make_server  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
READY_TIMEOUT_MS = 60_000


class HeaderHandler(Handler):
    """The project's request handler, adding the server's extra_headers to each response."""

    def end_headers(self):
        for name, value in self.server.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()


class Server:
    def __init__(self, directory: Path, headers: dict = None):
        self.httpd = make_server(directory, "127.0.0.1", 0, quiet=True)
        if headers:
            self.httpd.extra_headers = dict(headers)
            self.httpd.RequestHandlerClass = functools.partial(
                HeaderHandler, directory=str(directory)
            )
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        host, port = self.httpd.server_address[:2]
        self.origin = f"http://{host}:{port}"

    def url(self, path: str = "main.html") -> str:
        return f"{self.origin}/{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def app_dir() -> Path:
    if not (APP_DIR / "main.html").exists():
        pytest.fail(f"{APP_DIR} is not built; run ./sim build (./sim test does it)")
    return APP_DIR


@pytest.fixture(scope="session")
def server(app_dir):
    server = Server(app_dir)
    yield server
    server.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def guard_origin(context, allowed_origins):
    """Abort and record every request whose origin is not in allowed_origins."""
    foreign = []

    def handle(route):
        url = route.request.url
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme in ("data", "blob") or origin in allowed_origins:
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", handle)
    return foreign


@pytest.fixture
def context(browser, server):
    context = browser.new_context(viewport={"width": 800, "height": 552}, accept_downloads=True)
    context.foreign_requests = guard_origin(context, {server.origin})
    yield context
    context.close()
    assert not context.foreign_requests, f"requests left the origin: {context.foreign_requests}"


@pytest.fixture
def page(context):
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    yield page


def wait_ready(page, expected: str = "true") -> str:
    page.wait_for_function(
        "document.documentElement.dataset.ready !== 'false'", timeout=READY_TIMEOUT_MS
    )
    state = page.evaluate("document.documentElement.dataset.ready")
    assert state == expected, f"data-ready is {state!r}, expected {expected!r}"
    return state


@pytest.fixture
def ready_page(page, server):
    page.goto(server.url())
    wait_ready(page)
    return page


def set_range(page, label: str, value) -> None:
    """Set a range input found by its accessible name and fire its input event."""
    page.get_by_role("slider", name=label).evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }",
        str(value),
    )


def canvas_png(page) -> bytes:
    return page.locator("#canvas").screenshot()


def settings_of(state: dict):
    """Return the Settings that an exported state (attention-state.json) was made with."""
    from attention_sim.settings import Settings

    return Settings(
        preset=state["preset"], sentence=state["sentence"], step=state["step"],
        query=state["query"], d_model=state["d_model"], d_k=state["d_k"],
        heads=state["heads"], head=state["head"], scaled=state["scaled"],
        causal=state["causal"], temperature=state["temperature"],
        positional=state["positional_encoding"], seed=state["seed"],
    )  # fmt: skip


def save_artifact(name: str, data: bytes) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(data)
    return path

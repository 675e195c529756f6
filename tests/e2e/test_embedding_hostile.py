"""The page inside a sandboxed iframe on another site, where storage is blocked.

The parent page is served from http://localhost:PORT and the simulator from
http://127.0.0.1:PORT, two sites, so the frame is third-party. Chromium 156 blocks
third-party storage in Playwright's contexts, which are off-the-record profiles. The
tests check that storage really throws in the frame. An init script, which runs in
every frame, records each use of localStorage, sessionStorage, indexedDB, Cache
Storage, cookies and navigator.storage.
"""

from __future__ import annotations

import pytest

from conftest import READY_TIMEOUT_MS, Server, guard_origin, save_artifact, set_range

SANDBOX = "allow-scripts allow-same-origin"

RECORD_STORAGE_JS = """
window.storageUses = [];
(() => {
  const record = (name) => {
    const stack = new Error().stack.split('\\n').slice(2, 5).join(' | ');
    window.storageUses.push(name + ' at ' + stack);
  };
  const wrap = (object, property) => {
    let owner = object;
    while (owner && !Object.getOwnPropertyDescriptor(owner, property)) owner = Object.getPrototypeOf(owner);
    if (!owner) return;
    const descriptor = Object.getOwnPropertyDescriptor(owner, property);
    if (!descriptor.get || !descriptor.configurable) return;
    Object.defineProperty(owner, property, {
      configurable: true,
      enumerable: descriptor.enumerable,
      get() { record(property); return descriptor.get.call(this); },
      set: descriptor.set && function (value) { record(property + ' ='); descriptor.set.call(this, value); },
    });
  };
  for (const property of ['localStorage', 'sessionStorage', 'indexedDB', 'caches', 'cookieStore']) {
    wrap(window, property);
  }
  wrap(document, 'cookie');
  wrap(navigator, 'storage');
})();
"""

STORAGE_PROBE_JS = """() => {
  const outcome = (use) => { try { use(); return 'allowed'; } catch (error) { return error.name; } };
  return {
    localStorage: outcome(() => localStorage.getItem('probe')),
    sessionStorage: outcome(() => sessionStorage.getItem('probe')),
  };
}"""

CANVAS_COLORS_JS = """() => {
  const canvas = document.getElementById('canvas');
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  const seen = new Set();
  for (let i = 0; i < data.length; i += 4 * 7) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  return seen.size;
}"""


@pytest.fixture
def parent_dir(tmp_path):
    folder = tmp_path / "parent"
    folder.mkdir()
    # The browser requests a favicon from the parent's origin and would log a 404.
    (folder / "favicon.ico").write_bytes(b"")
    return folder


def open_embedded(browser, parent_dir, app_server, sandbox):
    """Serve a parent page on localhost that embeds main.html from app_server."""
    (parent_dir / "parent.html").write_text(
        "<!doctype html><title>Course page</title><h1>Course page</h1>\n"
        f'<iframe sandbox="{sandbox}" src="{app_server.url()}" width="800" height="552"'
        ' title="Attention mechanism MicroSim"></iframe>\n',
        encoding="utf-8",
    )
    parent = Server(parent_dir)
    parent_origin = parent.origin.replace("127.0.0.1", "localhost")
    context = browser.new_context(viewport={"width": 840, "height": 660})
    context.foreign_requests = guard_origin(context, {parent_origin, app_server.origin})
    context.add_init_script(RECORD_STORAGE_JS)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{parent_origin}/parent.html")
    frame = page.locator("iframe").element_handle().content_frame()
    frame.wait_for_selector("html:not([data-ready='false'])", state="attached", timeout=READY_TIMEOUT_MS)
    return parent, context, page, frame


def use_every_step(frame):
    for step in range(1, 6):
        set_range(frame, "Step", step)
        set_range(frame, "Query token", (step + 1) % 4)
        assert frame.evaluate(CANVAS_COLORS_JS) > 20, f"step {step} canvas looks blank"
    assert frame.locator("#title").inner_text() == "Step 5 of 5: Weighted sum"


def test_third_party_frame_works_without_storage(browser, server, parent_dir):
    parent, context, page, frame = open_embedded(browser, parent_dir, server, SANDBOX)
    try:
        assert frame.evaluate("document.documentElement.dataset.ready") == "true"
        assert frame.evaluate("self.origin") == server.origin
        use_every_step(frame)
        save_artifact("embedded-third-party.png", page.screenshot())
        assert frame.evaluate("window.storageUses") == [], "the page used storage"
        assert page.errors == [], page.errors

        # The frame really has no storage, and the recorder records each use.
        probe = frame.evaluate(STORAGE_PROBE_JS)
        assert probe == {"localStorage": "SecurityError", "sessionStorage": "SecurityError"}, probe
        uses = frame.evaluate("window.storageUses")
        assert [use.split(" ")[0] for use in uses] == ["localStorage", "sessionStorage"], uses
    finally:
        context.close()
        parent.close()
    assert not context.foreign_requests, context.foreign_requests


def test_opaque_origin_frame_works(browser, app_dir, parent_dir):
    """Without allow-same-origin the frame's origin is opaque: storage always throws.

    Its module script and fetches are then cross-origin requests, so this case needs
    a server that sends Access-Control-Allow-Origin.
    """
    app_server = Server(app_dir, {"Access-Control-Allow-Origin": "*"})
    parent, context, page, frame = open_embedded(browser, parent_dir, app_server, "allow-scripts")
    try:
        assert frame.evaluate("document.documentElement.dataset.ready") == "true"
        assert frame.evaluate("self.origin") == "null"
        use_every_step(frame)
        assert frame.evaluate("window.storageUses") == [], "the page used storage"
        assert page.errors == [], page.errors
        probe = frame.evaluate(STORAGE_PROBE_JS)
        assert probe == {"localStorage": "SecurityError", "sessionStorage": "SecurityError"}, probe
    finally:
        context.close()
        parent.close()
        app_server.close()
    assert not context.foreign_requests, context.foreign_requests


def test_top_level_page_uses_no_storage(browser, server):
    context = browser.new_context(viewport={"width": 800, "height": 552})
    context.foreign_requests = guard_origin(context, {server.origin})
    context.add_init_script(RECORD_STORAGE_JS)
    page = context.new_page()
    try:
        page.goto(server.url())
        page.wait_for_selector("html[data-ready='true']", state="attached", timeout=READY_TIMEOUT_MS)
        use_every_step(page)
        assert page.evaluate("window.storageUses") == [], "the page used storage"
        assert page.evaluate("localStorage.length") == 0
        assert len(page.evaluate("window.storageUses")) == 1, "the recorder missed a use"
    finally:
        context.close()
    assert not context.foreign_requests, context.foreign_requests

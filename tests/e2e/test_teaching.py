"""Teaching features in a real Chromium: every control, tooltips, permalinks, panels.

Expected numbers come from the same package run in CPython (build, explain,
narrate), so each test checks that the page shows what the Python code computes,
and the math itself is checked against loops in the unit tests.
"""

from __future__ import annotations

import base64
import json
import math
import struct
from dataclasses import replace

import numpy as np
import pytest

from attention_sim.codeview import code_blocks
from attention_sim.explain import explain
from attention_sim.model import build
from attention_sim.narration import narrate
from attention_sim.settings import Settings, preset_settings
from attention_sim.urlstate import parse_state
from conftest import guard_origin, save_artifact, settings_of, wait_ready

REGIONS_JS = """(view) => JSON.parse(attentionSim.pyodide.runPython(
  `import json, attention_sim.browser as b; json.dumps(b._app.${view}.regions)`))"""
DISTINCT_COLORS_JS = """(id) => {
  const canvas = document.getElementById(id);
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  const seen = new Set();
  for (let i = 0; i < data.length; i += 4 * 7) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  return seen.size;
}"""


def open_matrix_panel(page) -> None:
    """Open the attention-matrix panel and wait until its canvas shows more than a blank fill.

    The details element's toggle event arrives in a later task than the click,
    so the canvas is painted after click() returns.
    """
    page.locator("#matrix-panel summary").click()
    page.wait_for_function(f"({DISTINCT_COLORS_JS})('matrix-canvas') > 20")


def set_range(page, label: str, value) -> None:
    """Set the range input with exactly this accessible name and fire its input event."""
    page.get_by_role("slider", name=label, exact=True).evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }",
        str(value),
    )


def slider(page, label: str):
    return page.get_by_role("slider", name=label, exact=True)


def wait_for_hash(page, expected: str) -> None:
    """Wait until the page has written this URL fragment (it may defer a write)."""
    page.wait_for_function("(expected) => location.hash === expected", arg=expected, timeout=5000)


def open_page(page, server, fragment=""):
    page.goto(server.url() + fragment)
    wait_ready(page)
    return page


def export_state(page):
    with page.expect_download() as info:
        page.get_by_role("button", name="Export JSON").click()
    with open(info.value.path(), encoding="utf-8") as file:
        return json.load(file)


def regions(page, view="main_view"):
    return page.evaluate(REGIONS_JS, view)


def find_region(page, view="main_view", **wanted):
    for region in regions(page, view):
        if all(region.get(key) == value for key, value in wanted.items()):
            return region
    raise AssertionError(f"no region {wanted} in {view}")


def center(region):
    return {"x": region["x"] + region["w"] / 2, "y": region["y"] + region["h"] / 2}


def tooltip_lines(page):
    tip = page.locator("#cell-tip")
    assert tip.is_visible()
    return tip.evaluate("(el) => el.textContent").split("\n")


def assert_matches_cpython(state):
    """Check the page's export against the same settings built in CPython."""
    model = build(settings_of(state))
    assert state["tokens"] == model.tokens
    # sin and cos of the positional encoding may differ in the last bit between the
    # page's math library and CPython's.
    np.testing.assert_allclose(np.array(state["X"]), model.X, rtol=0, atol=1e-12)
    for name in ("W_Q", "W_K", "W_V"):
        full = getattr(model, name)
        np.testing.assert_array_equal(np.array(state[name]), full, err_msg=name)
        np.testing.assert_array_equal(np.hstack([np.array(b) for b in state["per_head"][name]]), full, err_msg=name)
    for h, result in enumerate(model.heads):
        np.testing.assert_allclose(np.array(state["per_head"]["weights"][h]), result.weights, rtol=0, atol=1e-12)
        np.testing.assert_allclose(np.array(state["per_head"]["output"][h]), result.output, rtol=0, atol=1e-12)
    return model


# Inputs.


def test_sentence_sets_tokens(ready_page):
    page = ready_page
    page.get_by_role("textbox", name="Sentence").fill("Hello, world!")
    assert slider(page, "Query token").get_attribute("max") == "3"
    set_range(page, "Query token", 2)
    assert page.locator("#query-value").inner_text() == "world"
    state = export_state(page)
    assert state["tokens"] == ["Hello", ",", "world", "!"]
    assert_matches_cpython(state)
    wait_for_hash(page, "#sentence=Hello%2C%20world%21&query=world")
    assert not page.errors, page.errors


def test_empty_sentence_keeps_last(ready_page):
    page = ready_page
    field = page.get_by_role("textbox", name="Sentence")
    field.fill("one two")
    field.fill("   ")
    assert "keeping the last one" in page.locator("#notice").inner_text()
    assert field.input_value() == "   ", "the field keeps what the reader typed"
    assert export_state(page)["tokens"] == ["one", "two"]
    field.fill("")
    assert "empty" in page.locator("#notice").inner_text()
    field.fill("three")
    assert "keeping" not in page.locator("#notice").inner_text()


def test_long_sentence_cut_with_notice(ready_page):
    page = ready_page
    page.get_by_role("textbox", name="Sentence").fill(" ".join(f"w{i}" for i in range(25)))
    assert slider(page, "Query token").get_attribute("max") == "15"
    assert "25 tokens; showing the first 16" in page.locator("#notice").inner_text()
    assert len(export_state(page)["tokens"]) == 16


HOSTILE = [
    '<img src=x onerror="window.__attacked = 1">',
    "<script>window.__attacked = 1</script>",
    '"><svg onload=window.__attacked=1>',
    "javascript:window.__attacked=1",
]


def test_script_like_sentences_stay_text(ready_page):
    page = ready_page
    field = page.get_by_role("textbox", name="Sentence")
    before = page.evaluate("document.querySelectorAll('*').length")
    for text in HOSTILE:
        field.fill(text)
        tokens = export_state(page)["tokens"]
        assert 1 <= len(tokens) <= 16
        assert "".join(text.split()).startswith("".join(tokens))
        set_range(page, "Query token", 0)
        assert page.locator("#query-value").inner_text() == tokens[0]
        page.locator("#canvas").hover(position=center(find_region(page, kind="token", row=0)))
        assert tooltip_lines(page)[0].startswith("“" + tokens[0][:19])
    assert page.evaluate("window.__attacked") is None
    assert page.evaluate("document.querySelectorAll('img, svg, script:not([src])').length") == 0
    assert page.evaluate("document.querySelectorAll('*').length") == before
    assert not page.errors, page.errors


def test_script_like_permalink_stays_text(page, server):
    fragment = "#sentence=" + "%3Cimg%20src%3Dx%20onerror%3D%22window.__attacked%3D1%22%3E&query=1"
    open_page(page, server, fragment)
    assert page.evaluate("window.__attacked") is None
    assert page.locator("#query-value").inner_text() == "img"
    assert page.get_by_role("textbox", name="Sentence").input_value().startswith("<img")
    assert page.evaluate("document.querySelectorAll('img').length") == 0


@pytest.mark.parametrize(
    "name, sentence",
    [
        ("emoji", "I 👍🏽 the 👨‍👩‍👧 🇫🇷 !"),
        ("rtl", "مرحبا بالعالم שלום עולם"),
        ("cjk", "我们 学习 注意力 。"),
    ],
)
def test_unicode_sentences_render_as_text(ready_page, name, sentence):
    page = ready_page
    page.get_by_role("textbox", name="Sentence").fill(sentence)
    tokens = export_state(page)["tokens"]
    assert tokens == build(Settings(sentence=sentence)).tokens
    set_range(page, "Query token", 1)
    assert page.locator("#query-value").inner_text() == tokens[1]
    assert page.evaluate(DISTINCT_COLORS_JS, "canvas") > 20
    set_range(page, "Step", 4)
    save_artifact(f"teaching-{name}.png", page.screenshot())
    assert not page.errors, page.errors


def test_embeddings_same_in_page_and_cpython(ready_page):
    tokens = ["cat", "😀", "我", "مرحبا", "e\u0301"]
    in_page = ready_page.evaluate(
        """(tokens) => JSON.parse(attentionSim.pyodide.runPython(
          `import json; from attention_sim.tokens import token_embedding
json.dumps([token_embedding(t, 16).tolist() for t in ${JSON.stringify(tokens)}])`))""",
        tokens,
    )
    from attention_sim.tokens import token_embedding

    for token, vector in zip(tokens, in_page):
        assert vector == token_embedding(token, 16).tolist(), token


def test_preset_pronoun_it_attends_to_animal(ready_page):
    page = ready_page
    page.get_by_role("combobox", name="Preset").select_option("pronoun")
    assert page.get_by_role("textbox", name="Sentence").input_value().startswith("The animal did not")
    assert page.locator("#query-value").inner_text() == "it"
    assert "animate, place, pronoun" in page.locator("#narration").inner_text()
    set_range(page, "Step", 4)
    state = export_state(page)
    weights = state["weights"][state["query"]]
    assert state["tokens"][int(np.argmax(weights))] == "animal"
    assert max(weights) > 0.9
    save_artifact("teaching-pronoun.png", page.screenshot())


def test_dimensions_reshape_every_matrix(ready_page):
    page = ready_page
    set_range(page, "d_model", 16)
    set_range(page, "d_k", 16)
    assert page.locator("#d-model-value").inner_text() == "16"
    state = export_state(page)
    assert np.array(state["X"]).shape == (4, 16)
    assert np.array(state["W_Q"]).shape == (16, 16)
    assert np.array(state["Q"]).shape == (4, 16)
    assert state["weights_source"] == "seed"
    assert "random weights from seed 0" in page.locator("#notice").inner_text()
    assert_matches_cpython(state)
    set_range(page, "Step", 2)
    assert page.locator("#title").inner_text() == "Step 2 of 5: Project Q, K, V"
    assert "16 × 16" in page.locator("#narration").inner_text()


def test_scaling_switch(ready_page):
    page = ready_page
    set_range(page, "Step", 3)
    switch = page.get_by_role("checkbox", name="Scale by √d_k")
    assert switch.is_checked()
    scaled = export_state(page)
    switch.uncheck()
    unscaled = export_state(page)
    assert unscaled["scaled"] is False
    wait_for_hash(page, "#step=3&scaled=0")
    np.testing.assert_allclose(np.array(scaled["scores"]) * math.sqrt(2), unscaled["scores"], rtol=1e-12)
    assert "not scaled" in page.locator("#narration").inner_text()
    save_artifact("teaching-unscaled.png", page.screenshot())


def test_temperature_pushes_to_uniform_and_one_hot(ready_page):
    page = ready_page
    set_range(page, "Step", 4)
    set_range(page, "Temperature", 10)
    assert page.locator("#temperature-value").inner_text() == "10.0"
    flat = export_state(page)
    assert flat["temperature"] == 10.0
    assert min(flat["entropy"]) > 2 - 0.01
    assert "uniform" in page.locator("#narration").inner_text()
    page.get_by_role("combobox", name="Preset").select_option("pronoun")
    set_range(page, "Temperature", 0.1)
    sharp = export_state(page)
    assert max(sharp["weights"][sharp["query"]]) > 0.999
    assert "one-hot" in page.locator("#narration").inner_text()


def test_causal_mask(ready_page):
    page = ready_page
    set_range(page, "Step", 4)
    page.get_by_role("checkbox", name="Causal mask").check()
    state = export_state(page)
    assert state["causal"] is True
    n = len(state["tokens"])
    for i in range(n):
        for j in range(n):
            assert state["mask"][i][j] == (j <= i)
            if j > i:
                assert state["scores"][i][j] is None
                assert state["weights"][i][j] == 0.0
        assert abs(sum(state["weights"][i]) - 1) < 1e-12
    assert_matches_cpython(state)


def test_heads_and_head_picker(ready_page):
    page = ready_page
    head = slider(page, "Head")
    assert head.is_disabled()
    set_range(page, "Heads", 3)
    assert head.is_enabled()
    assert head.get_attribute("max") == "3"
    set_range(page, "Head", 2)
    set_range(page, "Step", 5)
    state = export_state(page)
    assert (state["heads"], state["head"]) == (3, 1)
    assert len(state["per_head"]["weights"]) == 3
    assert state["weights"] == state["per_head"]["weights"][1]
    assert np.array(state["concat"]).shape == (4, 6)
    assert_matches_cpython(state)
    assert find_region(page, matrix="concat", col=5)
    assert "concatenated output of 6" in page.locator("#narration").inner_text()
    save_artifact("teaching-heads.png", page.screenshot())
    set_range(page, "Heads", 1)
    assert head.is_disabled()
    assert export_state(page)["head"] == 0


def test_positional_encoding_switch(ready_page):
    page = ready_page
    page.get_by_role("checkbox", name="Positional encoding").check()
    state = export_state(page)
    assert state["positional_encoding"] is True
    for pos, row in enumerate(state["positional"]):
        for column, value in enumerate(row):
            angle = pos / 10000 ** ((column - column % 2) / 4)
            expected = math.sin(angle) if column % 2 == 0 else math.cos(angle)
            assert abs(value - expected) < 1e-12
    np.testing.assert_allclose(np.array(state["X"]), np.array(state["embeddings"]) + np.array(state["positional"]), rtol=0, atol=0)


def test_seed_and_new_weights(ready_page):
    page = ready_page
    seed = page.get_by_role("spinbutton", name="Seed")
    seed.fill("7")
    seed.dispatch_event("change")
    state = export_state(page)
    assert (state["preset"], state["seed"], state["weights_source"]) == ("random", 7, "seed")
    assert_matches_cpython(state)
    assert page.get_by_role("combobox", name="Preset").input_value() == "random"
    page.get_by_role("button", name="New weights").click()
    renewed = export_state(page)
    assert renewed["seed"] != 7
    assert seed.input_value() == str(renewed["seed"])
    assert renewed["W_Q"] != state["W_Q"]
    assert_matches_cpython(renewed)
    seed.fill("-5")
    seed.dispatch_event("change")
    assert "whole number" in page.locator("#notice").inner_text()
    assert export_state(page)["seed"] == renewed["seed"]
    assert seed.input_value() == str(renewed["seed"])


# Play.


def test_play_advances_and_stops_on_input(ready_page):
    page = ready_page
    play = page.get_by_role("button", name="Play")
    assert play.get_attribute("data-interval-ms") == "3000"
    play.click()
    stop = page.get_by_role("button", name="Stop")
    assert stop.get_attribute("aria-pressed") == "true"
    page.wait_for_function("document.getElementById('step').value !== '1'", timeout=15000)
    step, title = page.evaluate("[document.getElementById('step').value, document.getElementById('title').innerText]")
    assert title.startswith(f"Step {step} of 5: "), title
    slider(page, "Query token").focus()
    page.keyboard.press("ArrowRight")
    assert page.get_by_role("button", name="Play").get_attribute("aria-pressed") == "false"
    # A slow machine may advance Play once more before the key press, so compare
    # with the step shown when Play stopped.
    stopped_at = slider(page, "Step").input_value()
    page.wait_for_timeout(3500)
    assert slider(page, "Step").input_value() == stopped_at, "stopped"


def test_play_stops_on_shortcut_key(ready_page):
    page = ready_page
    set_range(page, "Step", 3)
    page.get_by_role("button", name="Play").click()
    assert page.evaluate("document.activeElement.id") == "play"
    page.keyboard.press("[")
    assert page.get_by_role("button", name="Play").get_attribute("aria-pressed") == "false"
    assert slider(page, "Step").input_value() == "2"


def test_play_space_toggles_escape_stops(ready_page):
    page = ready_page
    page.get_by_role("button", name="Play").click()
    page.keyboard.press("Control")
    assert page.get_by_role("button", name="Stop").get_attribute("aria-pressed") == "true", "Ctrl alone is not input"
    page.keyboard.press("Space")
    assert page.get_by_role("button", name="Play").get_attribute("aria-pressed") == "false", "Space toggles Play off"
    page.keyboard.press("Space")
    assert page.get_by_role("button", name="Stop").get_attribute("aria-pressed") == "true", "and on again"
    page.keyboard.press("Escape")
    assert page.get_by_role("button", name="Play").get_attribute("aria-pressed") == "false"


def test_play_stops_on_hashchange(ready_page):
    page = ready_page
    page.get_by_role("button", name="Play").click()
    page.evaluate("location.hash = '#step=4'")
    page.wait_for_function("document.getElementById('step').value === '4'")
    assert page.get_by_role("button", name="Play").get_attribute("aria-pressed") == "false"


def test_play_stops_at_last_step(ready_page):
    page = ready_page
    set_range(page, "Step", 4)
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("document.getElementById('play').textContent === 'Play'", timeout=15000)
    assert slider(page, "Step").input_value() == "5"
    page.get_by_role("button", name="Play").click()
    assert slider(page, "Step").input_value() == "1", "restarts from step 1"
    page.get_by_role("button", name="Stop").click()


def test_play_slower_with_reduced_motion(browser, server):
    context = browser.new_context(viewport={"width": 800, "height": 552}, reduced_motion="reduce")
    foreign = guard_origin(context, {server.origin})
    page = context.new_page()
    open_page(page, server)
    play = page.get_by_role("button", name="Play")
    assert play.get_attribute("data-interval-ms") == "6000"
    assert "6 seconds" in play.get_attribute("title")
    context.close()
    assert not foreign


# Explanations.


def test_tooltip_by_keyboard(ready_page):
    page = ready_page
    set_range(page, "Step", 3)
    page.locator("#canvas").focus()
    assert page.locator("#cell-cursor").is_visible()
    first = tooltip_lines(page)
    assert first[0].startswith("“The”: token 1 of 4"), first
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    model = build(Settings(step=3))
    region = {"kind": "cell", "matrix": "scores", "row": 0, "col": 1}
    assert tooltip_lines(page) == explain(model, region)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert tooltip_lines(page) == explain(model, dict(region, row=2))
    status = page.locator("#cell-status").inner_text()
    assert status.startswith("score of query “sat” for key “cat”")
    save_artifact("teaching-tooltip-keyboard.png", page.screenshot())
    page.keyboard.press("Enter")
    assert page.locator("#query-value").inner_text() == "sat"
    assert tooltip_lines(page) == explain(build(Settings(step=3, query=2)), dict(region, row=2))
    page.keyboard.press("Escape")
    assert page.locator("#cell-tip").is_hidden()
    page.keyboard.press("Tab")
    assert page.locator("#cell-cursor").is_hidden()


def test_tooltip_by_mouse(ready_page):
    page = ready_page
    set_range(page, "Step", 4)
    region = find_region(page, matrix="weights", row=1, col=2)
    page.locator("#canvas").hover(position=center(region))
    assert tooltip_lines(page) == explain(build(Settings(step=4)), region)
    page.mouse.move(2, 540)
    assert page.locator("#cell-tip").is_hidden()


def test_tap_token_sets_query_and_explains(browser, server):
    context = browser.new_context(viewport={"width": 360, "height": 640}, has_touch=True, is_mobile=True)
    foreign = guard_origin(context, {server.origin})
    page = context.new_page()
    open_page(page, server)
    token = find_region(page, kind="token", row=2)
    page.locator("#canvas").tap(position=center(token))
    assert page.locator("#query-value").inner_text() == "sat"
    assert tooltip_lines(page)[0] == "“sat”: token 3 of 4"
    context.close()
    assert not foreign


def test_click_heatmap_row_sets_query(ready_page):
    page = ready_page
    set_range(page, "Step", 4)
    page.locator("#canvas").click(position=center(find_region(page, matrix="weights", row=3, col=0)))
    assert page.locator("#query-value").inner_text() == "down"
    assert find_region(page, kind="query-row", matrix="weights")["row"] == 3


def test_narration_follows_state(ready_page):
    page = ready_page
    for step, query in ((1, 0), (3, 2), (5, 1)):
        set_range(page, "Step", step)
        set_range(page, "Query token", query)
        assert page.locator("#narration").inner_text() == narrate(build(Settings(step=step, query=query)))


def test_python_panel_highlights_step_lines(ready_page):
    page = ready_page
    page.locator("#code-panel summary").click()
    for step in (2, 3, 5):
        set_range(page, "Step", step)
        blocks = code_blocks(Settings(step=step))
        captions = page.locator("#code figcaption").all_inner_texts()
        assert len(captions) == len(blocks)
        marked = page.locator("#code mark").evaluate_all("(marks) => marks.map((m) => m.textContent)")
        expected = []
        for block in blocks:
            runs, previous = [], None
            for k in block.highlighted:
                if previous is not None and k == previous + 1:
                    runs[-1].append(block.lines[k])
                else:
                    runs.append([block.lines[k]])
                previous = k
            expected.extend("\n".join(run) for run in runs)
        assert marked == expected, f"step {step}"
        source = page.locator("#code .source").first.inner_text()
        assert source.splitlines()[0].startswith("def ")
    assert "Q = X @ W_Q" not in " ".join(marked)
    set_range(page, "Step", 2)
    assert "Q = X @ W_Q  # (n, d_k)" in page.locator("#code mark").first.inner_text()
    save_artifact("teaching-python.png", page.screenshot(full_page=True))


def test_matrix_panel_shows_every_query(ready_page):
    page = ready_page
    assert regions(page, "matrix_view") == []
    open_matrix_panel(page)
    set_range(page, "Heads", 2)
    cells = [r for r in regions(page, "matrix_view") if r["kind"] == "cell"]
    assert len(cells) == 2 * 4 * 4
    target = next(r for r in cells if r["head"] == 1 and r["row"] == 2 and r["col"] == 0)
    page.locator("#matrix-canvas").click(position=center(target))
    assert page.locator("#query-value").inner_text() == "sat"
    outlined = [r for r in regions(page, "matrix_view") if r["kind"] == "query-row"]
    assert sorted(r["head"] for r in outlined) == [0, 1]
    assert {r["row"] for r in outlined} == {2}
    page.locator("#matrix-canvas").scroll_into_view_if_needed()
    save_artifact("teaching-matrix.png", page.screenshot(full_page=True))


def test_lesson_link_applies_state_and_focuses(ready_page):
    page = ready_page
    page.locator("#lesson-panel > summary").click()
    page.locator("#lesson-panel .question summary").first.click()
    page.get_by_role("link", name="Show it with scaling off").click()
    assert page.evaluate("document.activeElement.id") == "scaled"
    expected, _ = parse_state("", "#preset=random&d_model=16&d_k=16&step=3&scaled=0")
    state = export_state(page)
    assert state["url_fragment"] == "preset=random&step=3&d_model=16&d_k=16&scaled=0"
    assert settings_of(state) == expected
    save_artifact("teaching-lesson.png", page.screenshot(full_page=True))


# Sharing.


def test_permalink_restores_state(page, server):
    fragment = "#preset=pronoun&step=4&causal=1&query=it&temperature=0.5&heads=2&head=1&positional=1"
    open_page(page, server, fragment)
    expected, ignored = parse_state("", fragment)
    assert ignored == []
    assert slider(page, "Step").input_value() == "4"
    assert page.locator("#query-value").inner_text() == "it"
    assert page.get_by_role("checkbox", name="Causal mask").is_checked()
    assert page.get_by_role("checkbox", name="Positional encoding").is_checked()
    assert slider(page, "Temperature").input_value() == "0.5"
    assert slider(page, "Head").input_value() == "2"
    assert page.locator("#notice").inner_text() == ""
    state = export_state(page)
    assert settings_of(state) == expected
    assert_matches_cpython(state)


def test_changes_written_to_fragment(ready_page):
    page = ready_page
    assert page.evaluate("location.hash") == ""
    entries = page.evaluate("history.length")
    set_range(page, "Step", 4)
    page.get_by_role("checkbox", name="Causal mask").check()
    set_range(page, "Query token", 1)
    wait_for_hash(page, "#step=4&query=cat&causal=1")
    assert page.evaluate("history.length") == entries, "replaceState, not a new entry per change"
    page.reload()
    wait_ready(page)
    assert page.locator("#query-value").inner_text() == "cat"
    assert page.get_by_role("checkbox", name="Causal mask").is_checked()


def test_malformed_permalink_lists_ignored(page, server):
    open_page(page, server, "#step=9&colour=red&d_k=banana&query=zebra&causal=1")
    notice = page.locator("#notice").inner_text()
    for part in ("step=9", "colour=red", "d_k=banana", "query=zebra"):
        assert part in notice, notice
    assert slider(page, "Step").input_value() == "1"
    assert page.get_by_role("checkbox", name="Causal mask").is_checked()
    set_range(page, "Step", 2)
    assert page.locator("#notice").inner_text() == "", "the notice clears on the next change"


def test_hashchange_applies_link(ready_page):
    page = ready_page
    page.evaluate("location.hash = '#preset=pronoun&step=5'")
    page.wait_for_function("document.getElementById('step').value === '5'")
    assert page.locator("#query-value").inner_text() == "it"


def test_hashchange_beats_pending_url_write(ready_page):
    """A fragment typed by the reader wins over the page's own write that lands first."""
    page = ready_page
    page.evaluate("""() => new Promise((resolve) => {
        window.addEventListener('hashchange', resolve, { once: true });
        location.hash = '#step=4&causal=1';
        history.replaceState(null, '', location.pathname + location.search + '#step=2');
    })""")
    page.wait_for_function("document.getElementById('step').value === '4'")
    assert page.get_by_role("checkbox", name="Causal mask").is_checked()
    page.wait_for_function("location.hash.includes('step=4')")
    assert "causal=1" in page.evaluate("location.hash")


def test_script_hashchange_reads_location(ready_page):
    """A hashchange event made by a script carries no newURL, so the page reads location."""
    page = ready_page
    page.evaluate("""() => {
        history.replaceState(null, '', location.pathname + location.search + '#step=3');
        window.dispatchEvent(new Event('hashchange'));
    }""")
    page.wait_for_function("document.getElementById('step').value === '3'")
    assert page.errors == []


# Counts the near-black pixels of a PNG (base64) from row `top` down.
DARK_PIXELS_JS = """async ([png, top]) => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + png;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, top, image.width, image.height - top);
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] < 100 && data[i + 1] < 100 && data[i + 2] < 100) dark++;
  return dark;
}"""


def test_export_png(ready_page):
    page = ready_page
    set_range(page, "Step", 3)
    with page.expect_download() as info:
        page.get_by_role("button", name="Export PNG").click()
    download = info.value
    assert download.suggested_filename == "attention-step-3.png"
    data = open(download.path(), "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    canvas_width, canvas_height = page.evaluate("(() => { const c = document.getElementById('canvas'); return [c.width, c.height]; })()")
    assert width == canvas_width
    assert height > canvas_height + 40, "a caption band under the diagram"
    dark = page.evaluate(DARK_PIXELS_JS, [base64.b64encode(data).decode("ascii"), canvas_height + 2])
    assert dark > 200, "the caption has text"


PAINTS_JS = """([id, value]) => new Promise((resolve) => {
  const counts = { canvas: 0, 'matrix-canvas': 0 };
  const restore = Object.keys(counts).map((name) => {
    const ctx = document.getElementById(name).getContext('2d');
    const original = ctx.clearRect;
    ctx.clearRect = function (...args) { counts[name]++; return original.apply(this, args); };
    return () => { ctx.clearRect = original; };
  });
  const input = document.getElementById(id);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  setTimeout(() => { restore.forEach((undo) => undo()); resolve(counts); }, 400);
})"""


def test_one_paint_per_input(ready_page):
    page = ready_page
    assert page.evaluate(PAINTS_JS, ["step", "3"]) == {"canvas": 1, "matrix-canvas": 0}
    open_matrix_panel(page)
    page.evaluate("() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))")
    assert page.evaluate(PAINTS_JS, ["query", "2"]) == {"canvas": 1, "matrix-canvas": 1}
    assert page.evaluate(PAINTS_JS, ["heads", "3"]) == {"canvas": 1, "matrix-canvas": 1}
    assert page.evaluate(PAINTS_JS, ["query", "2"]) == {"canvas": 0, "matrix-canvas": 0}, "no change, no paint"


def test_idle_after_interaction_does_not_repaint(ready_page):
    page = ready_page
    open_matrix_panel(page)
    set_range(page, "Step", 4)
    page.locator("#canvas").hover(position=center(find_region(page, matrix="weights", row=0, col=0)))
    count = page.evaluate("""() => new Promise((resolve) => {
        const contexts = ['canvas', 'matrix-canvas'].map((id) => document.getElementById(id).getContext('2d'));
        let calls = 0;
        const originals = contexts.map((ctx) => ctx.fillRect);
        contexts.forEach((ctx) => { ctx.fillRect = (...args) => { calls++; return originals[0].apply(ctx, args); }; });
        setTimeout(() => { contexts.forEach((ctx, k) => { ctx.fillRect = originals[k]; }); resolve(calls); }, 1500);
    })""")
    assert count == 0, f"{count} fillRect calls while idle"


@pytest.mark.parametrize("width", [320, 800, 1200])
def test_screenshots_of_views(browser, server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    guard_origin(context, {server.origin})
    page = context.new_page()
    open_page(page, server, "#preset=pronoun&step=4&causal=1&heads=2")
    open_matrix_panel(page)
    page.locator("#code-panel summary").click()
    save_artifact(f"teaching-{width}.png", page.screenshot(full_page=True))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()

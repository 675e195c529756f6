"""Accessibility in a real Chromium: axe-core scans, focus rings, zoom and small screens.

axe-core comes from npm (package.json at the project root, installed by ./sim test)
and is injected into the page from node_modules, never from a CDN. Every scan fails
on violations of impact "serious" or "critical", in the light and the dark theme.
"""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, guard_origin, save_artifact, set_range, wait_ready

AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
THEMES = ("light", "dark")
FAILING_IMPACTS = ("serious", "critical")
STEPS = range(1, 6)

RUN_AXE_JS = """async (impacts) => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations
    .filter((violation) => impacts.includes(violation.impact))
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 5).map((node) => node.target.join(' ') + ': ' + node.failureSummary),
    }));
}"""

# Relative luminance and contrast ratio as WCAG 2.x defines them.
CONTRAST_JS = """
window.luminanceOf = (color) => {
  const [r, g, b] = color.match(/[\\d.]+/g).slice(0, 3).map((value) => {
    const c = Number(value) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
window.contrastOf = (first, second) => {
  const [light, dark] = [luminanceOf(first), luminanceOf(second)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
};
"""

FOCUS_STYLE_JS = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const page = getComputedStyle(document.documentElement).backgroundColor;
  const label = element.id ? '#' + element.id : element.tagName.toLowerCase() + ' ' + element.textContent.trim().slice(0, 30);
  return {
    label,
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    contrast: window.contrastOf(style.outlineColor, page),
  };
}"""

LAYOUT_JS = """(width) => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > width) problems.push(`page is ${root.scrollWidth} px wide`);
  const controls = document.querySelectorAll('input, select, button, summary, canvas, h1');
  for (const element of controls) {
    if (element.closest('[hidden]') || element.closest('details:not([open]) > :not(summary)')) continue;
    const box = element.getBoundingClientRect();
    const name = element.id || element.tagName.toLowerCase();
    if (box.width === 0 || box.height === 0) problems.push(`${name} has no size`);
    if (box.left < 0 || box.right > width + 0.5) problems.push(`${name} spans x ${box.left}..${box.right}`);
  }
  const title = document.getElementById('title');
  if (title.scrollWidth > title.clientWidth) problems.push('the title is cut off');
  return problems;
}"""


@pytest.fixture(scope="session")
def axe_path():
    if not AXE_PATH.exists():
        pytest.fail(f"{AXE_PATH} is missing; run ./sim test, which installs package-lock.json")
    return AXE_PATH


def open_themed(page, server, theme: str):
    page.emulate_media(color_scheme=theme)
    page.add_init_script(CONTRAST_JS)
    page.goto(server.url())
    wait_ready(page)


def scan(page, axe_path, where: str) -> list:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe_path))
    violations = page.evaluate(RUN_AXE_JS, list(FAILING_IMPACTS))
    return [f"{where}: {v['impact']} {v['id']} ({v['help']}): {v['nodes']}" for v in violations]


def assert_theme_applied(page, theme: str) -> None:
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    luminance = page.evaluate("(color) => luminanceOf(color)", background)
    if theme == "dark":
        assert luminance < 0.05, f"dark theme not applied: background {background}"
    else:
        assert luminance > 0.9, f"light theme not applied: background {background}"


@pytest.mark.parametrize("theme", THEMES)
def test_axe_every_step(page, server, axe_path, theme):
    open_themed(page, server, theme)
    assert_theme_applied(page, theme)
    page.evaluate("document.querySelectorAll('details').forEach((details) => { details.open = true; })")
    findings = []
    for step in STEPS:
        set_range(page, "Step", step)
        set_range(page, "Query token", step % 4)
        findings += scan(page, axe_path, f"{theme} step {step}")
    page.locator("#canvas").focus()
    page.keyboard.press("ArrowRight")
    findings += scan(page, axe_path, f"{theme} step 5, canvas cell focused")
    save_artifact(f"axe-{theme}.png", page.screenshot(full_page=True))
    assert findings == [], "\n".join(findings)


@pytest.mark.parametrize("theme", THEMES)
def test_axe_error_panel(page, server, axe_path, theme):
    page.route("**/pyodide.asm.wasm", lambda route: route.fulfill(status=404, body="missing"))
    page.emulate_media(color_scheme=theme)
    page.add_init_script(CONTRAST_JS)
    page.goto(server.url())
    wait_ready(page, "error")
    assert page.locator("#error").is_visible()
    findings = scan(page, axe_path, f"{theme} error panel")
    assert findings == [], "\n".join(findings)


def test_dark_theme_keeps_canvas_light_and_framed(page, server):
    open_themed(page, server, "dark")
    frame = page.evaluate("""() => {
      const stage = getComputedStyle(document.getElementById('stage'));
      const page = getComputedStyle(document.documentElement).backgroundColor;
      return { border: stage.borderTopColor, width: parseFloat(stage.borderTopWidth), page };
    }""")
    assert frame["width"] >= 1, frame
    contrast = page.evaluate("([a, b]) => contrastOf(a, b)", [frame["border"], frame["page"]])
    assert contrast >= 3, f"canvas frame contrast {contrast:.2f} against the page: {frame}"
    corner = page.evaluate("""() => {
      const canvas = document.getElementById('canvas');
      return Array.from(canvas.getContext('2d').getImageData(2, 2, 1, 1).data.slice(0, 3));
    }""")
    assert corner == [255, 255, 255], f"canvas background {corner}"


@pytest.mark.parametrize("theme", THEMES)
def test_focus_ring_on_every_tab_stop(page, server, theme):
    open_themed(page, server, theme)
    page.evaluate("document.querySelectorAll('details').forEach((details) => { details.open = true; })")
    stops = []
    for _ in range(120):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE_JS)
        if focus is None or (stops and focus["label"] == stops[0]["label"]):
            break
        stops.append(focus)
        if focus["label"] == "#step":
            save_artifact(f"focus-{theme}.png", page.screenshot())
    labels = [stop["label"] for stop in stops]
    for control in ("#step", "#query", "#export-json"):
        assert control in labels, f"{control} is not a tab stop: {labels}"
    assert labels.index("#step") < labels.index("#query") < labels.index("#export-json"), labels
    hidden = [stop for stop in stops if stop["outlineStyle"] == "none" or stop["outlineWidth"] < 2]
    assert hidden == [], f"no visible focus ring: {hidden}"
    faint = [stop for stop in stops if stop["contrast"] < 3]
    assert faint == [], f"focus ring contrast below 3:1: {faint}"


@pytest.mark.parametrize(
    "width, height, scale, theme",
    [(400, 276, 2, "light"), (320, 552, 1, "dark"), (320, 552, 1, "light")],
    ids=["200-percent-zoom", "320px-dark", "320px-light"],
)
def test_small_viewport_layout(browser, server, width, height, scale, theme):
    """At 200 % zoom an 800 × 552 frame is 400 × 276 CSS pixels.

    No content may need horizontal scrolling, and every control stays on screen.
    """
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=scale, color_scheme=theme
    )
    foreign = guard_origin(context, {server.origin})
    page = context.new_page()
    try:
        page.goto(server.url())
        wait_ready(page)
        page.evaluate("document.querySelectorAll('details').forEach((details) => { details.open = true; })")
        problems = []
        for step in STEPS:
            set_range(page, "Step", step)
            problems += [f"step {step}: {problem}" for problem in page.evaluate(LAYOUT_JS, width)]
        save_artifact(f"viewport-{width}x{height}-{theme}.png", page.screenshot(full_page=True))
        assert problems == [], "\n".join(problems)
    finally:
        context.close()
    assert not foreign, foreign


TABLES_JS = """() => Array.from(document.querySelectorAll('#tables table')).map((table) => ({
  caption: table.caption.textContent,
  columns: Array.from(table.tHead.rows[0].cells).map((cell) => [cell.scope, cell.textContent]),
  rows: Array.from(table.tBodies[0].rows).map((row) => ({
    header: [row.cells[0].tagName, row.cells[0].scope, row.cells[0].textContent],
    cells: Array.from(row.cells).slice(1).map((cell) => cell.textContent),
    current: row.classList.contains('current'),
  })),
}))"""
EXPORT_JS = """() => attentionSim.pyodide.runPython(
  'import attention_sim.browser as b, attention_sim.export as e\\ne.export_json(b._app.model)')"""


def open_tables(page):
    page.locator("#table-panel > summary").click()
    page.wait_for_selector("#tables table")


def test_tables_follow_the_diagram(ready_page):
    page = ready_page
    open_tables(page)
    tables = page.evaluate(TABLES_JS)
    assert [table["caption"].split(",")[0] for table in tables] == ["X"]
    (x_table,) = tables
    assert [row["header"] for row in x_table["rows"]] == [
        ["TH", "row", "0: The (chosen query)"], ["TH", "row", "1: cat"],
        ["TH", "row", "2: sat"], ["TH", "row", "3: down"],
    ]  # fmt: skip
    assert x_table["rows"][1]["cells"] == ["0.30", "0.90", "0.10", "0.60"]
    assert all(scope == "col" for scope, _ in x_table["columns"])

    set_range(page, "Step", 4)
    set_range(page, "Query token", 2)
    (weights,) = page.evaluate(TABLES_JS)
    assert weights["caption"].startswith("weights = softmax(scores)")
    assert [row["current"] for row in weights["rows"]] == [False, False, True, False]
    exported = json.loads(page.evaluate(EXPORT_JS))["weights"]
    for row, numbers in zip(weights["rows"], exported):
        assert row["cells"][:4] == [f"{value:.2f}" for value in numbers]
        assert row["cells"][4] == "1.00"

    page.get_by_role("checkbox", name="Causal mask").check()
    (weights,) = page.evaluate(TABLES_JS)
    assert weights["rows"][0]["cells"][1:4] == ["0 (masked)"] * 3

    set_range(page, "Step", 5)
    captions = [table["caption"].split(",")[0] for table in page.evaluate(TABLES_JS)]
    assert captions == ["Weights of the query “2: sat”", "V", "output = weights · V"]


def test_tables_keep_focus_on_change(ready_page):
    page = ready_page
    open_tables(page)
    focused_js = "document.activeElement.className + ' ' + document.activeElement.getAttribute('role')"
    set_range(page, "Step", 2)
    page.locator("#tables .table-scroll").nth(1).focus()
    page.evaluate("document.querySelectorAll('#tables .table-scroll')[1].dataset.marker = 'kept'")
    page.keyboard.press(".")  # same shapes: the cells change in place
    assert page.evaluate(focused_js) == "table-scroll region"
    assert page.evaluate("document.activeElement.dataset.marker") == "kept"
    assert page.evaluate(TABLES_JS)[1]["rows"][1]["current"] is True
    page.keyboard.press("]")  # step 3 has one table: it takes the focus
    assert page.evaluate(focused_js) == "table-scroll region"
    assert page.evaluate(TABLES_JS)[0]["caption"].startswith("scores = Q·Kᵀ")


def test_tables_show_markup_as_text(ready_page):
    page = ready_page
    page.locator("#settings-panel").evaluate("(panel) => { panel.open = true; }")
    page.get_by_role("textbox", name="Sentence").fill('<b>x</b> <img src=x onerror="window.marker=1">')
    open_tables(page)
    assert page.locator("#tables b, #tables img, #tables script").count() == 0
    headers = [row["header"][2] for row in page.evaluate(TABLES_JS)[0]["rows"]]
    assert headers[:4] == ["0: < (chosen query)", "1: b", "2: >", "3: x"]
    assert page.evaluate("window.marker") is None


def test_shortcuts_change_step_and_query(ready_page):
    page = ready_page
    assert page.locator("#keys-panel").get_by_text("Next and previous step").count() == 1
    page.locator("h1").click()
    page.keyboard.press("]")
    page.keyboard.press("]")
    assert page.get_by_role("slider", name="Step").input_value() == "3"
    page.keyboard.press("[")
    assert page.get_by_role("slider", name="Step").input_value() == "2"
    page.keyboard.press(",")
    assert page.get_by_role("slider", name="Query token").input_value() == "0"
    page.keyboard.press(".")
    assert page.locator("#query-value").text_content() == "cat"
    for _ in range(6):
        page.keyboard.press("]")
    assert page.get_by_role("slider", name="Step").input_value() == "5"
    assert page.locator("#title").text_content() == "Step 5 of 5: Weighted sum"
    page.keyboard.press("Control+[")
    assert page.get_by_role("slider", name="Step").input_value() == "5"

    page.locator("#settings-panel").evaluate("(panel) => { panel.open = true; }")
    sentence = page.get_by_role("textbox", name="Sentence")
    sentence.fill("a [b] c.")
    sentence.press("[")
    assert page.get_by_role("slider", name="Step").input_value() == "5"
    assert sentence.input_value() == "a [b] c.["
    page.get_by_role("spinbutton", name="Seed").press(",")
    assert page.get_by_role("slider", name="Query token").input_value() == "1"
    assert page.errors == []


def test_shortcut_at_end_keeps_notice(page, server):
    page.goto(server.url("main.html#step=5&colour=red"))
    wait_ready(page)
    notice = page.locator("#notice").text_content()
    assert "colour" in notice
    page.locator("h1").click()
    page.keyboard.press("]")
    assert page.locator("#notice").text_content() == notice


def test_narration_live_region_follows(ready_page):
    page = ready_page
    live = page.locator("#narration-live")
    assert live.get_attribute("aria-live") == "polite"
    set_range(page, "Step", 3)
    page.wait_for_function(
        "document.getElementById('narration-live').textContent === document.getElementById('narration').textContent"
    )
    assert "score" in live.text_content()


def test_code_panel_keeps_focus_on_step(ready_page):
    page = ready_page
    page.locator("#code-panel > summary").click()
    page.wait_for_selector("#code .listing")
    page.locator("#code .listing").first.focus()
    page.keyboard.press("]")
    assert page.get_by_role("slider", name="Step").input_value() == "2"
    assert page.evaluate("document.activeElement.classList.contains('listing')") is True


def test_cell_status_cleared_on_blur(ready_page):
    page = ready_page
    page.locator("#canvas").focus()
    page.keyboard.press("ArrowRight")
    assert page.locator("#cell-status").text_content() != ""
    page.keyboard.press("Tab")
    assert page.locator("#cell-status").text_content() == ""

"""The page under a strict Content-Security-Policy sent by the server.

The policy allows no inline script or style and no JavaScript eval, only
'wasm-unsafe-eval' so that the runtime can compile WebAssembly. An init script
records every securitypolicyviolation event from the first moment of the page.

These tests wait with wait_for_selector, never with wait_for_function: Playwright
evaluates a wait_for_function expression with eval inside the page, which such a
policy blocks, so that wait would fail on every poll and time out.
"""

from __future__ import annotations

import shutil

import pytest

from conftest import READY_TIMEOUT_MS, Server, guard_origin, save_artifact, set_range

STRICT_POLICIES = {
    "default-self": (
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
        "connect-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'none'"
    ),
    "default-none": (
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
        "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"
    ),
}
NO_WASM_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'"

RECORD_VIOLATIONS_JS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.cspViolations.push({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
});
"""


def open_page(browser, server):
    """Open main.html with violations recorded; return (context, page, console errors)."""
    context = browser.new_context(viewport={"width": 800, "height": 552}, accept_downloads=True)
    context.foreign_requests = guard_origin(context, {server.origin})
    context.add_init_script(RECORD_VIOLATIONS_JS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(server.url())
    page.wait_for_selector("html:not([data-ready='false'])", state="attached", timeout=READY_TIMEOUT_MS)
    return context, page, errors


@pytest.fixture
def policy_server(app_dir, request):
    server = Server(app_dir, {"Content-Security-Policy": request.param})
    yield server
    server.close()


@pytest.mark.parametrize("policy_server", list(STRICT_POLICIES.values()), ids=list(STRICT_POLICIES), indirect=True)
def test_ready_under_strict_policy(browser, policy_server):
    context, page, errors = open_page(browser, policy_server)
    try:
        assert page.evaluate("document.documentElement.dataset.ready") == "true", page.locator("#error").inner_text()
        assert page.evaluate("window.cspViolations") == [], "violations while booting"
        for step in range(1, 6):
            set_range(page, "Step", step)
            set_range(page, "Query token", step % 4)
        assert page.locator("#title").inner_text() == "Step 5 of 5: Weighted sum"
        with page.expect_download() as info:
            page.get_by_role("button", name="Export JSON").click()
        assert info.value.suggested_filename == "attention-state.json"
        save_artifact("csp-strict.png", page.screenshot())
        assert page.evaluate("window.cspViolations") == [], "violations while in use"
        assert errors == [], errors
    finally:
        context.close()
    assert not context.foreign_requests, context.foreign_requests


@pytest.mark.parametrize("policy_server", [NO_WASM_POLICY], ids=["no-wasm-eval"], indirect=True)
def test_policy_without_wasm_eval_explains_fix(browser, policy_server):
    context, page, _ = open_page(browser, policy_server)
    try:
        assert page.evaluate("document.documentElement.dataset.ready") == "error"
        text = page.locator("#error").inner_text()
        assert "Content-Security-Policy" in text, text
        assert "'wasm-unsafe-eval'" in text, text
        violations = page.evaluate("window.cspViolations")
        assert [v["blocked"] for v in violations] == ["wasm-eval"], violations
    finally:
        context.close()


def test_runtime_needs_wrapper_without_unsafe_eval(browser, app_dir, tmp_path):
    """Without csp.js's wrapper, Pyodide 0.17.1 calls the Function constructor."""
    unwrapped = tmp_path / "app"
    shutil.copytree(app_dir, unwrapped)
    boot = unwrapped / "boot.js"
    source = boot.read_text(encoding="utf-8")
    call = "removeEvalFromPyProxies(module);"
    assert source.count(call) == 1, f"boot.js no longer calls {call}"
    boot.write_text(source.replace(call, ""), encoding="utf-8")
    server = Server(unwrapped, {"Content-Security-Policy": STRICT_POLICIES["default-self"]})
    context, page, _ = open_page(browser, server)
    try:
        assert page.evaluate("document.documentElement.dataset.ready") == "error"
        violations = page.evaluate("window.cspViolations")
        assert violations, "no violation without the wrapper"
        assert {v["blocked"] for v in violations} == {"eval"}, violations
        assert all(v["source"].endswith("/vendor/pyodide/pyodide.asm.js") for v in violations), violations
        assert "Content-Security-Policy" in page.locator("#error").inner_text()
    finally:
        context.close()
        server.close()

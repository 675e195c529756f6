"""The page in an iframe on another origin posts its content height to the parent.

The parent page is served on another port (another origin) and runs the resize
snippet exactly as the README gives it, with the README's example address replaced
by the test server's.
"""

from __future__ import annotations

import re

import pytest

from conftest import READY_TIMEOUT_MS, ROOT, Server, guard_origin, save_artifact, set_range

README_SRC = "https://example.org/sims/attention-mechanism/main.html"
RECORD_MESSAGES_JS = """
window.heightMessages = [];
window.addEventListener("message", (event) => {
  if (event.data && event.data.type === "attention-sim:height") window.heightMessages.push(event.data.height);
});
"""
FRAME_HEIGHT_JS = "Math.ceil(document.documentElement.getBoundingClientRect().height)"


def readme_snippet() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [block for block in re.findall(r"```html\n(.*?)\n```", readme, re.DOTALL) if "attention-sim:height" in block]
    assert len(blocks) == 1, "the README should have one html block with the resize snippet"
    assert README_SRC in blocks[0]
    return blocks[0]


@pytest.fixture
def embedded(browser, server, tmp_path):
    """Open a parent page on another origin; return a function that embeds the page."""
    folder = tmp_path / "host"
    folder.mkdir()
    (folder / "favicon.ico").write_bytes(b"")
    parent = Server(folder)
    assert parent.origin != server.origin
    context = browser.new_context(viewport={"width": 900, "height": 700})
    context.foreign_requests = guard_origin(context, {parent.origin, server.origin})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)

    def open_parent(sandbox=None):
        snippet = readme_snippet().replace(README_SRC, server.url())
        if sandbox is not None:
            snippet = snippet.replace("<iframe ", f'<iframe sandbox="{sandbox}" ', 1)
        (folder / "course.html").write_text(
            "<!doctype html><meta charset='utf-8'><title>Course page</title>"
            f"<script>{RECORD_MESSAGES_JS}</script><h1>Course page</h1>\n{snippet}\n<p>After the simulator.</p>",
            encoding="utf-8",
        )
        page.goto(parent.url("course.html"))
        frame = page.locator("#attention-sim").element_handle().content_frame()
        frame.wait_for_selector("html:not([data-ready='false'])", state="attached", timeout=READY_TIMEOUT_MS)
        assert frame.evaluate("document.documentElement.dataset.ready") == "true"
        return frame

    yield page, open_parent
    context.close()
    parent.close()
    assert not context.foreign_requests, context.foreign_requests


def iframe_height(page) -> int:
    return page.evaluate("Math.round(document.getElementById('attention-sim').getBoundingClientRect().height)")


def wait_for_iframe_height(page, height: int) -> None:
    page.wait_for_function(
        "(height) => Math.round(document.getElementById('attention-sim').getBoundingClientRect().height) === height",
        arg=height,
        timeout=10_000,
    )


def check_resizing(page, frame) -> None:
    assert frame.evaluate("self.origin") != page.evaluate("self.origin")
    content = frame.evaluate(FRAME_HEIGHT_JS)
    page.wait_for_function("window.heightMessages.length > 0")
    wait_for_iframe_height(page, content)
    assert page.evaluate("window.heightMessages")[-1] == content

    # Content that grows by 300 px is reported, and the snippet follows it.
    frame.evaluate("document.getElementById('app').insertAdjacentHTML('beforeend', '<div id=\"spacer\" style=\"height: 300px\"></div>')")
    wait_for_iframe_height(page, content + 300)
    assert page.evaluate("window.heightMessages")[-1] == content + 300
    # And so does content that shrinks again.
    frame.evaluate("document.getElementById('spacer').remove()")
    wait_for_iframe_height(page, content)

    # A late listener can ask for the height again.
    count = len(page.evaluate("window.heightMessages"))
    page.evaluate("document.getElementById('attention-sim').contentWindow.postMessage({type: 'attention-sim:request-height'}, '*')")
    page.wait_for_function("(count) => window.heightMessages.length > count", arg=count)
    assert page.evaluate("window.heightMessages")[-1] == content


def test_cross_origin_iframe_resizes(embedded):
    page, open_parent = embedded
    frame = open_parent()
    check_resizing(page, frame)
    set_range(frame, "Step", 4)
    assert frame.locator("#title").inner_text() == "Step 4 of 5: Softmax"
    save_artifact("embedded-resized.png", page.screenshot(full_page=True))
    assert not page.errors, page.errors


def test_sandboxed_iframe_resizes(embedded):
    page, open_parent = embedded
    frame = open_parent(sandbox="allow-scripts allow-same-origin")
    assert page.locator("#attention-sim").get_attribute("sandbox") == "allow-scripts allow-same-origin"
    check_resizing(page, frame)
    set_range(frame, "Step", 5)
    assert frame.locator("#title").inner_text() == "Step 5 of 5: Weighted sum"
    assert not page.errors, page.errors


def test_top_level_page_posts_nothing(ready_page):
    """Outside a frame there is no parent to tell, and the script stays silent."""
    page = ready_page
    page.evaluate(
        "window.ownMessages = []; window.addEventListener('message', (event) => window.ownMessages.push(event.data))"
    )
    page.evaluate("document.getElementById('app').insertAdjacentHTML('beforeend', '<div style=\"height: 300px\"></div>')")
    page.wait_for_timeout(300)
    assert page.evaluate("window.ownMessages") == []

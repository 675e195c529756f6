"""The MicroSim folder dropped into a minimal mkdocs-material textbook site.

The site has the configuration that intelligent-textbook sites share (the material
theme, attr_list and md_in_html), the folder copied unchanged into docs/sims/, and
is built with `mkdocs build --strict`. Its pages are then served and opened in
Chromium, where the simulator must start inside the page's iframe.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import READY_TIMEOUT_MS, Server, guard_origin, save_artifact, set_range

MKDOCS_YML = """\
site_name: Test textbook
theme:
  name: material
  font: false
  features:
    - content.code.copy
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - pymdownx.superfences
"""


@pytest.fixture(scope="module")
def textbook(app_dir, tmp_path_factory):
    """Build the site with mkdocs and serve it; yield the server and the built site's folder."""
    folder = tmp_path_factory.mktemp("textbook")
    docs = folder / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(
        "# Test textbook\n\nSee the [attention MicroSim](sims/attention-mechanism/index.md).\n", encoding="utf-8"
    )
    shutil.copytree(app_dir, docs / "sims" / app_dir.name, copy_function=os.link)
    (folder / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "site"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    server = Server(folder / "site")
    yield server, folder / "site"
    server.close()


def test_mkdocs_copies_folder(textbook, app_dir):
    _, site = textbook
    built = site / "sims" / app_dir.name
    for name in ("main.html", "index.html", "attention-mechanism.png", "vendor/pyodide/pyodide.asm.wasm"):
        assert (built / name).is_file(), f"{name} is missing from the built site"


def test_iframe_in_textbook_reaches_ready(browser, textbook, app_dir):
    textbook, _ = textbook
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    foreign = guard_origin(context, {textbook.origin})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        page.goto(textbook.url(f"sims/{app_dir.name}/"))
        assert page.title().startswith("Attention Mechanism")
        description = page.locator("meta[name=description]").get_attribute("content")
        assert "scaled dot-product attention" in description
        assert page.locator("article h1").inner_text() == "Attention Mechanism"
        # The front matter is metadata, not text on the page.
        assert "og:image" not in page.locator("article").inner_text()

        button = page.get_by_role("link", name="Run the Attention Mechanism MicroSim full screen")
        assert "md-button" in button.get_attribute("class")
        assert button.evaluate("(link) => link.href") == textbook.url(f"sims/{app_dir.name}/main.html")
        snippets = page.locator("pre code").all_inner_texts()
        assert any("<iframe" in snippet and "/main.html" in snippet for snippet in snippets), snippets

        iframe = page.locator("article iframe").first
        assert iframe.get_attribute("height") == "552"
        frame = iframe.element_handle().content_frame()
        frame.wait_for_selector("html:not([data-ready='false'])", state="attached", timeout=READY_TIMEOUT_MS)
        assert frame.evaluate("document.documentElement.dataset.ready") == "true"
        # index.md's script sizes the iframe to the height that the page reports.
        content = frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
        page.wait_for_function(
            "(height) => Math.round(document.querySelector('article iframe').getBoundingClientRect().height) === height",
            arg=content,
        )
        set_range(frame, "Step", 3)
        assert frame.locator("#title").inner_text() == "Step 3 of 5: Compute scores"
        save_artifact("mkdocs-page.png", page.screenshot())

        button.click()
        page.wait_for_url(textbook.url(f"sims/{app_dir.name}/main.html"))
        page.wait_for_selector("html:not([data-ready='false'])", state="attached", timeout=READY_TIMEOUT_MS)
        assert page.evaluate("document.documentElement.dataset.ready") == "true"
    finally:
        context.close()
    assert not foreign, foreign
    assert not errors, errors

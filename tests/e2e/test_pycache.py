"""The bytecode bundle py/pycache.bin: used by the page, and never hides an edited file."""

from __future__ import annotations

import json
import shutil

from conftest import Server, guard_origin, wait_ready

INSTALLED_JS = """() => attentionSim.pyodide.runPython(`
import importlib.util, os, numpy, attention_sim.attention as a
json_result = [os.path.exists(importlib.util.cache_from_source(numpy.__file__)),
               os.path.exists(importlib.util.cache_from_source(a.__file__))]
str(json_result)
`)"""


def test_bundle_is_listed_and_installed(ready_page, app_dir):
    manifest = json.loads((app_dir / "py" / "manifest.json").read_text())
    assert manifest["pycache"] is not None, "the test build must include py/pycache.bin"
    bundle = (app_dir / "py" / manifest["pycache"]["file"]).read_bytes()
    assert bundle.startswith(b"PYCB1\n")
    assert len(bundle) == manifest["pycache"]["size"]
    assert ready_page.evaluate(INSTALLED_JS) == "[True, True]"


def test_edited_source_beats_stale_bundle(browser, app_dir, tmp_path):
    edited = tmp_path / "site"
    shutil.copytree(app_dir, edited)
    frame = edited / "py" / "attention_sim" / "views" / "frame.py"
    text = frame.read_text(encoding="utf-8")
    assert 'OUTLINE = "#d1242f"' in text
    frame.unlink()  # the copy may share the file with the build through a hard link
    frame.write_text(text.replace('OUTLINE = "#d1242f"', 'OUTLINE = "#00ff00"'), encoding="utf-8")
    server = Server(edited)
    context = browser.new_context()
    guard_origin(context, {server.origin})
    page = context.new_page()
    try:
        page.goto(server.url())
        wait_ready(page)
        outline = page.evaluate("attentionSim.pyodide.runPython('import attention_sim.views.frame as f; f.OUTLINE')")
    finally:
        context.close()
        server.close()
    assert outline == "#00ff00", "the stale bytecode of frame.py was used"

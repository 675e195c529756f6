"""No text from the reader reaches HTML parsing, JavaScript eval or Python source.

Two kinds of check. A static one reads the page's JavaScript, HTML and Python for
the sinks that turn text into markup or code (innerHTML, document.write, eval, the
Function constructor, runPython with a computed argument, Python's eval and exec).
A browser one feeds script-like text through the URL (fragment and query string)
and the Sentence field, and checks that a marker function stays uncalled and that
no element the text describes appears.

The browser checks run without a Content-Security-Policy on purpose, because a
policy would block an injected inline handler and so hide the sink that ran it.
"""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from conftest import wait_ready

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
PACKAGE = ROOT / "py" / "attention_sim"
# JavaScript that runs in the page: site/ without the vendored runtime, and the
# loader that the single-file build inlines.
PAGE_SCRIPTS = sorted(SITE.glob("*.js")) + sorted((ROOT / "tools").glob("*loader*.js"))

JS_SINKS = {
    "innerHTML": re.compile(r"\binnerHTML\b"),
    "outerHTML": re.compile(r"\bouterHTML\b"),
    "insertAdjacentHTML": re.compile(r"\binsertAdjacentHTML\b"),
    "document.write": re.compile(r"\bdocument\s*\.\s*write(ln)?\b"),
    "eval": re.compile(r"(?<![\w.$])eval\s*\("),
    "Function constructor": re.compile(r"\bnew\s+Function\b|(?<![\w.$])Function\s*\("),
    "string timer": re.compile(r"\bset(Timeout|Interval)\s*\(\s*[\"'`]"),
    "createContextualFragment": re.compile(r"\bcreateContextualFragment\b"),
    "parseFromString": re.compile(r"\bparseFromString\b"),
    "setHTMLUnsafe": re.compile(r"\b(set|parse)HTMLUnsafe\b"),
    "srcdoc": re.compile(r"\bsrcdoc\b"),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "event handler attribute": re.compile(r"setAttribute\s*\(\s*[\"'`]on", re.IGNORECASE),
}
PYTHON_RUNNERS = ("runPython", "runPythonAsync", "eval_code", "eval_code_async")
PY_SINK_CALLS = {"eval", "exec", "compile", "__import__"}
PY_SINK_ATTRIBUTES = {
    "innerHTML", "outerHTML", "insertAdjacentHTML", "createContextualFragment",
    "parseFromString", "setHTMLUnsafe", "srcdoc", "eval", "Function",
    *PYTHON_RUNNERS,
}  # fmt: skip
# A string that names an HTML sink, for property or attribute setters that take the
# name as an argument (setattr, setAttribute and helpers around them).
PY_SINK_NAMES = {"innerHTML", "outerHTML", "insertAdjacentHTML", "srcdoc"}
EVENT_HANDLER_NAME = re.compile(r"^on[a-z]+$", re.IGNORECASE)
WORDS_STARTING_WITH_ON = {"one", "once", "only", "onto", "onward", "onset"}

PAYLOADS = (
    '<img src="injected-image.png" onerror="injectionMarker()">',
    "<script>injectionMarker()</script>",
    "<svg onload=injectionMarker()><b>bold</b>",
    '"><iframe srcdoc="<script>parent.injectionMarker()</script>"></iframe>',
    "javascript:injectionMarker()",
    "${injectionMarker()}",
    "`+injectionMarker()+`",
    '"); injectionMarker(); ("',
    "'); __import__('js').injectionMarker(); ('",
    '"""\nimport js\njs.injectionMarker()\n"""',
    "{__import__('js').injectionMarker()}",
    "alert(1) prompt(1) confirm(1)",
)
URL_KEYS = ("sentence", "preset", "query", "step", "temperature", "seed", "head")

RECORD_MARKER_JS = """
window.injectionMarkerCalls = [];
window.injectionMarker = function () {
  window.injectionMarkerCalls.push(String(new Error().stack));
};
for (const name of ['alert', 'prompt', 'confirm']) {
  window[name] = function () { window.injectionMarkerCalls.push(name); };
}
"""

# Elements and attributes that only injected markup would create.
INJECTED_ELEMENTS_JS = """() => {
  const found = [];
  for (const element of document.querySelectorAll('img, svg, iframe, b, script:not([src])')) {
    found.push(element.outerHTML.slice(0, 80));
  }
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      if (/^on/i.test(attribute.name)) found.push(element.tagName + ' ' + attribute.name);
    }
  }
  return found;
}"""


def strip_js_comments(source: str) -> str:
    """Blank out // line comments and /* */ block comments, keeping line numbers.

    A // counts as a comment only at the start of a line or after whitespace, so
    that URLs in strings stay.
    NOTE: a string that contains " //" or "/*" would blank code after it and hide
    a sink there; the page scripts have no such string today.
    """
    lines = []
    in_block = False
    for line in source.splitlines():
        if in_block:
            end = line.find("*/")
            if end < 0:
                lines.append("")
                continue
            line = " " * (end + 2) + line[end + 2 :]
            in_block = False
        line = re.sub(r"/\*.*?\*/", "", line)
        start = re.search(r"(^|\s)/\*", line)
        if start:
            line = line[: start.start()]
            in_block = True
        line = re.sub(r"(^|\s)//.*$", "", line)
        lines.append(line)
    return "\n".join(lines)


def literal_argument_end(code: str, start: int):
    """Return the index after a string literal at code[start], or None if it is not one.

    A template literal with a ${...} substitution is not a constant, so it returns
    None for it.
    """
    quote_char = code[start]
    if quote_char not in "\"'`":
        return None
    index = start + 1
    while index < len(code):
        char = code[index]
        if char == "\\":
            index += 2
            continue
        if quote_char == "`" and code.startswith("${", index):
            return None
        if char == quote_char:
            return index + 1
        index += 1
    return None


def python_runner_calls(code: str) -> list:
    """Return (line, text) of each runPython-like call whose argument is not a constant."""
    findings = []
    pattern = re.compile(r"\b(" + "|".join(PYTHON_RUNNERS) + r")\s*\(\s*")
    for match in pattern.finditer(code):
        end = literal_argument_end(code, match.end())
        rest = code[end:].lstrip() if end is not None else ""
        if end is None or not rest.startswith((")", ",")):
            line = code.count("\n", 0, match.start()) + 1
            findings.append((line, code[match.start() : match.start() + 60]))
    return findings


def test_page_scripts_have_no_html_or_eval_sinks():
    assert PAGE_SCRIPTS, "no page scripts found"
    findings = []
    for path in PAGE_SCRIPTS:
        code = strip_js_comments(path.read_text(encoding="utf-8"))
        for number, line in enumerate(code.splitlines(), start=1):
            for sink, pattern in JS_SINKS.items():
                if pattern.search(line):
                    findings.append(f"{path.relative_to(ROOT)}:{number}: {sink}: {line.strip()}")
    assert findings == [], "\n".join(findings)


def test_page_scripts_run_only_constant_python():
    findings = []
    for path in PAGE_SCRIPTS:
        code = strip_js_comments(path.read_text(encoding="utf-8"))
        for line, text in python_runner_calls(code):
            findings.append(f"{path.relative_to(ROOT)}:{line}: {text}")
    assert findings == [], "runPython with a computed argument:\n" + "\n".join(findings)


def test_runner_check_flags_computed_source():
    flagged = python_runner_calls(
        "a.runPython(`x = ${text}`); b.runPython('x = ' + text); c.runPython(source);"
    )
    assert [text.split("(")[0] for _, text in flagged] == ["runPython"] * 3, flagged
    allowed = python_runner_calls("a.runPython(`import x\\nx`); b.runPython(\"y\");")
    assert allowed == [], allowed


def test_page_html_has_no_inline_code():
    findings = []
    for path in sorted(SITE.glob("*.html")):
        html = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>", html, re.IGNORECASE):
            if "src=" not in match.group(1):
                findings.append(f"{path.name}: inline <script>")
        for match in re.finditer(r"<[a-z][^>]*\s(on[a-z]+|style)\s*=", html, re.IGNORECASE):
            findings.append(f"{path.name}: attribute {match.group(1)}")
        if re.search(r"javascript:", html, re.IGNORECASE):
            findings.append(f"{path.name}: javascript: URL")
    assert findings == [], "\n".join(findings)


def is_sink_name(text: str) -> bool:
    if text in PY_SINK_NAMES:
        return True
    return bool(EVENT_HANDLER_NAME.match(text)) and text.lower() not in WORDS_STARTING_WITH_ON


def python_sinks(tree: ast.AST) -> list:
    """Return (line, description) of each HTML, eval or code sink in a Python tree.

    Sinks are calls of eval, exec, compile and __import__, attributes such as
    innerHTML or runPython, document.write, and string constants that name an HTML
    sink or an event handler attribute. Attribute names computed at run time are not
    followed.
    """
    findings = []
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = node.func
            if isinstance(function, ast.Name) and function.id in PY_SINK_CALLS:
                findings.append((node.lineno, f"call of {function.id}"))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            if is_sink_name(node.value):
                findings.append((node.lineno, f"sink name {node.value!r}"))
        if isinstance(node, ast.Attribute):
            if node.attr in PY_SINK_ATTRIBUTES:
                findings.append((node.lineno, f"attribute {node.attr}"))
            is_document = isinstance(node.value, ast.Attribute) and node.value.attr == "document"
            is_document = is_document or isinstance(node.value, ast.Name) and node.value.id == "document"
            if node.attr in ("write", "writeln") and is_document:
                findings.append((node.lineno, f"document.{node.attr}"))
    return findings


def test_python_package_has_no_html_or_eval_sinks():
    sources = sorted(PACKAGE.rglob("*.py"))
    assert sources, "no Python sources found"
    findings = []
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, description in python_sinks(tree):
            findings.append(f"{path.relative_to(ROOT)}:{line}: {description}")
    assert findings == [], "\n".join(findings)


def test_python_check_flags_each_sink():
    source = (
        "element.innerHTML = text\n"
        "js.eval(text)\n"
        "pyodide.runPython(text)\n"
        "exec(text)\n"
        "js.document.write(text)\n"
        "element.setAttribute('onclick', text)\n"
        "self.put('code', 'innerHTML', text)\n"
        "setattr(element, 'onerror', text)\n"
        "element.setAttribute('aria-label', text)\n"
        "element.textContent = 'only once'\n"
        "label = 'one'\n"
    )
    lines = sorted({line for line, _ in python_sinks(ast.parse(source))})
    assert lines == [1, 2, 3, 4, 5, 6, 7, 8], lines


@pytest.fixture
def marked_page(page):
    page.add_init_script(RECORD_MARKER_JS)
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    return page


def assert_nothing_ran(page, what: str) -> None:
    calls = page.evaluate("window.injectionMarkerCalls")
    assert calls == [], f"{what}: the marker ran: {calls}"
    injected = page.evaluate(INJECTED_ELEMENTS_JS)
    assert injected == [], f"{what}: injected markup: {injected}"
    fetched = [url for url in page.requested if "injected" in urlsplit(url).path]
    assert fetched == [], f"{what}: injected URL requested: {fetched}"


def fragment(values: dict) -> str:
    return "&".join(f"{key}={quote(value, safe='')}" for key, value in values.items())


def test_url_values_run_nothing(marked_page, server):
    page = marked_page
    first = {key: PAYLOADS[index % len(PAYLOADS)] for index, key in enumerate(URL_KEYS)}
    page.goto(server.url() + "?" + fragment(first) + "#" + fragment(first))
    wait_ready(page)
    assert_nothing_ran(page, "first load")

    # Later fragments, encoded and raw, reach a page that reacts to hashchange.
    for index, payload in enumerate(PAYLOADS):
        values = {key: payload for key in URL_KEYS[index % 3 :]}
        page.evaluate("(hash) => { location.hash = hash; }", fragment(values))
        page.evaluate("(hash) => { location.hash = hash; }", "sentence=" + payload)
    time.sleep(0.5)
    assert page.evaluate("document.documentElement.dataset.ready") == "true"
    assert_nothing_ran(page, "hash changes")

    # A reload with the last fragment parses it as a first visit.
    page.reload()
    wait_ready(page)
    assert_nothing_ran(page, "reload")
    assert not page.errors, page.errors

    page.evaluate("injectionMarker()")
    assert len(page.evaluate("window.injectionMarkerCalls")) == 1, "the marker cannot be seen"


def test_sentence_field_runs_nothing(marked_page, server):
    page = marked_page
    page.goto(server.url())
    wait_ready(page)
    field = page.get_by_role("textbox", name="Sentence")
    if field.count() == 0 or not field.is_enabled():
        pytest.skip("the page has no enabled Sentence field")
    for payload in PAYLOADS:
        field.fill(payload)
        field.press("Enter")
        field.press("Tab")
    time.sleep(0.5)
    assert page.evaluate("document.documentElement.dataset.ready") == "true"
    assert_nothing_ran(page, "Sentence field")
    assert not page.errors, page.errors

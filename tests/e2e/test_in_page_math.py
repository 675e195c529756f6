"""The CPython unit tests of the math, run again inside the page's Pyodide runtime.

The page runs Python 3.8 and numpy 1.17, where version traps show. The test module is
executed as it is; each of its test_* functions must pass there too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

UNIT_DIR = Path(__file__).resolve().parents[1] / "unit"
IN_PAGE_MODULES = ("test_attention.py",)

RUN_JS = """(source) => {
  const pyodide = window.attentionSim.pyodide;
  pyodide.globals.set('_in_page_test_source', source);
  return pyodide.runPython(`
import json, traceback
_namespace = {"__name__": "in_page_test"}
exec(compile(_in_page_test_source, "in_page_test.py", "exec"), _namespace)
_results = {}
for _name, _function in sorted(_namespace.items()):
    if _name.startswith("test_") and callable(_function):
        try:
            _function()
            _results[_name] = "passed"
        except Exception:
            _results[_name] = traceback.format_exc()
json.dumps(_results)
`);
}"""


@pytest.mark.parametrize("module", IN_PAGE_MODULES)
def test_unit_tests_pass_in_page(ready_page, module):
    source = (UNIT_DIR / module).read_text(encoding="utf-8")
    results = json.loads(ready_page.evaluate(RUN_JS, source))
    expected = sorted(line.split("(")[0][4:] for line in source.splitlines() if line.startswith("def test_"))
    assert sorted(results) == expected, "not every test ran in the page"
    failures = {name: text for name, text in results.items() if text != "passed"}
    assert not failures, "\n".join(f"{name}:\n{text}" for name, text in failures.items())

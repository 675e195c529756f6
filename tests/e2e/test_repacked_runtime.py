"""The built page runs on the repacked runtime, and numpy's public parts still work there.

tools/repack.py leaves test suites, build tools and network servers out of the
runtime's data packages. Every other end-to-end test already runs on that folder.
This one also uses the numpy subpackages and standard modules that a reader editing
the Python might reach for, and checks that a dropped subpackage is gone.

NOTE: numpy.fft imports but np.fft.fft fails in Chromium 156 with "Cannot convert
… to a BigInt", on the original runtime files as well as on the repacked ones, so
it is not called here.
"""

from __future__ import annotations

import json

USE_MODULES_PY = """
import json
import numpy as np
import numpy.linalg, numpy.fft, numpy.random, numpy.polynomial, numpy.ma, numpy.testing
import decimal, io, asyncio, unittest, urllib.parse, html, email, xml.etree.ElementTree
a = np.array([[2.0, 1.0], [1.0, 3.0]])
checks = {
    "inverse": np.allclose(np.linalg.inv(a) @ a, np.eye(2)),
    "random": np.random.RandomState(0).uniform(size=3).shape == (3,),
    "polynomial": np.allclose(np.polynomial.Polynomial([1, 2]).roots(), [-0.5]),
    "masked": float(np.ma.masked_array([1.0, 9.0], mask=[0, 1]).sum()) == 1.0,
    "decimal": str(decimal.Decimal("0.1") + decimal.Decimal("0.2")) == "0.3",
    "io": io.StringIO("x").read() == "x",
}
import importlib.util
checks["f2py dropped"] = importlib.util.find_spec("numpy.f2py") is None
json.dumps(checks)
"""


def test_numpy_works_on_repacked_runtime(ready_page, app_dir):
    manifest = json.loads((app_dir / "vendor" / "pyodide" / "manifest.json").read_text())
    assert "repacked" in manifest, "the built folder holds the original runtime packages"
    checks = json.loads(ready_page.evaluate("(code) => attentionSim.pyodide.runPython(code)", USE_MODULES_PY))
    failed = [name for name, passed in checks.items() if not passed]
    assert failed == [], f"failed on the repacked runtime: {failed}"
    assert ready_page.errors == []

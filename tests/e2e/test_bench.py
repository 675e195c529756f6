"""The benchmark command runs end to end and reports every figure (timings not judged)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOAD_FIELDS = {"first_paint_ms", "ready_ms", "download_ms", "runtime_started_ms", "numpy_loaded_ms", "first_frame_ms", "transferred_bytes"}


def test_bench_emits_all_fields(tmp_path, app_dir):
    output = tmp_path / "bench.json"
    completed = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "bench.py"), "--runs", "1", "--events", "3", "--json", str(output), "--directory", str(app_dir)],
        capture_output=True, text=True, timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "cold load" in completed.stdout and "interaction" in completed.stdout
    report = json.loads(output.read_text())
    assert report["machine"]["cores"] >= 1 and report["machine"]["chromium"]
    for kind in ("cold", "warm"):
        assert set(report[kind]) == LOAD_FIELDS, f"{kind}: {sorted(report[kind])}"
        for name, stats in report[kind].items():
            assert stats["n"] == 1 and stats["median"] is not None, f"{kind} {name} missing"
    assert report["warm_from_service_worker"] == 1, "the warm load ran without the service worker"
    assert report["wire"]["plain_bytes"] > report["wire"]["gzip_bytes"] > 0
    resources = report["resources"]
    assert resources["js_heap_used_bytes"] > 0 and resources["wasm_memory_bytes"] > 0
    assert 0 <= resources["idle_cpu_percent"] <= 100
    sizes = {(4, 4), (4, 64), (16, 4), (16, 64), (64, 4), (64, 64)}
    assert {tuple(entry["shape"]) for entry in report["interaction"].values()} == sizes
    for key, entry in report["interaction"].items():
        for control in ("step", "query", "step, no cache", "query, no cache"):
            stats = entry[control]
            assert stats["handler_ms"]["n"] == 3 and stats["repaint_ms"]["n"] == 3, f"{key} {control}"
            assert stats["repaint_ms"]["p50"] >= stats["handler_ms"]["p50"] >= 0, f"{key} {control}"

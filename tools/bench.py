"""Benchmark the MicroSim in headless Chromium over local HTTP and print the figures.

Measures, in fresh browser contexts: cold and warm load (navigation to first paint and
to data-ready="true", split by the page's User Timing marks), input-to-repaint latency
of the controls at several sizes, idle main-thread CPU, bytes on the wire with and
without gzip, and JS heap and wasm memory. Prints min / median / max (loads) and
p50 / p95 / max (interactions); --json writes the same figures for machines.

Timings on a shared machine are noisy: this is a report, never a pass/fail test.
Usage: python3 tools/bench.py [--runs 5] [--events 200] [--json FILE]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from serve import Handler, make_server  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# The suffixes that the README's nginx configuration serves with gzip (.bin is
# application/octet-stream there).
COMPRESSIBLE = (".html", ".js", ".css", ".json", ".wasm", ".data", ".bin", ".py", ".svg", ".md")
MARKS = ("downloaded", "runtime-started", "numpy-loaded", "first-frame")
READY_TIMEOUT_MS = 120_000

# Records when <html data-ready> changes, in ms since navigation start.
READY_OBSERVER = """
new MutationObserver(() => {
  const state = document.documentElement && document.documentElement.dataset.ready;
  if (state && state !== 'false' && window.__readyAt === undefined) {
    window.__readyAt = performance.now();
    window.__readyState = state;
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
"""

LOAD_FIGURES_JS = """() => {
  const paint = performance.getEntriesByType('paint');
  const first = paint.find((e) => e.name === 'first-contentful-paint') || paint[0];
  const marks = {};
  for (const m of performance.getEntriesByType('mark')) {
    if (m.name.startsWith('attention-sim:')) marks[m.name.slice(14)] = m.startTime;
  }
  return { first_paint: first ? first.startTime : null, ready: window.__readyAt, marks };
}"""

# Resolves true once the service worker is active, which happens after it has cached
# the folder, as by a second visit some time later. Resolves false without a worker.
WORKER_READY_JS = """() => {
  if (!('serviceWorker' in navigator)) return false;
  const timeout = new Promise((resolve) => setTimeout(() => resolve(false), 60000));
  return Promise.race([navigator.serviceWorker.ready.then(() => true), timeout]);
}"""

# Dispatches `count` input events on one control; for each, the time the handler
# (Python + canvas drawing) took and the time until the next animation frame.
# With clearing code, the glue's caches are emptied before each event, outside the
# timed part, so that every event lays out its frame (and computes its model) afresh.
CLEAR_FRAMES_PY = "import attention_sim.browser as b\nb._app.frames.frames.clear(); b._app.narrations.clear()"
CLEAR_ALL_PY = CLEAR_FRAMES_PY + (
    "\nimport attention_sim.model as m\nb._app.models.key = None; m.compute.cache_clear()"
)
INTERACTION_JS = """async ([selector, values, count, clearing]) => {
  const element = document.querySelector(selector);
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const clear = () => attentionSim.pyodide.runPython(clearing);
  const handler = [], repaint = [];
  await frame();
  for (let i = 0; i < count; i++) {
    element.value = values[i % values.length];
    if (clearing) clear();
    const start = performance.now();
    element.dispatchEvent(new Event('input', { bubbles: true }));
    handler.push(performance.now() - start);
    await frame();
    repaint.push(performance.now() - start);
  }
  return { handler, repaint };
}"""

# Lifts the reader-facing size limits so that the benchmark can load 64 tokens and
# d_model 64, then applies a sentence and d_model through the glue's update().
STRESS_PY = """
from dataclasses import replace
import attention_sim.browser as browser, attention_sim.model as model_module
import attention_sim.settings as settings_module, attention_sim.tokens as tokens_module
tokens_module.MAX_TOKENS = model_module.MAX_TOKENS = 64
settings_module.D_MODEL_RANGE = (2, 64)
_app = browser._app
_app.update(replace(_app.settings, preset="random", sentence=_bench_sentence, d_model=_bench_d_model, query=0))
len(_app.model.tokens), _app.model.X.shape[1]
"""


class GzipHandler(Handler):
    """Serves a precompressed copy of compressible files to clients that accept gzip."""

    cache = {}

    def send_head(self):
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        path = Path(self.translate_path(self.path))
        if not accepts or not path.is_file() or path.suffix not in COMPRESSIBLE:
            return super().send_head()
        body = self.cache.get(path)
        if body is None:
            body = self.cache[path] = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io

        return io.BytesIO(body)


def start_server(directory: Path, use_gzip: bool):
    server = make_server(directory, "127.0.0.1", 0, quiet=True)
    if use_gzip:
        import functools

        server.RequestHandlerClass = functools.partial(GzipHandler, directory=str(directory))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}/main.html"


def summary(values: list) -> dict:
    values = [v for v in values if v is not None]
    if not values:
        return {"min": None, "median": None, "max": None, "n": 0}
    return {"min": min(values), "median": statistics.median(values), "max": max(values), "n": len(values)}


def percentiles(values: list) -> dict:
    ordered = sorted(values)
    if not ordered:
        return {"p50": None, "p95": None, "max": None, "n": 0}

    def pick(q):
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]

    return {"p50": pick(0.5), "p95": pick(0.95), "max": ordered[-1], "n": len(ordered)}


class Bench:
    def __init__(self, browser, url: str, gzip_url: str):
        self.browser = browser
        self.url = url
        self.gzip_url = gzip_url

    def new_page(self, context):
        page = context.new_page()
        page.add_init_script(READY_OBSERVER)
        return page

    def load(self, page, url, reload=False):
        """Navigate (or reload) and return the load figures in ms since navigation."""
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        transferred = {"bytes": 0}
        cdp.on("Network.loadingFinished", lambda e: transferred.__setitem__("bytes", transferred["bytes"] + e["encodedDataLength"]))
        if reload:
            page.reload()
        else:
            page.goto(url)
        page.wait_for_function("window.__readyAt !== undefined", timeout=READY_TIMEOUT_MS)
        figures = page.evaluate(LOAD_FIGURES_JS)
        state = page.evaluate("window.__readyState")
        if state != "true":
            raise RuntimeError(f"page reached data-ready={state!r}: {page.locator('#error').inner_text()}")
        marks = figures["marks"]
        result = {
            "first_paint_ms": figures["first_paint"],
            "ready_ms": figures["ready"],
            "download_ms": marks.get("downloaded"),
            "runtime_started_ms": marks.get("runtime-started"),
            "numpy_loaded_ms": marks.get("numpy-loaded"),
            "first_frame_ms": marks.get("first-frame"),
            "transferred_bytes": transferred["bytes"],
        }
        cdp.detach()
        return result

    def cold_and_warm(self, runs: int) -> dict:
        """Load the page in fresh contexts, then again once its service worker is ready."""
        cold, warm, controlled = [], [], 0
        for _ in range(runs):
            context = self.browser.new_context(viewport={"width": 800, "height": 552})
            page = self.new_page(context)
            cold.append(self.load(page, self.url))
            if not page.evaluate(WORKER_READY_JS):
                print("bench: the service worker was not ready after 60 s; warm load without it", file=sys.stderr)
            page.close()
            page = self.new_page(context)
            warm.append(self.load(page, self.url))
            controlled += page.evaluate("!!(navigator.serviceWorker && navigator.serviceWorker.controller)")
            context.close()
        return {"cold": cold, "warm": warm, "warm_from_service_worker": controlled}

    def gzip_bytes(self) -> int:
        context = self.browser.new_context()
        page = self.new_page(context)
        figures = self.load(page, self.gzip_url)
        context.close()
        return figures["transferred_bytes"]

    def memory_and_idle(self) -> dict:
        context = self.browser.new_context(viewport={"width": 800, "height": 552})
        page = self.new_page(context)
        self.load(page, self.url)
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        heap = cdp.send("Runtime.getHeapUsage")
        wasm = page.evaluate("attentionSim.pyodide._module.HEAP8.length")

        def task_seconds():
            metrics = cdp.send("Performance.getMetrics")["metrics"]
            return {m["name"]: m["value"] for m in metrics}["TaskDuration"]

        before = task_seconds()
        start = time.monotonic()
        time.sleep(5)
        busy = task_seconds() - before
        seconds = time.monotonic() - start
        context.close()
        return {
            "js_heap_used_bytes": heap["usedSize"],
            "wasm_memory_bytes": wasm,
            "idle_cpu_percent": 100 * busy / seconds,
        }

    def interactions(self, events: int) -> dict:
        results = {}
        context = self.browser.new_context(viewport={"width": 800, "height": 552})
        page = self.new_page(context)
        self.load(page, self.url)
        for tokens in (4, 16, 64):
            for d_model in (4, 64):
                sentence = " ".join(f"t{i}" for i in range(tokens))
                page.evaluate(
                    "([s, d]) => { const p = attentionSim.pyodide; p.globals.set('_bench_sentence', s); p.globals.set('_bench_d_model', d); }",
                    [sentence, d_model],
                )
                shape = page.evaluate(f"attentionSim.pyodide.runPython({json.dumps(STRESS_PY)}).toJs()")
                key = f"tokens={tokens},d_model={d_model}"
                controls = {
                    "step": ("#step", [str(v) for v in (2, 3, 4, 5, 1)]),
                    "query": ("#query", [str(v % tokens) for v in range(1, tokens + 1)]),
                }
                has_sentence = page.evaluate("!!document.querySelector('#sentence')")
                if has_sentence:
                    controls["sentence"] = ("#sentence", [sentence + ("" if k % 2 else "s") for k in range(2)])
                entry = {"shape": list(shape)}
                # A step or query change never changes the matrices, so its "no cache"
                # run keeps the model and lays the frame out afresh. A sentence change
                # computes everything.
                runs = [(name, selector, values, "") for name, (selector, values) in controls.items()]
                for name, (selector, values) in controls.items():
                    clearing = CLEAR_ALL_PY if name == "sentence" else CLEAR_FRAMES_PY
                    runs.append((f"{name}, no cache", selector, values, clearing))
                for name, selector, values, clearing in runs:
                    raw = page.evaluate(INTERACTION_JS, [selector, values, events, clearing])
                    entry[name] = {"handler_ms": percentiles(raw["handler"]), "repaint_ms": percentiles(raw["repaint"])}
                results[key] = entry
        context.close()
        return results


def machine(browser) -> dict:
    return {
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "chromium": browser.version,
        "python": platform.python_version(),
    }


def fmt(value, unit="ms") -> str:
    if value is None:
        return "n/a"
    if unit == "ms":
        return f"{value:.1f}"
    return f"{value / 1e6:.2f} MB"


def print_report(report: dict) -> None:
    m = report["machine"]
    print(f"machine: {m['cores']} cores, {m['platform']}, Chromium {m['chromium']}")
    print(f"runs: {report['runs']} cold + warm loads in fresh contexts; {report['events']} events per control")
    print(f"warm loads controlled by the service worker: {report['warm_from_service_worker']} of {report['runs']}")
    for kind in ("cold", "warm"):
        print(f"\n{kind} load (ms since navigation)        min     median  max")
        for name, stats in report[kind].items():
            print(f"  {name:36s} {fmt(stats['min']):>7s} {fmt(stats['median']):>7s} {fmt(stats['max']):>7s}")
    w = report["wire"]
    print(f"\nbytes on the wire per cold load: {fmt(w['plain_bytes'], 'B')} without gzip, {fmt(w['gzip_bytes'], 'B')} with gzip")
    r = report["resources"]
    print(f"after load: JS heap {fmt(r['js_heap_used_bytes'], 'B')}, wasm memory {fmt(r['wasm_memory_bytes'], 'B')}, idle main-thread CPU {r['idle_cpu_percent']:.2f} % over 5 s")
    print("\ninteraction (ms)              control            handler p50/p95/max      to next frame p50/p95/max")
    for key, entry in report["interaction"].items():
        for name, stats in entry.items():
            if name == "shape":
                continue
            h, f = stats["handler_ms"], stats["repaint_ms"]
            print(f"  {key:28s} {name:18s} {fmt(h['p50']):>6s} {fmt(h['p95']):>6s} {fmt(h['max']):>6s}    {fmt(f['p50']):>6s} {fmt(f['p95']):>6s} {fmt(f['max']):>6s}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold + warm loads, each in a fresh context (default 5)")
    parser.add_argument("--events", type=int, default=200, help="input events per control and size (default 200)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--directory", type=Path, default=ROOT / "dist" / "attention-mechanism", help="built folder to serve")
    args = parser.parse_args()
    if not (args.directory / "main.html").exists():
        sys.exit(f"bench: {args.directory} has no main.html; run ./sim build first.")

    from playwright.sync_api import sync_playwright

    plain, url = start_server(args.directory, use_gzip=False)
    compressed, gzip_url = start_server(args.directory, use_gzip=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS)
        bench = Bench(browser, url, gzip_url)
        loads = bench.cold_and_warm(args.runs)
        report = {
            "machine": machine(browser),
            "runs": args.runs,
            "events": args.events,
            "cold": {k: summary([run[k] for run in loads["cold"]]) for k in loads["cold"][0]},
            "warm": {k: summary([run[k] for run in loads["warm"]]) for k in loads["warm"][0]},
            "warm_from_service_worker": loads["warm_from_service_worker"],
            "wire": {
                "plain_bytes": statistics.median(run["transferred_bytes"] for run in loads["cold"]),
                "gzip_bytes": bench.gzip_bytes(),
            },
            "resources": bench.memory_and_idle(),
            "interaction": bench.interactions(args.events),
        }
        browser.close()
    plain.shutdown()
    compressed.shutdown()
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()

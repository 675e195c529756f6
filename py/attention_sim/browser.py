"""Browser glue, the only module that touches the page: events → settings → paint.

Runs in Pyodide 0.17 only. Every control event builds new settings, recomputes the
model when the math depends on what changed, and repaints the canvas once.
"""

from __future__ import annotations

from dataclasses import replace

import js
from pyodide import create_proxy

from .export import export_json
from .model import build
from .settings import STEP_COUNT, Settings
from .views import layout

# Used until the stage has a size, for example while the page is hidden.
DEFAULT_SIZE = (640.0, 420.0)


class App:
    def __init__(self, helpers):
        self.helpers = helpers
        self.document = js.document
        self.canvas = self.document.getElementById("canvas")
        self.stage = self.document.getElementById("stage")
        self.settings = Settings()
        self.model = build(self.settings)
        self.settings = self.model.settings
        self.proxies = []
        self.width = 0.0
        self.height = 0.0

    def element(self, element_id: str):
        return self.document.getElementById(element_id)

    def listen(self, element, event: str, handler) -> None:
        proxy = create_proxy(handler)
        self.proxies.append(proxy)  # kept alive for the page's lifetime
        element.addEventListener(event, proxy)

    def start(self) -> None:
        self.listen(self.element("step"), "input", self.on_step)
        self.listen(self.element("query"), "input", self.on_query)
        self.listen(self.element("export-json"), "click", self.on_export)
        observer = js.ResizeObserver.new(create_proxy(self.on_resize))
        observer.observe(self.stage)
        for element_id in ("step", "query", "export-json"):
            self.element(element_id).disabled = False
        self.element("loading").hidden = True
        self.update(self.settings)

    def on_step(self, event) -> None:
        self.update(replace(self.settings, step=int(event.target.value)))

    def on_query(self, event) -> None:
        self.update(replace(self.settings, query=int(event.target.value)))

    def on_export(self, event) -> None:
        self.helpers.download("attention-state.json", export_json(self.model), "application/json")

    def on_resize(self, entries, observer=None) -> None:
        size = (float(self.stage.clientWidth), float(self.stage.clientHeight))
        if size != (self.width, self.height):
            self.paint()

    def update(self, settings: Settings) -> None:
        """Rebuild the model for new settings and repaint, if anything changed."""
        if settings == self.settings and self.width:
            return
        previous_step = self.settings.step if self.width else None
        self.model = build(settings)
        self.settings = self.model.settings
        self.sync_controls()
        self.paint()
        if self.settings.step != previous_step:
            self.announce_step()

    def announce_step(self) -> None:
        """Dispatch `attention-sim:step` on the document, for SCORM and other listeners."""
        options = js.JSON.parse(f'{{"detail": {{"step": {self.settings.step}}}}}')
        self.document.dispatchEvent(js.CustomEvent.new("attention-sim:step", options))

    def sync_controls(self) -> None:
        s = self.settings
        tokens = self.model.tokens
        step = self.element("step")
        step.value = str(s.step)
        self.element("step-value").textContent = str(s.step)
        query = self.element("query")
        query.max = str(len(tokens) - 1)
        query.value = str(s.query)
        query.setAttribute("aria-valuetext", f"{s.query + 1} of {len(tokens)}: {tokens[s.query]}")
        self.element("query-value").textContent = tokens[s.query]
        step.setAttribute("aria-valuetext", f"{s.step} of {STEP_COUNT}: {s.step_name}")
        title = f"Step {s.step} of {STEP_COUNT}: {s.step_name}"
        self.element("title").textContent = title
        self.canvas.setAttribute("aria-label", f"{title}, query token {tokens[s.query]}")
        self.element("notice").textContent = " ".join(self.model.notices)

    def paint(self) -> None:
        self.width = float(self.stage.clientWidth) or DEFAULT_SIZE[0]
        self.height = float(self.stage.clientHeight) or DEFAULT_SIZE[1]
        frame = layout(self.model, self.width, self.height)
        self.regions = self.helpers.paint(self.canvas, frame.to_json())


_app = None


def start(helpers) -> App:
    """Connect the page's controls to the simulator and paint the first frame."""
    global _app
    app = _app = App(helpers)
    app.start()
    js.document.documentElement.dataset.ready = "true"
    js.console.info("attention-sim: ready")
    return app

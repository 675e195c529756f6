"""Browser glue, the only module that touches the page: events → settings → paint.

Runs in Pyodide 0.17 only. Every control event builds new settings with the
functions of settings.py and recomputes the model when anything changed. It then
repaints the canvas once (and the attention matrix, when its panel is open), and
updates the controls, the narration and the URL fragment, writing only values that
changed. Text from the reader or the URL reaches the page only through textContent,
input values and canvas fillText, never as HTML.
"""

from __future__ import annotations

import json
from dataclasses import replace

import js
from pyodide import create_proxy

from .codeview import code_blocks, code_key, segments
from .explain import explain
from .export import export_json, image_caption
from .cache import FrameCache, ModelCache
from .narration import narrate
from .settings import (
    SEED_RANGE,
    STEP_COUNT,
    Settings,
    next_seed,
    with_heads,
    with_preset,
    with_seed,
    with_sentence,
)
from .tables import MAX_LABEL_CHARS, tables_json
from .urlstate import clean_search, format_state, parse_state
from .views import layout
from .views.matrix import layout_matrix, matrix_height
from .views.regions import find, hit, move, query_of, region_key

# Used until the stage has a size, for example while the page is hidden.
DEFAULT_SIZE = (640.0, 420.0)
PLAY_INTERVAL_MS = 3000
URL_INTERVAL_MS = 250.0  # minimum time between two writes of the URL fragment
MODIFIER_KEYS = ("Shift", "Control", "Alt", "AltGraph", "Meta", "CapsLock", "Fn", "NumLock", "OS")
# With prefers-reduced-motion, Play still moves in discrete steps (nothing on the
# page is animated), but waits longer on each.
REDUCED_MOTION_INTERVAL_MS = 6000
CURSOR_KEYS = ("ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp", "Home", "End")
# Element ids that the glue reads or writes; looked up once.
ELEMENT_IDS = (
    "canvas", "stage", "title", "step", "step-value", "query", "query-value", "play",
    "export-json", "export-png", "notice", "narration", "preset", "sentence",
    "d-model", "d-model-value", "d-k", "d-k-value", "heads", "heads-value", "head",
    "head-value", "temperature", "temperature-value", "scaled", "causal", "positional",
    "seed", "new-weights", "weights-source", "settings-panel", "matrix-panel",
    "matrix-stage", "matrix-canvas", "code-panel", "code", "lesson-panel",
    "table-panel", "tables", "narration-live", "cell-tip", "cell-cursor", "cell-status", "loading",
)  # fmt: skip
# Keyboard shortcuts anywhere on the page: key -> (setting, change).
SHORTCUTS = {"]": ("step", 1), "[": ("step", -1), ".": ("query", 1), ",": ("query", -1)}
# The live region reads the narration out once the input pauses this long, so that
# typing a sentence or dragging a slider does not queue one announcement per event.
NARRATION_DELAY_MS = 700
NARRATION_CLEAR_MS = 10_000  # then empty the live region, after it has been read
# Controls named by a lesson link's data-focus, by element id.
FOCUS_TARGETS = {"play": "play", "temperature": "temperature", "scaled": "scaled", "causal": "causal"}


def ignored_notice(ignored: list) -> list:
    if not ignored:
        return []
    return ["Ignored in the link, using defaults: " + "; ".join(ignored) + "."]


class Delay:
    """A Python callback run by setTimeout; starting it again cancels the pending run."""

    def __init__(self, callback):
        self.callback = callback
        self.proxy = create_proxy(self.run)  # kept alive for the page's lifetime
        self.handle = None

    def start(self, milliseconds: float) -> None:
        if self.handle is not None:
            js.clearTimeout(self.handle)
        self.handle = js.setTimeout(self.proxy, milliseconds)

    def run(self, *args) -> None:
        self.handle = None
        self.callback()


class CanvasView:
    """One canvas, its last frame's regions, and the cell under the pointer or cursor."""

    def __init__(self, app, canvas, box, layout_function):
        self.app = app
        self.canvas = canvas
        self.box = box  # the element whose size the canvas takes
        self.layout_function = layout_function
        self.frame = None  # the last frame painted
        self.cursor_key = None  # region key of the keyboard cursor
        self.focused = False
        self.pointer_key = None  # region key under the mouse
        self.size = (0.0, 0.0)  # of the last frame

    def listen(self) -> None:
        app = self.app
        app.listen(self.canvas, "pointermove", self.on_pointer_move)
        app.listen(self.canvas, "pointerleave", self.on_pointer_leave)
        app.listen(self.canvas, "click", self.on_click)
        app.listen(self.canvas, "focus", self.on_focus)
        app.listen(self.canvas, "blur", self.on_blur)
        app.listen(self.canvas, "keydown", self.on_key)

    def paint(self) -> None:
        width = float(self.box.clientWidth) or DEFAULT_SIZE[0]
        height = float(self.box.clientHeight) or DEFAULT_SIZE[1]
        paint_json, self.frame = self.app.frames.get(self.layout_function, self.app.model, width, height)
        self.app.helpers.paint(self.canvas, paint_json)
        self.size = (width, height)
        self.refresh()

    @property
    def regions(self) -> list:
        return self.frame.regions if self.frame is not None else []

    def resized(self) -> bool:
        return (float(self.box.clientWidth), float(self.box.clientHeight)) != self.size

    def refresh(self) -> None:
        """Show the cursor and tooltip again on the new frame, or hide them."""
        tip = self.app.tip
        if tip.owner is not self:
            return
        if self.focused:
            region = find(self.regions, self.cursor_key) or move(self.regions, None, "Home")
            self.show(region, keyboard=True)
        else:
            region = find(self.regions, self.pointer_key)
            if region is None:
                tip.hide()
            else:
                self.show(region, keyboard=False)

    def show(self, region, keyboard: bool) -> None:
        if region is None:
            self.app.tip.hide()
            return
        if keyboard:
            self.cursor_key = region_key(region)
        else:
            self.pointer_key = region_key(region)
        lines = explain(self.app.model, region)
        self.app.tip.show(self, region, lines, keyboard)

    def on_pointer_move(self, event) -> None:
        if event.pointerType == "touch":
            return  # a tap shows its tooltip on click
        region = hit(self.regions, float(event.offsetX), float(event.offsetY))
        key = region_key(region) if region else None
        if key == self.pointer_key and self.app.tip.owner is self:
            return
        self.pointer_key = key
        if region is None:
            if not self.focused:
                self.app.tip.hide()
            return
        self.show(region, keyboard=False)

    def on_pointer_leave(self, event) -> None:
        self.pointer_key = None
        if self.app.tip.owner is self and not self.focused:
            self.app.tip.hide()

    def on_click(self, event) -> None:
        x, y = float(event.offsetX), float(event.offsetY)
        region = hit(self.regions, x, y)
        if region is None:
            return
        self.pointer_key = region_key(region)
        if self.focused:
            self.cursor_key = self.pointer_key
        self.choose(region)
        self.show(find(self.regions, self.pointer_key), keyboard=self.focused)

    def choose(self, region) -> None:
        """Make the region's token the query."""
        query = query_of(region)
        if query is not None and query != self.app.settings.query:
            self.app.update(replace(self.app.settings, query=query))

    def on_focus(self, event) -> None:
        self.focused = True
        region = find(self.regions, self.cursor_key) or move(self.regions, None, "Home")
        self.show(region, keyboard=True)

    def on_blur(self, event) -> None:
        self.focused = False
        self.app.tip.status.textContent = ""  # no stale cell text for a later read
        if self.app.tip.owner is self:
            self.app.tip.hide()

    def on_key(self, event) -> None:
        key = event.key
        current = find(self.regions, self.cursor_key)
        if key in CURSOR_KEYS:
            self.show(move(self.regions, current, key), keyboard=True)
        elif key in ("Enter", " "):
            if current is not None:
                self.choose(current)
                self.show(find(self.regions, self.cursor_key), keyboard=True)
        elif key == "Escape":
            self.app.tip.hide()
            return
        else:
            return
        event.preventDefault()
        event.stopPropagation()


class Tooltip:
    """The one tooltip and cell cursor of the page, placed over the canvas that owns them."""

    def __init__(self, app):
        document = app.document
        self.app = app
        self.tip = app.el["cell-tip"]
        self.cursor = app.el["cell-cursor"]
        self.status = app.el["cell-status"]
        self.title = document.createElement("span")
        self.title.className = "tip-title"
        self.body = document.createElement("span")
        self.tip.append(self.title, self.body)
        self.owner = None

    def show(self, view, region, lines: list, keyboard: bool) -> None:
        window = js.window
        box = view.canvas.getBoundingClientRect()
        left = float(box.left) + float(window.scrollX) + region["x"]
        top = float(box.top) + float(window.scrollY) + region["y"]
        cursor = self.cursor.style
        cursor.left = f"{left - 2}px"
        cursor.top = f"{top - 2}px"
        cursor.width = f"{region['w'] + 4}px"
        cursor.height = f"{region['h'] + 4}px"
        self.cursor.className = "" if keyboard else "pointer"
        self.cursor.hidden = False
        self.owner = view
        if not lines:
            self.tip.hidden = True
            return
        self.title.textContent = lines[0]
        self.body.textContent = "".join("\n" + line for line in lines[1:])
        self.tip.hidden = False
        self.place(left, top, region)
        if keyboard:
            self.status.textContent = " ".join(lines)

    def place(self, left: float, top: float, region: dict) -> None:
        """Put the tooltip below the cell, or above it when the page ends below."""
        window = js.window
        width = float(self.tip.offsetWidth)
        height = float(self.tip.offsetHeight)
        page_width = float(self.app.document.documentElement.clientWidth)
        x = min(left, page_width - width - 8)
        x = max(x, 8.0)
        below = top + region["h"] + 8
        view_bottom = float(window.scrollY) + float(window.innerHeight)
        if below + height > view_bottom and top - height - 8 >= float(window.scrollY):
            y = top - height - 8
        else:
            y = below
        self.tip.style.left = f"{x}px"
        self.tip.style.top = f"{y}px"

    def hide(self) -> None:
        self.tip.hidden = True
        self.cursor.hidden = True
        self.owner = None


class App:
    def __init__(self, helpers):
        self.helpers = helpers
        self.document = js.document
        self.el = {element_id: self.document.getElementById(element_id) for element_id in ELEMENT_IDS}
        self.canvas = self.el["canvas"]
        self.stage = self.el["stage"]
        location = js.window.location
        settings, ignored = parse_state(str(location.search), str(location.hash))
        self.settings = Settings()
        self.models = ModelCache()
        self.frames = FrameCache()
        self.narrations = {}  # settings -> narration text
        self.url_timer = None  # pending write of the URL fragment
        self.url_proxy = None
        self.url_written_at = -URL_INTERVAL_MS
        self.model = self.models.build(settings)
        self.settings = self.model.settings
        self.extra_notices = ignored_notice(ignored)
        self.proxies = []
        self.written = {}  # (element id, property) -> last value written
        self.painted = False
        self.fragment = None
        self.code_key = None
        self.tables_key = None  # settings of the tables on view
        self.narration_delay = Delay(self.on_narration_timer)  # writes the live region
        self.narration_clear_delay = Delay(self.on_narration_clear)  # empties it
        self.timer = None
        self.main_view = CanvasView(self, self.canvas, self.stage, layout)
        self.matrix_view = CanvasView(self, self.el["matrix-canvas"], self.el["matrix-stage"], layout_matrix)
        self.tip = None

    def listen(self, element, event: str, handler, capture: bool = False) -> None:
        proxy = create_proxy(handler)
        self.proxies.append(proxy)  # kept alive for the page's lifetime
        element.addEventListener(event, proxy, capture)

    def start(self) -> None:
        el = self.el
        self.tip = Tooltip(self)
        controls = (
            ("step", "input", self.on_step),
            ("query", "input", self.on_query),
            ("play", "click", self.on_play),
            ("export-json", "click", self.on_export),
            ("export-png", "click", self.on_export_png),
            ("preset", "change", self.on_preset),
            ("sentence", "input", self.on_sentence),
            ("d-model", "input", self.on_d_model),
            ("d-k", "input", self.on_d_k),
            ("heads", "input", self.on_heads),
            ("head", "input", self.on_head),
            ("temperature", "input", self.on_temperature),
            ("scaled", "change", self.on_switch),
            ("causal", "change", self.on_switch),
            ("positional", "change", self.on_switch),
            ("seed", "change", self.on_seed),
            ("new-weights", "click", self.on_new_weights),
            ("matrix-panel", "toggle", self.on_matrix_toggle),
            ("code-panel", "toggle", self.on_code_toggle),
            ("table-panel", "toggle", self.on_table_toggle),
            ("lesson-panel", "click", self.on_lesson_click),
        )
        for element_id, event, handler in controls:
            self.listen(el[element_id], event, handler)

        self.main_view.listen()
        self.matrix_view.listen()
        for event in ("input", "pointerdown", "keydown"):
            self.listen(self.document, event, self.on_any_input, capture=True)
        self.listen(self.document, "keydown", self.on_shortcut)
        self.listen(js.window, "hashchange", self.on_hashchange)
        observer = js.ResizeObserver.new(create_proxy(self.on_resize))
        observer.observe(self.stage)
        observer.observe(el["matrix-stage"])

        el["step"].disabled = False
        el["query"].disabled = False
        el["export-json"].disabled = False
        controls_list = self.document.querySelectorAll(".sim-control")
        for index in range(controls_list.length):
            controls_list.item(index).disabled = False

        play = el["play"]
        play.dataset.intervalMs = str(self.play_interval())
        if self.reduced_motion():
            play.title = "Advances one step every 6 seconds, without animation."
        el["loading"].hidden = True
        self.update(self.settings, notices=self.extra_notices)

    # Control events. Each builds new settings and calls update once.

    def on_step(self, event) -> None:
        self.forget("step", "value")
        self.update(replace(self.settings, step=int(event.target.value)))

    def on_query(self, event) -> None:
        self.forget("query", "value")
        self.update(replace(self.settings, query=int(event.target.value)))

    def on_preset(self, event) -> None:
        self.forget("preset", "value")
        self.update(with_preset(self.settings, str(event.target.value)))

    def on_sentence(self, event) -> None:
        text = str(event.target.value)
        settings, reason = with_sentence(self.settings, text)
        self.update(settings, source="sentence", notices=[reason] if reason else [])

    def on_d_model(self, event) -> None:
        self.forget("d-model", "value")
        self.update(replace(self.settings, d_model=int(event.target.value)))

    def on_d_k(self, event) -> None:
        self.forget("d-k", "value")
        self.update(replace(self.settings, d_k=int(event.target.value)))

    def on_heads(self, event) -> None:
        self.forget("heads", "value")
        self.update(with_heads(self.settings, int(event.target.value)))

    def on_head(self, event) -> None:
        self.forget("head", "value")
        self.update(replace(self.settings, head=int(event.target.value) - 1))

    def on_temperature(self, event) -> None:
        self.forget("temperature", "value")
        self.update(replace(self.settings, temperature=round(float(event.target.value), 2)))

    def on_switch(self, event) -> None:
        name = str(event.target.id)
        self.forget(name, "checked")
        self.update(replace(self.settings, **{name: bool(event.target.checked)}))

    def on_seed(self, event) -> None:
        text = str(event.target.value).strip()
        low, high = SEED_RANGE
        if not text.isdigit() or not low <= int(text) <= high:
            # Show the seed in use again, since the settings do not change.
            self.forget("seed", "value")
            self.put("seed", "value", str(self.settings.seed))
            notice = f"The seed must be a whole number from {low} to {high}; keeping {self.settings.seed}."
            self.update(self.settings, notices=[notice])
            return
        self.update(with_seed(self.settings, int(text)))

    def on_new_weights(self, event) -> None:
        self.update(with_seed(self.settings, next_seed(self.settings.seed, float(js.Math.random()))))

    def on_export(self, event) -> None:
        self.helpers.download("attention-state.json", export_json(self.model), "application/json")

    def on_export_png(self, event) -> None:
        caption = json.dumps(image_caption(self.model))
        self.helpers.downloadImage(self.canvas, f"attention-step-{self.settings.step}.png", caption)

    def on_hashchange(self, event) -> None:
        # Read the URL that was navigated to, not location: a pending write of the
        # fragment may have run in between and put the previous settings back there.
        # An event made by a script may have no newURL.
        url = js.URL.new(str(getattr(event, "newURL", None) or js.window.location.href))
        settings, ignored = parse_state(str(url.search), str(url.hash))
        self.stop_play()
        self.update(settings, source="url", notices=ignored_notice(ignored))

    def on_lesson_click(self, event) -> None:
        """Apply a lesson link's state, then focus the control it demonstrates."""
        link = event.target.closest("a.try")
        if not link:
            return
        event.preventDefault()
        self.stop_play()
        settings, ignored = parse_state("", str(link.getAttribute("href")))
        self.update(settings, source="url", notices=ignored_notice(ignored))
        target = FOCUS_TARGETS.get(str(link.dataset.focus or ""))
        if target:
            if target != "play":
                self.el["settings-panel"].open = True
            # Focus the control without scrolling to it, then bring the diagram
            # into view, so that the reader sees what the link changed.
            self.el[target].focus(js.JSON.parse('{"preventScroll": true}'))
        self.el["title"].scrollIntoView(js.JSON.parse('{"block": "start"}'))

    def on_matrix_toggle(self, event) -> None:
        if self.el["matrix-panel"].open:
            self.paint_matrix()

    def on_code_toggle(self, event) -> None:
        if self.el["code-panel"].open:
            self.render_code()

    def on_table_toggle(self, event) -> None:
        if self.el["table-panel"].open:
            self.render_tables()

    def on_shortcut(self, event) -> None:
        """Change the step or the query by the keys in SHORTCUTS.

        event.key is the character typed, so a layout that needs AltGr (reported as
        Ctrl+Alt on Windows) or Option for "[" still works. Keys typed into a text
        field, a number field or a text area are left to it.
        """
        shortcut = SHORTCUTS.get(str(event.key))
        if shortcut is None or event.defaultPrevented or event.metaKey:
            return
        if event.ctrlKey and not event.getModifierState("AltGraph"):
            return
        target = event.target
        tag = str(getattr(target, "tagName", "") or "").lower()
        kind = str(getattr(target, "type", "") or "").lower()
        if tag == "textarea" or getattr(target, "isContentEditable", False):
            return
        if tag == "input" and kind not in ("range", "checkbox", "radio", "button"):
            return
        name, change = shortcut
        event.preventDefault()
        s = self.settings
        if name == "step":
            settings = replace(s, step=min(max(s.step + change, 1), STEP_COUNT))
        else:
            settings = replace(s, query=min(max(s.query + change, 0), len(self.model.tokens) - 1))
        if settings != s:  # at either end, keep the notice on view
            self.update(settings)

    def on_resize(self, entries, observer=None) -> None:
        if not self.painted:
            return
        if self.main_view.resized():
            self.main_view.paint()
        if self.el["matrix-panel"].open and self.matrix_view.resized():
            self.paint_matrix()

    # Play.

    def reduced_motion(self) -> bool:
        return bool(js.window.matchMedia("(prefers-reduced-motion: reduce)").matches)

    def play_interval(self) -> int:
        return REDUCED_MOTION_INTERVAL_MS if self.reduced_motion() else PLAY_INTERVAL_MS

    def on_play(self, event) -> None:
        if self.timer is not None:
            self.stop_play()
            return
        if self.settings.step == STEP_COUNT:
            self.update(replace(self.settings, step=1))
        self.tick_proxy = getattr(self, "tick_proxy", None) or create_proxy(self.on_tick)
        self.timer = js.setInterval(self.tick_proxy, self.play_interval())
        self.set_play_button(True)

    def on_tick(self, *args) -> None:
        if self.settings.step >= STEP_COUNT:
            self.stop_play()
            return
        self.update(replace(self.settings, step=self.settings.step + 1))
        if self.settings.step >= STEP_COUNT:
            self.stop_play()

    def stop_play(self) -> None:
        if self.timer is None:
            return
        js.clearInterval(self.timer)
        self.timer = None
        self.set_play_button(False)

    def set_play_button(self, playing: bool) -> None:
        play = self.el["play"]
        play.textContent = "Stop" if playing else "Play"
        play.setAttribute("aria-pressed", "true" if playing else "false")

    def on_any_input(self, event) -> None:
        """Stop Play on any input, except a click or Enter or Space on the Play button.

        Keys that only modify others (Shift, Ctrl, Alt, ...) are not input.
        """
        if self.timer is None:
            return
        target = event.target
        keydown = str(event.type) == "keydown"
        if keydown and str(event.key) in MODIFIER_KEYS:
            return  # for example Ctrl, which silences a screen reader
        on_play = bool(target) and getattr(target, "id", "") == "play"
        if on_play and (not keydown or str(event.key) in ("Enter", " ")):
            return
        self.stop_play()

    # Update and sync.

    def update(self, settings: Settings, source: str = "", notices=()) -> None:
        """Rebuild the model for new settings and repaint, if anything changed."""
        previous_step = self.settings.step if self.painted else None
        self.extra_notices = list(notices)
        if settings != self.settings or not self.painted:
            self.model = self.models.build(settings)
            self.settings = self.model.settings
            self.sync_controls(source)
            self.paint()
        else:
            self.sync_notice()
        if self.settings.step != previous_step:
            self.announce_step()

    def announce_step(self) -> None:
        """Dispatch `attention-sim:step` on the document, for SCORM and other listeners."""
        options = js.JSON.parse(f'{{"detail": {{"step": {self.settings.step}}}}}')
        self.document.dispatchEvent(js.CustomEvent.new("attention-sim:step", options))

    def put(self, element_id: str, name: str, value) -> None:
        """Set a property of an element, unless this value was the last one written."""
        key = (element_id, name)
        if self.written.get(key, object()) == value:
            return
        self.written[key] = value
        setattr(self.el[element_id], name, value)

    def put_attribute(self, element_id: str, name: str, value: str) -> None:
        key = (element_id, "@" + name)
        if self.written.get(key) == value:
            return
        self.written[key] = value
        self.el[element_id].setAttribute(name, value)

    def forget(self, element_id: str, name: str) -> None:
        """Drop the cache of a property that the reader has just changed."""
        self.written.pop((element_id, name), None)

    def sync_controls(self, source: str = "") -> None:
        s = self.settings
        tokens = self.model.tokens
        token = tokens[s.query]
        if len(token) > MAX_LABEL_CHARS:  # a token of thousands of characters
            token = token[: MAX_LABEL_CHARS - 1] + "…"
        self.put("step", "value", str(s.step))
        self.put("step-value", "textContent", str(s.step))
        self.put_attribute("step", "aria-valuetext", f"{s.step} of {STEP_COUNT}: {s.step_name}")
        self.put("query", "max", str(len(tokens) - 1))
        self.put("query", "value", str(s.query))
        self.put_attribute("query", "aria-valuetext", f"{s.query + 1} of {len(tokens)}: {token}")
        self.put("query-value", "textContent", token)
        title = f"Step {s.step} of {STEP_COUNT}: {s.step_name}"
        self.put("title", "textContent", title)
        self.put_attribute("canvas", "aria-label", f"{title}, query token {token}")

        self.put("preset", "value", s.preset)
        if source != "sentence":
            self.put("sentence", "value", s.sentence)
            self.forget("sentence", "value")
        for element_id, value in (("d-model", s.d_model), ("d-k", s.d_k), ("heads", s.heads)):
            self.put(element_id, "value", str(value))
            self.put(element_id + "-value", "textContent", str(value))
        self.put("head", "max", str(s.heads))
        self.put("head", "value", str(s.head + 1))
        self.put("head", "disabled", s.heads == 1)
        self.put("head-value", "textContent", str(s.head + 1))
        self.put_attribute("head", "aria-valuetext", f"head {s.head + 1} of {s.heads}")
        self.put("temperature", "value", str(s.temperature))
        self.put("temperature-value", "textContent", f"{s.temperature:.1f}")
        for name in ("scaled", "causal", "positional"):
            self.put(name, "checked", getattr(s, name))
        self.put("seed", "value", str(s.seed))
        self.put("weights-source", "textContent", self.weights_text())
        self.put("narration", "textContent", self.narration())
        self.announce_narration()
        self.sync_notice()
        self.write_url()
        if self.el["code-panel"].open and code_key(s) != self.code_key:
            self.render_code()
        if self.el["table-panel"].open and s != self.tables_key:
            self.render_tables()

    def narration(self) -> str:
        """Return narrate(self.model), kept per settings like the frames."""
        key = self.settings
        text = self.narrations.get(key)
        if text is None:
            if len(self.narrations) > 64:
                self.narrations.clear()
            text = self.narrations[key] = narrate(self.model)
        return text

    def announce_narration(self) -> None:
        """Write the narration into its live region once the input pauses."""
        self.narration_delay.start(NARRATION_DELAY_MS)

    def on_narration_timer(self) -> None:
        """Announce the narration, and empty the live region once it has been read.

        Emptying it keeps a reader who goes through the page line by line from
        hearing the narration twice, once here and once in the visible paragraph.
        """
        self.put("narration-live", "textContent", self.narration())
        self.narration_clear_delay.start(NARRATION_CLEAR_MS)

    def on_narration_clear(self) -> None:
        self.put("narration-live", "textContent", "")

    def weights_text(self) -> str:
        s = self.settings
        if self.model.weights_source == "preset":
            return f"Weights: the {s.preset} preset's own."
        if self.model.weights_source == "preset and seed":
            return f"Weights: head 1 from the {s.preset} preset, the other heads random from seed {s.seed}."
        return f"Weights: random, from seed {s.seed}."

    def sync_notice(self) -> None:
        self.put("notice", "textContent", " ".join(self.model.notices + self.extra_notices))

    def write_url(self) -> None:
        """Write the settings into the URL fragment, at most once per URL_INTERVAL_MS.

        history.replaceState costs milliseconds and Chromium throttles frequent
        calls, so while a slider is dragged the last state is written when the
        interval ends.
        """
        fragment = format_state(self.settings)
        if fragment == self.fragment:
            return
        now = float(js.performance.now())
        if self.url_timer is not None:
            return  # the pending write takes the newest settings
        wait = self.url_written_at + URL_INTERVAL_MS - now
        if wait > 0:
            if self.url_proxy is None:
                self.url_proxy = create_proxy(self.on_url_timer)
            self.url_timer = js.setTimeout(self.url_proxy, wait)
            return
        self.replace_url(fragment)

    def on_url_timer(self, *args) -> None:
        self.url_timer = None
        self.write_url()

    def replace_url(self, fragment: str) -> None:
        self.fragment = fragment
        self.url_written_at = float(js.performance.now())
        location = js.window.location
        url = str(location.pathname) + clean_search(str(location.search))
        if fragment:
            url += "#" + fragment
        try:
            js.window.history.replaceState(None, "", url)
        except Exception as error:  # a sandboxed frame may forbid it
            js.console.info(f"attention-sim: could not write the URL: {error}")

    @property
    def regions(self) -> list:
        """The main canvas's regions, for tools and tests."""
        return self.main_view.regions

    def paint(self) -> None:
        self.main_view.paint()
        self.painted = True
        if self.el["matrix-panel"].open:
            self.paint_matrix()

    def paint_matrix(self) -> None:
        box = self.el["matrix-stage"]
        width = float(box.clientWidth) or DEFAULT_SIZE[0]
        self.put_style_height(box, matrix_height(width, self.settings.heads))
        self.matrix_view.paint()

    def put_style_height(self, element, height: float) -> None:
        key = ("matrix-stage", "height")
        if self.written.get(key) != height:
            self.written[key] = height
            element.style.height = f"{height:.0f}px"

    def render_code(self) -> None:
        """Rebuild the Python panel: each block's line numbers and highlighted source."""
        document = self.document
        container = self.el["code"]
        focused = self.focused_listing(container)
        container.textContent = ""
        for block in code_blocks(self.settings):
            figure = document.createElement("figure")
            figure.className = "code-block"
            caption = document.createElement("figcaption")
            last = block.first_line + len(block.lines) - 1
            caption.textContent = f"{block.path}, {block.function}(), lines {block.first_line} to {last}"
            listing = document.createElement("div")
            listing.className = "listing"
            # A region that scrolls must take focus, so that a keyboard can scroll it.
            listing.tabIndex = 0
            listing.setAttribute("role", "region")
            listing.setAttribute("aria-label", caption.textContent)
            gutter = document.createElement("pre")
            gutter.className = "gutter"
            gutter.setAttribute("aria-hidden", "true")
            gutter.textContent = "\n".join(str(block.first_line + k) for k in range(len(block.lines)))
            source = document.createElement("pre")
            source.className = "source"
            code = document.createElement("code")
            for highlighted, text in segments(block):
                part = document.createElement("mark" if highlighted else "span")
                part.textContent = text
                code.append(part)
            source.append(code)
            listing.append(gutter, source)
            figure.append(caption, listing)
            container.append(figure)
            first_mark = listing.querySelector("mark")
            if first_mark:
                # Two lines of context above the first highlighted line (18 px each).
                listing.scrollTop = max(0, float(first_mark.offsetTop) - 40)
        self.code_key = code_key(self.settings)
        listings = container.querySelectorAll(".listing")
        if focused is not None and listings.length:
            # Keep the keyboard focus where it was, on the listing in its place.
            listings.item(min(focused, listings.length - 1)).focus()

    def focused_listing(self, container):
        """Return the index of the code listing that has the focus, or None."""
        listings = container.querySelectorAll(".listing")
        index = int(js.Array.prototype.indexOf.call(listings, self.document.activeElement))
        return index if index >= 0 else None


    def render_tables(self) -> None:
        """Show the current step's tables in the Tables panel."""
        self.helpers.tables(self.el["tables"], tables_json(self.model))
        self.tables_key = self.settings


_app = None


def start(helpers) -> App:
    """Connect the page's controls to the simulator and paint the first frame."""
    global _app
    app = _app = App(helpers)
    app.start()
    js.document.documentElement.dataset.ready = "true"
    js.console.info("attention-sim: ready")
    return app

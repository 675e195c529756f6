"""Fuzz the page in a real Chromium with random control changes, sentences and URLs.

Each sequence is a few actions: slider values (in and out of range), switches,
presets, hostile or odd sentences, seeds, keyboard shortcuts, panels and URL
fragments. After every sequence the page must show no error, a canvas that is not
blank, no "NaN" or "∞" where a number is drawn, a state that is valid and matches
CPython, controls and URL that describe that state, and a visible notice after each
action that was rejected. Every RELOAD_EVERY sequences the page is loaded again
with a random query string and fragment, which tests the first-load parser.

The run is reproducible: FUZZ_SEED picks the random sequences and FUZZ_SEQUENCES
their number. A failure names the seed and lists every action since the last page
load, and writes them to test-artifacts/fuzz-failure.json.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import quote, unquote_plus

import numpy as np
from playwright.sync_api import Error as PlaywrightError

from attention_sim.model import build
from attention_sim.tables import step_tables
from attention_sim.urlstate import parse_state
from conftest import save_artifact, settings_of, wait_ready

SEED = int(os.environ.get("FUZZ_SEED", "6061"))
SEQUENCES = int(os.environ.get("FUZZ_SEQUENCES", "500"))
RELOAD_EVERY = 50
MAX_ACTIONS = 5
MAX_TOKENS = 16

# Placeholders that the page replaces with unpaired UTF-16 surrogates, which cannot
# travel through Playwright's JSON but can sit in a text field.
HIGH_SURROGATE = "\ue0ff"
LOW_SURROGATE = "\ue0fe"

WORDS = (
    "The", "cat", "sat", "down", "it", "animal", "a", "I", "42", "3.14", "x²", "don't",
    "co-op", "Ünïcödé", "naïve", "Straße", "ÆØÅ", "0", "-0", "1e309", "0x1F", "NULL",
    "undefined", "None", "true", "__proto__", "constructor", "toString", "hasOwnProperty",
)  # fmt: skip
EMOJI = (
    "👍🏽", "👋🏿", "👨‍👩‍👧‍👦", "👩🏾‍💻", "🏳️‍🌈", "🇫🇷", "❤️", "1️⃣", "🧑🏻‍🤝‍🧑🏿", "🤷🏼‍♀️", "😀",
)  # fmt: skip
CJK = ("我们", "学习", "注意力", "。", "日本語", "한국어", "、", "ｶﾀｶﾅ", "𠜎𠜱")
RIGHT_TO_LEFT = ("مرحبا", "بالعالم", "שלום", "עולם", "عدد ١٢٣", "אָ", "(שלום)", "؟")
MARKUP = (
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "</canvas>",
    "<b>bold</b>", "&amp;", "&#x3C;", "javascript:alert(1)", "${7*7}", "{{7*7}}",
    "'; DROP TABLE x; --", '"); __import__("os"); ("', "%3Cscript%3E", "\\u003c",
    "`+alert(1)+`", "<!--", "]]>",
)  # fmt: skip
# Characters without a glyph: a sentence of these alone has no token.
WHITESPACE = (" ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2003", "\u2028", "\x0b", "\x0c")
INVISIBLE = (
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f", "\u202e",
    "\u2066", "\u2069", "\u00ad", "\u2061", "\ufe0f", "\u034f", "\U000e0041",
)  # fmt: skip
CONTROL = ("\x00", "\x01", "\x07", "\x08", "\x1b", "\x1b[31m", "\x7f", "\x85", "\x9b")

RANGES = {
    "step": (1, 5), "query": (0, 15), "d-model": (2, 16), "d-k": (1, 16),
    "heads": (1, 4), "head": (1, 4), "temperature": (0.1, 10.0),
}  # fmt: skip
SWITCHES = ("scaled", "causal", "positional")
PRESETS = ("classic", "pronoun", "random")
PANELS = ("matrix-panel", "code-panel", "lesson-panel", "settings-panel", "table-panel")
KEYS = ("[", "]", ",", ".", "ArrowRight", "ArrowLeft", "ArrowUp", "Home", "End", "Enter", " ", "Escape", "a")
KEY_TARGETS = ("body", "canvas", "sentence", "step", "seed", "play")

GOOD_URL_VALUES = {
    "preset": lambda r: r.choice(PRESETS + ("Pronoun", " random ")),
    "step": lambda r: str(r.randint(1, 5)),
    "d_model": lambda r: str(r.randint(2, 16)),
    "d_k": lambda r: str(r.randint(1, 16)),
    "heads": lambda r: str(r.randint(1, 4)),
    "head": lambda r: "0",
    "query": lambda r: "0",
    "scaled": lambda r: r.choice(("0", "1", "true", "off", "YES")),
    "causal": lambda r: r.choice(("0", "1", "on", "false")),
    "positional": lambda r: r.choice(("0", "1", "no")),
    "temperature": lambda r: r.choice(("0.1", "10", "1", "2.5", "+3", ".5", "1e0", f"{r.uniform(0.1, 10):.3f}")),
    "seed": lambda r: str(r.choice((0, 1, 2**31 - 1, r.randrange(2**31)))),
}
BAD_URL_VALUES = {
    "preset": ("bogus", "<script>", "", "classic2", "%00"),
    "step": ("0", "6", "-1", "1e3", "NaN", "9" * 40, "1.5", "three", "", " ", "0x2", "٣"),
    "d_model": ("1", "17", "999999999999999999999", "-0x10", "4.0", "1e400"),
    "d_k": ("0", "17", "banana", "16.5"),
    "heads": ("0", "5", "-3", "2e0"),
    "head": ("7", "-1", "x", "99999999999999"),
    "query": ("99", "-1", "zzqx-no-token", "1.5", "9" * 30),
    "scaled": ("2", "maybe", "", "-1"),
    "causal": ("yes please", "10"),
    "positional": ("null",),
    "temperature": ("0", "0.01", "11", "1e309", "inf", "-inf", "NaN", "1e-400", "0x10", "1,5", "9" * 70, "-2"),
    "seed": ("-1", "2147483648", "1e3", "9" * 30, "0.5", "seed"),
    "sentence": ("", "%20%20", "%E2%80%8B", "%00%01", "%E2%80%8D%C2%AD"),
}
URL_KEYS = set(GOOD_URL_VALUES) | set(BAD_URL_VALUES)
# Raw parts of a query string or fragment: "good" ones apply, "bad" ones must be
# reported, and "unknown" keys must be reported in the fragment only.
RAW_URL_PARTS = (
    ("%", "unknown"), ("%%", "unknown"), ("%ZZ=1", "unknown"), ("%E0%A4%A", "unknown"),
    ("%FF%FE=%C0%AF", "unknown"), ("=", "unknown"), ("==", "unknown"), ("=&&=", "unknown"),
    ("colour=red", "unknown"), ("__proto__=1", "unknown"), ("constructor=x", "unknown"),
    ("step=%ZZ", "bad"), ("step==3", "bad"), ("step", "bad"), ("d_k=%", "bad"),
    ("sentence=%ED%A0%80", "good"), ("STEP=3", "good"), ("Step=%33", "good"),
    ("+step=2", "good"), ("&&&", "good"), ("d_model=%31%36", "good"),
    ("temperature=1%2E5", "good"),
)  # fmt: skip

CHECK_STATE_JS = """() => {
  const canvas = document.getElementById('canvas');
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  const colours = new Set();
  for (let i = 0; i < data.length; i += 4 * 13) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  const value = (id) => document.getElementById(id).value;
  const checked = (id) => document.getElementById(id).checked;
  const drawn = window.fuzzRecord.drawn;
  // "−∞" is the text of a masked score, alone in its cell or in "(−∞)" in a caption.
  const suspicious = drawn.filter((text) => text !== '−∞' && /nan|inf|∞/i.test(text.replaceAll('(−∞)', '')));
  return {
    ready: document.documentElement.dataset.ready,
    colours: colours.size,
    drawnCount: drawn.length,
    suspicious: suspicious.slice(0, 10),
    state: attentionSim.pyodide.runPython(
      'import attention_sim.browser as b, attention_sim.export as e\\ne.export_json(b._app.model)'),
    hash: location.hash,
    search: location.search,
    tables: document.getElementById('table-panel').open
      ? Array.from(document.querySelectorAll('#tables table')).map((table) => ({
          caption: table.caption.textContent,
          rows: Array.from(table.tBodies[0].rows).map((row) => Array.from(row.cells).map((cell) => cell.textContent)),
        }))
      : null,
    controls: {
      step: value('step'), query: value('query'), queryMax: document.getElementById('query').max,
      dModel: value('d-model'), dK: value('d-k'), heads: value('heads'), head: value('head'),
      temperature: value('temperature'), preset: value('preset'), seed: value('seed'),
      scaled: checked('scaled'), causal: checked('causal'), positional: checked('positional'),
    },
  };
}"""

URL_WRITTEN_JS = """() => attentionSim.pyodide.runPython(
  'import attention_sim.browser as b\\nb._app.url_timer is None')"""

# Installed before the page's scripts: records the text drawn on any canvas and
# defines the action runner.
FUZZ_INIT_JS = r"""
window.fuzzRecord = { drawn: [] };
const fuzzFillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
  window.fuzzRecord.drawn.push(String(text));
  return fuzzFillText.call(this, text, ...rest);
};
window.fuzzRun = async (actions) => {
  const byId = (id) => document.getElementById(id);
  const fire = (element, type) => element.dispatchEvent(new Event(type, { bubbles: true }));
  const withSurrogates = (text) => text.replaceAll('\ue0ff', '\ud800').replaceAll('\ue0fe', '\udc00');
  window.fuzzRecord.drawn = [];
  const results = [];
  for (const [kind, target, value] of actions) {
    let applied = true;
    if (kind === 'range' || kind === 'text') {
      const element = byId(target);
      if (element.disabled) applied = false;
      else {
        element.value = withSurrogates(value);
        fire(element, 'input');
      }
    } else if (kind === 'seed') {
      const element = byId('seed');
      element.value = value;
      fire(element, 'input');
      fire(element, 'change');
    } else if (kind === 'switch') {
      byId(target).click();
    } else if (kind === 'select') {
      byId(target).value = value;
      fire(byId(target), 'change');
    } else if (kind === 'click') {
      if (byId(target).disabled) applied = false;
      else byId(target).click();
    } else if (kind === 'toggle') {
      const panel = byId(target);
      if (!panel) applied = false;
      else {
        const toggled = new Promise((resolve) => panel.addEventListener('toggle', resolve, { once: true }));
        panel.open = !panel.open;
        await toggled;
      }
    } else if (kind === 'key') {
      const element = target === 'body' ? document.body : byId(target);
      element.focus();
      element.dispatchEvent(new KeyboardEvent('keydown', { key: value, bubbles: true, cancelable: true }));
    } else if (kind === 'hash') {
      const before = location.href;
      const changed = new Promise((resolve) => {
        window.addEventListener('hashchange', () => resolve(true), { once: true });
        setTimeout(() => resolve(false), 5000);
      });
      location.hash = value;
      if (location.href === before) applied = false;
      else if (!(await changed)) throw new Error(`no hashchange after location.hash = ${value}`);
    } else {
      throw new Error(`unknown fuzz action ${kind}`);
    }
    const notice = byId('notice');
    results.push({
      applied,
      notice: notice.textContent,
      noticeVisible: notice.offsetParent !== null && notice.getClientRects().length > 0,
    });
  }
  return results;
};
"""


@dataclass
class Action:
    kind: str
    target: str = ""
    value: str = ""
    rejected: str = ""  # what the notice must mention when the page rejects this input
    fragment_parts: list = field(default_factory=list)

    def as_list(self) -> list:
        return [self.kind, self.target, self.value]

    def describe(self) -> str:
        value = self.value
        shown = value if len(value) <= 120 else f"{value[:60]!r}…({len(value)} characters)"
        return f"{self.kind} {self.target} {shown!r}" + (f" [rejects {self.rejected}]" if self.rejected else "")


def sanitize(text: str) -> str:
    """Remove the letters of "nan" and "inf" and the sign ∞, which the check looks for."""
    while True:
        cleaned = re.sub(r"(?i)nan|inf|∞", "x", text)
        if cleaned == text:
            return text
        text = cleaned


def is_invisible(char: str) -> bool:
    """True for characters that draw nothing by themselves: spaces, controls, marks, formats."""
    if char in (HIGH_SURROGATE, LOW_SURROGATE):
        return False  # they become U+FFFD, which is drawn
    return char.isspace() or unicodedata.category(char)[0] in ("C", "M", "Z")


def has_visible_character(text: str) -> bool:
    return any(not is_invisible(char) for char in text)


def combining_word(r: random.Random) -> str:
    base = r.choice("aeoZxgé")
    marks = "".join(chr(r.randint(0x300, 0x36F)) for _ in range(r.randint(1, 25)))
    return base + marks


def piece(r: random.Random) -> str:
    kind = r.random()
    if kind < 0.25:
        return r.choice(WORDS)
    if kind < 0.35:
        return r.choice(EMOJI)
    if kind < 0.45:
        return r.choice(CJK)
    if kind < 0.55:
        return r.choice(RIGHT_TO_LEFT)
    if kind < 0.63:
        return combining_word(r)
    if kind < 0.73:
        return r.choice(MARKUP)
    if kind < 0.81:
        return r.choice(INVISIBLE)
    if kind < 0.87:
        return r.choice(CONTROL)
    if kind < 0.9:
        return r.choice((HIGH_SURROGATE, LOW_SURROGATE, HIGH_SURROGATE + "x"))
    return r.choice(WHITESPACE)


def sentence(r: random.Random) -> str:
    kind = r.random()
    if kind < 0.1:
        return r.choice(("", " ", "   \t\n"))
    if kind < 0.2:  # nothing visible
        return "".join(r.choice(WHITESPACE + INVISIBLE + CONTROL) for _ in range(r.randint(1, 12)))
    if kind < 0.26:  # 10,000 characters
        fill = r.choice(("a", "👍🏽", "我", "ש", "<b>", "w ", "e\u0301", "\u200b", "x\u200d"))
        return sanitize((fill * 10_000)[:10_000])
    if kind < 0.3:
        return sanitize(" ".join(piece(r) for _ in range(r.randint(17, 60))))
    parts = [piece(r) for _ in range(r.randint(1, 12))]
    joiner = r.choice((" ", " ", "", "\u200b", ", "))
    return sanitize(joiner.join(parts))


def range_value(r: random.Random, name: str) -> str:
    low, high = RANGES[name]
    kind = r.random()
    if kind < 0.8:
        if name == "temperature":
            return f"{r.uniform(low, high):.1f}"
        return str(r.randint(low, high))
    # Out of range or malformed: the browser clamps or resets a range input.
    return r.choice(("-5", "999", "1e9", "abc", "", "NaN", "3.7", "-0", "Infinity"))


def seed_value(r: random.Random) -> tuple:
    """Return (text typed into the Seed field, True if the page must reject it)."""
    kind = r.random()
    if kind < 0.5:
        return str(r.choice((0, 7, 2**31 - 1, r.randrange(2**31)))), False
    text = r.choice(("", "-1", "2147483648", "1.5", "1e5", "9" * 25, "abc", " 12", "0x10", "١٢"))
    return text, True


def url_pair(r: random.Random, source: str) -> tuple:
    """Return (raw "key=value" text, True if the page must report it)."""
    kind = r.random()
    if kind < 0.45:
        key = r.choice(list(GOOD_URL_VALUES))
        return f"{key}={quote(GOOD_URL_VALUES[key](r), safe='')}", False
    if kind < 0.55:
        text = sentence(r)
        text = text.replace(HIGH_SURROGATE, "").replace(LOW_SURROGATE, "")
        bad = not has_visible_character(text)
        return f"sentence={quote(text, safe='')}", bad
    if kind < 0.8:
        key = r.choice(list(BAD_URL_VALUES))
        value = r.choice(BAD_URL_VALUES[key])
        encoded = value if "%" in value else quote(value, safe="")
        return f"{key}={encoded}", True
    part, kind = r.choice(RAW_URL_PARTS)
    return part, kind == "bad" or (kind == "unknown" and source == "fragment")


def url_state(r: random.Random, source: str) -> tuple:
    """Return (query string or fragment without its "?" or "#", True if any part is bad)."""
    parts = []
    bad = False
    seen = set()
    for _ in range(r.randint(0, 6)):
        if parts and r.random() < 0.1:  # a repeated key
            part = parts[-1]
        else:
            part, part_bad = url_pair(r, source)
            bad = bad or part_bad
        for pair in part.split("&"):
            key = unquote_plus(pair.partition("=")[0]).strip().lower()
            if key in URL_KEYS and "=" in pair:
                bad = bad or key in seen  # the page reports a repeated key
                seen.add(key)
        parts.append(part)
    return "&".join(parts), bad


def random_action(r: random.Random) -> Action:
    kind = r.random()
    if kind < 0.3:
        name = r.choice(list(RANGES))
        return Action("range", name, range_value(r, name))
    if kind < 0.4:
        return Action("switch", r.choice(SWITCHES))
    if kind < 0.44:
        return Action("select", "preset", r.choice(PRESETS))
    if kind < 0.62:
        text = sentence(r)
        return Action("text", "sentence", text, rejected="" if has_visible_character(text) else "sentence")
    if kind < 0.68:
        text, bad = seed_value(r)
        return Action("seed", "seed", text, rejected="seed" if bad else "")
    if kind < 0.7:
        return Action("click", r.choice(("new-weights", "play", "play")))
    if kind < 0.78:
        return Action("key", r.choice(KEY_TARGETS), r.choice(KEYS))
    if kind < 0.82:
        return Action("toggle", r.choice(PANELS))
    fragment, bad = url_state(r, "fragment")
    return Action("hash", "", fragment, rejected="Ignored" if bad else "")


def matrix(state: dict, name: str, rows: int, cols: int, problems: list, allow_none=False) -> np.ndarray:
    values = state[name]
    if len(values) != rows or any(len(row) != cols for row in values):
        problems.append(f"{name} is not {rows} × {cols}")
        return np.zeros((rows, cols))
    array = np.array([[math.nan if v is None else v for v in row] for row in values], dtype=float)
    if not allow_none and not np.isfinite(array).all():
        problems.append(f"{name} has entries that are not finite numbers")
    return array


def state_problems(state: dict) -> list:
    """Return what is wrong with an exported state, checked from its numbers."""
    problems = []
    tokens = state["tokens"]
    n = len(tokens)
    if not 1 <= n <= MAX_TOKENS:
        return [f"{n} tokens"]
    if not all(token and has_visible_character(token.replace("\ufffd", "x")) for token in tokens):
        problems.append(f"a token draws nothing: {tokens!r}")
    checks = {
        "step": 1 <= state["step"] <= 5,
        "query": 0 <= state["query"] < n,
        "d_model": 2 <= state["d_model"] <= 16,
        "d_k": 1 <= state["d_k"] <= 16,
        "heads": 1 <= state["heads"] <= 4,
        "head": 0 <= state["head"] < state["heads"],
        "temperature": math.isfinite(state["temperature"]) and 0.1 <= state["temperature"] <= 10,
        "seed": 0 <= state["seed"] <= 2**31 - 1,
    }
    problems += [f"{key} {state[key]!r} is out of range" for key, ok in checks.items() if not ok]
    if problems:
        return problems
    d_model, d_k, heads = state["d_model"], state["d_k"], state["heads"]
    matrix(state, "X", n, d_model, problems)
    for name in ("W_Q", "W_K", "W_V"):
        matrix(state, name, d_model, heads * d_k, problems)
    V = matrix(state, "V", n, d_k, problems)
    scores = matrix(state, "scores", n, n, problems, allow_none=True)
    weights = matrix(state, "weights", n, n, problems)
    output = matrix(state, "output", n, d_k, problems)
    if problems:
        return problems
    mask = np.tril(np.ones((n, n), dtype=bool)) if state["causal"] else np.ones((n, n), dtype=bool)
    if not np.array_equal(np.isfinite(scores), mask):
        problems.append("scores are null exactly where the mask hides a key: not so")
    if not (weights[~mask] == 0).all():
        problems.append("masked weights are not 0")
    if (weights < 0).any() or not np.allclose(weights.sum(axis=1), 1, rtol=0, atol=1e-9):
        problems.append(f"weight rows do not sum to 1: {weights.sum(axis=1)}")
    if not np.allclose(output, weights @ V, rtol=1e-9, atol=1e-9):
        problems.append("output is not weights · V")
    return problems


def controls_problems(state: dict, controls: dict) -> list:
    """Return the controls that do not show the exported state."""
    expected = {
        "step": str(state["step"]), "query": str(state["query"]),
        "queryMax": str(len(state["tokens"]) - 1), "dModel": str(state["d_model"]),
        "dK": str(state["d_k"]), "heads": str(state["heads"]), "head": str(state["head"] + 1),
        "preset": state["preset"], "seed": str(state["seed"]), "scaled": state["scaled"],
        "causal": state["causal"], "positional": state["positional_encoding"],
    }  # fmt: skip
    problems = [
        f"control {key} shows {controls[key]!r}, the state is {value!r}"
        for key, value in expected.items()
        if controls[key] != value
    ]
    if not math.isclose(float(controls["temperature"]), state["temperature"], abs_tol=1e-9):
        problems.append(f"temperature shows {controls['temperature']}, the state is {state['temperature']}")
    return problems


def cells_match(shown: str, expected: str) -> bool:
    """Equal texts, or numbers one unit of their last decimal apart.

    numpy 1.17 in the page and a current numpy here may differ in the last bits of a
    matrix product, which can round a cell such as 1.915 either way.
    """
    if shown == expected:
        return True
    number = re.compile(r"−?[0-9]+\.([0-9]+)%?")
    first, second = number.fullmatch(shown), number.fullmatch(expected)
    if not first or not second:
        return False
    unit = 10.0 ** -len(second.group(1))
    value = lambda text: float(text.replace("−", "-").rstrip("%"))  # noqa: E731
    return abs(value(shown) - value(expected)) <= 1.01 * unit


def first_table_difference(shown: list, expected: list) -> str:
    """Return where the shown tables differ from the expected ones, or ""."""
    if len(shown) != len(expected):
        return f"{len(shown)} tables shown, {len(expected)} expected"
    for index, (table, wanted) in enumerate(zip(shown, expected)):
        if table["caption"] != wanted["caption"]:
            return f"table {index}: caption {table['caption']!r}, expected {wanted['caption']!r}"
        if len(table["rows"]) != len(wanted["rows"]):
            return f"table {index}: {len(table['rows'])} rows, expected {len(wanted['rows'])}"
        for row, wanted_row in zip(table["rows"], wanted["rows"]):
            same = len(row) == len(wanted_row) and all(map(cells_match, row, wanted_row))
            if not same:
                return f"table {index}: row {row!r}, expected {wanted_row!r}"
    return ""


def check_page(page, results: list, actions: list) -> list:
    """Return every problem of the page after a sequence of actions."""
    problems = []
    for action, result in zip(actions, results):
        if action.rejected and result["applied"]:
            notice = result["notice"]
            if not result["noticeVisible"] or action.rejected.lower() not in notice.lower():
                problems.append(f"no notice about the {action.rejected} after {action.describe()}: {notice!r}")
    # The page writes the URL at most every 250 ms; wait for a deferred write.
    try:
        page.wait_for_function(URL_WRITTEN_JS, timeout=5000)
        found = page.evaluate(CHECK_STATE_JS)
    except PlaywrightError as error:
        return problems + [f"the page could not be read: {error}"]
    if found["ready"] != "true":
        problems.append(f"data-ready is {found['ready']!r}")
    if found["colours"] < 8:
        problems.append(f"the canvas is blank: {found['colours']} colours")
    if found["suspicious"]:
        problems.append(f"drawn text that is not a number: {found['suspicious']}")
    state = json.loads(found["state"])
    problems += state_problems(state)
    problems += controls_problems(state, found["controls"])
    if problems:
        return problems

    settings = settings_of(state)
    model = build(settings)
    if model.settings != settings:
        problems.append(f"the state is not valid: CPython validates it to {model.settings}")
    if state["tokens"] != model.tokens:
        problems.append(f"tokens {state['tokens']!r}, CPython makes {model.tokens!r}")
    elif not np.allclose(np.array(state["weights"]), model.head.weights, rtol=0, atol=1e-12):
        problems.append("weights differ from CPython's")
    if found["tables"] is not None:
        expected = [
            {"caption": table.caption, "rows": [[header] + cells for header, cells in zip(table.row_headers, table.rows)]}
            for table in step_tables(model)
        ]
        difference = first_table_difference(found["tables"], expected)
        if difference:
            problems.append(f"the Tables panel differs from CPython's tables: {difference}")
    described, _ = parse_state(found["search"], found["hash"])
    if described != settings:
        problems.append(f"the URL {found['search']}{found['hash'][:200]} describes {described}, the page shows {settings}")
    return problems


def open_fuzzed(page, server, r: random.Random, load: int) -> tuple:
    """Load the page with a random query string and fragment; return the actions it counts as."""
    search, search_bad = url_state(r, "search")
    fragment, fragment_bad = url_state(r, "fragment")
    # The "fuzz" key makes every load a new document, even when the fragment repeats.
    url = server.url() + f"?fuzz={load}"
    if search:
        url += f"&{search}"
    if fragment:
        url += f"#{fragment}"
    page.goto(url)
    wait_ready(page)
    action = Action("load", "", url[len(server.url()) :], rejected="Ignored" if search_bad or fragment_bad else "")
    notice = page.evaluate(
        "() => { const n = document.getElementById('notice'); return {applied: true, notice: n.textContent, noticeVisible: n.offsetParent !== null}; }"
    )
    return action, notice


def test_fuzz_controls_sentences_and_urls(page, server):
    r = random.Random(SEED)
    page.add_init_script(FUZZ_INIT_JS)
    history = []
    load = 0
    for index in range(SEQUENCES):
        if index % RELOAD_EVERY == 0:
            load += 1
            action, result = open_fuzzed(page, server, r, load)
            history = [[action]]
            results = [result]
            problems = check_page(page, results, [action])
        else:
            actions = [random_action(r) for _ in range(r.randint(1, MAX_ACTIONS))]
            history.append(actions)
            results = page.evaluate("(actions) => fuzzRun(actions)", [a.as_list() for a in actions])
            problems = check_page(page, results, actions)
        if page.errors:
            problems.append(f"errors in the page: {page.errors[:3]}")
        if problems:
            report_failure(page, index, history, problems)


def report_failure(page, index: int, history: list, problems: list) -> None:
    save_artifact("fuzz-failure.png", page.screenshot(full_page=True))
    record = {
        "seed": SEED,
        "sequence": index,
        "problems": problems,
        "since_last_load": [[action.__dict__ for action in actions] for actions in history],
    }
    path = save_artifact("fuzz-failure.json", json.dumps(record, ensure_ascii=False, indent=1).encode())
    lines = [f"fuzz sequence {index} failed (FUZZ_SEED={SEED} replays it; full record in {path}):"]
    lines += [f"  problem: {problem}" for problem in problems]
    lines.append("  actions since the last page load, the failing sequence last:")
    for number, actions in enumerate(history):
        lines.append(f"    {number}: " + " | ".join(action.describe() for action in actions))
    raise AssertionError("\n".join(lines))

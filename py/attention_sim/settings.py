"""The settings a reader can change, validated in one place, and the changes to them.

Every control of the page maps to one function here that returns new settings, so
the rules (what a preset resets, what an empty sentence keeps) are tested without a
browser.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields, replace

from .examples import DEFAULT_PRESET, PRESETS
from .tokens import MAX_TOKENS, tokenize

STEP_NAMES = ("Input", "Project Q, K, V", "Compute scores", "Softmax", "Weighted sum")
STEP_COUNT = len(STEP_NAMES)
D_MODEL_RANGE = (2, 16)
D_K_RANGE = (1, 16)
HEADS_RANGE = (1, 4)
TEMPERATURE_RANGE = (0.1, 10.0)
SEED_RANGE = (0, 2**31 - 1)
# In a str that came from JavaScript, half of a UTF-16 pair stays a lone code point.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Settings:
    preset: str = DEFAULT_PRESET  # name of an entry in examples.PRESETS
    sentence: str = PRESETS[DEFAULT_PRESET]["sentence"]
    step: int = 1  # 1 Input .. 5 Weighted sum
    query: int = 0  # 0-based index of the query token
    d_model: int = 4  # embedding width
    d_k: int = 2  # width of each head's queries, keys and values
    heads: int = 1
    head: int = 0  # 0-based index of the head on view
    scaled: bool = True  # divide scores by √d_k
    causal: bool = False  # mask keys after the query
    temperature: float = 1.0  # softmax(scores / temperature)
    positional: bool = False  # add the sinusoidal positional encoding to X
    seed: int = 0  # seed of random weights

    @property
    def step_name(self) -> str:
        return STEP_NAMES[self.step - 1]


FIELD_NAMES = tuple(field.name for field in fields(Settings))


def preset_settings(name: str) -> Settings:
    """Return the default settings of the named preset."""
    preset = PRESETS[name]
    return Settings(
        preset=name,
        sentence=preset["sentence"],
        query=preset["query"],
        d_model=preset["d_model"],
        d_k=preset["d_k"],
        heads=preset["heads"],
    )


def _clamp_int(name: str, value, low: int, high: int, notices: list) -> int:
    number = int(value)
    fixed = min(max(number, low), high)
    if number != fixed:
        notices.append(f"{name} {number} is outside {low} to {high}; using {fixed}.")
    return fixed


def validate(settings: Settings, token_count: int) -> tuple:
    """Return (settings clamped into their ranges, notices about what changed).

    token_count is the number of tokens shown, which bounds the query index.
    """
    notices = []
    preset = settings.preset
    if preset not in PRESETS:
        notices.append(f"Unknown preset {preset!r}; using {DEFAULT_PRESET!r}.")
        preset = DEFAULT_PRESET
    temperature = float(settings.temperature)
    low, high = TEMPERATURE_RANGE
    if not math.isfinite(temperature) or temperature < low or temperature > high:
        fixed = 1.0 if not math.isfinite(temperature) else min(max(temperature, low), high)
        notices.append(f"temperature {temperature} is outside {low} to {high}; using {fixed}.")
        temperature = fixed
    heads = _clamp_int("heads", settings.heads, *HEADS_RANGE, notices)
    checked = replace(
        settings,
        preset=preset,
        step=_clamp_int("step", settings.step, 1, STEP_COUNT, notices),
        query=_clamp_int("query", settings.query, 0, max(token_count - 1, 0), notices),
        d_model=_clamp_int("d_model", settings.d_model, *D_MODEL_RANGE, notices),
        d_k=_clamp_int("d_k", settings.d_k, *D_K_RANGE, notices),
        heads=heads,
        head=_clamp_int("head", settings.head, 0, heads - 1, notices),
        scaled=bool(settings.scaled),
        causal=bool(settings.causal),
        temperature=temperature,
        positional=bool(settings.positional),
        seed=_clamp_int("seed", settings.seed, *SEED_RANGE, notices),
    )
    return checked, notices


def shown_token_count(sentence: str) -> int:
    return min(len(tokenize(sentence)), MAX_TOKENS)


def with_sentence(settings: Settings, text: str) -> tuple:
    """Return (settings with the new sentence, notice or None), or (settings, reason) to keep.

    A text without any token keeps the last valid sentence. The query stays on its
    position unless the new sentence is shorter, then it moves to the last token.
    Unpaired UTF-16 surrogates, which a script or a broken paste can leave in a text
    field and which no Unicode encoding can store, become U+FFFD, with a notice.
    """
    cleaned = LONE_SURROGATE.sub("\ufffd", text)
    count = shown_token_count(cleaned)
    if count == 0:
        kind = "empty" if not text else "only spaces or invisible characters"
        return settings, f"The sentence is {kind}; keeping the last one with tokens."
    notice = None
    if cleaned != text:
        replaced = len(LONE_SURROGATE.findall(text))
        notice = (
            f"The sentence has {replaced} invalid character{'s' if replaced > 1 else ''} "
            "(unpaired UTF-16 surrogates), shown as \ufffd."
        )
    return replace(settings, sentence=cleaned, query=min(settings.query, count - 1)), notice


def with_preset(settings: Settings, name: str) -> Settings:
    """Return the preset's sentence, dimensions and query, keeping the other settings.

    Step, scaling, mask, temperature, positional encoding and seed stay as they are,
    so a reader can compare presets under the same conditions.
    """
    chosen = preset_settings(name)
    return replace(
        chosen,
        step=settings.step,
        scaled=settings.scaled,
        causal=settings.causal,
        temperature=settings.temperature,
        positional=settings.positional,
        seed=settings.seed,
    )


def with_heads(settings: Settings, heads: int) -> Settings:
    """Return settings with `heads` heads, keeping the head on view if it still exists."""
    return replace(settings, heads=heads, head=min(settings.head, heads - 1))


def with_seed(settings: Settings, seed: int) -> Settings:
    """Return settings with weights from `seed`.

    A preset with weights of its own ignores the seed while its dimensions apply, so
    choosing a seed switches to the "random" preset, keeping the sentence, the
    dimensions and the query.
    """
    preset = settings.preset
    if PRESETS.get(preset, {}).get("W_Q") is not None:
        preset = "random"
    return replace(settings, preset=preset, seed=seed)


def next_seed(seed: int, draw: float) -> int:
    """Return a seed for "New weights" from a uniform draw in [0, 1), never `seed`.

    Seeds stay below 100000 so that they are easy to read and share in a link.
    """
    candidate = int(draw * 100000) % 100000
    if candidate == seed:
        candidate = (candidate + 1) % 100000
    return candidate

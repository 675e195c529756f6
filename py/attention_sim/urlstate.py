"""Settings in the page's URL, so that a link restores a state exactly.

The fragment holds `key=value` pairs joined by `&`, for example
`#preset=pronoun&step=4&causal=1&query=it`. Only values that differ from the
preset's defaults are written. `query` is a 0-based index or a token's text
(written as text when that token occurs once and does not look like a number);
`head` is 0-based like the exported JSON; booleans are 1 or 0.

The query string (`?step=4`) is read too, with the fragment taking precedence. In
the query string, keys that are not settings are left alone (a host may add its
own); in the fragment they are reported. A value that is unknown, malformed, out of
range or repeated is ignored, the preset's default stays, and the value is listed.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from urllib.parse import quote, unquote_plus

from .examples import DEFAULT_PRESET, PRESETS
from .settings import (
    D_K_RANGE,
    D_MODEL_RANGE,
    HEADS_RANGE,
    SEED_RANGE,
    STEP_COUNT,
    TEMPERATURE_RANGE,
    Settings,
    preset_settings,
    shown_token_count,
)
from .tokens import MAX_TOKENS, tokenize

KEYS = (
    "preset", "sentence", "step", "query", "d_model", "d_k", "heads", "head",
    "scaled", "causal", "temperature", "positional", "seed",
)  # fmt: skip
INT_RANGES = {
    "step": (1, STEP_COUNT),
    "d_model": D_MODEL_RANGE,
    "d_k": D_K_RANGE,
    "heads": HEADS_RANGE,
    "seed": SEED_RANGE,
}
BOOLEANS = {"1": True, "true": True, "on": True, "yes": True,
            "0": False, "false": False, "off": False, "no": False}  # fmt: skip
INT_PATTERN = re.compile(r"^[+-]?[0-9]{1,12}$")
FLOAT_PATTERN = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$")
MAX_VALUE_CHARS = 64  # longer numbers or names are malformed; a sentence may be longer
MAX_SHOWN_CHARS = 24  # of a value quoted in the notice


def split_pairs(text: str) -> list:
    """Return the (key, value) pairs of a query string or fragment, in order.

    A pair without "=" gets the value None. Keys are lower-cased; "+" is a space.
    """
    text = text.lstrip("#?")
    pairs = []
    for part in text.split("&"):
        if not part:
            continue
        key, equals, value = part.partition("=")
        pairs.append((decode_key(key), unquote_plus(value) if equals else None))
    return pairs


def decode_key(text: str) -> str:
    """Return a key decoded and lower-cased. If its %-escapes are not UTF-8, return it
    undecoded (still lower-cased): such a key is never a setting, and the notice then
    shows it close to how the reader wrote it.
    """
    try:
        return unquote_plus(text, errors="strict").strip().lower()
    except UnicodeDecodeError:
        return text.strip().lower()


def describe(key: str, value, reason: str) -> str:
    if value is None:
        return f"{key} ({reason})"
    shown = value if len(value) <= MAX_SHOWN_CHARS else value[:MAX_SHOWN_CHARS] + "…"
    return f"{key}={shown} ({reason})"


def parse_int(key: str, value: str):
    """Return (number, None) or (None, reason) for an integer setting."""
    if not INT_PATTERN.match(value.strip()):
        return None, "not a whole number"
    number = int(value)
    low, high = INT_RANGES[key]
    if not low <= number <= high:
        return None, f"not {low} to {high}"
    return number, None


def parse_float(value: str):
    if len(value) > MAX_VALUE_CHARS or not FLOAT_PATTERN.match(value.strip()):
        return None, "not a number"
    number = float(value)
    low, high = TEMPERATURE_RANGE
    if not math.isfinite(number) or not low <= number <= high:
        return None, f"not {low:g} to {high:g}"
    return number, None


def parse_bool(value: str):
    flag = BOOLEANS.get(value.strip().lower())
    if flag is None:
        return None, "not 1 or 0"
    return flag, None


def find_query(value: str, tokens: list):
    """Return (index, None) for an index or a token text, or (None, reason)."""
    text = value.strip()
    if INT_PATTERN.match(text):
        index = int(text)
        if not 0 <= index < len(tokens):
            return None, f"not 0 to {len(tokens) - 1}"
        return index, None
    for candidates in (tokens, [token.casefold() for token in tokens]):
        wanted = text if candidates is tokens else text.casefold()
        if wanted in candidates:
            return candidates.index(wanted), None
    return None, "no such token"


def parse_state(search: str = "", fragment: str = "") -> tuple:
    """Return (settings, ignored) for a URL's query string and fragment.

    ignored lists each value that was not used, as "key=value (reason)".
    """
    ignored = []
    values = {}
    for source, text in (("search", search), ("fragment", fragment)):
        seen = set()  # a fragment's value replaces the query string's silently
        for key, value in split_pairs(text):
            if key not in KEYS:
                if source == "fragment":
                    ignored.append(describe(key, value, "unknown setting"))
                continue
            if value is None:
                ignored.append(describe(key, value, "no value"))
                continue
            if key in seen:
                ignored.append(describe(key, values[key], "repeated, using the later value"))
            seen.add(key)
            values[key] = value

    settings = Settings()
    preset = values.pop("preset", None)
    if preset is not None:
        if preset.strip().lower() in PRESETS:
            settings = preset_settings(preset.strip().lower())
        else:
            ignored.append(describe("preset", preset, "unknown preset"))

    sentence = values.pop("sentence", None)
    if sentence is not None:
        if shown_token_count(sentence):
            settings = replace(settings, sentence=sentence, query=0)
        else:
            ignored.append(describe("sentence", sentence, "no tokens"))

    changes = {}
    for key in ("step", "d_model", "d_k", "heads", "seed"):
        if key in values:
            value = values.pop(key)
            number, reason = parse_int(key, value)
            if reason:
                ignored.append(describe(key, value, reason))
            else:
                changes[key] = number
    for key in ("scaled", "causal", "positional"):
        if key in values:
            value = values.pop(key)
            flag, reason = parse_bool(value)
            if reason:
                ignored.append(describe(key, value, reason))
            else:
                changes[key] = flag
    if "temperature" in values:
        value = values.pop("temperature")
        number, reason = parse_float(value)
        if reason:
            ignored.append(describe("temperature", value, reason))
        else:
            changes["temperature"] = number
    settings = replace(settings, **changes)
    settings = replace(settings, head=min(settings.head, settings.heads - 1))

    if "head" in values:
        value = values.pop("head")
        if INT_PATTERN.match(value.strip()) and 0 <= int(value) < settings.heads:
            settings = replace(settings, head=int(value))
        else:
            ignored.append(describe("head", value, f"not 0 to {settings.heads - 1}"))
    if "query" in values:
        value = values.pop("query")
        tokens = tokenize(settings.sentence)[:MAX_TOKENS]
        index, reason = find_query(value, tokens)
        if reason:
            ignored.append(describe("query", value, reason))
        else:
            settings = replace(settings, query=index)
    return settings, ignored


def query_value(settings: Settings) -> str:
    """Return the query as its token's text when that is unambiguous, else its index."""
    tokens = tokenize(settings.sentence)[:MAX_TOKENS]
    index = settings.query
    if 0 <= index < len(tokens):
        token = tokens[index]
        unique = [t.casefold() for t in tokens].count(token.casefold()) == 1
        if unique and not INT_PATTERN.match(token.strip()) and token == token.strip():
            return token
    return str(index)


def format_state(settings: Settings) -> str:
    """Return the fragment, without "#", that parse_state turns back into settings."""
    name = settings.preset if settings.preset in PRESETS else DEFAULT_PRESET
    base = preset_settings(name)
    pairs = []
    if name != DEFAULT_PRESET:
        pairs.append(("preset", name))
    if settings.sentence != base.sentence:
        pairs.append(("sentence", settings.sentence))
        base = replace(base, query=0)
    for key in KEYS[2:]:
        value = getattr(settings, key)
        if value == getattr(base, key):
            continue
        if key == "query":
            text = query_value(settings)
        elif isinstance(value, bool):
            text = "1" if value else "0"
        elif isinstance(value, float):
            text = repr(value)
        else:
            text = str(value)
        pairs.append((key, text))
    return "&".join(f"{key}={quote(text, safe='')}" for key, text in pairs)


def clean_search(search: str) -> str:
    """Return the query string without settings, so the fragment alone holds them."""
    kept = [part for part in search.lstrip("?").split("&")
            if part and decode_key(part.partition("=")[0]) not in KEYS]
    return "?" + "&".join(kept) if kept else ""

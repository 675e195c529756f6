"""Regression tests for inputs that once broke the page: long, odd or invalid text."""

from __future__ import annotations

import random

from attention_sim.model import build
from attention_sim.settings import Settings
from attention_sim.views import layout
from attention_sim.views import common
from attention_sim.views.common import fit_text, text_width

ODD_CHARACTERS = "ab 我👍🏽\u0301\u200d\u00ad…مx"


def fit_text_by_trimming(text: str, width: float, size: float) -> str:
    """Cut text one character at a time, the plain quadratic way, as a reference."""
    if text_width(text, size) <= width:
        return text
    cut = text
    while cut and text_width(cut + "…", size) > width:
        cut = cut[:-1]
    return cut + "…" if cut else text[:1]


def test_fit_text_matches_trimming():
    generator = random.Random(7)
    for _ in range(2000):
        text = "".join(generator.choice(ODD_CHARACTERS) for _ in range(generator.randrange(0, 30)))
        width = generator.uniform(0, 200)
        size = generator.choice((8, 11, 12, 13))
        assert fit_text(text, width, size) == fit_text_by_trimming(text, width, size), (text, width, size)


def test_fit_text_long_token_in_one_pass(monkeypatch):
    calls = []
    measure = common.char_width
    monkeypatch.setattr(common, "char_width", lambda char: calls.append(char) or measure(char))
    shown = fit_text("a" * 100_000, 80, 11)
    assert shown.endswith("…")
    assert text_width(shown, 11) <= 80
    assert len(calls) <= 2 * 100_000 + 100, f"{len(calls)} character widths for 100000 characters"


def test_layout_of_one_huge_token():
    model = build(Settings(sentence="a" * 10_000))
    assert model.tokens == ["a" * 10_000]
    for step in range(1, 6):
        frame = layout(build(Settings(sentence="a" * 10_000, step=step)), 320, 400)
        drawn = frame.texts()
        assert max(len(text) for text in drawn) < 200, f"step {step} draws the whole token"

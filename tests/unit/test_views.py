"""Layouts of every step stay inside the canvas and show what each step promises."""

from dataclasses import replace

import pytest

from attention_sim.model import build
from attention_sim.settings import Settings
from attention_sim.views import layout
from attention_sim.views.frame import OUTLINE

SENTENCES = {1: "Hello", 4: "The cat sat down", 16: " ".join(f"w{i}" for i in range(16))}
SIZES = ((320, 420), (640, 420), (1200, 420))
SLACK = 2.0  # half of the widest outline


def command_box(command):
    kind = command[0]
    if kind in ("rect", "stroke", "hatch"):
        _, x, y, w, h = command[:5]
        return x, y, x + w, y + h
    if kind == "line":
        _, x1, y1, x2, y2 = command[:5]
        return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)
    if kind == "text":
        _, x, y, _, _, size, align, _, max_width = command
        left = {"left": x, "right": x - max_width, "center": x - max_width / 2}[align]
        return left, y - size / 2, left + max_width, y + size / 2
    raise AssertionError(f"unknown command {kind}")


@pytest.mark.parametrize("tokens", sorted(SENTENCES))
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("step", range(1, 6))
def test_layout_inside_canvas(tokens, size, step):
    width, height = size
    settings = Settings(sentence=SENTENCES[tokens], step=step, query=tokens - 1)
    model = build(settings)
    assert len(model.tokens) == tokens
    frame = layout(model, width, height)
    assert frame.commands, "empty frame"
    for command in frame.commands:
        left, top, right, bottom = command_box(command)
        assert left >= -SLACK and right <= width + SLACK, f"{command} leaves the canvas horizontally"
        assert top >= -SLACK and bottom <= height + SLACK, f"{command} leaves the canvas vertically"
    for region in frame.regions:
        assert region["x"] >= 0 and region["x"] + region["w"] <= width + SLACK, f"region {region}"
        assert region["y"] >= 0 and region["y"] + region["h"] <= height + SLACK, f"region {region}"


def texts(frame):
    return [command[3] for command in frame.commands if command[0] == "text"]


def outlined_rows(frame, matrix):
    return [r["row"] for r in frame.regions if r.get("kind") == "query-row" and r.get("matrix") == matrix]


def test_input_shows_tokens_and_x():
    frame = layout(build(Settings(step=1)), 640, 420)
    shown = texts(frame)
    for token in ("The", "cat", "sat", "down"):
        assert token in shown, f"token {token} missing"
    assert "0.80" in shown and "0.70" in shown, "X values missing"
    assert outlined_rows(frame, "X") == [0]


def test_project_outlines_query_in_qkv():
    frame = layout(build(Settings(step=2, query=2)), 640, 420)
    for name in ("Q", "K", "V"):
        assert outlined_rows(frame, name) == [2], f"{name} outline"
    assert any(t.startswith("Q = X·W_Q") for t in texts(frame))
    assert "0.67" in texts(frame), "q_The[0] = 0.67 missing"


def test_scores_title_and_values():
    frame = layout(build(Settings(step=3)), 640, 420)
    assert any("scores = Q·Kᵀ / √2" in t for t in texts(frame))
    # (0.67·0.70 + 0.46·0.73) / √2 = 0.569
    assert "0.57" in texts(frame)
    unscaled = layout(build(Settings(step=3, scaled=False)), 640, 420)
    assert any("scores = Q·Kᵀ " in t and "√" not in t for t in texts(unscaled))


def test_softmax_shows_row_sums():
    frame = layout(build(Settings(step=4)), 640, 420)
    assert "row Σ" in texts(frame)
    assert texts(frame).count("1.00") >= 4, "every row sum shown as 1.00"


def test_output_bars_in_percent():
    frame = layout(build(Settings(step=5)), 640, 420)
    shown = texts(frame)
    assert "28.0%" in shown, "cat's weight for The is 28.0%"
    assert "0.52" in shown and "0.72" in shown, "output vector [0.52, 0.72]"


def test_causal_mask_drawn_hatched():
    frame = layout(build(Settings(step=3, causal=True)), 640, 420)
    hatches = [c for c in frame.commands if c[0] == "hatch"]
    assert len(hatches) == 6, "4 tokens have 6 masked cells"
    assert texts(frame).count("−∞") == 6


def test_query_outline_color_is_distinct():
    frame = layout(build(Settings(step=4, query=3)), 640, 420)
    outlines = [c for c in frame.commands if c[0] == "stroke" and c[5] == OUTLINE]
    assert len(outlines) == 1
    assert outlined_rows(frame, "weights") == [3]


def test_cell_text_contrast():
    from attention_sim.colors import VIRIDIS, contrast_ratio, hex_color, text_color_on, viridis_rgb, hex_to_rgb

    for k in range(101):
        background = viridis_rgb(k / 100)
        ink = hex_to_rgb(text_color_on(background))
        assert contrast_ratio(background, ink) >= 4.5, f"contrast on {hex_color(background)}"
    assert viridis_rgb(0) == VIRIDIS[0] and viridis_rgb(1) == VIRIDIS[-1]

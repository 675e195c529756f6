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
    if kind == "cells":
        _, left, top, w, h, rows, cols = command[:7]
        return left, top, left + cols * w, top + rows * h
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
    return frame.texts()


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
    hatched = [k for c in frame.commands if c[0] == "cells" for k in c[8]]
    assert sorted(hatched) == [1, 2, 3, 6, 7, 11], "4 tokens have 6 masked cells, above the diagonal"
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


def wcag_luminance(rgb):
    """Compute WCAG 2 relative luminance straight from the definition's formulas."""
    channels = []
    for value in rgb:
        c = value / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def test_luminance_known_values():
    from attention_sim.colors import relative_luminance

    assert relative_luminance((0, 0, 0)) == 0.0
    assert relative_luminance((255, 255, 255)) == pytest.approx(1.0, abs=1e-12)
    assert relative_luminance((128, 128, 128)) == pytest.approx(0.2158605, abs=1e-7)
    assert relative_luminance((255, 0, 0)) == pytest.approx(0.2126, abs=1e-12)


def test_text_color_picks_higher_contrast():
    from attention_sim.colors import text_color_on

    for r in range(0, 256, 15):
        for g in range(0, 256, 15):
            for b in range(0, 256, 51):
                luminance = wcag_luminance((r, g, b))
                on_black = (luminance + 0.05) / 0.05
                on_white = 1.05 / (luminance + 0.05)
                expected = "#000000" if on_black >= on_white else "#ffffff"
                assert text_color_on((r, g, b)) == expected, (r, g, b)


CONFIGS = {
    "wide": dict(d_model=16, d_k=16, heads=4, head=3, causal=True, positional=True),
    "narrow": dict(d_model=2, d_k=1, heads=2, head=1, temperature=0.1),
    "tall-heads": dict(d_model=5, d_k=16, heads=4, scaled=False),
}
ODD_SENTENCES = {
    "cjk": "我们 一起 学习 注意力 机制",
    "emoji": "👍🏽 👨‍👩‍👧 🇫🇷 ok",
    "rtl": "مرحبا بالعالم שלום עולם",
    "long": "x" * 300 + " y",
    "html": '<script>alert("x")</script> <b>bold</b>',
}


def assert_inside(frame, width, height):
    assert frame.commands, "empty frame"
    for command in frame.commands:
        left, top, right, bottom = command_box(command)
        assert left >= -SLACK and right <= width + SLACK, f"{command} leaves the canvas horizontally"
        assert top >= -SLACK and bottom <= height + SLACK, f"{command} leaves the canvas vertically"
    for region in frame.regions:
        assert region["x"] >= -SLACK and region["x"] + region["w"] <= width + SLACK, f"region {region}"
        assert region["y"] >= -SLACK and region["y"] + region["h"] <= height + SLACK, f"region {region}"


@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize("tokens", sorted(SENTENCES))
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("step", range(1, 6))
def test_layout_inside_canvas_any_dimensions(config, tokens, size, step):
    settings = Settings(preset="random", sentence=SENTENCES[tokens], step=step, query=tokens - 1, **CONFIGS[config])
    model = build(settings)
    assert model.settings.d_model == CONFIGS[config]["d_model"]
    assert_inside(layout(model, *size), *size)


@pytest.mark.parametrize("sentence", sorted(ODD_SENTENCES))
@pytest.mark.parametrize("step", range(1, 6))
def test_layout_inside_canvas_odd_text(sentence, step):
    model = build(Settings(preset="random", sentence=ODD_SENTENCES[sentence], step=step))
    for size in ((320, 400), (800, 420)):
        assert_inside(layout(model, *size), *size)


def test_long_token_label_shortened():
    frame = layout(build(Settings(sentence="x" * 300 + " y", step=4)), 640, 420)
    labels = [t for t in texts(frame) if t.startswith("xx")]
    assert labels and all(t.endswith("…") and len(t) < 40 for t in labels)


def test_html_shown_as_literal_text():
    frame = layout(build(Settings(sentence="<b>hi</b> & <i>", step=1)), 640, 420)
    drawn = texts(frame)
    assert drawn[:5] == ["<", "b", ">", "hi", "<"], drawn


def test_many_tokens_wrap_to_two_rows_when_narrow():
    model = build(Settings(sentence=SENTENCES[16], step=1))
    from attention_sim.views.step_input import TOKEN_ROW_HEIGHT

    boxes = lambda frame: [r for r in frame.regions if r["kind"] == "token" and r["h"] == TOKEN_ROW_HEIGHT]  # noqa: E731
    narrow = boxes(layout(model, 320, 420))
    wide = boxes(layout(model, 1200, 420))
    assert len(narrow) == len(wide) == 16
    assert len({r["y"] for r in narrow}) == 2
    assert len({r["y"] for r in wide}) == 1


def test_caption_gets_a_fourth_line_when_narrow():
    from attention_sim.views.common import draw_caption
    from attention_sim.views.frame import Frame

    text = " ".join(["word"] * 80)
    drawn = {}
    for width in (320, 640):
        frame = Frame(width, 420)
        draw_caption(frame, text)
        lines = [c[3] for c in frame.commands if c[0] == "text"]
        drawn[width] = lines
    assert len(drawn[320]) == 4
    assert len(drawn[640]) == 3
    assert drawn[320][-1].endswith(" …")
    assert drawn[640][-1].endswith(" …")


def test_row_labels_are_token_regions():
    frame = layout(build(Settings(step=3)), 640, 420)
    labels = [r for r in frame.regions if r["kind"] == "token"]
    assert sorted(r["row"] for r in labels) == [0, 1, 2, 3]


@pytest.mark.parametrize("heads", [1, 2, 3, 4])
@pytest.mark.parametrize("width", [320, 800, 1200])
@pytest.mark.parametrize("tokens", sorted(SENTENCES))
def test_matrix_view_inside_canvas(heads, width, tokens):
    from attention_sim.views.matrix import layout_matrix, matrix_height

    model = build(Settings(preset="random", sentence=SENTENCES[tokens], heads=heads, query=tokens - 1, causal=True))
    height = matrix_height(width, heads)
    frame = layout_matrix(model, width, height)
    assert_inside(frame, width, height)
    cells = [r for r in frame.regions if r["kind"] == "cell"]
    assert len(cells) == heads * tokens * tokens
    assert sorted({r["head"] for r in cells}) == list(range(heads))
    assert sorted(outlined_rows(frame, "weights")) == [tokens - 1] * heads


def test_matrix_view_veils_other_rows():
    from attention_sim.colors import SCALE_HEX, VEILED_HEX, contrast_ratio, hex_to_rgb
    from attention_sim.views.matrix import layout_matrix

    frame = layout_matrix(build(Settings(query=1, causal=True)), 800, 300)
    (cells,) = [c for c in frame.commands if c[0] == "cells"]
    rows, cols, fills, texts, text_colors = cells[5], cells[6], cells[7], cells[10], cells[11]
    for i in range(rows):
        row_fills = fills[i * cols : (i + 1) * cols]
        visible = row_fills[: i + 1]  # the causal mask hides the rest
        if i == 1:
            assert all(fill in SCALE_HEX for fill in visible), "the query's row is not veiled"
        else:
            assert all(fill in VEILED_HEX for fill in visible), f"row {i} is not veiled"
    for fill, color, text in zip(fills, text_colors, texts):
        ratio = contrast_ratio(hex_to_rgb(fill), hex_to_rgb(color))
        assert ratio >= 4.5, f"{text!r}: {color} on {fill} is {ratio:.2f}:1"


def test_softmax_marks_uniform_and_entropy():
    from attention_sim.settings import preset_settings
    from dataclasses import replace as with_fields

    model = build(with_fields(preset_settings("pronoun"), step=4))
    frame = layout(model, 800, 420)
    shown = texts(frame)
    assert "H bits" in shown
    assert shown.count("uniform") == 6, "six function words and nouns have a zero query"
    assert "3.46" in shown, "log2(11) for a uniform row"
    narrow = texts(layout(model, 320, 420))
    assert narrow.count("=") >= 6
    assert "= uniform  ● one-hot" in narrow


def test_softmax_marks_one_hot_at_low_temperature():
    from attention_sim.settings import preset_settings
    from dataclasses import replace as with_fields

    frame = layout(build(with_fields(preset_settings("pronoun"), step=4, temperature=0.1)), 800, 420)
    assert "one-hot" in texts(frame)


def test_scaling_effect_shown_on_scores_and_softmax():
    scores = texts(layout(build(Settings(step=3)), 800, 420))
    assert any(t.startswith("Spread of the scores") and "0.11" in t and "0.15" in t for t in scores), scores
    softmax = texts(layout(build(Settings(step=4)), 800, 420))
    assert any(t.startswith("Mean entropy per row") for t in softmax)


def test_output_shows_concat_of_heads():
    model = build(Settings(step=5, heads=3, head=1, query=2))
    frame = layout(model, 800, 420)
    concat = [r for r in frame.regions if r.get("matrix") == "concat"]
    assert len(concat) == 6
    assert {r["row"] for r in concat} == {2}
    assert any(t.startswith("concat = [head 1") for t in texts(frame))
    assert "head 3" in texts(frame)
    output = [r for r in frame.regions if r.get("matrix") == "output"]
    assert {r["row"] for r in output} == {2}, "output cells are the query's row"


def test_single_head_has_no_concat():
    frame = layout(build(Settings(step=5)), 800, 420)
    assert not [r for r in frame.regions if r.get("matrix") == "concat"]


def test_positional_encoding_in_input_title():
    assert any("positional encoding" in t for t in texts(layout(build(Settings(positional=True)), 800, 420)))


def test_column_labels_shorten_or_skip():
    from attention_sim.views.heatmap import column_labels

    whole = column_labels(["d0", "d1"], 40)
    assert [text for _, text, _, _ in whole] == ["d0", "d1"]
    names = column_labels(["animate", "adjective", "pronoun"], 36)
    assert all(text.endswith("…") and len(text) >= 4 for _, text, _, _ in names)
    many = column_labels([f"q{j}" for j in range(16)], 10)
    shown = [text for _, text, _, _ in many]
    assert shown[0] == "q0"
    assert 1 < len(shown) < 16
    assert all(align == "left" for _, _, _, align in many)
    assert column_labels([], 10) == []


def test_column_labels_one_long_word():
    from attention_sim.views.heatmap import column_labels

    labels = ["The", "Pneumonoultramicroscopicsilicovolcanoconiosis", "sat", "down"]
    texts = [text for _, text, _, _ in column_labels(labels, 60)]
    assert texts[0] == "The"
    assert texts[1].startswith("Pneumo")
    assert texts[1].endswith("…")
    assert texts[2:] == ["sat", "down"]

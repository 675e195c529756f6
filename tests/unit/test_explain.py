"""Tooltip arithmetic: each explanation shows the model's own numbers, worked out."""

import math
from dataclasses import replace

import numpy as np
import pytest

from attention_sim.explain import explain, num
from attention_sim.model import build
from attention_sim.settings import Settings, preset_settings
from attention_sim.views import layout
from attention_sim.views.matrix import layout_matrix


def cell(matrix, row, col, **extra):
    return {"kind": "cell", "matrix": matrix, "row": row, "col": col, **extra}


def text_of(model, region):
    lines = explain(model, region)
    assert lines, f"no explanation for {region}"
    return "\n".join(lines)


@pytest.mark.parametrize(
    "value, expected",
    [(0.0, "0"), (-0.0, "0"), (0.5, "0.5"), (0.1234, "0.123"), (-2.0, "−2"), (1.0006, "1.001"),
     (float("-inf"), "−∞"), (float("nan"), "NaN"), (3e-5, "3×10^−5"), (2.5e7, "2.5×10^7")],
)  # fmt: skip
def test_num_format(value, expected):
    assert num(value) == expected


def test_score_shows_dot_product_and_scale():
    model = build(Settings())
    q, k = model.head.Q[0], model.head.K[1]
    text = text_of(model, cell("scores", 0, 1))
    for a, b in zip(q, k):
        assert f"{num(a)} × {num(b)}" in text
    raw = float(q @ k)
    assert f"= {num(raw)} / {num(math.sqrt(2))} = {num(raw / math.sqrt(2))}" in text
    assert "/ √2" in text
    assert num(model.head.scores[0, 1]) == num(raw / math.sqrt(2))


def test_score_unscaled_has_no_divisor():
    model = build(Settings(scaled=False))
    text = text_of(model, cell("scores", 2, 3))
    assert "√" not in text
    assert "not scaled" in text
    assert text.endswith(num(float(model.head.Q[2] @ model.head.K[3])))


def test_masked_score_and_weight():
    model = build(Settings(causal=True))
    assert "Masked" in text_of(model, cell("scores", 0, 2))
    assert "−∞" in text_of(model, cell("scores", 0, 2))
    assert text_of(model, cell("weights", 1, 3)).splitlines()[1].startswith("= 0, because the causal mask")


def test_weight_shows_exponentials_and_row_sum():
    for temperature in (1.0, 0.5):
        model = build(Settings(temperature=temperature))
        row = model.head.scores[2]
        exps = [math.exp(s / temperature) for s in row]
        total = sum(exps)
        text = text_of(model, cell("weights", 2, 1))
        assert " + ".join(num(e) for e in exps) in text
        assert f"= {num(exps[1])} / {num(total)} = {num(exps[1] / total)}" in text
        assert (f" / {num(temperature)}" in text) == (temperature != 1)


def test_weight_large_scores_shifted_by_max():
    model = build(replace(preset_settings("random"), d_model=16, d_k=16, scaled=False, temperature=0.1, seed=4))
    i = 0
    z = model.head.scores[i] / 0.1
    assert z.max() > 30, "the case needs large exponents"
    text = text_of(model, cell("weights", i, 2))
    assert f"m = {num(z.max())}" in text
    shifted = np.exp(z - z.max())
    assert f"/ {num(shifted.sum())} = {num(model.head.weights[i, 2])}" in text


def test_weight_with_mask_sums_visible_keys():
    model = build(Settings(causal=True))
    row = model.head.scores[1]
    exps = [math.exp(s) for s in row[:2]]
    text = text_of(model, cell("weights", 1, 0))
    assert f"= {num(exps[0])} / {num(sum(exps))}" in text
    assert "Masked keys add" in text


def bracketed(value):
    text = num(value)
    return f"({text})" if text.startswith("−") else text


def test_projection_is_row_times_column():
    model = build(replace(preset_settings("random"), heads=2, d_k=3, seed=1))
    text = text_of(model, cell("K", 2, 1, head=1))
    column = 1 * 3 + 1
    products = " + ".join(f"{bracketed(x)} × {bracketed(w)}" for x, w in zip(model.X[2], model.W_K[:, column]))
    assert f"W_K[k, {column}]" in text
    assert f"= {products}" in text
    assert text.splitlines()[2] == f"= {num(model.heads[1].K[2, 1])}"
    assert "Head 2 uses columns 3 to 5" in text


def test_output_is_weighted_value_column():
    model = build(Settings())
    weights, V = model.head.weights[3], model.head.V[:, 0]
    text = text_of(model, cell("output", 3, 0))
    for w, v in zip(weights, V):
        assert f"{num(w)} × {num(v)}" in text
    assert text.endswith(f"= {num(float(weights @ V))}")


def test_x_with_positional_encoding():
    model = build(Settings(positional=True))
    for j, function in ((2, "sin"), (3, "cos")):
        text = text_of(model, cell("X", 3, j))
        angle = 3 / 10000 ** ((j - j % 2) / 4)
        value = math.sin(angle) if function == "sin" else math.cos(angle)
        assert f"{function}(3 / 10000^({j - j % 2}/4))" in text
        assert num(value) in text
        assert text.splitlines()[0].startswith(f"X[3, {j}] = {num(model.X[3, j])}")


def test_entropy_and_uniform_row():
    model = build(preset_settings("pronoun"))
    weights = model.head.weights[0]
    entropy = -sum(w * math.log2(w) for w in weights if w > 0)
    text = text_of(model, cell("entropy", 0, 0))
    assert f"= {num(entropy)} bits" in text
    assert "log₂ 11" in text
    assert "uniform" in text


def test_row_sum_is_one():
    model = build(Settings(causal=True))
    text = text_of(model, cell("row_sum", 2, 0))
    assert text.splitlines()[-1].startswith("= 1:")


def test_concat_names_source_head():
    model = build(Settings(heads=3))
    text = text_of(model, cell("concat", 1, 5))
    assert "head 3" in text
    assert "output[1, 1]" in text
    assert num(model.heads[2].output[1, 1]) in text


def test_token_says_how_to_choose():
    model = build(Settings())
    assert "query token" in text_of(model, {"kind": "token", "row": 0})
    assert "Enter" in text_of(model, {"kind": "token", "row": 2})


def test_unknown_regions_have_no_explanation():
    model = build(Settings())
    assert explain(model, {"kind": "query-row", "matrix": "X", "row": 0}) == []
    assert explain(model, cell("nothing", 0, 0)) == []


CASES = [
    Settings(),
    Settings(causal=True, positional=True, heads=2, head=1, temperature=0.2),
    replace(preset_settings("pronoun"), causal=True),
    Settings(preset="random", sentence=" ".join(f"w{i}" for i in range(16)), d_model=16, d_k=16, heads=4, head=3, scaled=False),
]


@pytest.mark.parametrize("index", range(len(CASES)))
def test_every_region_is_explained(index):
    model = build(CASES[index])
    for step in range(1, 6):
        stepped = build(replace(model.settings, step=step))
        frames = [layout(stepped, 640, 420), layout_matrix(stepped, 800, 600)]
        for frame in frames:
            for region in frame.regions:
                if region["kind"] in ("cell", "token"):
                    lines = explain(stepped, region)
                    assert lines and all(isinstance(line, str) and line for line in lines), region
                    assert "nan" not in " ".join(lines).lower(), region

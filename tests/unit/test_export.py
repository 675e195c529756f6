"""The JSON export: every setting, heads on a leading axis, and format 1 fields kept."""

import json
from dataclasses import replace

import numpy as np

from attention_sim.export import export_json, export_state, image_caption
from attention_sim.model import build
from attention_sim.settings import Settings, preset_settings
from attention_sim.urlstate import parse_state

FORMAT_1_FIELDS = (
    "tokens", "step", "query", "d_model", "d_k", "scaled", "causal", "X", "W_Q", "W_K",
    "W_V", "Q", "K", "V", "scores", "weights", "output",
)  # fmt: skip


def test_format_1_fields_keep_meaning():
    settings = Settings(step=4, query=2, heads=3, head=1, causal=True)
    model = build(settings)
    state = json.loads(export_json(model))
    for name in FORMAT_1_FIELDS:
        assert name in state, name
    head = model.heads[1]
    np.testing.assert_array_equal(np.array(state["Q"]), head.Q)
    assert state["scores"][0][1] is None, "masked score is null"
    assert state["weights"][0][1] == 0.0
    assert np.array(state["W_Q"]).shape == (4, 6)
    X, W_Q = np.array(state["X"]), np.array(state["per_head"]["W_Q"][state["head"]])
    np.testing.assert_allclose(X @ W_Q, np.array(state["Q"]), rtol=0, atol=1e-12)


def test_heads_on_leading_axis():
    model = build(replace(preset_settings("random"), heads=4, d_k=3))
    state = export_state(model)
    per_head = state["per_head"]
    for name in ("Q", "K", "V", "raw_scores", "scores", "weights", "output", "entropy", "W_Q", "W_K", "W_V"):
        assert len(per_head[name]) == 4, name
    assert np.array(per_head["W_K"]).shape == (4, 8, 3)
    np.testing.assert_array_equal(np.array(per_head["W_K"][2]), model.W_K[:, 6:9])
    np.testing.assert_array_equal(np.array(state["concat"]), np.hstack([np.array(o) for o in per_head["output"]]))


def test_new_settings_exported():
    settings = Settings(temperature=2.5, positional=True, causal=True, seed=77, preset="random")
    state = export_state(build(settings))
    assert state["format_version"] == 2
    assert (state["temperature"], state["positional_encoding"], state["seed"]) == (2.5, True, 77)
    assert state["mask"] == np.tril(np.ones((4, 4), dtype=bool)).tolist()
    np.testing.assert_allclose(np.array(state["X"]), np.array(state["embeddings"]) + np.array(state["positional"]))
    assert len(state["entropy"]) == 4


def test_fragment_restores_exported_state():
    settings = replace(preset_settings("pronoun"), step=3, causal=True, temperature=0.5)
    state = export_state(build(settings))
    restored, ignored = parse_state("", "#" + state["url_fragment"])
    assert ignored == []
    assert restored == settings


def test_export_is_strict_json():
    text = export_json(build(Settings(causal=True)))
    assert "Infinity" not in text
    assert "NaN" not in text
    json.loads(text)


def test_image_caption_classic():
    lines = image_caption(build(Settings(step=3, query=2)))
    assert lines == [
        "Step 3 of 5: Compute scores. Query token “sat” (3 of 4).",
        "d_model 4, d_k 2, 1 head. Scores scaled by 1/√d_k, temperature 1, causal mask off, positional encoding off.",
        "The weights are those of the classic preset.",
    ]


def test_image_caption_two_heads():
    settings = Settings(step=5, heads=2, head=1, scaled=False, causal=True, positional=True, temperature=2.25, seed=7)
    lines = image_caption(build(settings))
    assert lines[0].startswith("Step 5 of 5: Weighted sum. ")
    assert lines[1] == (
        "d_model 4, d_k 2, 2 heads, head 2 shown. Scores not scaled, temperature 2.25, "
        "causal mask on, positional encoding on."
    )
    assert lines[2] == "Head 1 has the classic preset's weights; the others are random from seed 7."

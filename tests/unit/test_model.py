"""The model behind a frame: presets, fallbacks, mask, temperature and heads."""

from dataclasses import replace

import numpy as np
import pytest

from attention_sim.attention import entropy_rows
from attention_sim.examples import PRESETS
from attention_sim.model import build
from attention_sim.settings import Settings, preset_settings
from test_attention import reference_attention


def test_classic_uses_its_own_matrices():
    model = build(Settings())
    classic = PRESETS["classic"]
    assert model.weights_source == "preset"
    np.testing.assert_array_equal(model.X, [classic["vocabulary"][t] for t in ("The", "cat", "sat", "down")])
    np.testing.assert_array_equal(model.W_Q, classic["W_Q"])
    assert model.notices == []


def test_pronoun_it_attends_to_animal():
    for causal in (False, True):
        model = build(replace(preset_settings("pronoun"), causal=causal))
        tokens = model.tokens
        it, animal = tokens.index("it"), tokens.index("animal")
        assert model.settings.query == it
        weights = model.head.weights[it]
        assert int(np.argmax(weights)) == animal
        assert weights[animal] > 0.9, f"causal={causal}: {weights[animal]:.3f}"
        others = np.delete(weights, animal)
        assert others.max() < 0.05


def test_pronoun_dimensions_are_named():
    model = build(preset_settings("pronoun"))
    assert model.dimension_names == PRESETS["pronoun"]["dimension_names"]
    other = build(replace(preset_settings("pronoun"), d_model=8))
    assert other.dimension_names == [f"d{i}" for i in range(8)]


def test_other_d_k_falls_back_to_seed():
    model = build(Settings(d_k=3, seed=5))
    assert model.weights_source == "seed"
    assert model.W_Q.shape == (4, 3)
    assert any("seed 5" in notice for notice in model.notices)
    np.testing.assert_array_equal(model.X, build(Settings()).X)  # vocabulary still applies


def test_other_d_model_drops_vocabulary():
    model = build(Settings(d_model=6))
    assert model.X.shape == (4, 6)
    assert model.weights_source == "seed"
    assert not np.array_equal(model.X[:, :4], build(Settings()).X)


def test_extra_heads_keep_preset_head():
    single = build(preset_settings("pronoun"))
    multi = build(replace(preset_settings("pronoun"), heads=3, seed=2))
    assert multi.weights_source == "preset and seed"
    np.testing.assert_array_equal(multi.heads[0].weights, single.heads[0].weights)
    assert multi.W_Q.shape == (6, 6)
    assert not np.array_equal(multi.heads[1].weights, multi.heads[0].weights)


def test_unknown_tokens_listed():
    model = build(Settings(sentence="The dog sat down"))
    assert any("“dog”" in notice for notice in model.notices), model.notices
    assert not any("“The”" in notice for notice in model.notices)


def test_random_preset_from_seed():
    first = build(Settings(preset="random", sentence="a b c", d_model=8, d_k=4, seed=1))
    again = build(Settings(preset="random", sentence="a b c", d_model=8, d_k=4, seed=1))
    other = build(Settings(preset="random", sentence="a b c", d_model=8, d_k=4, seed=2))
    np.testing.assert_array_equal(first.W_Q, again.W_Q)
    assert not np.array_equal(first.W_Q, other.W_Q)
    assert (np.abs(first.W_Q) <= 1).all()


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_model_matches_loop_reference(preset):
    for heads in (1, 2):
        for causal in (False, True):
            settings = replace(preset_settings(preset), heads=heads, causal=causal, temperature=0.7, scaled=heads == 1)
            model = build(settings)
            d_k = settings.d_k
            for h, result in enumerate(model.heads):
                columns = slice(h * d_k, (h + 1) * d_k)
                Q, K, V, scores, weights, output = reference_attention(
                    model.X.tolist(), model.W_Q[:, columns].tolist(), model.W_K[:, columns].tolist(),
                    model.W_V[:, columns].tolist(), settings.scaled, causal, 0.7,
                )
                np.testing.assert_allclose(result.weights, weights, rtol=0, atol=1e-12)
                np.testing.assert_allclose(result.output, output, rtol=0, atol=1e-12)
                np.testing.assert_allclose(model.concat[:, columns], output, rtol=0, atol=1e-12)


def test_causal_mask_zero_above_diagonal_rows_sum_to_one():
    model = build(Settings(preset="random", sentence="one two three four five six", d_model=8, d_k=4, causal=True, heads=2))
    for result in model.heads:
        upper = np.triu_indices(6, k=1)
        assert (result.weights[upper] == 0.0).all()
        assert np.isneginf(result.scores[upper]).all()
        np.testing.assert_allclose(result.weights.sum(axis=1), np.ones(6), rtol=0, atol=1e-12)


def test_temperature_raises_entropy():
    base = Settings(preset="random", sentence="one two three four five", d_model=8, d_k=4, seed=3)
    entropies = [entropy_rows(build(replace(base, temperature=t)).head.weights) for t in (0.1, 0.5, 1.0, 3.0, 10.0)]
    for lower, higher in zip(entropies, entropies[1:]):
        assert (higher >= lower - 1e-12).all()
    assert (entropies[-1] > np.log2(5) - 0.05).all(), "T=10 is close to uniform"
    one_hot = build(replace(base, temperature=0.1)).head.weights.max(axis=1)
    assert (one_hot > 0.5).all()

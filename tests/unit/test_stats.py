"""Row entropy, uniform and one-hot rows, and the effect of scaling by √d_k."""

import math

import numpy as np

from attention_sim.attention import causal_mask, softmax_rows
from attention_sim.stats import scaling_effect, summarize_rows


def test_rows_uniform_one_hot_and_entropy():
    weights = np.array([[0.25, 0.25, 0.25, 0.25], [0.997, 0.001, 0.001, 0.001], [0.4, 0.3, 0.2, 0.1]])
    summary = summarize_rows(weights, np.ones((3, 4), dtype=bool))
    assert summary.uniform.tolist() == [True, False, False]
    assert summary.one_hot.tolist() == [False, True, False]
    expected = [-sum(w * math.log2(w) for w in row) for row in weights]
    np.testing.assert_allclose(summary.entropy, expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(summary.max_entropy, [2.0, 2.0, 2.0], rtol=0, atol=0)


def test_masked_rows_uniform_over_visible_keys():
    mask = causal_mask(4)
    weights = softmax_rows(np.where(mask, 0.0, -np.inf))
    summary = summarize_rows(weights, mask)
    # Row 0 sees one key: its weight is 1, which is neither called uniform nor one-hot.
    assert summary.uniform.tolist() == [False, True, True, True]
    assert summary.one_hot.tolist() == [False, False, False, False]
    np.testing.assert_allclose(summary.max_entropy, np.log2([1, 2, 3, 4]), rtol=0, atol=1e-15)
    np.testing.assert_allclose(summary.entropy, np.log2([1, 2, 3, 4]), rtol=0, atol=1e-12)


def test_scaling_divides_spread_by_sqrt_d_k():
    rng = np.random.RandomState(0)
    raw = rng.normal(0, 4, (6, 6))
    for d_k in (1, 4, 16):
        effect = scaling_effect(raw, np.ones((6, 6), dtype=bool), d_k, 1.0)
        assert math.isclose(effect.spread_unscaled, float(raw.std()), rel_tol=1e-12)
        assert math.isclose(effect.spread_scaled, float(raw.std()) / math.sqrt(d_k), rel_tol=1e-12)
        assert math.isclose(effect.divisor, math.sqrt(d_k))


def test_scaling_raises_entropy_of_spread_scores():
    rng = np.random.RandomState(1)
    raw = rng.normal(0, 6, (8, 8))
    effect = scaling_effect(raw, np.ones((8, 8), dtype=bool), 16, 1.0)
    unscaled = softmax_rows(raw)
    scaled = softmax_rows(raw / 4)
    entropy = lambda w: float(np.mean([-sum(x * math.log2(x) for x in row if x > 0) for row in w]))  # noqa: E731
    assert math.isclose(effect.entropy_unscaled, entropy(unscaled), rel_tol=1e-12)
    assert math.isclose(effect.entropy_scaled, entropy(scaled), rel_tol=1e-12)
    assert effect.entropy_scaled > effect.entropy_unscaled
    assert math.isclose(effect.max_entropy, 3.0)


def test_scaling_spread_ignores_masked_scores():
    raw = np.arange(16, dtype=float).reshape(4, 4)
    mask = causal_mask(4)
    effect = scaling_effect(raw, mask, 4, 1.0)
    assert math.isclose(effect.spread_unscaled, float(raw[mask].std()), rel_tol=1e-12)


def test_scaling_effect_reused_for_model_arrays():
    from attention_sim.model import build
    from attention_sim.settings import Settings

    head = build(Settings(causal=True)).head
    first = scaling_effect(head.raw_scores, head.mask, 2, 1.0)
    assert scaling_effect(head.raw_scores, head.mask, 2, 1.0) is first
    assert scaling_effect(head.raw_scores, head.mask, 2, 2.0) is not first
    copy = np.array(head.raw_scores)  # writeable: computed afresh, never cached
    assert scaling_effect(copy, head.mask, 2, 1.0) is not first
    assert scaling_effect(copy, head.mask, 2, 1.0) == first

"""Properties of the attention math over random shapes, scales, temperatures and masks.

Hypothesis draws the inputs. Each property is checked against a formulation that
shares no code with attention.py: Python loops with math.fsum for the weighted sum,
and index arithmetic for the mask and the permutations.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from attention_sim.attention import attend, causal_mask, softmax_rows

ROW_SUM_TOLERANCE = 1e-9
TEMPERATURE_ENDS = (0.1, 10.0)  # settings.TEMPERATURE_RANGE
# No deadline, because the machine running the tests may be shared and slow.
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

temperatures = st.one_of(
    st.sampled_from(TEMPERATURE_ENDS), st.floats(min_value=0.1, max_value=10.0)
)
# Powers of ten from 1e-150 to 1e200, and 0, so that scores run from underflow past
# ±1e300 to overflow (±inf, and NaN from inf - inf, in a plain Q @ K.T).
magnitudes = st.one_of(st.just(0.0), st.integers(-150, 200).map(lambda e: 10.0**e))
unit_floats = st.floats(min_value=-1.0, max_value=1.0, allow_nan=False)
# Scores as the softmax may meet them: ordinary, huge, at the float limit, infinite.
score_values = st.one_of(
    st.floats(min_value=-1e3, max_value=1e3),
    st.sampled_from([1e300, -1e300, 1.7e308, -1.7e308, math.inf, -math.inf, 0.0]),
    st.floats(allow_nan=False),
)


@st.composite
def attention_inputs(draw, max_tokens=16):
    """Draw (X, W_Q, W_K, W_V, scaled, causal, temperature) with scaled-up entries."""
    n = draw(st.integers(1, max_tokens))
    d_model = draw(st.integers(1, 16))
    d_k = draw(st.integers(1, 16))
    d_v = draw(st.integers(1, 16))
    X = draw(arrays(np.float64, (n, d_model), elements=unit_floats)) * draw(magnitudes)
    W_Q = draw(arrays(np.float64, (d_model, d_k), elements=unit_floats))
    W_K = draw(arrays(np.float64, (d_model, d_k), elements=unit_floats))
    W_V = draw(arrays(np.float64, (d_model, d_v), elements=unit_floats))
    return X, W_Q, W_K, W_V, draw(st.booleans()), draw(st.booleans()), draw(temperatures)


def expected_mask(n: int, causal: bool) -> np.ndarray:
    return np.array([[not causal or j <= i for j in range(n)] for i in range(n)])


def weighted_sum_fsum(weights: np.ndarray, V: np.ndarray) -> np.ndarray:
    """Return weights @ V, each entry summed exactly rounded with math.fsum."""
    n, m = weights.shape
    return np.array(
        [
            [math.fsum(weights[i, j] * V[j, c] for j in range(m)) for c in range(V.shape[1])]
            for i in range(n)
        ]
    ).reshape(n, V.shape[1])


@PROPERTY_SETTINGS
@given(attention_inputs())
def test_weight_rows_sum_to_one(case):
    result = attend(*case)
    assert np.isfinite(result.weights).all(), f"non-finite weights:\n{result.weights}"
    sums = result.weights.sum(axis=1)
    error = float(np.max(np.abs(sums - 1.0)))
    assert error <= ROW_SUM_TOLERANCE, f"row sums {sums} differ from 1 by {error}"
    assert (result.weights >= 0).all(), f"negative weight:\n{result.weights}"


@PROPERTY_SETTINGS
@given(attention_inputs())
def test_masked_weights_exactly_zero(case):
    X, _, _, _, _, causal, _ = case
    n = X.shape[0]
    result = attend(*case)
    mask = expected_mask(n, causal)
    assert np.array_equal(result.mask, mask), "mask is not the expected causal mask"
    assert (result.weights[~mask] == 0.0).all(), f"masked weight not 0:\n{result.weights}"
    assert (result.scores[~mask] == -np.inf).all(), "masked score is not -inf"


@PROPERTY_SETTINGS
@given(attention_inputs())
def test_results_never_nan_or_inf(case):
    result = attend(*case)
    for name in ("Q", "K", "V", "weights", "output"):
        value = getattr(result, name)
        assert not np.isnan(value).any(), f"{name} has NaN"
        assert np.isfinite(value).all(), f"{name} has ±inf"
    assert not np.isnan(result.scores).any(), "scores have NaN"
    assert not np.isnan(result.raw_scores).any(), "raw scores have NaN"


@PROPERTY_SETTINGS
@given(attention_inputs())
def test_output_is_convex_combination(case):
    result = attend(*case)
    V = result.V
    expected = weighted_sum_fsum(result.weights, V)
    scale = max(float(np.max(np.abs(V))), 1e-300)
    tolerance = 1e-12 * scale
    assert np.max(np.abs(result.output - expected)) <= tolerance, "output != weights @ V"
    for i in range(V.shape[0]):
        visible = result.mask[i]
        low = V[visible].min(axis=0)  # (d_v,)
        high = V[visible].max(axis=0)  # (d_v,)
        row = result.output[i]
        assert (row >= low - tolerance).all(), f"output row {i} {row} below {low}"
        assert (row <= high + tolerance).all(), f"output row {i} {row} above {high}"


@PROPERTY_SETTINGS
@given(attention_inputs(), st.randoms(use_true_random=False))
def test_permuting_tokens_permutes_results(case, random):
    X, W_Q, W_K, W_V, scaled, _, temperature = case
    n = X.shape[0]
    order = list(range(n))
    random.shuffle(order)
    base = attend(X, W_Q, W_K, W_V, scaled, False, temperature)
    permuted = attend(X[order], W_Q, W_K, W_V, scaled, False, temperature)
    for name in ("Q", "K", "V", "output"):
        expected = getattr(base, name)[order]
        actual = getattr(permuted, name)
        scale = max(float(np.max(np.abs(expected))), 1e-300)
        assert np.allclose(actual, expected, rtol=1e-12, atol=1e-12 * scale), name
    for name in ("raw_scores", "scores", "weights"):
        expected = getattr(base, name)[np.ix_(order, order)]
        actual = getattr(permuted, name)
        finite = np.isfinite(expected)
        assert np.array_equal(finite, np.isfinite(actual)), f"{name}: infinities moved"
        assert np.array_equal(expected[~finite], actual[~finite]), f"{name}: infinities"
        scale = max(float(np.max(np.abs(expected[finite]), initial=0.0)), 1e-300)
        assert np.allclose(
            actual[finite], expected[finite], rtol=1e-12, atol=1e-12 * scale
        ), f"{name} rows and columns are not permuted"


@PROPERTY_SETTINGS
@given(attention_inputs(), st.randoms(use_true_random=False), st.data())
def test_causal_rows_ignore_later_tokens(case, random, data):
    X, W_Q, W_K, W_V, scaled, _, temperature = case
    n = X.shape[0]
    assume(n >= 2)
    query = data.draw(st.integers(0, n - 2), label="query")
    later = list(range(query + 1, n))
    random.shuffle(later)
    order = list(range(query + 1)) + later
    base = attend(X, W_Q, W_K, W_V, scaled, True, temperature)
    shuffled = attend(X[order], W_Q, W_K, W_V, scaled, True, temperature)
    rows = slice(0, query + 1)
    assert np.array_equal(shuffled.weights[rows], base.weights[rows]), "weights changed"
    assert np.array_equal(shuffled.output[rows], base.output[rows]), "output changed"


@PROPERTY_SETTINGS
@given(
    arrays(np.float64, st.tuples(st.integers(1, 16), st.integers(1, 16)), elements=score_values),
    temperatures,
)
def test_softmax_of_extreme_scores(scores, temperature):
    weights = softmax_rows(scores, temperature)
    assert np.isfinite(weights).all(), f"non-finite weights for\n{scores}"
    assert (weights >= 0).all(), "negative weight"
    visible = scores != -np.inf
    assert (weights[~visible] == 0.0).all(), "a -inf score got weight"
    for i in range(scores.shape[0]):
        if visible[i].any():
            error = abs(float(weights[i].sum()) - 1.0)
            assert error <= ROW_SUM_TOLERANCE, f"row {i} sums to 1 ± {error}"
        else:
            assert (weights[i] == 0.0).all(), f"fully masked row {i} is not all 0"


@PROPERTY_SETTINGS
@given(
    arrays(np.float64, st.tuples(st.integers(1, 16), st.integers(1, 16)), elements=score_values),
    temperatures,
)
def test_softmax_keeps_order_of_scores(scores, temperature):
    weights = softmax_rows(scores, temperature)
    for i in range(scores.shape[0]):
        order = np.argsort(scores[i], kind="stable")
        assert (np.diff(weights[i][order]) >= 0).all(), f"row {i} not monotone"


@PROPERTY_SETTINGS
@given(st.integers(1, 16))
def test_causal_mask_is_lower_triangle(n):
    assert np.array_equal(causal_mask(n), expected_mask(n, True))

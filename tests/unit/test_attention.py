"""Attention math against an independent formulation: explicit loops and known values.

This module imports neither pytest nor anything outside the standard library and
numpy, so the in-page test runs the same functions on Pyodide (Python 3.8, numpy 1.17).
"""

import math

import numpy as np

from attention_sim.attention import attend, causal_mask, entropy_rows, multi_head, softmax_rows

CLASSIC_X = [[0.8, 0.2, 0.5, 0.1], [0.3, 0.9, 0.1, 0.6], [0.1, 0.4, 0.8, 0.3], [0.6, 0.1, 0.3, 0.7]]
CLASSIC_W_Q = [[0.5, 0.3], [0.2, 0.6], [0.4, 0.1], [0.3, 0.5]]
CLASSIC_W_K = [[0.4, 0.2], [0.3, 0.5], [0.1, 0.4], [0.5, 0.3]]
CLASSIC_W_V = [[0.6, 0.2], [0.1, 0.5], [0.3, 0.4], [0.2, 0.6]]


def matmul_loops(a, b):
    rows, inner, cols = len(a), len(b), len(b[0])
    return [[sum(a[i][k] * b[k][j] for k in range(inner)) for j in range(cols)] for i in range(rows)]


def reference_attention(X, W_Q, W_K, W_V, scaled=True, causal=False, temperature=1.0):
    """Attention written with Python loops and math.exp, sharing no code with numpy."""
    Q, K, V = matmul_loops(X, W_Q), matmul_loops(X, W_K), matmul_loops(X, W_V)
    n, d_k = len(X), len(W_Q[0])
    divisor = math.sqrt(d_k) if scaled else 1.0
    scores, weights = [], []
    for i in range(n):
        row = []
        for j in range(n):
            if causal and j > i:
                row.append(-math.inf)
            else:
                row.append(sum(Q[i][c] * K[j][c] for c in range(d_k)) / divisor)
        scores.append(row)
        top = max(v for v in row if v != -math.inf)
        exps = [0.0 if v == -math.inf else math.exp((v - top) / temperature) for v in row]
        total = sum(exps)
        weights.append([e / total for e in exps])
    output = matmul_loops(weights, V)
    return Q, K, V, scores, weights, output


def assert_close(actual, expected, tolerance=1e-12, what="value"):
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    finite = np.isfinite(expected)
    assert np.array_equal(np.isfinite(actual), finite), f"{what}: masked entries differ"
    assert np.array_equal(actual[~finite], expected[~finite]), f"{what}: infinities differ"
    error = float(np.max(np.abs(actual[finite] - expected[finite]), initial=0.0))
    assert error <= tolerance, f"{what}: max error {error} > {tolerance}"


def random_case(rng, n, d_model, d_k):
    X = rng.uniform(-2, 2, (n, d_model))
    return X, rng.uniform(-1, 1, (d_model, d_k)), rng.uniform(-1, 1, (d_model, d_k)), rng.uniform(-1, 1, (d_model, d_k))


def test_classic_matches_loops():
    result = attend(np.array(CLASSIC_X), np.array(CLASSIC_W_Q), np.array(CLASSIC_W_K), np.array(CLASSIC_W_V))
    Q, K, V, scores, weights, output = reference_attention(CLASSIC_X, CLASSIC_W_Q, CLASSIC_W_K, CLASSIC_W_V)
    for name, actual, expected in (("Q", result.Q, Q), ("K", result.K, K), ("V", result.V, V), ("scores", result.scores, scores), ("weights", result.weights, weights), ("output", result.output, output)):
        assert_close(actual, expected, what=name)


def test_classic_known_values():
    result = attend(np.array(CLASSIC_X), np.array(CLASSIC_W_Q), np.array(CLASSIC_W_K), np.array(CLASSIC_W_V))
    # q_The = 0.8·[0.5, 0.3] + 0.2·[0.2, 0.6] + 0.5·[0.4, 0.1] + 0.1·[0.3, 0.5]
    assert_close(result.Q[0], [0.67, 0.46], 1e-12, "q_The")
    # k_cat = 0.3·[0.4, 0.2] + 0.9·[0.3, 0.5] + 0.1·[0.1, 0.4] + 0.6·[0.5, 0.3]
    assert_close(result.K[1], [0.70, 0.73], 1e-12, "k_cat")
    # score(The, cat) = (0.67·0.70 + 0.46·0.73) / √2
    assert_close(result.scores[0, 1], (0.67 * 0.70 + 0.46 * 0.73) / math.sqrt(2), 1e-12, "score")
    assert int(np.argmax(result.weights[0])) == 1, "The should attend most to cat"


def test_random_shapes_match_loops():
    rng = np.random.RandomState(7)
    for n, d_model, d_k in ((1, 2, 1), (3, 5, 2), (7, 4, 4), (16, 16, 3), (5, 2, 16)):
        for scaled in (True, False):
            for causal in (False, True):
                for temperature in (0.1, 1.0, 10.0):
                    X, W_Q, W_K, W_V = random_case(rng, n, d_model, d_k)
                    result = attend(X, W_Q, W_K, W_V, scaled, causal, temperature)
                    _, _, _, scores, weights, output = reference_attention(X.tolist(), W_Q.tolist(), W_K.tolist(), W_V.tolist(), scaled, causal, temperature)
                    case = f"n={n} d_model={d_model} d_k={d_k} scaled={scaled} causal={causal} T={temperature}"
                    assert_close(result.scores, scores, 1e-12, "scores " + case)
                    assert_close(result.weights, weights, 1e-12, "weights " + case)
                    assert_close(result.output, output, 1e-12, "output " + case)


def test_softmax_rows_sum_to_one():
    rng = np.random.RandomState(1)
    for shape in ((1, 1), (4, 4), (16, 16), (3, 9)):
        weights = softmax_rows(rng.normal(0, 5, shape))
        assert_close(weights.sum(axis=1), np.ones(shape[0]), 1e-12, f"row sums {shape}")
        assert (weights >= 0).all(), f"negative weight {shape}"


def test_softmax_shift_invariant():
    rng = np.random.RandomState(2)
    scores = rng.normal(0, 3, (5, 6))
    shifted = scores + rng.uniform(-100, 100, (5, 1))
    assert_close(softmax_rows(shifted), softmax_rows(scores), 1e-12, "shifted rows")


def test_softmax_huge_scores_finite():
    scores = np.array([[1e300, -1e300, 0.0], [np.inf, 1.0, np.inf], [-1e300, -1e300, -1e300], [1e308, 1e308, -1e308]])
    for temperature in (0.1, 1.0, 10.0):
        weights = softmax_rows(scores, temperature)
        assert np.isfinite(weights).all(), f"non-finite weights at T={temperature}"
        assert_close(weights.sum(axis=1), np.ones(4), 1e-12, f"row sums at T={temperature}")
    assert_close(softmax_rows(scores)[0], [1.0, 0.0, 0.0], 0.0, "dominant entry")
    assert_close(softmax_rows(scores)[1], [0.5, 0.0, 0.5], 0.0, "two infinite entries")
    assert_close(softmax_rows(scores)[2], [1 / 3, 1 / 3, 1 / 3], 1e-15, "equal huge negatives")


def test_causal_mask_zeroes_future():
    rng = np.random.RandomState(3)
    X, W_Q, W_K, W_V = random_case(rng, 6, 4, 2)
    result = attend(X, W_Q, W_K, W_V, causal=True)
    assert np.array_equal(result.mask, causal_mask(6)), "mask is lower triangular"
    for i in range(6):
        for j in range(6):
            if j > i:
                assert result.scores[i, j] == -np.inf, f"score[{i},{j}] not masked"
                assert result.weights[i, j] == 0.0, f"weight[{i},{j}] not exactly 0"
    assert_close(result.weights.sum(axis=1), np.ones(6), 1e-12, "masked row sums")
    assert result.weights[0, 0] == 1.0, "first token attends only to itself"


def test_temperature_extremes():
    scores = np.array([[1.0, 2.0, 3.0]])
    sharp = softmax_rows(scores, 0.1)[0]
    flat = softmax_rows(scores, 10.0)[0]
    assert sharp[2] > 0.99, f"T=0.1 should be nearly one-hot, got {sharp}"
    assert flat.max() - flat.min() < 0.1, f"T=10 should be nearly uniform, got {flat}"
    assert entropy_rows(softmax_rows(scores, 10.0))[0] > entropy_rows(softmax_rows(scores, 0.1))[0]


def test_entropy_of_known_rows():
    weights = np.array([[0.25, 0.25, 0.25, 0.25], [1.0, 0.0, 0.0, 0.0], [0.5, 0.5, 0.0, 0.0]])
    assert_close(entropy_rows(weights), [2.0, 0.0, 1.0], 1e-12, "entropy in bits")


def test_multi_head_is_per_head_attention():
    rng = np.random.RandomState(4)
    n, d_model, d_k, heads = 5, 6, 2, 3
    X = rng.uniform(-1, 1, (n, d_model))
    W_Q, W_K, W_V = (rng.uniform(-1, 1, (d_model, heads * d_k)) for _ in range(3))
    results, concat = multi_head(X, W_Q, W_K, W_V, heads)
    assert concat.shape == (n, heads * d_k), f"concat shape {concat.shape}"
    for h in range(heads):
        columns = slice(h * d_k, (h + 1) * d_k)
        ref = reference_attention(X.tolist(), W_Q[:, columns].tolist(), W_K[:, columns].tolist(), W_V[:, columns].tolist())
        assert_close(results[h].weights, ref[4], 1e-12, f"head {h} weights")
        assert_close(concat[:, columns], ref[5], 1e-12, f"head {h} output in concat")

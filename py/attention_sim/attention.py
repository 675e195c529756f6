"""Scaled dot-product attention, Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V.

One layer, computed step by step so that every intermediate matrix can be shown: the
projections Q = X W_Q, K = X W_K, V = X W_V, the scaled and optionally causally masked
scores, the row softmax (with a temperature), and the weighted sum of the value rows.
Multi-head attention splits the projection columns into heads ("Attention Is All You
Need", Vaswani et al. 2017, section 3.2). Pure numpy; runs on numpy 1.17 and current.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

# Scores are clipped to this magnitude before the softmax, so that inputs as large as
# ±1e300 (or a product that overflowed to ±inf) still give finite, valid weights.
SCORE_LIMIT = 1e300


class AttentionResult(NamedTuple):
    """Every intermediate of one attention head, for n tokens."""

    Q: np.ndarray  # (n, d_k)
    K: np.ndarray  # (n, d_k)
    V: np.ndarray  # (n, d_v)
    raw_scores: np.ndarray  # (n, n) Q Kᵀ before scaling
    scores: np.ndarray  # (n, n) after scaling and masking; masked entries are -inf
    mask: np.ndarray  # (n, n) bool, True where a query may attend to a key
    weights: np.ndarray  # (n, n) row softmax of scores / temperature
    output: np.ndarray  # (n, d_v) weights V


def causal_mask(n: int) -> np.ndarray:
    """Return the (n, n) boolean mask that lets query i see keys 0..i only."""
    return np.tril(np.ones((n, n), dtype=bool))  # (n, n)


def scale_factor(d_k: int, scaled: bool) -> float:
    """Return the divisor of the raw scores: √d_k when scaling, else 1."""
    return float(np.sqrt(d_k)) if scaled else 1.0


def softmax_rows(scores: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Return the numerically stable softmax of each row of scores / temperature.

    Entries equal to -inf (masked) get weight exactly 0. A row whose entries are all
    -inf gets all zeros, because it has nothing to attend to; a causal mask never
    produces such a row. NaN scores are treated as masked.
    """
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    scores = np.asarray(scores, dtype=np.float64)
    allowed = np.isfinite(scores) | (scores == np.inf)  # (n, m) masked entries are False
    with np.errstate(over="ignore", invalid="ignore"):
        z = np.clip(np.nan_to_num(scores) / temperature, -SCORE_LIMIT, SCORE_LIMIT)
    z = np.where(allowed, z, -np.inf)  # (n, m)
    row_max = np.max(np.where(allowed, z, -np.inf), axis=-1, keepdims=True)  # (n, 1)
    row_max = np.where(np.isfinite(row_max), row_max, 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        shifted = z - row_max  # (n, m) every allowed entry is ≤ 0 or -inf
    exp = np.where(allowed, np.exp(shifted), 0.0)  # (n, m)
    total = exp.sum(axis=-1, keepdims=True)  # (n, 1) ≥ 1 for any row with an entry
    return np.divide(exp, total, out=np.zeros_like(exp), where=total > 0)  # (n, m)


def dot_scores(Q: np.ndarray, K: np.ndarray) -> np.ndarray:
    """Return Q Kᵀ, with ±inf where a score overflows but never NaN.

    Where the plain product overflows (an entry that is ±inf, or NaN from inf - inf),
    the rows of Q and K are divided by their largest magnitudes first and the
    products of those magnitudes are multiplied back afterwards.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        raw = Q @ K.T  # (n, m)
    if np.isfinite(raw).all():
        return raw
    q_scale = np.max(np.abs(Q), axis=1, keepdims=True, initial=0.0)  # (n, 1)
    k_scale = np.max(np.abs(K), axis=1, keepdims=True, initial=0.0)  # (m, 1)
    q_scale[q_scale == 0] = 1.0
    k_scale[k_scale == 0] = 1.0
    unit = (Q / q_scale) @ (K / k_scale).T  # (n, m) |entries| ≤ d_k
    with np.errstate(over="ignore"):
        rescaled = unit * q_scale * k_scale.T  # (n, m) a 0 stays 0, others may be ±inf
    return np.where(np.isfinite(raw), raw, rescaled)  # (n, m)


def attend(
    X: np.ndarray,
    W_Q: np.ndarray,
    W_K: np.ndarray,
    W_V: np.ndarray,
    scaled: bool = True,
    causal: bool = False,
    temperature: float = 1.0,
) -> AttentionResult:
    """Compute one attention head on the token embeddings X, shape (n, d_model)."""
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    d_k = W_Q.shape[1]

    Q = X @ W_Q  # (n, d_k)
    K = X @ W_K  # (n, d_k)
    V = X @ W_V  # (n, d_v)

    raw_scores = dot_scores(Q, K)  # (n, n)
    # Clipped, so that an overflowed score of -inf is not mistaken for a masked one.
    scaled_scores = np.clip(
        raw_scores / scale_factor(d_k, scaled), -SCORE_LIMIT, SCORE_LIMIT
    )  # (n, n)
    mask = causal_mask(n) if causal else np.ones((n, n), dtype=bool)  # (n, n)
    scores = np.where(mask, scaled_scores, -np.inf)  # (n, n)

    weights = softmax_rows(scores, temperature)  # (n, n)
    output = weights @ V  # (n, d_v)
    return AttentionResult(Q, K, V, raw_scores, scores, mask, weights, output)


def split_heads(W: np.ndarray, heads: int) -> list:
    """Split the columns of a projection (d_model, heads * d_k) into per-head blocks."""
    d_model, width = W.shape
    if width % heads:
        raise ValueError(f"projection width {width} is not divisible by {heads} heads")
    return [block for block in np.split(W, heads, axis=1)]  # heads × (d_model, d_k)


def multi_head(
    X: np.ndarray,
    W_Q: np.ndarray,
    W_K: np.ndarray,
    W_V: np.ndarray,
    heads: int,
    scaled: bool = True,
    causal: bool = False,
    temperature: float = 1.0,
) -> tuple:
    """Compute `heads` attention heads and concatenate their outputs.

    W_Q, W_K and W_V have shape (d_model, heads * d_k); head h uses columns
    h*d_k .. (h+1)*d_k - 1. Returns (list of AttentionResult, concatenated output of
    shape (n, heads * d_v)).
    """
    results = [
        attend(X, q, k, v, scaled, causal, temperature)
        for q, k, v in zip(
            split_heads(W_Q, heads), split_heads(W_K, heads), split_heads(W_V, heads)
        )
    ]
    concat = np.concatenate([r.output for r in results], axis=1)  # (n, heads * d_v)
    return results, concat


def entropy_rows(weights: np.ndarray) -> np.ndarray:
    """Return the Shannon entropy of each weight row, in bits (0 log 0 taken as 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(weights > 0, -weights * np.log2(weights), 0.0)  # (n, m)
    return terms.sum(axis=-1)  # (n,)

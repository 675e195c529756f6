"""Summaries of one attention head that the views and the narration show.

Per row of weights: the entropy in bits, H = −Σ w log₂ w, and whether the row is
uniform (every key it may see gets the same weight) or one-hot (one key gets almost
all of it). For the whole head: what dividing by √d_k changes, computed both ways
from the same raw scores so that a reader sees the effect without toggling.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .attention import entropy_rows, softmax_rows

UNIFORM_TOLERANCE = 0.02  # a row is uniform when max / min weight ≤ 1.02
ONE_HOT_THRESHOLD = 0.99  # a row is one-hot when its largest weight is ≥ 0.99


class RowSummary(NamedTuple):
    entropy: np.ndarray  # (n,) bits
    max_entropy: np.ndarray  # (n,) log₂ of the number of keys each row may see
    uniform: np.ndarray  # (n,) bool
    one_hot: np.ndarray  # (n,) bool


class ScalingEffect(NamedTuple):
    d_k: int
    divisor: float  # √d_k
    spread_scaled: float  # standard deviation of the visible scores divided by √d_k
    spread_unscaled: float  # the same for Q Kᵀ itself
    entropy_scaled: float  # mean row entropy of the weights, in bits
    entropy_unscaled: float
    max_entropy: float  # mean over rows of log₂(keys the row may see)


def summarize_rows(weights: np.ndarray, mask: np.ndarray) -> RowSummary:
    """Return entropy and the uniform and one-hot flags of each weight row."""
    weights = np.asarray(weights, dtype=np.float64)
    mask = np.asarray(mask, dtype=bool)
    visible = mask.sum(axis=1)  # (n,) keys each row may see
    entropy = entropy_rows(weights)  # (n,)
    max_entropy = np.log2(np.maximum(visible, 1))  # (n,)
    largest = np.where(mask, weights, -np.inf).max(axis=1)  # (n,)
    smallest = np.where(mask, weights, np.inf).min(axis=1)  # (n,)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(smallest > 0, largest / smallest, np.inf)  # (n,)
    uniform = (visible >= 2) & (ratio <= 1 + UNIFORM_TOLERANCE)  # (n,)
    one_hot = (visible >= 2) & (largest >= ONE_HOT_THRESHOLD)  # (n,)
    return RowSummary(entropy, max_entropy, uniform, one_hot)


# The last few results of scaling_effect, keyed by the identity of the model's
# read-only arrays: the scores and softmax steps and their narrations all ask for the
# same head's effect, which costs two softmaxes each time.
_EFFECTS = []  # [(raw_scores, mask, d_k, temperature, effect)], newest last
_EFFECTS_KEPT = 8


def scaling_effect(raw_scores: np.ndarray, mask: np.ndarray, d_k: int, temperature: float) -> ScalingEffect:
    """Compare the scores and weights with and without the division by √d_k."""
    cacheable = not raw_scores.flags.writeable and not np.asarray(mask).flags.writeable
    if cacheable:
        for scores_seen, mask_seen, d_k_seen, temperature_seen, effect in _EFFECTS:
            same = scores_seen is raw_scores and mask_seen is mask
            if same and (d_k_seen, temperature_seen) == (d_k, temperature):
                return effect
    effect = _scaling_effect(raw_scores, mask, d_k, temperature)
    if cacheable:
        # The entry keeps the arrays alive, so their identity cannot be reused.
        _EFFECTS.append((raw_scores, mask, d_k, temperature, effect))
        del _EFFECTS[:-_EFFECTS_KEPT]
    return effect


def _scaling_effect(raw_scores: np.ndarray, mask: np.ndarray, d_k: int, temperature: float) -> ScalingEffect:
    mask = np.asarray(mask, dtype=bool)
    divisor = float(np.sqrt(d_k))
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = raw_scores / divisor  # (n, n)
    unscaled_weights = softmax_rows(np.where(mask, raw_scores, -np.inf), temperature)
    scaled_weights = softmax_rows(np.where(mask, scaled, -np.inf), temperature)
    visible = mask.sum(axis=1)  # (n,)
    return ScalingEffect(
        d_k=d_k,
        divisor=divisor,
        spread_scaled=_spread(scaled[mask]),
        spread_unscaled=_spread(raw_scores[mask]),
        entropy_scaled=float(entropy_rows(scaled_weights).mean()),
        entropy_unscaled=float(entropy_rows(unscaled_weights).mean()),
        max_entropy=float(np.log2(np.maximum(visible, 1)).mean()),
    )


def _spread(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.std()) if finite.size else 0.0

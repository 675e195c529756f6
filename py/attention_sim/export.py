"""The JSON export of the current state (attention-state.json).

Format 2 adds fields to format 1 and changes none of its fields, so code written for
format 1 reads it unchanged.
"""

from __future__ import annotations

import json
import math

import numpy as np

from .attention import entropy_rows, split_heads
from .explain import quoted
from .narration import weights_origin
from .settings import STEP_COUNT
from .urlstate import format_state

FORMAT_VERSION = 2


def matrix_to_list(matrix: np.ndarray) -> list:
    """Return the matrix as nested lists of floats, with -inf and NaN as None."""
    return [[float(v) if math.isfinite(v) else None for v in row] for row in np.asarray(matrix).tolist()]


def export_state(model) -> dict:
    """Return the state as a dict of plain JSON values.

    Q, K, V, scores, weights and output are those of the head on view, so that code
    written for one head keeps working; `per_head` has every head on a leading axis,
    W_Q, W_K and W_V included (each head's columns).
    """
    s = model.settings
    head = model.head
    per_head = {
        name: [matrix_to_list(getattr(result, name)) for result in model.heads]
        for name in ("Q", "K", "V", "raw_scores", "scores", "weights", "output")
    }
    per_head["entropy"] = [entropy_rows(result.weights).tolist() for result in model.heads]
    for name in ("W_Q", "W_K", "W_V"):
        blocks = split_heads(getattr(model, name), s.heads)
        per_head[name] = [matrix_to_list(block) for block in blocks]
    return {
        "format_version": FORMAT_VERSION,
        "preset": s.preset,
        "sentence": s.sentence,
        "tokens": list(model.tokens),
        "step": s.step,
        "step_name": s.step_name,
        "query": s.query,
        "d_model": s.d_model,
        "d_k": s.d_k,
        "heads": s.heads,
        "head": s.head,
        "scaled": s.scaled,
        "causal": s.causal,
        "temperature": s.temperature,
        "positional_encoding": s.positional,
        "seed": s.seed,
        "weights_source": model.weights_source,
        "url_fragment": format_state(s),
        "dimension_names": list(model.dimension_names),
        "embeddings": matrix_to_list(model.embeddings),
        "positional": matrix_to_list(model.positional),
        "X": matrix_to_list(model.X),
        "W_Q": matrix_to_list(model.W_Q),
        "W_K": matrix_to_list(model.W_K),
        "W_V": matrix_to_list(model.W_V),
        "Q": matrix_to_list(head.Q),
        "K": matrix_to_list(head.K),
        "V": matrix_to_list(head.V),
        "scores": matrix_to_list(head.scores),
        "mask": np.asarray(head.mask).tolist(),
        "weights": matrix_to_list(head.weights),
        "entropy": entropy_rows(head.weights).tolist(),
        "output": matrix_to_list(head.output),
        "per_head": per_head,
        "concat": matrix_to_list(model.concat),
    }


def export_json(model) -> str:
    return json.dumps(export_state(model), ensure_ascii=False, indent=1)


def image_caption(model) -> list:
    """Return the lines printed under an exported PNG: the step, query and settings."""
    s = model.settings
    n = len(model.tokens)
    if s.heads == 1:
        heads = "1 head"
    else:
        heads = f"{s.heads} heads, head {s.head + 1} shown"
    scaling = "scaled by 1/√d_k" if s.scaled else "not scaled"
    return [
        f"Step {s.step} of {STEP_COUNT}: {s.step_name}. Query token {quoted(model.tokens[s.query])} ({s.query + 1} of {n}).",
        f"d_model {s.d_model}, d_k {s.d_k}, {heads}. Scores {scaling}, temperature {s.temperature:g}, "
        f"causal mask {'on' if s.causal else 'off'}, positional encoding {'on' if s.positional else 'off'}.",
        weights_origin(model),
    ]

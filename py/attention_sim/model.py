"""Everything one frame shows, computed from the settings: tokens, X, weights, heads."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from .attention import AttentionResult, multi_head
from .examples import PRESETS
from .settings import Settings, validate
from .explain import quoted
from .tokens import MAX_TOKENS, positional_encoding, token_embedding, tokenize


class Model(NamedTuple):
    settings: Settings  # validated
    tokens: list  # the tokens shown, at most MAX_TOKENS
    notices: list  # plain sentences about anything cut, clamped or substituted
    dimension_names: list  # d_model names, for the columns of X
    X: np.ndarray  # (n, d_model), positional encoding included when on
    W_Q: np.ndarray  # (d_model, heads * d_k)
    W_K: np.ndarray  # (d_model, heads * d_k)
    W_V: np.ndarray  # (d_model, heads * d_k)
    weights_source: str  # "preset", "preset and seed" (head 1 from the preset) or "seed"
    heads: list  # one AttentionResult per head
    concat: np.ndarray  # (n, heads * d_k) the heads' outputs side by side
    embeddings: np.ndarray  # (n, d_model) X before the positional encoding
    positional: np.ndarray  # (n, d_model) the positional encoding, zeros when off

    @property
    def head(self) -> AttentionResult:
        """The head on view."""
        return self.heads[self.settings.head]


def random_weights(seed: int, d_model: int, width: int) -> tuple:
    """Return W_Q, W_K, W_V of shape (d_model, width), uniform in [-1, 1), 2 decimals."""
    generator = np.random.RandomState(seed)
    return tuple(
        np.round(generator.uniform(-1.0, 1.0, (d_model, width)), 2) for _ in range(3)
    )


def embed(tokens: list, vocabulary: dict, d_model: int, positional: bool) -> tuple:
    """Return (embeddings, positional encoding, X) for the tokens, each (n, d_model)."""
    n = len(tokens)
    rows = [vocabulary.get(token) or token_embedding(token, d_model) for token in tokens]
    embeddings = np.array(rows, dtype=np.float64).reshape(n, d_model)  # (n, d_model)
    if positional:
        encoding = positional_encoding(n, d_model)  # (n, d_model)
    else:
        encoding = np.zeros((n, d_model))  # (n, d_model)
    X = embeddings + encoding  # (n, d_model)
    return embeddings, encoding, X


def choose_weights(preset: dict, settings: Settings) -> tuple:
    """Return (W_Q, W_K, W_V, source) by the rules in examples.py."""
    d_model, d_k, heads = settings.d_model, settings.d_k, settings.heads
    fits = preset["W_Q"] is not None and (d_model, d_k) == (preset["d_model"], preset["d_k"])
    if fits and heads == 1:
        matrices = tuple(np.array(preset[key], dtype=np.float64) for key in ("W_Q", "W_K", "W_V"))
        return matrices + ("preset",)
    W_Q, W_K, W_V = random_weights(settings.seed, d_model, heads * d_k)
    if not fits:
        return W_Q, W_K, W_V, "seed"
    for matrix, key in ((W_Q, "W_Q"), (W_K, "W_K"), (W_V, "W_V")):
        matrix[:, :d_k] = preset[key]  # head 1 keeps the preset's columns
    return W_Q, W_K, W_V, "preset and seed"


def build(settings: Settings) -> Model:
    """Compute the model for the settings, which are validated first.

    The numbers depend neither on the step, the query nor the head on view, so they
    are computed once for each combination of the other settings and cached.
    """
    token_count = min(len(tokenize(settings.sentence)), MAX_TOKENS)
    settings, clamped = validate(settings, token_count)
    numbers = compute(replace(settings, step=1, query=0, head=0))
    return numbers._replace(settings=settings, notices=numbers.notices + clamped)


@lru_cache(maxsize=32)
def compute(settings: Settings) -> Model:
    """Compute every matrix for validated settings; the arrays are read-only."""
    all_tokens = tokenize(settings.sentence)
    tokens = all_tokens[:MAX_TOKENS]
    notices = []
    if len(all_tokens) > MAX_TOKENS:
        notices.append(
            f"The sentence has {len(all_tokens)} tokens; showing the first {MAX_TOKENS}."
        )
    preset = PRESETS[settings.preset]
    d_model = settings.d_model

    vocabulary = preset["vocabulary"] if d_model == preset["d_model"] else {}
    embeddings, encoding, X = embed(tokens, vocabulary, d_model, settings.positional)
    unknown = [token for token in dict.fromkeys(tokens) if token not in vocabulary]
    if vocabulary and unknown:
        listed = ", ".join(quoted(token) for token in unknown[:4])
        more = f" and {len(unknown) - 4} more" if len(unknown) > 4 else ""
        notices.append(
            f"Not in the {preset['name']} vocabulary, so embedded from their text: {listed}{more}."
        )

    W_Q, W_K, W_V, source = choose_weights(preset, settings)
    if preset["W_Q"] is not None and source == "seed":
        notices.append(
            f"The {preset['name']} weights need d_model {preset['d_model']} and "
            f"d_k {preset['d_k']}; using random weights from seed {settings.seed}."
        )
    names = preset["dimension_names"] if d_model == preset["d_model"] else None
    dimension_names = list(names) if names else [f"d{i}" for i in range(d_model)]

    results, concat = multi_head(
        X, W_Q, W_K, W_V, settings.heads, settings.scaled, settings.causal, settings.temperature
    )
    for array in (X, W_Q, W_K, W_V, concat, embeddings, encoding):
        array.flags.writeable = False
    for result in results:
        for array in result:
            array.flags.writeable = False
    return Model(
        settings, tokens, notices, dimension_names, X, W_Q, W_K, W_V, source, results,
        concat, embeddings, encoding,
    )

"""Presets, as data: a sentence, embeddings for its tokens and the projection weights.

How a preset applies when the reader changes the sentence or the dimensions:

- Embeddings: a token in the preset's vocabulary gets the preset's vector while
  d_model equals the preset's d_model. Any other token, or any other d_model, gets
  the deterministic embedding of its text (tokens.token_embedding).
- Weights: while d_model and d_k equal the preset's, head 1 uses the preset's W_Q,
  W_K and W_V, and any further heads get random weights from the reader's seed.
  With other dimensions, every head gets random weights from the seed.

A preset whose W_Q is None ("random") always takes its weights from the seed.
"""

from __future__ import annotations

CLASSIC = {
    "name": "classic",
    "label": "Classic: The cat sat down",
    "sentence": "The cat sat down",
    "d_model": 4,
    "d_k": 2,
    "heads": 1,
    "dimension_names": None,
    "vocabulary": {
        "The": [0.8, 0.2, 0.5, 0.1],
        "cat": [0.3, 0.9, 0.1, 0.6],
        "sat": [0.1, 0.4, 0.8, 0.3],
        "down": [0.6, 0.1, 0.3, 0.7],
    },
    "W_Q": [[0.5, 0.3], [0.2, 0.6], [0.4, 0.1], [0.3, 0.5]],
    "W_K": [[0.4, 0.2], [0.3, 0.5], [0.1, 0.4], [0.5, 0.3]],
    "W_V": [[0.6, 0.2], [0.1, 0.5], [0.3, 0.4], [0.2, 0.6]],
    "query": 0,
}

# Hand-made embeddings whose dimensions have meanings, and weights chosen so that the
# pronoun "it" looks for an animate noun: its query matches the key of "animal" and
# no other (92% of its attention, scaled, at temperature 1). The adjective "tired"
# and the verbs look for the animate noun too, more weakly; the function words have
# a zero query, so their rows are uniform.
PRONOUN = {
    "name": "pronoun",
    "label": "Pronoun: what does “it” refer to?",
    "sentence": "The animal did not cross the street because it was tired",
    "d_model": 6,
    "d_k": 2,
    "heads": 1,
    "dimension_names": ["animate", "place", "pronoun", "verb", "adjective", "function"],
    "vocabulary": {
        "The": [0.0, 0.0, 0.0, 0.0, 0.0, 1.0],
        "animal": [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        "did": [0.0, 0.0, 0.0, 0.5, 0.0, 0.5],
        "not": [0.0, 0.0, 0.0, 0.0, 0.0, 1.0],
        "cross": [0.0, 0.0, 0.0, 1.0, 0.0, 0.0],
        "the": [0.0, 0.0, 0.0, 0.0, 0.0, 1.0],
        "street": [0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
        "because": [0.0, 0.0, 0.0, 0.0, 0.0, 1.0],
        "it": [0.0, 0.0, 1.0, 0.0, 0.0, 0.0],
        "was": [0.0, 0.0, 0.0, 1.0, 0.0, 0.0],
        "tired": [0.0, 0.0, 0.0, 0.0, 1.0, 0.0],
    },
    # Query columns: "looks for an animate noun", "looks for a place".
    "W_Q": [[0, 0], [0, 0], [4.5, 0], [2, 1], [2.5, 0], [0, 0]],
    # Key columns: "is an animate noun", "is a place".
    "W_K": [[1.5, 0], [0, 1.5], [0, 0], [0, 0], [0, 0], [0, 0]],
    # Value columns: "animate", "place", so the output says what a token took in.
    "W_V": [[1, 0], [0, 1], [0, 0], [0, 0], [0, 0], [0, 0]],
    "query": 8,
}

RANDOM = {
    "name": "random",
    "label": "Random weights from a seed",
    "sentence": "The quick brown fox jumps over the lazy dog",
    "d_model": 8,
    "d_k": 4,
    "heads": 1,
    "dimension_names": None,
    "vocabulary": {},
    "W_Q": None,
    "W_K": None,
    "W_V": None,
    "query": 0,
}

PRESETS = {preset["name"]: preset for preset in (CLASSIC, PRONOUN, RANDOM)}
DEFAULT_PRESET = "classic"

"""Presets, as data: a sentence, embeddings for its tokens and the projection weights.

A preset's matrices apply while d_model, d_k and the number of heads equal its own.
Tokens outside its vocabulary, or other dimensions, fall back to the deterministic
embeddings of tokens.py and to random weights from the reader's seed.
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
# pronoun "it" (and the adjective "tired") look for an animate noun: the query of "it"
# matches the key of "animal" far better than any other key.
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
    # Query columns: "looks for an animate noun", "looks for a verb".
    "W_Q": [[0, 0], [0, 0], [3, 0], [0, 0], [2, 1], [0, 0]],
    # Key columns: "is an animate noun", "is a verb"; a place is a weak distractor.
    "W_K": [[1.5, 0], [0.5, 0], [0, 0], [0, 1.5], [0, 0], [0, 0]],
    # Value columns: "animate", "place", so the output says what "it" took in.
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

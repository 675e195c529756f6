"""Tokenising a sentence, token embeddings and sinusoidal positional encoding.

A token's embedding depends on its text only, so the same token gets the same vector
in any sentence and on any machine. The positional encoding is the sinusoid of
"Attention Is All You Need" (Vaswani et al. 2017, section 3.5).
"""

from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache

import numpy as np

MAX_TOKENS = 16

# Invisible characters that separate tokens like a space: zero-width space, word
# joiner, byte order mark, and the bidirectional marks, embeddings, overrides and
# isolates, which could otherwise reorder the text drawn around them. The zero-width
# joiner and non-joiner (U+200D, U+200C) are kept, because emoji sequences and several
# scripts need them inside a word.
INVISIBLE_SEPARATORS = frozenset(
    "\u200b\u2060\ufeff\u061c\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def isolate(text: str) -> str:
    """Return text inside Unicode directional isolates if it has right-to-left letters.

    Placed in a left-to-right sentence, an Arabic or Hebrew token otherwise pulls the
    neighbouring numbers and punctuation into its own direction, so that
    “مرحبا” (28.6%) would be drawn with the number inside the quotes.
    """
    if any(unicodedata.bidirectional(char) in ("R", "AL") for char in text):
        return "\u2068" + text + "\u2069"  # first strong isolate ... pop isolate
    return text


def _is_punctuation(char: str) -> bool:
    # Math and currency symbols (Sm, Sc) such as < = + $ split words too, so that
    # "<b>x</b>" and "a+b" read as they are written. Modifier and other symbols (Sk,
    # So) stay inside words, because emoji and their skin-tone modifiers are among them.
    category = unicodedata.category(char)
    return category.startswith("P") or category in ("Sm", "Sc")


def _is_separator(char: str) -> bool:
    # Control characters (category Cc, such as NUL or ESC) have no glyph to draw.
    return (
        char.isspace()
        or char in INVISIBLE_SEPARATORS
        or unicodedata.category(char) == "Cc"
    )


def _draws_nothing(word: list) -> bool:
    """True for a run of combining marks and format characters only, which has no glyph."""
    return all(unicodedata.category(char) in ("Mn", "Me", "Cf") for char in word)


def _extends_previous(char: str) -> bool:
    """True for a character that belongs to the one before it, never alone.

    Combining marks (such as U+0338 in a decomposed "≠"), variation selectors, the
    keycap U+20E3 (all category M) and the zero-width joiner.
    """
    return unicodedata.category(char).startswith("M") or char == "\u200d"


def tokenize(sentence: str) -> list:
    """Split on whitespace, with each punctuation character as a token of its own.

    A word is a maximal run of characters that are neither separators nor
    punctuation (Unicode category P, and math and currency symbols), so emoji with
    modifiers or joiners and letters with combining marks stay whole. Marks and
    joiners right after a punctuation character stay with it, as in "↔️" or "#️⃣".
    A word of marks and format characters alone, which draws nothing, is dropped.
    Returns every token; callers cut the list to MAX_TOKENS.
    """
    tokens = []
    word = []
    after_punctuation = False  # the last token is a punctuation character and its marks
    for char in sentence:
        if after_punctuation and _extends_previous(char):
            tokens[-1] += char
            continue
        after_punctuation = False
        if _is_separator(char) or _is_punctuation(char):
            if word and not _draws_nothing(word):
                tokens.append("".join(word))
            word = []
            if _is_punctuation(char):
                tokens.append(char)
                after_punctuation = True
        else:
            word.append(char)
    if word and not _draws_nothing(word):
        tokens.append("".join(word))
    return tokens


def token_embedding(token: str, d_model: int) -> np.ndarray:
    """Return a deterministic embedding of d_model values in [0, 1) for the token.

    The vector depends only on the token's text in Unicode normal form NFC (so a
    precomposed "é" and "e" plus a combining accent agree): its SHA-256 digest seeds
    numpy's legacy RandomState, whose stream numpy keeps stable across versions. A
    longer d_model extends the shorter vector, so the first values stay the same.
    """
    return np.array(_embedding_values(unicodedata.normalize("NFC", token), d_model))


@lru_cache(maxsize=4096)
def _embedding_values(text: str, d_model: int) -> tuple:
    # Cached, because seeding a RandomState is the slowest part of building a model.
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    seed = int.from_bytes(digest[:4], "little")
    values = np.random.RandomState(seed).uniform(0.0, 1.0, d_model)  # (d_model,)
    return tuple(np.round(values, 2).tolist())


def positional_encoding(n: int, d_model: int) -> np.ndarray:
    """Return the sinusoidal positional encoding for n positions, shape (n, d_model).

    PE[pos, 2i] = sin(pos / 10000^(2i / d_model)) and
    PE[pos, 2i + 1] = cos(pos / 10000^(2i / d_model)).
    """
    positions = np.arange(n, dtype=np.float64)[:, None]  # (n, 1)
    even = np.arange(0, d_model, 2, dtype=np.float64)  # (ceil(d_model / 2),)
    angles = positions / np.power(10000.0, even / d_model)  # (n, ceil(d_model / 2))
    encoding = np.zeros((n, d_model))  # (n, d_model)
    encoding[:, 0::2] = np.sin(angles)
    encoding[:, 1::2] = np.cos(angles[:, : d_model // 2])
    return encoding

"""Tokenising, deterministic token embeddings and the sinusoidal positional encoding."""

import hashlib
import math
import unicodedata

import numpy as np
import pytest

from attention_sim.model import build
from attention_sim.settings import Settings
from attention_sim.tokens import MAX_TOKENS, positional_encoding, token_embedding, tokenize


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("The cat sat down", ["The", "cat", "sat", "down"]),
        ("  spaced\tout\nwords  ", ["spaced", "out", "words"]),
        ("Hello, world!", ["Hello", ",", "world", "!"]),
        ("don't", ["don", "'", "t"]),
        ("...", [".", ".", "."]),
        ("“quoted”", ["“", "quoted", "”"]),
        ("<b>bold</b>", ["<", "b", ">", "bold", "<", "/", "b", ">"]),
        ("a+b=$5", ["a", "+", "b", "=", "$", "5"]),
        ("x² ^ `", ["x²", "^", "`"]),
        ("", []),
        ("   \t\n ", []),
    ],
)
def test_tokenize_words_and_punctuation(sentence, expected):
    assert tokenize(sentence) == expected


def test_tokenize_keeps_emoji_sequences_whole():
    thumbs = "\U0001F44D\U0001F3FD"  # thumbs up with a skin-tone modifier
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"  # joined by ZWJ
    flag = "\U0001F1EB\U0001F1F7"  # regional indicators
    assert tokenize(f"{thumbs} {family} {flag}") == [thumbs, family, flag]


def test_tokenize_keeps_combining_marks():
    decomposed = "cafe\u0301"
    assert tokenize(f"{decomposed} au lait") == [decomposed, "au", "lait"]


def test_tokenize_cjk_and_rtl():
    assert tokenize("我 爱 你。") == ["我", "爱", "你", "。"]
    assert tokenize("مرحبا بالعالم") == ["مرحبا", "بالعالم"]
    assert tokenize("שלום עולם!") == ["שלום", "עולם", "!"]


def test_tokenize_html_stays_literal_text():
    tokens = tokenize('<img src=x onerror="alert(1)">')
    assert "".join(tokens) == '<imgsrc=xonerror="alert(1)">'
    assert tokens[:2] == ["<", "img"]
    assert "(" in tokens
    assert '"' in tokens


def test_tokenize_drops_controls_and_invisible_separators():
    assert tokenize("a\x00b\x1bc") == ["a", "b", "c"]
    assert tokenize("zero\u200bwidth") == ["zero", "width"]
    assert tokenize("\u202eevil\u202c text") == ["evil", "text"]
    assert tokenize("\u200b\u2060\ufeff") == []


def test_tokenize_returns_every_token():
    words = [f"w{i}" for i in range(40)]
    assert tokenize(" ".join(words)) == words


def test_model_cuts_to_max_tokens_with_notice():
    model = build(Settings(preset="random", sentence=" ".join(f"w{i}" for i in range(20))))
    assert len(model.tokens) == MAX_TOKENS
    assert model.tokens[-1] == "w15"
    assert any("20 tokens" in notice and "first 16" in notice for notice in model.notices)


def reference_embedding(token, d_model):
    """The documented derivation: SHA-256 of the NFC text seeds a legacy RandomState."""
    digest = hashlib.sha256(unicodedata.normalize("NFC", token).encode("utf-8")).digest()
    state = np.random.RandomState(int.from_bytes(digest[:4], "little"))
    return np.round(state.uniform(0.0, 1.0, d_model), 2)


@pytest.mark.parametrize("token", ["cat", "The", "😀", "我", "مرحبا", "<b>", "x" * 500])
def test_embedding_follows_documented_derivation(token):
    for d_model in (2, 7, 16):
        vector = token_embedding(token, d_model)
        assert vector.shape == (d_model,)
        np.testing.assert_array_equal(vector, reference_embedding(token, d_model))
        assert (vector >= 0).all() and (vector <= 1).all()


def test_embedding_same_in_any_sentence():
    first = build(Settings(preset="random", sentence="dog bites man", d_model=8))
    second = build(Settings(preset="random", sentence="man bites dog !", d_model=8))
    np.testing.assert_array_equal(first.X[0], second.X[2])  # "dog"
    np.testing.assert_array_equal(first.X[2], second.X[0])  # "man"
    np.testing.assert_array_equal(first.X[1], second.X[1])  # "bites"


def test_embedding_longer_extends_shorter():
    np.testing.assert_array_equal(token_embedding("cat", 16)[:4], token_embedding("cat", 4))


def test_embedding_distinct_tokens_differ():
    vectors = {tuple(token_embedding(token, 8)) for token in ("cat", "Cat", "cats", "dog", "")}
    assert len(vectors) == 5


def test_embedding_nfc_equivalent_texts_agree():
    np.testing.assert_array_equal(token_embedding("caf\u00e9", 8), token_embedding("cafe\u0301", 8))


def paper_encoding(n, d_model):
    """PE(pos, 2i) = sin(pos / 10000^(2i/d_model)), PE(pos, 2i+1) = cos(same angle)."""
    table = []
    for pos in range(n):
        row = []
        for column in range(d_model):
            i = column // 2
            angle = pos / 10000 ** (2 * i / d_model)
            row.append(math.sin(angle) if column % 2 == 0 else math.cos(angle))
        table.append(row)
    return table


@pytest.mark.parametrize("n, d_model", [(1, 2), (4, 4), (16, 16), (5, 3), (9, 7)])
def test_positional_encoding_matches_paper(n, d_model):
    encoding = positional_encoding(n, d_model)
    assert encoding.shape == (n, d_model)
    np.testing.assert_allclose(encoding, paper_encoding(n, d_model), rtol=0, atol=1e-12)


def test_positional_encoding_first_position():
    np.testing.assert_array_equal(positional_encoding(3, 6)[0], [0, 1, 0, 1, 0, 1])


def test_positional_encoding_switch_adds_to_x():
    off = build(Settings(positional=False))
    on = build(Settings(positional=True))
    np.testing.assert_array_equal(off.X, on.embeddings)
    np.testing.assert_allclose(on.X, on.embeddings + positional_encoding(4, 4), rtol=0, atol=0)
    assert not off.positional.any()


def test_isolate_wraps_only_right_to_left_text():
    from attention_sim.tokens import isolate

    assert isolate("cat") == "cat"
    assert isolate("我") == "我"
    assert isolate("مرحبا") == "\u2068مرحبا\u2069"
    assert isolate("שלום!") == "\u2068שלום!\u2069"
    assert tokenize(isolate("مرحبا") + " x") == ["مرحبا", "x"], "a pasted isolate is dropped"


def test_tokenize_drops_words_without_glyph():
    # A combining grapheme joiner, a soft hyphen, a variation selector and a tag
    # character draw nothing alone. Beside a letter they stay part of its word.
    assert tokenize("a \u034f b \u00ad\ufe0f c \U000e0041") == ["a", "b", "c"]
    assert tokenize("e\u0301 \u034f") == ["e\u0301"]
    assert tokenize("\u034f\u00ad") == []


def test_marks_stay_with_punctuation():
    assert tokenize("a =\u0338 b") == ["a", "=\u0338", "b"]
    assert tokenize("x<\u20d2y") == ["x", "<\u20d2", "y"]
    assert tokenize("go ↔\ufe0f now") == ["go", "↔\ufe0f", "now"]
    assert tokenize("#\ufe0f\u20e3 1") == ["#\ufe0f\u20e3", "1"]

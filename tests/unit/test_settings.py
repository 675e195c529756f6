"""Settings: validation and the change that each control makes."""

from dataclasses import replace

import pytest

from attention_sim.examples import PRESETS
from attention_sim.settings import (
    Settings,
    next_seed,
    preset_settings,
    validate,
    with_heads,
    with_preset,
    with_seed,
    with_sentence,
)


def test_defaults_are_classic_example():
    s = Settings()
    assert (s.preset, s.sentence, s.d_model, s.d_k, s.heads) == ("classic", "The cat sat down", 4, 2, 1)
    assert s.scaled
    assert not s.causal
    assert not s.positional
    assert s.temperature == 1.0
    assert s.step == 1
    assert s.query == 0


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("step", 0, 1), ("step", 9, 5), ("query", -1, 0), ("query", 7, 3),
        ("d_model", 1, 2), ("d_model", 40, 16), ("d_k", 0, 1), ("d_k", 17, 16),
        ("heads", 0, 1), ("heads", 5, 4), ("seed", -3, 0), ("seed", 2**31, 2**31 - 1),
        ("temperature", 0.01, 0.1), ("temperature", 50.0, 10.0), ("temperature", float("nan"), 1.0),
        ("temperature", float("inf"), 1.0),
    ],
)  # fmt: skip
def test_validate_clamps_with_notice(field, value, expected):
    checked, notices = validate(replace(Settings(), **{field: value}), token_count=4)
    assert getattr(checked, field) == expected
    assert len(notices) == 1, notices
    assert field in notices[0], notices


def test_validate_head_within_heads():
    checked, notices = validate(Settings(heads=2, head=3), token_count=4)
    assert checked.head == 1
    assert any("head" in notice for notice in notices)


def test_validate_unknown_preset():
    checked, notices = validate(Settings(preset="nope"), token_count=4)
    assert checked.preset == "classic"
    assert "nope" in notices[0]


def test_validate_valid_settings_unchanged():
    settings = Settings(step=3, query=2, d_model=16, d_k=16, heads=4, head=3, temperature=0.1)
    assert validate(settings, token_count=4) == (settings, [])


def test_sentence_empty_keeps_last():
    settings = Settings(query=2)
    for text in ("", "   ", "\t\n", "\u200b\u200b"):
        kept, reason = with_sentence(settings, text)
        assert kept is settings, repr(text)
        assert reason, repr(text)
        assert "keeping" in reason, repr(text)


def test_sentence_moves_query_when_shorter():
    changed, reason = with_sentence(Settings(query=3), "Hello there")
    assert reason is None
    assert changed.sentence == "Hello there"
    assert changed.query == 1


def test_sentence_keeps_query_when_it_fits():
    changed, _ = with_sentence(Settings(query=2), "one two three four five")
    assert changed.query == 2


def test_sentence_query_bounded_by_shown_tokens():
    changed, _ = with_sentence(Settings(query=15), " ".join(["w"] * 30))
    assert changed.query == 15
    changed, _ = with_sentence(Settings(query=15), "a b")
    assert changed.query == 1


def test_preset_resets_its_fields_only():
    before = Settings(step=4, scaled=False, causal=True, temperature=2.5, positional=True, seed=9, d_model=16, heads=3)
    after = with_preset(before, "pronoun")
    pronoun = PRESETS["pronoun"]
    assert (after.sentence, after.query, after.d_model, after.d_k, after.heads) == (
        pronoun["sentence"], pronoun["query"], pronoun["d_model"], pronoun["d_k"], pronoun["heads"],
    )
    assert (after.step, after.scaled, after.causal, after.temperature, after.positional, after.seed) == (
        4, False, True, 2.5, True, 9,
    )


def test_heads_keep_head_when_possible():
    assert with_heads(Settings(heads=4, head=2), 3).head == 2
    assert with_heads(Settings(heads=4, head=3), 2).head == 1
    assert with_heads(Settings(heads=2, head=1), 1).head == 0


def test_seed_switches_presets_with_weights_to_random():
    for name in ("classic", "pronoun"):
        base = replace(preset_settings(name), step=3)
        seeded = with_seed(base, 42)
        assert seeded.preset == "random"
        assert seeded.seed == 42
        assert (seeded.sentence, seeded.d_model, seeded.d_k, seeded.step) == (base.sentence, base.d_model, base.d_k, 3)
    assert with_seed(preset_settings("random"), 7).preset == "random"


@pytest.mark.parametrize("draw", [0.0, 0.123456, 0.5, 0.99999])
def test_next_seed_differs_and_stays_short(draw):
    for seed in (0, int(draw * 100000), 99999):
        new = next_seed(seed, draw)
        assert new != seed
        assert 0 <= new < 100000

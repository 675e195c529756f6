"""Settings in the URL: round trip, query by token text, and every malformed value."""

from dataclasses import replace

import pytest

from attention_sim.settings import FIELD_NAMES, Settings, preset_settings
from attention_sim.urlstate import KEYS, clean_search, format_state, parse_state

ROUND_TRIP = [
    Settings(),
    Settings(step=4, causal=True),
    replace(preset_settings("pronoun"), step=4, causal=True),
    replace(preset_settings("pronoun"), query=0),
    replace(preset_settings("random"), seed=12345, heads=4, head=3, d_model=16, d_k=16),
    Settings(scaled=False, temperature=0.3, positional=True),
    Settings(temperature=9.9, step=5, query=3),
    Settings(temperature=0.1),
    Settings(sentence="a & b = c # d % e + f ? g", query=4),
    Settings(sentence="the cat saw the cat", query=3),  # repeated token: written as an index
    Settings(sentence="1 2 3", query=1),  # numeric token: written as an index
    Settings(sentence="Hello, 世界! 👋🏽 مرحبا", query=5),
    Settings(sentence="<script>alert(1)</script>", query=2),
    Settings(sentence="  spaces   around  ", query=1),
    Settings(sentence="Ünïcödé", preset="random", seed=2**31 - 1),
    Settings(heads=2, head=1),
]


@pytest.mark.parametrize("settings", ROUND_TRIP, ids=range(len(ROUND_TRIP)))
def test_round_trip(settings):
    fragment = format_state(settings)
    assert " " not in fragment
    assert "#" not in fragment
    parsed, ignored = parse_state("", "#" + fragment)
    assert ignored == []
    assert parsed == settings, fragment


def test_defaults_write_empty_fragment():
    assert format_state(Settings()) == ""
    assert format_state(preset_settings("pronoun")) == "preset=pronoun"


def test_teacher_link_by_token_text():
    settings, ignored = parse_state("", "#preset=pronoun&step=4&causal=1&query=it")
    assert ignored == []
    assert (settings.preset, settings.step, settings.causal) == ("pronoun", 4, True)
    assert settings.query == 8


def test_query_written_as_text_when_unique():
    assert "query=cat" in format_state(Settings(query=1))
    assert "query=3" in format_state(Settings(sentence="the cat saw the cat", query=3))


def test_query_text_case_insensitive_first_match():
    settings, ignored = parse_state("", "#query=DOWN")
    assert ignored == []
    assert settings.query == 3
    settings, _ = parse_state("", "#preset=pronoun&query=the")
    assert settings.query == 5  # "the" before "The" in case-sensitive order


def test_every_field_has_a_key():
    assert set(KEYS) == set(FIELD_NAMES)


MALFORMED = [
    ("step=0", "step"), ("step=6", "step"), ("step=abc", "step"), ("step=", "step"),
    ("step", "step"), ("step=1.5", "step"), ("step=" + "9" * 30, "step"), ("step=４", "step"),
    ("d_model=1", "d_model"), ("d_model=17", "d_model"), ("d_model=-4", "d_model"),
    ("d_k=0", "d_k"), ("d_k=99", "d_k"), ("heads=0", "heads"), ("heads=5", "heads"),
    ("head=1", "head"), ("head=-1", "head"), ("head=x", "head"),
    ("scaled=maybe", "scaled"), ("causal=2", "causal"), ("positional=", "positional"),
    ("temperature=0", "temperature"), ("temperature=0.05", "temperature"),
    ("temperature=10.5", "temperature"), ("temperature=nan", "temperature"),
    ("temperature=inf", "temperature"), ("temperature=1e400", "temperature"),
    ("temperature=-1", "temperature"), ("temperature=1,5", "temperature"),
    ("temperature=" + "1" * 100, "temperature"),
    ("seed=-1", "seed"), ("seed=2147483648", "seed"), ("seed=0x10", "seed"),
    ("preset=nope", "preset"), ("preset=", "preset"),
    ("sentence=", "sentence"), ("sentence=%20%20", "sentence"), ("sentence=%E2%80%8B", "sentence"),
    ("query=99", "query"), ("query=-1", "query"), ("query=zebra", "query"),
    ("colour=red", "colour"), ("%zz=1", "%zz"),
]  # fmt: skip


@pytest.mark.parametrize("fragment, key", MALFORMED)
def test_malformed_value_ignored(fragment, key):
    settings, ignored = parse_state("", "#" + fragment)
    assert len(ignored) == 1, ignored
    assert ignored[0].startswith(key), ignored
    assert settings == Settings(), "the defaults stay"


def test_malformed_keeps_other_values():
    settings, ignored = parse_state("", "#step=3&d_k=banana&causal=1")
    assert (settings.step, settings.d_k, settings.causal) == (3, 2, True)
    assert len(ignored) == 1
    assert ignored[0].startswith("d_k=banana")


def test_malformed_value_falls_back_to_preset_default():
    settings, ignored = parse_state("", "#preset=pronoun&d_model=99&query=nothing")
    assert settings == preset_settings("pronoun")
    assert [item.split("=")[0] for item in ignored] == ["d_model", "query"]


def test_repeated_key_uses_later_value():
    settings, ignored = parse_state("", "#step=2&step=4")
    assert settings.step == 4
    assert len(ignored) == 1
    assert "repeated" in ignored[0]
    assert ignored[0].startswith("step=2")


def test_long_value_shortened_in_notice():
    _, ignored = parse_state("", "#preset=" + "x" * 500)
    assert len(ignored[0]) < 80


def test_plus_is_space_and_percent_decoded():
    settings, ignored = parse_state("", "#sentence=the+red%20fox%21")
    assert ignored == []
    assert settings.sentence == "the red fox!"


def test_query_string_read_fragment_wins():
    settings, ignored = parse_state("?step=3&causal=1&lang=fr", "#step=5")
    assert ignored == []
    assert (settings.step, settings.causal) == (5, True)


def test_query_string_malformed_reported():
    settings, ignored = parse_state("?step=nine", "")
    assert settings.step == 1
    assert ignored[0].startswith("step=nine")


def test_head_checked_against_given_heads():
    settings, ignored = parse_state("", "#head=3&heads=4")
    assert ignored == []
    assert (settings.heads, settings.head) == (4, 3)


def test_clean_search_keeps_host_parameters():
    assert clean_search("?step=3&lang=fr&query=it") == "?lang=fr"
    assert clean_search("?step=3") == ""
    assert clean_search("") == ""


def test_invalid_escape_shown_as_written():
    settings, ignored = parse_state("", "#%E0%A4%A=1&step=2")
    assert ignored == ["%e0%a4%a=1 (unknown setting)"]
    assert settings.step == 2


def test_valid_escapes_decoded():
    settings, ignored = parse_state("", "#sentence=caf%C3%A9+au+lait&d_model=%31%36")
    assert ignored == []
    assert settings.sentence == "café au lait"
    assert settings.d_model == 16


def test_value_with_bad_escape_keeps_good_ones():
    settings, ignored = parse_state("", "#sentence=na%EFve+caf%C3%A9&query=caf%C3%A9")
    assert ignored == []
    assert settings.sentence == "na\ufffdve café"
    assert settings.query == 1

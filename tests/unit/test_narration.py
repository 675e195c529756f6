"""Narration: two or three sentences per step, with the live numbers."""

from dataclasses import replace

import numpy as np
import pytest

from attention_sim import narration
from attention_sim.model import build
from attention_sim.settings import Settings, preset_settings
from attention_sim.views.frame import format_number

NARRATORS = (
    narration.narrate_input, narration.narrate_project, narration.narrate_scores,
    narration.narrate_softmax, narration.narrate_output,
)  # fmt: skip
CASES = [
    Settings(),
    Settings(causal=True, temperature=0.4, query=2),
    Settings(heads=3, head=2, positional=True, scaled=False),
    replace(preset_settings("pronoun"), d_k=1),
    Settings(preset="random", sentence="solo", d_model=2, d_k=1),
]


@pytest.mark.parametrize("index", range(len(CASES)))
@pytest.mark.parametrize("step", range(1, 6))
def test_two_or_three_sentences(index, step):
    model = build(replace(CASES[index], step=step))
    sentences = NARRATORS[step - 1](model)
    assert 2 <= len(sentences) <= 3, sentences
    assert all(sentence.endswith(".") for sentence in sentences)
    assert narration.narrate(model) == " ".join(sentences)


def test_input_names_query_vector():
    model = build(Settings(query=1))
    text = narration.narrate(model)
    assert "“cat” is X[1] = [0.30, 0.90, 0.10, 0.60]" in text


def test_input_lists_named_dimensions():
    assert "animate, place, pronoun" in narration.narrate(build(preset_settings("pronoun")))


def test_scores_name_best_key_and_spread():
    model = build(Settings(step=3))
    row = model.head.scores[0]
    text = narration.narrate(model)
    assert f"“cat” ({format_number(row.max())})" in text
    spread = format_number(float(model.head.scores.std()))
    assert f"deviation of {spread} scaled" in text
    assert f"{format_number(float(model.head.raw_scores.std()))} unscaled" in text


def test_scores_mention_mask():
    text = narration.narrate(build(Settings(step=3, causal=True, query=1)))
    assert "sets the 2 scores of later keys to −∞" in text


def test_scores_mask_one_key_singular():
    text = narration.narrate(build(Settings(step=3, causal=True, query=2)))
    assert "sets the score of the later key to −∞" in text


def test_scores_only_visible_key_named():
    model = build(Settings(step=3, causal=True, query=0))
    text = narration.narrate(model)
    expected = f"{format_number(model.head.scores[0, 0])} for “The”, the only key it may see"
    assert expected in text
    assert "every key" not in text


def test_softmax_percent_and_entropy_live():
    model = build(replace(preset_settings("pronoun"), step=4))
    weights = model.head.weights[8]
    entropy = -np.sum(weights * np.log2(weights))
    text = narration.narrate(model)
    assert f"gives {100 * weights.max():.1f}% to “animal”" in text
    assert f"entropy is {format_number(float(entropy))} bits" in text


def test_softmax_uniform_row_named():
    text = narration.narrate(build(replace(preset_settings("pronoun"), step=4, query=0)))
    assert "uniform, every key gets the same weight" in text


def test_softmax_temperature_named():
    assert "Temperature 0.2 sharpens" in narration.narrate(build(Settings(step=4, temperature=0.2)))
    assert "Temperature 5 flattens" in narration.narrate(build(Settings(step=4, temperature=5.0)))


def test_output_concat_with_heads():
    model = build(Settings(step=5, heads=2))
    text = narration.narrate(model)
    assert "concatenated output of 4" in text
    values = ", ".join(format_number(v) for v in model.concat[0])
    assert f"[{values}]" in text


def test_narration_changes_with_query():
    first = narration.narrate(build(Settings(step=4, query=0)))
    second = narration.narrate(build(Settings(step=4, query=3)))
    assert first != second


def test_scores_tie_not_called_highest_and_lowest():
    model = build(Settings(step=3, sentence="a a a a"))
    text = narration.narrate(model)
    assert "for every key it may see" in text
    assert "highest" not in text


def test_scores_unscaled_not_said_to_prevent_saturation():
    model = build(Settings(step=3, scaled=False))
    text = narration.narrate(model)
    assert "does not saturate" not in text
    assert "without the division by √2" in text


def test_vocabulary_notice_cuts_long_token():
    model = build(replace(preset_settings("pronoun"), sentence="a" * 10_000 + " it"))
    notice = " ".join(model.notices)
    assert len(notice) < 300, notice[:100]

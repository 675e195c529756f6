"""The Python panel: each step's snippets still match the package's source."""

from dataclasses import replace
from pathlib import Path

import pytest

from attention_sim import codeview
from attention_sim.codeview import STEP_CODE, code_blocks, code_key, find_lines, segments
from attention_sim.settings import Settings

PY_ROOT = Path(codeview.__file__).resolve().parents[1]


@pytest.mark.parametrize("step", sorted(STEP_CODE))
def test_each_snippet_matches_one_line(step):
    import inspect

    for module, name, snippets, when in STEP_CODE[step]:
        lines = inspect.getsource(getattr(module, name)).splitlines()
        for snippet, index in zip(snippets, find_lines(lines, snippets)):
            assert index is not None, f"step {step}: {snippet!r} is not exactly one line of {name}()"
        assert when in ("always", "positional", "causal", "heads")


def test_every_step_has_code():
    assert sorted(STEP_CODE) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("step", range(1, 6))
def test_blocks_are_the_files_own_lines(step):
    settings = Settings(step=step, positional=True, causal=True, heads=2)
    blocks = code_blocks(settings)
    assert blocks
    for block in blocks:
        file_lines = (PY_ROOT / block.path).read_text(encoding="utf-8").splitlines()
        start = block.first_line - 1
        assert file_lines[start : start + len(block.lines)] == block.lines
        definition = next(line for line in block.lines if not line.startswith("@"))
        assert definition.startswith("def " + block.function)
        assert block.highlighted, f"{block.function} has no highlighted line"


def test_conditional_blocks_follow_settings():
    functions = lambda settings: [block.function for block in code_blocks(settings)]  # noqa: E731
    assert "positional_encoding" not in functions(Settings(step=1))
    assert "positional_encoding" in functions(Settings(step=1, positional=True))
    assert "causal_mask" not in functions(Settings(step=3))
    assert "causal_mask" in functions(Settings(step=3, causal=True))
    assert "multi_head" in functions(Settings(step=5, heads=2))
    assert "multi_head" not in functions(Settings(step=5))


def test_step_two_highlights_projections():
    block = code_blocks(Settings(step=2))[0]
    shown = [block.lines[k].strip() for k in block.highlighted]
    assert [line.split("  #")[0] for line in shown] == ["Q = X @ W_Q", "K = X @ W_K", "V = X @ W_V"]


def test_code_key_changes_with_what_blocks_depend_on():
    base = Settings(step=3)
    assert code_key(base) == code_key(replace(base, query=2, temperature=3.0))
    assert code_key(base) != code_key(replace(base, causal=True))
    assert code_key(base) != code_key(replace(base, step=4))


def test_segments_rebuild_the_lines():
    block = code_blocks(Settings(step=3))[0]
    runs = segments(block)
    lines = [line for _, text in runs for line in text.split("\n")]
    assert lines == [line if line.strip() else " " for line in block.lines]
    assert all(a[0] != b[0] for a, b in zip(runs, runs[1:])), "runs alternate"
    highlighted = [text for flag, text in runs if flag]
    assert any("raw_scores = dot_scores(Q, K)" in text for text in highlighted)

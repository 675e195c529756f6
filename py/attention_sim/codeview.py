"""The numpy lines that compute each step, read from the running package's own files.

Each step names functions of this package and snippets of the lines to highlight in
them. The source comes from inspect, which reads the module's file (in the page, the
file that the page's runtime imported), so the panel cannot drift from the code. A
unit test checks that every snippet matches exactly one line.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from . import attention, model, tokens

# step -> (module, function name, snippets, when) with `when` one of "always",
# "positional", "causal" or "heads", naming the setting that makes the block apply.
STEP_CODE = {
    1: (
        (model, "embed", ("rows = [vocabulary.get", "encoding = positional_encoding(n, d_model)", "X = embeddings + encoding"), "always"),
        (tokens, "_embedding_values", ("digest = hashlib.sha256", "values = np.random.RandomState(seed)"), "always"),
        (tokens, "positional_encoding", ("angles = positions /", "encoding[:, 0::2] = np.sin", "encoding[:, 1::2] = np.cos"), "positional"),
    ),
    2: (
        (attention, "attend", ("Q = X @ W_Q", "K = X @ W_K", "V = X @ W_V"), "always"),
        (attention, "split_heads", ("return [block for block in np.split",), "heads"),
    ),
    3: (
        (attention, "attend", ("raw_scores = dot_scores(Q, K)", "scaled_scores = np.clip(", "raw_scores / scale_factor(d_k, scaled)", "mask = causal_mask(n) if causal", "scores = np.where(mask, scaled_scores, -np.inf)"), "always"),
        (attention, "dot_scores", ("raw = Q @ K.T",), "always"),
        (attention, "scale_factor", ("return float(np.sqrt(d_k)) if scaled",), "always"),
        (attention, "causal_mask", ("return np.tril(",), "causal"),
    ),
    4: (
        (attention, "attend", ("weights = softmax_rows(scores, temperature)",), "always"),
        (attention, "softmax_rows", ("z = np.clip(", "shifted = z - row_max", "exp = np.where(allowed, np.exp(shifted)", "total = exp.sum(", "return np.divide(exp, total"), "always"),
    ),
    5: (
        (attention, "attend", ("output = weights @ V",), "always"),
        (attention, "multi_head", ("concat = np.concatenate(",), "heads"),
    ),
}  # fmt: skip


class _Conditions(NamedTuple):
    positional: bool
    causal: bool
    heads: int


class CodeBlock(NamedTuple):
    path: str  # the file, relative to the package's parent folder
    function: str
    first_line: int  # 1-based line number of the function's first line in the file
    lines: list  # the function's source lines, without line endings
    highlighted: tuple  # 0-based indices into lines


def applies(when: str, settings) -> bool:
    if when == "positional":
        return settings.positional
    if when == "causal":
        return settings.causal
    if when == "heads":
        return settings.heads > 1
    return True


def find_lines(lines: list, snippets: tuple) -> tuple:
    """Return the index of the one line that starts with each snippet (None if not one)."""
    found = []
    for snippet in snippets:
        matches = [k for k, line in enumerate(lines) if line.strip().startswith(snippet)]
        found.append(matches[0] if len(matches) == 1 else None)
    return tuple(found)


def module_path(module) -> str:
    parts = module.__name__.split(".")
    return "/".join(parts) + ".py"


def code_blocks(settings) -> list:
    """Return the blocks of source that compute settings.step, highlighted."""
    return list(_code_blocks(code_key(settings)))


@lru_cache(maxsize=None)
def _code_blocks(key: tuple) -> tuple:
    # Cached, because the files do not change while the page runs and inspect is
    # slow in the page's runtime.
    import inspect  # imported here: the panel is closed on most visits

    step, positional, causal, several_heads = key
    settings = _Conditions(positional, causal, 2 if several_heads else 1)
    blocks = []
    for module, name, snippets, when in STEP_CODE[step]:
        if not applies(when, settings):
            continue
        source, first_line = inspect.getsourcelines(getattr(module, name))
        lines = [line.rstrip("\n") for line in source]
        found = find_lines(lines, snippets)
        highlighted = tuple(k for k in found if k is not None)
        blocks.append(CodeBlock(module_path(module), name, first_line, lines, highlighted))
    return tuple(blocks)


def code_key(settings) -> tuple:
    """Return what the blocks depend on, so the page rebuilds the panel only on change."""
    return (settings.step, settings.positional, settings.causal, settings.heads > 1)


def segments(block) -> list:
    """Split a code block into runs of (highlighted, text), one line per text line.

    An empty line is a space, so that a run ending in one keeps its height.
    """
    runs = []
    for index, line in enumerate(block.lines):
        highlighted = index in block.highlighted
        text = line if line.strip() else " "
        if runs and runs[-1][0] == highlighted:
            runs[-1][1].append(text)
        else:
            runs.append((highlighted, [text]))
    return [(highlighted, "\n".join(lines)) for highlighted, lines in runs]

"""Two or three sentences that explain the current step with the live numbers."""

from __future__ import annotations

import numpy as np

from .explain import quoted
from .stats import scaling_effect, summarize_rows
from .views.frame import format_number

MAX_LISTED = 6  # vector entries written out before "…"
NEAR_UNIFORM = 0.95  # a row with this share of the maximum entropy is close to uniform


def num(value: float) -> str:
    """Format a number with 2 decimals, as the diagram's cells show it."""
    return format_number(float(value), 2)


def vector(values) -> str:
    shown = [num(v) for v in list(values)[:MAX_LISTED]]
    if len(values) > MAX_LISTED:
        shown.append("…")
    return "[" + ", ".join(shown) + "]"


def percent(weight: float) -> str:
    return f"{100 * weight:.1f}%"


def narrate(model) -> str:
    """Return the narration of the step in model.settings.step."""
    narrators = (narrate_input, narrate_project, narrate_scores, narrate_softmax, narrate_output)
    return " ".join(narrators[model.settings.step - 1](model))


def weights_origin(model) -> str:
    s = model.settings
    if model.weights_source == "preset":
        return f"The weights are those of the {s.preset} preset."
    if model.weights_source == "preset and seed":
        return f"Head 1 has the {s.preset} preset's weights; the others are random from seed {s.seed}."
    return f"The weights are random, from seed {s.seed}."


def narrate_input(model) -> list:
    s = model.settings
    n, d_model = model.X.shape
    token = quoted(model.tokens[s.query])
    plural = "token" if n == 1 else "tokens"
    source = "its embedding plus the sinusoidal positional encoding of its place" if s.positional else "its embedding"
    sentences = [
        f"The sentence is split into {n} {plural}, and each becomes a row of X: "
        f"d_model = {d_model} numbers, {source}.",
        f"The query {token} is X[{s.query}] = {vector(model.X[s.query])}.",
    ]
    if model.dimension_names != [f"d{k}" for k in range(d_model)]:
        names = ", ".join(model.dimension_names)
        sentences.append(f"The dimensions have meanings here: {names}.")
    return sentences


def narrate_project(model) -> list:
    s = model.settings
    head = model.head
    d_model = model.X.shape[1]
    d_k = head.Q.shape[1]
    i = s.query
    sentences = [
        f"Three matrices of {d_model} × {d_k} turn each row of X into a query, a key and "
        f"a value: Q = X·W_Q, K = X·W_K, V = X·W_V.",
        f"For {quoted(model.tokens[i])}, q = {vector(head.Q[i])}, k = {vector(head.K[i])} "
        f"and v = {vector(head.V[i])}.",
    ]
    if s.heads > 1:
        sentences.append(
            f"With {s.heads} heads, each head has its own {d_k} columns of W_Q, W_K and W_V; "
            f"this is head {s.head + 1}."
        )
    else:
        sentences.append(weights_origin(model))
    return sentences


def narrate_scores(model) -> list:
    s = model.settings
    head = model.head
    i = s.query
    d_k = head.Q.shape[1]
    row = head.scores[i]
    visible = np.flatnonzero(head.mask[i])
    best = int(visible[np.argmax(row[visible])])
    worst = int(visible[np.argmin(row[visible])])
    effect = scaling_effect(head.raw_scores, head.mask, d_k, s.temperature)
    scale = f", divided by √{d_k} = {num(effect.divisor)}" if s.scaled else ", not scaled"
    if len(visible) == 1:
        extremes = f"{num(row[best])} for {quoted(model.tokens[best])}, the only key it may see"
    elif num(row[best]) == num(row[worst]):
        extremes = f"{num(row[best])} for every key it may see"
    else:
        extremes = (
            f"highest for {quoted(model.tokens[best])} ({num(row[best])}), lowest for "
            f"{quoted(model.tokens[worst])} ({num(row[worst])})"
        )
    sentences = [
        f"The score of {quoted(model.tokens[i])} for each key is the dot product q·k{scale}: "
        f"{extremes}.",
    ]
    spread = (
        f"The scores spread with a standard deviation of {num(effect.spread_scaled)} "
        f"scaled and {num(effect.spread_unscaled)} unscaled"
    )
    if d_k == 1:
        sentences.append(spread + ": with d_k = 1, √d_k = 1 changes nothing.")
    elif not s.scaled:
        sentences.append(
            spread + f": without the division by √{d_k}, they grow with d_k and push "
            "softmax towards one key."
        )
    else:
        sentences.append(
            spread + f": dividing by √{d_k} keeps them from growing with d_k, "
            "so softmax does not saturate."
        )
    hidden = len(model.tokens) - len(visible)
    if s.causal and hidden:
        if hidden == 1:
            sentences.append("The causal mask sets the score of the later key to −∞.")
        else:
            sentences.append(f"The causal mask sets the {hidden} scores of later keys to −∞.")
    return sentences


def narrate_softmax(model) -> list:
    s = model.settings
    head = model.head
    i = s.query
    d_k = head.Q.shape[1]
    row = head.weights[i]
    best = int(np.argmax(row))
    summary = summarize_rows(head.weights, head.mask)
    effect = scaling_effect(head.raw_scores, head.mask, d_k, s.temperature)
    t = f", divided by the temperature {s.temperature:g}," if s.temperature != 1 else ""
    sentences = [
        f"Softmax exponentiates each score{t} and divides by the row's sum of "
        "exponentials, so the weights are positive and each row sums to 1.",
    ]
    shape = ""
    if summary.uniform[i]:
        shape = ": uniform, every key gets the same weight"
    elif summary.one_hot[i]:
        shape = ": one-hot, almost all on one key"
    elif summary.entropy[i] >= NEAR_UNIFORM * summary.max_entropy[i] > 0:
        shape = ": close to uniform"
    sentences.append(
        f"{quoted(model.tokens[i])} gives {percent(row[best])} to "
        f"{quoted(model.tokens[best])}; its entropy is {num(summary.entropy[i])} bits of "
        f"at most {num(summary.max_entropy[i])}{shape}."
    )
    if s.temperature != 1:
        effect_word = "sharpens" if s.temperature < 1 else "flattens"
        sentences.append(f"Temperature {s.temperature:g} {effect_word} every row.")
    else:
        sentences.append(
            f"Mean entropy per row: {num(effect.entropy_scaled)} bits scaled, "
            f"{num(effect.entropy_unscaled)} unscaled."
        )
    return sentences


def narrate_output(model) -> list:
    s = model.settings
    head = model.head
    i = s.query
    n = len(model.tokens)
    terms = [f"{num(head.weights[i, j])}·v[{j}]" for j in range(min(n, 4))]
    if n > 4:
        terms.append("…")
    sentences = [
        f"The output for {quoted(model.tokens[i])} is the sum of the value rows, each "
        f"multiplied by its weight: {' + '.join(terms)} = {vector(head.output[i])}.",
    ]
    if s.heads > 1:
        d_k = head.Q.shape[1]
        sentences.append(
            f"Each of the {s.heads} heads gives {d_k} numbers; side by side they make the "
            f"concatenated output of {s.heads * d_k}: {vector(model.concat[i])}."
        )
    else:
        sentences.append("It mixes what the query attended to, in proportion to the weights.")
    return sentences

"""The arithmetic behind one drawn cell, with the model's actual numbers.

`explain(model, region)` takes a hit region of a frame ({kind, matrix, row, col, ...},
see views/frame.py) and returns plain text lines for a tooltip: the formula, the
numbers substituted into it, and the result. Numbers show at most 3 decimals, so a
sum of rounded terms can differ from the rounded result in its last digit.
"""

from __future__ import annotations

import math

import numpy as np

from .stats import summarize_rows
from .tokens import isolate

MAX_TOKEN_CHARS = 20
MAX_TERMS = 16  # longer sums are cut with "…", which only happens for d_model > 16
LARGE_EXPONENT = 30.0  # beyond this, weights are explained with the row maximum subtracted


def num(value: float, digits: int = 3) -> str:
    """Format a number with up to `digits` decimals, "−" for minus, no trailing zeros.

    Very large and very small magnitudes get 3 significant digits, as m×10^e.
    """
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "−∞" if value < 0 else "∞"
    if abs(value) >= 1e6 or 0 < abs(value) < 0.5 * 10**-digits:
        mantissa, _, exponent = f"{value:.2e}".partition("e")
        text = f"{float(mantissa):g}×10^{int(exponent)}"
    else:
        text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace("-", "−")


def term(value: float) -> str:
    """Format a number inside a sum, with brackets around a negative one."""
    text = num(value)
    return f"({text})" if text.startswith("−") else text


def quoted(token: str) -> str:
    if len(token) > MAX_TOKEN_CHARS:
        token = token[: MAX_TOKEN_CHARS - 1] + "…"
    return "“" + isolate(token) + "”"


def joined(parts: list, separator: str = " + ") -> str:
    if len(parts) > MAX_TERMS:
        parts = parts[:MAX_TERMS] + ["…"]
    return separator.join(parts)


def products(a, b) -> str:
    return joined([f"{term(x)} × {term(y)}" for x, y in zip(a, b)])


def explain(model, region: dict) -> list:
    """Return the lines that explain the region, or [] for a region without arithmetic."""
    kind = region.get("kind")
    if kind == "token":
        return explain_token(model, int(region["row"]))
    if kind != "cell":
        return []
    matrix = region.get("matrix")
    row = int(region.get("row", 0))
    col = int(region.get("col", 0))
    head = int(region.get("head", model.settings.head))
    explainers = {
        "X": explain_x,
        "Q": explain_projection,
        "K": explain_projection,
        "V": explain_projection,
        "scores": explain_score,
        "weights": explain_weight,
        "row_sum": explain_row_sum,
        "entropy": explain_entropy,
        "output": explain_output,
        "concat": explain_concat,
    }
    explainer = explainers.get(matrix)
    if explainer is None:
        return []
    return explainer(model, matrix, row, col, head)


def explain_token(model, i: int) -> list:
    tokens = model.tokens
    lines = [f"{quoted(tokens[i])}: token {i + 1} of {len(tokens)}"]
    if i == model.settings.query:
        lines.append("This is the query token.")
    else:
        lines.append("Click, tap or press Enter to make it the query.")
    return lines


def explain_x(model, matrix, i, j, head) -> list:
    token = quoted(model.tokens[i])
    name = model.dimension_names[j]
    value = model.X[i, j]
    lines = [f"X[{i}, {j}] = {num(value)}: dimension {name} of {token}"]
    if model.settings.positional:
        d_model = model.X.shape[1]
        even = j - j % 2
        function = "sin" if j % 2 == 0 else "cos"
        embedding = model.embeddings[i, j]
        encoding = model.positional[i, j]
        lines.append("= embedding + positional encoding")
        lines.append(
            f"= {num(embedding)} + {function}({i} / 10000^({even}/{d_model}))"
            f" = {num(embedding)} + {term(encoding)} = {num(value)}"
        )
    else:
        lines.append("The token's embedding; the same text always gets the same vector.")
    return lines


def explain_projection(model, matrix, i, c, head) -> list:
    result = model.heads[head]
    d_k = result.Q.shape[1]
    column = head * d_k + c
    weights = {"Q": model.W_Q, "K": model.W_K, "V": model.W_V}[matrix]
    value = getattr(result, matrix)[i, c]
    lines = [
        f"{matrix}[{i}, {c}] of {quoted(model.tokens[i])} = Σₖ X[{i}, k] · W_{matrix}[k, {column}]",
        "= " + products(model.X[i], weights[:, column]),
        f"= {num(value)}",
    ]
    if model.settings.heads > 1:
        lines.append(
            f"Head {head + 1} uses columns {head * d_k} to {head * d_k + d_k - 1} of W_{matrix}."
        )
    return lines


def explain_score(model, matrix, i, j, head) -> list:
    result = model.heads[head]
    query, key = quoted(model.tokens[i]), quoted(model.tokens[j])
    lines = [f"score of query {query} for key {key}"]
    if not result.mask[i, j]:
        lines.append(
            f"Masked: the causal mask hides keys after the query ({j} > {i}), so the "
            "score is −∞ and, after softmax, the weight is exactly 0."
        )
        return lines
    d_k = result.Q.shape[1]
    raw = result.raw_scores[i, j]
    dot = "(" + products(result.Q[i], result.K[j]) + ")"
    if model.settings.scaled:
        divisor = math.sqrt(d_k)
        lines.append(f"= Q[{i}] · K[{j}] / √{d_k}")
        lines.append(f"= {dot} / {num(divisor)}")
        lines.append(f"= {num(raw)} / {num(divisor)} = {num(result.scores[i, j])}")
    else:
        lines.append(f"= Q[{i}] · K[{j}] (not scaled)")
        lines.append(f"= {dot[1:-1]}")
        lines.append(f"= {num(raw)}")
    return lines


def explain_weight(model, matrix, i, j, head) -> list:
    result = model.heads[head]
    query, key = quoted(model.tokens[i]), quoted(model.tokens[j])
    temperature = model.settings.temperature
    lines = [f"weight of key {key} for query {query}"]
    if not result.mask[i, j]:
        lines.append("= 0, because the causal mask set its score to −∞ and exp(−∞) = 0.")
        return lines
    visible = np.flatnonzero(result.mask[i])
    z = result.scores[i, visible] / temperature  # (m,)
    t = "" if temperature == 1 else f" / {num(temperature)}"
    largest = float(z.max())
    shift = largest if abs(largest) > LARGE_EXPONENT else 0.0
    exponentials = np.exp(z - shift)  # (m,)
    mine = float(np.exp(result.scores[i, j] / temperature - shift))
    total = float(exponentials.sum())
    if shift:
        lines.append(f"= exp(s{t} − m) / Σ exp(s{t} − m), with m = {num(shift)} the row's largest")
    else:
        lines.append(f"= exp(score{t}) / Σ over the row of exp(score{t})")
    if len(visible) <= 6 and not shift:
        lines.append(f"= exp({num(z[list(visible).index(j)])}) / ("
                     + joined([f"exp({num(v)})" for v in z]) + ")")
    lines.append(f"= {num(mine)} / (" + joined([num(v) for v in exponentials]) + ")")
    lines.append(f"= {num(mine)} / {num(total)} = {num(result.weights[i, j])}")
    if len(visible) < len(model.tokens):
        lines.append("Masked keys add exp(−∞) = 0 to the sum.")
    return lines


def explain_row_sum(model, matrix, i, col, head) -> list:
    weights = model.heads[head].weights[i]
    return [
        f"sum of the weights of {quoted(model.tokens[i])}",
        "= " + joined([num(w) for w in weights]),
        f"= {num(weights.sum())}: softmax makes every row sum to 1.",
    ]


def explain_entropy(model, matrix, i, col, head) -> list:
    result = model.heads[head]
    summary = summarize_rows(result.weights, result.mask)
    weights = result.weights[i][result.mask[i]]
    visible = len(weights)
    parts = [f"{num(w)} × log₂ {num(w)}" for w in weights if w > 0]
    lines = [
        f"entropy of the weights of {quoted(model.tokens[i])}",
        "H = −Σ w · log₂ w = −(" + joined(parts) + ")",
        f"= {num(summary.entropy[i])} bits",
        f"Uniform over its {visible} keys gives log₂ {visible} = "
        f"{num(summary.max_entropy[i])} bits; one key alone gives 0.",
    ]
    if summary.uniform[i]:
        lines.append("This row is uniform: every key it sees gets the same weight.")
    elif summary.one_hot[i]:
        lines.append("This row is one-hot: one key gets almost all the weight.")
    return lines


def explain_output(model, matrix, i, c, head) -> list:
    result = model.heads[head]
    return [
        f"output[{i}, {c}] of {quoted(model.tokens[i])} = Σⱼ weights[{i}, j] · V[j, {c}]",
        "= " + products(result.weights[i], result.V[:, c]),
        f"= {num(result.output[i, c])}",
    ]


def explain_concat(model, matrix, i, col, head) -> list:
    d_k = model.heads[0].output.shape[1]
    source, c = divmod(col, d_k)
    return [
        f"concat[{i}, {col}] = output[{i}, {c}] of head {source + 1} = {num(model.concat[i, col])}",
        f"The heads' outputs side by side: head h fills columns (h − 1)·{d_k} to h·{d_k} − 1.",
    ]

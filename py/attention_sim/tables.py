"""The numbers of the current step as plain tables: the diagram's text twin.

A screen reader cannot read a canvas, so the page also lists every matrix that the
current step draws as an HTML table. Tokens label the rows, and the columns too for
the n × n score and weight matrices. The query's row is marked in its header. This
module only builds the tables as data. site/tables.js turns them into <table>
elements, writing every text through textContent.
"""

from __future__ import annotations

import json
from typing import NamedTuple, Optional

from .narration import num
from .stats import summarize_rows

QUERY_MARK = " (chosen query)"
MAX_LABEL_CHARS = 40  # a longer token is cut in headers, as the diagram cuts it
QUERY_KEY_CORNER = "query (row), key (column)"


class Table(NamedTuple):
    caption: str
    corner: str  # the header above the row headers
    columns: list  # column headers
    row_headers: list
    rows: list  # one list of cell texts per row
    current_row: Optional[int]  # the query's row, or None


def label(index: int, token: str) -> str:
    if len(token) > MAX_LABEL_CHARS:
        token = token[: MAX_LABEL_CHARS - 1] + "…"
    return f"{index}: {token}"


def row_labels(tokens: list, query: int) -> list:
    """Return the tokens as row headers, numbered, with the query's marked."""
    labels = [label(index, token) for index, token in enumerate(tokens)]
    labels[query] += QUERY_MARK
    return labels


def matrix_table(caption: str, model, matrix, columns: list, corner: str = "token") -> Table:
    s = model.settings
    rows = [[num(value) for value in row] for row in matrix]
    return Table(caption, corner, columns, row_labels(model.tokens, s.query), rows, s.query)


def head_suffix(model) -> str:
    s = model.settings
    return f", head {s.head + 1} of {s.heads}" if s.heads > 1 else ""


def input_tables(model) -> list:
    n, d_model = model.X.shape
    source = "embedding + positional encoding" if model.settings.positional else "embedding"
    caption = f"X, one row per token ({source}), {n} × {d_model}"
    return [matrix_table(caption, model, model.X, list(model.dimension_names))]


def project_tables(model) -> list:
    head = model.head
    suffix = head_suffix(model)
    tables = []
    for name, matrix in (("Q", head.Q), ("K", head.K), ("V", head.V)):
        n, width = matrix.shape
        columns = [f"{name.lower()}{k}" for k in range(width)]
        caption = f"{name} = X·W_{name}{suffix}, {n} × {width}"
        tables.append(matrix_table(caption, model, matrix, columns))
    return tables


def key_columns(tokens: list) -> list:
    return [label(index, token) for index, token in enumerate(tokens)]


def scores_tables(model) -> list:
    s = model.settings
    head = model.head
    n = len(model.tokens)
    scale = f" / √{s.d_k}" if s.scaled else ""
    caption = f"scores = Q·Kᵀ{scale}{head_suffix(model)}, {n} × {n}; rows are queries, columns are keys"
    rows = []
    for i in range(n):
        rows.append([num(head.scores[i, j]) if head.mask[i, j] else "masked (−∞)" for j in range(n)])
    table = Table(caption, QUERY_KEY_CORNER, key_columns(model.tokens), row_labels(model.tokens, s.query), rows, s.query)
    return [table]


def softmax_tables(model) -> list:
    s = model.settings
    head = model.head
    n = len(model.tokens)
    summary = summarize_rows(head.weights, head.mask)
    temperature = f" / {s.temperature:g}" if s.temperature != 1 else ""
    caption = f"weights = softmax(scores{temperature}){head_suffix(model)}, {n} × {n}; each row sums to 1"
    rows = []
    for i in range(n):
        cells = [num(head.weights[i, j]) if head.mask[i, j] else "0 (masked)" for j in range(n)]
        cells.append(num(head.weights[i].sum()))
        entropy = num(summary.entropy[i])
        if summary.uniform[i]:
            entropy += " (uniform)"
        elif summary.one_hot[i]:
            entropy += " (one-hot)"
        cells.append(entropy)
        rows.append(cells)
    columns = key_columns(model.tokens) + ["row sum", "entropy (bits)"]
    table = Table(caption, QUERY_KEY_CORNER, columns, row_labels(model.tokens, s.query), rows, s.query)
    return [table]


def output_tables(model) -> list:
    s = model.settings
    head = model.head
    query = s.query
    token = label(query, model.tokens[query])
    weight_rows = []
    for j in range(len(model.tokens)):
        weight = float(head.weights[query, j])
        if head.mask[query, j]:
            weight_rows.append([num(weight), f"{100 * weight:.1f}%"])
        else:
            weight_rows.append(["0 (masked)", "0% (masked)"])
    weights = Table(
        f"Weights of the query “{token}”{head_suffix(model)}",
        "key",
        ["weight", "percent"],
        key_columns(model.tokens),
        weight_rows,
        None,
    )
    n, d_v = head.output.shape
    values = matrix_table(f"V{head_suffix(model)}, {n} × {d_v}", model, head.V, [f"v{k}" for k in range(d_v)])
    columns = [f"out{k}" for k in range(d_v)]
    caption = f"output = weights · V{head_suffix(model)}, {n} × {d_v}"
    tables = [weights, values, matrix_table(caption, model, head.output, columns)]
    if s.heads > 1:
        width = model.concat.shape[1]
        columns = [f"h{k // s.d_k + 1}.{k % s.d_k}" for k in range(width)]
        caption = f"concat = [head 1 | … | head {s.heads}], {n} × {width}"
        tables.append(matrix_table(caption, model, model.concat, columns))
    return tables


STEP_TABLES = (input_tables, project_tables, scores_tables, softmax_tables, output_tables)


def step_tables(model) -> list:
    """Return the tables of the step in model.settings.step."""
    return STEP_TABLES[model.settings.step - 1](model)


def tables_json(model) -> str:
    """Return the step's tables as JSON for site/tables.js."""
    return json.dumps([table._asdict() for table in step_tables(model)], ensure_ascii=False)

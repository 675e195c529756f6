"""Tables, the diagram's text twin: headers, the query's row and the numbers."""

from dataclasses import replace
import json
import math

import pytest

from attention_sim.model import build
from attention_sim.settings import Settings
from attention_sim.tables import step_tables, tables_json

# The classic example's X and weights, as in the original MicroSim.
X = [[0.8, 0.2, 0.5, 0.1], [0.3, 0.9, 0.1, 0.6], [0.1, 0.4, 0.8, 0.3], [0.6, 0.1, 0.3, 0.7]]
W_Q = [[0.5, 0.3], [0.2, 0.6], [0.4, 0.1], [0.3, 0.5]]
W_K = [[0.4, 0.2], [0.3, 0.5], [0.1, 0.4], [0.5, 0.3]]
W_V = [[0.6, 0.2], [0.1, 0.5], [0.3, 0.4], [0.2, 0.6]]
TOKENS = ["The", "cat", "sat", "down"]


def project(W):
    return [[sum(X[i][m] * W[m][j] for m in range(4)) for j in range(2)] for i in range(4)]


def scores(causal=False):
    Q, K = project(W_Q), project(W_K)
    rows = []
    for i in range(4):
        row = []
        for j in range(4):
            if causal and j > i:
                row.append(None)
            else:
                row.append(sum(Q[i][m] * K[j][m] for m in range(2)) / math.sqrt(2))
        rows.append(row)
    return rows


def softmax(row):
    visible = [value for value in row if value is not None]
    top = max(visible)
    total = sum(math.exp(value - top) for value in visible)
    return [0.0 if value is None else math.exp(value - top) / total for value in row]


def cell(value):
    return f"{value:.2f}".replace("-", "−")


def tables_of(step, **changes):
    return step_tables(build(replace(Settings(step=step), **changes)))


def test_input_table_is_x():
    (table,) = tables_of(1, query=2)
    assert table.columns == ["d0", "d1", "d2", "d3"]
    assert table.rows == [[cell(v) for v in row] for row in X]
    assert table.row_headers == ["0: The", "1: cat", "2: sat (chosen query)", "3: down"]
    assert table.current_row == 2


def test_project_tables_are_q_k_v():
    tables = tables_of(2)
    assert [t.caption.split(" ")[0] for t in tables] == ["Q", "K", "V"]
    for table, W in zip(tables, (W_Q, W_K, W_V)):
        assert table.rows == [[cell(v) for v in row] for row in project(W)]
        assert len(table.columns) == 2


def test_scores_table_masks_future_keys():
    (table,) = tables_of(3, causal=True, query=1)
    expected = scores(causal=True)
    for i in range(4):
        for j in range(4):
            shown = table.rows[i][j]
            if j > i:
                assert shown == "masked (−∞)", (i, j)
            else:
                assert shown == cell(expected[i][j]), (i, j)
    assert table.columns == ["0: The", "1: cat", "2: sat", "3: down"]
    assert "/ √2" in table.caption


def test_softmax_table_rows_and_sums():
    (table,) = tables_of(4, causal=True)
    expected = scores(causal=True)
    for i in range(4):
        weights = softmax(expected[i])
        shown = table.rows[i]
        for j in range(4):
            assert shown[j] == ("0 (masked)" if j > i else cell(weights[j])), (i, j)
        assert shown[4] == "1.00"
    assert table.columns[-2:] == ["row sum", "entropy (bits)"]
    assert table.rows[0][5] == "0.00"  # "The" may attend only to itself


def test_softmax_table_marks_uniform_rows():
    # Four equal tokens have equal keys, so every row is uniform: log2(4) bits.
    model = build(Settings(step=4, sentence="a a a a"))
    (table,) = step_tables(model)
    assert [row[-1] for row in table.rows] == ["2.00 (uniform)"] * 4


def test_output_tables_for_query():
    weights_table, values_table, output_table = tables_of(5, query=1)
    weights = softmax(scores()[1])
    assert weights_table.row_headers == ["0: The", "1: cat", "2: sat", "3: down"]
    assert [row[0] for row in weights_table.rows] == [cell(w) for w in weights]
    assert [row[1] for row in weights_table.rows] == [f"{100 * w:.1f}%" for w in weights]
    V = project(W_V)
    assert values_table.rows == [[cell(v) for v in row] for row in V]
    expected = [[sum(softmax(scores()[i])[j] * V[j][k] for j in range(4)) for k in range(2)] for i in range(4)]
    assert output_table.rows == [[cell(v) for v in row] for row in expected]
    assert output_table.current_row == 1


def test_output_tables_with_heads():
    tables = tables_of(5, heads=3, head=1)
    concat = tables[-1]
    assert concat.caption.startswith("concat")
    assert len(concat.columns) == 3 * 2
    assert all("head 2 of 3" in table.caption for table in tables[:2])


@pytest.mark.parametrize("step", range(1, 6))
def test_tables_are_rectangular(step):
    model = build(Settings(step=step, sentence="a b c d e f g h i j k l m n o p", heads=2, causal=True))
    for table in step_tables(model):
        assert len(table.rows) == len(table.row_headers)
        for row in table.rows:
            assert len(row) == len(table.columns), table.caption
        for row in table.rows:
            for text in row:
                assert "nan" not in text.lower(), text
                assert "inf" not in text.lower(), text


def test_long_token_cut_in_headers():
    (table,) = tables_of(4, sentence="a" * 10_000 + " b")
    assert table.row_headers[0] == "0: " + "a" * 39 + "… (chosen query)"
    assert table.columns[0] == "0: " + "a" * 39 + "…"


def test_output_masked_weights_marked():
    weights_table = tables_of(5, causal=True, query=1)[0]
    assert weights_table.rows[2] == ["0 (masked)", "0% (masked)"]


def test_tables_json_round_trip():
    model = build(Settings(step=5, heads=2))
    decoded = json.loads(tables_json(model))
    assert [table["caption"] for table in decoded] == [table.caption for table in step_tables(model)]
    assert decoded[0]["columns"] == ["weight", "percent"]

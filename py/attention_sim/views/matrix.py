"""The full attention matrix: every query's weights, for every head, at once.

Each head's weights are an n × n heatmap; the query's row is outlined and the other
rows are veiled, so that the chosen row is emphasised and the rest stay readable.
"""

from __future__ import annotations

import math

from .common import MARGIN, draw_title, row_label_width
from .frame import Frame
from .heatmap import draw_heatmap, fit_cell, heatmap_size

MIN_PANEL_WIDTH = 220
PANEL_GAP = 16
TITLE_HEIGHT = 22


def matrix_height(width: float, heads: int) -> float:
    """Return the canvas height for the matrix view: one 300 px band per row of heads."""
    columns = grid_columns(width, heads)
    return 300.0 * math.ceil(heads / columns)


def grid_columns(width: float, heads: int) -> int:
    fitting = int((width - 2 * MARGIN + PANEL_GAP) // (MIN_PANEL_WIDTH + PANEL_GAP))
    return max(1, min(heads, fitting))


def layout_matrix(model, width: float, height: float) -> Frame:
    frame = Frame(width, height)
    s = model.settings
    n = len(model.tokens)
    heads = s.heads
    columns = grid_columns(width, heads)
    rows = math.ceil(heads / columns)
    panel_w = (width - 2 * MARGIN - PANEL_GAP * (columns - 1)) / columns
    panel_h = (height - 2 * MARGIN - PANEL_GAP * (rows - 1)) / rows
    label_width = row_label_width(model.tokens, min(80.0, panel_w * 0.25))
    for h, result in enumerate(model.heads):
        row, column = divmod(h, columns)
        x = MARGIN + column * (panel_w + PANEL_GAP)
        y = MARGIN + row * (panel_h + PANEL_GAP)
        name = f"Head {h + 1} weights" if heads > 1 else "Weights"
        draw_title(frame, x, y, f"{name} ({n} × {n}), rows: queries", panel_w)
        top = y + TITLE_HEIGHT
        cell_w, cell_h = fit_cell(panel_w, panel_h - TITLE_HEIGHT, n, n, label_width, 17)
        matrix_w, _ = heatmap_size(n, n, cell_w, cell_h, label_width)
        left = x + max(0.0, (panel_w - matrix_w) / 2)
        high = max(float(result.weights.max()), 1e-12)
        draw_heatmap(
            frame, "weights", result.weights, left, top, cell_w, cell_h, model.tokens,
            model.tokens, label_width, highlight_row=s.query, low=0.0, high=high,
            masked=~result.mask, masked_text="0", head=h, dim_others=True,
        )
    return frame

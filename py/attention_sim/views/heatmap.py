"""A labelled matrix drawn as a heatmap, with a colour legend."""

from __future__ import annotations

import math

import numpy as np

from ..colors import (
    SCALE_HEX,
    SCALE_TEXT,
    VEILED_HEX,
    VEILED_TEXT,
    hex_color,
    hex_to_rgb,
    scale_indices,
    veiled_rgb,
    viridis_rgb,
)
from .common import fit_text, text_width
from .frame import FONT_SIZE, INK, MUTED, OUTLINE, Frame, format_number

LABEL_SIZE = 11
MAX_CELL = 72
MIN_TEXT_CELL_WIDTH = 26  # narrower cells show colour only; hover shows the value
MIN_TEXT_CELL_HEIGHT = 12
MASKED_FILL = "#d0d7de"
MASKED_LINES = "#8c959f"
VEILED_MASKED_FILL = hex_color(veiled_rgb(hex_to_rgb(MASKED_FILL)))


def fit_cell(width: float, height: float, rows: int, cols: int, label_width: float, label_height: float) -> tuple:
    """Return (cell width, cell height) so that a rows × cols heatmap fits the box."""
    cell_w = (width - label_width) / max(cols, 1)
    cell_h = (height - label_height) / max(rows, 1)
    cell_w = max(2.0, min(cell_w, MAX_CELL, cell_h * 2.2))
    cell_h = max(2.0, min(cell_h, MAX_CELL * 0.7, cell_w))
    return cell_w, cell_h


def column_labels(labels: list, cell_w: float) -> list:
    """Return (x offset, text, max width, align) for the column labels that fit.

    Labels that fit are all shown, centred. Otherwise each label that does not fit is
    shortened with "…" if at least three characters of it remain, else every k-th
    label is shown whole, starting at its column's left edge, with k as small as the
    widest label allows.
    """
    if not labels:
        return []
    room = cell_w - 2
    if all(text_width(label, LABEL_SIZE) <= room for label in labels):
        return [((j + 0.5) * cell_w, label, room, "center") for j, label in enumerate(labels)]
    shortened = [fit_text(label, room, LABEL_SIZE) for label in labels]
    if all(text == label or len(text) >= 4 for label, text in zip(labels, shortened)):
        return [((j + 0.5) * cell_w, text, room, "center") for j, text in enumerate(shortened)]
    widest = max(text_width(label, LABEL_SIZE) for label in labels) + 2
    stride = math.ceil(widest / cell_w)
    shown = []
    for j in range(0, len(labels), stride):
        span = min(stride, len(labels) - j) * cell_w
        if span >= widest:
            shown.append((j * cell_w + 1, labels[j], span - 2, "left"))
    return shown


def value_range(matrix: np.ndarray, low=None, high=None) -> tuple:
    finite = matrix[np.isfinite(matrix)]
    if low is None:
        low = float(finite.min()) if finite.size else 0.0
    if high is None:
        high = float(finite.max()) if finite.size else 1.0
    return low, high


def draw_heatmap(
    frame: Frame,
    name: str,
    matrix: np.ndarray,
    x: float,
    y: float,
    cell_w: float,
    cell_h: float,
    row_labels: list,
    col_labels: list,
    label_width: float,
    highlight_row=None,
    low=None,
    high=None,
    masked=None,
    masked_text="",
    row_index=None,
    head=None,
    dim_others=False,
) -> tuple:
    """Draw the matrix with its top-left cell at (x + label_width, y + label height).

    Returns (low, high), the values at the two ends of the colour scale. Cells where
    `masked` is True are drawn grey and hatched, with masked_text in place of a value.
    row_index gives the matrix row that each drawn row is (default: the same), for
    regions; head, when given, is recorded in every cell region. Row labels are
    tokens, so each gets a "token" region. With dim_others, rows other than
    highlight_row are veiled so that the highlighted row is emphasised.
    """
    rows, cols = matrix.shape
    low, high = value_range(matrix, low, high)
    label_height = LABEL_SIZE + 6 if col_labels else 0
    left = x + label_width
    top = y + label_height
    show_text = cell_w >= MIN_TEXT_CELL_WIDTH and cell_h >= MIN_TEXT_CELL_HEIGHT
    text_size = min(FONT_SIZE, max(8, int(cell_h * 0.55)), max(8, int(cell_w / 4.2)))
    extra = {} if head is None else {"head": head}
    if row_index is None:
        row_index = list(range(rows))

    for offset, text, width, align in column_labels(col_labels or [], cell_w):
        frame.text(left + offset, y + LABEL_SIZE / 2 + 1, text, MUTED, LABEL_SIZE, align, max_width=width)
    label_size = min(LABEL_SIZE, max(7, int(cell_h * 0.9)))
    for i in range(rows):
        cy = top + i * cell_h
        if row_labels and label_width > 8:
            bold = i == highlight_row
            text = fit_text(row_labels[i], label_width - 6, label_size)
            if cell_h >= 7:
                frame.text(left - 4, cy + cell_h / 2, text, INK if bold else MUTED, label_size, "right", bold, max_width=label_width - 6)
            # The matrix (and head) in the key keep this label apart from the other
            # token regions of the frame, which the keyboard cursor finds by key.
            frame.region(x, cy, label_width - 2, cell_h, kind="token", matrix=name, row=row_index[i], **extra)

    # All cells at once: colour indices by numpy, then look-ups, in row-major order.
    values = np.asarray(matrix, dtype=np.float64)  # (rows, cols)
    indices = scale_indices(values, low, high).ravel().tolist()
    # With dim_others, rows other than highlight_row take the veiled scale: lighter
    # colours with their own text colours, so their numbers stay readable.
    veiled = [False] * (rows * cols)
    if dim_others and highlight_row is not None:
        veiled = [i != highlight_row for i in range(rows) for _ in range(cols)]
    fills = [VEILED_HEX[k] if dim else SCALE_HEX[k] for k, dim in zip(indices, veiled)]
    hatched = []
    if masked is not None:
        hatched = np.flatnonzero(np.asarray(masked, dtype=bool)).tolist()
        for k in hatched:
            fills[k] = VEILED_MASKED_FILL if veiled[k] else MASKED_FILL
    texts = colors = None
    if show_text:
        texts = [format_number(v) for v in values.ravel().tolist()]
        colors = [VEILED_TEXT[k] if dim else SCALE_TEXT[k] for k, dim in zip(indices, veiled)]
        for k in hatched:
            texts[k] = masked_text
            colors[k] = INK
    frame.cells(left, top, cell_w, cell_h, rows, cols, fills, hatched, MASKED_LINES, texts, colors, text_size)
    frame.grid_regions(left, top, cell_w, cell_h, row_index, cols, matrix=name, **extra)
    frame.stroke(left, top, cols * cell_w, rows * cell_h, MASKED_LINES, 1)
    if highlight_row is not None and 0 <= highlight_row < rows:
        frame.stroke(left - 1, top + highlight_row * cell_h - 1, cols * cell_w + 2, cell_h + 2, OUTLINE, 2.5)
        frame.region(left, top + highlight_row * cell_h, cols * cell_w, cell_h, kind="query-row", matrix=name, row=row_index[highlight_row], **extra)
    return low, high


def heatmap_size(rows: int, cols: int, cell_w: float, cell_h: float, label_width: float, with_col_labels: bool = True) -> tuple:
    label_height = LABEL_SIZE + 6 if with_col_labels else 0
    return label_width + cols * cell_w, label_height + rows * cell_h


LEGEND_STEPS = 24
LEGEND_COLORS = tuple(hex_color(viridis_rgb((k + 0.5) / LEGEND_STEPS)) for k in range(LEGEND_STEPS))


def draw_legend(frame: Frame, x: float, y: float, width: float, low: float, high: float, title: str) -> None:
    """Draw a horizontal colour bar from low to high, width pixels wide, 10 high."""
    step_w = width / LEGEND_STEPS
    for k, color in enumerate(LEGEND_COLORS):
        frame.rect(x + k * step_w, y, step_w + 0.5, 10, color)
    frame.stroke(x, y, width, 10, MASKED_LINES, 1)
    frame.text(x, y + 19, format_number(low), MUTED, 10, "left", max_width=width / 2)
    frame.text(x + width, y + 19, format_number(high), MUTED, 10, "right", max_width=width / 2)
    frame.text(x - 4, y + 5, title, MUTED, 10, "right", max_width=x)

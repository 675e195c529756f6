"""A labelled matrix drawn as a heatmap, with a colour legend."""

from __future__ import annotations

import math

import numpy as np

from ..colors import hex_color, text_color_on, viridis_rgb
from .frame import FONT_SIZE, INK, MUTED, OUTLINE, Frame, format_number

LABEL_SIZE = 11
MAX_CELL = 72
MIN_TEXT_CELL_WIDTH = 26  # narrower cells show colour only; hover shows the value
MIN_TEXT_CELL_HEIGHT = 12


def fit_cell(width: float, height: float, rows: int, cols: int, label_width: float, label_height: float) -> tuple:
    """Return (cell width, cell height) so that a rows × cols heatmap fits the box."""
    cell_w = (width - label_width) / max(cols, 1)
    cell_h = (height - label_height) / max(rows, 1)
    cell_w = max(2.0, min(cell_w, MAX_CELL, cell_h * 2.2))
    cell_h = max(2.0, min(cell_h, MAX_CELL * 0.7, cell_w))
    return cell_w, cell_h


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
) -> tuple:
    """Draw the matrix with its top-left cell at (x + label_width, y + label height).

    Returns (low, high), the values at the two ends of the colour scale. Cells where
    `masked` is True are drawn grey and hatched, with masked_text in place of a value.
    """
    rows, cols = matrix.shape
    low, high = value_range(matrix, low, high)
    span = high - low if high > low else 1.0
    label_height = LABEL_SIZE + 6 if col_labels else 0
    left = x + label_width
    top = y + label_height
    show_text = cell_w >= MIN_TEXT_CELL_WIDTH and cell_h >= MIN_TEXT_CELL_HEIGHT
    text_size = min(FONT_SIZE, max(8, int(cell_h * 0.55)), max(8, int(cell_w / 4.2)))

    for j, label in enumerate(col_labels or []):
        frame.text(left + (j + 0.5) * cell_w, y + LABEL_SIZE / 2 + 1, label, MUTED, LABEL_SIZE, "center", max_width=cell_w - 2)
    for i in range(rows):
        cy = top + i * cell_h
        if row_labels:
            bold = i == highlight_row
            frame.text(left - 4, cy + cell_h / 2, row_labels[i], INK if bold else MUTED, LABEL_SIZE, "right", bold, max_width=label_width - 6)
        for j in range(cols):
            cx = left + j * cell_w
            value = float(matrix[i, j])
            is_masked = masked is not None and bool(masked[i, j])
            if is_masked:
                frame.rect(cx, cy, cell_w, cell_h, "#d0d7de")
                frame.hatch(cx, cy, cell_w, cell_h, "#8c959f")
                if show_text:
                    frame.text(cx + cell_w / 2, cy + cell_h / 2, masked_text, INK, text_size, "center", max_width=cell_w - 2)
            else:
                rgb = viridis_rgb((value - low) / span if math.isfinite(value) else 0.0)
                frame.rect(cx, cy, cell_w, cell_h, hex_color(rgb))
                if show_text:
                    frame.text(cx + cell_w / 2, cy + cell_h / 2, format_number(value), text_color_on(rgb), text_size, "center", max_width=cell_w - 2)
            frame.region(cx, cy, cell_w, cell_h, kind="cell", matrix=name, row=i, col=j)
    frame.stroke(left, top, cols * cell_w, rows * cell_h, "#8c959f", 1)
    if highlight_row is not None and 0 <= highlight_row < rows:
        frame.stroke(left - 1, top + highlight_row * cell_h - 1, cols * cell_w + 2, cell_h + 2, OUTLINE, 2.5)
        frame.region(left, top + highlight_row * cell_h, cols * cell_w, cell_h, kind="query-row", matrix=name, row=highlight_row)
    return low, high


def heatmap_size(rows: int, cols: int, cell_w: float, cell_h: float, label_width: float, with_col_labels: bool = True) -> tuple:
    label_height = LABEL_SIZE + 6 if with_col_labels else 0
    return label_width + cols * cell_w, label_height + rows * cell_h


def draw_legend(frame: Frame, x: float, y: float, width: float, low: float, high: float, title: str) -> None:
    """Draw a horizontal colour bar from low to high, width pixels wide, 10 high."""
    steps = 24
    step_w = width / steps
    for k in range(steps):
        frame.rect(x + k * step_w, y, step_w + 0.5, 10, hex_color(viridis_rgb((k + 0.5) / steps)))
    frame.stroke(x, y, width, 10, "#8c959f", 1)
    frame.text(x, y + 19, format_number(low), MUTED, 10, "left", max_width=width / 2)
    frame.text(x + width, y + 19, format_number(high), MUTED, 10, "right", max_width=width / 2)
    frame.text(x - 4, y + 5, title, MUTED, 10, "right", max_width=x)

"""Step 4, Softmax: each score row turned into weights that sum to 1."""

from __future__ import annotations

import numpy as np

from .common import MARGIN, caption_height, draw_caption, draw_title, quoted
from .frame import MUTED, Frame, format_number
from .heatmap import LABEL_SIZE, draw_heatmap, draw_legend, fit_cell, heatmap_size


def layout_softmax(model, width: float, height: float) -> Frame:
    frame = Frame(width, height)
    s = model.settings
    head = model.head
    n = head.weights.shape[0]
    query = s.query
    row = head.weights[query]
    best = int(np.argmax(row))
    temperature = f" / {s.temperature:g}" if s.temperature != 1 else ""
    caption = (
        f"softmax turns each row of scores{temperature} into weights that are positive and "
        f"sum to 1. {quoted(model.tokens[query])} attends most to "
        f"{quoted(model.tokens[best])} ({100 * row[best]:.1f}%)."
    )
    bottom = height - caption_height(frame, caption) - 30
    suffix = f" (head {s.head + 1})" if s.heads > 1 else ""
    draw_title(frame, MARGIN, MARGIN, f"weights = softmax(scores{temperature}){suffix}  ({n} × {n})", width - 2 * MARGIN)
    top = MARGIN + 22
    label_width = min(90.0, width * 0.22)
    sum_width = 46
    cell_w, cell_h = fit_cell(width - 2 * MARGIN - sum_width, bottom - top, n, n, label_width, 17)
    matrix_w, _ = heatmap_size(n, n, cell_w, cell_h, label_width)
    x = MARGIN + max(0.0, (width - 2 * MARGIN - sum_width - matrix_w) / 2)
    high = max(float(head.weights.max()), 1e-12)
    draw_heatmap(
        frame, "weights", head.weights, x, top, cell_w, cell_h, model.tokens, model.tokens,
        label_width, highlight_row=query, low=0.0, high=high, masked=~head.mask, masked_text="0",
    )
    sums = head.weights.sum(axis=1)  # (n,)
    sum_x = x + matrix_w + 6
    label_top = top + LABEL_SIZE + 6
    frame.text(sum_x + sum_width / 2, top + LABEL_SIZE / 2 + 1, "row Σ", MUTED, LABEL_SIZE, "center", max_width=sum_width)
    if cell_h >= 9:
        for i, total in enumerate(sums):
            frame.text(sum_x + sum_width / 2, label_top + (i + 0.5) * cell_h, format_number(float(total)), MUTED, min(11, int(cell_h * 0.8)), "center", i == query, sum_width)
            frame.region(sum_x, label_top + i * cell_h, sum_width, cell_h, kind="cell", matrix="row_sum", row=i, col=0)
    draw_legend(frame, width - MARGIN - 140, bottom + 4, 140, 0.0, high, "weight")
    draw_caption(frame, caption)
    return frame

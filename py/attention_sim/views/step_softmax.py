"""Step 4, Softmax: each score row turned into weights that sum to 1.

Beside the weights: each row's sum, its entropy in bits, and a mark on rows that
are uniform or one-hot. Below: the mean entropy with and without scaling.
"""

from __future__ import annotations

import numpy as np

from ..stats import scaling_effect, summarize_rows
from .common import MARGIN, caption_height, draw_caption, draw_title, quoted, row_label_width
from .frame import INK, MUTED, Frame, format_number
from .heatmap import LABEL_SIZE, draw_heatmap, draw_legend, fit_cell, heatmap_size
from .step_scores import STATS_HEIGHT, draw_stats

SUM_WIDTH = 40
ENTROPY_WIDTH = 40
NARROW_SUM_WIDTH = 30  # below WIDE_LAYOUT, with numbers of size 10
NARROW_ENTROPY_WIDTH = 32
WIDE_TAG_WIDTH = 50  # room for the words "uniform" and "one-hot"
NARROW_TAG_WIDTH = 14  # room for the marks "=" and "●"
WIDE_LAYOUT = 480


def row_tag(summary, i: int, wide: bool) -> str:
    if summary.uniform[i]:
        return "uniform" if wide else "="
    if summary.one_hot[i]:
        return "one-hot" if wide else "●"
    return ""


def layout_softmax(model, width: float, height: float) -> Frame:
    frame = Frame(width, height)
    s = model.settings
    head = model.head
    n = head.weights.shape[0]
    d_k = head.Q.shape[1]
    query = s.query
    row = head.weights[query]
    best = int(np.argmax(row))
    summary = summarize_rows(head.weights, head.mask)
    temperature = f" / {s.temperature:g}" if s.temperature != 1 else ""
    caption = (
        f"Softmax turns each row of scores{temperature} into weights that are positive and "
        f"sum to 1. {quoted(model.tokens[query])} attends most to "
        f"{quoted(model.tokens[best])} ({100 * row[best]:.1f}%)."
    )
    bottom = height - caption_height(frame, caption) - 30 - STATS_HEIGHT
    suffix = f" (head {s.head + 1})" if s.heads > 1 else ""
    draw_title(frame, MARGIN, MARGIN, f"weights = softmax(scores{temperature}){suffix}  ({n} × {n})", width - 2 * MARGIN)
    top = MARGIN + 22
    label_width = row_label_width(model.tokens, min(90.0, width * 0.22))
    wide = width >= WIDE_LAYOUT
    tag_width = WIDE_TAG_WIDTH if wide else NARROW_TAG_WIDTH
    sum_width = SUM_WIDTH if wide else NARROW_SUM_WIDTH
    entropy_width = ENTROPY_WIDTH if wide else NARROW_ENTROPY_WIDTH
    side_width = sum_width + entropy_width + tag_width
    cell_w, cell_h = fit_cell(width - 2 * MARGIN - side_width - 6, bottom - top, n, n, label_width, 17)
    matrix_w, _ = heatmap_size(n, n, cell_w, cell_h, label_width)
    x = MARGIN + max(0.0, (width - 2 * MARGIN - side_width - 6 - matrix_w) / 2)
    high = max(float(head.weights.max()), 1e-12)
    draw_heatmap(
        frame, "weights", head.weights, x, top, cell_w, cell_h, model.tokens, model.tokens,
        label_width, highlight_row=query, low=0.0, high=high, masked=~head.mask, masked_text="0",
    )

    sums = head.weights.sum(axis=1)  # (n,)
    sum_x = x + matrix_w + 6
    entropy_x = sum_x + sum_width
    tag_x = entropy_x + entropy_width
    label_top = top + LABEL_SIZE + 6
    header_y = top + LABEL_SIZE / 2 + 1
    # Narrow columns get short headers, which fit without being squeezed together.
    sum_header, entropy_header = ("row Σ", "H bits") if wide else ("Σ", "H")
    frame.text(sum_x + sum_width / 2, header_y, sum_header, MUTED, LABEL_SIZE, "center", max_width=sum_width - 2)
    frame.text(entropy_x + entropy_width / 2, header_y, entropy_header, MUTED, LABEL_SIZE, "center", max_width=entropy_width - 2)
    size = min(11 if wide else 10, int(cell_h * 0.8))
    for i in range(n):
        y = label_top + i * cell_h
        bold = i == query
        if cell_h >= 9:
            frame.text(sum_x + sum_width / 2, y + cell_h / 2, format_number(float(sums[i])), MUTED, size, "center", bold, sum_width)
            frame.text(entropy_x + entropy_width / 2, y + cell_h / 2, format_number(float(summary.entropy[i])), MUTED, size, "center", bold, entropy_width)
        tag = row_tag(summary, i, wide)
        if tag and cell_h >= 7:
            frame.text(tag_x + 2, y + cell_h / 2, tag, INK, max(7, size), "left", bold, tag_width - 2)
        frame.region(sum_x, y, sum_width, cell_h, kind="cell", matrix="row_sum", row=i, col=0)
        frame.region(entropy_x, y, entropy_width + tag_width, cell_h, kind="cell", matrix="entropy", row=i, col=0)
    draw_legend(frame, width - MARGIN - 140, bottom + 4, 140, 0.0, high, "weight")

    effect = scaling_effect(head.raw_scores, head.mask, d_k, s.temperature)
    scaled, unscaled = format_number(effect.entropy_scaled), format_number(effect.entropy_unscaled)
    maximum = format_number(effect.max_entropy)
    if not wide and (summary.uniform.any() or summary.one_hot.any()):
        frame.text(MARGIN, bottom + 9, "= uniform  ● one-hot", INK, 10, "left", max_width=width - 2 * MARGIN - 200)
    draw_stats(frame, bottom + 38, (
        f"Mean entropy per row: {scaled} bits divided by √{d_k}, {unscaled} without (at most {maximum})",
        f"Mean entropy: {scaled} bits with ÷√{d_k}, {unscaled} without",
        f"H: {scaled} with ÷√{d_k}, {unscaled} without",
    ))
    draw_caption(frame, caption)
    return frame

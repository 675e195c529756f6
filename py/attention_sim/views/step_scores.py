"""Step 3, Compute scores: every query against every key, scaled by √d_k."""

from __future__ import annotations

import numpy as np

from ..stats import scaling_effect
from .common import MARGIN, caption_height, draw_caption, draw_title, fit_text, quoted, row_label_width, text_width
from .frame import MUTED, Frame, format_number
from .heatmap import draw_heatmap, draw_legend, fit_cell, heatmap_size

STATS_HEIGHT = 18
STATS_SIZE = 11


def scores_formula(settings, d_k: int) -> str:
    scale = f" / √{d_k}" if settings.scaled else ""
    return f"scores = Q·Kᵀ{scale}"


def draw_stats(frame: Frame, y: float, choices: tuple) -> None:
    """Draw the first of the texts (longest first) that fits the frame's width."""
    room = frame.width - 2 * MARGIN
    text = next((t for t in choices if text_width(t, STATS_SIZE) <= room), choices[-1])
    frame.text(MARGIN, y, fit_text(text, room, STATS_SIZE), MUTED, STATS_SIZE, "left", max_width=room)


def layout_scores(model, width: float, height: float) -> Frame:
    frame = Frame(width, height)
    s = model.settings
    head = model.head
    n, d_k = head.Q.shape
    query = s.query
    row = head.scores[query]
    allowed = np.isfinite(row)
    best = int(np.argmax(np.where(allowed, row, -np.inf)))
    lowest = float(np.min(np.where(allowed, row, np.inf)))
    scale_text = f", divided by √{d_k} = {np.sqrt(d_k):.2f}" if s.scaled else " (not scaled)"
    mask_text = " Keys after the query are masked (−∞)." if s.causal else ""
    if format_number(float(row[best])) == format_number(lowest):
        extremes = f"Every key it may see scores {format_number(lowest)}."
    else:
        extremes = f"Its highest score is with {quoted(model.tokens[best])} ({format_number(float(row[best]))})."
    caption = (
        f"Row {quoted(model.tokens[query])}: the dot product of its query with every key"
        f"{scale_text}. {extremes}{mask_text}"
    )
    bottom = height - caption_height(frame, caption) - 30 - STATS_HEIGHT
    suffix = f" (head {s.head + 1})" if s.heads > 1 else ""
    draw_title(frame, MARGIN, MARGIN, f"{scores_formula(s, d_k)}{suffix}  ({n} × {n}, rows: queries, columns: keys)", width - 2 * MARGIN)
    top = MARGIN + 22
    label_width = row_label_width(model.tokens, min(90.0, width * 0.22))
    cell_w, cell_h = fit_cell(width - 2 * MARGIN, bottom - top, n, n, label_width, 17)
    matrix_w, _ = heatmap_size(n, n, cell_w, cell_h, label_width)
    x = MARGIN + max(0.0, (width - 2 * MARGIN - matrix_w) / 2)
    low, high = draw_heatmap(
        frame, "scores", head.scores, x, top, cell_w, cell_h, model.tokens, model.tokens,
        label_width, highlight_row=query, masked=~head.mask, masked_text="−∞",
    )
    draw_legend(frame, width - MARGIN - 140, bottom + 4, 140, low, high, "score")

    effect = scaling_effect(head.raw_scores, head.mask, d_k, s.temperature)
    scaled, unscaled = format_number(effect.spread_scaled), format_number(effect.spread_unscaled)
    draw_stats(frame, bottom + 38, (
        f"Spread of the scores (standard deviation): {scaled} divided by √{d_k}, {unscaled} without",
        f"Spread of scores: {scaled} with ÷√{d_k}, {unscaled} without",
        f"σ: {scaled} with ÷√{d_k}, {unscaled} without",
    ))
    draw_caption(frame, caption)
    return frame

"""Step 1, Input: the tokens and their embeddings X."""

from __future__ import annotations

import math

from ..colors import TOKEN_COLORS, hex_to_rgb, text_color_on
from .common import MARGIN, caption_height, draw_caption, draw_title, fit_text, quoted, row_label_width
from .frame import OUTLINE, Frame, format_number
from .heatmap import draw_heatmap, draw_legend, fit_cell, heatmap_size

TOKEN_ROW_HEIGHT = 26
TOKEN_GAP = 4
MIN_TOKEN_WIDTH = 34  # narrower boxes wrap the tokens onto two rows


def token_rows(frame: Frame, n: int) -> int:
    one_row = (frame.width - 2 * MARGIN - TOKEN_GAP * (n - 1)) / n
    return 1 if one_row >= MIN_TOKEN_WIDTH or n < 2 else 2


def draw_tokens(frame: Frame, tokens: list, query: int, y: float) -> float:
    """Draw the tokens as coloured boxes in one or two rows, the query outlined.

    Returns the height used.
    """
    n = len(tokens)
    rows = token_rows(frame, n)
    per_row = math.ceil(n / rows)
    box_w = min(96.0, (frame.width - 2 * MARGIN - TOKEN_GAP * (per_row - 1)) / per_row)
    for i, token in enumerate(tokens):
        row, column = divmod(i, per_row)
        x = MARGIN + column * (box_w + TOKEN_GAP)
        top = y + row * (TOKEN_ROW_HEIGHT + TOKEN_GAP)
        color = TOKEN_COLORS[i % len(TOKEN_COLORS)]
        frame.rect(x, top, box_w, TOKEN_ROW_HEIGHT, color)
        text = fit_text(token, box_w - 4, 12)
        frame.text(x + box_w / 2, top + TOKEN_ROW_HEIGHT / 2, text, text_color_on(hex_to_rgb(color)), 12, "center", i == query, box_w - 4)
        if i == query:
            frame.stroke(x - 1.5, top - 1.5, box_w + 3, TOKEN_ROW_HEIGHT + 3, OUTLINE, 2.5)
        frame.region(x, top, box_w, TOKEN_ROW_HEIGHT, kind="token", matrix="tokens", row=i)
    return rows * TOKEN_ROW_HEIGHT + (rows - 1) * TOKEN_GAP


def layout_input(model, width: float, height: float) -> Frame:
    frame = Frame(width, height)
    tokens = model.tokens
    s = model.settings
    n, d_model = model.X.shape
    query = s.query
    values = ", ".join(format_number(float(v)) for v in model.X[query][:6])
    source = " (embedding plus positional encoding)" if s.positional else ""
    caption = (
        f"Each of the {n} tokens becomes a row of X, a vector of d_model = {d_model} numbers"
        f"{source}. The query token is {quoted(tokens[query])}: X[{query}] = "
        f"[{values}{', …' if d_model > 6 else ''}]."
    )
    bottom = height - caption_height(frame, caption) - 30
    used = draw_tokens(frame, tokens, query, MARGIN)

    title_y = MARGIN + used + 8
    title = "X = embeddings + positional encoding" if s.positional else "X: embeddings"
    draw_title(frame, MARGIN, title_y, f"{title} ({n} × {d_model})", width - 2 * MARGIN)
    top = title_y + 20
    label_width = row_label_width(tokens, min(90.0, width * 0.22))
    cell_w, cell_h = fit_cell(width - 2 * MARGIN, bottom - top, n, d_model, label_width, 17)
    matrix_w, _ = heatmap_size(n, d_model, cell_w, cell_h, label_width)
    x = MARGIN + max(0.0, (width - 2 * MARGIN - matrix_w) / 2)
    low, high = draw_heatmap(frame, "X", model.X, x, top, cell_w, cell_h, tokens, model.dimension_names, label_width, highlight_row=query)
    draw_legend(frame, width - MARGIN - 140, bottom + 4, 140, low, high, "X value")
    draw_caption(frame, caption)
    return frame

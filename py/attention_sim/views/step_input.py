"""Step 1, Input: the tokens and their embeddings X."""

from __future__ import annotations

from ..colors import TOKEN_COLORS, hex_to_rgb, text_color_on
from .common import MARGIN, caption_height, draw_caption, draw_title, quoted
from .frame import INK, OUTLINE, Frame
from .heatmap import draw_heatmap, draw_legend, fit_cell, heatmap_size

TOKEN_ROW_HEIGHT = 26


def draw_tokens(frame: Frame, tokens: list, query: int, y: float) -> None:
    """Draw the tokens as coloured boxes in one row, the query outlined."""
    n = len(tokens)
    gap = 4
    box_w = min(96.0, (frame.width - 2 * MARGIN - gap * (n - 1)) / n)
    x = MARGIN
    for i, token in enumerate(tokens):
        color = TOKEN_COLORS[i % len(TOKEN_COLORS)]
        frame.rect(x, y, box_w, TOKEN_ROW_HEIGHT, color)
        frame.text(x + box_w / 2, y + TOKEN_ROW_HEIGHT / 2, token, text_color_on(hex_to_rgb(color)), 12, "center", i == query, box_w - 4)
        if i == query:
            frame.stroke(x - 1.5, y - 1.5, box_w + 3, TOKEN_ROW_HEIGHT + 3, OUTLINE, 2.5)
        frame.region(x, y, box_w, TOKEN_ROW_HEIGHT, kind="token", row=i)
        x += box_w + gap


def layout_input(model, width: float, height: float) -> Frame:
    frame = Frame(width, height)
    tokens = model.tokens
    s = model.settings
    n, d_model = model.X.shape
    query = s.query
    caption = (
        f"Each of the {n} tokens becomes a row of X, a vector of d_model = {d_model} numbers"
        f"{' (embedding plus positional encoding)' if s.positional else ''}. "
        f"The query token is {quoted(tokens[query])}: X[{query}] = "
        f"[{', '.join(f'{v:.2f}' for v in model.X[query][:6])}{', …' if d_model > 6 else ''}]."
    )
    bottom = height - caption_height(frame, caption) - 30
    draw_tokens(frame, tokens, query, MARGIN)

    title_y = MARGIN + TOKEN_ROW_HEIGHT + 8
    draw_title(frame, MARGIN, title_y, f"X: embeddings ({n} × {d_model})", width - 2 * MARGIN)
    top = title_y + 20
    label_width = min(90.0, width * 0.22)
    cell_w, cell_h = fit_cell(width - 2 * MARGIN, bottom - top, n, d_model, label_width, 17)
    matrix_w, _ = heatmap_size(n, d_model, cell_w, cell_h, label_width)
    x = MARGIN + max(0.0, (width - 2 * MARGIN - matrix_w) / 2)
    low, high = draw_heatmap(frame, "X", model.X, x, top, cell_w, cell_h, tokens, model.dimension_names, label_width, highlight_row=query)
    draw_legend(frame, width - MARGIN - 140, bottom + 4, 140, low, high, "X value")
    draw_caption(frame, caption)
    return frame

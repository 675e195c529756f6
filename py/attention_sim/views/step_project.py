"""Step 2, Project Q, K, V: each row of X multiplied by W_Q, W_K and W_V."""

from __future__ import annotations

from .common import MARGIN, caption_height, draw_caption, draw_title, quoted, row_label_width
from .frame import Frame
from .heatmap import draw_heatmap, draw_legend, fit_cell, heatmap_size


def layout_project(model, width: float, height: float) -> Frame:
    frame = Frame(width, height)
    s = model.settings
    head = model.head
    n, d_k = head.Q.shape
    d_model = model.X.shape[1]
    query = s.query
    q = head.Q[query]
    caption = (
        f"Each row of X ({n} × {d_model}) is multiplied by three learned matrices of "
        f"{d_model} × {d_k}, giving a query, a key and a value for every token. "
        f"{quoted(model.tokens[query])} gets q = [{', '.join(f'{v:.2f}' for v in q[:6])}"
        f"{', …' if d_k > 6 else ''}]."
    )
    bottom = height - caption_height(frame, caption) - 30
    top = MARGIN + 36
    gap = 12
    label_width = row_label_width(model.tokens, min(80.0, width * 0.18))
    panel_w = (width - 2 * MARGIN - 2 * gap - label_width) / 3
    cell_w, cell_h = fit_cell(panel_w, bottom - top, n, d_k, 0, 17)
    low = float(min(head.Q.min(), head.K.min(), head.V.min()))
    high = float(max(head.Q.max(), head.K.max(), head.V.max()))
    suffix = f" (head {s.head + 1})" if s.heads > 1 else ""
    x = MARGIN
    for index, (name, matrix) in enumerate((("Q", head.Q), ("K", head.K), ("V", head.V))):
        labels = model.tokens if index == 0 else None
        lw = label_width if index == 0 else 0
        matrix_w, _ = heatmap_size(n, d_k, cell_w, cell_h, lw)
        draw_title(frame, x + lw, MARGIN, f"{name} = X·W_{name}{suffix}", panel_w)
        frame.text(x + lw, MARGIN + 24, f"{n} × {d_k}", "#57606a", 11, "left", max_width=panel_w)
        cols = [f"{name.lower()}{j}" for j in range(d_k)]
        draw_heatmap(frame, name, matrix, x, top, cell_w, cell_h, labels, cols, lw, highlight_row=query, low=low, high=high)
        x += lw + max(matrix_w - lw, panel_w) + gap
    draw_legend(frame, width - MARGIN - 140, bottom + 4, 140, low, high, "Q, K, V value")
    draw_caption(frame, caption)
    return frame

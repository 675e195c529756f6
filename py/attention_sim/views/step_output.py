"""Step 5, Weighted sum: the query's output is its weights times the value rows."""

from __future__ import annotations

from ..colors import TOKEN_COLORS
from .common import MARGIN, caption_height, draw_caption, draw_title, quoted
from .frame import INK, MUTED, OUTLINE, Frame, format_number
from .heatmap import draw_heatmap, fit_cell, heatmap_size


def layout_output(model, width: float, height: float) -> Frame:
    frame = Frame(width, height)
    s = model.settings
    head = model.head
    n, d_v = head.V.shape
    query = s.query
    weights = head.weights[query]  # (n,)
    output = head.output[query]  # (d_v,)
    token = quoted(model.tokens[query])
    caption = (
        f"The output for {token} is the sum of the value rows, each multiplied by its weight: "
        f"output = Σ w_j · v_j = [{', '.join(format_number(float(v)) for v in output[:6])}"
        f"{', …' if d_v > 6 else ''}]."
    )
    bottom = height - caption_height(frame, caption) - 6
    suffix = f" (head {s.head + 1})" if s.heads > 1 else ""
    draw_title(frame, MARGIN, MARGIN, f"Weights of {token}{suffix}", width * 0.5)
    top = MARGIN + 22 + 17
    out_h = 46
    row_h = max(4.0, min(28.0, (bottom - top - out_h) / n))
    label_width = min(80.0, width * 0.18)
    bar_area = width * 0.5 - MARGIN - label_width - 50

    for i in range(n):
        y = top + i * row_h
        color = TOKEN_COLORS[i % len(TOKEN_COLORS)]
        if row_h >= 9:
            frame.text(MARGIN + label_width - 4, y + row_h / 2, model.tokens[i], INK, min(11, int(row_h * 0.8)), "right", i == query, label_width - 6)
        w = float(weights[i])
        frame.rect(MARGIN + label_width, y + 1, max(0.0, bar_area * w), row_h - 2, color)
        frame.stroke(MARGIN + label_width, y + 1, bar_area, row_h - 2, "#d0d7de", 1)
        if row_h >= 9:
            frame.text(MARGIN + label_width + bar_area + 4, y + row_h / 2, f"{100 * w:.1f}%", MUTED, min(11, int(row_h * 0.8)), "left", max_width=46)
        frame.region(MARGIN + label_width, y, bar_area, row_h, kind="cell", matrix="weights", row=query, col=i)

    right = width * 0.5 + 8
    panel_w = width - MARGIN - right
    draw_title(frame, right, MARGIN, f"V ({n} × {d_v}) and the output", panel_w)
    cell_w, cell_h = fit_cell(panel_w, bottom - top - out_h + 17, n, d_v, 0, 17)
    cell_h = min(cell_h, row_h)
    matrix_w, _ = heatmap_size(n, d_v, cell_w, cell_h, 0)
    low = float(head.V.min())
    high = float(head.V.max())
    cols = [f"v{j}" for j in range(d_v)]
    draw_heatmap(frame, "V", head.V, right, top - 17, cell_w, cell_h, None, cols, 0, low=low, high=high)

    out_top = top + n * cell_h + 10
    frame.text(right, out_top + 7, f"output[{query}] = weights · V", INK, 12, "left", True, panel_w)
    draw_heatmap(frame, "output", head.output[query : query + 1], right, out_top + 16, cell_w, min(cell_h, 22.0), None, None, 0, low=low, high=high)
    frame.stroke(right - 1, out_top + 15, d_v * cell_w + 2, min(cell_h, 22.0) + 2, OUTLINE, 2.5)
    draw_caption(frame, caption)
    return frame

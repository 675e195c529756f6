"""Step 5, Weighted sum: the query's output is its weights times the value rows.

With more than one head, a strip below shows every head's output for the query and
their concatenation.
"""

from __future__ import annotations

from ..colors import TOKEN_COLORS
from .common import MARGIN, caption_height, draw_caption, draw_title, fit_text, quoted, row_label_width
from .frame import INK, MUTED, OUTLINE, Frame, format_number
from .heatmap import LABEL_SIZE, draw_heatmap, fit_cell

CONCAT_HEIGHT = 58
MAX_CONCAT_CELL = 44


def draw_concat(frame: Frame, model, y: float) -> None:
    """Draw the query's per-head outputs side by side, the concatenated output."""
    s = model.settings
    query = s.query
    heads = s.heads
    d_k = model.heads[0].output.shape[1]
    cols = heads * d_k
    room = frame.width - 2 * MARGIN
    draw_title(frame, MARGIN, y, fit_text(f"concat = [head 1 | … | head {heads}] for {quoted(model.tokens[query])} (1 × {cols})", room, 13), room)
    cell_w = min(MAX_CONCAT_CELL, room / cols)
    cell_h = 20.0
    top = y + 20
    low = float(model.concat.min())
    high = float(model.concat.max())
    for h in range(heads):
        x = MARGIN + h * d_k * cell_w
        width = d_k * cell_w
        frame.text(x + width / 2, top + LABEL_SIZE / 2, fit_text(f"head {h + 1}", width - 2, LABEL_SIZE), MUTED, LABEL_SIZE, "center", h == s.head, width - 2)
    draw_heatmap(frame, "concat", model.concat[query : query + 1], MARGIN, top + LABEL_SIZE + 2, cell_w, cell_h, None, None, 0, low=low, high=high, row_index=[query])
    cells_top = top + LABEL_SIZE + 2
    for h in range(1, heads):
        x = MARGIN + h * d_k * cell_w
        frame.line(x, cells_top - 2, x, cells_top + cell_h + 2, INK, 2)
    viewed = MARGIN + s.head * d_k * cell_w
    frame.stroke(viewed - 1, cells_top - 1, d_k * cell_w + 2, cell_h + 2, OUTLINE, 2.5)


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
    concat_h = CONCAT_HEIGHT if s.heads > 1 else 0
    bottom = height - caption_height(frame, caption) - 6 - concat_h
    suffix = f" (head {s.head + 1})" if s.heads > 1 else ""
    left_room = width * 0.5 - MARGIN
    draw_title(frame, MARGIN, MARGIN, fit_text(f"Weights of {token}{suffix}", left_room, 13), left_room)
    top = MARGIN + 22 + 17
    out_h = 46
    row_h = max(4.0, min(28.0, (bottom - top - out_h) / n))
    label_width = row_label_width(model.tokens, min(80.0, width * 0.18))
    bar_area = width * 0.5 - MARGIN - label_width - 50

    for i in range(n):
        y = top + i * row_h
        color = TOKEN_COLORS[i % len(TOKEN_COLORS)]
        size = min(11, int(row_h * 0.8))
        if row_h >= 9:
            label = fit_text(model.tokens[i], label_width - 6, size)
            frame.text(MARGIN + label_width - 4, y + row_h / 2, label, INK, size, "right", i == query, label_width - 6)
        frame.region(MARGIN, y, label_width - 2, row_h, kind="token", matrix="bars", row=i)
        w = float(weights[i])
        if head.mask[query, i]:
            frame.rect(MARGIN + label_width, y + 1, max(0.0, bar_area * w), row_h - 2, color)
        else:
            frame.hatch(MARGIN + label_width, y + 1, bar_area, row_h - 2, "#8c959f")
        frame.stroke(MARGIN + label_width, y + 1, bar_area, row_h - 2, "#d0d7de", 1)
        if row_h >= 9:
            frame.text(MARGIN + label_width + bar_area + 4, y + row_h / 2, f"{100 * w:.1f}%", MUTED, size, "left", max_width=46)
        frame.region(MARGIN + label_width, y, bar_area, row_h, kind="cell", matrix="weights", row=query, col=i)

    right = width * 0.5 + 8
    panel_w = width - MARGIN - right
    draw_title(frame, right, MARGIN, fit_text(f"V ({n} × {d_v}) and the output", panel_w, 13), panel_w)
    cell_w, cell_h = fit_cell(panel_w, bottom - top - out_h + 17, n, d_v, 0, 17)
    cell_h = min(cell_h, row_h)
    low = float(head.V.min())
    high = float(head.V.max())
    cols = [f"v{j}" for j in range(d_v)]
    draw_heatmap(frame, "V", head.V, right, top - 17, cell_w, cell_h, None, cols, 0, low=low, high=high)

    out_top = top + n * cell_h + 10
    frame.text(right, out_top + 7, f"output[{query}] = weights · V", INK, 12, "left", True, panel_w)
    out_cell_h = min(cell_h, 22.0)
    draw_heatmap(frame, "output", head.output[query : query + 1], right, out_top + 16, cell_w, out_cell_h, None, None, 0, low=low, high=high, row_index=[query])
    frame.stroke(right - 1, out_top + 15, d_v * cell_w + 2, out_cell_h + 2, OUTLINE, 2.5)
    if s.heads > 1:
        draw_concat(frame, model, bottom + 4)
    draw_caption(frame, caption)
    return frame

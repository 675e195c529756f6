"""Pieces shared by the step views: margins, wrapped captions, titles."""

from __future__ import annotations

from .frame import CAPTION_SIZE, INK, Frame

MARGIN = 8
TITLE_SIZE = 13
CHAR_WIDTH = 0.56  # average glyph width of the sans-serif font, in font sizes (estimate)


def wrap(text: str, width: float, size: float) -> list:
    """Break text into lines that fit width pixels, by an estimate of glyph widths."""
    per_line = max(8, int(width / (size * CHAR_WIDTH)))
    lines, line = [], ""
    for word in text.split(" "):
        candidate = word if not line else line + " " + word
        if len(candidate) <= per_line or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def caption_height(frame: Frame, text: str, max_lines: int = 3) -> float:
    lines = wrap(text, frame.width - 2 * MARGIN, CAPTION_SIZE)[:max_lines]
    return len(lines) * (CAPTION_SIZE + 4) + MARGIN


def draw_caption(frame: Frame, text: str, max_lines: int = 3) -> float:
    """Draw the caption at the bottom of the frame; return its top y."""
    lines = wrap(text, frame.width - 2 * MARGIN, CAPTION_SIZE)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(".,;: ") + " …"
    line_height = CAPTION_SIZE + 4
    top = frame.height - MARGIN - len(lines) * line_height
    for k, line in enumerate(lines):
        y = top + (k + 0.5) * line_height
        frame.text(MARGIN, y, line, INK, CAPTION_SIZE, "left", max_width=frame.width - 2 * MARGIN)
    return top


def draw_title(frame: Frame, x: float, y: float, text: str, width: float, align: str = "left") -> None:
    frame.text(x, y + TITLE_SIZE / 2, text, INK, TITLE_SIZE, align, True, max_width=width)


def quoted(token: str) -> str:
    return "“" + token + "”"

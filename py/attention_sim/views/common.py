"""Pieces shared by the step views: margins, wrapped captions, titles, short labels."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from ..tokens import isolate
from .frame import CAPTION_SIZE, INK, Frame

MARGIN = 8
TITLE_SIZE = 13
CHAR_WIDTH = 0.56  # average glyph width of the sans-serif font, in font sizes (estimate)
WIDE_CHAR_WIDTH = 1.0  # CJK and emoji glyphs are about one font size wide (estimate)


@lru_cache(maxsize=4096)
def char_width(char: str) -> float:
    """Return an estimate of a character's drawn width, in font sizes."""
    if unicodedata.combining(char) or unicodedata.category(char) == "Cf":
        return 0.0
    wide = unicodedata.east_asian_width(char) in ("W", "F")
    return WIDE_CHAR_WIDTH if wide else CHAR_WIDTH


def text_width(text: str, size: float) -> float:
    """Return an estimate of the drawn width of text, in pixels."""
    total = 0.0
    for char in text:
        total += char_width(char)
    return total * size


def fit_text(text: str, width: float, size: float) -> str:
    """Return text, cut and ended with "…" if its estimated width exceeds width.

    The cut is the longest prefix that fits with the "…", found in one pass, so that
    a token of thousands of characters costs no more than its length.
    """
    if text_width(text, size) <= width:
        return text
    ellipsis = char_width("…")
    used = 0.0
    end = 0
    for index, char in enumerate(text):
        used += char_width(char)
        if (used + ellipsis) * size > width:
            break
        end = index + 1
    cut = text[:end]
    return cut + "…" if cut else text[:1]


def row_label_width(labels: list, maximum: float, size: float = 11) -> float:
    """Return the width for row labels: the widest label's, from 24 up to maximum."""
    widest = max((text_width(label, size) for label in labels), default=0.0)
    return max(24.0, min(maximum, widest + 10))


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


NARROW_FRAME = 480  # below this width, a caption wraps into more lines and may take one more


def caption_lines(frame: Frame) -> int:
    """Return the most lines a caption may take in this frame."""
    return 3 if frame.width >= NARROW_FRAME else 4


def caption_height(frame: Frame, text: str) -> float:
    lines = wrap(text, frame.width - 2 * MARGIN, CAPTION_SIZE)[: caption_lines(frame)]
    return len(lines) * (CAPTION_SIZE + 4) + MARGIN


def draw_caption(frame: Frame, text: str) -> float:
    """Draw the caption at the bottom of the frame; return its top y."""
    max_lines = caption_lines(frame)
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


def quoted(token: str, max_chars: int = 16) -> str:
    if len(token) > max_chars:
        token = token[: max_chars - 1] + "…"
    return "“" + isolate(token) + "”"

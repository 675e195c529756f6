"""Drawing commands for one canvas frame, as plain lists that the painter replays.

Coordinates are CSS pixels from the top-left corner. Commands:

- ["rect", x, y, w, h, fill]
- ["stroke", x, y, w, h, color, line_width]
- ["line", x1, y1, x2, y2, color, line_width]
- ["text", x, y, text, color, size, align, bold, max_width]: y is the middle of the
  line, align is "left", "center" or "right", and the painter squeezes the text to
  max_width pixels.
- ["hatch", x, y, w, h, color]: diagonal lines, the pattern of a masked cell.

Regions are the rectangles a reader can hover, focus or click, with what they show.
"""

from __future__ import annotations

import json

FONT_SIZE = 12
CAPTION_SIZE = 13
INK = "#1f2328"  # text on the page background
MUTED = "#57606a"
OUTLINE = "#d1242f"  # the query's row
BACKGROUND = "#ffffff"


def format_number(value: float, digits: int = 2) -> str:
    """Format a matrix entry for a cell: fixed decimals, no "-0.00", ∞ spelled out."""
    if value != value:  # NaN
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "−∞" if value < 0 else "∞"
    text = f"{value:.{digits}f}"
    if float(text) == 0:
        text = f"{0:.{digits}f}"
    return text.replace("-", "−")


class Frame:
    """A list of drawing commands and hit regions for a canvas of width × height."""

    def __init__(self, width: float, height: float):
        self.width = width
        self.height = height
        self.commands = []
        self.regions = []

    def rect(self, x, y, w, h, fill):
        self.commands.append(["rect", _r(x), _r(y), _r(w), _r(h), fill])

    def stroke(self, x, y, w, h, color, line_width=1.0):
        self.commands.append(["stroke", _r(x), _r(y), _r(w), _r(h), color, line_width])

    def line(self, x1, y1, x2, y2, color, line_width=1.0):
        self.commands.append(["line", _r(x1), _r(y1), _r(x2), _r(y2), color, line_width])

    def hatch(self, x, y, w, h, color):
        self.commands.append(["hatch", _r(x), _r(y), _r(w), _r(h), color])

    def text(self, x, y, text, color=INK, size=FONT_SIZE, align="left", bold=False, max_width=None):
        if max_width is None:
            max_width = self.width
        max_width = max(1.0, min(max_width, _room(x, align, self.width)))
        self.commands.append(
            ["text", _r(x), _r(y), text, color, size, align, 1 if bold else 0, _r(max_width)]
        )

    def region(self, x, y, w, h, **info):
        self.regions.append({"x": _r(x), "y": _r(y), "w": _r(w), "h": _r(h), **info})

    def to_dict(self) -> dict:
        return {
            "width": self.width,
            "height": self.height,
            "commands": self.commands,
            "regions": self.regions,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


def _r(value: float) -> float:
    return round(float(value), 1)


def _room(x: float, align: str, width: float) -> float:
    """Return the widest text at x, with that alignment, that stays on the canvas."""
    if align == "left":
        return width - x
    if align == "right":
        return x
    return 2 * min(x, width - x)

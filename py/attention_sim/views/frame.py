"""Drawing commands for one canvas frame, as plain lists that the painter replays.

Coordinates are CSS pixels from the top-left corner. Commands:

- ["rect", x, y, w, h, fill]
- ["stroke", x, y, w, h, color, line_width]
- ["line", x1, y1, x2, y2, color, line_width]
- ["text", x, y, text, color, size, align, bold, max_width]: y is the middle of the
  line, align is "left", "center" or "right", and the painter squeezes the text to
  max_width pixels.
- ["hatch", x, y, w, h, color]: diagonal lines, the pattern of a masked cell.
- ["cells", left, top, cell_w, cell_h, rows, cols, fills, hatched, hatch_color,
  texts, text_colors, text_size]: a grid of cells in row-major order, one fill
  colour each; cells whose flat index is in hatched get the hatch pattern too;
  texts (or null) are centred in their cells in text_colors, squeezed to
  cell_w - 2 pixels.

Regions are the rectangles a reader can hover, focus or click, with what they show.
A grid of cell regions is stored as one entry and expanded when `regions` is read,
because a frame is painted far more often than it is pointed at.
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
        self._region_items = []  # region dicts, and ("grid", spec) entries
        self._regions = None

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

    def cells(self, left, top, cell_w, cell_h, rows, cols, fills, hatched, hatch_color, texts, text_colors, text_size):
        self.commands.append(
            ["cells", _r(left), _r(top), _r(cell_w), _r(cell_h), rows, cols, fills, hatched,
             hatch_color, texts, text_colors, text_size]
        )

    def region(self, x, y, w, h, **info):
        self._regions = None
        self._region_items.append({"x": _r(x), "y": _r(y), "w": _r(w), "h": _r(h), **info})

    def grid_regions(self, left, top, cell_w, cell_h, rows: list, cols: int, **info):
        """Add a "cell" region for each cell of a grid; rows are the matrix's row indices."""
        self._regions = None
        self._region_items.append(("grid", (left, top, cell_w, cell_h, list(rows), cols, info)))

    @property
    def regions(self) -> list:
        if self._regions is None:
            self._regions = []
            for item in self._region_items:
                if isinstance(item, dict):
                    self._regions.append(item)
                    continue
                left, top, cell_w, cell_h, rows, cols, info = item[1]
                for i, row in enumerate(rows):
                    y = _r(top + i * cell_h)
                    for j in range(cols):
                        self._regions.append(
                            {"x": _r(left + j * cell_w), "y": y, "w": _r(cell_w), "h": _r(cell_h),
                             "kind": "cell", **info, "row": row, "col": j}
                        )
        return self._regions

    def texts(self) -> list:
        """Return every string the frame draws, cell values included, in drawing order."""
        drawn = []
        for command in self.commands:
            if command[0] == "text":
                drawn.append(command[3])
            elif command[0] == "cells" and command[10]:
                drawn.extend(command[10])
        return drawn

    def to_dict(self) -> dict:
        return {
            "width": self.width,
            "height": self.height,
            "commands": self.commands,
            "regions": self.regions,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    def paint_json(self) -> str:
        """Return the JSON that the painter needs: the frame without its regions."""
        frame = {"width": self.width, "height": self.height, "commands": self.commands}
        return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def _r(value: float) -> float:
    return round(float(value), 1)


def _room(x: float, align: str, width: float) -> float:
    """Return the widest text at x, with that alignment, that stays on the canvas."""
    if align == "left":
        return width - x
    if align == "right":
        return x
    return 2 * min(x, width - x)

"""Hit testing and keyboard movement over a frame's regions, with no browser needed.

A region is a dict {x, y, w, h, kind, ...} (see frame.py). "cell" and "token"
regions can be pointed at and focused; a "query-row" region only marks the outlined
row for tests and tools.
"""

from __future__ import annotations

FOCUSABLE_KINDS = ("cell", "token")
# Matrices whose rows are the tokens, so that choosing a cell chooses its row's token
# as the query. The weight bars of step 5 (matrix "weights", one row) are included:
# their row is already the query.
TOKEN_ROWS = frozenset(
    ("X", "Q", "K", "V", "scores", "weights", "row_sum", "entropy", "output", "concat")
)
ARROWS = {
    "ArrowRight": (1, 0),
    "ArrowLeft": (-1, 0),
    "ArrowDown": (0, 1),
    "ArrowUp": (0, -1),
}
OFF_AXIS_WEIGHT = 3.0  # moving sideways costs this much more than moving straight


def focusable(regions: list) -> list:
    return [region for region in regions if region.get("kind") in FOCUSABLE_KINDS]


def contains(region: dict, x: float, y: float) -> bool:
    return (
        region["x"] <= x < region["x"] + region["w"]
        and region["y"] <= y < region["y"] + region["h"]
    )


def hit(regions: list, x: float, y: float):
    """Return the focusable region under (x, y), or None."""
    for region in focusable(regions):
        if contains(region, x, y):
            return region
    return None


def region_key(region: dict) -> tuple:
    """Return what identifies a region across repaints of the same view."""
    return tuple(region.get(name) for name in ("kind", "matrix", "head", "row", "col"))


def find(regions: list, key) -> dict:
    """Return the focusable region with this key, or None."""
    for region in focusable(regions):
        if region_key(region) == key:
            return region
    return None


def center(region: dict) -> tuple:
    return region["x"] + region["w"] / 2, region["y"] + region["h"] / 2


def move(regions: list, current: dict, key: str):
    """Return the region that an arrow key, Home or End moves to from current.

    Arrows go to the nearest region whose centre lies in that direction, preferring
    one straight ahead; at an edge they stay. Home and End go to the first and last.
    """
    candidates = focusable(regions)
    if not candidates:
        return None
    if current is None or key == "Home":
        return candidates[0]
    if key == "End":
        return candidates[-1]
    if key not in ARROWS:
        return current
    dx, dy = ARROWS[key]
    cx, cy = center(current)
    best, best_cost = current, None
    for region in candidates:
        x, y = center(region)
        ahead = (x - cx) * dx + (y - cy) * dy
        if ahead < 1:
            continue
        sideways = abs((x - cx) * dy) + abs((y - cy) * dx)
        cost = ahead + OFF_AXIS_WEIGHT * sideways
        if best_cost is None or cost < best_cost:
            best, best_cost = region, cost
    return best


def query_of(region: dict):
    """Return the token index that choosing this region makes the query, or None."""
    if region is None:
        return None
    if region.get("kind") == "token":
        return int(region["row"])
    if region.get("kind") == "cell" and region.get("matrix") in TOKEN_ROWS:
        return int(region["row"])
    return None

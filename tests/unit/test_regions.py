"""Hit testing and arrow-key movement over a frame's regions."""

from attention_sim.model import build
from attention_sim.settings import Settings
from attention_sim.views import layout
from attention_sim.views.regions import find, hit, move, query_of, region_key


def grid(rows, cols, size=10, matrix="scores"):
    return [
        {"x": c * size, "y": r * size, "w": size, "h": size, "kind": "cell", "matrix": matrix, "row": r, "col": c}
        for r in range(rows)
        for c in range(cols)
    ]


def test_hit_finds_cell_and_misses_gaps():
    regions = grid(3, 3)
    assert hit(regions, 15, 25)["row"] == 2
    assert hit(regions, 15, 25)["col"] == 1
    assert hit(regions, 31, 5) is None
    assert hit(regions, -1, 5) is None


def test_hit_prefers_cells_over_query_row():
    regions = [{"x": 0, "y": 0, "w": 30, "h": 10, "kind": "query-row", "matrix": "scores", "row": 0}] + grid(1, 3)
    assert hit(regions, 12, 5)["kind"] == "cell"


def test_arrows_move_on_grid_and_stop_at_edges():
    regions = grid(3, 4)
    start = find(regions, ("cell", "scores", None, 1, 1))
    assert move(regions, start, "ArrowRight")["col"] == 2
    assert move(regions, start, "ArrowLeft")["col"] == 0
    assert move(regions, start, "ArrowDown")["row"] == 2
    assert move(regions, start, "ArrowUp")["row"] == 0
    corner = find(regions, ("cell", "scores", None, 0, 3))
    assert move(regions, corner, "ArrowRight") is corner
    assert move(regions, corner, "ArrowUp") is corner
    assert move(regions, corner, "Home") is regions[0]
    assert move(regions, corner, "End") is regions[-1]
    assert move(regions, None, "ArrowDown") is regions[0]


def test_arrows_cross_to_neighbouring_matrix():
    left = grid(2, 2, matrix="Q")
    right = [dict(region, x=region["x"] + 40, matrix="K") for region in grid(2, 2, matrix="K")]
    regions = left + right
    edge = find(regions, ("cell", "Q", None, 1, 1))
    moved = move(regions, edge, "ArrowRight")
    assert (moved["matrix"], moved["row"], moved["col"]) == ("K", 1, 0)


def test_every_cell_reachable_in_real_frame():
    frame = layout(build(Settings(step=4)), 640, 420)
    weights = [r for r in frame.regions if r.get("matrix") == "weights" and r["kind"] == "cell"]
    current = find(frame.regions, region_key(weights[0]))
    seen = {region_key(current)}
    for _ in range(3):
        current = move(frame.regions, current, "ArrowRight")
        seen.add(region_key(current))
    for _ in range(3):
        current = move(frame.regions, current, "ArrowDown")
        seen.add(region_key(current))
    assert ("cell", "weights", None, 3, 3) in seen


def test_query_of_token_and_rows():
    assert query_of({"kind": "token", "row": 2}) == 2
    assert query_of({"kind": "cell", "matrix": "scores", "row": 3, "col": 0}) == 3
    assert query_of({"kind": "query-row", "matrix": "scores", "row": 3}) is None
    assert query_of(None) is None


def test_arrows_leave_token_chips_for_x():
    # The token chips above X and X's row labels are both "token" regions of the same
    # rows. After a move to a label, the cursor must be found on the label, not a chip.
    frame = layout(build(Settings(step=1)), 640, 420)
    current = find(frame.regions, ("token", "tokens", None, 0, None))
    keys = []
    for key in ("ArrowDown", "ArrowDown", "ArrowRight", "ArrowDown"):
        current = find(frame.regions, region_key(move(frame.regions, current, key)))
        keys.append(region_key(current))
    assert keys[0] == ("token", "X", None, 0, None)
    assert keys[1] == ("token", "X", None, 1, None)
    assert keys[2] == ("cell", "X", None, 1, 0)
    assert keys[3] == ("cell", "X", None, 2, 0)

"""Colour scale for heatmaps, and text colours readable on any cell.

The scale is matplotlib's viridis, sampled at 17 evenly spaced points and interpolated
linearly: perceptually uniform and readable with the common colour-vision deficiencies.
"""

from __future__ import annotations

VIRIDIS = (
    (68, 1, 84), (72, 24, 106), (71, 45, 123), (66, 64, 134), (59, 82, 139),
    (51, 99, 141), (44, 114, 142), (38, 130, 142), (33, 145, 140), (31, 160, 136),
    (40, 174, 128), (63, 188, 115), (94, 201, 98), (132, 212, 75), (173, 220, 48),
    (216, 226, 25), (253, 231, 37),
)  # fmt: skip

# Distinct hues for token boxes (Okabe–Ito palette, designed for colour-blind readers).
TOKEN_COLORS = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442",
    "#0072B2", "#D55E00", "#CC79A7", "#999999",
)  # fmt: skip


def viridis_rgb(t: float) -> tuple:
    """Return the viridis colour at t in [0, 1] (clamped) as an (r, g, b) tuple."""
    if not t > 0:  # also catches NaN
        t = 0.0
    t = min(t, 1.0)
    position = t * (len(VIRIDIS) - 1)
    index = min(int(position), len(VIRIDIS) - 2)
    fraction = position - index
    low, high = VIRIDIS[index], VIRIDIS[index + 1]
    return tuple(round(a + (b - a) * fraction) for a, b in zip(low, high))


def hex_color(rgb: tuple) -> str:
    return "#%02x%02x%02x" % tuple(rgb)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


# Linear light of each 8-bit sRGB channel value, computed once because the colour
# tables below need thousands of look-ups while the page starts.
LINEAR = tuple(_linear(channel) for channel in range(256))


def relative_luminance(rgb: tuple) -> float:
    """Return the WCAG 2 relative luminance of an sRGB colour given as 0–255 ints."""
    r, g, b = (LINEAR[c] for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(rgb_a: tuple, rgb_b: tuple) -> float:
    """Return the WCAG 2 contrast ratio of two colours, from 1 to 21."""
    la, lb = relative_luminance(rgb_a), relative_luminance(rgb_b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def text_color_on(rgb: tuple) -> str:
    """Return black or white, whichever contrasts more with the background rgb."""
    # Against black the ratio is (L + 0.05) / 0.05, against white 1.05 / (L + 0.05),
    # so black wins when (L + 0.05)² >= 0.05 × 1.05.
    if (relative_luminance(rgb) + 0.05) ** 2 >= 0.05 * 1.05:
        return "#000000"
    return "#ffffff"


def hex_to_rgb(color: str) -> tuple:
    color = color.lstrip("#")
    return tuple(int(color[i : i + 2], 16) for i in (0, 2, 4))


SCALE_STEPS = 256
# The scale at 256 evenly spaced points, and the text colour for each, so that a
# heatmap colours all its cells with one numpy operation and two list look-ups.
SCALE_HEX = tuple(hex_color(viridis_rgb(k / (SCALE_STEPS - 1))) for k in range(SCALE_STEPS))
SCALE_TEXT = tuple(text_color_on(viridis_rgb(k / (SCALE_STEPS - 1))) for k in range(SCALE_STEPS))
VEIL = 0.55  # share of white mixed into a veiled cell


def veiled_rgb(rgb: tuple) -> tuple:
    """Return rgb mixed with VEIL parts of white, the colour of a de-emphasised cell."""
    return tuple(round((1 - VEIL) * channel + VEIL * 255) for channel in rgb)


# The same scale veiled, with the text colour chosen for each veiled colour, so that
# the numbers of de-emphasised rows keep their contrast.
VEILED_HEX = tuple(hex_color(veiled_rgb(viridis_rgb(k / (SCALE_STEPS - 1)))) for k in range(SCALE_STEPS))
VEILED_TEXT = tuple(text_color_on(veiled_rgb(viridis_rgb(k / (SCALE_STEPS - 1)))) for k in range(SCALE_STEPS))


def scale_indices(values, low: float, high: float):
    """Return each value's index into SCALE_HEX, low to high mapped onto 0..255.

    Non-finite values map to 0. values is a numpy array; so is the result.
    """
    import numpy as np

    span = high - low if high > low else 1.0
    finite = np.isfinite(values)
    with np.errstate(invalid="ignore", over="ignore"):
        t = np.where(finite, (values - low) / span, 0.0)
    if not np.isfinite(t).all():  # a span or value too large for float64
        t = np.nan_to_num(t)
    t = np.clip(t, 0.0, 1.0)
    return np.rint(t * (SCALE_STEPS - 1)).astype(np.int64)

"""Reuse of models and frames between control events, so that a repaint does no
work that an earlier event already did.

Changing only the step or the query leaves every matrix as it was, so the model is
rebuilt only when another setting changes. Frames are kept per layout, settings and
canvas size, so going back to a step redraws it without laying it out again.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

from .model import Model, build
from .settings import Settings, validate


class ModelCache:
    """Builds models, reusing the last one when only step or query changed."""

    def __init__(self):
        self.key = None
        self.base = None  # the model built for `key`, which has step 1 and query 0

    def build(self, settings: Settings) -> Model:
        """Return what model.build(settings) returns, reusing the matrices when it can."""
        key = replace(settings, step=1, query=0)
        if key != self.key:
            self.base = build(key)
            self.key = key
        base = self.base
        validated, clamped = validate(settings, len(base.tokens))
        # The base's notices include validate(key)'s; replace them by this validation's.
        # NOTE: so the clamp notices come last, where build() may list them elsewhere.
        _, base_clamped = validate(self.key, len(base.tokens))
        notices = [notice for notice in base.notices if notice not in base_clamped] + clamped
        return base._replace(settings=validated, notices=notices)


class FrameCache:
    """The last `size` frames, keyed by (layout name, settings, width, height)."""

    def __init__(self, size: int = 24):
        self.size = size
        self.frames = OrderedDict()

    def get(self, layout, model: Model, width: float, height: float):
        """Return (paint JSON, frame) of layout(model, width, height), cached."""
        key = (layout.__module__, layout.__name__, model.settings, width, height)
        entry = self.frames.get(key)
        if entry is None:
            frame = layout(model, width, height)
            entry = (frame.paint_json(), frame)
            self.frames[key] = entry
            if len(self.frames) > self.size:
                self.frames.popitem(last=False)
        else:
            self.frames.move_to_end(key)
        return entry

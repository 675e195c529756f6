"""Each step of the walk-through laid out as drawing commands, with no browser needed."""

from __future__ import annotations

from .frame import Frame
from .step_input import layout_input
from .step_output import layout_output
from .step_project import layout_project
from .step_scores import layout_scores
from .step_softmax import layout_softmax

LAYOUTS = (layout_input, layout_project, layout_scores, layout_softmax, layout_output)


def layout(model, width: float, height: float) -> Frame:
    """Lay out the step that model.settings.step names, for a width × height canvas."""
    return LAYOUTS[model.settings.step - 1](model, width, height)

"""label(): repeated labels are copies of the first, indistinguishable from a freshly made Text."""

import numpy as np
import pytest
from manim import Text

from visualsys import theme
from visualsys.primitives import widgets
from visualsys.primitives.widgets import label


def family_state(mob):
    return [(type(m).__name__, m.points.tobytes(), m.fill_rgbas.tobytes(), m.stroke_rgbas.tobytes(),
             m.stroke_width) for m in mob.family_members_with_points()]


def test_a_repeated_label_is_the_same_as_a_fresh_text():
    widgets._LABELS.clear()
    first, again = label("leader: n2", mono=True), label("leader: n2", mono=True)
    fresh = Text("leader: n2", font=theme.MONO, font_size=theme.LABEL, color=theme.TEXT, weight="NORMAL")
    assert family_state(first) == family_state(again) == family_state(fresh)
    assert again.text == fresh.text and again.font == fresh.font


def test_every_call_returns_an_independent_object():
    widgets._LABELS.clear()
    a = label("term 3")
    a.shift(np.array([2.0, 0.0, 0.0])).set_color("#ff0000")
    b = label("term 3")
    assert b.get_center()[0] == pytest.approx(label("term 3").get_center()[0])
    assert not np.allclose(a.get_center(), b.get_center())
    assert b.get_color() != a.get_color()


def test_any_argument_makes_a_different_label():
    widgets._LABELS.clear()
    base = label("x")
    for other in (label("y"), label("x", size=theme.LABEL + 4), label("x", color="#00ff00"),
                  label("x", mono=True), label("x", weight="BOLD")):
        assert family_state(other) != family_state(base)
    assert len(widgets._LABELS) == 6

"""Geometry and colour helpers of the layout checks."""

import numpy as np
import pytest
from manim import Circle, Square, Triangle

from visualsys import theme
from visualsys.checks import geometry as geo
from visualsys.checks.layout import MIN_TEXT_PX, text_px
from visualsys.primitives import label


def test_points_inside_a_circle_and_a_ring():
    disc = geo.polygons(Circle(radius=1))
    pts = np.array([[0, 0], [0.9, 0], [1.1, 0], [0, -0.99]])
    assert geo.inside(pts, disc).tolist() == [True, True, False, True]
    ring = disc + geo.polygons(Circle(radius=0.5))  # even-odd: a hole in the middle
    assert geo.inside(pts, ring).tolist() == [False, True, False, True]


def test_curve_points_stay_on_the_circle_unlike_control_points():
    c = Circle(radius=2)
    r = np.hypot(*geo.outline(c).T)
    assert r.max() == pytest.approx(2, abs=1e-3)
    assert np.hypot(*c.points[:, :2].T).max() > 2.05  # Bézier handles poke out


def test_real_outlines_decide_overlap_when_boxes_meet():
    a = Triangle().scale(1).move_to([0, 0, 0])
    b = Triangle().rotate(np.pi).move_to([1.2, 0.4, 0])  # boxes overlap, triangles do not
    assert geo.box_intersection(geo.box(geo.outline(a)), geo.box(geo.outline(b)))[0] > 0
    assert not geo.outlines_overlap(geo.polygons(a), geo.polygons(b))
    c = Square(side_length=1).move_to([0.2, 0, 0])
    assert geo.outlines_overlap(geo.polygons(a), geo.polygons(c))


def test_overlapping_pairs_largest_first_and_touching_ignored():
    a = np.array([[0, 0, 1, 1], [2, 0, 3, 1]])
    b = np.array([[0.5, 0.5, 1.5, 1.5], [1.0, 0, 2.0, 1.0], [2.9, 0, 4, 1]])
    pairs = geo.overlapping_pairs(a, b, shrink=0.01)
    assert [(i, j) for i, j, _, _ in pairs] == [(0, 0), (1, 2)]


def test_wcag_contrast_reference_values():
    assert geo.contrast_ratio(np.zeros(3), np.ones(3)) == pytest.approx(21.0)
    assert geo.contrast_ratio(np.ones(3), np.ones(3)) == pytest.approx(1.0)
    # #767676 on white is the classic 4.54:1
    assert geo.contrast_ratio(geo.rgb("#767676"), np.ones(3)) == pytest.approx(4.54, abs=0.01)
    assert geo.contrast_ratio(geo.rgb(theme.MUTED), geo.rgb(theme.BACKGROUND)) > 4.5
    assert geo.blend(np.ones(3), 0.5, np.zeros(3)).tolist() == [0.5, 0.5, 0.5]


def test_text_size_measure_matches_the_theme():
    assert text_px(theme.SMALL) == pytest.approx(20.2, abs=0.1)
    assert text_px(theme.SMALL) >= MIN_TEXT_PX > text_px(17)
    # the constant is Inter's em box: its cap height (0.7275 em) is what Manim draws for "H"
    h_px = label("H", 100).height * 480 / 8
    assert h_px == pytest.approx(100 * 0.8331 * 0.7275, rel=0.01)

"""SlidingWindow: allow/deny maths of the fixed window, sliding log and sliding counter; drawing; frames."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from manim import Animation, tempconfig
from manim.utils.testing.frames_comparison import frames_comparison

from visualsys import ExplainerScene
from visualsys.primitives.sliding_window import SlidingWindow, SlidingWindowState

__module_test__ = "sliding_window"

BOUNDARY_BURST = [9.5, 9.6, 9.7, 9.8, 9.9, 10.0, 10.1, 10.2, 10.3, 10.4]


# -- model --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "word"),
    [
        ((0, 10), {}, "limit"),
        ((2.5, 10), {}, "limit"),
        ((5, 0), {}, "window"),
        ((5, -1), {}, "window"),
        ((5, 10), {"mode": "leaky"}, "mode"),
    ],
)
def test_arguments_are_validated(args, kwargs, word):
    with pytest.raises(ValueError, match=word):
        SlidingWindowState(*args, **kwargs)


def test_requests_must_arrive_in_order():
    w = SlidingWindowState(5, 10)
    w.request_at(3)
    with pytest.raises(ValueError, match="time order"):
        w.request_at(2)


@pytest.mark.parametrize("mode", ["fixed", "sliding", "counter"])
def test_limit_per_window_from_a_standing_start(mode):
    w = SlidingWindowState(3, 10, mode=mode)
    assert w.feed([1, 2, 3, 4, 5]) == [True, True, True, False, False]


def test_fixed_window_resets_at_the_boundary():
    w = SlidingWindowState(1, 10, mode="fixed")
    assert w.feed([0, 9.9, 10]) == [True, False, True]
    assert w.window_bounds(10) == (10.0, 20.0) and w.window_bounds(9.99) == (0.0, 10.0)


def test_sliding_log_forgets_exactly_one_window_later():
    w = SlidingWindowState(1, 10, mode="sliding")
    assert w.feed([0, 9.9, 10]) == [True, False, True]  # (t - 10, t]: the request at 0 has expired at 10
    assert w.window_bounds() == (0.0, 10.0)


def test_fixed_window_boundary_lets_twice_the_limit_through():
    w = SlidingWindowState(5, 10, mode="fixed")
    assert all(w.feed(BOUNDARY_BURST))
    assert w.accepted_between(9.5, 10.4) == 10  # 2 x limit within 0.9 s
    assert w.max_in_any_window() == 10


def test_sliding_log_refuses_the_boundary_burst():
    w = SlidingWindowState(5, 10, mode="sliding")
    assert w.feed(BOUNDARY_BURST) == [True] * 5 + [False] * 5
    assert w.max_in_any_window() == 5
    assert w.feed([19.4, 19.5, 19.6]) == [False, True, True]  # 9.5 expires at 19.5, 9.6 at 19.6


def test_sliding_counter_weights_the_previous_window():
    w = SlidingWindowState(5, 10, mode="counter")
    assert all(w.feed([1, 2, 3, 4, 5]))  # the previous window [0, 10) is full
    assert w.counter_parts(13) == (5, pytest.approx(0.7), 0)
    assert w.usage(13) == Fraction(7, 2)  # 5 * 0.7 + 0
    assert w.request_at(13)  # 3.5 + 1 <= 5
    assert w.usage() == Fraction(9, 2)
    assert not w.request_at(13.5)  # 5 * 0.65 + 1 + 1 = 5.25 > 5
    assert w.request_at(16)  # 5 * 0.4 + 1 + 1 = 4 <= 5
    assert w.requests[-1].used == pytest.approx(3.0)


def test_sliding_counter_refuses_most_of_the_boundary_burst():
    w = SlidingWindowState(5, 10, mode="counter")
    got = w.feed(BOUNDARY_BURST)
    assert got[:5] == [True] * 5 and sum(got) < 10  # weighted: at 10.0 the previous 5 count ~fully


def test_accepted_between_and_would_allow_change_nothing():
    w = SlidingWindowState(2, 1)
    w.feed([0, 0.5, 0.7])
    assert w.accepted_between(0, 0.5) == 2 and w.accepted_between(0.6, 1) == 0
    assert not w.would_allow(0.9) and w.would_allow(1.0)
    assert len(w.requests) == 3 and w.now == 0.7


def test_requests_of_several_units():
    w = SlidingWindowState(5, 10, mode="sliding")
    assert w.request_at(0, 3) and not w.request_at(1, 3) and w.request_at(2, 2)
    assert w.usage() == 5


times = st.lists(st.fractions(min_value=0, max_value=60), max_size=80).map(sorted)


def naive_sliding(limit: int, window: Fraction, ts: list) -> list[bool]:
    """Reference sliding log: count accepted arrivals in (t - window, t], by brute force."""
    acc: list = []
    out = []
    for t in ts:
        ok = sum(1 for a in acc if a > t - window) < limit
        if ok:
            acc.append(t)
        out.append(ok)
    return out


def naive_fixed(limit: int, window: Fraction, ts: list) -> list[bool]:
    count: dict[int, int] = {}
    out = []
    for t in ts:
        k = math.floor(t / window)
        ok = count.get(k, 0) < limit
        count[k] = count.get(k, 0) + ok
        out.append(ok)
    return out


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 6), st.fractions(min_value=Fraction(1, 2), max_value=15), times)
def test_sliding_log_matches_the_reference_and_never_exceeds_the_limit(limit, window, ts):
    w = SlidingWindowState(limit, window, mode="sliding")
    assert w.feed(ts) == naive_sliding(limit, window, ts)
    assert w.max_in_any_window() <= limit


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 6), st.fractions(min_value=Fraction(1, 2), max_value=15), times)
def test_fixed_window_matches_the_reference_and_is_at_most_twice_the_limit(limit, window, ts):
    w = SlidingWindowState(limit, window, mode="fixed")
    assert w.feed(ts) == naive_fixed(limit, window, ts)
    assert w.max_in_any_window() <= 2 * limit


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 6), st.fractions(min_value=Fraction(1, 2), max_value=15), times)
def test_sliding_counter_never_exceeds_the_limit_in_an_aligned_window(limit, window, ts):
    w = SlidingWindowState(limit, window, mode="counter")
    w.feed(ts)
    k_max = math.floor(max(ts, default=0) / window) + 1
    for k in range(k_max):
        assert w._units(k * window, (k + 1) * window, lo_open=False, hi_open=True) <= limit
    for r in w.requests:  # every decision is the weighted estimate against the limit
        assert r.accepted == (r.used + 1 <= limit)


# -- the drawing --------------------------------------------------------------------


def run(body) -> ExplainerScene:
    """Run ``body(scene)`` in a dry-run ExplainerScene at a low frame rate (animations do interpolate)."""
    with tempconfig(
        {"dry_run": True, "frame_rate": 4, "pixel_height": 180, "pixel_width": 320, "progress_bar": "none"}
    ):

        class Body(ExplainerScene):
            def construct(self):
                body(self)

        scene = Body()
        scene.render()
    return scene


def assert_drawing_matches(win: SlidingWindow) -> None:
    items = win._pool.items
    assert not win._pool.dead, "faded parts were not pruned"
    v0, v1 = win._v0, win._v0 + win.span
    shown = {k[1] for k in items if isinstance(k, tuple) and k[0] == "req"}
    assert shown == {i for i, r in enumerate(win.state.requests) if r.time >= v0}
    for i in shown:
        assert win._pool.specs[("req", i)][2] == win.state.requests[i].accepted
    lo, hi = win.state.window_bounds()
    assert win._pool.specs["band"] == (pytest.approx(win._x(max(lo, v0))), pytest.approx(win._x(min(hi, v1))))
    for key in items:  # every part sits where a fresh drawing of its spec would
        a, b = items[key], win._build(key, win._pool.specs[key])
        assert np.allclose(a.get_center(), b.get_center(), atol=1e-3), key
    dots = [items[("req", i)] for i in shown]  # dots never overlap
    for j, a in enumerate(dots):
        for b in dots[j + 1 :]:
            assert np.linalg.norm(a.get_center() - b.get_center()) >= a.width * 0.99


@pytest.mark.parametrize("kwargs", [{"width": 0}, {"height": -1}, {"step_time": 0}, {"span": 3}])
def test_drawing_arguments_are_validated(kwargs):
    with pytest.raises(ValueError):
        SlidingWindow(**kwargs)


@pytest.mark.parametrize("mode", ["fixed", "sliding", "counter"])
def test_fits_in_six_by_four(mode):
    win = SlidingWindow(limit=5, window=10, mode=mode)
    assert win.width <= 6 + 1e-6 and win.height <= 4 + 1e-6


@pytest.mark.parametrize("mode", ["fixed", "sliding", "counter"])
def test_verbs_return_animations_and_playing_them_updates_the_drawing(mode):
    win = SlidingWindow(limit=5, window=10, mode=mode)
    anims = []

    def body(scene):
        scene.add(win)
        anims.append(win.burst(10, start=9.5, spacing=0.1))
        scene.play(anims[-1])
        anims.append(win.mark_span(9.5, 10.4))
        scene.play(anims[-1])
        anims.append(win.tick(5))
        scene.play(anims[-1])
        anims.append(win.request())
        scene.play(anims[-1])
        assert scene.mobjects == [win]

    run(body)
    assert all(isinstance(a, Animation) for a in anims)
    assert len(win.state.requests) == 11 and win.state.now == pytest.approx(15.4)
    assert win.last_decisions == [win.state.requests[-1].accepted]
    caption = win._pool.specs[("mark", 0)][2]
    assert caption == f"{win.state.accepted_between(9.5, 10.4)} accepted in 0.9 s"
    assert_drawing_matches(win)


def test_the_view_scrolls_and_drops_old_requests():
    win = SlidingWindow(limit=3, window=1, mode="sliding")

    def body(scene):
        scene.add(win)
        scene.play(win.burst(8, spacing=0.3))
        scene.play(win.feed([4.5, 4.6]))
        scene.play(win.clear_marks())

    run(body)
    assert win._v0 == 2  # scrolled a window at a time until 4.6 was in view
    assert_drawing_matches(win)


@frames_comparison(base_scene=ExplainerScene)
def test_fixed_window_boundary_burst(scene):
    win = SlidingWindow(limit=5, window=10, mode="fixed")
    scene.add(win)
    scene.play(win.burst(10, start=9.5, spacing=0.1))
    scene.play(win.mark_span(9.5, 10.4))


@frames_comparison(base_scene=ExplainerScene)
def test_sliding_log_and_counter(scene):
    log = SlidingWindow(limit=5, window=10, mode="sliding").shift(3.1 * np.array([-1, 0, 0]))
    counter = SlidingWindow(limit=5, window=10, mode="counter").shift(3.1 * np.array([1, 0, 0]))
    scene.add(log, counter)
    for w in (log, counter):
        scene.play(w.feed([1, 2, 4, 9.5, 9.6, 9.7, 10.0, 10.1, 10.2, 13, 16]))
    scene.wait(0.1)  # the test harness draws only what the last play moved: make it draw everything

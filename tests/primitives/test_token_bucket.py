"""TokenBucket: exact refill and rejection maths; the drawing follows the model; control frames."""

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
from visualsys.primitives.token_bucket import TokenBucket, TokenBucketState

__module_test__ = "token_bucket"


# -- model --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"capacity": 0, "refill_rate": 1}, "capacity"),
        ({"capacity": -3, "refill_rate": 1}, "capacity"),
        ({"capacity": 2.5, "refill_rate": 1}, "capacity"),
        ({"capacity": 5, "refill_rate": 0}, "refill_rate"),
        ({"capacity": 5, "refill_rate": -1}, "refill_rate"),
        ({"capacity": 5, "refill_rate": float("nan")}, "refill"),
        ({"capacity": 5, "refill_rate": 1, "tokens": 6}, "tokens"),
        ({"capacity": 5, "refill_rate": 1, "tokens": -1}, "tokens"),
    ],
)
def test_arguments_are_validated(kwargs, word):
    with pytest.raises(ValueError, match=word):
        TokenBucketState(**kwargs)


def test_starts_full_and_rations():
    b = TokenBucketState(capacity=3, refill_rate=1)
    assert b.tokens == 3 and b.whole == 3
    assert [b.request() for _ in range(4)] == [True, True, True, False]
    assert b.tokens == 0
    assert [r.accepted for r in b.log] == [True, True, True, False]


def test_rejection_takes_nothing():
    b = TokenBucketState(capacity=5, refill_rate=1, tokens=2)
    assert not b.request(3)
    assert b.tokens == 2 and b.log[-1].tokens_before == b.log[-1].tokens_after == 2
    assert b.request(2) and b.tokens == 0


def test_fractional_refill_is_exact():
    b = TokenBucketState(capacity=5, refill_rate=1, tokens=0)
    added = [b.tick(0.1) for _ in range(10)]
    assert b.exact_tokens == 1 and b.whole == 1  # ten 0.1 s refills: exactly one token
    assert added == [0] * 9 + [1]  # the dot appears on the tenth tick, not before
    b.tick(0.25)
    assert b.exact_tokens == Fraction(5, 4) and b.whole == 1


def test_refill_never_exceeds_capacity_and_records_when_it_filled():
    b = TokenBucketState(capacity=10, refill_rate=1, tokens=8)
    assert b.tick(5) == 2
    assert b.tokens == 10
    assert b.history[-2:] == [(2.0, 10.0), (5.0, 10.0)]  # full at t=2, then flat
    assert b.tick(100) == 0 and b.tokens == 10


def test_time_until_is_the_retry_after():
    b = TokenBucketState(capacity=4, refill_rate=2, tokens=0)
    assert b.time_until(1) == 0.5 and b.time_until(3) == 1.5
    b.tick(0.5)
    assert b.time_until(1) == 0
    assert math.isinf(b.time_until(5))


def test_a_burst_drains_the_bucket_then_gets_429():
    b = TokenBucketState(capacity=5, refill_rate=1)
    decisions = b.feed([Fraction(i, 10) for i in range(8)])
    # t=0..0.4 take the 5 tokens (0.4 refilled meanwhile); 0.5, 0.6, 0.7 find less than one
    assert decisions == [True] * 5 + [False] * 3
    assert b.exact_tokens == Fraction(7, 10)
    b.advance_to(1.0)
    assert b.request() and b.exact_tokens == 0


def test_clock_only_moves_forward():
    b = TokenBucketState(capacity=2, refill_rate=1, start=3)
    with pytest.raises(ValueError, match="before"):
        b.advance_to(2)
    with pytest.raises(ValueError, match="dt"):
        b.tick(-1)
    with pytest.raises(ValueError, match="n must"):
        b.request(0)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 20),
    st.fractions(min_value=Fraction(1, 10), max_value=10),
    st.lists(st.tuples(st.fractions(min_value=0, max_value=3), st.integers(1, 4)), max_size=60),
)
def test_bucket_invariants(capacity, rate, events):
    """Never above capacity, never below zero; the accounting is exact against a reference."""
    b = TokenBucketState(capacity, rate)
    level, accepted = Fraction(capacity), 0
    for dt, n in events:
        b.tick(dt)
        level = min(Fraction(capacity), level + rate * dt)
        ok = b.request(n)
        assert ok == (level >= n)
        if ok:
            level -= n
            accepted += n
        assert b.exact_tokens == level
        assert 0 <= b.tokens <= capacity
        assert b.whole == math.floor(level)
    # the classic bound: a bucket lets through at most capacity + rate * elapsed
    assert accepted <= capacity + rate * sum(dt for dt, _ in events)
    assert all(0 <= v <= capacity for _, v in b.history)
    assert all(t1 <= t2 for (t1, _), (t2, _) in zip(b.history, b.history[1:], strict=False))


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


def assert_drawing_matches(bucket: TokenBucket) -> None:
    items = bucket._pool.items
    tokens = sorted(k[1] for k in items if isinstance(k, tuple) and k[0] == "token")
    assert tokens == list(range(bucket.state.whole))
    assert not [k for k in items if isinstance(k, tuple) and k[0] == "chip"], "request chips were left behind"
    assert not bucket._pool.dead, "faded parts were not pruned"
    assert bucket._pool.specs["readout"] == (bucket.state.whole,)
    for key in items:  # every part sits where a fresh drawing of its spec would
        shown, fresh = items[key], bucket._build(key, bucket._pool.specs[key])
        assert np.allclose(shown.get_center(), fresh.get_center(), atol=1e-3), key
        assert abs(shown.width - fresh.width) < 1e-3, key
    inside = bucket.bucket
    for i in range(bucket.state.whole):
        x, y = bucket.token_mobject(i).get_center()[:2]
        assert (
            inside.get_left()[0] < x < inside.get_right()[0]
            and inside.get_bottom()[1] < y < inside.get_top()[1]
        )


@pytest.mark.parametrize(
    "kwargs", [{"width": 0}, {"height": -2}, {"plot_seconds": 0}, {"step_time": 0}, {"capacity": 101}]
)
def test_drawing_arguments_are_validated(kwargs):
    with pytest.raises(ValueError):
        TokenBucket(**kwargs)


def test_fits_in_six_by_four():
    bucket = TokenBucket(capacity=10, refill_rate=2)
    assert bucket.width <= 6 + 1e-6 and bucket.height <= 4 + 1e-6
    small = TokenBucket(capacity=10, refill_rate=2, width=4.5, height=3)
    assert small.width <= 4.5 + 1e-6 and small.height <= 3 + 1e-6


def test_verbs_return_animations_and_playing_them_updates_model_and_drawing():
    bucket = TokenBucket(capacity=5, refill_rate=1, plot_seconds=4)
    anims = []

    def body(scene):
        scene.add(bucket)
        anims.append(bucket.burst(8, spacing=0.1))
        scene.play(anims[-1])
        assert bucket.last_decisions == [True] * 5 + [False] * 3
        anims.append(bucket.tick(2.3))
        scene.play(anims[-1])
        anims.append(bucket.request(2))
        scene.play(anims[-1])
        anims.append(bucket.feed([4.0, 4.0, 4.5]))
        scene.play(anims[-1])
        assert scene.mobjects == [bucket]

    run(body)
    assert all(isinstance(a, Animation) for a in anims)
    assert len(bucket.state.log) == 8 + 1 + 3
    assert bucket.state.time == 4.5
    assert bucket._x_max == 8  # the time axis grew by plot_seconds when the clock passed 4 s
    assert bucket._pool.specs["t1"] == ("8 s",)
    assert_drawing_matches(bucket)


def test_plot_pieces_trace_the_history():
    bucket = TokenBucket(capacity=4, refill_rate=1)
    run(
        lambda scene: (
            scene.add(bucket),
            scene.play(bucket.burst(3, spacing=0.5)),
            scene.play(bucket.tick(2)),
        )
    )
    pieces = [bucket._pool.specs[k] for k in sorted(k for k in bucket._pool.specs if k[0] == "piece")]
    traced = [pieces[0][0]] + [p for piece in pieces for p in piece[1:]]
    assert traced == [bucket._plot_point(t, v) for t, v in bucket.state.history]
    assert_drawing_matches(bucket)


@frames_comparison(base_scene=ExplainerScene)
def test_burst_then_refill(scene):
    bucket = TokenBucket(capacity=8, refill_rate=2)
    scene.add(bucket)
    scene.play(bucket.burst(10, spacing=0.1))
    scene.play(bucket.tick(1.4))


@frames_comparison(base_scene=ExplainerScene)
def test_rejected_request_bounces(scene):
    """Mid-animation: an empty bucket, a red chip tagged 429 on its way back."""
    bucket = TokenBucket(capacity=3, refill_rate=0.5)
    scene.add(bucket)
    scene.play(bucket.burst(3, spacing=0.2))
    anim = bucket.request()
    anim._setup_scene(scene)
    anim.begin()
    anim.interpolate(0.6)

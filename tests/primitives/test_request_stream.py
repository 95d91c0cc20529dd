"""RequestStream: decisions from lists or callables, packets that end accepted/rejected/failed; frames.

Also the rate-limiting set-up: one burst drives a TokenBucket, a SlidingWindow and streams, side by side.
"""

from __future__ import annotations

import numpy as np
import pytest
from manim import DOWN, LEFT, RIGHT, UP, Animation, tempconfig
from manim.utils.testing.frames_comparison import frames_comparison

from visualsys import ExplainerScene
from visualsys.primitives.request_stream import RequestStream, RequestStreamState, as_outcome
from visualsys.primitives.sliding_window import SlidingWindow, SlidingWindowState
from visualsys.primitives.token_bucket import TokenBucket, TokenBucketState

__module_test__ = "request_stream"

# -- model --------------------------------------------------------------------------


def test_outcomes_from_booleans_and_strings():
    assert [as_outcome(d) for d in (True, False, "ok", "rejected", "failed")] == [
        "ok",
        "rejected",
        "ok",
        "rejected",
        "failed",
    ]
    for bad in ("429", 1, None):
        with pytest.raises(ValueError, match="decision"):
            as_outcome(bad)


def test_decisions_from_a_list_run_out_loudly():
    s = RequestStreamState(decide=[True, False])
    assert [s.next_outcome(), s.next_outcome()] == ["ok", "rejected"]
    with pytest.raises(ValueError, match="2 entries"):
        s.next_outcome()


def test_bad_list_is_refused_up_front():
    with pytest.raises(ValueError):
        RequestStreamState(decide=[True, "maybe"])


def test_decisions_from_a_callable_see_the_request_index():
    seen = []

    def decide(i):
        seen.append(i)
        return "failed" if i == 2 else i % 2 == 0

    s = RequestStreamState(decide=decide)
    assert [s.next_outcome() for _ in range(4)] == ["ok", "rejected", "failed", "rejected"]
    assert seen == [0, 1, 2, 3]
    assert (s.sent, s.accepted, s.rejected, s.failed) == (4, 1, 2, 1)


def test_no_decider_means_decisions_must_be_given():
    s = RequestStreamState()
    with pytest.raises(ValueError, match="no decider"):
        s.next_outcome()
    assert s.record(False) == "rejected" and s.rejected == 1


def test_a_token_bucket_can_decide():
    bucket = TokenBucketState(capacity=3, refill_rate=1)
    s = RequestStreamState(decide=lambda i: bucket.request_at(0.1 * i))
    assert [s.next_outcome() for _ in range(5)] == ["ok"] * 3 + ["rejected"] * 2


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


@pytest.mark.parametrize(
    "kwargs",
    [
        {"width": 3},
        {"height": 0.5},
        {"packet_time": 0},
        {"spacing": -1},
        {"limiter_label": "a very long limiter caption indeed", "width": 5},
    ],
)
def test_drawing_arguments_are_validated(kwargs):
    with pytest.raises(ValueError):
        RequestStream(**kwargs)


def test_send_validates_its_requests():
    stream = RequestStream()
    for bad in (0, True, []):
        with pytest.raises(ValueError):
            stream.send(bad)
    with pytest.raises(ValueError, match="no decider"):
        stream.send(3)


def test_send_returns_an_animation_and_packets_are_cleaned_up():
    stream = RequestStream(decide=lambda i: i < 5)
    baseline = len(stream.submobjects)
    anims = []

    def body(scene):
        scene.add(stream)
        anims.append(stream.send(8))
        scene.play(anims[-1])
        anims.append(stream.send(["ok", "failed", False]))
        scene.play(anims[-1])
        assert scene.mobjects == [stream]

    run(body)
    assert all(isinstance(a, Animation) for a in anims)
    assert stream.counts == (6, 4, 1)
    assert stream._counts.specs["counts"] == (6, 4, 1, True)
    assert not stream._packets.items and not stream._packets.dead
    assert len(stream.submobjects) == baseline  # every packet was removed once it faded
    shown, fresh = stream._counts.items["counts"], stream._build_counts("counts", (6, 4, 1, True))
    assert np.allclose(shown.get_center(), fresh.get_center(), atol=1e-3)


def test_packets_follow_their_outcome():
    stream = RequestStream(spacing=0.2, packet_time=1.0)
    anim = stream.send([True, False, "failed"])
    paths = {o: stream._packet_path(o) for o in ("ok", "rejected", "failed")}
    assert paths["ok"][-1][0] > stream._limiter_right  # through the limiter
    assert paths["rejected"][-1][0] < stream._limiter_left and paths["rejected"][-1][2] is not None
    assert paths["failed"][-2][3] == "500"
    # half-way through: every packet is visible and has left the client
    seen = []

    def body(scene):
        scene.add(stream)
        anim._setup_scene(scene)
        anim.begin()
        anim.interpolate(0.5)
        for _, p in stream._packets.dead:
            seen.append((p[0].get_fill_opacity(), p[0].get_center()[0]))

    run(body)
    assert len(seen) == 3
    assert all(opacity > 0 and x > stream.client.get_right()[0] for opacity, x in seen)


def test_rate_limiting_layout_one_burst_drives_everything():
    """The rate-limiting topic: a bucket and a window side by side, the same burst through both."""
    bucket = TokenBucket(capacity=5, refill_rate=1).to_edge(LEFT, buff=0.5).shift(1.2 * DOWN)
    window = SlidingWindow(limit=5, window=10, mode="sliding").to_edge(RIGHT, buff=0.5).shift(1.2 * DOWN)
    streams = [
        RequestStream(width=6, limiter_label="bucket", backend_label="api").next_to(bucket, UP, buff=0.3),
        RequestStream(width=6, limiter_label="window", backend_label="api").next_to(window, UP, buff=0.3),
    ]
    for a, b in [(bucket, window), (streams[0], streams[1]), (streams[0], bucket), (streams[1], window)]:
        assert a.get_right()[0] < b.get_left()[0] or a.get_bottom()[1] > b.get_top()[1], "parts overlap"
    for m in (bucket, window, *streams):  # inside the frame with a 5 % margin
        assert m.get_left()[0] >= -7.11 * 0.95 and m.get_right()[0] <= 7.11 * 0.95
        assert m.get_bottom()[1] >= -4 * 0.95 and m.get_top()[1] <= 4 * 0.95
    times = [0.1 * i for i in range(8)]

    def body(scene):
        scene.add(bucket, window, *streams)
        scene.play(bucket.feed(times))
        scene.play(window.feed(times))
        scene.play(streams[0].send(bucket.last_decisions))
        scene.play(streams[1].send(window.last_decisions))

    run(body)
    assert bucket.last_decisions == [True] * 5 + [False] * 3
    assert window.last_decisions == [True] * 5 + [False] * 3
    assert streams[0].counts == (5, 3, 0) and streams[1].counts == (5, 3, 0)
    # after a pause the bucket has refilled a little, the window has not moved on yet
    assert TokenBucketState(5, 1).feed(times + [2.0]) == [True] * 5 + [False] * 3 + [True]
    assert SlidingWindowState(5, 10).feed(times + [2.0]) == [True] * 5 + [False] * 4


@frames_comparison(base_scene=ExplainerScene)
def test_packets_in_flight(scene):
    top = RequestStream(width=10).shift(1.5 * UP)
    bottom = RequestStream(width=10, limiter_label="breaker", backend_label="payments").shift(1.5 * DOWN)
    scene.add(top, bottom)
    for stream, decisions, alpha in (
        (top, [True] * 4 + [False] * 3, 0.7),
        (bottom, ["ok", "failed", "failed", "rejected"], 0.82),
    ):
        anim = stream.send(decisions)
        anim._setup_scene(scene)
        anim.begin()
        anim.interpolate(alpha)

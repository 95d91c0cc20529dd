from manim.utils.testing.frames_comparison import frames_comparison

from visualsys.primitives import SlidingWindowState, TokenBucketState

from .conftest import load_topic, play_until

__module_test__ = "rate_limiting"
topic = load_topic("rate_limiting")


@frames_comparison(base_scene=topic.RateLimiting)
def test_bucket_and_window_after_the_same_traffic(scene):
    play_until(scene, "The boundary burst")


def test_the_same_burst_gets_the_same_answer_from_both():
    bucket = TokenBucketState(topic.LIMIT, topic.RATE, tokens=1)
    bucket.advance_to(topic.FULL_AT)
    assert bucket.whole == topic.LIMIT  # full when the burst arrives
    window = SlidingWindowState(topic.LIMIT, topic.WINDOW)
    five_then_429 = [True] * 5 + [False] * 3
    assert bucket.feed(topic.BURST) == five_then_429
    assert window.feed(topic.BURST) == five_then_429


def test_two_seconds_later_the_bucket_has_refilled_and_the_window_has_not():
    bucket = TokenBucketState(topic.LIMIT, topic.RATE, tokens=1)
    window = SlidingWindowState(topic.LIMIT, topic.WINDOW)
    bucket.feed(topic.BURST)
    window.feed(topic.BURST)
    assert bucket.feed(topic.LATER) == [True, True]
    assert window.feed(topic.LATER) == [False, False]
    assert window.requests[-2].used == topic.LIMIT
    # the window frees at second 10: five seconds after the first accepted request
    assert not window.would_allow(9.9) and window.would_allow(10)
    # the bucket let 7 through in the last 5 seconds; the window never more than 5
    span = (topic.LATER[-1] - topic.WINDOW, topic.LATER[-1])
    assert topic.accepted_within(bucket, *span) == 7
    assert window.max_in_any_window() == topic.LIMIT


def test_the_boundary_burst_doubles_the_fixed_window_only():
    edge = topic.EDGE
    assert edge[4] < topic.WINDOW <= edge[5] and edge[-1] - edge[0] < 1  # 5 before the boundary, 5 after
    fixed, log, counter = (SlidingWindowState(topic.LIMIT, topic.WINDOW, mode=m)
                           for m in ("fixed", "sliding", "counter"))
    assert sum(fixed.feed(edge)) == 2 * topic.LIMIT
    assert sum(log.feed(edge)) == topic.LIMIT
    assert counter.feed(edge) == [True] * 5 + [False] * 5
    prev, weight, cur = counter.counter_parts(edge[-1])
    assert (prev, round(weight, 2), cur) == (5, 0.92, 0)

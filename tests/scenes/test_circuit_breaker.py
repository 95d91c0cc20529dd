from manim.utils.testing.frames_comparison import frames_comparison

from visualsys.primitives.circuit_breaker import CLOSED, OPEN, CircuitBreakerState

from .conftest import load_topic, play_until

__module_test__ = "circuit_breaker"
topic = load_topic("circuit_breaker")


@frames_comparison(base_scene=topic.CircuitBreaker)
def test_open_breaker_fails_fast(scene):
    play_until(scene, "Half-open")
    cb = scene.breaker
    # what the narration says here: open since second 4, a probe at second 9, nothing reached payments
    assert cb.state == OPEN and cb.opened_at == 4 and cb.retry_at == 4 + topic.TIMEOUT
    assert [c.outcome for c in scene.open_calls] == ["rejected"] * 4
    assert not any(c.reached_service for c in scene.open_calls)
    assert [c.failures for c in cb.log[:5]] == [0, 0, 1, 2, 3]


def test_the_story_the_narration_tells():
    """The schedule of the scene, replayed on the model: trip, fail fast, probe fails, probe succeeds."""
    cb = CircuitBreakerState(failure_threshold=topic.THRESHOLD, reset_timeout=topic.TIMEOUT)
    cb.calls([0, 1], True)
    trip = cb.calls([2, 3, 4], False)
    assert trip[-1].events == (cb.trip_event,) and cb.trip_event == "3 failures"
    assert [c.outcome for c in cb.calls([5, 6, 7, 8], True)] == ["rejected"] * 4
    first = cb.call(cb.retry_at, False)
    assert first.time == 9 and first.probe and first.outcome == "failed" and cb.state == OPEN
    assert [c.outcome for c in cb.calls([10, 12], True)] == ["rejected"] * 2
    second = cb.call(cb.retry_at, True)
    assert second.time == 14 and second.outcome == "ok" and cb.state == CLOSED and cb.failures == 0
    assert cb.rejected == 6  # the takeaway's "6 calls failed fast"

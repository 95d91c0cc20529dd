import pytest
from hypothesis import given
from hypothesis import strategies as st

from visualsys.primitives.circuit_breaker import (
    CLOSED,
    HALF_OPEN,
    OPEN,
    PROBE_FAILS,
    PROBE_OK,
    TIMEOUT,
    CircuitBreakerState,
)
from visualsys.primitives.state_machine import StateMachineState


def test_consecutive_failures_trip_it_open():
    b = CircuitBreakerState(failure_threshold=3, reset_timeout=5)
    calls = b.calls([0, 1, 2], False)
    assert [c.outcome for c in calls] == ["failed"] * 3
    assert [c.failures for c in calls] == [1, 2, 3]
    assert calls[-1].events == ("3 failures",)
    assert b.state == OPEN and b.opened_at == 2 and b.retry_at == 7


def test_a_success_resets_the_count():
    b = CircuitBreakerState(failure_threshold=3)
    b.calls([0, 1, 2, 3, 4], [False, False, True, False, False])
    assert b.state == CLOSED and b.failures == 2


def test_open_fails_fast_without_touching_the_service():
    b = CircuitBreakerState(failure_threshold=1, reset_timeout=5)
    b.call(0, False)
    rejected = b.calls([1, 2, 4.9], True)  # the service would even succeed: nobody asks it
    assert [c.outcome for c in rejected] == ["rejected"] * 3
    assert all(not c.reached_service and c.events == () for c in rejected)
    assert b.reached_service == 1 and b.rejected == 3


def test_probe_success_closes():
    b = CircuitBreakerState(failure_threshold=1, reset_timeout=5)
    b.call(0, False)
    probe = b.call(5, True)
    assert probe.probe and probe.outcome == "ok" and probe.events == (TIMEOUT, PROBE_OK)
    assert b.state == CLOSED and b.failures == 0 and b.retry_at is None


def test_probe_failure_reopens_and_restarts_the_timeout():
    b = CircuitBreakerState(failure_threshold=1, reset_timeout=5)
    b.call(0, False)
    probe = b.call(6, False)
    assert probe.outcome == "failed" and probe.events == (TIMEOUT, PROBE_FAILS)
    assert b.state == OPEN and b.retry_at == 11
    assert b.call(10, True).outcome == "rejected"
    assert b.call(11, True).events == (TIMEOUT, PROBE_OK)


def test_transitions_build_a_state_machine_that_follows_the_model():
    b = CircuitBreakerState(failure_threshold=2, reset_timeout=3)
    sm = StateMachineState([CLOSED, OPEN, HALF_OPEN], b.transitions())
    for t, ok in [(0, False), (1, False), (2, True), (4, False), (5, True), (7, True), (8, True)]:
        for event in b.call(t, ok).events:
            sm.fire(event)
        assert sm.current == b.state
    assert [e for _, e, _ in sm.history] == ["2 failures", TIMEOUT, PROBE_FAILS, TIMEOUT, PROBE_OK]


def test_trip_event_is_singular_for_one():
    assert CircuitBreakerState(failure_threshold=1).trip_event == "1 failure"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"failure_threshold": 0}, "failure_threshold must be >= 1, got 0"),
        ({"reset_timeout": -1}, "reset_timeout must be > 0, got -1"),
        ({"state": "AJAR"}, "state must be one of"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CircuitBreakerState(**kwargs)


def test_time_cannot_go_backwards_and_flags_must_match():
    b = CircuitBreakerState()
    b.call(3, True)
    with pytest.raises(ValueError, match="backwards"):
        b.call(2, True)
    with pytest.raises(ValueError, match="2 flags for 1 calls"):
        b.calls([4], [True, False])


@given(st.lists(st.tuples(st.floats(0, 3), st.booleans()), max_size=60), st.integers(1, 5))
def test_invariants(steps, threshold):
    b = CircuitBreakerState(failure_threshold=threshold, reset_timeout=2)
    t = 0.0
    for dt, ok in steps:
        t += dt
        before = b.state
        c = b.call(t, ok)
        # only an OPEN breaker rejects, and a rejected call changes nothing
        assert (c.outcome == "rejected") == (c.state == OPEN)
        if c.outcome == "rejected":
            assert before == OPEN and b.state == OPEN and not c.events
        assert b.failures < threshold or b.state == OPEN
        assert b.state != HALF_OPEN  # the probe resolves within its call
    assert b.reached_service + b.rejected == len(steps)

"""A circuit breaker as data: CLOSED, OPEN and HALF-OPEN, driven by calls at given times.

``CircuitBreakerState`` is a pure-Python model of the classic count-based breaker
(Nygard's *Release It!* pattern): while CLOSED every call goes through to the
service and consecutive failures are counted; ``failure_threshold`` failures
in a row trip it OPEN; while OPEN calls fail fast without touching the
service; the first call at least ``reset_timeout`` seconds after it opened
goes through as a probe (HALF-OPEN); the probe's success closes the breaker,
its failure opens it again and restarts the timeout.

Each call returns a :class:`BreakerCall` whose ``outcome`` is what a
:class:`~visualsys.primitives.request_stream.RequestStream` draws (``"ok"``,
``"failed"`` at the service, ``"rejected"`` by the breaker) and whose
``events`` name the transitions a
:class:`~visualsys.primitives.state_machine.StateMachine` built from
:meth:`CircuitBreakerState.transitions` fires, in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CLOSED, OPEN, HALF_OPEN = "CLOSED", "OPEN", "HALF-OPEN"
STATES = (CLOSED, OPEN, HALF_OPEN)
#: Event names of the transitions (the trip event's name says the threshold:
#: :attr:`CircuitBreakerState.trip_event`).
TIMEOUT, PROBE_OK, PROBE_FAILS = "timeout", "probe ok", "probe fails"


@dataclass(frozen=True)
class BreakerCall:
    """What happened to one call.

    Attributes
    ----------
    time
        When the call was made (seconds).
    outcome
        ``"ok"`` (reached the service, succeeded), ``"failed"`` (reached the
        service, failed) or ``"rejected"`` (failed fast: the breaker was open).
    state
        The breaker's state when the call arrived (after any timeout moved it to HALF-OPEN).
    events
        Transitions this call caused, in order (e.g. ``("timeout", "probe ok")``).
    failures
        Consecutive failures counted after the call.
    """

    time: float
    outcome: str
    state: str
    events: tuple[str, ...]
    failures: int

    @property
    def reached_service(self) -> bool:
        """Whether the call was passed on to the service."""
        return self.outcome != "rejected"

    @property
    def probe(self) -> bool:
        """Whether the call was a HALF-OPEN probe."""
        return self.state == HALF_OPEN


@dataclass
class CircuitBreakerState:
    """A count-based circuit breaker.

    Parameters
    ----------
    failure_threshold
        Consecutive failures (while CLOSED) that trip the breaker OPEN.
    reset_timeout
        Seconds the breaker stays OPEN before it lets a probe through.

    Examples
    --------
    >>> b = CircuitBreakerState(failure_threshold=2, reset_timeout=5)
    >>> [b.call(t, ok=False).outcome for t in (0, 1, 2)]
    ['failed', 'failed', 'rejected']
    >>> b.state, b.retry_at
    ('OPEN', 6)
    >>> c = b.call(6, ok=True); c.outcome, c.events, b.state
    ('ok', ('timeout', 'probe ok'), 'CLOSED')
    """

    failure_threshold: int = 3
    reset_timeout: float = 5.0
    state: str = CLOSED
    failures: int = 0
    opened_at: float | None = None
    log: list[BreakerCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.failure_threshold < 1:
            raise ValueError(f"failure_threshold must be >= 1, got {self.failure_threshold}")
        if self.reset_timeout <= 0:
            raise ValueError(f"reset_timeout must be > 0, got {self.reset_timeout}")
        if self.state not in STATES:
            raise ValueError(f"state must be one of {STATES}, got {self.state!r}")

    # -- the state machine it follows --------------------------------------------
    @property
    def trip_event(self) -> str:
        """The CLOSED -> OPEN event's name: ``"3 failures"`` (``"1 failure"`` for a threshold of one)."""
        n = self.failure_threshold
        return f"{n} failure{'s' if n != 1 else ''}"

    def transitions(self) -> list[tuple[str, str, str]]:
        """``(source, event, target)`` triples, ready for a :class:`StateMachine`."""
        return [
            (CLOSED, self.trip_event, OPEN),
            (OPEN, TIMEOUT, HALF_OPEN),
            (HALF_OPEN, PROBE_OK, CLOSED),
            (HALF_OPEN, PROBE_FAILS, OPEN),
        ]

    @property
    def retry_at(self) -> float | None:
        """When an OPEN breaker lets the next probe through (``None`` unless OPEN)."""
        if self.state != OPEN or self.opened_at is None:
            return None
        return self.opened_at + self.reset_timeout

    # -- calls -----------------------------------------------------------------------
    def call(self, time: float, ok: bool) -> BreakerCall:
        """A call at ``time`` to a service that would answer ``ok`` (success) or not.

        Times must not go backwards. Returns the :class:`BreakerCall` record
        (also appended to :attr:`log`).
        """
        if self.log and time < self.log[-1].time:
            raise ValueError(f"time must not go backwards: {time} < {self.log[-1].time}")
        events: list[str] = []
        retry = self.retry_at
        if self.state == OPEN and retry is not None and time >= retry:
            self.state = HALF_OPEN
            events.append(TIMEOUT)
        arrived_in = self.state
        if self.state == OPEN:
            outcome = "rejected"
        elif self.state == HALF_OPEN:
            outcome = "ok" if ok else "failed"
            if ok:
                self.state, self.failures, self.opened_at = CLOSED, 0, None
                events.append(PROBE_OK)
            else:
                self.state, self.opened_at = OPEN, time
                events.append(PROBE_FAILS)
        else:
            outcome = "ok" if ok else "failed"
            self.failures = 0 if ok else self.failures + 1
            if self.failures >= self.failure_threshold:
                self.state, self.opened_at = OPEN, time
                events.append(self.trip_event)
        record = BreakerCall(time, outcome, arrived_in, tuple(events), self.failures)
        self.log.append(record)
        return record

    def calls(self, times: list[float], ok: bool | list[bool]) -> list[BreakerCall]:
        """Several calls: at ``times``, to a service answering ``ok`` (one flag, or one per call)."""
        flags = [ok] * len(times) if isinstance(ok, bool) else list(ok)
        if len(flags) != len(times):
            raise ValueError(f"ok has {len(flags)} flags for {len(times)} calls")
        return [self.call(t, f) for t, f in zip(times, flags, strict=True)]

    # -- tallies ---------------------------------------------------------------------
    @property
    def reached_service(self) -> int:
        """Calls the service saw."""
        return sum(c.reached_service for c in self.log)

    @property
    def rejected(self) -> int:
        """Calls that failed fast at the breaker."""
        return sum(c.outcome == "rejected" for c in self.log)


__all__ = [
    "CLOSED",
    "HALF_OPEN",
    "OPEN",
    "PROBE_FAILS",
    "PROBE_OK",
    "STATES",
    "TIMEOUT",
    "BreakerCall",
    "CircuitBreakerState",
]

"""Requests flying from a client to a limiter as little packets: accepted, rejected (429) or failed.

:class:`RequestStreamState` is the pure-Python record of what happened to each
request; :class:`RequestStream` draws it. Decisions come from outside (a list of
booleans, or a callable such as a :class:`~visualsys.primitives.token_bucket.TokenBucketState`,
a :class:`~visualsys.primitives.sliding_window.SlidingWindowState` or a circuit
breaker model), so the same stream serves the rate-limiting and the
circuit-breaker topics.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from manim import (
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    Line,
    ManimColor,
    RoundedRectangle,
    Succession,
    VGroup,
    VMobject,
    Wait,
)

from .. import theme
from .pool import Area, KeyedPool, Spec, hexc, r6, validate_size
from .text import text

Outcome = Literal["ok", "rejected", "failed"]
#: The outcomes a request can have: passes the limiter and succeeds, is turned
#: away by the limiter (``429``), or passes the limiter and fails at the backend (``500``).
OUTCOMES: tuple[Outcome, ...] = ("ok", "rejected", "failed")

Decision = bool | str
Decider = Callable[[int], Decision] | Sequence[Decision]


def as_outcome(decision: Decision) -> Outcome:
    """Turn a decision into an outcome: ``True`` is ``"ok"``, ``False`` is ``"rejected"``.

    Strings must be one of :data:`OUTCOMES`.
    """
    if decision is True:
        return "ok"
    if decision is False:
        return "rejected"
    if isinstance(decision, str) and decision in OUTCOMES:
        return decision
    raise ValueError(f"a decision must be True, False or one of {OUTCOMES}, got {decision!r}")


# -- model (no Manim) ----------------------------------------------------------


@dataclass
class RequestStreamState:
    """The outcome of every request sent so far, and where the next decision comes from.

    Parameters
    ----------
    decide
        Where decisions come from when a caller sends requests without giving
        them: a callable taking the request's index (0-based, counting every
        request this stream has sent) and returning ``True``/``False``/an
        outcome string, or a sequence of such decisions consumed in order.
        ``None`` means every call must pass its decisions explicitly.

    Examples
    --------
    >>> s = RequestStreamState(decide=[True, True, False])
    >>> [s.next_outcome() for _ in range(3)]
    ['ok', 'ok', 'rejected']
    >>> s.accepted, s.rejected
    (2, 1)
    """

    decide: Decider | None = None
    outcomes: list[Outcome] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.decide is not None and not callable(self.decide):
            self.decide = [as_outcome(d) for d in self.decide]  # validate now, not mid-scene

    def next_outcome(self) -> Outcome:
        """Ask the decider about the next request, record and return its outcome."""
        i = len(self.outcomes)
        if self.decide is None:
            raise ValueError("this stream has no decider: pass decisions to send() or decide= to the stream")
        if callable(self.decide):
            outcome = as_outcome(self.decide(i))
        else:
            if i >= len(self.decide):
                raise ValueError(
                    f"the decision list has {len(self.decide)} entries; request {i + 1} has none"
                )
            outcome = as_outcome(self.decide[i])
        self.outcomes.append(outcome)
        return outcome

    def record(self, decision: Decision) -> Outcome:
        """Record a request whose decision is already known."""
        outcome = as_outcome(decision)
        self.outcomes.append(outcome)
        return outcome

    @property
    def sent(self) -> int:
        """How many requests have been sent."""
        return len(self.outcomes)

    @property
    def accepted(self) -> int:
        """Requests that passed the limiter and succeeded."""
        return self.outcomes.count("ok")

    @property
    def rejected(self) -> int:
        """Requests the limiter turned away."""
        return self.outcomes.count("rejected")

    @property
    def failed(self) -> int:
        """Requests that passed the limiter and failed at the backend."""
        return self.outcomes.count("failed")


# -- the drawing ----------------------------------------------------------------


class RequestStream(VGroup):
    """Requests travel as packets from a client to a limiter; each is accepted, rejected or fails.

    Accepted packets turn green and pass through the limiter to the backend;
    rejected ones turn red and bounce back to the client with a ``429`` tag;
    failed ones pass the limiter but bounce off the backend with a ``500`` tag
    (for circuit breakers). Running totals sit under the lane.

    Parameters
    ----------
    decide
        Where decisions come from when :meth:`send` is given a count: a callable
        ``f(i) -> bool | outcome`` (``i`` counts every request sent so far) or a
        list of decisions. See :class:`RequestStreamState`.
    client_label, limiter_label, backend_label
        Box captions; ``backend_label=None`` draws no backend (accepted packets
        leave to the right).
    reject_tag, fail_tag
        Tags shown on bounced packets.
    width, height
        Size of the drawing (at least 4.5 x 1.5, or 4.5 x 1.2 without counts;
        the boxes keep their size and the lanes take what is left).
    show_counts
        Whether to show the accepted/rejected totals.
    packet_time
        Seconds one packet takes from client to its end.
    spacing
        Seconds between two packets leaving the client.

    Examples
    --------
    .. code-block:: python

        class Burst(ExplainerScene):
            def construct(self):
                stream = RequestStream(limiter_label="rate limiter")
                self.add(stream)
                self.play(stream.send([True] * 5 + [False] * 3))  # 5 pass, 3 get 429

        # driven by a model: one decision per request, asked as it is sent
        bucket = TokenBucketState(capacity=5, refill_rate=1)
        stream = RequestStream(decide=lambda i: bucket.request_at(0.1 * i))
    """

    def __init__(
        self,
        decide: Decider | None = None,
        *,
        client_label: str = "client",
        limiter_label: str = "rate limiter",
        backend_label: str | None = "service",
        reject_tag: str = "429",
        fail_tag: str = "500",
        width: float = 8.0,
        height: float = 1.6,
        show_counts: bool = True,
        packet_time: float = 1.4,
        spacing: float = 0.25,
        **kwargs,
    ) -> None:
        validate_size(width, height)
        min_height = 1.5 if show_counts else 1.2
        if width < 4.5 or height < min_height:
            raise ValueError(
                f"a request stream needs at least 4.5 x {min_height} units, got {width} x {height}"
            )
        if packet_time <= 0:
            raise ValueError(f"packet_time must be > 0, got {packet_time}")
        if spacing <= 0:
            raise ValueError(f"spacing must be > 0, got {spacing}")
        super().__init__(**kwargs)
        self.state = RequestStreamState(decide)
        self.reject_tag, self.fail_tag = reject_tag, fail_tag
        self.show_counts = show_counts
        self.packet_time, self.spacing = packet_time, spacing
        self.area = Area(self, width, height)
        self._packets = KeyedPool(self, self._build_packet)
        self._counts = KeyedPool(self, self._build_counts)

        # layout, in area units from the top-left corner
        box_h = 0.75
        self._lane_y = box_h / 2 + (0.2 if show_counts else (height - box_h) / 2)  # room above for tags

        def box(caption: str, color: ManimColor) -> VGroup:
            t = text(caption, theme.SMALL, theme.TEXT)
            r = RoundedRectangle(
                width=max(1.0, t.width + 0.35),
                height=box_h,
                corner_radius=theme.CORNER,
                stroke_color=color,
                stroke_width=theme.STROKE_THIN,
                fill_color=theme.SURFACE,
                fill_opacity=1,
            )
            return VGroup(r, t.move_to(r))

        self.client = box(client_label, theme.OUTLINE)
        self.limiter = box(limiter_label, theme.BLUE)
        self.backend = box(backend_label, theme.OUTLINE) if backend_label else None
        cw, lw = self.client.width, self.limiter.width
        bw = self.backend.width if self.backend else 0.0
        free = width - cw - lw - (bw if self.backend else 0.6)
        if free < 1.5:
            raise ValueError(f"the boxes do not fit in width {width}: use shorter captions or a wider stream")
        self._x_client = cw / 2
        self._x_backend = width - bw / 2 if self.backend else width + 0.2
        self._x_limiter = cw + (0.62 if self.backend else 1.0) * free + lw / 2
        self._client_right = cw
        self._limiter_left = self._x_limiter - lw / 2
        self._limiter_right = self._x_limiter + lw / 2
        self._backend_left = self._x_backend - bw / 2 if self.backend else width
        self._boxes = [self.client, self.limiter, *([self.backend] if self.backend else [])]
        self._show_failed = False

        self.client.move_to(self.area.at(self._x_client, self._lane_y))
        self.limiter.move_to(self.area.at(self._x_limiter, self._lane_y))
        lanes = [
            Line(
                self.area.at(self._client_right, self._lane_y), self.area.at(self._limiter_left, self._lane_y)
            )
        ]
        if self.backend:
            self.backend.move_to(self.area.at(self._x_backend, self._lane_y))
            lanes.append(
                Line(
                    self.area.at(self._limiter_right, self._lane_y),
                    self.area.at(self._backend_left, self._lane_y),
                )
            )
        self.lanes = VGroup(*lanes).set_stroke(theme.OUTLINE, theme.STROKE_THIN)
        self.add(self.lanes, *self._boxes)
        if show_counts:
            self._counts.place({"counts": (0, 0, 0, False)})

    # -- read-only helpers ----------------------------------------------------
    @property
    def counts(self) -> tuple[int, int, int]:
        """``(accepted, rejected, failed)`` so far."""
        return self.state.accepted, self.state.rejected, self.state.failed

    # -- drawing helpers -------------------------------------------------------
    def _build_counts(self, key: Hashable, spec: Spec) -> VMobject:
        ok, rejected, failed, show_failed = spec
        parts = [
            text(f"accepted {ok}", theme.SMALL, theme.GREEN),
            text(f"rejected {rejected}", theme.SMALL, theme.RED),
        ]
        if show_failed:
            parts.append(text(f"failed {failed}", theme.SMALL, theme.ORANGE))
        row = VGroup(*parts).arrange(RIGHT, buff=0.45)
        row.move_to(self.area.at(self.area.width / 2, self.area.height - 0.2))
        return self.area.fit(row)

    def _build_packet(self, key: Hashable, spec: Spec) -> VMobject:
        x, dy, color, tag, visible = spec
        chip = RoundedRectangle(
            width=0.3, height=0.2, corner_radius=0.06, stroke_width=0, fill_color=color, fill_opacity=1
        )
        t = text(tag or self.reject_tag, theme.SMALL, ManimColor(color), mono=True, weight="BOLD")
        t.next_to(chip, UP, buff=0.06)
        if tag is None:
            t.set_opacity(0)
        packet = self.area.fit(VGroup(chip, t))
        packet.shift(self.area.at(x, self._lane_y - dy) - chip.get_center())
        return packet if visible else packet.set_opacity(0)

    def _packet_path(self, outcome: Outcome) -> list[tuple[float, float, ManimColor, str | None, float]]:
        """Way-points ``(x, dy, colour, tag, share of packet_time)``; the last one is where it fades."""
        start = self._client_right + 0.2
        at_limiter = self._limiter_left - 0.2
        if outcome == "ok":
            return [
                (start, 0, theme.YELLOW, None, 0.1),
                (at_limiter, 0, theme.YELLOW, None, 0.35),
                (self._limiter_right + 0.2, 0, theme.GREEN, None, 0.25),
                (self._backend_left - 0.05, 0, theme.GREEN, None, 0.3),
            ]
        if outcome == "rejected":
            back = start + 0.45 * (at_limiter - start)
            return [
                (start, 0, theme.YELLOW, None, 0.1),
                (at_limiter, 0, theme.YELLOW, None, 0.35),
                (at_limiter - 0.05, 0.2, theme.RED, self.reject_tag, 0.06),
                (back, 0.2, theme.RED, self.reject_tag, 0.49),
            ]
        at_backend = self._backend_left - 0.2
        return [
            (start, 0, theme.YELLOW, None, 0.1),
            (at_limiter, 0, theme.YELLOW, None, 0.25),
            (at_backend, 0, theme.GREEN, None, 0.25),
            (at_backend - 0.05, 0.2, theme.RED, self.fail_tag, 0.06),
            ((at_backend + start) / 2, 0.2, theme.RED, self.fail_tag, 0.34),
        ]

    # -- verbs -------------------------------------------------------------------
    def send(self, requests: int | Sequence[Decision] = 1, *, spacing: float | None = None) -> Animation:
        """Send requests down the lane; returns their animation.

        Parameters
        ----------
        requests
            A count (decisions are asked of the stream's ``decide``) or the
            decisions themselves (``True``/``False``/an outcome string each).
        spacing
            Seconds between packets (defaults to the stream's ``spacing``).
        """
        if isinstance(requests, bool):
            raise ValueError("pass a count or a list of decisions, not a single bool")
        if isinstance(requests, int):
            if requests < 1:
                raise ValueError(f"requests must be >= 1, got {requests}")
            outcomes = [self.state.next_outcome() for _ in range(requests)]
        else:
            if len(requests) == 0:
                raise ValueError("requests must not be empty")
            outcomes = [as_outcome(d) for d in requests]
            for o in outcomes:
                self.state.record(o)
        gap = self.spacing if spacing is None else spacing
        if gap <= 0:
            raise ValueError(f"spacing must be > 0, got {gap}")
        first = self.state.sent - len(outcomes)
        tracks: list[Animation] = []
        resolved: list[tuple[float, int, int, int]] = []
        ok, rej, fail = (self.state.outcomes[:first].count(o) for o in OUTCOMES)
        for j, outcome in enumerate(outcomes):
            key = ("packet", first + j)
            moves: list[Animation] = []
            path = self._packet_path(outcome)
            for n, (x, dy, color, tag, share) in enumerate(path):
                spec = (r6(x), r6(dy), hexc(color), tag, n < len(path) - 1)
                moves.append(self._packets.sync({key: spec}, keep_missing=True)[0])
                moves[-1].run_time = share * self.packet_time
            self._packets.retire(key)
            track = Succession(*moves)
            tracks.append(Succession(Wait(j * gap), track) if j else track)
            ok += outcome == "ok"
            rej += outcome == "rejected"
            fail += outcome == "failed"
            resolved.append((j * gap + 0.55 * self.packet_time, ok, rej, fail))
        if self.show_counts:
            chain: list[Animation] = []
            now = 0.0
            tick = min(0.2, 0.9 * gap)
            for t, a, b, c in resolved:
                if t > now:
                    chain.append(Wait(t - now))
                self._show_failed = self._show_failed or c > 0
                chain.extend(self._counts.sync({"counts": (a, b, c, self._show_failed)}))
                chain[-1].run_time = tick
                now = t + tick
            tracks.append(Succession(*chain))
        # packets pass *behind* the boxes
        self.remove(*self._boxes)
        self.add(*self._boxes)
        return AnimationGroup(*tracks, group=self, _on_finish=lambda _scene: self._packets.prune())

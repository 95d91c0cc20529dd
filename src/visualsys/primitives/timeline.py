"""Process timelines: lanes of events, messages between them, Lamport clocks and happened-before.

``TimelineState`` is the model: one lane per process, events placed in
columns ("slots") of a shared time axis, messages from a send event to a
receive event, Lamport clocks (tick on every local or send event, ``max + 1``
on receive) and vector clocks, and the happened-before relation computed from
program order and messages. ``Timeline`` draws it as a space-time diagram:
horizontal lanes, a dot per event with its label above and its Lamport
timestamp below, a diagonal arrow per message.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    Arrow,
    Circle,
    Create,
    Dot,
    Line,
    ManimColor,
    Mobject,
    Transform,
    VGroup,
    smooth,
)

from .. import theme
from .widgets import label

# -- the model ----------------------------------------------------------------------------------

EventKind = Literal["local", "send", "receive"]
Relation = Literal["before", "after", "concurrent", "same"]


@dataclass(frozen=True)
class TimelineEvent:
    """One event on a process's lane.

    Attributes
    ----------
    name
        Unique name (``"P1.2"`` by default: the second event of P1).
    process
        The lane it is on.
    index
        Its position in the lane (0-based).
    slot
        Its column on the shared time axis (1-based).
    kind
        ``"local"``, ``"send"`` or ``"receive"``.
    label
        Text drawn above it.
    clock
        Its Lamport timestamp.
    vector
        Its vector clock (one entry per process, in lane order).
    message
        Name of the message it sends or receives, if any.
    """

    name: str
    process: str
    index: int
    slot: int
    kind: EventKind
    label: str
    clock: int
    vector: tuple[int, ...]
    message: str | None = None


@dataclass(frozen=True)
class TimelineMessage:
    """A message: the send event's name and, once received, the receive event's."""

    name: str
    src: str
    send: str
    dst: str | None = None
    receive: str | None = None


class TimelineState:
    """Processes, their events and the messages between them.

    Parameters
    ----------
    processes
        Process names, top lane first.
    slots
        Columns on the time axis; events are placed in columns ``1..slots``.

    Examples
    --------
    >>> t = TimelineState(["P1", "P2"])
    >>> a = t.event("P1")
    >>> s, r = t.message("P1", "P2")
    >>> (a.clock, s.clock, r.clock)
    (1, 2, 3)
    >>> t.happened_before(a.name, r.name)
    True
    """

    def __init__(self, processes: Sequence[str], slots: int = 10) -> None:
        names = list(processes)
        if not names:
            raise ValueError("a timeline needs at least one process")
        if any(not isinstance(p, str) or not p for p in names):
            raise ValueError(f"process names must be non-empty strings, got {names!r}")
        if len(set(names)) != len(names):
            raise ValueError(f"process names must be unique, got {names!r}")
        if slots < 1:
            raise ValueError(f"slots must be >= 1, got {slots}")
        self.processes = names
        self.slots = slots
        self.events: dict[str, TimelineEvent] = {}
        self.lanes: dict[str, list[str]] = {p: [] for p in names}
        self.messages: dict[str, TimelineMessage] = {}
        self.clocks: dict[str, int] = {p: 0 for p in names}
        self._vectors: dict[str, tuple[int, ...]] = {p: (0,) * len(names) for p in names}

    # -- checks and look-ups ------------------------------------------------------------------------
    def _check(self, process: str) -> None:
        if process not in self.lanes:
            raise ValueError(f"unknown process {process!r}; the timeline has {', '.join(self.processes)}")

    def get(self, event: str | TimelineEvent) -> TimelineEvent:
        """The event called ``event`` (an event passes through)."""
        name = event.name if isinstance(event, TimelineEvent) else event
        if name not in self.events:
            raise ValueError(f"unknown event {name!r}")
        return self.events[name]

    def lane(self, process: str) -> list[TimelineEvent]:
        """The events of ``process``, in order."""
        self._check(process)
        return [self.events[n] for n in self.lanes[process]]

    def last_slot(self, process: str) -> int:
        """The column of the last event of ``process`` (0 when it has none)."""
        lane = self.lane(process)
        return lane[-1].slot if lane else 0

    def _slot(self, process: str, at: int | None, after: int = 0) -> int:
        first = max(self.last_slot(process), after) + 1
        slot = first if at is None else at
        if at is not None and at < first:
            raise ValueError(f"an event on {process} must be placed after slot {first - 1}, got at={at}")
        if slot > self.slots:
            raise ValueError(f"the timeline is full: slot {slot} > slots={self.slots}; pass a larger slots=")
        return slot

    def _add(self, process: str, kind: EventKind, label_: str, name: str | None, slot: int,
             clock: int, vector: tuple[int, ...], message: str | None) -> TimelineEvent:
        name = name if name is not None else f"{process}.{len(self.lanes[process]) + 1}"
        if not name or name in self.events:
            raise ValueError(f"event names must be unique and non-empty, got {name!r}")
        ev = TimelineEvent(name, process, len(self.lanes[process]), slot, kind, str(label_), clock, vector,
                           message)
        self.events[name] = ev
        self.lanes[process].append(name)
        self.clocks[process] = clock
        self._vectors[process] = vector
        return ev

    def _tick(self, process: str) -> tuple[int, tuple[int, ...]]:
        i = self.processes.index(process)
        v = list(self._vectors[process])
        v[i] += 1
        return self.clocks[process] + 1, tuple(v)

    # -- events ---------------------------------------------------------------------------------------
    def event(self, process: str, label: str = "", *, name: str | None = None,
              at: int | None = None) -> TimelineEvent:
        """A local event on ``process``: its Lamport clock ticks."""
        self._check(process)
        slot = self._slot(process, at)
        clock, vector = self._tick(process)
        return self._add(process, "local", label, name, slot, clock, vector, None)

    def send(self, process: str, label: str = "", *, message: str | None = None, name: str | None = None,
             at: int | None = None) -> TimelineEvent:
        """``process`` sends a message (named ``message``, default ``m1``, ``m2`` ...): its clock ticks."""
        self._check(process)
        msg = message if message is not None else f"m{len(self.messages) + 1}"
        if not msg or msg in self.messages:
            raise ValueError(f"message names must be unique and non-empty, got {msg!r}")
        slot = self._slot(process, at)
        clock, vector = self._tick(process)
        ev = self._add(process, "send", label, name, slot, clock, vector, msg)
        self.messages[msg] = TimelineMessage(msg, process, ev.name)
        return ev

    def receive(self, process: str, message: str, label: str = "", *, name: str | None = None,
                at: int | None = None) -> TimelineEvent:
        """``process`` receives ``message``: its clock becomes ``max(own, timestamp) + 1``."""
        self._check(process)
        if message not in self.messages:
            sent = ", ".join(self.messages) or "none"
            raise ValueError(f"unknown message {message!r}; sent so far: {sent}")
        m = self.messages[message]
        if m.receive is not None:
            raise ValueError(f"message {message!r} was already received by {m.dst}")
        if m.src == process:
            raise ValueError(f"a process cannot receive its own message ({process}, {message!r})")
        sent = self.events[m.send]
        slot = self._slot(process, at, after=sent.slot)
        clock = max(self.clocks[process], sent.clock) + 1
        merged = tuple(max(a, b) for a, b in zip(self._vectors[process], sent.vector, strict=True))
        i = self.processes.index(process)
        vector = merged[:i] + (merged[i] + 1,) + merged[i + 1:]
        ev = self._add(process, "receive", label, name, slot, clock, vector, message)
        self.messages[message] = TimelineMessage(message, m.src, m.send, process, ev.name)
        return ev

    def message(self, src: str, dst: str, send_label: str = "", recv_label: str = "", *,
                name: str | None = None, send_at: int | None = None,
                recv_at: int | None = None) -> tuple[TimelineEvent, TimelineEvent]:
        """A message sent by ``src`` and received by ``dst``: returns ``(send, receive)``."""
        self._check(src)
        self._check(dst)
        if src == dst:
            raise ValueError(f"a process cannot message itself ({src})")
        # validate the receive slot before changing anything
        send_slot = self._slot(src, send_at)
        self._slot(dst, recv_at, after=send_slot)
        s = self.send(src, send_label, message=name, at=send_at)
        r = self.receive(dst, s.message or "", recv_label, at=recv_at)
        return s, r

    # -- order --------------------------------------------------------------------------------------------
    def successors(self, event: str | TimelineEvent) -> list[TimelineEvent]:
        """Events that directly follow ``event``: the next on its lane and the receive of its message."""
        ev = self.get(event)
        out = []
        lane = self.lanes[ev.process]
        if ev.index + 1 < len(lane):
            out.append(self.events[lane[ev.index + 1]])
        if ev.kind == "send" and ev.message is not None:
            recv = self.messages[ev.message].receive
            if recv is not None:
                out.append(self.events[recv])
        return out

    def causal_path(self, a: str | TimelineEvent, b: str | TimelineEvent) -> list[TimelineEvent] | None:
        """A chain of events from ``a`` to ``b`` along lanes and messages, or ``None`` if there is none.

        Prefers the fewest steps. ``[a]`` when ``a`` is ``b``.
        """
        start, goal = self.get(a), self.get(b)
        prev: dict[str, str | None] = {start.name: None}
        queue = deque([start.name])
        while queue:
            cur = queue.popleft()
            if cur == goal.name:
                chain = []
                node: str | None = cur
                while node is not None:
                    chain.append(self.events[node])
                    node = prev[node]
                return chain[::-1]
            for nxt in self.successors(cur):
                if nxt.name not in prev:
                    prev[nxt.name] = cur
                    queue.append(nxt.name)
        return None

    def happened_before(self, a: str | TimelineEvent, b: str | TimelineEvent) -> bool:
        """Whether ``a → b``: a chain of lane steps and messages leads from ``a`` to ``b``."""
        ea, eb = self.get(a), self.get(b)
        return ea.name != eb.name and self.causal_path(ea, eb) is not None

    def concurrent(self, a: str | TimelineEvent, b: str | TimelineEvent) -> bool:
        """Whether neither of two distinct events happened before the other."""
        ea, eb = self.get(a), self.get(b)
        return ea.name != eb.name and not self.happened_before(ea, eb) and not self.happened_before(eb, ea)

    def relation(self, a: str | TimelineEvent, b: str | TimelineEvent) -> Relation:
        """``"before"``, ``"after"``, ``"concurrent"`` or ``"same"``: how ``a`` relates to ``b``."""
        ea, eb = self.get(a), self.get(b)
        if ea.name == eb.name:
            return "same"
        if self.happened_before(ea, eb):
            return "before"
        if self.happened_before(eb, ea):
            return "after"
        return "concurrent"

    def total_order(self) -> list[TimelineEvent]:
        """All events by Lamport timestamp, ties broken by lane order: a total order consistent with ``→``."""
        return sorted(self.events.values(), key=lambda e: (e.clock, self.processes.index(e.process)))

    def partner(self, event: str | TimelineEvent) -> TimelineEvent | None:
        """The other end of the message ``event`` sends or receives (``None`` if unreceived or local)."""
        ev = self.get(event)
        if ev.message is None:
            return None
        m = self.messages[ev.message]
        other = m.receive if ev.kind == "send" else m.send
        return self.events[other] if other is not None else None


# -- drawing ---------------------------------------------------------------------------------------------

_DOT_R = 0.1
_BUFF = 0.12


def _window(start: float, end: float):  # noqa: ANN202 - a rate function
    def rate(t: float) -> float:
        return smooth(min(1.0, max(0.0, (t - start) / (end - start))))
    return rate


def _appear(mob: Mobject, start: float = 0.0, end: float = 1.0, scale: float = 0.4) -> Animation:
    """Grow and fade ``mob`` in where it stands (no scene add/remove, so the timeline stays whole)."""
    target = mob.copy()
    mob.scale(scale).set_opacity(0)
    return Transform(mob, target, rate_func=_window(start, end))


class Timeline(VGroup):
    """A space-time diagram: one lane per process, event dots, message arrows, Lamport timestamps.

    Parameters
    ----------
    processes
        Process names (top lane first), or a ready :class:`TimelineState`.
    width, height
        Size of the diagram in scene units (``height`` defaults to 1.5 per lane).
    slots
        Columns on the time axis (with a list of names).
    lamport
        Draw each event's Lamport timestamp under its dot.
    colors
        Lane colours; defaults to :func:`theme.series` in lane order.

    Examples
    --------
    .. code-block:: python

        class Lamport(ExplainerScene):
            def construct(self):
                tl = Timeline(["P1", "P2", "P3"])
                self.play(tl.appear())
                self.play(tl.event("P1", "a"))
                self.play(tl.message("P1", "P2", "send", "recv"))
                self.play(tl.highlight("P1.1", "P2.1"))  # a happened before the receive
    """

    def __init__(self, processes: Sequence[str] | TimelineState = ("P1", "P2", "P3"), *, width: float = 11.0,
                 height: float | None = None, slots: int = 10, lamport: bool = True,
                 colors: Sequence[ManimColor] | None = None, **kwargs) -> None:
        state = processes if isinstance(processes, TimelineState) else TimelineState(processes, slots=slots)
        n = len(state.processes)
        height = 1.5 * n if height is None else height
        if width <= 0 or height <= 0:
            raise ValueError(f"width and height must be > 0, got {width} x {height}")
        if height / n < 1.1:
            raise ValueError(f"lanes need >= 1.1 units each to keep labels apart; height {height} is too low "
                             f"for {n} lanes")
        if colors is not None and len(colors) < n:
            raise ValueError(f"colors must give one colour per lane ({n}), got {len(colors)}")
        super().__init__(**kwargs)
        self.state = state
        self.lamport = lamport
        self.colors = {p: (colors[i] if colors is not None else theme.series(i))
                       for i, p in enumerate(state.processes)}
        names = [label(p, theme.LABEL, self.colors[p], weight="BOLD") for p in state.processes]
        name_w = max(t.width for t in names) + 0.35
        lane_len = width - name_w
        if lane_len / state.slots < 0.55:
            raise ValueError(f"{state.slots} slots do not fit in width {width}; "
                             "use fewer slots or more width")
        gap = height / n
        self.names: dict[str, Mobject] = {}
        self.lines: dict[str, Line] = {}
        for i, p in enumerate(state.processes):
            y = height / 2 - gap * (i + 0.5)
            line = Line([-width / 2 + name_w, y, 0], [width / 2, y, 0], stroke_color=theme.OUTLINE,
                        stroke_width=theme.STROKE_THIN)
            names[i].move_to([-width / 2 + name_w - 0.35 - names[i].width / 2, y, 0])
            self.names[p], self.lines[p] = names[i], line
        self.axis_label = label("time →", theme.SMALL, theme.MUTED)
        last = self.lines[state.processes[-1]]
        self.axis_label.next_to(last.get_end(), DOWN, buff=0.35).align_to(last.get_end(), RIGHT)
        self._ref = Line(ORIGIN, RIGHT, stroke_opacity=0, stroke_width=0)
        self.add(self._ref, *self.lines.values(), *self.names.values(), self.axis_label)
        self.dots: dict[str, VGroup] = {}
        self.arrows: dict[str, VGroup] = {}
        self._highlight: VGroup | None = None
        for ev in state.events.values():
            self.dots[ev.name] = self._make_event(ev)
            self.add(self.dots[ev.name])
        for m in state.messages.values():
            if m.receive is not None:
                self.arrows[m.name] = self._make_arrow(m.name)
                self.add(self.arrows[m.name])

    # -- geometry ----------------------------------------------------------------------------------------
    def _scale(self) -> float:
        return float(np.linalg.norm(self._ref.get_end() - self._ref.get_start()))

    def point(self, process: str, slot: float) -> np.ndarray:
        """Where column ``slot`` is on the lane of ``process`` (fractional slots allowed)."""
        self.state._check(process)
        return self.lines[process].point_from_proportion(
            min(1.0, max(0.0, (slot - 0.5) / self.state.slots)))

    def _lane_y(self, process: str) -> float:
        return float(self.lines[process].get_center()[1])

    def _label_offsets(self, ev: TimelineEvent) -> tuple[np.ndarray, np.ndarray]:
        """Directions for the label (above) and the timestamp (below), away from the event's arrow."""
        up, down = UP, DOWN
        other = self.state.partner(ev)
        if other is not None and other.process != ev.process:
            above = self.state.processes.index(other.process) < self.state.processes.index(ev.process)
            left = other.slot < ev.slot
            if above:
                up = UP + (RIGHT if left else LEFT)
            else:
                down = DOWN + (RIGHT if left else LEFT)
        return up, down

    def _place_text(self, text: Mobject, center: np.ndarray, direction: np.ndarray) -> None:
        k = self._scale()
        v = np.sign(direction[1])
        pos = center + UP * v * (_DOT_R * k + _BUFF * k + text.height / 2)
        if direction[0] != 0:
            pos = pos + RIGHT * np.sign(direction[0]) * (text.width / 2 + (_DOT_R * 0.6) * k)
        text.move_to(pos)

    def _make_event(self, ev: TimelineEvent) -> VGroup:
        k = self._scale()
        center = self.point(ev.process, ev.slot)
        color = self.colors[ev.process]
        dot = Dot(center, radius=_DOT_R * k, color=color)
        up, down = self._label_offsets(ev)
        name = label(ev.label, theme.SMALL, theme.TEXT).scale(k) if ev.label else VGroup()
        clock = (label(str(ev.clock), theme.SMALL, theme.YELLOW, mono=True).scale(k) if self.lamport
                 else VGroup())
        if ev.label:
            self._place_text(name, center, up)
        else:
            name.move_to(center)
        if self.lamport:
            self._place_text(clock, center, down)
        else:
            clock.move_to(center)
        return VGroup(dot, name, clock)

    def _make_arrow(self, message: str, color: ManimColor | None = None, width: float = theme.STROKE_THIN
                    ) -> VGroup:
        m = self.state.messages[message]
        assert m.receive is not None
        # aim at where the dots are drawn, not at their current shape: a dot that is
        # still growing in (see _appear) sits off its final centre until it lands
        send, recv = self.state.events[m.send], self.state.events[m.receive]
        a, b = self.point(send.process, send.slot), self.point(recv.process, recv.slot)
        k = self._scale()
        color = color if color is not None else self.colors[m.src]
        return VGroup(Arrow(a, b, buff=(_DOT_R + 0.03) * k, stroke_width=width, color=color,
                            tip_length=0.2 * k, max_tip_length_to_length_ratio=0.3,
                            max_stroke_width_to_length_ratio=20))

    # -- read-only helpers -------------------------------------------------------------------------------
    def event_mobject(self, name: str) -> VGroup:
        """The drawing of event ``name``: ``VGroup(dot, label, timestamp)``."""
        return self.dots[self.state.get(name).name]

    def arrow_mobject(self, message: str) -> VGroup:
        """The arrow of a received message."""
        if message not in self.arrows:
            raise ValueError(f"message {message!r} has no arrow (unknown or not received yet)")
        return self.arrows[message]

    # -- plumbing ------------------------------------------------------------------------------------------
    def _group(self, anims: Sequence[Animation], lag_ratio: float = 0.0) -> Animation:
        # group=self keeps the timeline whole in the scene (see Cluster._group)
        return AnimationGroup(*anims, group=self, lag_ratio=lag_ratio)

    def _new_event(self, ev: TimelineEvent, start: float = 0.0, end: float = 1.0) -> Animation:
        mob = self._make_event(ev)
        self.dots[ev.name] = mob
        self.add(mob)
        return _appear(mob, start, end)

    def _new_arrow(self, message: str, start: float, end: float) -> list[Animation]:
        arrow = self._make_arrow(message)
        self.arrows[message] = arrow
        self.add(arrow)
        anims: list[Animation] = [Create(arrow, introducer=False, rate_func=_window(start, end))]
        m = self.state.messages[message]
        sent = self.state.events[m.send]
        moved = self._make_event(sent)  # its label may need to move out of the arrow's way
        if not np.allclose(moved.get_center(), self.dots[sent.name].get_center(), atol=1e-3):
            anims.append(Transform(self.dots[sent.name], moved, rate_func=_window(0.0, start + 0.01)))
        return anims

    # -- verbs ----------------------------------------------------------------------------------------------
    def appear(self) -> Animation:
        """Draw the lanes, their names and the time axis (and any events already in the model)."""
        anims: list[Animation] = [Create(line, introducer=False) for line in self.lines.values()]
        anims += [_appear(t, scale=1.0) for t in (*self.names.values(), self.axis_label)]
        anims += [_appear(d, 0.4, 1.0) for d in self.dots.values()]
        anims += [Create(a, introducer=False, rate_func=_window(0.5, 1.0)) for a in self.arrows.values()]
        return self._group(anims)

    def event(self, process: str, label: str = "", *, name: str | None = None,
              at: int | None = None) -> Animation:
        """A local event: a dot with ``label`` above and the ticked Lamport clock below."""
        return self._group([self._new_event(self.state.event(process, label, name=name, at=at))])

    def send(self, process: str, label: str = "", *, message: str | None = None, name: str | None = None,
             at: int | None = None) -> Animation:
        """A send event; the arrow is drawn when the message is received (:meth:`receive`)."""
        ev = self.state.send(process, label, message=message, name=name, at=at)
        return self._group([self._new_event(ev)])

    def receive(self, process: str, message: str, label: str = "", *, name: str | None = None,
                at: int | None = None) -> Animation:
        """Receive ``message``: the arrow grows from its send event, then the receive dot appears."""
        ev = self.state.receive(process, message, label, name=name, at=at)
        dot = self._new_event(ev, 0.6, 1.0)
        return self._group([*self._new_arrow(message, 0.0, 0.7), dot])

    def message(self, src: str, dst: str, send_label: str = "", recv_label: str = "", *,
                name: str | None = None, send_at: int | None = None, recv_at: int | None = None
                ) -> Animation:
        """Send and receive in one go: send dot, arrow across the lanes, receive dot."""
        s, r = self.state.message(src, dst, send_label, recv_label, name=name, send_at=send_at,
                                  recv_at=recv_at)
        anims = [self._new_event(s, 0.0, 0.3), self._new_event(r, 0.7, 1.0)]
        assert s.message is not None
        return self._group([*anims, *self._new_arrow(s.message, 0.25, 0.8)])

    def highlight(self, a: str, b: str) -> Animation:
        """Show how ``a`` relates to ``b``.

        If ``a → b`` the causal chain (lane segments and message arrows) is
        drawn in green; if they are concurrent both events are ringed in yellow
        and nothing joins them. Call :meth:`clear_highlight` to remove it.
        """
        anims: list[Animation] = []
        if self._highlight is not None:
            anims.append(self.clear_highlight())
        ea, eb = self.state.get(a), self.state.get(b)
        if ea.name == eb.name:
            raise ValueError("highlight needs two different events")
        k = self._scale()
        path = self.state.causal_path(ea, eb) or self.state.causal_path(eb, ea)
        overlay = VGroup()
        if path is None:
            for ev in (ea, eb):
                overlay.add(self._ring(ev, theme.YELLOW))
        else:
            for x, y in zip(path, path[1:], strict=False):
                if x.process == y.process:
                    overlay.add(Line(self.dots[x.name][0].get_center(), self.dots[y.name][0].get_center(),
                                     stroke_color=theme.GREEN, stroke_width=theme.STROKE + 3,
                                     buff=_DOT_R * k))
                else:
                    assert x.message is not None
                    overlay.add(self._make_arrow(x.message, theme.GREEN, theme.STROKE + 1))
            for ev in (path[0], path[-1]):
                overlay.add(self._ring(ev, theme.GREEN))
        self._highlight = overlay
        self.add(overlay)
        anims.append(Create(overlay, introducer=False, lag_ratio=1.0 if path else 0.0))
        return self._group(anims)

    def _ring(self, ev: TimelineEvent, color: ManimColor) -> Circle:
        return Circle(radius=_DOT_R * self._scale() * 1.7, stroke_color=color,
                      stroke_width=theme.STROKE).move_to(self.dots[ev.name][0])

    def clear_highlight(self) -> Animation:
        """Remove what :meth:`highlight` drew."""
        if self._highlight is None:
            raise ValueError("nothing is highlighted")
        overlay, self._highlight = self._highlight, None
        return self._group([_Detach(overlay, self)])


class _Detach(Animation):
    """Fade a submobject of ``host`` out, then take it out of ``host`` (not the scene)."""

    def __init__(self, mob: Mobject, host: VGroup, **kwargs) -> None:
        self.host = host
        super().__init__(mob, **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        self.mobject.become(self.starting_mobject.copy().fade(alpha))

    def clean_up_from_scene(self, scene) -> None:  # noqa: ANN001 - Manim's signature
        super().clean_up_from_scene(scene)
        self.host.remove(self.mobject)

"""A finite state machine: states, labelled transitions, the current state lit.

``StateMachineState`` is the model: states, ``(source, event) -> target``
transitions, the current state and the path taken. ``StateMachine`` draws the
states as rounded boxes (in a row, a column, a triangle, a circle or at given
positions) joined by labelled arrows, curved where two states have
transitions both ways, with loops for self-transitions. ``fire(event)``
flashes the arrow taken and moves the light to the new state. It serves a
circuit breaker (CLOSED / OPEN / HALF-OPEN), 2PC participants and
coordinators, Raft roles (follower / candidate / leader).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from manim import (
    DOWN,
    ORIGIN,
    UP,
    Animation,
    ArcBetweenPoints,
    Dot,
    Indicate,
    Line,
    ManimColor,
    Mobject,
    Rectangle,
    RoundedRectangle,
    VGroup,
    VMobject,
)
from manim.mobject.geometry.tips import ArrowTriangleFilledTip

from .. import theme
from .parts import Parts, Pieces, group, pieces
from .widgets import label


# =============================================================================
# The model
# =============================================================================
class StateMachineState:
    """A finite state machine as data.

    Parameters
    ----------
    states
        State names, in layout order.
    transitions
        ``(source, event, target)`` triples; an event may leave several
        states, but each ``(source, event)`` pair has one target.
    initial
        The starting state (default: the first).

    Examples
    --------
    >>> cb = StateMachineState(["CLOSED", "OPEN", "HALF-OPEN"],
    ...                        [("CLOSED", "trip", "OPEN"), ("OPEN", "timeout", "HALF-OPEN"),
    ...                         ("HALF-OPEN", "success", "CLOSED"), ("HALF-OPEN", "failure", "OPEN")])
    >>> cb.fire("trip"), cb.fire("timeout"), cb.fire("success")
    ('OPEN', 'HALF-OPEN', 'CLOSED')
    """

    def __init__(
        self, states: Sequence[str], transitions: Sequence[tuple[str, str, str]], initial: str | None = None
    ) -> None:
        states = list(states)
        if not states:
            raise ValueError("a state machine needs at least one state")
        if len(set(states)) != len(states):
            raise ValueError(f"state names must be unique, got {states}")
        if any(not s for s in states):
            raise ValueError("state names must not be empty")
        self.states: tuple[str, ...] = tuple(states)
        self.transitions: dict[tuple[str, str], str] = {}
        for t in transitions:
            if len(t) != 3:
                raise ValueError(f"a transition is (source, event, target), got {t!r}")
            src, event, dst = t
            for s in (src, dst):
                if s not in self.states:
                    raise ValueError(f"transition {t!r} names unknown state {s!r}")
            if not event:
                raise ValueError(f"transition {t!r} needs an event name")
            if (src, event) in self.transitions:
                raise ValueError(f"state {src!r} has two transitions for event {event!r}")
            self.transitions[(src, event)] = dst
        initial = self.states[0] if initial is None else initial
        if initial not in self.states:
            raise ValueError(f"initial state {initial!r} is not one of {list(self.states)}")
        self.initial = initial
        self.current = initial
        self.history: list[tuple[str, str, str]] = []

    def events(self, state: str | None = None) -> list[str]:
        """Events that ``state`` (default: the current state) responds to."""
        state = self.current if state is None else state
        return [e for (s, e) in self.transitions if s == state]

    def can_fire(self, event: str) -> bool:
        """Whether ``event`` has a transition from the current state."""
        return (self.current, event) in self.transitions

    def target(self, event: str) -> str:
        """Where ``event`` leads from the current state (``ValueError`` if nowhere)."""
        if not self.can_fire(event):
            allowed = ", ".join(repr(e) for e in self.events()) or "none"
            raise ValueError(
                f"state {self.current!r} has no transition for event {event!r}; it accepts: {allowed}"
            )
        return self.transitions[(self.current, event)]

    def fire(self, event: str) -> str:
        """Take the transition for ``event`` and return the new state."""
        dst = self.target(event)
        self.history.append((self.current, event, dst))
        self.current = dst
        return dst

    def reset(self, state: str | None = None) -> None:
        """Jump to ``state`` (default: the initial state) without a transition."""
        state = self.initial if state is None else state
        if state not in self.states:
            raise ValueError(f"unknown state {state!r}; states are {list(self.states)}")
        self.current = state

    def edges(self) -> dict[tuple[str, str], list[str]]:
        """``(source, target) -> events``, in definition order."""
        out: dict[tuple[str, str], list[str]] = {}
        for (src, event), dst in self.transitions.items():
            out.setdefault((src, dst), []).append(event)
        return out


# =============================================================================
# Layout
# =============================================================================
def layout_positions(n: int, layout: str, width: float, height: float) -> list[np.ndarray]:
    """Centres of ``n`` states for a named layout inside ``width`` x ``height``.

    ``row`` and ``column`` spread evenly; ``triangle`` (3 states) puts the
    first two at the bottom left and right and the third on top; ``circle``
    starts on the left and goes clockwise.
    """
    if layout == "auto":
        layout = "row" if n <= 2 else "triangle" if n == 3 else "circle"
    if layout == "row":
        xs = np.linspace(-width / 2, width / 2, n) if n > 1 else [0.0]
        return [np.array([x, 0.0, 0.0]) for x in xs]
    if layout == "column":
        ys = np.linspace(height / 2, -height / 2, n) if n > 1 else [0.0]
        return [np.array([0.0, y, 0.0]) for y in ys]
    if layout == "triangle":
        if n != 3:
            raise ValueError(f"the triangle layout needs exactly 3 states, got {n}")
        return [
            np.array([-width / 2, -height / 2, 0.0]),
            np.array([width / 2, -height / 2, 0.0]),
            np.array([0.0, height / 2, 0.0]),
        ]
    if layout == "circle":
        return [
            np.array(
                [
                    width / 2 * math.cos(math.pi - 2 * math.pi * i / n),
                    height / 2 * math.sin(math.pi - 2 * math.pi * i / n),
                    0.0,
                ]
            )
            for i in range(n)
        ]
    raise ValueError(f"layout must be 'auto', 'row', 'column', 'triangle' or 'circle', got {layout!r}")


def _rotate(v: np.ndarray, angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1], 0.0])


def _box_exit(center: np.ndarray, direction: np.ndarray, hw: float, hh: float, buff: float) -> np.ndarray:
    """Where a ray from ``center`` along ``direction`` leaves a ``2hw x 2hh`` box, plus ``buff``."""
    d = direction / np.linalg.norm(direction)
    t = min(
        hw / abs(d[0]) if abs(d[0]) > 1e-9 else math.inf, hh / abs(d[1]) if abs(d[1]) > 1e-9 else math.inf
    )
    return center + (t + buff) * d


def _polyline(path: VMobject, n: int = 61) -> np.ndarray:
    """``n`` points evenly spaced (by arc length) along ``path``'s body (its tip excluded)."""
    pts = np.concatenate(
        [
            path.get_nth_curve_function(i)(t)[None, :]
            for i in range(path.get_num_curves())
            for t in np.linspace(0, 1, 9)
        ]
    )
    seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    dist = np.concatenate([[0.0], np.cumsum(seg)])
    targets = np.linspace(0, dist[-1], n)
    return np.stack([np.interp(targets, dist, pts[:, k]) for k in range(3)], axis=1)


def _segment_hits_box(a: np.ndarray, b: np.ndarray, c: np.ndarray, hw: float, hh: float) -> bool:
    """Whether segment ``a``-``b`` passes through the box centred at ``c`` (sampled)."""
    for t in np.linspace(0, 1, 41):
        p = a + (b - a) * t
        if abs(p[0] - c[0]) < hw and abs(p[1] - c[1]) < hh:
            return True
    return False


# =============================================================================
# The drawing
# =============================================================================
class StateMachine(VGroup):
    """States as boxes, transitions as labelled arrows, the current state lit.

    Parameters
    ----------
    machine
        A :class:`StateMachineState`, or the list of state names (then
        ``transitions`` and ``initial`` build the model).
    transitions, initial
        See :class:`StateMachineState` (only when ``machine`` is a list).
    layout
        ``"auto"`` (a row for 2 states, a triangle for 3, a circle for more),
        ``"row"``, ``"column"``, ``"triangle"`` or ``"circle"``.
    positions
        Explicit state centres (relative to the machine's centre); overrides
        ``layout``.
    colors
        Light colour per state (e.g. ``{"OPEN": theme.RED}``); default blue.
    width, height
        The box the machine fills for a named layout: the states spread out
        and are pulled in while the arrows, loops and labels fit without
        crowding; if they still reach more than ``SLACK`` past the box, a
        ``ValueError`` says how much room the machine needs.

    Examples
    --------
    .. code-block:: python

        class Breaker(ExplainerScene):
            def construct(self):
                cb = StateMachine(["CLOSED", "OPEN", "HALF-OPEN"],
                                  [("CLOSED", "5 failures", "OPEN"), ("OPEN", "timeout", "HALF-OPEN"),
                                   ("HALF-OPEN", "probe ok", "CLOSED"), ("HALF-OPEN", "probe fails", "OPEN")],
                                  colors={"CLOSED": theme.GREEN, "OPEN": theme.RED,
                                          "HALF-OPEN": theme.YELLOW})
                self.add(cb)
                self.play(cb.fire("5 failures"))
    """

    BOX_HEIGHT = 0.72
    MIN_BOX_WIDTH = 1.5
    SLACK = 0.25  # how far loops and labels may reach past the requested box
    ARC = 0.55  # radians of bend for a pair of opposite transitions

    def __init__(
        self,
        machine: StateMachineState | Sequence[str],
        transitions: Sequence[tuple[str, str, str]] = (),
        initial: str | None = None,
        *,
        layout: str = "auto",
        positions: Mapping[str, Sequence[float]] | None = None,
        colors: Mapping[str, ManimColor] | None = None,
        width: float = 8.0,
        height: float = 4.5,
        **kwargs: Any,
    ) -> None:
        if isinstance(machine, StateMachineState):
            if transitions or initial is not None:
                raise ValueError("pass transitions and initial to StateMachineState, not to StateMachine")
            self.state = machine
        else:
            self.state = StateMachineState(machine, transitions, initial)
        if width <= 0 or height <= 0:
            raise ValueError(f"width and height must be > 0, got {width} x {height}")
        super().__init__(**kwargs)
        names = self.state.states
        self._colors = {s: theme.BLUE for s in names}
        for s, c in (colors or {}).items():
            if s not in names:
                raise ValueError(f"colors names unknown state {s!r}")
            self._colors[s] = c
        texts = {s: label(s, theme.LABEL, theme.TEXT, weight="BOLD") for s in names}
        # Boxes fit their own name (at least MIN_BOX_WIDTH): short names leave room for arrows.
        self._bws = {s: max(t.width + 0.5, self.MIN_BOX_WIDTH) for s, t in texts.items()}
        self._bw = max(self._bws.values())
        self._bh = self.BOX_HEIGHT
        self._texts = texts
        self._label_cache: dict[str, VGroup] = {}
        self._limits: tuple[np.ndarray, np.ndarray] | None = None  # (centre, half size) to fit in
        if positions is not None:
            missing = [s for s in names if s not in positions]
            if missing:
                raise ValueError(f"positions is missing states {missing}")
            self._set_centres([np.array([*map(float, positions[s])][:2] + [0.0]) for s in names])
        else:
            if width < self._bw or height < self._bh:
                raise ValueError(
                    f"width x height must be at least one state box ({self._bw:.1f} x "
                    f"{self._bh:.1f}), got {width} x {height}"
                )
            # Spread the states over the box, then pull them in (while arrows keep room
            # between the boxes) until loops and labels fit too; best effort.
            span, covered = self._fit_span(layout, width, height)
            self._limits = (covered, np.array([width, height]) / 2)
            self._set_centres(layout_positions(len(names), layout, *span))
            self._check_spacing()
            for _ in range(12):
                whole = VGroup(*self._anchor, *self._edges.values())
                over = np.array([whole.width - width, whole.height - height]) > 1e-3
                if not over.any():
                    break
                tighter = span * np.where(over, 0.92, 1.0)
                centres = layout_positions(len(names), layout, *tighter)
                if self._too_close(dict(zip(names, centres, strict=True)), 0.9):
                    break
                previous = self._centres
                self._set_centres(centres)
                if self._crowded():  # labels no longer find room: keep the roomier layout
                    self._set_centres(list(previous.values()))
                    break
                span = tighter
            whole = VGroup(*self._anchor, *self._edges.values())
            if whole.width > width + self.SLACK or whole.height > height + self.SLACK:
                raise ValueError(
                    f"these states and labels need about {whole.width:.1f} x {whole.height:.1f} units, "
                    f"got width={width}, height={height}: give the machine more room"
                )
        self._check_spacing()
        self._body, self._transients = VGroup(), VGroup()
        self._parts = Parts(self._body, self._transients)
        self.add(self._anchor, *self._edges.values(), self._body, self._transients)
        self._parts.sync(self._build())

    # -- layout ---------------------------------------------------------------------
    def _fit_span(self, layout: str, width: float, height: float) -> tuple[np.ndarray, np.ndarray]:
        """The widest spread of centres for which the boxes (and room for their loops) fit the box.

        Returns the spread and the centre of what it covers (off the origin
        when loops reserve room on one side only).

        A state with a self-transition reserves room for its loop and label
        on its :meth:`_loop_side`.
        """
        names = self.state.states
        n = len(names)
        lo_ext = np.array([[self._bws[s] / 2, self._bh / 2] for s in names])
        hi_ext = lo_ext.copy()
        unit = np.array(layout_positions(n, layout, width, height))
        middle = unit.mean(axis=0)
        for i, s in enumerate(names):
            if (s, s) not in self.state.edges():
                continue
            lab = self._label("\n".join(self.state.edges()[(s, s)]), ORIGIN, UP)
            side = self._loop_side(unit[i], middle)
            axis = 1 if side[1] != 0 else 0
            loop = next(p for sd, p in self._loop_candidates(s, ORIGIN) if np.allclose(sd, side))
            reach = max(abs(loop.get_edge_center(side)[axis]) - lo_ext[i, axis], 0.0)
            extra = reach + 0.1 + (lab.height if axis == 1 else lab.width)
            (hi_ext if side[axis] > 0 else lo_ext)[i, axis] += extra

        def bounds(span: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            c = np.array(layout_positions(n, layout, *span))[:, :2]
            return (c - lo_ext).min(axis=0), (c + hi_ext).max(axis=0)

        lo, hi = np.zeros(2), np.array([width, height])
        for _ in range(40):  # bisection, both axes at once (x depends on width only, y on height)
            mid = (lo + hi) / 2
            low, high = bounds(mid)
            fits = high - low <= np.array([width, height]) + 1e-9
            lo, hi = np.where(fits, mid, lo), np.where(fits, hi, mid)
        low, high = bounds(lo)
        return lo, (low + high) / 2

    def _set_centres(self, centres: Sequence[np.ndarray]) -> None:
        names = self.state.states
        self._centres = dict(zip(names, centres, strict=True))
        self._anchor = VGroup(
            *[
                Rectangle(width=self._bws[s], height=self._bh, stroke_width=0, fill_opacity=0).move_to(c)
                for s, c in zip(names, centres, strict=True)
            ]
        )
        self._edges = self._build_edges()

    def _too_close(self, centres: Mapping[str, np.ndarray], gap: float) -> tuple[str, str] | None:
        """Two states whose boxes come closer than ``gap``, if any."""
        names = list(centres)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                d = np.abs(centres[a] - centres[b])
                if d[0] < (self._bws[a] + self._bws[b]) / 2 + gap and d[1] < self._bh + gap:
                    return a, b
        return None

    def _crowded(self) -> bool:
        """Whether a transition label comes within 0.15 of a state box or another label."""
        labels = [edge[1] for edge in self._edges.values()]
        for i, lab in enumerate(labels):
            for other in [*self._anchor, *labels[i + 1 :]]:
                if (
                    abs(lab.get_x() - other.get_x()) < (lab.width + other.width) / 2 + 0.15
                    and abs(lab.get_y() - other.get_y()) < (lab.height + other.height) / 2 + 0.15
                ):
                    return True
        return False

    def _check_spacing(self) -> None:
        pair = self._too_close(self._centres, 0.3)
        if pair is not None:
            raise ValueError(
                f"states {pair[0]!r} and {pair[1]!r} are too close "
                f"(the widest box is {self._bw:.1f} x {self._bh:.1f}): "
                "give more width/height or other positions"
            )

    def _k(self) -> float:
        """How much the machine has been scaled since it was built."""
        return self._anchor[0].width / self._bws[self.state.states[0]]

    def _centre(self, state: str) -> np.ndarray:
        return self._anchor[self.state.states.index(state)].get_center()

    def _outward(self, point: np.ndarray) -> np.ndarray:
        mid = np.mean([self._centre(s) for s in self.state.states], axis=0)
        v = point - mid
        return v / np.linalg.norm(v) if np.linalg.norm(v) > 1e-6 else UP

    def _label(self, text: str, at: np.ndarray, normal: np.ndarray) -> VGroup:
        if text not in self._label_cache:  # building text is slow; layout tries many spots
            lines = [label(t, theme.SMALL, theme.MUTED) for t in text.split("\n")]
            txt = VGroup(*lines).arrange(DOWN, buff=0.06)
            back = RoundedRectangle(
                width=txt.width + 0.16,
                height=txt.height + 0.1,
                corner_radius=0.06,
                fill_color=theme.BACKGROUND,
                fill_opacity=0.9,
                stroke_width=0,
            )
            self._label_cache[text] = VGroup(back, txt.move_to(back))
        grp = self._label_cache[text].copy()
        n = normal / np.linalg.norm(normal)
        reach = abs(n[0]) * grp.width / 2 + abs(n[1]) * grp.height / 2
        return grp.move_to(at + n * (reach + 0.04))

    def _arrow(self, src: str, dst: str, bend: float) -> VMobject:
        a, b = self._centre(src), self._centre(dst)
        hh = self._bh / 2
        chord = b - a
        start = _box_exit(a, _rotate(chord, -bend / 2), self._bws[src] / 2, hh, 0.06)
        end = _box_exit(b, _rotate(-chord, bend / 2), self._bws[dst] / 2, hh, 0.06)
        path = ArcBetweenPoints(start, end, angle=bend) if abs(bend) > 1e-6 else Line(start, end)
        path.set_stroke(theme.MUTED, theme.STROKE_THIN)
        path.add_tip(tip_shape=ArrowTriangleFilledTip, tip_length=0.18, tip_width=0.16)
        path.get_tip().set_fill(theme.MUTED, 1).set_stroke(width=0)
        return path

    def _loop_candidates(
        self, state: str, centre: np.ndarray | None = None
    ) -> list[tuple[np.ndarray, VMobject]]:
        """A loop on each side of ``state``'s box (centred at ``centre``): ``(side, path)``."""
        c = self._centre(state) if centre is None else centre
        hw, hh = self._bws[state] / 2, self._bh / 2
        out: list[tuple[np.ndarray, VMobject]] = []
        for side in (UP, DOWN, np.array([1.0, 0, 0]), np.array([-1.0, 0, 0])):
            along = np.array([-side[1], side[0], 0.0])  # along the side of the box
            reach, offset = (hh, 0.3) if side[0] == 0 else (hw, 0.2)
            p1 = c + side * (reach + 0.04) - along * offset
            p2 = c + side * (reach + 0.04) + along * offset
            arcs = [ArcBetweenPoints(p1, p2, angle=a) for a in (1.5 * math.pi, -1.5 * math.pi)]
            path = max(arcs, key=lambda arc: float(np.dot(arc.point_from_proportion(0.5) - c, side)))
            path.set_stroke(theme.MUTED, theme.STROKE_THIN)
            path.add_tip(tip_shape=ArrowTriangleFilledTip, tip_length=0.16, tip_width=0.14)
            path.get_tip().set_fill(theme.MUTED, 1).set_stroke(width=0)
            out.append((side, path))
        return out

    @staticmethod
    def _loop_side(centre: np.ndarray, middle: np.ndarray) -> np.ndarray:
        """Where a state's self-loop goes: away from the middle of the layout, above or below if possible."""
        out = centre - middle
        if abs(out[1]) > 0.2:
            return UP if out[1] > 0 else DOWN
        if abs(out[0]) > 0.2:
            return np.array([1.0 if out[0] > 0 else -1.0, 0.0, 0.0])
        return UP

    def _loop(self, state: str) -> tuple[np.ndarray, VMobject]:
        """The loop of ``state``, on its :meth:`_loop_side`."""
        middle = np.mean([self._centre(s) for s in self.state.states], axis=0)
        side = self._loop_side(self._centre(state), middle)
        return next((sd, path) for sd, path in self._loop_candidates(state) if np.allclose(sd, side))

    def _outside(self, lo: np.ndarray, hi: np.ndarray) -> float:
        """How far a box from ``lo`` to ``hi`` reaches past the requested size (0 without one)."""
        if self._limits is None:
            return 0.0
        centre, half = self._limits
        over = np.maximum(hi - (centre + half), 0) + np.maximum((centre - half) - lo, 0)
        return float(over.sum())

    @staticmethod
    def _overlap(c: np.ndarray, w: float, h: float, boxes: np.ndarray, margin: float) -> float:
        """Total area by which a ``w x h`` box at ``c`` overlaps ``boxes`` grown by ``margin``.

        ``boxes`` has one row ``(cx, cy, width, height)`` per box.
        """
        if not len(boxes):
            return 0.0
        dx = (w + boxes[:, 2]) / 2 + margin - np.abs(c[0] - boxes[:, 0])
        dy = (h + boxes[:, 3]) / 2 + margin - np.abs(c[1] - boxes[:, 1])
        return float(np.sum(np.clip(dx, 0, None) * np.clip(dy, 0, None)))

    def _place_label(
        self,
        text: str,
        polyline: np.ndarray,
        side: np.ndarray,
        taken: list[Mobject],
        lines: np.ndarray,
        flips: tuple[float, ...] = (1.0, -1.0),
        straight_out: bool = False,
    ) -> VGroup:
        """Put ``text`` beside a path (sampled as ``polyline``) on ``side`` where it covers the least.

        Candidates slide along the path, step away from it and flip sides;
        each costs its overlaps with boxes, labels and arrows plus a little
        for straying from the middle.
        """
        lab = self._label(text, ORIGIN, UP)
        w, h = lab.width, lab.height
        boxes = np.array([[a.get_x(), a.get_y(), a.width, a.height] for a in self._anchor])
        others = np.array([[t.get_x(), t.get_y(), t.width, t.height] for t in taken]).reshape(-1, 4)
        last = len(polyline) - 1
        best: tuple[float, np.ndarray] | None = None
        for extra in (0.0, 0.2, 0.45, 0.7):
            for flip in flips:
                for p in (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78):
                    i = round(p * last)
                    at = polyline[i]
                    tangent = polyline[min(i + 2, last)] - polyline[max(i - 2, 0)]
                    n = np.array([tangent[1], -tangent[0], 0.0])
                    if np.dot(n, side) < 0:
                        n = -n
                    n = n / np.linalg.norm(n) * flip
                    if straight_out:  # a loop: the label sits straight beyond its far point
                        at = polyline[int(np.argmax(polyline @ side))]
                        n = side / np.linalg.norm(side)
                    reach = abs(n[0]) * w / 2 + abs(n[1]) * h / 2
                    c = at + n * (reach + 0.04 + extra)
                    cost = (
                        self._overlap(c, w, h, boxes, 0.16) * 20
                        + self._overlap(c, w, h, boxes, 0.0) * 200
                        + self._overlap(c, w, h, others, 0.04) * 20
                    )
                    inside = (np.abs(lines[:, 0] - c[0]) < w / 2 + 0.03) & (
                        np.abs(lines[:, 1] - c[1]) < h / 2 + 0.03
                    )
                    cost += 0.05 * float(np.count_nonzero(inside))
                    cost += self._outside(c[:2] - [w / 2, h / 2], c[:2] + [w / 2, h / 2]) * 10
                    cost += extra * 0.4 + abs(p - 0.5) * 0.3 + (0.25 if flip < 0 else 0.0)
                    if best is None or cost < best[0] - 1e-9:
                        best = (cost, c)
        assert best is not None
        return lab.move_to(best[1])

    def _build_edges(self) -> dict[tuple[str, str], VGroup]:
        edges = self.state.edges()
        out: dict[tuple[str, str], VGroup] = {}
        paths: dict[tuple[str, str], tuple[VMobject, np.ndarray]] = {}
        for src, dst in edges:
            if src == dst:
                continue
            a, b = self._centre(src), self._centre(dst)
            blocked = any(
                _segment_hits_box(a, b, self._centre(s), self._bws[s] / 2, self._bh / 2)
                for s in self.state.states
                if s not in (src, dst)
            )
            both = (dst, src) in edges
            bend = self.ARC if both else (0.9 if blocked else 0.0)
            right = np.array([(b - a)[1], -(b - a)[0], 0.0])  # right of travel
            if blocked and not both and np.dot(right, self._outward((a + b) / 2)) < 0:
                bend = -bend  # bend away from the layout's middle
            path = self._arrow(src, dst, bend)
            if abs(bend) > 1e-6:
                side = right if bend > 0 else -right
            else:
                side = right if np.dot(right, self._outward((a + b) / 2)) >= 0 else -right
            paths[(src, dst)] = (path, side)
        for src, dst in edges:
            if src == dst:
                side, path = self._loop(src)
                paths[(src, dst)] = (path, side)
        paths = {key: paths[key] for key in edges}  # definition order
        polylines = {key: _polyline(path) for key, (path, _) in paths.items()}
        samples = np.concatenate(list(polylines.values())) if polylines else np.zeros((0, 3))
        taken: list[Mobject] = []
        for key, (path, side) in paths.items():
            flips = (1.0,) if key[0] == key[1] else (1.0, -1.0)  # a loop's label stays outside it
            lab = self._place_label(
                "\n".join(edges[key]),
                polylines[key],
                side,
                taken,
                samples,
                flips,
                straight_out=key[0] == key[1],
            )
            taken.append(lab)
            out[key] = VGroup(path, lab)
        return out

    # -- building -------------------------------------------------------------------
    def _build(self) -> Pieces:
        parts: Pieces = {}
        k = self._k()
        for s in self.state.states:
            on = s == self.state.current
            color = self._colors[s]
            box = RoundedRectangle(
                width=self._bws[s],
                height=self._bh,
                corner_radius=theme.CORNER * 1.5,
                fill_color=theme.SURFACE_HI if on else theme.SURFACE,
                fill_opacity=1,
                stroke_color=color if on else theme.OUTLINE,
                stroke_width=theme.STROKE if on else theme.STROKE_THIN,
            )
            text = self._texts[s].copy().set_color(theme.TEXT if on else theme.MUTED).move_to(box)
            VGroup(box, text).scale(k).move_to(self._centre(s))
            parts.update(pieces(("state", s), {"box": box, "text": text}))
        c = self._centre(self.state.current)
        glow = RoundedRectangle(
            width=self._bws[self.state.current] + 0.2,
            height=self._bh + 0.2,
            corner_radius=theme.CORNER * 2.2,
            stroke_color=self._colors[self.state.current],
            stroke_width=6,
            stroke_opacity=0.45,
            fill_opacity=0,
        )
        parts.update(pieces("light", glow.scale(k).move_to(c)))
        return parts

    # -- read-only helpers ----------------------------------------------------------
    @property
    def current(self) -> str:
        """The current state's name."""
        return self.state.current

    def state_mobject(self, state: str) -> Mobject:
        """The box of ``state``, for pointing at."""
        if state not in self.state.states:
            raise ValueError(f"unknown state {state!r}; states are {list(self.state.states)}")
        return self._parts[("state", state)]

    def arrow_mobject(self, source: str, target: str) -> Mobject:
        """The arrow (with its label) from ``source`` to ``target``."""
        if (source, target) not in self._edges:
            raise ValueError(f"no transition from {source!r} to {target!r}")
        return self._edges[(source, target)]

    # -- verbs ---------------------------------------------------------------------
    def fire(self, event: str, color: ManimColor = theme.YELLOW) -> Animation:
        """Take the transition for ``event``: the arrow flashes, a pulse runs along it, the light moves.

        Raises ``ValueError`` naming the state and the event if the current
        state has no such transition.
        """
        src = self.state.current
        dst = self.state.fire(event)
        edge = self._edges[(src, dst)]
        path = edge[0]
        dot = Dot(radius=0.08, color=color)

        def run(mob: Mobject, alpha: float) -> None:
            mob.move_to(path.point_from_proportion(min(alpha, 0.999) * 0.93))
            mob.set_opacity(0.0 if alpha >= 1 else 1.0)

        flash = [
            Indicate(path, color=color, scale_factor=1.0),
            Indicate(edge[1][1], color=color, scale_factor=1.1),
            self._parts.transient(dot.scale(self._k()), run),
        ]
        ch = self._parts.sync(self._build())
        return group(self, flash, ch.all())

    def reset(self, state: str | None = None) -> Animation:
        """Jump to ``state`` (default: the initial one) without a transition."""
        self.state.reset(state)
        return group(self, self._parts.sync(self._build()).all())


__all__ = ["StateMachine", "StateMachineState", "layout_positions"]

"""A cluster of networked nodes: status, readouts, messages and network partitions.

``ClusterState`` is the model: nodes with a status (``up``, ``down``,
``suspect``, ``leader``, ``candidate``, ``follower``) and a short readout,
an optional two-sided network partition that decides which pairs of nodes can
talk, a seeded random source for gossip, and a log of every message sent
(who sent what to whom, delivered or lost, and why). ``Cluster`` draws it:
each node is a card coloured by its status, each message is a ``Message``
tag travelling between cards, and a ``Partition`` is a dashed cut line. The
verbs update the model when they are called and return the animation that
shows what the model did, so a message the model lost is the one the viewer
sees fade out with a cross.

The same drawing serves CAP (a partition and a refused or diverging write),
heartbeats (``gather`` to a monitor, a silent node turned ``suspect`` then
``down``), quorums (``round_trip`` with version readouts), gossip
(``gossip_round`` with a fixed seed), Raft (terms, votes, heartbeats),
two-phase commit and producer acks.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    ORIGIN,
    RIGHT,
    Animation,
    AnimationGroup,
    ArcBetweenPoints,
    Circle,
    DashedLine,
    DashedVMobject,
    Dot,
    Line,
    ManimColor,
    Mobject,
    RoundedRectangle,
    Transform,
    VGroup,
    VMobject,
    config,
    interpolate_color,
    linear,
    smooth,
)

from .. import theme
from .widgets import label

# -- the model (no Manim objects below this line until `Cluster`) -----------------------

#: Every status a node can have.
STATUSES = ("up", "down", "suspect", "leader", "candidate", "follower")

#: The readout of a node is at most this many lines of at most this many characters.
MAX_READOUT_LINES = 4
MAX_READOUT_CHARS = 16

#: Why a message was lost (the ``reason`` of a :class:`MessageRecord`).
LOST_REASONS = ("dropped", "dst down", "partition")


@dataclass(frozen=True)
class MessageRecord:
    """One message in the cluster's log.

    Attributes
    ----------
    seq
        Position in the log (0-based).
    step
        The verb call that sent it: messages of one ``broadcast`` share a step.
    src, dst
        Sender and addressee.
    label
        What the message says (``"vote?"``, ``"ack"``, ``"x=5"``).
    delivered
        Whether it arrived.
    reason
        Empty when delivered, otherwise one of :data:`LOST_REASONS`.
    delay
        Fraction of its trip the message spent stalled in the network (0 = none).
    """

    seq: int
    step: int
    src: str
    dst: str
    label: str
    delivered: bool
    reason: str = ""
    delay: float = 0.0


def readout_lines(value: object) -> tuple[str, ...]:
    """The lines a node shows for ``value``.

    ``None`` shows nothing, a mapping shows one ``key=value`` line per item,
    anything else shows ``str(value)`` split at newlines.
    """
    if value is None:
        return ()
    if isinstance(value, Mapping):
        lines = tuple(f"{k}={v}" for k, v in value.items())
    else:
        lines = tuple(str(value).splitlines())
    if len(lines) > MAX_READOUT_LINES:
        raise ValueError(f"a readout has at most {MAX_READOUT_LINES} lines, got {len(lines)}: {lines!r}")
    for line in lines:
        if len(line) > MAX_READOUT_CHARS:
            raise ValueError(
                f"readout lines must be <= {MAX_READOUT_CHARS} characters to stay legible, got {line!r}"
            )
    return lines


class ClusterState:
    """Nodes, who can talk to whom, and a log of every message: the cluster as data.

    Parameters
    ----------
    nodes
        Node names, in drawing order (unique, non-empty).
    status
        Status every node starts with (one of :data:`STATUSES`).
    seed
        Seed of the random source used by :meth:`gossip_round`.

    Examples
    --------
    >>> s = ClusterState(["A", "B", "C"])
    >>> s.partition(["A"])
    >>> s.send("A", "B", "x=1").delivered
    False
    >>> s.send("B", "C", "x=1").delivered
    True
    """

    def __init__(self, nodes: Sequence[str], status: str = "up", seed: int = 0) -> None:
        names = list(nodes)
        if not names:
            raise ValueError("a cluster needs at least one node")
        if any(not isinstance(n, str) or not n for n in names):
            raise ValueError(f"node names must be non-empty strings, got {names!r}")
        if len(set(names)) != len(names):
            raise ValueError(f"node names must be unique, got {names!r}")
        _check_status(status)
        self.nodes: list[str] = names
        self.status: dict[str, str] = {n: status for n in names}
        self.values: dict[str, tuple[str, ...]] = {n: () for n in names}
        self.sides: tuple[frozenset[str], frozenset[str]] | None = None
        self.log: list[MessageRecord] = []
        self.informed: set[str] = set()
        self.gossip_rounds = 0
        self.step = 0
        self.seed = seed
        self.rng = random.Random(seed)
        self._before_crash: dict[str, str] = {}

    # -- checks -------------------------------------------------------------------------------
    def _check(self, *names: str) -> None:
        for n in names:
            if n not in self.status:
                raise ValueError(f"unknown node {n!r}; the cluster has {', '.join(self.nodes)}")

    # -- node status and readouts ---------------------------------------------------------------
    def set_status(self, node: str, status: str) -> None:
        """Give ``node`` a new status."""
        self._check(node)
        _check_status(status)
        self.status[node] = status

    def is_up(self, node: str) -> bool:
        """Whether ``node`` is running (any status but ``down``)."""
        self._check(node)
        return self.status[node] != "down"

    def crash(self, node: str) -> None:
        """Stop ``node``: it is ``down``, sends nothing and receives nothing."""
        self._check(node)
        if self.status[node] == "down":
            raise ValueError(f"node {node!r} is already down")
        self._before_crash[node] = self.status[node]
        self.status[node] = "down"

    def recover(self, node: str, status: str | None = None) -> None:
        """Restart ``node`` with ``status`` (default: the status it had before it crashed)."""
        self._check(node)
        if self.status[node] != "down":
            raise ValueError(f"node {node!r} is not down (it is {self.status[node]})")
        if status is not None:
            _check_status(status)
            if status == "down":
                raise ValueError("a recovered node cannot be 'down'")
        self.status[node] = status or self._before_crash.pop(node, "up")

    def set_value(self, node: str, value: object) -> None:
        """Set the readout of ``node`` (see :func:`readout_lines`)."""
        self._check(node)
        self.values[node] = readout_lines(value)

    def value(self, node: str) -> str:
        """The readout of ``node`` as one string (lines joined by newlines)."""
        self._check(node)
        return "\n".join(self.values[node])

    # -- the network -------------------------------------------------------------------------------
    def partition(self, group_a: Sequence[str], group_b: Sequence[str] | None = None) -> None:
        """Cut the network in two: nodes on different sides can no longer talk.

        ``group_b`` defaults to every node not in ``group_a``; when given, the two
        groups must be disjoint and together hold every node.
        """
        a = set(group_a)
        self._check(*a)
        b = set(self.nodes) - a if group_b is None else set(group_b)
        self._check(*b)
        if not a or not b:
            raise ValueError("both sides of a partition need at least one node")
        if a & b:
            raise ValueError(f"a node cannot be on both sides of a partition: {sorted(a & b)}")
        missing = set(self.nodes) - a - b
        if missing:
            raise ValueError(
                f"every node must be on one side of the partition; not placed: {sorted(missing)}")
        self.sides = (frozenset(a), frozenset(b))

    def heal(self) -> None:
        """Remove the partition."""
        if self.sides is None:
            raise ValueError("there is no partition to heal")
        self.sides = None

    def side_of(self, node: str) -> int | None:
        """``0`` or ``1`` for the side of the partition ``node`` is on, ``None`` with no partition."""
        self._check(node)
        if self.sides is None:
            return None
        return 0 if node in self.sides[0] else 1

    def connected(self, a: str, b: str) -> bool:
        """Whether the network links ``a`` and ``b`` (no partition between them; ignores crashes)."""
        self._check(a, b)
        return self.sides is None or self.side_of(a) == self.side_of(b)

    def can_talk(self, a: str, b: str) -> bool:
        """Whether a message from ``a`` reaches ``b``: both up and on the same side."""
        return a != b and self.is_up(a) and self.is_up(b) and self.connected(a, b)

    def reachable(self, node: str) -> list[str]:
        """Peers ``node`` can reach right now, in node order."""
        self._check(node)
        return [n for n in self.nodes if self.can_talk(node, n)]

    def _loss(self, src: str, dst: str, lost: bool) -> str:
        if lost:
            return "dropped"
        if not self.is_up(dst):
            return "dst down"
        if not self.connected(src, dst):
            return "partition"
        return ""

    # -- messages ------------------------------------------------------------------------------------
    def _record(self, src: str, dst: str, label_: str, lost: bool, delay: float,
                value: tuple[str, ...] | None = None) -> MessageRecord:
        self._check(src, dst)
        if src == dst:
            raise ValueError(f"a node cannot send to itself ({src!r})")
        if not self.is_up(src):
            raise ValueError(f"node {src!r} is down and cannot send")
        if not 0.0 <= delay <= 0.8:
            raise ValueError(f"delay must be between 0 and 0.8 (a fraction of the trip), got {delay}")
        reason = self._loss(src, dst, lost)
        rec = MessageRecord(len(self.log), self.step, src, dst, str(label_), not reason, reason, delay)
        self.log.append(rec)
        if rec.delivered and value is not None:
            self.values[dst] = value
        return rec

    def send(self, src: str, dst: str, label: str = "", *, lost: bool = False, delay: float = 0.0,
             value: object = None) -> MessageRecord:
        """Send one message; it is lost if ``lost``, if ``dst`` is down or across the partition.

        If it arrives and ``value`` is not ``None``, ``value`` becomes the readout of ``dst``.
        """
        lines = None if value is None else readout_lines(value)
        self.step += 1
        return self._record(src, dst, label, lost, delay, lines)

    def broadcast(self, src: str, label: str | Mapping[str, str] = "", *, to: Sequence[str] | None = None,
                  include_unreachable: bool = False, lost: Sequence[str] = (),
                  value: object = None) -> list[MessageRecord]:
        """Send from ``src`` to many peers at once.

        ``to`` defaults to every peer; unless ``include_unreachable`` only the
        peers ``src`` can reach are sent to (the others would be lost anyway).
        ``label`` may map each addressee to its own text; ``lost`` names
        addressees whose message the network drops; ``value`` becomes the
        readout of every addressee the message reaches.
        """
        self._check(src, *(to or ()), *lost)
        lines = None if value is None else readout_lines(value)
        targets = [n for n in (to if to is not None else self.nodes) if n != src]
        if not include_unreachable:
            targets = [n for n in targets if self.can_talk(src, n)]
        self.step += 1
        return [self._record(src, n, _pick(label, n), n in lost, 0.0, lines) for n in targets]

    def gather(self, dst: str, label: str | Mapping[str, str] = "", *, srcs: Sequence[str] | None = None,
               include_unreachable: bool = False, lost: Sequence[str] = ()) -> list[MessageRecord]:
        """Many peers send to ``dst`` at once (acks, votes, heartbeats).

        ``srcs`` defaults to every peer; nodes that are down never send, and
        unless ``include_unreachable`` neither do nodes cut off from ``dst``.
        """
        self._check(dst, *(srcs or ()), *lost)
        senders = [n for n in (srcs if srcs is not None else self.nodes) if n != dst and self.is_up(n)]
        if not include_unreachable:
            senders = [n for n in senders if self.can_talk(n, dst)]
        self.step += 1
        return [self._record(n, dst, _pick(label, n), n in lost, 0.0) for n in senders]

    def round_trip(self, src: str, label: str | Mapping[str, str] = "",
                   reply: str | Mapping[str, str] = "ack", *, to: Sequence[str] | None = None,
                   include_unreachable: bool = False,
                   lost: Sequence[str] = (), lost_replies: Sequence[str] = (), value: object = None
                   ) -> tuple[list[MessageRecord], list[MessageRecord]]:
        """A request from ``src`` to peers, then a reply from every peer that got it.

        Returns ``(requests, replies)``; ``reply`` may map each peer to its answer
        (``{"P1": "yes", "P2": "no"}``), ``lost_replies`` names peers whose reply is dropped,
        ``value`` becomes the readout of every peer the request reaches.
        """
        self._check(*lost_replies)
        requests = self.broadcast(src, label, to=to, include_unreachable=include_unreachable, lost=lost,
                                  value=value)
        self.step += 1
        replies = [self._record(r.dst, src, _pick(reply, r.dst), r.dst in lost_replies, 0.0)
                   for r in requests if r.delivered]
        return requests, replies

    # -- gossip ----------------------------------------------------------------------------------------
    def inform(self, node: str) -> None:
        """``node`` learns the rumour (gossip starts from it)."""
        self._check(node)
        self.informed.add(node)

    def gossip_round(self, fanout: int = 1, label: str = "") -> list[MessageRecord]:
        """Every informed, running node tells ``fanout`` random peers; those reached become informed.

        Peers are drawn from the seeded random source, so a scene replays the
        same rounds every time. Nodes informed during a round start telling
        others the next round.
        """
        if fanout < 1:
            raise ValueError(f"fanout must be >= 1, got {fanout}")
        if not self.informed:
            raise ValueError("nobody knows the rumour yet; call inform(node) first")
        self.step += 1
        self.gossip_rounds += 1
        out = []
        for src in [n for n in self.nodes if n in self.informed and self.is_up(n)]:
            peers = [n for n in self.nodes if n != src]
            for dst in self.rng.sample(peers, min(fanout, len(peers))):
                out.append(self._record(src, dst, label, False, 0.0))
        self.informed.update(r.dst for r in out if r.delivered)
        return out

    # -- the log -------------------------------------------------------------------------------------------
    def messages(self, *, src: str | None = None, dst: str | None = None, label: str | None = None,
                 delivered: bool | None = None) -> list[MessageRecord]:
        """The log, filtered by any of sender, addressee, text and outcome."""
        return [m for m in self.log
                if (src is None or m.src == src) and (dst is None or m.dst == dst)
                and (label is None or m.label == label) and (delivered is None or m.delivered == delivered)]


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}; got {status!r}")


def _pick(label_: str | Mapping[str, str], node: str) -> str:
    if isinstance(label_, Mapping):
        if node not in label_:
            raise ValueError(f"no label given for {node!r}; labels are for {', '.join(label_)}")
        return str(label_[node])
    return str(label_)


# -- geometry of a partition (pure Python) ---------------------------------------------------------

Rect = tuple[float, float, float, float]  # centre x, centre y, half width, half height


def separating_cut(side_a: Sequence[Rect], side_b: Sequence[Rect], steps: int = 180
                   ) -> tuple[tuple[float, float], tuple[float, float], float] | None:
    """The straight line that best separates two sets of rectangles, or ``None``.

    Tries ``steps`` directions and keeps the one with the widest gap between
    the two sides' projections (ties go to the earlier, more axis-aligned,
    direction). Returns ``(point, direction, gap)``: a point on the cut, a unit
    vector along it and the clearance on either side combined.
    """
    if not side_a or not side_b:
        raise ValueError("both sides need at least one rectangle")
    best: tuple[float, float, float] | None = None  # gap, angle, cut value
    for i in range(steps):
        theta = math.pi * i / steps
        ux, uy = math.cos(theta), math.sin(theta)

        def span(rects: Sequence[Rect], ux: float = ux, uy: float = uy) -> tuple[float, float]:
            lo = min(cx * ux + cy * uy - (hw * abs(ux) + hh * abs(uy)) for cx, cy, hw, hh in rects)
            hi = max(cx * ux + cy * uy + (hw * abs(ux) + hh * abs(uy)) for cx, cy, hw, hh in rects)
            return lo, hi

        (alo, ahi), (blo, bhi) = span(side_a), span(side_b)
        for gap, mid in ((blo - ahi, (blo + ahi) / 2), (alo - bhi, (alo + bhi) / 2)):
            if gap > 1e-9 and (best is None or gap > best[0] + 1e-6):
                best = (gap, theta, mid)
    if best is None:
        return None
    gap, theta, mid = best
    ux, uy = math.cos(theta), math.sin(theta)
    return (mid * ux, mid * uy), (-uy, ux), gap


def clip_line(point: tuple[float, float], direction: tuple[float, float],
              box: tuple[float, float, float, float]
              ) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The part of the infinite line through ``point`` along ``direction`` inside ``box``.

    ``box`` is ``(xmin, ymin, xmax, ymax)``. Returns the two end points or ``None``.
    """
    (px, py), (dx, dy) = point, direction
    xmin, ymin, xmax, ymax = box
    t0, t1 = -math.inf, math.inf
    for p, d, lo, hi in ((px, dx, xmin, xmax), (py, dy, ymin, ymax)):
        if abs(d) < 1e-12:
            if not lo <= p <= hi:
                return None
            continue
        a, b = (lo - p) / d, (hi - p) / d
        t0, t1 = max(t0, min(a, b)), min(t1, max(a, b))
    if t0 >= t1:
        return None
    return (px + t0 * dx, py + t0 * dy), (px + t1 * dx, py + t1 * dy)


def segment_hit(p: tuple[float, float], q: tuple[float, float], a: tuple[float, float],
                b: tuple[float, float]) -> float | None:
    """Where segment ``p→q`` crosses segment ``a→b``, as a fraction of ``p→q`` (``None`` if it does not)."""
    rx, ry = q[0] - p[0], q[1] - p[1]
    sx, sy = b[0] - a[0], b[1] - a[1]
    den = rx * sy - ry * sx
    if abs(den) < 1e-12:
        return None
    t = ((a[0] - p[0]) * sy - (a[1] - p[1]) * sx) / den
    u = ((a[0] - p[0]) * ry - (a[1] - p[1]) * rx) / den
    return t if 0.0 <= t <= 1.0 and 0.0 <= u <= 1.0 else None


# -- drawing ---------------------------------------------------------------------------------------------

#: Stroke colour of a node card for each status.
STATUS_COLORS: dict[str, ManimColor] = {
    "up": theme.GREEN,
    "down": theme.RED,
    "suspect": theme.YELLOW,
    "leader": theme.BLUE,
    "candidate": theme.YELLOW,
    "follower": theme.MUTED,
}

_PAD_X, _PAD_Y = 0.18, 0.12
_MIN_CARD = (1.1, 0.7)
_GAP = 0.25  # smallest gap between two cards at construction


def _window(start: float, end: float, inner: Callable[[float], float] = smooth) -> Callable[[float], float]:
    """A rate function that runs ``inner`` between ``start`` and ``end`` of the animation."""
    def rate(t: float) -> float:
        return inner(min(1.0, max(0.0, (t - start) / (end - start))))
    return rate


def _cross(color: ManimColor, size: float = 0.32) -> VGroup:
    h = size / 2
    return VGroup(
        Line([-h, -h, 0], [h, h, 0], stroke_color=color, stroke_width=theme.STROKE + 2),
        Line([-h, h, 0], [h, -h, 0], stroke_color=color, stroke_width=theme.STROKE + 2),
    )


def _edge_point(center: np.ndarray, half_w: float, half_h: float, toward: np.ndarray,
                buff: float = 0.06) -> np.ndarray:
    """Where the ray from ``center`` toward ``toward`` leaves a ``2*half_w`` x ``2*half_h`` box."""
    d = toward - center
    dx, dy = abs(d[0]), abs(d[1])
    if dx < 1e-9 and dy < 1e-9:
        return center.copy()
    t = min(half_w / dx if dx > 1e-9 else math.inf, half_h / dy if dy > 1e-9 else math.inf)
    unit = d / np.linalg.norm(d)
    return center + d * t + unit * buff


def _box_of(mob: Mobject) -> tuple[np.ndarray, float, float]:
    return mob.get_center(), mob.width / 2, mob.height / 2


def _on_screen(pt: np.ndarray) -> bool:
    x_max = config.frame_width / 2 * (1 - theme.SAFE_MARGIN)
    y_max = config.frame_height / 2 * (1 - theme.SAFE_MARGIN)
    return abs(pt[0]) <= x_max and abs(pt[1]) <= y_max


def _inside(pt: np.ndarray, mob: Mobject, margin: float) -> bool:
    c = mob.get_center()
    return abs(pt[0] - c[0]) < mob.width / 2 + margin and abs(pt[1] - c[1]) < mob.height / 2 + margin


class Message(VGroup):
    """A small rounded tag with a text: a packet on the wire.

    Parameters
    ----------
    text
        What the message says; keep it short (``"vote?"``, ``"ack"``, ``"x=5"``).
    color
        Border colour (by convention: ``YELLOW`` requests, ``GREEN`` acks).
    size
        Font size (at least ``theme.SMALL``).

    Examples
    --------
    .. code-block:: python

        class Produce(ExplainerScene):
            def construct(self):
                producer, broker = label("producer"), label("broker")
                VGroup(producer, broker).arrange(RIGHT, buff=4)
                self.add(producer, broker)
                self.play(Message("k=1").travel(producer, broker, keep=True))
    """

    def __init__(self, text: str = "", color: ManimColor = theme.YELLOW, size: int = theme.SMALL,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.text = label(text, size, theme.TEXT) if text else None
        w = (self.text.width if self.text else 0.12) + 0.26
        h = max(self.text.height if self.text else 0.0, 0.16) + 0.18
        self.box = RoundedRectangle(width=w, height=h, corner_radius=min(0.1, h / 2), stroke_color=color,
                                    stroke_width=theme.STROKE_THIN, fill_color=theme.SURFACE, fill_opacity=1)
        self.add(self.box)
        if self.text is not None:
            self.add(self.text.move_to(self.box))
        self.color_ = color

    def set_alpha(self, alpha: float) -> Message:
        """Show the tag at opacity ``alpha`` (0 hides it)."""
        self.box.set_fill(opacity=alpha).set_stroke(opacity=alpha)
        if self.text is not None:
            self.text.set_opacity(alpha)
        return self

    def travel(self, start: Mobject | np.ndarray, end: Mobject | np.ndarray, *, lost: bool = False,
               stop: float = 0.5, delay: float = 0.0, keep: bool = False, arc: float = 0.0) -> Animation:
        """Move the tag from ``start`` to ``end`` (points, or mobjects it stays clear of).

        ``lost=True`` stops it at ``stop`` (a fraction of the way) where it fades
        with a red cross; ``delay`` stalls it mid-way for that fraction of the
        time; ``keep=True`` leaves a delivered tag at ``end`` instead of fading it;
        ``arc`` bends the path (radians, counter-clockwise positive).
        """
        if not 0.0 < stop < 1.0:
            raise ValueError(f"stop must be strictly between 0 and 1, got {stop}")

        def route() -> tuple[VMobject, float]:
            a = start.get_center() if isinstance(start, Mobject) else np.asarray(start, dtype=float)
            b = end.get_center() if isinstance(end, Mobject) else np.asarray(end, dtype=float)
            if isinstance(start, Mobject):
                a = _edge_point(*_box_of(start), b)
            if isinstance(end, Mobject):
                b = _edge_point(*_box_of(end), a)
            # keep the tag itself off a mobject at either end (it would cover its text)
            gap = b - a
            length = float(np.linalg.norm(gap))
            u = gap / (length or 1.0)
            reach = self.box.width / 2 * abs(u[0]) + self.box.height / 2 * abs(u[1])
            ends = isinstance(start, Mobject) + isinstance(end, Mobject)
            if ends:  # as far as the gap allows: the ends never cross
                step = min(reach, max(0.0, length - 0.1) / (2 * ends))
                a = a + u * step if isinstance(start, Mobject) else a
                b = b - u * step if isinstance(end, Mobject) else b
            return _path(a, b, arc), stop

        return _Travel(self, route, lost=lost, delay=delay, keep=keep)


def _path(a: np.ndarray, b: np.ndarray, arc: float = 0.0) -> VMobject:
    path: VMobject = Line(a, b) if abs(arc) < 1e-6 else ArcBetweenPoints(a, b, angle=arc)
    path.arc_ = arc  # remembered so a route can be rebuilt with other end points
    return path


def _length(path: VMobject) -> float:
    pts = _samples(path, 32)
    return float(sum(np.linalg.norm(q - p) for p, q in zip(pts, pts[1:], strict=False))) or 1e-9


def _samples(path: VMobject, n: int = 48) -> list[np.ndarray]:
    return [path.point_from_proportion(i / n) for i in range(n + 1)]


class _Travel(Animation):
    """A :class:`Message` moving along a line, trailing it, possibly lost on the way.

    With a ``host`` the tag lives inside the host group while it travels (so
    the host's animations and the scene's static-frame cache see it) and is
    detached when the animation is cleaned up; without one it is an
    introducer that the scene adds and (unless ``keep``) removes.
    """

    def __init__(self, message: Message, route: Callable[[], tuple[VMobject, float]], *,
                 lost: bool, delay: float, keep: bool = False, window: tuple[float, float] = (0.0, 1.0),
                 host: VGroup | None = None, **kwargs) -> None:
        if not 0.0 <= delay <= 0.8:
            raise ValueError(f"delay must be between 0 and 0.8 (a fraction of the trip), got {delay}")
        self.message, self.route, self.lost, self.delay = message, route, lost, delay
        self.keep = keep and not lost and host is None
        self.window = window
        self.host = host
        self.trail = Line(ORIGIN, RIGHT, stroke_color=message.color_, stroke_width=theme.STROKE_THIN)
        self.cross = _cross(theme.RED)
        group = VGroup(self.trail, self.cross, message)
        self._hide(group)
        if host is not None:
            host.add_to_back(group)  # beneath the cards: it slides out of one and into the other
        super().__init__(group, introducer=host is None, remover=host is None and not self.keep,
                         rate_func=linear, **kwargs)

    def _hide(self, group: VGroup) -> None:
        self.message.set_alpha(0)
        self.trail.set_stroke(opacity=0)
        self.cross.set_stroke(opacity=0)

    def begin(self) -> None:
        self._path, self._stop = self.route()
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        s0, s1 = self.window
        t = (alpha - s0) / (s1 - s0)
        if t <= 0.0 or (t >= 1.0 and not self.keep):
            self._hide(self.mobject)
            self.message.move_to(self._path.get_start() if t <= 0 else self._path.get_end())
            return
        t = min(t, 1.0)
        move_end = 0.6 if self.lost else 0.85
        u = min(1.0, t / move_end)
        d = self.delay
        if u < (1 - d) / 2:  # first half of the trip
            s = u / (1 - d) if d < 1 else 0.0
        elif u < (1 - d) / 2 + d:  # stalled in the middle
            s = 0.5
        else:
            s = (u - d) / (1 - d)
        reach = self._stop if self.lost else 1.0
        p = reach * (smooth(s) if d == 0 else s)
        pos = self._path.point_from_proportion(min(1.0, max(0.0, p)))
        self.message.move_to(pos)
        fade_in = min(1.0, t / 0.08)
        if self.lost:
            cross = min(1.0, max(0.0, (t - move_end) / 0.08))
            fade_out = 1.0 - min(1.0, max(0.0, (t - 0.85) / 0.15))
            tag = fade_in * fade_out * (1.0 - 0.55 * cross)
            self.cross.move_to(pos).set_stroke(opacity=cross * fade_out)
        else:
            fade_out = 1.0 if self.keep else 1.0 - min(1.0, max(0.0, (t - 0.88) / 0.12))
            tag = fade_in * fade_out
            self.cross.set_stroke(opacity=0)
        self.message.set_alpha(tag)
        if p > 1e-4:
            self.trail.pointwise_become_partial(self._path, 0, p)
            self.trail.set_stroke(opacity=0.45 * fade_in * (fade_out if not self.keep else 1 - t))
        else:
            self.trail.set_stroke(opacity=0)

    def clean_up_from_scene(self, scene) -> None:  # noqa: ANN001 - Manim's signature
        super().clean_up_from_scene(scene)
        if self.host is not None:
            self.host.remove(self.mobject)
        elif self.keep:  # leave only the tag behind, as a mobject of its own
            scene.remove(self.mobject)
            scene.add(self.message)


class _Detach(Animation):
    """Fade a submobject of ``host`` out, then take it out of ``host`` (not the scene)."""

    def __init__(self, mob: VMobject, host: VGroup, **kwargs) -> None:
        self.host = host
        super().__init__(mob, **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        self.mobject.become(self.starting_mobject.copy().fade(self.rate_func(alpha)))

    def clean_up_from_scene(self, scene) -> None:  # noqa: ANN001 - Manim's signature
        super().clean_up_from_scene(scene)
        self.host.remove(self.mobject)


def _opacities(mob: Mobject) -> list[tuple[VMobject, float, float]]:
    return [(m, m.get_fill_opacity(), m.get_stroke_opacity()) for m in mob.family_members_with_points()
            if isinstance(m, VMobject)]


class _Swap(Animation):
    """Turn a card into ``target``: the box morphs, the old text fades out and the new text fades in.

    (Morphing one word into another would leave unreadable glyph soup mid-way.)
    The card must be ``VGroup(box, content)``; the old content is dropped on clean-up.
    """

    def __init__(self, card: VGroup, target: VGroup, **kwargs) -> None:
        self.target = target
        super().__init__(card, **kwargs)

    def begin(self) -> None:
        card = self.mobject
        self.box = card[0]
        self.box_end = self.target[0].copy()
        self.box.align_data(self.box_end)
        self.box_start = self.box.copy()
        self.olds = list(card.submobjects[1:])
        self.new = self.target[1]
        self.old_op = [x for o in self.olds for x in _opacities(o)]
        self.new_op = _opacities(self.new)
        card.add(self.new)
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        a = self.rate_func(alpha)
        self.box.interpolate(self.box_start, self.box_end, a)
        out, into = 1.0 - min(1.0, 2 * a), max(0.0, 2 * a - 1.0)
        for ops, k in ((self.old_op, out), (self.new_op, into)):
            for m, fill, stroke in ops:
                m.set_fill(opacity=fill * k, family=False)
                m.set_stroke(opacity=stroke * k, family=False)

    def clean_up_from_scene(self, scene) -> None:  # noqa: ANN001 - Manim's signature
        super().clean_up_from_scene(scene)
        for old in self.olds:
            if old in self.mobject.submobjects:
                self.mobject.remove(old)


def _stagger(n: int, start: float, end: float, spread: float) -> list[tuple[float, float]]:
    """Windows for ``n`` messages between ``start`` and ``end``, departures spread over ``spread`` of it."""
    if n <= 1 or spread <= 0:
        return [(start, end)] * n
    span = end - start
    return [(start + span * spread * i / (n - 1), end - span * spread * (n - 1 - i) / (n - 1))
            for i in range(n)]


def _appear(mob: Mobject, scale: float = 0.6, **kwargs) -> Animation:
    """Grow and fade ``mob`` in where it stands, without adding or removing anything in the scene."""
    target = mob.copy()
    mob.scale(scale).set_opacity(0)
    return Transform(mob, target, **kwargs)


class Partition(VGroup):
    """A network partition: a dashed red cut between two groups of nodes.

    When no straight line separates the groups, each node of the smaller
    group gets a dashed ring instead.

    Parameters
    ----------
    side_a, side_b
        The two groups as mobjects (their bounding boxes are kept clear).
    bounds
        ``(xmin, ymin, xmax, ymax)`` the cut line is clipped to.
    """

    def __init__(self, side_a: Sequence[Mobject], side_b: Sequence[Mobject],
                 bounds: tuple[float, float, float, float], color: ManimColor = theme.RED, **kwargs) -> None:
        if not side_a or not side_b:
            raise ValueError("both sides of a partition need at least one mobject")
        super().__init__(**kwargs)

        def rects(mobs: Sequence[Mobject]) -> list[Rect]:
            return [(m.get_x(), m.get_y(), m.width / 2, m.height / 2) for m in mobs]

        cut = separating_cut(rects(side_a), rects(side_b))
        self.segment: tuple[np.ndarray, np.ndarray] | None = None
        if cut is not None:
            point, direction, _ = cut
            ends = clip_line(point, direction, bounds)
            if ends is not None:
                a, b = (np.array([x, y, 0.0]) for x, y in ends)
                self.segment = (a, b)
                self.add(DashedLine(a, b, dash_length=0.22, dashed_ratio=0.6, stroke_color=color,
                                    stroke_width=theme.STROKE + 1))
        if self.segment is None:
            for m in min(side_a, side_b, key=len):
                ring = Circle(radius=math.hypot(m.width, m.height) / 2 + 0.15, stroke_color=color,
                              stroke_width=theme.STROKE).move_to(m)
                self.add(DashedVMobject(ring, num_dashes=24))

    def hit(self, path: VMobject) -> float | None:
        """Where ``path`` first crosses the cut, as a fraction of the path, if it does."""
        if self.segment is None:
            return None
        a, b = ((p[0], p[1]) for p in self.segment)
        pts = _samples(path)
        n = len(pts) - 1
        for i in range(n):
            t = segment_hit((pts[i][0], pts[i][1]), (pts[i + 1][0], pts[i + 1][1]), a, b)
            if t is not None:
                return (i + t) / n
        return None


class Cluster(VGroup):
    """Named nodes as status-coloured cards that send each other messages.

    Parameters
    ----------
    nodes
        Node names, or a ready :class:`ClusterState`.
    layout
        ``"circle"`` (clockwise from the top) or ``"row"``; ignored with ``positions``.
    positions
        Node name -> ``(x, y)`` in any units; scaled to fit ``width`` x ``height``.
    width, height
        The box the cards are laid out in, in scene units.
    status
        Status every node starts with (with a list of names).
    values
        Initial readouts, node name -> value (see :func:`readout_lines`).
    seed
        Seed of the gossip random source (with a list of names).
    informed_color
        Fill tint of nodes that know the gossip rumour.

    Examples
    --------
    .. code-block:: python

        class Cap(ExplainerScene):
            def construct(self):
                cluster = Cluster(["A", "B", "C"], values={"A": "x=1", "B": "x=1", "C": "x=1"})
                self.play(cluster.appear())
                self.play(cluster.partition(["A"]))
                self.play(cluster.send("A", "B", "x=2"))  # lost at the cut
                self.play(cluster.set_value("A", "x=2"))  # A and B now disagree
                print(cluster.state.messages(delivered=False))
    """

    def __init__(self, nodes: Sequence[str] | ClusterState, *, layout: str = "circle",
                 positions: Mapping[str, tuple[float, float]] | None = None, width: float = 8.0,
                 height: float = 5.0, status: str = "up", values: Mapping[str, object] | None = None,
                 seed: int = 0, informed_color: ManimColor = theme.PURPLE, **kwargs) -> None:
        if layout not in ("circle", "row"):
            raise ValueError(f"layout must be 'circle' or 'row', got {layout!r}")
        if width <= 0 or height <= 0:
            raise ValueError(f"width and height must be > 0, got {width} x {height}")
        state = nodes if isinstance(nodes, ClusterState) else ClusterState(nodes, status=status, seed=seed)
        for n, v in (values or {}).items():
            state.set_value(n, v)
        if positions is not None:
            state._check(*positions)
            missing = [n for n in state.nodes if n not in positions]
            if missing:
                raise ValueError(f"positions must give every node a place; missing: {missing}")
        super().__init__(**kwargs)
        self.state = state
        self.box_size = (width, height)
        self.informed_color = informed_color
        # invisible references: the scale of the drawing and each node's centre
        self._ref = Line(ORIGIN, RIGHT, stroke_opacity=0, stroke_width=0)
        self._anchors = {n: Dot(radius=0.001, fill_opacity=0, stroke_width=0) for n in state.nodes}
        drafts = {n: self._build_card(n, at=ORIGIN, scale=1.0) for n in state.nodes}
        self._card_size = (max(_MIN_CARD[0], *(d[0].width for d in drafts.values())),
                           max(_MIN_CARD[1], *(d[0].height for d in drafts.values())))
        cw, ch = self._card_size
        if cw > width or ch > height:
            raise ValueError(f"a {width} x {height} box is too small for {cw:.2f} x {ch:.2f} node cards")
        centers = self._layout(layout, positions, width - cw, height - ch)
        _check_spacing(centers, cw, ch)
        for n in state.nodes:
            self._anchors[n].move_to([*centers[n], 0.0])
        self.add(self._ref, *self._anchors.values())
        self.cards: dict[str, VGroup] = {n: self._build_card(n) for n in state.nodes}
        self.add(*self.cards.values())
        self._cut: Partition | None = None
        if state.sides is not None:
            self._cut = self._make_cut()
            self.add(self._cut)

    # -- layout ------------------------------------------------------------------------------
    def _layout(self, layout: str, positions: Mapping[str, tuple[float, float]] | None, w: float,
                h: float) -> dict[str, tuple[float, float]]:
        names = self.state.nodes
        n = len(names)
        if positions is not None:
            xs = [float(positions[k][0]) for k in names]
            ys = [float(positions[k][1]) for k in names]
            sx, sy = max(xs) - min(xs), max(ys) - min(ys)
            k = min(w / sx if sx > 1e-9 else math.inf, h / sy if sy > 1e-9 else math.inf)
            if k == math.inf:
                k = 0.0
            mx, my = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
            return {name: ((x - mx) * k, (y - my) * k) for name, x, y in zip(names, xs, ys, strict=True)}
        if n == 1:
            return {names[0]: (0.0, 0.0)}
        if layout == "row":
            return {name: (-w / 2 + w * i / (n - 1), 0.0) for i, name in enumerate(names)}
        def ring(start: float) -> dict[str, tuple[float, float]]:
            return {name: (w / 2 * math.cos(start - 2 * math.pi * i / n),
                           h / 2 * math.sin(start - 2 * math.pi * i / n)) for i, name in enumerate(names)}

        canonical = math.pi if n == 2 else math.pi / 2 + (0 if n % 2 else math.pi / n)
        cw, ch = self._card_size
        if _clearance(ring(canonical), cw, ch) >= 1.0:
            return ring(canonical)
        # on a flat ellipse the canonical turn can crowd the sides: try other turns
        starts = [canonical + 2 * math.pi / n * k / 24 for k in range(24)]
        return ring(max(starts, key=lambda a: _clearance(ring(a), cw, ch)))

    def _scale(self) -> float:
        return float(np.linalg.norm(self._ref.get_end() - self._ref.get_start()))

    def _build_card(self, name: str, at: np.ndarray | None = None, scale: float | None = None) -> VGroup:
        st = self.state
        status = st.status[name]
        color = STATUS_COLORS[status]
        parts: list[Mobject] = [label(name, theme.LABEL, theme.TEXT, weight="BOLD")]
        if status != "up":
            parts.append(label(status, theme.SMALL, color))
        parts += [label(line, theme.SMALL, theme.TEXT, mono=True) for line in st.values[name]]
        content = VGroup(*parts).arrange(DOWN, buff=0.1)
        min_w, min_h = getattr(self, "_card_size", _MIN_CARD)
        fill = (interpolate_color(theme.SURFACE, self.informed_color, 0.45) if name in st.informed
                else theme.SURFACE)
        box = RoundedRectangle(width=max(min_w, content.width + 2 * _PAD_X),
                               height=max(min_h, content.height + 2 * _PAD_Y), corner_radius=theme.CORNER,
                               stroke_color=color, stroke_width=theme.STROKE, fill_color=fill, fill_opacity=1)
        content.move_to(box)
        if status == "down":  # dimmed, but every word stays readable (WCAG AA on the card)
            for part in parts:
                if part is not parts[1]:  # parts[1] is the red "down"
                    part.set_color(theme.MUTED)
            box.set_stroke(opacity=0.6)
        card = VGroup(box, content)
        card.scale(self._scale() if scale is None else scale)
        return card.move_to(self._anchors[name] if at is None else at)

    def _make_cut(self) -> Partition:
        assert self.state.sides is not None
        a, b = self.state.sides
        side_a = [self.cards[n][0] for n in self.state.nodes if n in a]
        side_b = [self.cards[n][0] for n in self.state.nodes if n in b]
        (x0, y0), (x1, y1) = self._bounds()
        return Partition(side_a, side_b, (x0, y0, x1, y1))

    def _bounds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """The layout box, where it is now, grown a little so the cut reaches past the cards."""
        boxes = [c[0] for c in self.cards.values()]
        x0 = min(b.get_left()[0] for b in boxes) - 0.2
        x1 = max(b.get_right()[0] for b in boxes) + 0.2
        y0 = min(b.get_bottom()[1] for b in boxes) - 0.2
        y1 = max(b.get_top()[1] for b in boxes) + 0.2
        return (x0, y0), (x1, y1)

    # -- read-only helpers ---------------------------------------------------------------------------
    def node_mobject(self, name: str) -> VGroup:
        """The card of node ``name`` (to point a Callout at, or to place things next to)."""
        self.state._check(name)
        return self.cards[name]

    @property
    def partition_mobject(self) -> Partition | None:
        """The dashed cut, while there is a partition."""
        return self._cut

    # -- animation plumbing ------------------------------------------------------------------------------
    def _group(self, anims: Sequence[Animation], lag_ratio: float = 0.0) -> Animation:
        # group=self keeps the cluster whole in the scene (a plain AnimationGroup of
        # submobject animations would make the scene dissolve it into its parts).
        if not anims:
            return AnimationGroup(Transform(self._ref, self._ref.copy()), group=self)
        return AnimationGroup(*anims, group=self, lag_ratio=lag_ratio)

    def _refresh(self, name: str, start: float = 0.0, end: float = 1.0) -> Animation:
        return _Swap(self.cards[name], self._build_card(name), rate_func=_window(start, end))

    def _travel(self, rec: MessageRecord, color: ManimColor, window: tuple[float, float]) -> Animation:
        message = Message(rec.label, color)

        def route() -> tuple[VMobject, float]:
            # the tag leaves from just outside the sender's card and arrives just outside the
            # receiver's: never beneath a card, where its text would be hidden
            d = self.cards[rec.dst].get_center() - self.cards[rec.src].get_center()
            d = d / (np.linalg.norm(d) or 1.0)
            reach = message.box.width / 2 * abs(d[0]) + message.box.height / 2 * abs(d[1])
            path = self.route(rec.src, rec.dst, inset=-reach)
            stop = 0.5
            if rec.reason == "dst down":  # stop just short of the dead node
                stop = min(0.9, max(0.3, 1 - (2 * reach + 0.15) / _length(path)))
            elif rec.reason == "partition" and self._cut is not None:
                hit = self._cut.hit(path)
                stop = hit if hit is not None and 0.05 < hit < 0.95 else 0.5
            return path, stop

        return _Travel(message, route, lost=not rec.delivered, delay=rec.delay, window=window, host=self)

    def route(self, src: str, dst: str, inset: float = 0.0) -> VMobject:
        """The path a message from ``src`` to ``dst`` takes: straight, or bent around cards in the way.

        It runs from card edge to card edge, or ``inset`` further in at both
        ends (a negative ``inset``: further out). Requests and replies between the
        same two nodes bend to opposite sides.
        """
        self.state._check(src, dst)
        sa, sb = self.cards[src][0], self.cards[dst][0]
        others = [self.cards[n][0] for n in self.state.nodes if n not in (src, dst)]
        margin = 0.12 * self._scale()
        best: tuple[int, VMobject] | None = None
        for arc in (0.0, 0.7, 1.0, 1.3, 1.7, 2.1, -0.7, -1.0, -1.3):
            a = _edge_point(*_box_of(sa), sb.get_center())
            b = _edge_point(*_box_of(sb), sa.get_center())
            if arc:  # leave the cards toward the bend
                bend = _path(sa.get_center(), sb.get_center(), arc)
                a = _edge_point(*_box_of(sa), bend.point_from_proportion(0.1))
                b = _edge_point(*_box_of(sb), bend.point_from_proportion(0.9))
            path = _path(a, b, arc)
            pts = _samples(path, 32)
            blocked = sum(_inside(pt, o, margin) for pt in pts for o in others)
            blocked += sum(3 for pt in pts if not _on_screen(pt))
            if blocked == 0:
                best = (0, path)
                break
            if best is None or blocked < best[0]:
                best = (blocked, path)
        assert best is not None
        if inset == 0:
            return best[1]
        chosen = best[1]
        ca, cb = sa.get_center(), sb.get_center()
        a, b = chosen.get_start(), chosen.get_end()
        if inset < 0:  # out from the cards, but never so far that the ends cross
            inset = max(inset, -max(0.0, float(np.linalg.norm(b - a)) - 0.1) / 2)
        a = a + (ca - a) * min(1.0, inset / (np.linalg.norm(ca - a) or 1.0))
        b = b + (cb - b) * min(1.0, inset / (np.linalg.norm(cb - b) or 1.0))
        return _path(a, b, chosen.arc_)

    def _messages(self, recs: Sequence[MessageRecord], color: ManimColor, update: bool = False,
                  window: tuple[float, float] = (0.0, 1.0), stagger: float = 0.0) -> list[Animation]:
        """Travel animations for ``recs``; with ``update`` each receiver's card refreshes on arrival.

        ``stagger`` spreads the departures over that fraction of the window.
        """
        windows = _stagger(len(recs), *window, stagger)
        anims: list[Animation] = [self._travel(r, color, w) for r, w in zip(recs, windows, strict=True)]
        if update:
            for r, (s0, s1) in zip(recs, windows, strict=True):
                if r.delivered:
                    anims.append(self._refresh(r.dst, s0 + 0.8 * (s1 - s0), s1))
        return anims

    # -- verbs: each updates the model and returns the Animation that shows it ------------------------------
    def appear(self) -> Animation:
        """Bring the cards (and any partition) in, one after another."""
        parts: list[Mobject] = list(self.cards.values()) + ([self._cut] if self._cut is not None else [])
        return self._group([_appear(p) for p in parts], lag_ratio=0.15)

    def set_status(self, node: str, status: str) -> Animation:
        """Change the status of ``node`` (its card recolours and shows the new status)."""
        self.state.set_status(node, status)
        return self._group([self._refresh(node)])

    def set_statuses(self, statuses: Mapping[str, str]) -> Animation:
        """Change several statuses at once: ``{"A": "follower", "B": "leader"}``."""
        for n, s in statuses.items():
            self.state.set_status(n, s)
        return self._group([self._refresh(n) for n in statuses])

    def set_value(self, node: str, value: object) -> Animation:
        """Change the readout of ``node``: ``"term 3"``, ``{"x": 5, "v": 2}`` or ``None`` to clear."""
        self.state.set_value(node, value)
        return self._group([self._refresh(node)])

    def set_values(self, values: Mapping[str, object]) -> Animation:
        """Change several readouts at once."""
        for n, v in values.items():
            self.state.set_value(n, v)
        return self._group([self._refresh(n) for n in values])

    def crash(self, node: str) -> Animation:
        """Take ``node`` down: red, dimmed, deaf and mute until :meth:`recover`."""
        self.state.crash(node)
        return self._group([self._refresh(node)])

    def recover(self, node: str, status: str | None = None) -> Animation:
        """Bring ``node`` back with ``status`` (default: its status before the crash)."""
        self.state.recover(node, status)
        return self._group([self._refresh(node)])

    def send(self, src: str, dst: str, label: str = "", *, color: ManimColor = theme.YELLOW,
             lost: bool = False, delay: float = 0.0, value: object = None) -> Animation:
        """A message from ``src`` to ``dst``.

        It is lost (fades with a cross) when ``lost``, when ``dst`` is down, or
        at the partition cut. ``delay`` (0-0.8) stalls it mid-way; ``value``
        becomes the readout of ``dst`` when the message arrives.
        """
        rec = self.state.send(src, dst, label, lost=lost, delay=delay, value=value)
        return self._group(self._messages([rec], color, value is not None))

    def broadcast(self, src: str, label: str | Mapping[str, str] = "", *, to: Sequence[str] | None = None,
                  color: ManimColor = theme.YELLOW, include_unreachable: bool = False,
                  lost: Sequence[str] = (), value: object = None, stagger: float = 0.2) -> Animation:
        """``src`` sends to every reachable peer at once (see :meth:`ClusterState.broadcast`).

        ``stagger`` spreads the departures over that fraction of the animation
        so the tags do not leave in one clump (0 sends them all together).
        """
        if not 0.0 <= stagger < 1.0:
            raise ValueError(f"stagger must be in [0, 1), got {stagger}")
        recs = self.state.broadcast(src, label, to=to, include_unreachable=include_unreachable, lost=lost,
                                    value=value)
        if not recs:
            raise ValueError(f"{src!r} has nobody to send to (no reachable peers)")
        return self._group(self._messages(recs, color, value is not None, stagger=stagger))

    def gather(self, dst: str, label: str | Mapping[str, str] = "ack", *, srcs: Sequence[str] | None = None,
               color: ManimColor = theme.GREEN, include_unreachable: bool = False,
               lost: Sequence[str] = ()) -> Animation:
        """Peers send to ``dst`` at once: acks, votes, heartbeats (down nodes stay silent)."""
        recs = self.state.gather(dst, label, srcs=srcs, include_unreachable=include_unreachable, lost=lost)
        if not recs:
            raise ValueError(f"nobody can send to {dst!r}")
        return self._group(self._messages(recs, color))

    def round_trip(self, src: str, label: str | Mapping[str, str] = "",
                   reply: str | Mapping[str, str] = "ack", *, to: Sequence[str] | None = None,
                   value: object = None,
                   color: ManimColor = theme.YELLOW, reply_color: ManimColor = theme.GREEN,
                   include_unreachable: bool = False, lost: Sequence[str] = (),
                   lost_replies: Sequence[str] = (), stagger: float = 0.2) -> Animation:
        """A request to peers, then their replies, in one animation.

        Serves a quorum write (``value`` lands on each replica that gets the
        request, then it acks), Raft's vote request and grants, and the two
        phases of two-phase commit. ``stagger`` spreads the requests' departures.
        """
        if not 0.0 <= stagger < 1.0:
            raise ValueError(f"stagger must be in [0, 1), got {stagger}")
        reqs, reps = self.state.round_trip(src, label, reply, to=to, include_unreachable=include_unreachable,
                                           lost=lost, lost_replies=lost_replies, value=value)
        if not reqs:
            raise ValueError(f"{src!r} has nobody to send to (no reachable peers)")
        anims = self._messages(reqs, color, value is not None, window=(0.0, 0.5), stagger=stagger)
        anims += self._messages(reps, reply_color, window=(0.5, 1.0))
        return self._group(anims)

    def partition(self, group_a: Sequence[str], group_b: Sequence[str] | None = None) -> Animation:
        """Cut the network between ``group_a`` and ``group_b`` (default: everyone else)."""
        if self._cut is not None:
            raise ValueError("the cluster is already partitioned; heal() first")
        self.state.partition(group_a, group_b)
        self._cut = self._make_cut()
        self.add(self._cut)
        return self._group([_appear(self._cut, scale=1.0)])

    def heal(self) -> Animation:
        """Remove the partition: the cut fades and every running node can talk again."""
        self.state.heal()
        cut, self._cut = self._cut, None
        assert cut is not None
        return self._group([_Detach(cut, self)])

    def inform(self, *nodes: str) -> Animation:
        """``nodes`` learn the rumour that gossip will spread (their cards take the tint)."""
        if not nodes:
            raise ValueError("inform needs at least one node")
        for n in nodes:
            self.state.inform(n)
        return self._group([self._refresh(n) for n in nodes])

    def gossip_round(self, fanout: int = 1, label: str = "", *, color: ManimColor = theme.PURPLE
                     ) -> Animation:
        """One gossip round: each informed node tells ``fanout`` random peers (seeded).

        Returns the animation; ``state.informed`` already holds the new count.
        """
        before = set(self.state.informed)
        recs = self.state.gossip_round(fanout, label)
        anims: list[Animation] = [self._travel(r, color, (0.0, 1.0)) for r in recs]
        anims += [self._refresh(n, 0.8, 1.0) for n in self.state.nodes if n in self.state.informed - before]
        return self._group(anims)


def _clearance(centers: Mapping[str, tuple[float, float]], cw: float, ch: float) -> float:
    """How far apart the closest two cards are, relative to touching-plus-gap (>= 1 is fine)."""
    pts = list(centers.values())
    worst = math.inf
    for i, (ax, ay) in enumerate(pts):
        for bx, by in pts[i + 1:]:
            worst = min(worst, max(abs(ax - bx) / (cw + _GAP), abs(ay - by) / (ch + _GAP)))
    return worst


def _check_spacing(centers: Mapping[str, tuple[float, float]], cw: float, ch: float) -> None:
    names = list(centers)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            dx = abs(centers[a][0] - centers[b][0])
            dy = abs(centers[a][1] - centers[b][1])
            if dx < cw + _GAP and dy < ch + _GAP:
                raise ValueError(
                    f"nodes {a!r} and {b!r} would overlap in this layout; give the cluster a larger "
                    f"width/height or other positions"
                )

"""Consistent hashing: a hash ring of servers (with virtual nodes) and the keys they own.

``RingState`` is the model: servers and keys are placed on a 32-bit ring by
MD5 (stable across runs and machines), a key belongs to the first server
point clockwise from it, and adding or removing a server reports exactly
which keys change owner. ``HashRing`` draws it and animates its changes.
"""

from __future__ import annotations

import bisect
import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    Arc,
    Circle,
    Create,
    FadeIn,
    FadeOut,
    GrowFromCenter,
    Indicate,
    ManimColor,
    Mobject,
    Rectangle,
    RoundedRectangle,
    ShowPassingFlash,
    Square,
    Succession,
    Transform,
    VGroup,
    Wait,
)

from .. import theme
from .widgets import label

RING_BITS = 32
RING_SIZE = 1 << RING_BITS


def ring_hash(name: str) -> int:
    """Position of ``name`` on the ring: the first 4 bytes of its MD5, big-endian."""
    return int.from_bytes(hashlib.md5(name.encode("utf-8")).digest()[:4], "big")


@dataclass(frozen=True, order=True)
class Point:
    """One server point on the ring (a server has ``vnodes`` of them)."""

    position: int
    node: str
    replica: int

    @property
    def name(self) -> str:
        """``A`` for a server's only point, ``A1``, ``A2`` ... for virtual nodes."""
        return self.node if self.replica < 0 else f"{self.node}{self.replica + 1}"


@dataclass
class RingState:
    """The ring as data: server points and keys, no drawing.

    Parameters
    ----------
    vnodes
        Points per server. ``1`` places each server once (hashed by its name);
        more spreads each server as ``A#0``, ``A#1`` ... to even out the load.
    """

    vnodes: int = 1
    points: list[Point] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    joined: list[str] = field(default_factory=list)  # servers in the order they joined

    def __post_init__(self) -> None:
        if self.vnodes < 1:
            raise ValueError(f"vnodes must be >= 1, got {self.vnodes}")

    # -- queries ----------------------------------------------------------------
    @property
    def nodes(self) -> list[str]:
        """Servers on the ring, in the order they joined."""
        present = {p.node for p in self.points}
        return [n for n in self.joined if n in present]

    def owner(self, key: str) -> str:
        """The server that owns ``key``: the first point clockwise from its hash."""
        return self.owning_point(key).node

    def owning_point(self, key: str) -> Point:
        """The server point that owns ``key``."""
        if not self.points:
            raise LookupError("the ring has no servers")
        i = bisect.bisect_left(self.points, (ring_hash(key),), key=lambda p: (p.position,))
        return self.points[i % len(self.points)]

    def owners(self) -> dict[str, str]:
        """Every key's owner."""
        return {k: self.owner(k) for k in self.keys} if self.points else {}

    def load(self) -> dict[str, int]:
        """How many keys each server owns (servers with none included)."""
        counts = {n: 0 for n in self.nodes}
        for owner in self.owners().values():
            counts[owner] += 1
        return counts

    def share(self) -> dict[str, float]:
        """Fraction of the hash space each server owns (sums to 1)."""
        out = {n: 0.0 for n in self.nodes}
        for i, p in enumerate(self.points):
            prev = self.points[i - 1].position
            span = (p.position - prev) % RING_SIZE or (RING_SIZE if len(self.points) == 1 else 0)
            out[p.node] += span / RING_SIZE
        return out

    # -- changes ----------------------------------------------------------------
    def add_node(self, node: str) -> dict[str, tuple[str | None, str]]:
        """Add server ``node``; return ``{key: (old owner, new owner)}`` for keys that moved."""
        if not node or any(p.node == node for p in self.points):
            raise ValueError(f"server {node!r} is empty or already on the ring")
        before = self.owners()
        if node not in self.joined:
            self.joined.append(node)
        for r in range(self.vnodes):
            label_ = node if self.vnodes == 1 else f"{node}#{r}"
            bisect.insort(self.points, Point(ring_hash(label_), node, -1 if self.vnodes == 1 else r))
        return _moves(before, self.owners())

    def remove_node(self, node: str) -> dict[str, tuple[str | None, str]]:
        """Remove server ``node``; return the keys that moved (all of them were ``node``'s)."""
        if not any(p.node == node for p in self.points):
            raise ValueError(f"server {node!r} is not on the ring")
        if len(self.nodes) == 1 and self.keys:
            raise ValueError("cannot remove the last server while keys remain")
        before = self.owners()
        self.points = [p for p in self.points if p.node != node]
        return _moves(before, self.owners())

    def add_key(self, key: str) -> str | None:
        """Place ``key`` on the ring; return its owner (``None`` with no servers yet)."""
        if key in self.keys:
            raise ValueError(f"key {key!r} is already on the ring")
        self.keys.append(key)
        return self.owner(key) if self.points else None


def _moves(before: dict[str, str], after: dict[str, str]) -> dict[str, tuple[str | None, str]]:
    return {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}


def spread(angles: list[float], min_gap: float) -> list[float]:
    """Move clockwise-sorted ring positions apart so neighbours are at least ``min_gap`` apart.

    Positions are in turns of the ring (0..1, clockwise). The clockwise order
    is kept (so the drawing keeps the hash order) and the total squared
    displacement is the least possible: the ring is cut at its widest gap and
    the rest is an isotonic regression (pool adjacent violators).
    """
    n = len(angles)
    if n < 2:
        return list(angles)
    gap = min(min_gap, 1.0 / n)
    widest = max(range(n), key=lambda i: (angles[(i + 1) % n] - angles[i]) % 1.0)
    order = [(widest + 1 + i) % n for i in range(n)]
    base = angles[order[0]]
    x = [base + (angles[j] - base) % 1.0 for j in order]  # unwrapped, non-decreasing
    # y[i] = z[i] + i * gap with z non-decreasing and closest to x[i] - i * gap
    blocks: list[list[float]] = []  # [mean, weight]
    for i, xi in enumerate(x):
        blocks.append([xi - i * gap, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2 = blocks.pop()
            m1, w1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2])
    z = [m for m, w in blocks for _ in range(int(w))]
    out = [0.0] * n
    for i, j in enumerate(order):
        out[j] = (z[i] + i * gap) % 1.0
    return out


def _turn_to_vec(turn: float) -> np.ndarray:
    a = math.pi / 2 - 2 * math.pi * turn  # 0 at 12 o'clock, clockwise
    return np.array([math.cos(a), math.sin(a), 0.0])


class HashRing(VGroup):
    """A consistent-hashing ring: servers as lettered discs, keys as squares coloured by owner.

    Parameters
    ----------
    nodes
        Servers on the ring at the start.
    keys
        Keys on the ring at the start.
    vnodes
        Points per server (virtual nodes).
    radius
        Ring radius in scene units.
    colors
        Server name -> colour, to keep a server's colour across several rings;
        servers not listed take the next :data:`theme.SERIES` colour.
    show_load
        Draw a bar chart of keys per server beside the ring, kept up to date.

    Examples
    --------
    .. code-block:: python

        class Ring(ExplainerScene):
            def construct(self):
                ring = HashRing(nodes=["A", "B", "C"], keys=["alice", "bob"])
                self.play(ring.appear())
                self.play(ring.lookup("alice"))
                self.play(ring.add_node("D"))
    """

    def __init__(self, nodes: Iterable[str] = (), keys: Iterable[str] = (), vnodes: int = 1,
                 radius: float = 2.4, colors: dict[str, ManimColor] | None = None,
                 show_load: bool = False, **kwargs) -> None:
        if radius <= 0:
            raise ValueError(f"radius must be > 0, got {radius}")
        super().__init__(**kwargs)
        self.state = RingState(vnodes=vnodes)
        self.radius = radius
        self.colors: dict[str, ManimColor] = dict(colors or {})
        self.ring = Circle(radius=radius, color=theme.OUTLINE, stroke_width=theme.STROKE + 1)
        self.zero = VGroup(
            Rectangle(width=0.04, height=0.3, fill_color=theme.MUTED, fill_opacity=1, stroke_width=0),
            label("0", theme.SMALL, theme.MUTED),
        )
        self.zero[0].move_to(self.ring.point_at_angle(math.pi / 2))
        self.zero[1].next_to(self.zero[0], UP, buff=0.08)
        self.add(self.ring, self.zero)
        self.point_mobs: dict[Point, VGroup] = {}
        self.key_mobs: dict[str, VGroup] = {}
        for n in nodes:
            self.state.add_node(n)
            self._color(n)
            for p in self._points_of(n):
                self.point_mobs[p] = self._make_point(p)
                self.add(self.point_mobs[p])
        for k in keys:
            self.state.add_key(k)
            self.key_mobs[k] = self._make_key(k)
            self.add(self.key_mobs[k])
        self.load_panel: VGroup | None = self._make_load() if show_load else None
        if self.load_panel is not None:
            self.add(self.load_panel)
        self._apply_layout(self)

    # -- construction helpers -----------------------------------------------------
    def _color(self, node: str) -> ManimColor:
        if node not in self.colors:
            self.colors[node] = theme.series(len(self.colors))
        return self.colors[node]

    def _points_of(self, node: str) -> list[Point]:
        return [p for p in self.state.points if p.node == node]

    @property
    def compact(self) -> bool:
        """Many virtual nodes: points are drawn as thin ticks at their exact hash, unlabelled."""
        return self.state.vnodes > 8

    def _make_point(self, p: Point) -> VGroup:
        if self.compact:
            tick = Rectangle(width=0.05, height=0.5, fill_color=self._color(p.node), fill_opacity=1,
                             stroke_width=0)
            tick.rotate(-2 * math.pi * p.position / RING_SIZE)  # radial at its hash
            return VGroup(tick)
        disc = Circle(radius=0.3, color=self._color(p.node), fill_color=theme.SURFACE, fill_opacity=1,
                      stroke_width=theme.STROKE)
        text = label(p.name, theme.SMALL if len(p.name) > 1 else theme.LABEL, theme.TEXT, weight="BOLD")
        return VGroup(disc, text.move_to(disc))

    def _key_color(self, key: str) -> ManimColor:
        return self.colors[self.state.owner(key)] if self.state.points else theme.MUTED

    def _make_key(self, key: str) -> VGroup:
        mark = Square(side_length=0.2, fill_color=self._key_color(key), fill_opacity=1, stroke_width=0)
        return VGroup(mark, label(key, theme.SMALL, theme.TEXT, mono=True))

    def _layout(self) -> dict[object, float]:
        """Angle (in turns) for every point and key, spread apart, hash order kept."""
        points: list[tuple[float, object]] = [(p.position / RING_SIZE, p) for p in self.point_mobs]
        keys: list[tuple[float, object]] = [(_ring_turn(k), k) for k in self.key_mobs]
        if self.compact:  # ticks sit at their exact hash; only the keys are spread
            out: dict[object, float] = {obj: t for t, obj in points}
            items = sorted(keys, key=lambda t: t[0])
        else:
            out = {}
            items = sorted(points + keys, key=lambda t: t[0])
        turns = spread([t for t, _ in items], min_gap=0.05)
        out.update({obj: t for (_, obj), t in zip(items, turns, strict=True)})
        return out

    def _place(self, mob: VGroup, obj: object, turn: float) -> None:
        v = _turn_to_vec(turn)
        center = self.ring.get_center()
        if isinstance(obj, Point):
            mob.move_to(center + v * self.radius)
        else:
            mark, text = mob
            mark.move_to(center + v * self.radius)
            mark.rotate(0)  # squares stay axis-aligned for legibility
            # label outside the ring; anchor its nearest edge so long keys never touch the ring
            text.move_to(center + v * (self.radius + 0.42))
            text.shift(v * (text.width / 2 * abs(v[0]) + text.height / 2 * abs(v[1])))

    def _apply_layout(self, _root: Mobject) -> None:
        for obj, turn in self._layout().items():
            mob = self.point_mobs[obj] if isinstance(obj, Point) else self.key_mobs[obj]
            self._place(mob, obj, turn)
        if self.load_panel is not None:
            self.load_panel.next_to(self.ring, RIGHT, buff=1.6)

    def _relayout(self) -> list[Animation]:
        anims = []
        for obj, turn in self._layout().items():
            mob = self.point_mobs[obj] if isinstance(obj, Point) else self.key_mobs[obj]
            target = mob.copy()
            self._place(target, obj, turn)
            if not np.allclose(target.get_center(), mob.get_center(), atol=1e-3):
                anims.append(Transform(mob, target))
        return anims

    # -- the load panel -----------------------------------------------------------------
    def _make_load(self) -> VGroup:
        share = self.state.share()
        rows = VGroup()
        for n, frac in share.items():
            name = label(n, theme.LABEL, self.colors[n], weight="BOLD")
            bar = Rectangle(width=max(0.05, 3.0 * frac), height=0.3, fill_color=self.colors[n],
                            fill_opacity=0.85, stroke_width=0)
            num = label(f"{100 * frac:.0f}%", theme.SMALL, theme.TEXT, mono=True)
            bar.move_to(name.get_center() + RIGHT * 0.5, aligned_edge=LEFT)
            num.next_to(bar, RIGHT, buff=0.15)
            rows.add(VGroup(name, bar, num))
        rows.arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        title = label("share of the ring", theme.SMALL, theme.MUTED)
        return VGroup(title, rows).arrange(DOWN, buff=0.3, aligned_edge=LEFT)

    def _load_update(self) -> list[Animation]:
        if self.load_panel is None:
            return []
        new = self._make_load()
        new.next_to(self.ring, RIGHT, buff=1.6).align_to(self.load_panel, UP)
        return [Transform(self.load_panel, new)]

    # -- verbs (each returns an Animation) -------------------------------------------------
    def appear(self) -> Animation:
        """Draw the ring, then its servers, then its keys (the three steps below in turn)."""
        seq = [self.draw_ring(), self.show_nodes()]
        if self.key_mobs:
            seq.append(self.show_keys())
        return Succession(*seq)

    def draw_ring(self) -> Animation:
        """Draw the empty ring with its zero mark."""
        return AnimationGroup(Create(self.ring), FadeIn(self.zero))

    def show_nodes(self) -> Animation:
        """Bring in the servers present at construction (and the load panel)."""
        lag = 0.02 if self.compact else 0.15
        anims: list[Animation] = [AnimationGroup(*[GrowFromCenter(m) for m in self.point_mobs.values()],
                                                 lag_ratio=lag)]
        if self.load_panel is not None:
            anims.append(FadeIn(self.load_panel))
        return AnimationGroup(*anims)

    def show_keys(self) -> Animation:
        """Bring in the keys present at construction."""
        if not self.key_mobs:
            raise ValueError("the ring has no keys to show")
        return AnimationGroup(*[FadeIn(m, scale=0.5) for m in self.key_mobs.values()], lag_ratio=0.1)

    def add_keys(self, *keys: str) -> Animation:
        """Hash ``keys`` onto the ring; each takes its owner's colour."""
        if not keys:
            raise ValueError("add_keys needs at least one key")
        new = []
        for k in keys:
            self.state.add_key(k)
            self.key_mobs[k] = self._make_key(k)
            self.add(self.key_mobs[k])
            new.append(self.key_mobs[k])
        moves = self._relayout()
        for k in keys:  # place new keys at their final spot before they fade in
            self._place(self.key_mobs[k], k, self._layout()[k])
        return Succession(
            *([AnimationGroup(*moves)] if moves else []),
            AnimationGroup(*[FadeIn(m, scale=0.5) for m in new], *self._load_update(), lag_ratio=0.1),
        )

    def add_node(self, node: str) -> Animation:
        """Add server ``node``: its points appear, then exactly the keys that move change colour."""
        moved = self.state.add_node(node)
        self._color(node)
        new = []
        for p in self._points_of(node):
            self.point_mobs[p] = self._make_point(p)
            self.add(self.point_mobs[p])
            new.append(self.point_mobs[p])
        layout = self._layout()
        shifts = self._relayout_except(new)
        for m, p in zip(new, self._points_of(node), strict=True):
            self._place(m, p, layout[p])
        appear = [GrowFromCenter(m) for m in new]
        return Succession(
            *([AnimationGroup(*shifts)] if shifts else []),
            AnimationGroup(*appear, lag_ratio=0.2),
            self._recolor(moved),
        )

    def remove_node(self, node: str) -> Animation:
        """Remove server ``node``: its points vanish and only its keys pass to the next server."""
        moved = self.state.remove_node(node)
        gone = [m for p, m in self.point_mobs.items() if p.node == node]
        for p in [p for p in self.point_mobs if p.node == node]:
            del self.point_mobs[p]
        flash = AnimationGroup(*[Indicate(m, color=theme.RED, scale_factor=1.3) for m in gone])
        fade = AnimationGroup(*[FadeOut(m, scale=0.5) for m in gone])
        self.remove(*gone)
        return Succession(flash, fade, self._recolor(moved))

    def _relayout_except(self, skip: list[VGroup]) -> list[Animation]:
        return [a for a in self._relayout() if a.mobject not in skip]

    def _recolor(self, moved: dict[str, tuple[str | None, str]]) -> Animation:
        if not moved:
            return AnimationGroup(Wait(0.1), *self._load_update())
        anims = []
        for key, (_, new_owner) in moved.items():
            mark = self.key_mobs[key][0]
            anims.append(Indicate(self.key_mobs[key], color=self.colors[new_owner], scale_factor=1.4))
            anims.append(mark.animate.set_fill(self.colors[new_owner]))
        return AnimationGroup(*anims, *self._load_update())

    def lookup(self, key: str) -> Animation:
        """Walk clockwise from ``key`` to the server point that owns it, then pulse that server."""
        layout = self._layout()
        point = self.state.owning_point(key)
        start, end = layout[key], layout[point]
        sweep = ((end - start) % 1.0) or 1.0
        arc = Arc(radius=self.radius, start_angle=math.pi / 2 - 2 * math.pi * start,
                  angle=-2 * math.pi * sweep, color=self.colors[point.node], stroke_width=10,
                  arc_center=self.ring.get_center())
        return Succession(
            ShowPassingFlash(arc, time_width=1.0, run_time=max(0.6, 2.0 * sweep)),
            Indicate(self.point_mobs[point], color=self.colors[point.node], scale_factor=1.3),
        )

    def arc_of(self, node: str) -> VGroup:
        """Thick arcs over the hash range ``node`` owns (to highlight it; not added to the ring)."""
        layout = self._layout()
        arcs = VGroup()
        pts = self.state.points
        for i, p in enumerate(pts):
            if p.node != node or p not in layout:
                continue
            prev = pts[i - 1]
            a0, a1 = layout[prev], layout[p]
            sweep = ((a1 - a0) % 1.0) or 1.0
            arcs.add(Arc(radius=self.radius, start_angle=math.pi / 2 - 2 * math.pi * a0,
                         angle=-2 * math.pi * sweep, color=self.colors[node], stroke_width=12,
                         stroke_opacity=0.55, arc_center=self.ring.get_center()))
        return arcs

    def node_mobject(self, node: str) -> VGroup:
        """The drawn points of server ``node`` (for callouts)."""
        return VGroup(*[m for p, m in self.point_mobs.items() if p.node == node])

    def key_mobject(self, key: str) -> VGroup:
        """The drawn marker and label of ``key``."""
        return self.key_mobs[key]


def _ring_turn(key: str) -> float:
    return ring_hash(key) / RING_SIZE


__all__ = ["HashRing", "KeyGrid", "Point", "RingState", "ring_hash", "spread", "RING_SIZE"]


class KeyGrid(VGroup):
    """Keys as chips in a grid, each coloured by the server it is assigned to.

    Shows placement schemes other than the ring (``hash(key) % N``) and how
    many keys a change of scheme moves.

    Parameters
    ----------
    keys
        The keys, drawn in this order, row by row.
    columns
        Chips per row.
    colors
        Server name -> colour (e.g. a ``HashRing``'s ``colors``); servers not
        listed get the next :data:`theme.SERIES` colour.

    Examples
    --------
    .. code-block:: python

        grid = KeyGrid(["alice", "bob", "carol"], columns=3)
        self.play(FadeIn(grid))
        self.play(grid.assign({"alice": "S0", "bob": "S1", "carol": "S0"}))
    """

    def __init__(self, keys: Iterable[str], columns: int = 4, colors: dict[str, ManimColor] | None = None,
                 **kwargs) -> None:
        keys = list(keys)
        if not keys:
            raise ValueError("KeyGrid needs at least one key")
        if columns < 1:
            raise ValueError(f"columns must be >= 1, got {columns}")
        super().__init__(**kwargs)
        self.colors: dict[str, ManimColor] = dict(colors or {})
        self.assignment: dict[str, str] = {}
        self.chips: dict[str, VGroup] = {}
        for k in keys:
            text = label(k, theme.SMALL, theme.TEXT, mono=True).set_z_index(1)  # stays above its box
            box = RoundedRectangle(width=1.5, height=0.5, corner_radius=0.08, fill_color=theme.SURFACE,
                                   fill_opacity=1, stroke_color=theme.OUTLINE, stroke_width=theme.STROKE)
            self.chips[k] = VGroup(box, text.move_to(box))
        self.add(*self.chips.values())
        self.arrange_in_grid(cols=columns, buff=(0.2, 0.2))

    def _color(self, server: str) -> ManimColor:
        if server not in self.colors:
            self.colors[server] = theme.series(len(self.colors))
        return self.colors[server]

    def assign(self, mapping: dict[str, str]) -> Animation:
        """Colour every key by its server in ``mapping``; keys whose server changed pulse."""
        unknown = set(mapping) - set(self.chips)
        if unknown:
            raise ValueError(f"unknown keys: {', '.join(sorted(unknown))}")
        anims = []
        for key, server in mapping.items():
            box = self.chips[key][0]
            color = self._color(server)
            anims.append(box.animate.set_stroke(color, width=theme.STROKE + 1).set_fill(color, opacity=0.35))
            if key in self.assignment and self.assignment[key] != server:
                anims.append(Indicate(self.chips[key], color=color, scale_factor=1.15))
        self.assignment.update(mapping)
        return AnimationGroup(*anims)

    def moved(self, mapping: dict[str, str]) -> list[str]:
        """Keys whose server in ``mapping`` differs from the current assignment."""
        return [k for k, s in mapping.items() if k in self.assignment and self.assignment[k] != s]

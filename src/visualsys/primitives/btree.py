"""B-tree: a :class:`BTreeState` that really splits and merges pages, and the :class:`BTree` drawing it.

The model is a textbook B-tree of a given *order* ``m`` (the most children a
node may have): every node holds at most ``m - 1`` keys, every node but the
root at least ``ceil(m / 2) - 1``, and all leaves sit at the same depth.
Inserting goes down to a leaf, puts the key there, and if the leaf overflows
splits it around its median, pushing the median up, possibly all the way to
a new root. Deleting borrows from a sibling or merges with one when a node
underflows. Each operation returns the nodes it read (one page read each) and
a snapshot after every step, which is what the drawing animates.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from manim import (
    LEFT,
    RIGHT,
    Animation,
    AnimationGroup,
    Indicate,
    Line,
    ManimColor,
    RoundedRectangle,
    Succession,
    VGroup,
    VMobject,
)

from .. import theme
from .pool import Area, KeyedPool, Spec, hexc, invisible, r6, steps, validate_size
from .text import text

# -- model (no Manim) ----------------------------------------------------------


@dataclass
class BTreeNode:
    """One page of the tree: sorted ``keys`` and, unless it is a leaf, ``len(keys) + 1`` children."""

    id: int
    keys: list[Any] = field(default_factory=list)
    children: list[BTreeNode] = field(default_factory=list)

    @property
    def is_leaf(self) -> bool:
        """Whether the node has no children."""
        return not self.children


@dataclass(frozen=True)
class BTreeSnapshot:
    """The shape of the tree at one moment: ``nodes[id] = (keys, child ids)``."""

    root: int
    nodes: Mapping[int, tuple[tuple[Any, ...], tuple[int, ...]]]

    def keys(self, node: int) -> tuple[Any, ...]:
        """Keys of ``node``."""
        return self.nodes[node][0]

    def children(self, node: int) -> tuple[int, ...]:
        """Child ids of ``node``, left to right."""
        return self.nodes[node][1]

    def levels(self) -> list[list[int]]:
        """Node ids level by level, each level left to right."""
        out, level = [], [self.root]
        while level:
            out.append(level)
            level = [c for n in level for c in self.children(n)]
        return out

    def parents(self) -> dict[int, int]:
        """``{child id: parent id}``."""
        return {c: n for n, (_, kids) in self.nodes.items() for c in kids}

    def node_of(self, key: Any) -> int | None:
        """The node holding ``key``, if any."""
        for n, (keys, _) in self.nodes.items():
            if key in keys:
                return n
        return None


@dataclass(frozen=True)
class SearchResult:
    """What a search did: the ``path`` of node ids it read, root first, and where it found the key."""

    key: Any
    found: bool
    path: tuple[int, ...]
    node: int | None = None

    @property
    def reads(self) -> int:
        """Page reads: one per node on the path."""
        return len(self.path)


@dataclass(frozen=True)
class Split:
    """A full node split.

    ``node`` kept the left half, ``new_node`` took the right, ``median`` went up to ``parent``.
    """

    node: int
    new_node: int
    median: Any
    parent: int
    new_root: bool


@dataclass(frozen=True)
class InsertResult:
    """What an insert did.

    ``steps[0]`` is the tree with the key in its leaf (possibly overflowing);
    each later snapshot follows one split, ``splits[i]`` leading to
    ``steps[i + 1]``. A key already present is not inserted (``inserted`` is
    ``False`` and there are no steps).
    """

    key: Any
    inserted: bool
    path: tuple[int, ...]
    leaf: int
    splits: tuple[Split, ...] = ()
    steps: tuple[BTreeSnapshot, ...] = ()


Fix = Literal["borrow_left", "borrow_right", "merge", "shrink"]


@dataclass(frozen=True)
class Rebalance:
    """One repair after a delete: ``kind`` applied to ``node`` with ``sibling`` under ``parent``.

    ``"borrow_left"``/``"borrow_right"``:
    ``node`` took a key through ``parent`` from ``sibling``; ``"merge"``:
    ``node`` and ``sibling`` became one node (``node`` survives, ``sibling``
    is gone) with the separator from ``parent``; ``"shrink"``: the empty root
    ``node`` was dropped and its only child ``sibling`` is the new root.
    """

    kind: Fix
    node: int
    sibling: int
    parent: int | None


@dataclass(frozen=True)
class DeleteResult:
    """What a delete did.

    ``path`` is every node read, including the walk down to the predecessor
    when the key sat in an internal node (the predecessor, ``replaced_by``,
    then takes its place). ``steps[0]`` is the tree once the key is gone;
    ``events[i]`` leads to ``steps[i + 1]``.
    """

    key: Any
    deleted: bool
    path: tuple[int, ...]
    events: tuple[Rebalance, ...] = ()
    steps: tuple[BTreeSnapshot, ...] = ()
    replaced_by: Any = None


class BTreeState:
    """A B-tree of the given ``order`` (the most children a node may have, >= 3).

    Keys are unique and must be mutually comparable.

    Parameters
    ----------
    order
        Maximum children per node; a node holds at most ``order - 1`` keys.

    Examples
    --------
    >>> t = BTreeState(order=3)
    >>> for k in [10, 20, 30]:
    ...     r = t.insert(k)
    >>> r.splits[0].median, t.height
    (20, 2)
    >>> t.search(30).path == (t.root.id, t.root.children[1].id)
    True
    """

    def __init__(self, order: int = 4) -> None:
        if isinstance(order, bool) or not isinstance(order, int):
            raise ValueError(f"order must be a whole number, got {order!r}")
        if order < 3:
            raise ValueError(f"order must be >= 3, got {order}")
        self.order = order
        self._next_id = 0
        self.root = self._new_node()

    @classmethod
    def from_keys(cls, keys: Iterable[Any], order: int = 4) -> BTreeState:
        """A tree built by inserting ``keys`` in the given order."""
        tree = cls(order)
        for k in keys:
            tree.insert(k)
        return tree

    def _new_node(self, keys: list[Any] | None = None, children: list[BTreeNode] | None = None) -> BTreeNode:
        node = BTreeNode(self._next_id, keys or [], children or [])
        self._next_id += 1
        return node

    # -- reading -----------------------------------------------------------------
    @property
    def max_keys(self) -> int:
        """Most keys a node may hold."""
        return self.order - 1

    @property
    def min_keys(self) -> int:
        """Fewest keys a node other than the root may hold."""
        return math.ceil(self.order / 2) - 1

    @property
    def height(self) -> int:
        """Number of levels (1 for a lone root)."""
        h, node = 1, self.root
        while node.children:
            node, h = node.children[0], h + 1
        return h

    def keys(self) -> list[Any]:
        """All keys in order."""
        out: list[Any] = []

        def walk(n: BTreeNode) -> None:
            if n.is_leaf:
                out.extend(n.keys)
                return
            for i, k in enumerate(n.keys):
                walk(n.children[i])
                out.append(k)
            walk(n.children[-1])

        walk(self.root)
        return out

    def __len__(self) -> int:
        return len(self.keys())

    def __contains__(self, key: Any) -> bool:
        return self.search(key).found

    def snapshot(self) -> BTreeSnapshot:
        """The current shape (ids, keys, children) as an immutable value."""
        nodes: dict[int, tuple[tuple[Any, ...], tuple[int, ...]]] = {}
        stack = [self.root]
        while stack:
            n = stack.pop()
            nodes[n.id] = (tuple(n.keys), tuple(c.id for c in n.children))
            stack.extend(n.children)
        return BTreeSnapshot(self.root.id, nodes)

    def validate(self) -> None:
        """Raise ``ValueError`` if a B-tree invariant is broken (sorted, balanced, key counts in bounds)."""
        leaf_depths: set[int] = set()

        def walk(n: BTreeNode, depth: int, lo: Any, hi: Any) -> None:
            is_root = n is self.root
            if len(n.keys) > self.max_keys:
                raise ValueError(f"node {n.id} holds {len(n.keys)} keys, more than {self.max_keys}")
            if not is_root and len(n.keys) < self.min_keys:
                raise ValueError(f"node {n.id} holds {len(n.keys)} keys, fewer than {self.min_keys}")
            if any(a >= b for a, b in zip(n.keys, n.keys[1:], strict=False)):
                raise ValueError(f"node {n.id} keys are not strictly increasing: {n.keys}")
            if (lo is not None and n.keys and n.keys[0] <= lo) or (
                hi is not None and n.keys and n.keys[-1] >= hi
            ):
                raise ValueError(f"node {n.id} keys {n.keys} are outside ({lo}, {hi})")
            if n.is_leaf:
                leaf_depths.add(depth)
                return
            if len(n.children) != len(n.keys) + 1:
                raise ValueError(f"node {n.id} has {len(n.keys)} keys but {len(n.children)} children")
            bounds = [lo, *n.keys, hi]
            for i, c in enumerate(n.children):
                walk(c, depth + 1, bounds[i], bounds[i + 1])

        walk(self.root, 0, None, None)
        if len(leaf_depths) > 1:
            raise ValueError(f"leaves sit at different depths: {sorted(leaf_depths)}")

    def _descend(self, key: Any) -> tuple[list[BTreeNode], int | None]:
        """Nodes read looking for ``key`` and the key's index in the last one (``None`` if absent)."""
        path, node = [], self.root
        while True:
            path.append(node)
            i = bisect_left(node.keys, key)
            if i < len(node.keys) and node.keys[i] == key:
                return path, i
            if node.is_leaf:
                return path, None
            node = node.children[i]

    def search(self, key: Any) -> SearchResult:
        """Look ``key`` up; the result's ``path`` lists the nodes read, root first."""
        path, i = self._descend(key)
        return SearchResult(
            key, i is not None, tuple(n.id for n in path), path[-1].id if i is not None else None
        )

    # -- changing ----------------------------------------------------------------------
    def insert(self, key: Any) -> InsertResult:
        """Insert ``key``, splitting full nodes on the way back up; see :class:`InsertResult`."""
        path, found = self._descend(key)
        ids = tuple(n.id for n in path)
        if found is not None:
            return InsertResult(key, False, ids, path[-1].id)
        leaf = path[-1]
        leaf.keys.insert(bisect_left(leaf.keys, key), key)
        snaps = [self.snapshot()]
        splits: list[Split] = []
        level = len(path) - 1
        while len(path[level].keys) > self.max_keys:
            node = path[level]
            mid = len(node.keys) // 2
            median = node.keys[mid]
            right = self._new_node(node.keys[mid + 1 :], node.children[mid + 1 :])
            node.keys, node.children = node.keys[:mid], node.children[: mid + 1]
            if level == 0:
                parent = self._new_node([median], [node, right])
                self.root = parent
            else:
                parent = path[level - 1]
                at = next(i for i, c in enumerate(parent.children) if c is node)
                parent.keys.insert(at, median)
                parent.children.insert(at + 1, right)
            splits.append(Split(node.id, right.id, median, parent.id, level == 0))
            snaps.append(self.snapshot())
            if level == 0:
                break
            level -= 1
        return InsertResult(key, True, ids, leaf.id, tuple(splits), tuple(snaps))

    def delete(self, key: Any) -> DeleteResult:
        """Delete ``key``, borrowing from or merging with siblings going up (see :class:`DeleteResult`)."""
        path, i = self._descend(key)
        if i is None:
            return DeleteResult(key, False, tuple(n.id for n in path))
        node = path[-1]
        events: list[Rebalance] = []
        replaced_by = None
        if node.is_leaf:
            node.keys.pop(i)
        else:  # swap in the predecessor: the largest key of the left subtree
            cur = node.children[i]
            path.append(cur)
            while not cur.is_leaf:
                cur = cur.children[-1]
                path.append(cur)
            node.keys[i] = replaced_by = cur.keys.pop()
        snaps = [self.snapshot()]
        level = len(path) - 1
        while level > 0 and len(path[level].keys) < self.min_keys:
            n, p = path[level], path[level - 1]
            ci = next(j for j, c in enumerate(p.children) if c is n)
            left = p.children[ci - 1] if ci > 0 else None
            right = p.children[ci + 1] if ci + 1 < len(p.children) else None
            if left is not None and len(left.keys) > self.min_keys:
                n.keys.insert(0, p.keys[ci - 1])
                p.keys[ci - 1] = left.keys.pop()
                if left.children:
                    n.children.insert(0, left.children.pop())
                events.append(Rebalance("borrow_left", n.id, left.id, p.id))
                snaps.append(self.snapshot())
                break
            if right is not None and len(right.keys) > self.min_keys:
                n.keys.append(p.keys[ci])
                p.keys[ci] = right.keys.pop(0)
                if right.children:
                    n.children.append(right.children.pop(0))
                events.append(Rebalance("borrow_right", n.id, right.id, p.id))
                snaps.append(self.snapshot())
                break
            a, b, sep = (left, n, ci - 1) if left is not None else (n, right, ci)
            assert b is not None  # a non-root node always has a sibling
            a.keys = a.keys + [p.keys.pop(sep)] + b.keys
            a.children = a.children + b.children
            p.children.pop(sep + 1)
            events.append(Rebalance("merge", a.id, b.id, p.id))
            snaps.append(self.snapshot())
            level -= 1
        if not self.root.keys and self.root.children:
            old = self.root
            self.root = old.children[0]
            events.append(Rebalance("shrink", old.id, self.root.id, None))
            snaps.append(self.snapshot())
        return DeleteResult(key, True, tuple(n.id for n in path), tuple(events), tuple(snaps), replaced_by)


# -- layout (pure geometry, testable without Manim) --------------------------------


@dataclass(frozen=True)
class NodeBox:
    """Where a node is drawn: centre ``x``, ``top`` (y grows downwards), size, and its number of cells."""

    x: float
    top: float
    width: float
    height: float
    cells: int

    @property
    def left(self) -> float:
        """Left edge."""
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        """Right edge."""
        return self.x + self.width / 2


def layout_btree(
    snap: BTreeSnapshot,
    *,
    cell: float = 0.42,
    node_height: float = 0.42,
    hgap: float = 0.2,
    vgap: float = 0.7,
    slots: int = 1,
) -> dict[int, NodeBox]:
    """A tidy layout: each subtree gets its own column, parents centred over their children.

    Nodes are ``max(len(keys), slots)`` cells wide. Subtrees never share
    horizontal space and all nodes of a level share a row, so no two nodes
    overlap. The root's column is centred on ``x = 0``; level ``d``'s top is
    at ``d * (node_height + vgap)``.
    """
    width: dict[int, float] = {}
    sub: dict[int, float] = {}

    def measure(n: int) -> float:
        width[n] = max(len(snap.keys(n)), slots, 1) * cell
        kids = snap.children(n)
        span = sum(measure(c) for c in kids) + hgap * (len(kids) - 1) if kids else 0.0
        sub[n] = max(width[n], span)
        return sub[n]

    out: dict[int, NodeBox] = {}

    def place(n: int, left: float, depth: int) -> None:
        kids = snap.children(n)
        w = width[n]
        if kids:
            span = sum(sub[c] for c in kids) + hgap * (len(kids) - 1)
            x = left + (sub[n] - span) / 2
            for c in kids:
                place(c, x, depth + 1)
                x += sub[c] + hgap
            centre = (out[kids[0]].x + out[kids[-1]].x) / 2
            centre = min(max(centre, left + w / 2), left + sub[n] - w / 2)
        else:
            centre = left + sub[n] / 2
        cells = max(len(snap.keys(n)), slots, 1)
        out[n] = NodeBox(centre, depth * (node_height + vgap), w, node_height, cells)

    total = measure(snap.root)
    place(snap.root, -total / 2, 0)
    return out


# -- the drawing ----------------------------------------------------------------

_HEADER = 0.75  # layout units above the tree for the operation and the page-read counter
Style = Literal["normal", "visited", "current", "alert", "found"]
_STROKES: dict[str, tuple[ManimColor, float, ManimColor]] = {
    "normal": (theme.OUTLINE, theme.STROKE_THIN, theme.SURFACE),
    "visited": (theme.BLUE, theme.STROKE_THIN, theme.SURFACE),
    "current": (theme.YELLOW, theme.STROKE, theme.SURFACE_HI),
    "alert": (theme.RED, theme.STROKE, theme.SURFACE_HI),
    "found": (theme.GREEN, theme.STROKE, theme.SURFACE_HI),
}


@dataclass
class _Stage:
    """One picture of an operation: a tree shape plus highlights and the header's words."""

    snap: BTreeSnapshot
    styles: Mapping[int, str] = field(default_factory=dict)
    key_colors: dict[Any, ManimColor] = field(default_factory=dict)
    floating: Any = None  # a key shown in the header, not yet in the tree
    op: str = ""
    reads: int | None = None
    result: tuple[str, ManimColor] | None = None


class BTree(VGroup):
    """A B-tree drawn as pages (rounded boxes of key cells) joined by child pointers.

    Verbs animate what the model does: :meth:`insert` lights the search path
    node by node (one page read each, counted in the header), drops the key
    into its leaf and then shows each split pushing a median up;
    :meth:`search` lights the path and the key; :meth:`delete` shows the
    borrow or merge that repairs an underflow. After each step every node
    glides to a freshly computed tidy layout, scaled down if the tree would
    not fit in ``width`` x ``height``.

    Parameters
    ----------
    state
        The model to draw (the verbs change it); or give ``order``.
    order
        Used when ``state`` is ``None`` (default 4: up to 3 keys a node).
    width, height
        The box the tree (and its header) must fit in.
    show_empty
        Draw every node with ``order - 1`` cells, empty ones blank (pages of
        fixed size); otherwise nodes are as wide as their keys.
    step_time
        Seconds per step (one page read, one landing, one split).

    Examples
    --------
    .. code-block:: python

        class Splits(ExplainerScene):
            def construct(self):
                tree = BTree(BTreeState.from_keys([10, 20, 30, 40, 50], order=4))
                self.add(tree)
                self.play(tree.insert(60))   # path lights up, 60 lands, the leaf splits
                self.play(tree.search(40))   # two page reads
    """

    def __init__(
        self,
        state: BTreeState | None = None,
        *,
        order: int | None = None,
        width: float = 12.0,
        height: float = 4.5,
        show_empty: bool = False,
        step_time: float = 0.6,
        **kwargs,
    ) -> None:
        validate_size(width, height)
        if step_time <= 0:
            raise ValueError(f"step_time must be > 0, got {step_time}")
        if state is not None and order is not None and order != state.order:
            raise ValueError(f"order={order} does not match the state's order ({state.order})")
        self.state = state if state is not None else BTreeState(4 if order is None else order)
        super().__init__(**kwargs)
        self.show_empty = show_empty
        self.step_time = step_time
        self.area = Area(self, width, height)
        # stacking order: edges under nodes under keys; the header on top
        self._layers = {k: VGroup() for k in ("edge", "node", "key", "header")}
        self.add(*self._layers.values())
        self._pool = KeyedPool(self, self._build, self._layer)
        self._boxes: dict[int, NodeBox] = {}
        self._scale = 1.0
        self._pool.place(self._specs(_Stage(self.state.snapshot())))

    # -- read-only helpers ----------------------------------------------------
    def node_mobject(self, node_id: int) -> VMobject:
        """The box of node ``node_id`` (see :meth:`BTreeState.snapshot`)."""
        return self._pool.items[("node", node_id)]

    def key_mobject(self, key: Any) -> VMobject:
        """The text of ``key``."""
        return self._pool.items[("key", key)]

    # -- layout -------------------------------------------------------------------
    def _layer(self, key: Hashable) -> VGroup:
        kind = str(key[0] if isinstance(key, tuple) else key)
        return self._layers.get(kind, self._layers["header"])

    def _layout(self, snap: BTreeSnapshot) -> tuple[dict[int, NodeBox], float]:
        """The tidy layout, squeezed (gaps first, then scale) to fit the box; returns boxes and scale."""
        slots = self.state.max_keys if self.show_empty else 1
        avail_w, avail_h = self.area.width - 0.1, self.area.height - _HEADER - 0.05
        # squeeze the gaps that need it, widest first; scale only if that is not enough
        w = h = 0.0
        boxes: dict[int, NodeBox] = {}
        for hgap in (0.2, 0.12, 0.08):
            boxes = layout_btree(snap, hgap=hgap, slots=slots)
            w = max(b.right for b in boxes.values()) - min(b.left for b in boxes.values())
            if w <= avail_w:
                break
        for vgap in (0.7, 0.55, 0.4):
            levels = len(snap.levels())
            h = levels * 0.42 + (levels - 1) * vgap
            if h <= avail_h:
                break
        boxes = layout_btree(snap, hgap=hgap, vgap=vgap, slots=slots)
        return boxes, min(1.0, avail_w / w, avail_h / h)

    def _specs(self, stage: _Stage) -> dict[Hashable, Spec]:
        snap = stage.snap
        boxes, s = self._layout(snap)
        cx = self.area.width / 2

        def X(x: float) -> float:  # noqa: N802 - layout x to area x
            return r6(cx + s * x)

        def Y(y: float) -> float:  # noqa: N802
            return r6(_HEADER + s * y)

        out: dict[Hashable, Spec] = {}
        visited = {n for n, st in stage.styles.items() if st != "normal"}
        for n, b in boxes.items():
            keys = snap.keys(n)
            style = stage.styles.get(n, "normal")
            if len(keys) > self.state.max_keys or (n != snap.root and len(keys) < self.state.min_keys):
                style = "alert"
            out[("node", n)] = (X(b.x), Y(b.top), r6(s * b.width), r6(s * b.height), b.cells, style)
            cell = b.width / b.cells
            for i, k in enumerate(keys):
                color = stage.key_colors.get(k, theme.TEXT)
                out[("key", k)] = (X(b.left + (i + 0.5) * cell), Y(b.top + b.height / 2), hexc(color), r6(s))
            for i, c in enumerate(snap.children(n)):
                cb = boxes[c]
                px = min(max(b.left + i * cell, b.left + 0.1), b.right - 0.1)
                color = theme.BLUE if n in visited and c in visited else theme.OUTLINE
                out[("edge", c)] = (X(px), Y(b.top + b.height), X(cb.x), Y(cb.top), hexc(color))
        if stage.op:  # while the key waits in the header it stands where the op text's key would be
            shown = stage.op[: -len(str(stage.floating))].rstrip() if stage.floating is not None else stage.op
            out["op"] = (shown,)
        if stage.reads is not None:
            out["reads"] = (stage.reads,)
        if stage.result is not None:
            out["result"] = (stage.result[0], hexc(stage.result[1]), stage.op)
        if stage.floating is not None:
            out[("key", stage.floating)] = ("header", stage.op, hexc(theme.YELLOW))
        self._boxes, self._scale = boxes, s
        return out

    def _header_key_spot(self, op: str) -> VMobject:
        """The op text as drawn in the header (its last word is the key)."""
        return self.area.fit(text(op, theme.LABEL, theme.YELLOW, mono=True)).next_to(
            self.area.at(0.05, 0.3), RIGHT, buff=0
        )

    def _build(self, key: Hashable, spec: Spec) -> VMobject:
        a = self.area
        kind = key[0] if isinstance(key, tuple) else key
        if kind == "node":
            x, top, w, h, cells, style = spec
            stroke, sw, fill = _STROKES[style]
            box = RoundedRectangle(
                width=w,
                height=h,
                corner_radius=min(0.08, h / 4),
                stroke_color=stroke,
                stroke_width=sw,
                fill_color=fill,
                fill_opacity=1,
            )
            a.fit(box).move_to(a.at(x, top + h / 2))
            # always order - 1 dividers (the most an overflowing node needs), spare ones hidden at the
            # right edge, so that a node changing size morphs cleanly
            dividers = VGroup()
            for i in range(1, self.state.order):
                dx = x - w / 2 + min(i, cells) * w / cells
                line = Line(a.at(dx, top + 0.06 * h / 0.42), a.at(dx, top + h - 0.06 * h / 0.42))
                dividers.add(line.set_stroke(theme.OUTLINE, 1.5, opacity=1.0 if i < cells else 0.0))
            return VGroup(box, dividers)
        if kind == "key":
            assert isinstance(key, tuple)
            if spec[0] == "header":  # the key waiting in the header, where the op text ends
                op, color = spec[1], spec[2]
                glyphs = len(str(key[1]).replace(" ", ""))
                spot = VGroup(*self._header_key_spot(op)[-glyphs:])
                word = text(str(key[1]), theme.LABEL, ManimColor(color), mono=True)
                return a.fit(word).move_to(spot)
            x, y, color, s = spec
            word = text(str(key[1]), theme.SMALL, ManimColor(color), mono=True)
            return a.fit(word.scale(s)).move_to(a.at(x, y))
        if kind == "edge":
            x1, y1, x2, y2, color = spec
            return Line(a.at(x1, y1), a.at(x2, y2)).set_stroke(ManimColor(color), theme.STROKE_THIN)
        if kind == "op":
            return a.fit(text(spec[0], theme.LABEL, theme.TEXT, mono=True)).next_to(
                a.at(0.05, 0.3), RIGHT, buff=0
            )
        if kind == "result":
            words, color, op = spec
            op_text = a.fit(text(op, theme.LABEL, theme.TEXT, mono=True)).next_to(
                a.at(0.05, 0.3), RIGHT, buff=0
            )
            return a.fit(text(words, theme.LABEL, ManimColor(color))).next_to(op_text, RIGHT, buff=0.3)
        # the page-read counter
        row = VGroup(
            text("page reads:", theme.SMALL, theme.MUTED),
            text(str(spec[0]), theme.LABEL, theme.BLUE, mono=True),
        ).arrange(RIGHT, buff=0.15)
        return a.fit(row).next_to(a.at(a.width - 0.05, 0.3), LEFT, buff=0)

    # -- animation ----------------------------------------------------------------------
    def _play(
        self,
        stages: list[_Stage],
        *,
        births: dict[int, int] | None = None,
        deaths: dict[int, int] | None = None,
    ) -> Animation:
        """Animate through ``stages``, one step each.

        ``births[new] = old`` makes a new node grow out of ``old``;
        ``deaths[gone] = into`` makes a vanishing node slide into ``into``.
        """
        births, deaths = births or {}, deaths or {}
        groups: list[list[Animation]] = []
        for stage in stages:
            before = dict(self._pool.specs)
            specs = self._specs(stage)

            def origin(key: Hashable, target: VMobject, before=before) -> VMobject | None:
                if isinstance(key, tuple) and key[0] == "node" and key[1] in births:
                    src = before.get(("node", births[key[1]]))
                    # invisible until its stage starts: origins are added to the group at once
                    return invisible(self._build(("node", births[key[1]]), src)) if src is not None else None
                return None

            def end(key: Hashable, last: VMobject, specs=specs) -> VMobject | None:
                if isinstance(key, tuple) and key[0] == "node" and key[1] in deaths:
                    into = specs.get(("node", deaths[key[1]]))
                    return self._build(("node", deaths[key[1]]), into) if into is not None else None
                return None

            groups.append(self._pool.sync(specs, origin=origin, end=end))
        return steps(self, groups, [self.step_time] * len(groups), self._pool.prune)

    def _path_stages(
        self,
        snap: BTreeSnapshot,
        path: tuple[int, ...],
        op: str,
        *,
        start_reads: int = 0,
        visited: tuple[int, ...] = (),
        floating: Any = None,
        key_colors: dict[Any, ManimColor] | None = None,
    ) -> list[_Stage]:
        out = []
        for j, n in enumerate(path):
            styles: dict[int, Style] = {m: "visited" for m in (*visited, *path[:j])}
            styles[n] = "current"
            out.append(_Stage(snap, styles, dict(key_colors or {}), floating, op, start_reads + j + 1))
        return out

    # -- verbs ---------------------------------------------------------------------------
    def insert(self, key: Any) -> Animation:  # type: ignore[override]
        """Insert ``key``: the path lights up page by page, the key lands in its leaf, splits climb up.

        (This shadows ``Mobject.insert(index, mobject)``, which Manim never
        calls on a group; use ``tree.submobjects.insert`` for that.)
        """
        before = self.state.snapshot()
        res = self.state.insert(key)
        op = f"insert {key}"
        stages = self._path_stages(before, res.path, op, floating=key if res.inserted else None)
        if not res.inserted:
            stages.append(
                _Stage(
                    before,
                    {n: "visited" for n in res.path} | {res.leaf: "found"},
                    {key: theme.GREEN},
                    None,
                    op,
                    len(res.path),
                    ("already there", theme.MUTED),
                )
            )
            return self._play(stages)
        lit: dict[int, Style] = dict.fromkeys(res.path, "visited")
        stages.append(
            _Stage(res.steps[0], lit | {res.leaf: "current"}, {key: theme.YELLOW}, None, op, len(res.path))
        )
        births = {}
        for split, snap in zip(res.splits, res.steps[1:], strict=True):
            births[split.new_node] = split.node
            lit = lit | {split.node: "current", split.new_node: "current", split.parent: "current"}
            stages.append(
                _Stage(
                    snap, dict(lit), {key: theme.YELLOW, split.median: theme.YELLOW}, None, op, len(res.path)
                )
            )
            lit = dict.fromkeys(lit, "visited")
        stages.append(_Stage(res.steps[-1], {}, {}, None, op, len(res.path)))
        return self._play(stages, births=births)

    def insert_many(self, keys: Iterable[Any]) -> Animation:
        """Insert several keys one after another (one :meth:`insert` each)."""
        anims = [self.insert(k) for k in keys]
        if not anims:
            raise ValueError("keys must not be empty")
        return Succession(*anims, group=self)

    def highlight(self, node_ids: Iterable[int], *, color: ManimColor = theme.YELLOW) -> Animation:
        """Flash the keys of the nodes ``node_ids`` in ``color``, each in place; the tree is unchanged.

        The keys flash rather than the boxes: a box animated alone would be drawn over its keys.

        Parameters
        ----------
        node_ids
            Node ids of the current snapshot (e.g. ``state.root.id`` or a row of
            :meth:`BTreeSnapshot.levels`).
        color
            The flash colour.

        Raises
        ------
        ValueError
            If ``node_ids`` is empty, names a node the tree does not have, or the nodes hold no keys.
        """
        snap = self.state.snapshot()
        ids = list(node_ids)
        if not ids:
            raise ValueError("node_ids must not be empty")
        missing = [n for n in ids if n not in snap.nodes]
        if missing:
            raise ValueError(f"node_ids must be nodes of the tree, got unknown {missing}")
        keys = [k for n in ids for k in snap.keys(n)]
        if not keys:
            raise ValueError(f"nodes {ids} hold no keys to highlight")
        return AnimationGroup(*(Indicate(self.key_mobject(k), color=color) for k in keys))

    def search(self, key: Any) -> Animation:
        """Look ``key`` up: the path lights up page by page; the key (or the dead end) is marked."""
        snap = self.state.snapshot()
        res = self.state.search(key)
        op = f"search {key}"
        stages = self._path_stages(snap, res.path, op)
        lit: dict[int, Style] = {n: "visited" for n in res.path}
        if res.found:
            assert res.node is not None
            stages.append(
                _Stage(
                    snap,
                    lit | {res.node: "found"},
                    {key: theme.GREEN},
                    None,
                    op,
                    res.reads,
                    ("found", theme.GREEN),
                )
            )
        else:
            stages.append(
                _Stage(snap, lit | {res.path[-1]: "alert"}, {}, None, op, res.reads, ("not found", theme.RED))
            )
        return self._play(stages)

    def delete(self, key: Any) -> Animation:
        """Delete ``key``: the path lights up, the key goes, and any borrow or merge repairs the tree."""
        snap = self.state.snapshot()
        res = self.state.delete(key)
        op = f"delete {key}"
        stages = self._path_stages(snap, res.path, op, key_colors={key: theme.RED} if res.deleted else None)
        if not res.deleted:
            stages.append(
                _Stage(
                    snap,
                    {n: "visited" for n in res.path} | {res.path[-1]: "alert"},
                    {},
                    None,
                    op,
                    len(res.path),
                    ("not found", theme.RED),
                )
            )
            return self._play(stages)
        lit: dict[int, Style] = {n: "visited" for n in res.path}
        stages.append(_Stage(res.steps[0], dict(lit), {}, None, op, len(res.path)))
        deaths = {}
        for ev, step in zip(res.events, res.steps[1:], strict=True):
            if ev.kind == "merge":
                deaths[ev.sibling] = ev.node
            if ev.kind == "shrink":
                deaths[ev.node] = ev.sibling
            marks: dict[int, Style] = {ev.node: "current"}
            if ev.sibling in step.nodes:
                marks[ev.sibling] = "current"
            if ev.parent is not None:
                marks[ev.parent] = "current"
            stages.append(_Stage(step, lit | marks, {}, None, op, len(res.path)))
        stages.append(_Stage(res.steps[-1], {}, {}, None, op, len(res.path)))
        return self._play(stages, deaths=deaths)

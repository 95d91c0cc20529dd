"""The tree of calls a recursive function makes: every call a node, its callees its children.

``CallTreeState`` is the model. :meth:`CallTreeState.trace` runs a real
recursive function (written to recurse through a ``call`` argument) and
records each call, in the order they happen, with and without a memo; the
model answers how many calls there were, which subproblems were solved more
than once, and which calls a memo would have answered or skipped.
``CallTree`` draws it top-down (a tidy layout: leaves in call order, parents
centred over their children), reveals calls in the order they were made,
lights the path of calls that are on the stack at a moment, and marks
repeated, cached or pruned calls.

The recursive function takes the recursion as its first argument::

    def fib(call, n):
        return n if n < 2 else call(n - 1) + call(n - 2)

    naive = CallTreeState.trace(fib, 5, name="fib")             # 15 calls
    memo = CallTreeState.trace(fib, 5, name="fib", memo=True)   # 9 calls, 6 computed
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from manim import DOWN, UP, Animation, Line, ManimColor, RoundedRectangle, VGroup, VMobject

from .. import theme
from .parts import Parts, Pieces, group, pieces, together
from .text import NO_VALUE, char_width, fmt_value
from .widgets import label

Body = Callable[..., Any]

#: How a node can be drawn: plain, on the stack now, a repeated subproblem,
#: answered from a memo, or never made (pruned by a memo).
ROLES = ("plain", "active", "repeat", "cached", "pruned")


# =============================================================================
# The model
# =============================================================================
@dataclass
class CallNode:
    """One call.

    Attributes
    ----------
    uid
        Position in call order (0 is the first call, the root).
    args
        The call's arguments.
    parent
        The caller's ``uid`` (``None`` for the root).
    depth
        Calls above it on the stack (0 for the root).
    children
        The callees' ``uid``, in call order.
    result
        The value it returned.
    cached
        Whether a memo answered it (its body did not run; it has no children).
    """

    uid: int
    args: tuple[Hashable, ...]
    parent: int | None
    depth: int
    children: list[int] = field(default_factory=list)
    result: object = NO_VALUE
    cached: bool = False


class TooManyCalls(RuntimeError):
    """Raised by :meth:`CallTreeState.trace` past ``max_calls`` (a tree too big to draw)."""


class CallTreeState:
    """The calls of one run of a recursive function, as a tree.

    Build it with :meth:`trace` (or :meth:`add` call by call).

    Parameters
    ----------
    name
        The function's name, for labels (``fib(3)``).

    Examples
    --------
    >>> def fib(call, n):
    ...     return n if n < 2 else call(n - 1) + call(n - 2)
    >>> t = CallTreeState.trace(fib, 5, name="fib")
    >>> t.calls, t.result, t.max_depth, t.times_computed()[(3,)]
    (15, 5, 5, 2)
    >>> m = CallTreeState.trace(fib, 5, name="fib", memo=True)
    >>> m.calls, m.computed, m.cache_hits
    (9, 6, 3)
    """

    def __init__(self, name: str = "f") -> None:
        if not name:
            raise ValueError("name must not be empty")
        self.name = name
        self.nodes: list[CallNode] = []

    # -- building -----------------------------------------------------------------
    def add(self, args: Iterable[Hashable], parent: int | None = None, *, cached: bool = False) -> CallNode:
        """Record a call of ``args`` made by ``parent`` (``None``: the root); returns the node."""
        if parent is None and self.nodes:
            raise ValueError("the tree already has a root; pass the caller's uid as parent")
        if parent is not None and not 0 <= parent < len(self.nodes):
            raise ValueError(f"parent must be a recorded call in 0..{len(self.nodes) - 1}, got {parent}")
        if parent is not None and self.nodes[parent].cached:
            raise ValueError(f"call {parent} was answered from the memo: it makes no calls")
        depth = 0 if parent is None else self.nodes[parent].depth + 1
        node = CallNode(len(self.nodes), tuple(args), parent, depth, cached=cached)
        self.nodes.append(node)
        if parent is not None:
            self.nodes[parent].children.append(node.uid)
        return node

    @classmethod
    def trace(
        cls, body: Body, *args: Hashable, name: str | None = None, memo: bool = False, max_calls: int = 1000
    ) -> CallTreeState:
        """Run ``body(call, *args)`` and record every call it makes through ``call``.

        With ``memo=True`` a call whose arguments already returned once is
        answered from the memo (like ``functools.cache``): it is recorded as a
        cached leaf and its body does not run. Raises :class:`TooManyCalls`
        past ``max_calls`` calls.
        """
        if max_calls < 1:
            raise ValueError(f"max_calls must be >= 1, got {max_calls}")
        tree = cls(name or str(getattr(body, "__name__", "f")))
        known: dict[tuple[Hashable, ...], object] = {}
        stack: list[int] = []

        def call(*a: Hashable) -> Any:
            if len(tree.nodes) >= max_calls:
                raise TooManyCalls(f"more than {max_calls} calls: trace a smaller input or raise max_calls")
            hit = memo and a in known
            node = tree.add(a, stack[-1] if stack else None, cached=hit)
            if hit:
                node.result = known[a]
                return node.result
            stack.append(node.uid)
            try:
                node.result = body(call, *a)
            finally:
                stack.pop()
            if memo:
                known[a] = node.result
            return node.result

        call(*args)
        return tree

    # -- queries ------------------------------------------------------------------
    @property
    def calls(self) -> int:
        """How many calls were made (cache hits included)."""
        return len(self.nodes)

    @property
    def computed(self) -> int:
        """Calls whose body ran (not answered from a memo)."""
        return sum(not n.cached for n in self.nodes)

    @property
    def cache_hits(self) -> int:
        """Calls answered from a memo."""
        return sum(n.cached for n in self.nodes)

    @property
    def result(self) -> object:
        """What the first call returned."""
        if not self.nodes:
            raise ValueError("the tree is empty")
        return self.nodes[0].result

    @property
    def max_depth(self) -> int:
        """The most calls on the stack at once (the root alone is 1)."""
        return 1 + max((n.depth for n in self.nodes), default=-1)

    def label(self, uid: int) -> str:
        """``fib(3)``: the call as written."""
        return f"{self.name}({', '.join(fmt_value(a) for a in self.nodes[uid].args)})"

    def path(self, uid: int) -> list[int]:
        """The calls on the stack while ``uid`` runs: root first, ``uid`` last."""
        out = [uid]
        while (parent := self.nodes[out[-1]].parent) is not None:
            out.append(parent)
        return out[::-1]

    def subtree(self, uid: int) -> list[int]:
        """``uid`` and every call below it, in call order."""
        out, todo = [], [uid]
        while todo:
            u = todo.pop()
            out.append(u)
            todo.extend(reversed(self.nodes[u].children))
        return sorted(out)

    def leaves(self) -> list[int]:
        """Calls that made no calls, in call order."""
        return [n.uid for n in self.nodes if not n.children]

    def times_computed(self) -> dict[tuple[Hashable, ...], int]:
        """How often each argument tuple was computed (cache hits not counted), in first-call order."""
        out: dict[tuple[Hashable, ...], int] = {}
        for n in self.nodes:
            if not n.cached:
                out[n.args] = out.get(n.args, 0) + 1
        return out

    def calls_of(self, *args: Hashable) -> list[int]:
        """Every call made with ``args`` (cache hits included), in call order."""
        return [n.uid for n in self.nodes if n.args == args]

    def repeats(self) -> list[int]:
        """Calls that solve a subproblem already solved earlier in the run (the wasted work's roots)."""
        return self.memo_cut()[0]

    def memo_cut(self) -> tuple[list[int], list[int]]:
        """What a memo would do to this run: ``(hits, pruned)``.

        ``hits`` are the calls whose arguments had already returned once (a
        memo answers them at once); ``pruned`` are the calls below a hit,
        which would never be made.
        """
        hits: list[int] = []
        pruned: list[int] = []
        gone: set[int] = set()
        returned: set[tuple[Hashable, ...]] = set()
        stack: list[int] = []  # computing now: these have not returned yet
        for n in self.nodes:
            if n.parent is not None and n.parent in gone:
                pruned.append(n.uid)
                gone.add(n.uid)
                continue
            while stack and stack[-1] != n.parent:
                returned.add(self.nodes[stack.pop()].args)
            if n.cached or n.args in returned:
                hits.append(n.uid)
                gone.add(n.uid)
                continue
            stack.append(n.uid)
        return hits, pruned

    def layout(self) -> dict[int, tuple[float, int]]:
        """``uid -> (x, depth)``: leaves at x = 0, 1, 2 ... in call order, parents centred over children."""
        xs = {leaf: float(slot) for slot, leaf in enumerate(self.leaves())}
        for n in reversed(self.nodes):  # callees have larger uids: children before parents
            if n.children:
                xs[n.uid] = (xs[n.children[0]] + xs[n.children[-1]]) / 2
        return {n.uid: (xs[n.uid], n.depth) for n in self.nodes}


def count_calls(body: Body, *args: Hashable, memo: bool = False) -> tuple[int, int]:
    """``(calls, computed)`` of one run of ``body(call, *args)``, without building a tree.

    For inputs whose tree is too big to keep: ``fib(30)`` makes 2,692,537
    calls. The body must be deterministic (a pure function of its arguments,
    as recursive definitions are): each distinct call then runs once, and the
    size of the call tree below a repeated call is reused rather than
    re-walked, so the count is exact and instant. ``memo=True`` counts a
    ``functools.cache``-style run instead (as :meth:`CallTreeState.trace` does).
    """
    results: dict[tuple[Hashable, ...], object] = {}
    sizes: dict[tuple[Hashable, ...], int] = {}  # calls a naive run of these args makes
    below: list[int] = []  # for each running call: the calls made beneath it so far
    memo_calls = 0

    def call(*a: Hashable) -> Any:
        nonlocal memo_calls
        memo_calls += 1
        if a in results:
            if below:
                below[-1] += sizes[a]
            return results[a]
        below.append(0)
        result = body(call, *a)
        sizes[a] = 1 + below.pop()
        results[a] = result
        if below:
            below[-1] += sizes[a]
        return result

    call(*args)
    if memo:
        return memo_calls, len(results)
    naive = sizes[tuple(args)]
    return naive, naive


# =============================================================================
# The drawing
# =============================================================================
class CallTree(VGroup):
    """A call tree drawn top-down, revealed in call order, driven by a :class:`CallTreeState`.

    Parameters
    ----------
    state
        The calls to draw.
    width, height
        The box the tree fills: leaves spread over the width, depths over the height.
    font_size
        Size of the call labels (at least :data:`visualsys.theme.SMALL`).
    shown
        How many calls (in call order) are visible at first; ``None``: all.

    Examples
    --------
    .. code-block:: python

        def fib(call, n):
            return n if n < 2 else call(n - 1) + call(n - 2)

        class Tree(ExplainerScene):
            def construct(self):
                tree = CallTree(CallTreeState.trace(fib, 4, name="fib"), shown=0)
                self.add(tree)
                self.play(tree.grow())                         # calls appear in the order they happen
                self.play(tree.mark(tree.state.repeats(), "repeat"))
    """

    NODE_HEIGHT = 0.5
    MIN_GAP = 0.12

    def __init__(
        self,
        state: CallTreeState,
        *,
        width: float = 12.0,
        height: float = 5.0,
        font_size: int = theme.SMALL,
        shown: int | None = None,
        **kwargs: Any,
    ) -> None:
        if not state.nodes:
            raise ValueError("the call tree is empty: trace a call first")
        if font_size < theme.SMALL:
            raise ValueError(f"font_size must be >= theme.SMALL ({theme.SMALL}), got {font_size}")
        if width <= 0 or height <= 0:
            raise ValueError(f"width and height must be > 0, got {width} x {height}")
        if shown is not None and not 0 <= shown <= state.calls:
            raise ValueError(f"shown must be in 0..{state.calls}, got {shown}")
        levels = state.max_depth
        min_height = levels * self.NODE_HEIGHT + (levels - 1) * 0.3
        if height < min_height:
            raise ValueError(f"height must be >= {min_height:.1f} for {levels} levels, got {height}")
        super().__init__(**kwargs)
        self.state = state
        self.font_size = font_size
        pos = state.layout()
        n_slots = 1 + max(x for x, _ in pos.values())
        self._slot = width / n_slots
        widest = max(len(state.label(n.uid)) for n in state.nodes) * char_width(font_size) + 0.3
        if widest > self._slot - self.MIN_GAP:
            need = (widest + self.MIN_GAP) * n_slots
            raise ValueError(f"the tree needs width >= {need:.1f} for its {n_slots} leaves, got {width}")
        pitch = (height - self.NODE_HEIGHT) / (levels - 1) if levels > 1 else 0.0
        top = height / 2 - self.NODE_HEIGHT / 2
        self._centres = {
            uid: np.array([(x - (n_slots - 1) / 2) * self._slot, top - d * pitch, 0])
            for uid, (x, d) in pos.items()
        }
        self._frame = RoundedRectangle(width=width, height=height, stroke_width=0, fill_opacity=0)
        self._w = width
        self.shown = state.calls if shown is None else shown
        self.roles: dict[int, str] = {}
        self._body, self._transients = VGroup(), VGroup()
        self._parts = Parts(self._body, self._transients)
        self.add(self._frame, self._body, self._transients)
        self._parts.sync(self._build())

    # -- geometry -----------------------------------------------------------------
    def _place(self, mob: VMobject) -> VMobject:
        k = self._frame.width / self._w
        return mob.scale(k, about_point=np.zeros(3)).shift(self._frame.get_center())

    # -- building -----------------------------------------------------------------
    _STYLE: dict[str, tuple[ManimColor, ManimColor, ManimColor, float]] = {
        # role: stroke, fill, text, opacity
        "plain": (theme.OUTLINE, theme.SURFACE, theme.TEXT, 1.0),
        "active": (theme.BLUE, theme.SURFACE_HI, theme.TEXT, 1.0),
        "repeat": (theme.YELLOW, theme.SURFACE_HI, theme.YELLOW, 1.0),
        "cached": (theme.TEAL, theme.SURFACE_HI, theme.TEAL, 1.0),
        "pruned": (theme.OUTLINE, theme.BACKGROUND, theme.MUTED, 0.4),  # opacity of box and edge only
    }

    def _node(self, uid: int) -> dict[str, VMobject]:
        stroke, fill, ink, opacity = self._STYLE[self.roles.get(uid, "plain")]
        text = label(self.state.label(uid), self.font_size, ink, mono=True)
        box = RoundedRectangle(
            width=text.width + 0.3,
            height=self.NODE_HEIGHT,
            corner_radius=theme.CORNER,
            fill_color=fill,
            fill_opacity=1,
            stroke_color=stroke,
            stroke_width=theme.STROKE if stroke is not theme.OUTLINE else theme.STROKE_THIN,
        )
        c = self._centres[uid]
        box.move_to(c)
        text.move_to(c)
        if opacity < 1:  # a faded outline; the text stays legible (MUTED)
            box.set_stroke(opacity=opacity)
        return {"box": box, "text": text}

    def _edge(self, uid: int) -> VMobject:
        parent = self.state.nodes[uid].parent
        assert parent is not None
        role = self.roles.get(uid, "plain")
        a = self._centres[parent] + DOWN * self.NODE_HEIGHT / 2
        b = self._centres[uid] + UP * self.NODE_HEIGHT / 2
        on = role == "active" and self.roles.get(parent) == "active"
        line = Line(a, b, stroke_color=theme.BLUE if on else theme.OUTLINE,
                    stroke_width=theme.STROKE if on else theme.STROKE_THIN)
        if role == "pruned":
            line.set_stroke(opacity=self._STYLE["pruned"][3])
        return line

    def _build(self) -> Pieces:
        parts: Pieces = {}
        for uid in range(self.shown):
            if self.state.nodes[uid].parent is not None:
                parts.update(pieces(("edge", uid), self._edge(uid)))
        for uid in range(self.shown):
            parts.update(pieces(("node", uid), self._node(uid)))
        return {k: self._place(m) for k, m in parts.items()}

    def _sync(self) -> Any:
        return self._parts.sync(self._build(), enter_shift=0.15 * DOWN)

    # -- read-only helpers ----------------------------------------------------------
    def node_mobject(self, uid: int) -> VGroup:
        """The box and label of call ``uid`` (it must be shown)."""
        if not 0 <= uid < self.shown:
            raise ValueError(f"call {uid} is not shown (shown: 0..{self.shown - 1})")
        return self._parts[("node", uid)]

    # -- verbs ----------------------------------------------------------------------
    def grow(self, upto: int | None = None, *, lag_ratio: float = 0.3) -> Animation:
        """Reveal the calls up to ``upto`` (exclusive, call order; ``None``: all), one after another."""
        upto = self.state.calls if upto is None else upto
        if not self.shown <= upto <= self.state.calls:
            raise ValueError(f"upto must be in {self.shown}..{self.state.calls}, got {upto}")
        new = range(self.shown, upto)
        self.shown = upto
        ch = self._sync()
        steps = [together([*ch.of(("edge", u)), *ch.of(("node", u))]) for u in new]
        others = [a for k, a in ch.changed.items() if k[0][1] not in new]  # type: ignore[index]
        return group(self, [*others, together(steps, lag_ratio=lag_ratio)])

    def mark(self, uids: Iterable[int], role: str = "repeat") -> Animation:
        """Draw calls ``uids`` in ``role`` (one of :data:`ROLES`; ``"plain"`` clears a mark)."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, got {role!r}")
        for u in uids:
            if not 0 <= u < self.state.calls:
                raise ValueError(f"no call {u}: uids are 0..{self.state.calls - 1}")
            if role == "plain":
                self.roles.pop(u, None)
            else:
                self.roles[u] = role
        return group(self, self._sync().all())

    def focus(self, uid: int | None) -> Animation:
        """Light the calls on the stack while ``uid`` runs (its path from the root); ``None`` clears it."""
        for u in [u for u, r in self.roles.items() if r == "active"]:
            del self.roles[u]
        if uid is not None:
            if not 0 <= uid < self.state.calls:
                raise ValueError(f"no call {uid}: uids are 0..{self.state.calls - 1}")
            for u in self.state.path(uid):
                self.roles[u] = "active"
        return group(self, self._sync().all())


__all__ = ["ROLES", "CallNode", "CallTree", "CallTreeState", "TooManyCalls", "count_calls"]

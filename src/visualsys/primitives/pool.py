"""Children addressed by key and a fixed drawing area: the plumbing of the spec-driven primitives.

:class:`RequestStream <visualsys.primitives.request_stream.RequestStream>`,
:class:`BTree <visualsys.primitives.btree.BTree>`,
:class:`TokenBucket <visualsys.primitives.token_bucket.TokenBucket>` and
:class:`SlidingWindow <visualsys.primitives.sliding_window.SlidingWindow>`
describe their moving parts as hashable specs (:data:`Spec`, built with
:func:`hexc` and :func:`r6`) that a :class:`KeyedPool` turns into ``Transform``
animations, played in order with :func:`steps`; they draw inside an
:class:`Area`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import numpy as np
from manim import (
    Animation,
    AnimationGroup,
    ManimColor,
    Succession,
    Transform,
    VectorizedPoint,
    VGroup,
    VMobject,
    Wait,
)


def invisible(mob: VMobject) -> VMobject:
    """A copy of ``mob`` with every part fully transparent."""
    return mob.copy().set_opacity(0)


#: A part's description: a tuple of hashable values in layout units (equal specs draw the same).
Spec = tuple[Any, ...]
Builder = Callable[[Hashable, Spec], VMobject]


class KeyedPool:
    """Children of a ``VGroup`` addressed by key, each described by a cheap hashable *spec*.

    A primitive describes its moving parts as ``{key: spec}`` (plain tuples in
    layout units) and gives a ``build(key, spec)`` that draws one part.
    :meth:`sync` then returns one ``Transform`` per part whose spec changed:
    existing children morph to their new drawing, new keys start from an
    invisible copy of it (or from ``origin(key, target)``), and keys missing
    from the specs fade out where they last were (or into ``end(key, last)``).
    Unchanged parts are neither rebuilt nor animated. Faded children are
    dropped from the owner by :meth:`prune`, which verbs call when their
    animation finishes. Only ``Transform`` is used, so no child is ever added
    to or removed from the scene behind the owner's back.

    ``layer(key)`` may name the sub-group a part lives in (for stacking order:
    a part added later is drawn on top within its layer only). An ``origin``
    is added to the group as soon as :meth:`sync` is called, long before its
    animation plays, so it should be invisible.
    """

    def __init__(
        self, owner: VGroup, build: Builder, layer: Callable[[Hashable], VGroup] | None = None
    ) -> None:
        self.owner = owner
        self.build = build
        self.layer = layer or (lambda _key: owner)
        self.items: dict[Hashable, VMobject] = {}
        self.specs: dict[Hashable, Spec] = {}
        self.dead: list[tuple[VGroup, VMobject]] = []

    def __contains__(self, key: Hashable) -> bool:
        return key in self.items

    def place(self, specs: Mapping[Hashable, Spec]) -> None:
        """Set the children to ``specs`` at once (no animation): for ``__init__``."""
        for key, spec in specs.items():
            mob = self.build(key, spec)
            if key in self.items:
                self.items[key].become(mob)
            else:
                self.layer(key).add(mob)
                self.items[key] = mob
            self.specs[key] = spec
        for key in [k for k in self.items if k not in specs]:
            self.layer(key).remove(self.items.pop(key))
            self.specs.pop(key)

    def sync(
        self,
        specs: Mapping[Hashable, Spec],
        *,
        origin: Callable[[Hashable, VMobject], VMobject | None] | None = None,
        end: Callable[[Hashable, VMobject], VMobject | None] | None = None,
        keep_missing: bool = False,
    ) -> list[Animation]:
        """Animations taking the children to ``specs`` (see the class docstring)."""
        anims: list[Animation] = []
        for key, spec in specs.items():
            if key in self.items and self.specs[key] == spec:
                continue
            target = self.build(key, spec)
            if key not in self.items:
                start = origin(key, target) if origin else None
                start = invisible(target) if start is None else start
                self.layer(key).add(start)
                self.items[key] = start
            anims.append(Transform(self.items[key], target))
            self.specs[key] = spec
        if not keep_missing:
            for key in [k for k in self.items if k not in specs]:
                mob = self.items.pop(key)
                last = self.build(key, self.specs.pop(key))
                stop = end(key, last) if end else None
                anims.append(Transform(mob, invisible(last if stop is None else stop)))
                self.dead.append((self.layer(key), mob))
        return anims

    def retire(self, key: Hashable) -> None:
        """Forget ``key`` whose last animation already faded it out; :meth:`prune` removes it."""
        self.dead.append((self.layer(key), self.items.pop(key)))
        self.specs.pop(key)

    def prune(self) -> None:
        """Drop the children that have faded out."""
        for container, mob in self.dead:
            container.remove(mob)
        self.dead.clear()


def hexc(color: ManimColor) -> str:
    """A colour as a hashable hex string, for specs."""
    return ManimColor(color).to_hex()


def r6(x: float) -> float:
    """Round a layout coordinate for a spec (so float noise does not count as a change)."""
    return round(float(x), 6)


def steps(
    owner: VGroup,
    stages: Sequence[Sequence[Animation]],
    run_times: Sequence[float],
    on_finish: Callable[[], None],
) -> Animation:
    """Play ``stages`` one after another (each stage's animations together); call ``on_finish`` at the end.

    The returned animation's mobject is ``owner`` itself: Manim adds an
    animation's mobject to the scene when it is not there yet, and adding a
    loose group of ``owner``'s children would split ``owner`` apart.
    """
    groups = [
        AnimationGroup(*anims, run_time=rt) if anims else Wait(rt)
        for anims, rt in zip(stages, run_times, strict=True)
    ]
    if not groups:
        groups = [Wait(1 / 30)]
    return Succession(*groups, group=owner, _on_finish=lambda _scene: on_finish())


class Area:
    """A fixed ``width`` x ``height`` box a primitive draws in, that follows the group's moves and scaling.

    Two invisible corner points are added to ``owner``: they give the group its
    nominal size (so ``next_to``/``arrange`` see the whole box even while it is
    half empty) and let :meth:`at` map layout coordinates, measured in units
    from the box's top-left corner (x right, y down), to the scene.
    """

    def __init__(self, owner: VGroup, width: float, height: float) -> None:
        self.width, self.height = width, height
        self.ul = VectorizedPoint(np.array([-width / 2, height / 2, 0.0]))
        self.dr = VectorizedPoint(np.array([width / 2, -height / 2, 0.0]))
        owner.add(self.ul, self.dr)

    @property
    def unit(self) -> float:
        """Scene units per layout unit (1 until someone scales the group)."""
        d = self.dr.get_center() - self.ul.get_center()
        return float(np.hypot(d[0], d[1]) / np.hypot(self.width, self.height))

    def at(self, x: float, y: float) -> np.ndarray:
        """Scene point of layout point ``(x, y)`` (from the top-left corner, y downwards)."""
        return self.ul.get_center() + self.unit * np.array([x, -y, 0.0])

    def fit(self, mob: VMobject) -> VMobject:
        """Scale a freshly built mobject (built at unit scale) to the group's current scale."""
        u = self.unit
        if abs(u - 1) > 1e-9:
            mob.scale(u)
        return mob


def validate_size(width: float, height: float) -> None:
    """Raise ``ValueError`` unless both sizes are positive."""
    if width <= 0:
        raise ValueError(f"width must be > 0, got {width}")
    if height <= 0:
        raise ValueError(f"height must be > 0, got {height}")

"""The animation plumbing of the stateful primitives that redraw from their model.

:class:`CallStack <visualsys.primitives.call_stack.CallStack>`,
:class:`CallTree <visualsys.primitives.call_tree.CallTree>`,
:class:`CodePanel <visualsys.primitives.code_panel.CodePanel>`,
:class:`Log <visualsys.primitives.log.Log>`,
:class:`PageStore <visualsys.primitives.pages.PageStore>` and
:class:`StateMachine <visualsys.primitives.state_machine.StateMachine>` draw
themselves as keyed pieces (:class:`Parts`) and play their verbs with
:func:`group`, :func:`together` and :func:`travel`.

Every verb updates the model, rebuilds the drawing at once (so a primitive
that is never played still shows the model's state) and returns an animation
that plays from the old look to the new one. Those animations act on the
primitive's own sub-mobjects and never remove anything from the scene, so
wrapping them in a scene's own ``AnimationGroup`` does not break the primitive
apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from manim import (
    ORIGIN,
    Animation,
    AnimationGroup,
    Mobject,
    Succession,
    Transform,
    UpdateFromAlphaFunc,
    VGroup,
    VMobject,
    smooth,
    there_and_back,
)


class Morph(Transform):
    """Play ``part`` from the look of ``before`` to the look it has now.

    The primitive has already been redrawn (so an unplayed verb leaves a
    correct picture); on ``begin`` the part takes its old look back and then
    transforms into the new one.
    """

    def __init__(self, part: Mobject, before: Mobject, **kwargs: Any) -> None:
        self.before = before
        super().__init__(part, part.copy(), **kwargs)

    def prepare(self) -> None:
        """Give the part its old look (done again at ``begin``)."""
        self.mobject.become(self.before)  # type: ignore[arg-type]  # Cairo mobjects, not OpenGL

    def begin(self) -> None:  # noqa: D102
        self.prepare()
        super().begin()


def _morphs(anim: Animation) -> Iterable[Morph]:
    if isinstance(anim, Morph):
        yield anim
    for sub in getattr(anim, "animations", ()):
        yield from _morphs(sub)


class Staged(Succession):
    """A succession of phases whose parts all take their old look when it begins.

    Without this, a part changed only in a later phase would show its new look
    during the earlier phases. Phases are prepared last to first, so a part
    changed in several phases starts from its look before the first change.
    """

    def begin(self) -> None:  # noqa: D102
        for phase in reversed(self.animations):
            for m in _morphs(phase):
                m.prepare()
        super().begin()


def same_look(a: Mobject, b: Mobject) -> bool:
    """Whether two mobjects draw identically (points, colours, stroke widths)."""
    fa, fb = a.family_members_with_points(), b.family_members_with_points()
    if len(fa) != len(fb):
        return False
    for x, y in zip(fa, fb, strict=True):
        if x.points.shape != y.points.shape or not np.allclose(x.points, y.points, atol=1e-6):
            return False
        if isinstance(x, VMobject) and isinstance(y, VMobject):
            if not (
                np.allclose(x.fill_rgbas, y.fill_rgbas)
                and np.allclose(x.stroke_rgbas, y.stroke_rgbas)
                and np.isclose(x.stroke_width, y.stroke_width)
            ):
                return False
    return True


def compatible(a: Mobject, b: Mobject) -> bool:
    """Whether ``a`` can morph into ``b`` point by point (same structure, same point counts).

    Text whose glyphs differ is not: it cross-fades instead of smearing.
    """
    fa, fb = a.family_members_with_points(), b.family_members_with_points()
    return len(fa) == len(fb) and all(x.points.shape == y.points.shape for x, y in zip(fa, fb, strict=False))


@dataclass
class Changes:
    """The animations one redraw produced, keyed like the parts (``(group, piece)``)."""

    changed: dict[tuple[object, str], Animation] = field(default_factory=dict)
    entering: dict[tuple[object, str], Animation] = field(default_factory=dict)
    leaving: dict[tuple[object, str], Animation] = field(default_factory=dict)

    def all(self) -> list[Animation]:
        """Every animation, in no particular order."""
        return [*self.leaving.values(), *self.changed.values(), *self.entering.values()]

    def of(self, group_key: object) -> list[Animation]:
        """The animations of one group's pieces."""
        return [a for k, a in self._items() if k[0] == group_key]

    def besides(self, *group_keys: object) -> list[Animation]:
        """The animations of every group except ``group_keys``."""
        return [a for k, a in self._items() if k[0] not in group_keys]

    def groups(self, kind: str) -> list[object]:
        """Group keys with an animation of ``kind`` (``"changed"``, ``"entering"``, ``"leaving"``)."""
        return list(dict.fromkeys(k[0] for k in getattr(self, kind)))

    def _items(self) -> list[tuple[tuple[object, str], Animation]]:
        return [*self.leaving.items(), *self.changed.items(), *self.entering.items()]


Pieces = dict[tuple[object, str], VMobject]


def pieces(group_key: object, mob: VMobject | Mapping[str, VMobject]) -> Pieces:
    """Key a group's pieces: ``{(group_key, name): mobject}`` (a lone mobject is piece ``""``)."""
    if isinstance(mob, VMobject):
        return {(group_key, ""): mob}
    return {(group_key, name): m for name, m in mob.items()}


class Parts:
    """The keyed pieces of a primitive's drawing and how they change.

    A primitive draws itself as pieces keyed ``(group, piece)`` (a call-stack
    frame is a group; its box, header and locals are pieces). ``sync(new)``
    swaps the drawing to ``new`` and returns the :class:`Changes`: a piece
    whose shape is unchanged (moved, recoloured) morphs in place, a piece whose
    shape changed (different text) cross-fades, new pieces fade in, vanished
    ones fade out inside the primitive and are dropped when their animation
    ends.
    """

    def __init__(self, body: VGroup, transients: VGroup) -> None:
        self.body = body
        self.transients = transients
        self.mobs: Pieces = {}

    def __contains__(self, group_key: object) -> bool:
        return any(k[0] == group_key for k in self.mobs)

    def get(self, group_key: object) -> VGroup | None:
        """The pieces drawn for ``group_key`` (a new VGroup of the live pieces), or ``None``."""
        found = [m for k, m in self.mobs.items() if k[0] == group_key]
        return VGroup(*found) if found else None

    def __getitem__(self, group_key: object) -> VGroup:
        found = self.get(group_key)
        if found is None:
            raise KeyError(group_key)
        return found

    def piece(self, group_key: object, name: str = "") -> VMobject:
        """One live piece."""
        return self.mobs[(group_key, name)]

    def flash(
        self, group_key: object, color: Any, scale: float = 1.1, outlines: Iterable[str] = ("box",)
    ) -> Animation:
        """A group's pieces swell and take ``color`` for a moment, then return.

        Pieces named in ``outlines`` (a card's box) change only their outline:
        a filled flash would hide the text it points at. Everything else
        (text) changes colour.
        """
        found = [(k[1], m) for k, m in self.mobs.items() if k[0] == group_key]
        if not found:
            raise KeyError(group_key)
        center = VGroup(*(m for _, m in found)).get_center()
        boxes = set(outlines)
        moves = []
        for name, mob in found:
            target = mob.copy().scale(scale, about_point=center)
            if name in boxes:
                target.set_stroke(color=color)
            else:
                target.set_color(color)
            moves.append(Transform(mob, target, rate_func=there_and_back))
        return AnimationGroup(*moves)

    def _leave(self, old: VMobject, exit_shift: np.ndarray, exit_scale: float) -> Animation:
        before = old.copy()
        old.scale(exit_scale).shift(exit_shift).set_opacity(0)
        self.transients.add(old)
        return Morph(old, before, _on_finish=self._dropper(old))

    def sync(
        self,
        new: Pieces,
        enter_shift: np.ndarray = ORIGIN,
        exit_shift: np.ndarray = ORIGIN,
        exit_scale: float = 0.8,
    ) -> Changes:
        """Swap the drawing to ``new``; see the class docstring."""
        out = Changes()
        kept: Pieces = {}
        for key, mob in new.items():
            old = self.mobs.get(key)
            if old is None:
                before = mob.copy().set_opacity(0).shift(-np.asarray(enter_shift))
                out.entering[key] = Morph(mob, before)
                kept[key] = mob
            elif same_look(old, mob):
                kept[key] = old
            elif compatible(old, mob):
                before = old.copy()
                old.become(mob)
                out.changed[key] = Morph(old, before)
                kept[key] = old
            else:
                fade_in = Morph(mob, mob.copy().set_opacity(0))
                out.changed[key] = AnimationGroup(self._leave(old, ORIGIN, 1.0), fade_in)
                kept[key] = mob
        for key, old in self.mobs.items():
            if key not in new:
                out.leaving[key] = self._leave(old, exit_shift, exit_scale)
        self.mobs = kept
        self.body.submobjects = list(kept.values())
        return out

    def _dropper(self, mob: Mobject) -> Callable[[Any], None]:
        def drop(_scene: Any) -> None:
            if mob in self.transients.submobjects:
                self.transients.remove(mob)

        return drop

    def transient(
        self, mob: VMobject, update: Callable[[Mobject, float], object], **kwargs: Any
    ) -> Animation:
        """A short-lived mobject (a travelling value, a dot): hidden until played, dropped after.

        ``update(mob, alpha)`` places and styles it; it should leave the
        mobject invisible at ``alpha == 1``.
        """
        update(mob, 1.0)
        self.transients.add(mob)
        return UpdateFromAlphaFunc(mob, update, _on_finish=self._dropper(mob), **kwargs)


def travel(start: np.ndarray, end: np.ndarray, fade: float = 0.12) -> Callable[[Mobject, float], None]:
    """An update for :meth:`Parts.transient`: fade in at ``start``, move to ``end``, vanish on arrival."""
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)

    def update(mob: Mobject, alpha: float) -> None:
        mob.move_to(start + (end - start) * smooth(min(1.0, alpha / (1 - fade))))
        mob.set_opacity(0.0 if alpha >= 1 else min(1.0, alpha / fade))

    return update


def together(anims: Iterable[Animation | None], lag_ratio: float = 0.0) -> Animation | None:
    """The animations played together (staggered by ``lag_ratio``), or ``None`` if there are none.

    Manim refuses to play an empty ``AnimationGroup``; this never builds one.
    """
    real = [a for a in anims if a is not None]
    if not real:
        return None
    return AnimationGroup(*real, lag_ratio=lag_ratio) if len(real) > 1 or lag_ratio else real[0]


def group(
    owner: VGroup, *phases: Animation | Sequence[Animation | None] | None, lag_ratio: float = 0.0
) -> Animation:
    """Phases (each an animation or a list played together) played in order, on ``owner``.

    Empty phases are dropped; the result's mobject is ``owner`` itself.
    """
    built: list[Animation] = []
    for phase in phases:
        anim = phase if isinstance(phase, Animation) or phase is None else together(phase, lag_ratio)
        if anim is not None:
            built.append(anim)
    if not built:
        built = [Animation(owner)]  # nothing changed: a pause, so `scene.play` still works
    if len(built) == 1:
        return AnimationGroup(*built, group=owner)
    return Staged(*built, group=owner)

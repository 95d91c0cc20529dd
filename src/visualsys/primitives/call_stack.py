"""A call stack: frames pushed and popped, return values flowing back, overflow.

``CallStackState`` is the model: a list of frames (function name, arguments,
locals), ``push``/``pop`` with return values handed to the caller, and a
maximum depth past which the stack overflows like Python's ``RecursionError``.
``CallStack`` draws it as stacked cards, newest on top; deep recursion
collapses the middle into "… 37 more frames" so fifty frames still fit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Animation,
    DashedVMobject,
    Line,
    Mobject,
    Rectangle,
    RoundedRectangle,
    VGroup,
    VMobject,
)

from .. import theme
from .parts import Changes, Parts, Pieces, group, pieces, together, travel
from .text import NO_VALUE, char_width, fit_text, fmt_value, wrap_words
from .widgets import label


# =============================================================================
# The model
# =============================================================================
class StackOverflow(RecursionError):
    """Raised by :meth:`CallStackState.push` when the stack is already ``max_depth`` deep."""


@dataclass
class Frame:
    """One activation record.

    Attributes
    ----------
    name
        The function's name.
    args
        Arguments, either named (a dict) or positional (a tuple).
    locals
        Local variables, in the order they were set.
    received
        The value the last callee returned into this frame (``NO_VALUE`` if none).
    """

    name: str
    args: dict[str, object] | tuple[object, ...] = ()
    locals: dict[str, object] = field(default_factory=dict)
    received: object = NO_VALUE
    uid: int = field(default=-1, compare=False, repr=False)

    def signature(self) -> str:
        """``fact(n=3)`` or ``fact(3)`` (``<module>`` and other ``<...>`` names stay bare without args)."""
        if self.name.startswith("<") and not self.args:
            return self.name
        if isinstance(self.args, dict):
            inner = ", ".join(f"{k}={fmt_value(v)}" for k, v in self.args.items())
        else:
            inner = ", ".join(fmt_value(v) for v in self.args)
        return f"{self.name}({inner})"

    def locals_text(self) -> str:
        """``n=3  acc=6``: the locals on one line."""
        return "  ".join(f"{k}={fmt_value(v)}" for k, v in self.locals.items())


def _normalise_args(args: object) -> dict[str, object] | tuple[object, ...]:
    if args is None:
        return ()
    if isinstance(args, Mapping):
        return {str(k): v for k, v in args.items()}
    if isinstance(args, (list, tuple)):
        return tuple(args)
    return (args,)


class CallStackState:
    """A call stack as data: frames, push/pop, return values, a depth limit.

    Parameters
    ----------
    max_depth
        Pushing onto a stack already this deep overflows (raises
        :class:`StackOverflow` and marks the stack ``overflowed``).

    Examples
    --------
    >>> s = CallStackState(max_depth=3)
    >>> _ = s.push("fact", {"n": 2}); _ = s.push("fact", {"n": 1})
    >>> s.pop(1, into="r").name, s.top.locals
    ('fact', {'r': 1})
    """

    def __init__(self, max_depth: int = 1000) -> None:
        if max_depth < 1:
            raise ValueError(f"max_depth must be >= 1, got {max_depth}")
        self.max_depth = max_depth
        self.frames: list[Frame] = []
        self.overflowed = False
        self._uid = 0

    # -- queries ----------------------------------------------------------------
    @property
    def depth(self) -> int:
        """Number of frames on the stack."""
        return len(self.frames)

    @property
    def top(self) -> Frame:
        """The running frame (the most recent call)."""
        if not self.frames:
            raise ValueError("the call stack is empty")
        return self.frames[-1]

    def names(self) -> list[str]:
        """Function names, bottom (oldest) first."""
        return [f.name for f in self.frames]

    # -- changes ----------------------------------------------------------------
    def push(self, name: str, args: object = None, locals: Mapping[str, object] | None = None) -> Frame:
        """Call ``name(args)``: push a new frame and return it.

        Raises :class:`StackOverflow` (a ``RecursionError``) if the stack is
        already ``max_depth`` deep; the stack is then marked ``overflowed``.
        """
        if not name:
            raise ValueError("a frame needs a function name")
        if self.overflowed:
            raise ValueError("the stack has overflowed; unwind() it before pushing again")
        if self.depth >= self.max_depth:
            self.overflowed = True
            raise StackOverflow(f"maximum recursion depth exceeded ({self.max_depth} frames)")
        frame = Frame(name, _normalise_args(args), dict(locals or {}), uid=self._uid)
        self._uid += 1
        self.frames.append(frame)
        return frame

    def set_local(self, name: str, value: object) -> None:
        """Set local variable ``name`` of the running frame."""
        if not name:
            raise ValueError("a local variable needs a name")
        self.top.locals[name] = value

    def pop(self, return_value: object = NO_VALUE, into: str | None = None) -> Frame:
        """Return from the running frame and hand ``return_value`` to the caller.

        The caller records the value as ``received``; with ``into`` it is also
        stored as the caller's local variable of that name.
        """
        if not self.frames:
            raise ValueError("cannot pop an empty call stack")
        if into is not None and (self.depth < 2 or return_value is NO_VALUE):
            raise ValueError("into= needs a caller frame and a return value")
        frame = self.frames.pop()
        if self.frames and return_value is not NO_VALUE:
            caller = self.frames[-1]
            caller.received = return_value
            if into is not None:
                caller.locals[into] = return_value
        return frame

    def overflow(self) -> None:
        """Mark the stack as overflowed (the ``RecursionError`` moment)."""
        self.overflowed = True

    def unwind(self, to_depth: int = 0) -> list[Frame]:
        """Pop frames without return values (an exception propagating) down to ``to_depth``.

        Clears the overflow; returns the popped frames, most recent first.
        """
        if not 0 <= to_depth <= self.depth:
            raise ValueError(f"to_depth must be in 0..{self.depth}, got {to_depth}")
        popped = self.frames[to_depth:][::-1]
        del self.frames[to_depth:]
        self.overflowed = False
        return popped


def collapse_plan(depth: int, max_visible: int, keep_bottom: int = 1) -> tuple[list[int], int]:
    """Which frames to draw when only ``max_visible`` slots fit.

    Returns the indices of the frames drawn (bottom first) and how many are
    hidden. When frames are hidden, the ``keep_bottom`` oldest and the newest
    frames are drawn and one slot (after the bottom ones) holds the
    "… N more frames" marker, so drawn frames + 1 == ``max_visible``.
    """
    if max_visible < keep_bottom + 2:
        raise ValueError(f"max_visible must be >= {keep_bottom + 2}, got {max_visible}")
    if depth < 0:
        raise ValueError(f"depth must be >= 0, got {depth}")
    if depth <= max_visible:
        return list(range(depth)), 0
    n_top = max_visible - 1 - keep_bottom
    hidden = depth - keep_bottom - n_top
    return list(range(keep_bottom)) + list(range(depth - n_top, depth)), hidden


# =============================================================================
# The drawing
# =============================================================================
class CallStack(VGroup):
    """A call stack drawn as cards, newest on top, driven by a :class:`CallStackState`.

    Each card shows ``name(args)`` and the frame's locals; the running frame is
    highlighted. ``pop(value)`` sends the return value down into the caller's
    card. When the frames no longer fit, the middle collapses into a
    "… N more frames" marker; pushing past ``max_depth`` shows a red
    ``RecursionError`` banner.

    Parameters
    ----------
    state
        The model to draw (a new empty one by default).
    max_depth
        Depth limit of the new model (ignored when ``state`` is given).
    width, height
        The area the stack occupies; cards are ``width`` wide and as many fit
        as ``height`` allows.
    max_visible
        Draw at most this many slots (default: as many as fit, at least 5;
        the overflow banner takes two of them).
    title
        Caption under the stack, or ``None``.

    Examples
    --------
    .. code-block:: python

        class Factorial(ExplainerScene):
            def construct(self):
                stack = CallStack(max_depth=50)
                self.add(stack)
                for n in (3, 2, 1):
                    self.play(stack.push("fact", {"n": n}))
                self.play(stack.pop(1))
                self.play(stack.pop(2))
    """

    CARD_HEIGHT = 0.84
    GAP = 0.1

    def __init__(
        self,
        state: CallStackState | None = None,
        *,
        max_depth: int = 1000,
        width: float = 4.5,
        height: float = 6.0,
        max_visible: int | None = None,
        title: str | None = "call stack",
        **kwargs: Any,
    ) -> None:
        if width < 2.5:
            raise ValueError(f"width must be >= 2.5 to fit a frame's text, got {width}")
        if max_depth < 1:
            raise ValueError(f"max_depth must be >= 1, got {max_depth}")
        super().__init__(**kwargs)
        self.state = state if state is not None else CallStackState(max_depth)
        self._w, self._h = float(width), float(height)
        self._title = title
        self._title_h = label(title, theme.SMALL).height if title else 0.0
        self._floor_y = -self._h / 2 + (self._title_h + 0.15 if title else 0.0)
        pitch = self.CARD_HEIGHT + self.GAP
        fit = int((self._h / 2 - self._floor_y - 0.12 + self.GAP) // pitch)
        if fit < 5:
            raise ValueError(f"height must fit at least 5 frames (about 5.1 units), got height={height}")
        if max_visible is not None and not 5 <= max_visible <= fit:
            raise ValueError(f"max_visible must be in 5..{fit} for height={height}, got {max_visible}")
        self.max_visible = max_visible or fit
        self._frame = Rectangle(
            width=self._w, height=self._h, stroke_opacity=0, fill_opacity=0, stroke_width=0
        )
        self._body, self._transients = VGroup(), VGroup()
        self.add(self._frame, self._body, self._transients)
        self._parts = Parts(self._body, self._transients)
        self._parts.sync(self._build())

    # -- geometry -----------------------------------------------------------------
    def _scale(self) -> float:
        return self._frame.width / self._w

    def _place(self, mob: VMobject) -> VMobject:
        """Move a mobject built in local coordinates (frame centre at the origin) into place."""
        return mob.scale(self._scale(), about_point=ORIGIN).shift(self._frame.get_center())

    def _slot_y(self, i: int) -> float:
        return self._floor_y + 0.12 + self.CARD_HEIGHT / 2 + i * (self.CARD_HEIGHT + self.GAP)

    # -- building -----------------------------------------------------------------
    def _card(self, frame: Frame, y: float, active: bool) -> dict[str, VMobject]:
        w, h = self._w, self.CARD_HEIGHT
        stroke = theme.RED if self.state.overflowed else (theme.BLUE if active else theme.OUTLINE)
        box = RoundedRectangle(
            width=w,
            height=h,
            corner_radius=theme.CORNER,
            fill_color=theme.SURFACE_HI if active else theme.SURFACE,
            fill_opacity=1,
            stroke_color=stroke,
            stroke_width=theme.STROKE if active else theme.STROKE_THIN,
        )
        box.move_to(np.array([0, y, 0]))
        card: dict[str, VMobject] = {"box": box}
        inner = w - 0.36
        right = None
        if frame.received is not NO_VALUE:
            right = label(
                fit_text(f"← {fmt_value(frame.received)}", int(inner * 0.45 / char_width(theme.LABEL))),
                theme.LABEL,
                theme.GREEN,
                mono=True,
            )
            right.move_to(
                np.array([w / 2 - 0.18 - right.width / 2, y + h / 4 - 0.02 if frame.locals else y, 0])
            )
        room = inner - (right.width + 0.2 if right is not None else 0.0)
        header = label(
            fit_text(frame.signature(), int(room / char_width(theme.LABEL))),
            theme.LABEL,
            theme.TEXT,
            mono=True,
        )
        text = frame.locals_text()
        row = y + h / 4 - 0.02 if text else y
        header.move_to(np.array([-w / 2 + 0.18 + header.width / 2, row, 0]))
        card["header"] = header
        if right is not None:
            card["returned"] = right
        if text:
            loc = label(
                fit_text(text, int(inner / char_width(theme.SMALL))), theme.SMALL, theme.MUTED, mono=True
            )
            loc.move_to(np.array([-w / 2 + 0.18 + loc.width / 2, y - h / 4 + 0.02, 0]))
            card["locals"] = loc
        return card

    def _more(self, hidden: int, y: float) -> dict[str, VMobject]:
        box = DashedVMobject(
            RoundedRectangle(
                width=self._w,
                height=self.CARD_HEIGHT * 0.8,
                corner_radius=theme.CORNER,
                stroke_color=theme.OUTLINE,
                stroke_width=theme.STROKE_THIN,
            ),
            num_dashes=40,
        )
        text = label(f"… {hidden} more frame{'s' if hidden != 1 else ''}", theme.SMALL, theme.MUTED)
        return {"box": box.move_to(np.array([0, y, 0])), "text": text.move_to(np.array([0, y, 0]))}

    def _banner(self, slot: int) -> VGroup:
        """The overflow banner, two slots tall, in slots ``slot`` and ``slot + 1``."""
        w = self._w
        head = label("RecursionError:", theme.LABEL, theme.RED, mono=True, weight="BOLD")
        lines = wrap_words("maximum recursion depth exceeded", theme.SMALL, w - 0.4)
        body = VGroup(*[label(s, theme.SMALL, theme.TEXT) for s in lines]).arrange(
            DOWN, buff=0.08, aligned_edge=LEFT
        )
        text = VGroup(head, body).arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        h = max(text.height + 0.4, 2 * self.CARD_HEIGHT + self.GAP)
        back = RoundedRectangle(
            width=w + 0.1,
            height=h,
            corner_radius=theme.CORNER,
            fill_color=theme.BACKGROUND,
            fill_opacity=1,
            stroke_width=0,
        )
        tint = RoundedRectangle(
            width=w + 0.1,
            height=h,
            corner_radius=theme.CORNER,
            fill_color=theme.RED,
            fill_opacity=0.16,
            stroke_color=theme.RED,
            stroke_width=theme.STROKE,
        )
        text.move_to(tint).align_to(tint, LEFT).shift(0.2 * RIGHT)
        banner = VGroup(back, tint, text)
        return banner.move_to(np.array([0, (self._slot_y(slot) + self._slot_y(slot + 1)) / 2, 0]))

    def _build(self) -> Pieces:
        parts: Pieces = {}
        if self._title:
            floor = Line(
                np.array([-self._w / 2, self._floor_y, 0]),
                np.array([self._w / 2, self._floor_y, 0]),
                stroke_color=theme.OUTLINE,
                stroke_width=theme.STROKE_THIN,
            )
            title = label(self._title, theme.SMALL, theme.MUTED)
            title.move_to(np.array([0, -self._h / 2 + title.height / 2, 0]))
            parts.update(pieces("floor", VGroup(floor, title)))
        frames = self.state.frames
        # when overflowed, the banner takes two slots above the frames
        slots = self.max_visible - 2 if self.state.overflowed else self.max_visible
        shown, hidden = collapse_plan(len(frames), slots)
        slot = 0
        for i in shown:
            if hidden and slot == 1:
                parts.update(pieces("more", self._more(hidden, self._slot_y(slot))))
                slot += 1
            card = self._card(frames[i], self._slot_y(slot), i == len(frames) - 1)
            parts.update(pieces(("frame", frames[i].uid), card))
            slot += 1
        if self.state.overflowed:
            parts.update(pieces("banner", self._banner(slot)))
        return {k: self._place(m) for k, m in parts.items()}

    def _sync(self, drop: bool = True) -> Changes:
        """Redraw; new pieces drop in from above (``drop``) or fade in where they are."""
        return self._parts.sync(
            self._build(),
            enter_shift=0.3 * DOWN * self._scale() if drop else ORIGIN,
            exit_shift=0.3 * UP * self._scale(),
        )

    # -- read-only helpers ------------------------------------------------------------
    @property
    def hidden(self) -> int:
        """How many frames are collapsed into the "… N more frames" marker."""
        slots = self.max_visible - 2 if self.state.overflowed else self.max_visible
        return collapse_plan(self.state.depth, slots)[1]

    def frame_mobject(self, index: int = -1) -> Mobject:
        """The card of frame ``index`` (``-1``: the running frame), for pointing at."""
        if not self.state.frames:
            raise ValueError("the call stack is empty")
        frame = self.state.frames[index]
        mob = self._parts.get(("frame", frame.uid))
        if mob is None:
            raise ValueError(f"frame {index} ({frame.name}) is collapsed out of view")
        return mob

    # -- verbs ---------------------------------------------------------------------
    def push(
        self, name: str, args: object = None, *, locals: Mapping[str, object] | None = None
    ) -> Animation:
        """Call ``name(args)``: a new card drops onto the stack.

        At the depth limit this returns the :meth:`overflow` animation instead
        (the model is marked overflowed).
        """
        try:
            self.state.push(name, args, locals)
        except StackOverflow:
            return self.overflow()
        ch = self._sync()
        return group(self, ch.all())

    def push_many(self, calls: Iterable[tuple[str, object]], lag_ratio: float = 0.15) -> Animation:
        """Push several calls at once (``[("fact", {"n": 3}), ("fact", {"n": 2})]``).

        Cards drop in one after another; hitting the depth limit stops there
        and shows the overflow banner.
        """
        calls = list(calls)
        if not calls:
            raise ValueError("push_many needs at least one call")
        for name, args in calls:
            try:
                self.state.push(name, args)
            except StackOverflow:
                break
        ch = self._sync()
        new_frames = sorted((g for g in ch.groups("entering") if isinstance(g, tuple)), key=lambda g: g[1])
        drops = together([together(ch.of(g)) for g in new_frames], lag_ratio=lag_ratio)
        return group(self, [*ch.besides("banner", *new_frames), drops], ch.of("banner"))

    def set_local(self, name: str, value: object) -> Animation:
        """Set a local variable of the running frame."""
        self.state.set_local(name, value)
        return group(self, self._sync().all())

    def pop(self, return_value: object = NO_VALUE, *, into: str | None = None) -> Animation:
        """Return from the running frame; ``return_value`` travels down into the caller's card.

        With ``into`` the caller also stores it as a local of that name.
        """
        if not self.state.frames:
            raise ValueError("cannot pop an empty call stack")
        top_key = ("frame", self.state.top.uid)
        start = self._corner_spot(self._parts.piece(top_key, "box")) if top_key in self._parts else None
        self.state.pop(return_value, into)
        ch = self._sync(drop=False)  # the caller's new value and locals fade in in place, below its header
        if return_value is NO_VALUE or not self.state.frames or start is None:
            return group(self, ch.all())
        caller_key = ("frame", self.state.top.uid)
        chip = label(fmt_value(return_value), theme.LABEL, theme.GREEN, mono=True, weight="BOLD")
        chip.scale(self._scale())
        end = self._corner_spot(self._parts.piece(caller_key, "box"))
        move = self._parts.transient(chip, travel(start, end))
        # the caller's header makes room first, then the received value and locals appear (no overlap)
        moved = [a for k, a in [*ch.leaving.items(), *ch.changed.items()] if k[0] == caller_key]
        added = [a for k, a in ch.entering.items() if k[0] == caller_key]
        return group(self, [move, *ch.besides(caller_key)], moved, added)

    def _corner_spot(self, box: Mobject) -> np.ndarray:
        """Where a return value sits on a card: near its top right corner."""
        return box.get_corner(UP + RIGHT) + self._scale() * np.array([-0.45, -0.3, 0.0])

    def overflow(self) -> Animation:
        """The ``RecursionError`` moment: the cards turn red and a banner drops in."""
        self.state.overflow()
        ch = self._sync()
        return group(self, ch.besides("banner"), ch.of("banner"))

    def unwind(self, to_depth: int = 0) -> Animation:
        """An exception propagates: frames above ``to_depth`` leave, newest first; the banner goes."""
        self.state.unwind(to_depth)
        ch = self._sync()
        gone = sorted((g for g in ch.groups("leaving") if isinstance(g, tuple)), key=lambda g: -g[1])
        leaving = together([together(ch.of(g)) for g in gone], lag_ratio=0.2)
        return group(self, [leaving, *ch.besides(*gone)])


__all__ = [
    "CallStack",
    "CallStackState",
    "Frame",
    "StackOverflow",
    "collapse_plan",
]

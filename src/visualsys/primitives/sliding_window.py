"""Window rate limiters: :class:`SlidingWindowState` (fixed, sliding log, sliding counter) and its drawing.

Three classic ways to allow at most ``limit`` requests per ``window`` seconds:

``"fixed"``
    Count requests in aligned windows ``[k*w, (k+1)*w)``; the count resets at
    each boundary. Cheap, but a burst at the end of one window and another at
    the start of the next lets ``2 * limit`` through within a few moments.
``"sliding"``
    Keep a log of accepted requests; allow if fewer than ``limit`` fall in the
    last ``window`` seconds, ``(t - w, t]``. Exact, costs memory.
``"counter"``
    The sliding-window counter: estimate the last ``window`` seconds as the
    previous fixed window's count weighted by how much of it still overlaps,
    plus the current window's count.

Only accepted requests count towards the limit. Times are exact fractions (a
float goes through its shortest repr), so boundaries behave as written.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Circle,
    DashedLine,
    Line,
    ManimColor,
    Rectangle,
    VectorizedPoint,
    VGroup,
    VMobject,
)

from .. import theme
from .pool import Area, KeyedPool, Spec, hexc, r6, steps, validate_size
from .text import text
from .token_bucket import Number, _exact  # the same exact-time maths as the bucket

Mode = Literal["fixed", "sliding", "counter"]
MODES: tuple[Mode, ...] = ("fixed", "sliding", "counter")

#: Times, rates and levels: any real number; floats go through their shortest repr, so 0.1 is 1/10.

# -- model (no Manim) ----------------------------------------------------------


@dataclass(frozen=True)
class WindowRequest:
    """One request the limiter decided on.

    Attributes
    ----------
    time
        Arrival time.
    n
        Units it asked for (usually 1).
    accepted
        Whether it was let through (otherwise: 429).
    used
        What the limiter counted just before deciding (for ``"counter"`` the
        weighted estimate, possibly fractional).
    """

    time: float
    n: int
    accepted: bool
    used: float


class SlidingWindowState:
    """A window rate limiter: at most ``limit`` requests per ``window`` seconds.

    Parameters
    ----------
    limit
        Requests allowed per window (a positive integer).
    window
        Window length in seconds (> 0).
    mode
        ``"fixed"``, ``"sliding"`` (the sliding log) or ``"counter"`` (the
        sliding-window counter); see the module docstring.
    start
        Where the clock starts; fixed windows are aligned to it.

    Examples
    --------
    The fixed window's boundary problem, and the sliding log refusing it:

    >>> burst = [9.5, 9.6, 9.7, 9.8, 9.9, 10.0, 10.1, 10.2, 10.3, 10.4]
    >>> sum(SlidingWindowState(5, 10, mode="fixed").feed(burst))
    10
    >>> sum(SlidingWindowState(5, 10, mode="sliding").feed(burst))
    5
    """

    def __init__(self, limit: int, window: Number, *, mode: Mode = "sliding", start: Number = 0.0) -> None:
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise ValueError(f"limit must be a whole number of requests, got {limit!r}")
        if limit <= 0:
            raise ValueError(f"limit must be > 0, got {limit}")
        w = _exact(window, "window")
        if w <= 0:
            raise ValueError(f"window must be > 0, got {window}")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self.limit = limit
        self.mode: Mode = mode
        self._w = w
        self._origin = _exact(start, "start")
        self._now = self._origin
        self._acc_times: list[Fraction] = []  # accepted arrivals, sorted
        self._acc_cum: list[int] = [0]  # _acc_cum[i] = units accepted in the first i arrivals
        self.requests: list[WindowRequest] = []

    # -- reading -----------------------------------------------------------------
    @property
    def window(self) -> float:
        """Window length in seconds."""
        return float(self._w)

    @property
    def now(self) -> float:
        """The limiter's clock (the last request or :meth:`advance_to`)."""
        return float(self._now)

    @property
    def exact_now(self) -> Fraction:
        """The clock as an exact fraction."""
        return self._now

    @property
    def accepted(self) -> list[float]:
        """Arrival times of the accepted requests."""
        return [r.time for r in self.requests if r.accepted]

    def _units(self, lo: Fraction, hi: Fraction, *, lo_open: bool, hi_open: bool) -> int:
        """Accepted units with arrival in the interval from ``lo`` to ``hi``."""
        i = (bisect_right if lo_open else bisect_left)(self._acc_times, lo)
        j = (bisect_left if hi_open else bisect_right)(self._acc_times, hi)
        return self._acc_cum[j] - self._acc_cum[i] if j > i else 0

    def _index(self, t: Fraction) -> int:
        return math.floor((t - self._origin) / self._w)

    def window_bounds(self, t: Number | None = None) -> tuple[float, float]:
        """The window a request at ``t`` (default: now) is judged in.

        ``"fixed"``: the aligned window ``[start, end)`` containing ``t``;
        otherwise the trailing window ``(t - window, t]``.
        """
        te = self._now if t is None else _exact(t, "t")
        if self.mode == "fixed":
            s = self._origin + self._index(te) * self._w
            return float(s), float(s + self._w)
        return float(te - self._w), float(te)

    def usage(self, t: Number | None = None) -> Fraction:
        """What the limiter counts at ``t`` (default: now), before any request there is decided."""
        te = self._now if t is None else _exact(t, "t")
        if self.mode == "sliding":
            return Fraction(self._units(te - self._w, te, lo_open=True, hi_open=False))
        k = self._index(te)
        start = self._origin + k * self._w
        cur = self._units(start, te, lo_open=False, hi_open=False)
        if self.mode == "fixed":
            return Fraction(cur)
        prev = self._units(start - self._w, start, lo_open=False, hi_open=True)
        return prev * (1 - (te - start) / self._w) + cur

    def counter_parts(self, t: Number | None = None) -> tuple[int, float, int]:
        """``(previous window count, its weight, current window count)`` of the counter estimate at ``t``."""
        te = self._now if t is None else _exact(t, "t")
        start = self._origin + self._index(te) * self._w
        prev = self._units(start - self._w, start, lo_open=False, hi_open=True)
        cur = self._units(start, te, lo_open=False, hi_open=False)
        return prev, float(1 - (te - start) / self._w), cur

    def would_allow(self, t: Number | None = None, n: int = 1) -> bool:
        """Whether a request of ``n`` units at ``t`` (default: now) would be accepted; changes nothing."""
        return self.usage(t) + n <= self.limit

    def accepted_between(self, a: Number, b: Number) -> int:
        """Accepted units with arrival time in ``[a, b]`` (both ends included)."""
        return self._units(_exact(a, "a"), _exact(b, "b"), lo_open=False, hi_open=False)

    def max_in_any_window(self, length: Number | None = None) -> int:
        """The most accepted units inside any span ``(t - length, t]`` (default length: the window)."""
        ln = self._w if length is None else _exact(length, "length")
        best = 0
        for e in self._acc_times:
            best = max(best, self._units(e - ln, e, lo_open=True, hi_open=False))
        return best

    # -- changing ----------------------------------------------------------------------
    def advance_to(self, t: Number) -> None:
        """Move the clock to ``t`` (not earlier than now)."""
        te = _exact(t, "t")
        if te < self._now:
            raise ValueError(
                f"t={t} is before the limiter's clock ({self.now}); requests must arrive in time order"
            )
        self._now = te

    def request_at(self, t: Number, n: int = 1) -> bool:
        """A request of ``n`` units arrives at ``t``: record and return whether it is accepted."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a whole number >= 1, got {n!r}")
        self.advance_to(t)
        used = self.usage()
        ok = used + n <= self.limit
        if ok:
            self._acc_times.append(self._now)
            self._acc_cum.append(self._acc_cum[-1] + n)
        self.requests.append(WindowRequest(self.now, n, ok, float(used)))
        return ok

    def request(self, n: int = 1) -> bool:
        """A request of ``n`` units arrives now."""
        return self.request_at(self._now, n)

    def feed(self, times: Sequence[Number], n: int = 1) -> list[bool]:
        """One request at each of ``times`` (non-decreasing); return the decisions."""
        return [self.request_at(t, n) for t in times]


# -- the drawing ----------------------------------------------------------------

_TITLES = {"fixed": "Fixed window", "sliding": "Sliding window log", "counter": "Sliding window counter"}
# Layout of the 6 x 4 design box, in units from its top-left corner (y down).
_X0, _X1 = 0.3, 5.7  # time axis
_AXIS_Y = 3.35
_TOP = 1.5  # top of the dot area / window band
_MARK_Y = 1.2  # span marker bracket
_DOT_R, _ROW = 0.07, 0.165


class SlidingWindow(VGroup):
    """Requests as dots on a time axis, coloured accepted/rejected, under the limiter's window.

    The window is a translucent band: it slides with the clock (``"sliding"``
    and ``"counter"``) or jumps from one aligned window to the next
    (``"fixed"``, whose boundaries are dashed). A readout shows what the
    limiter counts. :meth:`mark_span` brackets any stretch of time with its
    accepted count: the way to show the fixed window's 2x boundary burst.

    Parameters
    ----------
    state
        The model to draw (it is changed by the verbs); or give ``limit``,
        ``window`` and ``mode`` to make one.
    limit, window, mode
        Used when ``state`` is ``None``.
    span
        Seconds of timeline shown (default: three windows); the view scrolls a
        window at a time when the clock passes its end.
    width, height
        Size of the drawing; the layout is designed for 6 x 4 and scaled
        uniformly to fit.
    title
        Caption (default: the mode's name; ``None`` for none).
    step_time
        Seconds one request takes to animate.

    Examples
    --------
    .. code-block:: python

        class Boundary(ExplainerScene):
            def construct(self):
                fixed = SlidingWindow(limit=5, window=10, mode="fixed")
                self.add(fixed)
                self.play(fixed.burst(5, start=9.5, spacing=0.1))
                self.play(fixed.burst(5, start=10.0, spacing=0.1))  # a new window: all 5 pass
                self.play(fixed.mark_span(9.5, 10.4))               # "10 in 0.9 s"
    """

    def __init__(
        self,
        state: SlidingWindowState | None = None,
        *,
        limit: int = 5,
        window: Number = 10.0,
        mode: Mode = "sliding",
        span: float | None = None,
        width: float = 6.0,
        height: float = 4.0,
        title: str | None = "",
        step_time: float = 0.6,
        **kwargs,
    ) -> None:
        validate_size(width, height)
        if step_time <= 0:
            raise ValueError(f"step_time must be > 0, got {step_time}")
        self.state = state if state is not None else SlidingWindowState(limit, window, mode=mode)
        w = self.state.window
        self.span = 3 * w if span is None else float(span)
        if self.span < w:
            raise ValueError(f"span must be at least one window ({w:g} s), got {span}")
        super().__init__(**kwargs)
        self.step_time = step_time
        self.last_decisions: list[bool] = []
        self.area = Area(self, 6.0, 4.0)
        self._v0 = (
            float(self.state.window_bounds(self.state.now)[0])
            if self.state.mode == "fixed"
            else self.state.now
        )
        self._v0 = min(self._v0, self.state.now)
        self._rows: dict[int, tuple[int, int]] = {}  # request index -> (time column, stacking row)
        self._bins: dict[int, int] = {}  # time column -> dots stacked in it
        self._marks: list[tuple[float, float, str]] = []
        self._build_static("" if title is None else (title or _TITLES[self.state.mode]))
        self._pool = KeyedPool(self, self._build)
        self._scroll()
        for i in range(len(self.state.requests)):
            self._stack(i)
        self._pool.place(self._specs())
        scale = min(width / 6.0, height / 4.0)
        if abs(scale - 1) > 1e-9:
            self.scale(scale)

    # -- read-only helpers ----------------------------------------------------
    def point_at(self, t: Number) -> VMobject:
        """An invisible point on the time axis at time ``t`` (for a callout to point at)."""
        return VectorizedPoint(self.area.at(self._x(t), _AXIS_Y))

    def request_mobject(self, i: int) -> VMobject:
        """The dot of request ``i`` (0-based, in arrival order), if it is in view."""
        return self._pool.items[("req", i)]

    @property
    def window_band(self) -> VMobject:
        """The translucent window band."""
        return self._pool.items["band"]

    # -- layout -------------------------------------------------------------------
    def _x(self, t: Number) -> float:
        return _X0 + (t - self._v0) / self.span * (_X1 - _X0)

    def _build_static(self, title: str) -> None:
        a = self.area
        parts = VGroup()
        if title:
            parts.add(
                text(title, theme.LABEL, theme.TEXT, weight="BOLD").next_to(a.at(0.05, 0.2), RIGHT, buff=0)
            )
        sub = text(f"limit {self.state.limit} per {self.state.window:g} s", theme.SMALL, theme.MUTED)
        parts.add(sub.next_to(a.at(5.95, 0.62), LEFT, buff=0))
        parts.add(
            Line(a.at(_X0 - 0.1, _AXIS_Y), a.at(_X1 + 0.1, _AXIS_Y)).set_stroke(
                theme.OUTLINE, theme.STROKE_THIN
            )
        )
        self.add(parts)

    def _bin_width(self) -> float:
        """Seconds per dot column: about one dot wide, and a whole number of columns per window.

        Whole columns per window keep every window boundary between two
        columns, so a burst straddling a boundary shows as two stacks.
        """
        w = self.state.window
        pitch = (2 * _DOT_R + 0.02) * self.span / (_X1 - _X0)
        return w / max(1, math.floor(w / pitch))

    def _stack(self, i: int) -> None:
        """Put request ``i`` on top of the stack of its time column."""
        b = math.floor((self.state.requests[i].time - float(self.state._origin)) / self._bin_width() + 1e-9)
        row = self._bins.get(b, 0)
        self._bins[b] = row + 1
        max_rows = int((_AXIS_Y - _TOP - 0.1) // _ROW)
        self._rows[i] = (b, min(row, max_rows - 1))

    def _scroll(self) -> bool:
        """Move the view a window at a time until the clock is in it; return whether it moved."""
        moved = False
        w = self.state.window
        while self.state.now > self._v0 + self.span + 1e-9:
            self._v0 += w
            moved = True
        if moved:  # rows were chosen in the old view: re-stack what is still visible
            self._rows, self._bins = {}, {}
            for i, r in enumerate(self.state.requests):
                if r.time >= self._v0 - 1e-9:
                    self._stack(i)
        return moved

    def _label_step(self) -> float:
        w = self.state.window
        step = w
        while step / self.span * (_X1 - _X0) < 0.9:
            step += w
        return step

    def _readout(self, upto: int, clock: float) -> Spec:
        """The readout's spec with the first ``upto`` requests decided and the clock at ``clock``.

        The drawing lags the model by at most the request being animated, so
        ``upto`` is either every request or all but the last (whose recorded
        ``used`` is the count before it was decided).
        """
        st = self.state
        if upto == len(st.requests):
            used = float(st.usage(clock))
            prev, weight, cur = st.counter_parts(clock)
        else:
            last = st.requests[-1]
            used = last.used
            prev, weight, cur = st.counter_parts(last.time)
            cur -= last.n if last.accepted else 0
        color = theme.RED if used + 1 > st.limit else theme.BLUE
        if st.mode == "fixed":
            words, value = "this window:", f"{used:g} / {st.limit}"
        elif st.mode == "sliding":
            words, value = f"last {st.window:g} s:", f"{used:g} / {st.limit}"
        else:
            words, value = f"{prev} × {weight:.2f} + {cur} =", f"{used:.1f} / {st.limit}"
        return (words, value, hexc(color))

    def _specs(self, upto: int | None = None, clock: float | None = None) -> dict[Hashable, Spec]:
        """Specs of every moving part with the first ``upto`` requests drawn and the clock at ``clock``."""
        st = self.state
        upto = len(st.requests) if upto is None else upto
        if upto < len(st.requests) - 1:
            raise ValueError("the drawing can lag the model by one request at most")
        clock = st.now if clock is None else clock
        v1 = self._v0 + self.span
        out: dict[Hashable, Spec] = {}
        lo, hi = st.window_bounds(clock)
        out["band"] = (r6(self._x(max(lo, self._v0))), r6(self._x(min(hi, v1))))
        out["now"] = (r6(self._x(clock)),)
        w, origin = st.window, float(st._origin)
        if st.mode != "sliding":
            k = math.ceil((self._v0 - origin) / w - 1e-9)
            while origin + k * w <= v1 + 1e-9:
                b = origin + k * w
                out[("boundary", r6(b))] = (r6(self._x(b)),)
                k += 1
        step = self._label_step()
        k = math.ceil((self._v0 - origin) / step - 1e-9)
        while origin + k * step <= v1 + 1e-9:
            lab = origin + k * step
            last = lab + step > v1 + 1e-9
            out[("tick", r6(lab))] = (f"{lab:g}" + (" s" if last else ""), r6(self._x(lab)), last)
            k += 1
        for i in range(upto):
            r = st.requests[i]
            if r.time < self._v0 - 1e-9:
                continue
            col, row = self._rows[i]
            t = float(st._origin) + (col + 0.5) * self._bin_width()
            out[("req", i)] = (r6(self._x(t)), r6(_AXIS_Y - 0.1 - _DOT_R - row * _ROW), r.accepted)
        out["readout"] = self._readout(upto, clock)
        bw = self._bin_width()
        for j, (a, b, caption) in enumerate(self._marks):  # widened to the dot columns they cover
            a = origin + math.floor((a - origin) / bw + 1e-9) * bw
            b = origin + (math.floor((b - origin) / bw + 1e-9) + 1) * bw
            out[("mark", j)] = (r6(self._x(max(a, self._v0))), r6(self._x(min(b, v1))), caption)
        return out

    def _build(self, key: Hashable, spec: Spec) -> VMobject:
        a = self.area
        kind = key[0] if isinstance(key, tuple) else key
        if kind == "band":
            x0, x1 = spec
            band = Rectangle(
                width=max(0.02, x1 - x0),
                height=_AXIS_Y - _TOP + 0.05,
                stroke_color=theme.BLUE,
                stroke_width=theme.STROKE_THIN,
                fill_color=theme.BLUE,
                fill_opacity=0.14,
            )
            return a.fit(band).move_to(a.at((x0 + x1) / 2, (_TOP + _AXIS_Y) / 2 - 0.02))
        if kind == "now":
            x = spec[0]
            return Line(a.at(x, _AXIS_Y - 0.12), a.at(x, _AXIS_Y + 0.12)).set_stroke(
                theme.YELLOW, theme.STROKE
            )
        if kind == "boundary":
            x = spec[0]
            line = DashedLine(a.at(x, _TOP - 0.05), a.at(x, _AXIS_Y), dash_length=0.08 * a.unit)
            return line.set_stroke(theme.MUTED, theme.STROKE_THIN, opacity=0.7)
        if kind == "tick":
            words, x, last = spec
            t = a.fit(text(words, theme.SMALL, theme.MUTED, mono=True))
            t.next_to(a.at(x, _AXIS_Y + 0.1), DOWN, buff=0.05)
            if last:  # the last label carries the unit: keep it inside the box
                t.align_to(a.at(min(x + t.width / 2 / a.unit, 5.95), 0), RIGHT)
            return t
        if kind == "req":
            x, y, ok = spec
            dot = Circle(
                radius=_DOT_R, stroke_width=0, fill_color=theme.GREEN if ok else theme.RED, fill_opacity=1
            )
            return a.fit(dot).move_to(a.at(x, y))
        if kind == "readout":
            words, value, color = spec
            row = VGroup(
                text(words, theme.SMALL, theme.MUTED), text(value, theme.LABEL, ManimColor(color), mono=True)
            )
            return a.fit(row.arrange(RIGHT, buff=0.15).next_to(a.at(0.05, 0.62), RIGHT, buff=0))
        # a span mark
        xs, xe, caption = spec
        bracket = VMobject(stroke_color=theme.YELLOW, stroke_width=theme.STROKE_THIN)
        bracket.set_points_as_corners(
            [a.at(xs, _MARK_Y + 0.12), a.at(xs, _MARK_Y), a.at(xe, _MARK_Y), a.at(xe, _MARK_Y + 0.12)]
        )
        label = a.fit(text(caption, theme.SMALL, theme.YELLOW))
        label.next_to(a.at((xs + xe) / 2, _MARK_Y), UP, buff=0.06)
        left, right = a.at(0.05, 0)[0], a.at(5.95, 0)[0]  # keep the caption inside the box
        if label.get_left()[0] < left:
            label.shift((left - label.get_left()[0]) * RIGHT)
        if label.get_right()[0] > right:
            label.shift((right - label.get_right()[0]) * RIGHT)
        return VGroup(bracket, label)

    def _origin(self, key: Hashable, target: VMobject) -> VMobject | None:
        """New request dots drop in from above."""
        if isinstance(key, tuple) and key[0] == "req":
            return target.copy().shift(self.area.unit * 0.6 * UP).set_opacity(0)
        return None

    def _sync(self, upto: int | None = None, clock: float | None = None) -> list[Animation]:
        return self._pool.sync(self._specs(upto, clock), origin=self._origin)

    # -- verbs ---------------------------------------------------------------------------
    def feed(self, times: Sequence[Number], n: int = 1) -> Animation:
        """One request of ``n`` units at each of ``times`` (non-decreasing); decisions in ``last_decisions``.

        For each request the clock (and the window) moves to its time, then
        its dot drops in, green if accepted and red if rejected.
        """
        if len(times) == 0:
            raise ValueError("times must not be empty")
        stages: list[list[Animation]] = []
        self.last_decisions = []
        for t in times:
            i = len(self.state.requests)
            self.last_decisions.append(self.state.request_at(t, n))
            if not self._scroll():
                self._stack(i)
            stages.append(self._sync(upto=i, clock=self.state.requests[i].time))
            stages.append(self._sync(upto=i + 1))
        half = self.step_time / 2
        return steps(self, stages, [half] * len(stages), self._pool.prune)

    def burst(
        self, count: int, *, start: Number | None = None, spacing: Number = 0.1, n: int = 1
    ) -> Animation:
        """``count`` requests ``spacing`` seconds apart, from ``start`` (default: now)."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"count must be a whole number >= 1, got {count!r}")
        sp = _exact(spacing, "spacing")
        if sp < 0:
            raise ValueError(f"spacing must be >= 0, got {spacing}")
        t0 = self.state.exact_now if start is None else _exact(start, "start")
        return self.feed([t0 + i * sp for i in range(count)], n)

    def request(self, n: int = 1) -> Animation:
        """One request of ``n`` units now."""
        return self.feed([self.state.exact_now], n)

    def advance(self, t: Number) -> Animation:
        """Move the clock to ``t``: the window slides (or, fixed, jumps to the window holding ``t``)."""
        self.state.advance_to(t)
        self._scroll()
        return steps(self, [self._sync()], [self.step_time], self._pool.prune)

    def tick(self, dt: Number) -> Animation:
        """Let ``dt`` seconds pass (see :meth:`advance`)."""
        d = _exact(dt, "dt")
        if d < 0:
            raise ValueError(f"dt must be >= 0, got {dt}")
        return self.advance(self.state.exact_now + d)

    def mark_span(self, a: Number, b: Number, caption: str | None = None) -> Animation:
        """Bracket ``[a, b]`` above the dots with its accepted count, e.g. ``"10 accepted in 0.9 s"``."""
        if b < a:
            raise ValueError(f"a span must not end before it starts, got {a}..{b}")
        if caption is None:
            caption = f"{self.state.accepted_between(a, b)} accepted in {float(b) - float(a):.2g} s"
        self._marks.append((float(a), float(b), caption))
        return steps(self, [self._sync()], [self.step_time], self._pool.prune)

    def clear_marks(self) -> Animation:
        """Remove every span bracket."""
        self._marks.clear()
        return steps(self, [self._sync()], [self.step_time], self._pool.prune)

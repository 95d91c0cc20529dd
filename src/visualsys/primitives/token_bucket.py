"""Token bucket: a :class:`TokenBucketState` that really refills and rations, and its drawing.

The model keeps exact arithmetic (``fractions.Fraction``): a refill of 0.1 s
at 1 token/s ten times gives exactly one token. Whole tokens are what the
viewer sees as dots; the fraction keeps accumulating underneath.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from numbers import Rational, Real

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Arrow,
    Circle,
    Line,
    ManimColor,
    RoundedRectangle,
    VGroup,
    VMobject,
)

from .. import theme
from .pool import Area, KeyedPool, Spec, hexc, r6, steps, validate_size
from .text import text

#: Times, rates and levels: any real number; floats go through their shortest repr, so 0.1 is 1/10.
Number = float | Fraction

# -- model (no Manim) ----------------------------------------------------------


def _exact(x: Number, name: str) -> Fraction:
    """``x`` as an exact fraction (floats through their shortest repr, so 0.1 is 1/10)."""
    if isinstance(x, bool) or not isinstance(x, Real):
        raise ValueError(f"{name} must be a number, got {x!r}")
    if isinstance(x, Rational):
        return Fraction(x.numerator, x.denominator)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {x}")
    return Fraction(repr(float(x)))


@dataclass(frozen=True)
class TokenRequest:
    """One request the bucket decided on.

    Attributes
    ----------
    time
        When it arrived (the bucket's clock).
    n
        Tokens it asked for.
    accepted
        Whether it got them (otherwise: 429).
    tokens_before, tokens_after
        The bucket's level around the decision.
    """

    time: float
    n: int
    accepted: bool
    tokens_before: float
    tokens_after: float


class TokenBucketState:
    """A token bucket: holds up to ``capacity`` tokens, refills at ``refill_rate`` tokens a second.

    A request for ``n`` tokens is accepted if the bucket holds at least ``n``
    (they are taken), otherwise rejected and nothing is taken. The level never
    exceeds ``capacity``; refill accumulates fractions exactly.

    Parameters
    ----------
    capacity
        Maximum number of tokens (the burst size), a positive integer.
    refill_rate
        Tokens added per second (> 0).
    tokens
        Starting level (default: full).
    start
        Starting time on the bucket's clock, in seconds.

    Attributes
    ----------
    history
        ``(time, tokens)`` samples, one at every change, including the moment
        refill reaches capacity: joined with straight lines they are the exact
        token level over time.
    log
        Every :class:`TokenRequest`, in order.

    Examples
    --------
    >>> b = TokenBucketState(capacity=3, refill_rate=1)
    >>> [b.request() for _ in range(4)]
    [True, True, True, False]
    >>> b.tick(0.5)  # half a token: nothing to see yet
    0
    >>> b.whole, b.tokens
    (0, 0.5)
    >>> b.tick(0.5), b.request()
    (1, True)
    """

    def __init__(
        self, capacity: int, refill_rate: Number, *, tokens: Number | None = None, start: Number = 0.0
    ) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int):
            raise ValueError(f"capacity must be a whole number of tokens, got {capacity!r}")
        if capacity <= 0:
            raise ValueError(f"capacity must be > 0, got {capacity}")
        rate = _exact(refill_rate, "refill_rate")
        if rate <= 0:
            raise ValueError(f"refill_rate must be > 0, got {refill_rate}")
        level = Fraction(capacity) if tokens is None else _exact(tokens, "tokens")
        if not 0 <= level <= capacity:
            raise ValueError(f"tokens must be between 0 and capacity ({capacity}), got {tokens}")
        self.capacity = capacity
        self._rate = rate
        self._tokens = level
        self._time = _exact(start, "start")
        self.history: list[tuple[float, float]] = [(float(self._time), float(level))]
        self.log: list[TokenRequest] = []

    # -- reading -----------------------------------------------------------------
    @property
    def refill_rate(self) -> float:
        """Tokens added per second."""
        return float(self._rate)

    @property
    def tokens(self) -> float:
        """The exact level, fractions included."""
        return float(self._tokens)

    @property
    def exact_tokens(self) -> Fraction:
        """The level as an exact fraction."""
        return self._tokens

    @property
    def whole(self) -> int:
        """Whole tokens available: what the drawing shows as dots."""
        return math.floor(self._tokens)

    @property
    def time(self) -> float:
        """The bucket's clock, in seconds."""
        return float(self._time)

    @property
    def exact_time(self) -> Fraction:
        """The bucket's clock as an exact fraction."""
        return self._time

    def time_until(self, n: int = 1) -> float:
        """Seconds until ``n`` tokens are available (0 if they are now; ``inf`` if ``n > capacity``).

        This is what a ``Retry-After`` header would say.
        """
        if n > self.capacity:
            return math.inf
        missing = n - self._tokens
        return 0.0 if missing <= 0 else float(missing / self._rate)

    # -- changing ----------------------------------------------------------------------
    def tick(self, dt: Number) -> int:
        """Let ``dt`` seconds pass, refilling; return how many whole tokens appeared."""
        d = _exact(dt, "dt")
        if d < 0:
            raise ValueError(f"dt must be >= 0, got {dt}")
        if d == 0:
            return 0
        before = self.whole
        end = self._time + d
        if self._tokens < self.capacity:
            full_at = self._time + (self.capacity - self._tokens) / self._rate
            if full_at < end:
                self._tokens = Fraction(self.capacity)
                self.history.append((float(full_at), float(self.capacity)))
            else:
                self._tokens += self._rate * d
        self._time = end
        self.history.append((float(end), float(self._tokens)))
        return self.whole - before

    def advance_to(self, t: Number) -> int:
        """Move the clock to time ``t`` (not earlier than now), refilling; return tokens added."""
        te = _exact(t, "t")
        if te < self._time:
            raise ValueError(f"t={t} is before the bucket's clock ({self.time}); time only moves forward")
        return self.tick(te - self._time)

    def request(self, n: int = 1) -> bool:
        """Ask for ``n`` tokens now: take them and return ``True``, or return ``False`` (429)."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a whole number >= 1, got {n!r}")
        before = self._tokens
        accepted = before >= n
        if accepted:
            self._tokens -= n
            self.history.append((self.time, float(self._tokens)))
        self.log.append(TokenRequest(self.time, n, accepted, float(before), float(self._tokens)))
        return accepted

    def request_at(self, t: Number, n: int = 1) -> bool:
        """Advance the clock to ``t``, then :meth:`request` ``n`` tokens."""
        self.advance_to(t)
        return self.request(n)

    def feed(self, times: Sequence[Number], n: int = 1) -> list[bool]:
        """One request of ``n`` tokens at each of ``times`` (non-decreasing); return the decisions."""
        return [self.request_at(t, n) for t in times]


# -- the drawing ----------------------------------------------------------------

# Layout of the 6 x 4 design box, in units from its top-left corner (y down).
_BUCKET_TOP, _BUCKET_BOTTOM = 1.15, 3.35
_BUCKET_X = (0.3, 0.5, 2.3, 2.5)  # top-left, bottom-left, bottom-right, top-right x
_INNER = (0.6, 2.2, 1.45, 3.25)  # x0, x1, y0, y1 of the token area
_CHIP_FROM, _CHIP_AT = (0.45, 0.62), (1.05, 0.95)
_DRIP = (1.85, 0.5, 0.95)  # x, y from, y to
_PLOT = (3.45, 5.85, 1.2, 3.1)  # x0, x1, y_top, y_bottom


class TokenBucket(VGroup):
    """A bucket of token dots that refills at a steady rate, beside a plot of its level over time.

    Requests drop in as chips: accepted ones take a token and leave green,
    rejected ones turn red and bounce back tagged ``429``. The line plot grows
    with every change (its time axis stretches when the clock passes its end).

    Parameters
    ----------
    state
        The model to draw (it is changed by the verbs); or give ``capacity``
        and ``refill_rate`` to make one.
    capacity, refill_rate
        Used when ``state`` is ``None``.
    width, height
        Size of the drawing; the layout is designed for 6 x 4 and scaled
        uniformly to fit.
    title
        Caption at the top left (``None`` for none).
    plot_seconds
        Length of the plot's time axis; it grows in these steps.
    step_time
        Seconds one request (or one refill) takes to animate.

    Examples
    --------
    .. code-block:: python

        class Refill(ExplainerScene):
            def construct(self):
                bucket = TokenBucket(capacity=5, refill_rate=1)
                self.add(bucket)
                self.play(bucket.burst(8, spacing=0.1))  # 5 accepted, 3 bounce as 429
                self.play(bucket.tick(3))                 # three tokens drip back in
    """

    def __init__(
        self,
        state: TokenBucketState | None = None,
        *,
        capacity: int = 10,
        refill_rate: Number = 1.0,
        width: float = 6.0,
        height: float = 4.0,
        title: str | None = "Token bucket",
        plot_seconds: float = 10.0,
        step_time: float = 0.8,
        **kwargs,
    ) -> None:
        validate_size(width, height)
        if plot_seconds <= 0:
            raise ValueError(f"plot_seconds must be > 0, got {plot_seconds}")
        if step_time <= 0:
            raise ValueError(f"step_time must be > 0, got {step_time}")
        self.state = state if state is not None else TokenBucketState(capacity, refill_rate)
        if self.state.capacity > 100:
            raise ValueError(f"capacity must be <= 100 to be drawn as dots, got {self.state.capacity}")
        super().__init__(**kwargs)
        self.plot_seconds = plot_seconds
        self.step_time = step_time
        #: Decisions of the requests of the last :meth:`feed` / :meth:`burst` / :meth:`request`.
        self.last_decisions: list[bool] = []
        self.area = Area(self, 6.0, 4.0)
        self._x_min = self.state.history[0][0]
        self._x_max = self._x_min + plot_seconds
        self._drawn = 1  # history samples already drawn
        self._piece_bounds: list[int] = []  # plot piece k ends at history sample _piece_bounds[k]
        self._requests = 0
        self.add(self._build_static(title))
        self._pool = KeyedPool(self, self._build)
        self._catch_up()
        self._pool.place(self._specs())
        scale = min(width / 6.0, height / 4.0)
        if abs(scale - 1) > 1e-9:
            self.scale(scale)

    # -- read-only helpers ----------------------------------------------------
    def token_mobject(self, i: int) -> VMobject:
        """The dot of the ``i``-th token from the bottom (0-based)."""
        return self._pool.items[("token", i)]

    @property
    def bucket(self) -> VMobject:
        """The bucket outline (to point a callout at)."""
        return self._bucket

    # -- layout -------------------------------------------------------------------
    def _slot(self, i: int) -> tuple[float, float, float]:
        """Centre ``(x, y)`` and radius of token slot ``i`` (filled bottom row first)."""
        cap = self.state.capacity
        x0, x1, y0, y1 = _INNER
        cols = max(1, math.ceil(math.sqrt(cap * (x1 - x0) / (y1 - y0))))
        rows = math.ceil(cap / cols)
        step = min((x1 - x0) / cols, (y1 - y0) / rows)
        r = min(0.15, 0.36 * step)
        row, col = divmod(i, cols)
        left = (x0 + x1) / 2 - cols * step / 2
        return left + (col + 0.5) * step, y1 - (row + 0.5) * step, r

    def _plot_point(self, t: Number, v: float) -> tuple[float, float]:
        x0, x1, yt, yb = _PLOT
        return (
            r6(x0 + (t - self._x_min) / (self._x_max - self._x_min) * (x1 - x0)),
            r6(yb - v / self.state.capacity * (yb - yt)),
        )

    def _build_static(self, title: str | None) -> VGroup:
        a = self.area
        parts = VGroup()
        if title:
            parts.add(
                text(title, theme.LABEL, theme.TEXT, weight="BOLD").next_to(a.at(0.05, 0.2), RIGHT, buff=0)
            )
        tl, bl, br, tr = _BUCKET_X
        self._bucket = VMobject(stroke_color=theme.BLUE, stroke_width=theme.STROKE)
        self._bucket.set_points_as_corners(
            [a.at(tl, _BUCKET_TOP), a.at(bl, _BUCKET_BOTTOM), a.at(br, _BUCKET_BOTTOM), a.at(tr, _BUCKET_TOP)]
        )
        x, y_from, y_to = _DRIP
        drip = Arrow(
            a.at(x, y_from),
            a.at(x, y_to),
            buff=0,
            stroke_width=theme.STROKE_THIN,
            color=theme.TEAL,
            max_tip_length_to_length_ratio=0.35,
        )
        rate = text(f"+{self.state.refill_rate:g}/s", theme.SMALL, theme.TEAL, mono=True)
        rate.next_to(drip, RIGHT, buff=0.12)
        x0, x1, yt, yb = _PLOT
        axes = VGroup(Line(a.at(x0, yt - 0.1), a.at(x0, yb)), Line(a.at(x0, yb), a.at(x1, yb)))
        axes.set_stroke(theme.OUTLINE, theme.STROKE_THIN)
        cap_line = Line(a.at(x0, yt), a.at(x1, yt)).set_stroke(theme.OUTLINE, 1, opacity=0.6)
        y_labels = VGroup(
            text(str(self.state.capacity), theme.SMALL, theme.MUTED, mono=True).next_to(
                a.at(x0, yt), LEFT, buff=0.12
            ),
            text("0", theme.SMALL, theme.MUTED, mono=True).next_to(a.at(x0, yb), LEFT, buff=0.12),
        )
        caption = text("tokens over time", theme.SMALL, theme.MUTED)
        caption.next_to(a.at((x0 + x1) / 2, yt - 0.2), UP, buff=0.05)
        parts.add(self._bucket, drip, rate, axes, cap_line, y_labels, caption)
        return parts

    def _specs(self, chips: dict[Hashable, Spec] | None = None) -> dict[Hashable, Spec]:
        """Specs of every moving part: token dots, readout, time labels, plot pieces, request chips."""
        out: dict[Hashable, Spec] = {}
        for i in range(self.state.whole):
            x, y, r = self._slot(i)
            out[("token", i)] = (r6(x), r6(y), r6(r))
        out["readout"] = (self.state.whole,)
        out["t0"] = (f"{self._x_min:g}",)
        out["t1"] = (f"{self._x_max:g} s",)
        hist = self.state.history
        start = 0
        for k, end in enumerate(self._piece_bounds):
            out[("piece", k)] = tuple(self._plot_point(*hist[m]) for m in range(start, end))
            start = end - 1
        out.update(chips or {})
        return out

    def _build(self, key: Hashable, spec: Spec) -> VMobject:
        a = self.area
        kind = key[0] if isinstance(key, tuple) else key
        x0, x1, _, yb = _PLOT
        if kind == "token":
            x, y, r = spec
            return a.fit(Circle(radius=r, stroke_width=0, fill_color=theme.YELLOW, fill_opacity=1)).move_to(
                a.at(x, y)
            )
        if kind == "readout":
            row = VGroup(
                text("tokens", theme.SMALL, theme.MUTED),
                text(f"{spec[0]} / {self.state.capacity}", theme.LABEL, theme.YELLOW, mono=True),
            )
            return a.fit(row.arrange(RIGHT, buff=0.15)).move_to(a.at(1.4, 3.72))
        if kind == "t0":
            return a.fit(text(spec[0], theme.SMALL, theme.MUTED, mono=True)).next_to(
                a.at(x0, yb), DOWN, buff=0.12
            )
        if kind == "t1":
            t1 = a.fit(text(spec[0], theme.SMALL, theme.MUTED, mono=True))
            return t1.next_to(a.at(x1, yb), DOWN, buff=0.12).align_to(a.at(x1 + 0.1, yb), RIGHT)
        if kind == "piece":
            line = VMobject(stroke_color=theme.BLUE, stroke_width=theme.STROKE)
            return line.set_points_as_corners([a.at(x, y) for x, y in spec])
        # a request chip
        x, y, color, tag, visible = spec
        box = RoundedRectangle(
            width=0.62, height=0.32, corner_radius=0.08, stroke_width=0, fill_color=color, fill_opacity=1
        )
        chip = VGroup(box, text("req", theme.SMALL, theme.BACKGROUND, mono=True).move_to(box))
        tag_text = text(tag or "429", theme.SMALL, theme.RED, mono=True, weight="BOLD").next_to(
            box, UP, buff=0.08
        )
        if tag is None:
            tag_text.set_opacity(0)
        a.fit(chip.add(tag_text)).shift(a.at(x, y) - box.get_center())
        return chip if visible else chip.set_opacity(0)

    # -- stage building ---------------------------------------------------------------
    def _catch_up(self) -> None:
        """Note the history samples the model added since the last drawing, as one new plot piece."""
        while self.state.time > self._x_max + 1e-9:
            self._x_max += self.plot_seconds
        if len(self.state.history) > self._drawn:
            self._drawn = len(self.state.history)
            self._piece_bounds.append(self._drawn)

    def _origin(self, key: Hashable, target: VMobject) -> VMobject | None:
        """Where new parts start: tokens at the drip, plot pieces as a point at their start."""
        if isinstance(key, tuple) and key[0] == "token":
            x, _, y_to = _DRIP
            return target.copy().move_to(self.area.at(x, y_to)).set_opacity(0)
        if isinstance(key, tuple) and key[0] == "piece":
            start = target.points[0]
            return target.copy().set_points_as_corners([start, start]).set_opacity(0)
        return None

    def _sync(self, chips: dict[Hashable, Spec] | None = None, end=None) -> list[Animation]:
        """Animate every moving part to the model."""
        self._catch_up()
        return self._pool.sync(self._specs(chips), origin=self._origin, end=end)

    @staticmethod
    def _chip(
        where: tuple[float, float], color: ManimColor, tag: str | None = None, visible: bool = True
    ) -> Spec:
        return (r6(where[0]), r6(where[1]), hexc(color), tag, visible)

    # -- verbs ---------------------------------------------------------------------------
    def tick(self, dt: Number) -> Animation:
        """Let ``dt`` seconds pass: tokens drip in (whole ones appear), the plot grows."""
        self.state.tick(dt)
        return steps(self, [self._sync()], [self.step_time], self._pool.prune)

    def request(self, n: int = 1) -> Animation:
        """A request for ``n`` tokens arrives now: it takes them, or bounces back as 429."""
        return self.feed([self.state.exact_time], n)

    def feed(self, times: Sequence[Number], n: int = 1) -> Animation:
        """One request of ``n`` tokens at each of ``times`` (the bucket's clock, non-decreasing).

        The decisions are kept in :attr:`last_decisions` (to drive a
        :class:`~visualsys.primitives.request_stream.RequestStream`, say).
        """
        if len(times) == 0:
            raise ValueError("times must not be empty")
        stages: list[list[Animation]] = []
        run_times: list[float] = []
        self.last_decisions = []
        st = self.step_time
        for t in times:
            self.state.advance_to(t)
            self._requests += 1
            key = ("chip", self._requests)
            # the chip arrives while any refill since the last request drips in
            arrive = self._sync(chips={key: self._chip(_CHIP_AT, theme.YELLOW)})
            self.state.request(n)
            req = self.state.log[-1]
            self.last_decisions.append(req.accepted)
            if req.accepted:  # the tokens jump into the chip, which turns green and leaves
                at = self.area.at(*_CHIP_AT)
                decide = self._sync(
                    chips={key: self._chip(_CHIP_AT, theme.GREEN)},
                    end=lambda k, last, at=at: last.move_to(at),
                )
                out = (_CHIP_AT[0] + 0.9, _CHIP_AT[1] - 0.45)
                leave = self._pool.sync({key: self._chip(out, theme.GREEN, visible=False)}, keep_missing=True)
            else:  # 429: the chip turns red and bounces back
                decide = self._pool.sync({key: self._chip(_CHIP_AT, theme.RED, "429")}, keep_missing=True)
                back = (_CHIP_FROM[0], _CHIP_FROM[1] + 0.15)
                leave = self._pool.sync(
                    {key: self._chip(back, theme.RED, "429", visible=False)}, keep_missing=True
                )
            self._pool.retire(key)
            stages += [arrive, decide, leave]
            run_times += [0.35 * st, 0.35 * st, 0.3 * st]
        return steps(self, stages, run_times, self._pool.prune)

    def burst(self, count: int, spacing: Number = 0.1, n: int = 1) -> Animation:
        """``count`` requests of ``n`` tokens, ``spacing`` seconds apart, the first one now."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"count must be a whole number >= 1, got {count!r}")
        sp = _exact(spacing, "spacing")
        if sp < 0:
            raise ValueError(f"spacing must be >= 0, got {spacing}")
        now = self.state.exact_time
        return self.feed([now + i * sp for i in range(count)], n)

"""A code listing with line numbers and a highlight on the executing line.

``CodeCursor`` is the model: the lines of the program, the line executing
now and the lines executed so far. ``CodePanel`` draws the code as one
Pango text (Pygments highlighting, coloured from :mod:`visualsys.theme`,
the mono font's programming ligatures switched off) in a panel, and moves
a highlight bar to the executing line. ``step(line, *anims)`` keeps the code
in step with another primitive, typically a :class:`~visualsys.primitives.call_stack.CallStack`::

    self.play(code.step(4, stack.push("fact", {"n": 2})))
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from html import escape
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    Line,
    ManimColor,
    MarkupText,
    Mobject,
    Rectangle,
    RoundedRectangle,
    VGroup,
)
from pygments.lexers import get_lexer_by_name
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String
from pygments.util import ClassNotFound

from .. import theme
from .parts import Parts, Pieces, group, pieces
from .widgets import label


# =============================================================================
# The model
# =============================================================================
@dataclass
class CodeCursor:
    """Which line of a program is executing.

    Attributes
    ----------
    lines
        The program's lines (1-based when addressed).
    current
        The executing line, or ``None`` before the first step.
    history
        Every line executed, in order.
    """

    lines: tuple[str, ...]
    current: int | None = None
    history: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.lines:
            raise ValueError("code must have at least one line")

    def goto(self, line: int) -> None:
        """Make ``line`` (1-based) the executing line."""
        if not 1 <= line <= len(self.lines):
            raise ValueError(f"line must be in 1..{len(self.lines)}, got {line}")
        self.current = line
        self.history.append(line)

    def clear(self) -> None:
        """No line is executing (the program finished or is not running)."""
        self.current = None

    def find(self, text: str, start: int = 1) -> int:
        """The first line at or after ``start`` containing ``text`` (1-based)."""
        for i in range(max(start, 1), len(self.lines) + 1):
            if text in self.lines[i - 1]:
                return i
        raise ValueError(f"no line from {start} on contains {text!r}")


def tidy_code(code: str) -> str:
    """Dedent ``code`` and drop blank lines at its start and end (tabs become 4 spaces)."""
    lines = textwrap.dedent(code.expandtabs(4)).splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(line.rstrip() for line in lines)


# =============================================================================
# The drawing
# =============================================================================
_TOKEN_COLORS: dict[Any, ManimColor] = {
    Comment: theme.MUTED,
    Keyword.Constant: theme.ORANGE,
    Keyword: theme.PURPLE,
    Name.Function: theme.BLUE,
    Name.Class: theme.BLUE,
    Name.Builtin: theme.TEAL,
    Name.Decorator: theme.YELLOW,
    String: theme.GREEN,
    Number: theme.ORANGE,
    Operator.Word: theme.PURPLE,
    Operator: theme.PINK,
    Punctuation: theme.MUTED,
}


def token_color(ttype: Any) -> ManimColor:
    """The theme colour of a Pygments token type (its nearest styled ancestor; ``TEXT`` otherwise)."""
    while ttype is not None:
        if ttype in _TOKEN_COLORS:
            return _TOKEN_COLORS[ttype]
        ttype = ttype.parent
    return theme.TEXT


def highlight_markup(code: str, language: str) -> list[str]:
    """Pango markup for each line of ``code``, coloured by token with the theme palette."""
    lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
    lines: list[str] = [""]
    for ttype, value in lexer.get_tokens(code):
        color = token_color(ttype).to_hex()[:7]
        for i, piece in enumerate(value.split("\n")):
            if i:
                lines.append("")
            if piece:
                lines[-1] += f'<span foreground="{color}">{escape(piece, quote=False)}</span>'
    return lines[: len(code.split("\n"))]


class CodePanel(VGroup):
    """Source code in a panel, line numbers on the left, the executing line highlighted.

    Parameters
    ----------
    code
        The program (dedented automatically).
    language
        A Pygments language name (``"python"``, ``"c"``, ``"javascript"`` ...).
    title
        A file name or caption shown in the panel's header, or ``None``.
    font_size
        Size of the code text.
    width, height
        Fit the panel into this box: a larger box pads the panel, a smaller
        one shrinks the code, but never below :data:`visualsys.theme.SMALL`
        (a ``ValueError`` says how much room the code needs).

    Examples
    --------
    .. code-block:: python

        class Trace(ExplainerScene):
            def construct(self):
                code = CodePanel('''
                    def fact(n):
                        if n <= 1:
                            return 1
                        return n * fact(n - 1)
                ''', title="fact.py")
                stack = CallStack(max_depth=50).next_to(code, RIGHT)
                self.add(code, stack)
                self.play(code.step(1, stack.push("fact", {"n": 3})))
                self.play(code.highlight(code.find("return n")))
    """

    PAD = 0.25
    LINE_HEIGHT = 1.25

    def __init__(
        self,
        code: str,
        *,
        language: str = "python",
        title: str | None = None,
        font_size: int = theme.LABEL,
        width: float | None = None,
        height: float | None = None,
        **kwargs: Any,
    ) -> None:
        if font_size < theme.SMALL:
            raise ValueError(f"font_size must be >= theme.SMALL ({theme.SMALL}), got {font_size}")
        for name, value in (("width", width), ("height", height)):
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be > 0, got {value}")
        try:
            get_lexer_by_name(language)
        except ClassNotFound:
            raise ValueError(
                f"unknown language {language!r} (use a Pygments name such as 'python')"
            ) from None
        text = tidy_code(code)
        if not text:
            raise ValueError("code must have at least one non-blank line")
        super().__init__(**kwargs)
        self.cursor = CodeCursor(tuple(text.split("\n")))
        lines = self.cursor.lines
        width_n = len(str(len(lines)))
        numbered = [
            f'<span foreground="{theme.MUTED.to_hex()[:7]}">{i + 1:>{width_n}}</span>  {m}'
            for i, m in enumerate(highlight_markup(text, language))
        ]
        markup = (
            f'<span font_features="calt=0,liga=0,dlig=0,clig=0" line_height="{self.LINE_HEIGHT}">'
            + "\n".join(numbered)
            + "</span>"
        )
        self.code = MarkupText(markup, font=theme.MONO, font_size=font_size)
        # Split the glyphs into lines: each line is its number's digits, then its non-space characters.
        counts = [len(str(i + 1)) + sum(not c.isspace() for c in line) for i, line in enumerate(lines)]
        if sum(counts) != len(self.code):
            raise ValueError("the mono font shaped the code into an unexpected number of glyphs")
        self.lines = VGroup()
        self.numbers = VGroup()
        i = 0
        for n, count in enumerate(counts):
            digits = len(str(n + 1))
            self.numbers.add(VGroup(*self.code[i : i + digits]))
            self.lines.add(VGroup(*self.code[i + digits : i + count]))
            i += count
        numbers = self.numbers
        # Line centres come from the line numbers: every line has one, even a blank line.
        self._anchors = VGroup(
            *[
                Rectangle(width=0.01, height=0.01, stroke_width=0, fill_opacity=0).move_to(
                    np.array([0, n.get_y(), 0])
                )
                for n in numbers
            ]
        )
        n = len(numbers)
        self._pitch = (numbers[0].get_y() - numbers[-1].get_y()) / (n - 1) if n > 1 else numbers.height * 2
        body = VGroup(self.code)
        header = None
        if title:
            header = label(title, theme.SMALL, theme.MUTED, mono=True)
            header.next_to(self.code, UP, buff=0.3).align_to(self.code, LEFT)
            body.add(header)
        natural_w = body.width + 2 * self.PAD + 0.15
        natural_h = body.height + 2 * self.PAD
        scale = 1.0
        if width is not None and natural_w > width:
            scale = width / natural_w
        if height is not None and natural_h * scale > height:
            scale = height / natural_h
        if font_size * scale < theme.SMALL - 1e-6:
            raise ValueError(
                f"the code needs {natural_w * theme.SMALL / font_size:.1f} x "
                f"{natural_h * theme.SMALL / font_size:.1f} units at the smallest legible size; "
                f"got width={width}, height={height} (shorten the lines or give it more room)"
            )
        pw = max(natural_w * scale, width or 0.0)
        ph = max(natural_h * scale, height or 0.0)
        self.panel = RoundedRectangle(
            width=pw,
            height=ph,
            corner_radius=theme.CORNER,
            fill_color=theme.SURFACE,
            fill_opacity=1,
            stroke_color=theme.OUTLINE,
            stroke_width=theme.STROKE_THIN,
        )
        content = VGroup(body, self._anchors)
        content.scale(scale)
        content.align_to(self.panel, UP + LEFT).shift(
            (self.PAD + 0.15) * scale * RIGHT + self.PAD * scale * DOWN
        )
        self._pitch *= scale
        self.add(self.panel)
        if header is not None:
            rule_y = (header.get_bottom()[1] + self.code.get_top()[1]) / 2
            self.rule = Line(
                np.array([self.panel.get_left()[0], rule_y, 0]),
                np.array([self.panel.get_right()[0], rule_y, 0]),
                stroke_color=theme.OUTLINE,
                stroke_width=theme.STROKE_THIN,
            )
            self.add(self.rule)
        self._body, self._transients = VGroup(), VGroup()
        self._parts = Parts(self._body, self._transients)
        self.add(self._body, body, self._anchors, self._transients)
        self._color = theme.BLUE

    # -- read-only helpers ------------------------------------------------------------
    @property
    def current(self) -> int | None:
        """The highlighted line (1-based), or ``None``."""
        return self.cursor.current

    def find(self, text: str, start: int = 1) -> int:
        """The first line (1-based) at or after ``start`` containing ``text``."""
        return self.cursor.find(text, start)

    def line_mobject(self, line: int) -> Mobject:
        """The text of ``line`` (1-based), for pointing at."""
        if not 1 <= line <= len(self.cursor.lines):
            raise ValueError(f"line must be in 1..{len(self.cursor.lines)}, got {line}")
        return self.lines[line - 1]

    # -- building -----------------------------------------------------------------
    def _bar(self, line: int, color: ManimColor) -> VGroup:
        y = self._anchors[line - 1].get_y()
        left, right = self.panel.get_left()[0], self.panel.get_right()[0]
        h = self._pitch * 1.02
        bar = Rectangle(
            width=right - left - 0.04, height=h, fill_color=color, fill_opacity=0.18, stroke_width=0
        )
        bar.move_to(np.array([(left + right) / 2, y, 0]))
        mark = Rectangle(width=0.07, height=h, fill_color=color, fill_opacity=1, stroke_width=0)
        mark.move_to(np.array([left + 0.06, y, 0]))
        return VGroup(bar, mark)

    def _build(self) -> Pieces:
        if self.cursor.current is None:
            return {}
        return pieces("bar", self._bar(self.cursor.current, self._color))

    # -- verbs ---------------------------------------------------------------------
    def highlight(self, line: int, color: ManimColor = theme.BLUE) -> Animation:
        """Move the highlight to ``line`` (1-based); ``color`` e.g. ``theme.RED`` for a failing line."""
        self.cursor.goto(line)
        self._color = color
        return group(self, self._parts.sync(self._build()).all())

    def clear(self) -> Animation:
        """Remove the highlight (the program is not running)."""
        self.cursor.clear()
        return group(self, self._parts.sync(self._build()).all())

    def step(self, line: int, *animations: Animation, color: ManimColor = theme.BLUE) -> Animation:
        """Highlight ``line`` while ``animations`` (e.g. ``stack.push(...)``) play."""
        return AnimationGroup(self.highlight(line, color), *animations)


__all__ = ["CodeCursor", "CodePanel", "highlight_markup", "tidy_code", "token_color"]

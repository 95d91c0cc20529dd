"""Small text helpers: how values are written on cards, and text that fits its room.

:data:`NO_VALUE`, :func:`fmt_value`, :func:`char_width`, :func:`fit_text` and
:func:`wrap_words` serve the card-drawing primitives
(:class:`CallStack <visualsys.primitives.call_stack.CallStack>`,
:class:`CallTree <visualsys.primitives.call_tree.CallTree>`,
:class:`Log <visualsys.primitives.log.Log>`,
:class:`PageStore <visualsys.primitives.pages.PageStore>`); :func:`text` is the
label the spec-driven primitives build their parts with
(:class:`RequestStream <visualsys.primitives.request_stream.RequestStream>`,
:class:`BTree <visualsys.primitives.btree.BTree>`,
:class:`TokenBucket <visualsys.primitives.token_bucket.TokenBucket>`,
:class:`SlidingWindow <visualsys.primitives.sliding_window.SlidingWindow>`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from manim import ManimColor, Text

from .. import theme
from .widgets import label


class _NoValue:
    """Marker for "no return value was handed back" (``None`` is a real value)."""

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE: Any = _NoValue()


def fmt_value(value: object) -> str:
    """How a value is written on a card: strings quoted, everything else ``str``."""
    return repr(value) if isinstance(value, str) else str(value)


@cache
def char_width(size: int, mono: bool = True) -> float:
    """Average advance of one character at ``size`` (exact for the mono font)."""
    font = theme.MONO if mono else theme.FONT
    return Text("M" * 10 if mono else "abcdefghij", font=font, font_size=size).width / 10


def fit_text(text: str, max_chars: int) -> str:
    """``text`` cut to ``max_chars`` characters with an ellipsis."""
    if max_chars < 1:
        return ""
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def wrap_words(text: str, size: int, max_width: float, mono: bool = False) -> list[str]:
    """Greedy word wrap of ``text`` so each line is at most ``max_width`` wide."""
    lines: list[str] = []
    for word in text.split():
        if lines:
            candidate = lines[-1] + " " + word
            if label(candidate, size, mono=mono).width <= max_width:
                lines[-1] = candidate
                continue
        lines.append(word)
    return lines


def text(
    s: str,
    size: int = theme.SMALL,
    color: ManimColor = theme.TEXT,
    *,
    mono: bool = False,
    weight: str = "NORMAL",
) -> Text:
    """A :func:`label` built in the house text colour, then coloured ``color`` (a fresh object each call)."""
    return label(s, size, theme.TEXT, mono=mono, weight=weight).set_color(color)

"""Small pieces every scene uses: a title card, a callout, a legend, a value readout.

All colours and sizes come from :mod:`visualsys.theme`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Arrow,
    FadeIn,
    ManimColor,
    Mobject,
    RoundedRectangle,
    Text,
    Transform,
    VGroup,
)

from .. import theme


def label(text: str, size: int = theme.LABEL, color: ManimColor = theme.TEXT, mono: bool = False,
          weight: str = "NORMAL") -> Text:
    """A line of text in the house font (``mono=True`` for code and identifiers).

    Scenes make the same labels over and over (a node's name in every state
    of a diagram): the first one with given arguments is made by Pango and
    parsed from its SVG; later ones are copies of it, the same points and
    style, at a tenth of the cost. Every call returns a new, independent object.
    """
    if size < theme.SMALL:
        raise ValueError(f"size must be >= theme.SMALL ({theme.SMALL}) to stay readable, got {size}")
    key = (text, size, tuple(ManimColor(color).to_rgba().tolist()), mono, weight)
    made = _LABELS.get(key)
    if made is None:
        made = Text(text, font=theme.MONO if mono else theme.FONT, font_size=size, color=color, weight=weight)
        if len(_LABELS) >= _LABELS_KEPT:
            _LABELS.pop(next(iter(_LABELS)))
        _LABELS[key] = made
    return made.copy()


#: Labels made in this process, by their arguments (the oldest dropped first past :data:`_LABELS_KEPT`).
_LABELS: dict[tuple, Text] = {}
_LABELS_KEPT = 1024


class TitleCard(VGroup):
    """A topic's opening card: title, a one-line subtitle and an accent rule.

    Examples
    --------
    .. code-block:: python

        class Intro(ExplainerScene):
            def construct(self):
                card = TitleCard("Consistent Hashing", "Moving as little data as possible")
                self.play(card.reveal())
    """

    def __init__(self, title: str, subtitle: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.title = label(title, theme.TITLE, theme.TEXT, weight="BOLD")
        parts: list[Mobject] = [self.title]
        rule = RoundedRectangle(width=min(self.title.width, 6), height=0.06, corner_radius=0.03,
                                fill_color=theme.BLUE, fill_opacity=1, stroke_width=0)
        parts.append(rule)
        if subtitle:
            self.subtitle = label(subtitle, theme.BODY, theme.MUTED)
            parts.append(self.subtitle)
        self.add(*parts)
        self.arrange(DOWN, buff=0.3)

    def reveal(self) -> Animation:
        """Fade the card in, rising slightly."""
        return FadeIn(self, shift=0.2 * UP)


class Callout(VGroup):
    r"""A short note in a rounded box, with an optional arrow pointing at ``target``.

    Parameters
    ----------
    text
        The note (keep it under ~40 characters a line; use ``\n`` to break).
    target
        The mobject to point at, or ``None`` for a free-standing note.
    direction
        Where the note sits relative to ``target``.
    color
        Accent colour of the border and arrow.
    """

    def __init__(self, text: str, target: Mobject | None = None, direction: np.ndarray = UP,
                 color: ManimColor = theme.YELLOW, size: int = theme.LABEL, buff: float = 0.6,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.text = label(text, size, theme.TEXT)
        self.box = RoundedRectangle(
            width=self.text.width + 0.4, height=self.text.height + 0.3, corner_radius=theme.CORNER,
            stroke_color=color, stroke_width=theme.STROKE_THIN, fill_color=theme.SURFACE, fill_opacity=0.95,
        )
        self.text.move_to(self.box)
        self.add(self.box, self.text)
        if target is not None:
            self.next_to(target, direction, buff=buff)
            self.arrow = Arrow(self.box.get_edge_center(-direction), target.get_edge_center(direction),
                               buff=0.08, color=color, stroke_width=theme.STROKE_THIN,
                               max_tip_length_to_length_ratio=0.3)
            self.add(self.arrow)


class Legend(VGroup):
    """Colour swatches with names, in a column (``direction=DOWN``) or a row (``RIGHT``)."""

    def __init__(self, entries: Sequence[tuple[ManimColor, str]], direction: np.ndarray = DOWN,
                 size: int = theme.SMALL, **kwargs) -> None:
        if not entries:
            raise ValueError("a legend needs at least one entry")
        super().__init__(**kwargs)
        for color, name in entries:
            swatch = RoundedRectangle(width=0.28, height=0.28, corner_radius=0.06, fill_color=color,
                                      fill_opacity=1, stroke_width=0)
            row = VGroup(swatch, label(name, size, theme.MUTED)).arrange(RIGHT, buff=0.15)
            self.add(row)
        self.arrange(direction, buff=0.2 if direction is DOWN else 0.5, aligned_edge=LEFT)


class Readout(VGroup):
    """A named value that can change: ``requests/s: 12``.

    ``set(value)`` returns an animation that swaps in the new value.
    """

    def __init__(self, name: str, value: object = "", color: ManimColor = theme.BLUE,
                 size: int = theme.LABEL, **kwargs) -> None:
        super().__init__(**kwargs)
        self.name = label(f"{name}:", size, theme.MUTED)
        self.size_, self.color_ = size, color
        self.value = label(str(value), size, color, mono=True)
        self.add(self.name, self.value)
        self.arrange(RIGHT, buff=0.15)

    def set(self, value: object) -> Animation:
        """Animate the value changing to ``value``."""
        new = label(str(value), self.size_, self.color_, mono=True)
        new.next_to(self.name, RIGHT, buff=0.15)
        return Transform(self.value, new)

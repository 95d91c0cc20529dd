"""Pages as small pictures: a row of page cards, a page fanning out to child pages, a cost bar, a table.

Storage topics (B-trees, LSM trees, buffer pools, indexes) argue in page
counts; these are the few shapes they keep drawing. Plain ``VGroup`` builders,
no state: the numbers come from the scene's models.
"""

from __future__ import annotations

from collections.abc import Sequence

from manim import DOWN, LEFT, RIGHT, Line, ManimColor, Mobject, RoundedRectangle, VGroup

from .. import theme
from .widgets import label

__all__ = ["cost_bar", "count_table", "fan_out", "page_row", "slotted_page"]


def page_row(count: int, width: float, height: float, color: ManimColor = theme.OUTLINE,
             filled: bool = False) -> VGroup:
    """A row of ``count`` pages drawn as small cards, outlined in ``color`` (or filled with it).

    Raises
    ------
    ValueError
        If ``count`` is negative or a size is not positive.
    """
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    if width <= 0 or height <= 0:
        raise ValueError(f"width and height must be > 0, got {width} x {height}")
    return VGroup(*(RoundedRectangle(width=width, height=height, corner_radius=0.05, stroke_color=color,
                                     stroke_width=0 if filled else theme.STROKE_THIN,
                                     fill_color=color if filled else theme.SURFACE, fill_opacity=1)
                    for _ in range(count))).arrange(RIGHT, buff=0.1)


def fan_out(parent: Mobject, shown: int, *, width: float = 0.45, height: float = 0.6,
            buff: float = 1.0) -> VGroup:
    """``shown`` child pages under ``parent``, each joined to it by a pointer, and "…" for the rest.

    Returns
    -------
    VGroup
        ``(pointers, pages, dots)``.

    Raises
    ------
    ValueError
        If ``shown`` is not positive.
    """
    if shown <= 0:
        raise ValueError(f"shown must be > 0, got {shown}")
    kids = page_row(shown, width, height).next_to(parent, DOWN, buff=buff)
    dots = label("…", theme.BODY, theme.MUTED).next_to(kids, RIGHT, buff=0.3)
    lines = VGroup(*(Line(parent.get_bottom(), k.get_top()) for k in kids))
    lines.set_stroke(theme.BLUE, theme.STROKE_THIN)
    return VGroup(lines, kids, dots)


def cost_bar(name: str, count: int, color: ManimColor, *, unit: str = "page reads") -> VGroup:
    """``count`` filled page icons in a row under a caption such as "B-tree   4 page reads".

    Returns
    -------
    VGroup
        ``(caption, icons)``; the caption is ``(name, "<count> <unit>")``.
    """
    squares = page_row(count, 0.24, 0.32, color, filled=True)
    caption = VGroup(label(name, theme.BODY, theme.TEXT, weight="BOLD"),
                     label(f"{count} {unit}", theme.BODY, color)).arrange(RIGHT, buff=0.3)
    return VGroup(caption, squares).arrange(DOWN, aligned_edge=LEFT, buff=0.2)


def slotted_page(cells: Sequence[str], *, muted: Sequence[str] = ("ptr",),
                 color: ManimColor = theme.YELLOW) -> VGroup:
    """One wide page showing its layout: a box around a row of slot names such as ``key ptr key ptr``.

    Parameters
    ----------
    cells
        Slot names, left to right (``"…"`` for the ones left out).
    muted
        Slot names drawn muted (the pointers, by default).
    color
        The page's outline.

    Returns
    -------
    VGroup
        ``(box, slots)``.
    """
    if not cells:
        raise ValueError("cells must not be empty")
    node = VGroup(*(label(c, theme.LABEL, theme.MUTED if c in muted else theme.TEXT, mono=True)
                    for c in cells)).arrange(RIGHT, buff=0.35)
    box = RoundedRectangle(width=node.width + 0.6, height=0.75, corner_radius=theme.CORNER,
                           stroke_color=color, stroke_width=theme.STROKE,
                           fill_color=theme.SURFACE_HI, fill_opacity=1)
    return VGroup(box, node.move_to(box))


def count_table(rows: Sequence[tuple[str, str]]) -> VGroup:
    """A two-column table: a muted caption, then a right-aligned number, one row per ``(caption, number)``.

    Returns
    -------
    VGroup
        One ``(caption, number)`` group per row, top to bottom.
    """
    if not rows:
        raise ValueError("rows must not be empty")
    table = VGroup(*(VGroup(label(name, theme.BODY, theme.MUTED),
                            label(value, theme.BODY, theme.TEXT, mono=True)) for name, value in rows))
    for row in table:
        row.arrange(RIGHT, buff=0.6)
    table.arrange(DOWN, aligned_edge=LEFT, buff=0.28)
    right = max(r[1].get_right()[0] for r in table)
    for r in table:  # right-align the numbers
        r[1].shift((right - r[1].get_right()[0]) * RIGHT)
    return table

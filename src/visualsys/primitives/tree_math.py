"""Search-tree arithmetic as plain Python: how tall a tree must be, and what one page read tells a reader.

No Manim here: scenes quote these numbers in their narration.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["binary_levels", "levels_for", "route", "spoken_count"]


def levels_for(n: int, fanout: int) -> int:
    """Fewest levels of a tree with ``fanout`` children a node that can hold ``n`` keys (exact integers).

    The least ``h >= 1`` with ``fanout ** h >= n``.

    Raises
    ------
    ValueError
        If ``fanout < 2`` or ``n < 1``.
    """
    if fanout < 2:
        raise ValueError(f"fanout must be >= 2, got {fanout}")
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    h = 1
    while fanout**h < n:
        h += 1
    return h


def binary_levels(n: int) -> int:
    """Levels of a perfectly balanced binary tree of ``n`` keys: the least ``h`` with ``2**h - 1 >= n``."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    return n.bit_length()


def route(keys: Sequence[Any], key: Any) -> str:
    """What a reader of one page with sorted ``keys`` concludes about ``key``, in words.

    ``"there it is"``, ``"43 is below 50"``, ``"43 is above 40"`` or ``"43 is between 40 and 50"``.
    """
    if not keys:
        raise ValueError("keys must not be empty")
    if key in keys:
        return "there it is"
    if key < keys[0]:
        return f"{key} is below {keys[0]}"
    if key > keys[-1]:
        return f"{key} is above {keys[-1]}"
    i = next(i for i, k in enumerate(keys) if k > key)
    return f"{key} is between {keys[i - 1]} and {keys[i]}"


def spoken_count(n: int) -> str:
    """A count as narration says it: ``250,000``, ``125 million`` or ``62.5 billion``."""
    for size, word in ((10**9, "billion"), (10**6, "million")):
        if n >= size:
            return f"{n / size:g} {word}"
    return f"{n:,}"

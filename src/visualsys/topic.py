"""Metadata every topic module declares next to its scene class."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: ``render.py`` command names: a topic with one of these slugs could never be rendered by name.
RESERVED_SLUGS = frozenset({"all", "check", "gallery", "list", "new", "recording-sheet", "render"})


@dataclass(frozen=True)
class Topic:
    """What a topic is called and how long it should run.

    Parameters
    ----------
    slug
        The CLI name (``render.py <slug>``): lower case words joined by ``-``.
    title
        Human title, shown on the title card, in metadata and in the gallery.
    length
        Target length of the finished video in seconds.
    category
        Catalog category ("Distributed Systems", "Databases", ...).
    summary
        One line saying what the viewer will understand.
    tags
        Free-form tags for search and filtering.
    lexicon
        Per-topic pronunciations: written term -> how the voice says it.
    """

    slug: str
    title: str
    length: float
    category: str = "Systems"
    summary: str = ""
    tags: tuple[str, ...] = ()
    lexicon: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not SLUG_RE.match(self.slug):
            raise ValueError(
                f"topic slug must be lower-case words joined by '-', got {self.slug!r}"
            )
        if self.slug in RESERVED_SLUGS:
            raise ValueError(f"topic slug {self.slug!r} is a render.py command name; pick another slug")
        if self.length <= 0:
            raise ValueError(f"topic length must be > 0 seconds, got {self.length}")

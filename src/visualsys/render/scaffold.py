"""``render.py new <slug>``: a new topic module from a template, ready to render and edit.

The template lives here as a string (not a data file), so it ships with the
package without any packaging configuration.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path
from string import Template

from ..topic import SLUG_RE

TEMPLATE = Template('''\
"""$title: <one line on what the viewer will understand>."""

from manim import FadeIn, FadeOut

from visualsys import ExplainerScene, Topic, theme
from visualsys.primitives import TitleCard, label

TOPIC = Topic(
    slug="$slug",
    title="$title",
    length=60,  # target length in seconds
    category="Systems",
    summary="One line on what the viewer will understand.",
    tags=(),
)


class $class_name(ExplainerScene):
    def construct(self):
        card = TitleCard(TOPIC.title, "A subtitle that says why it matters")
        with self.voiceover("$title, in one minute."):
            self.play(card.reveal())
        self.play(FadeOut(card))

        self.chapter("The idea")
        idea = label("Replace me with the first picture.", theme.HEADING)
        with self.voiceover('Each beat of narration is a with block. '
                            '<bookmark mark="show"/>Animations inside it are timed from the voice.') as beat:
            self.wait_until_bookmark("show")
            self.play(FadeIn(idea), run_time=beat.get_remaining_duration())
''')


class ScaffoldError(ValueError):
    """The topic cannot be created; the message says why."""


def class_name(slug: str) -> str:
    """``"write-ahead-log"`` -> ``"WriteAheadLog"`` (prefixed ``Topic`` if it would start with a digit)."""
    name = "".join(part.capitalize() for part in slug.split("-"))
    if not name.isidentifier() or keyword.iskeyword(name):
        name = "Topic" + name
    return name


def default_title(slug: str) -> str:
    """``"write-ahead-log"`` -> ``"Write Ahead Log"``."""
    return " ".join(part.capitalize() for part in slug.split("-"))


def scene_path(slug: str, scenes_dir: Path) -> Path:
    """Where the module of ``slug`` lives: ``scenes/<slug with underscores>.py``."""
    return Path(scenes_dir) / (slug.replace("-", "_") + ".py")


def scaffold(slug: str, scenes_dir: Path, title: str | None = None) -> Path:
    """Write a new topic module for ``slug`` in ``scenes_dir`` and return its path.

    Raises
    ------
    ScaffoldError
        If ``slug`` is not a topic name, the title cannot go in a Python
        string, or the file already exists (it is never overwritten).
    """
    if not SLUG_RE.match(slug):
        raise ScaffoldError(
            f"{slug!r} is not a topic name; use lower-case words joined by '-', e.g. write-ahead-log"
        )
    title = default_title(slug) if title is None else title.strip()
    if not title or re.search(r'["\\<>\n\r]', title):
        raise ScaffoldError(f"title must be one line without \", \\, < or >, got {title!r}")
    path = scene_path(slug, scenes_dir)
    text = TEMPLATE.substitute(slug=slug, title=title, class_name=class_name(slug))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as fh:  # "x": never overwrite a topic
            fh.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; pick another slug or edit that file") from None
    return path

"""YouTube chapters from a scene's sections.

YouTube turns ``m:ss Title`` lines in a video's description into chapters
when the first is at ``0:00``, every chapter lasts at least 10 seconds, and
there are at least three of them. A scene's sections (``self.chapter(...)``)
can be shorter than that — a 7-second title card, a quick takeaway — so
:func:`youtube_chapters` merges them:

* Times are whole seconds, rounded down (what the description can say); the
  10-second rule is checked on those rounded times and the video's real
  length.
* While some chapter is shorter than the minimum, the shortest one (the
  earliest among equals) is folded into its neighbour: into the chapter
  *before* it, which simply runs on (a short section is usually a coda of
  the one before); the first chapter, having nothing before it, is folded
  into the one *after* it, which then starts at ``0:00`` under its own name
  (a short title card becomes the lead-in of the first real chapter).
* A section that starts in the same second as the next one is empty and
  always disappears this way.

Nothing is lost: the metadata keeps every section with its exact time. With
fewer than three chapters left YouTube shows none; the file is still written.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

#: YouTube's minimum chapter length, in seconds.
MIN_CHAPTER = 10.0
#: YouTube shows chapters only when a description has at least this many.
YOUTUBE_MIN_CHAPTERS = 3


@dataclass(frozen=True)
class Chapter:
    """A chapter line: its title and its start in whole seconds."""

    title: str
    start: int

    def line(self, hours: bool = False) -> str:
        """The description line, e.g. ``1:05 The ring``."""
        return f"{timestamp(self.start, hours)} {self.title}"


def timestamp(seconds: int, hours: bool = False) -> str:
    """``m:ss``, or ``h:mm:ss`` when ``hours``: the form YouTube links in a description."""
    if seconds < 0:
        raise ValueError(f"seconds must be >= 0, got {seconds}")
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if hours else f"{h * 60 + m}:{s:02d}"


def _clean(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip() or "Untitled"


def youtube_chapters(
    sections: Sequence[tuple[str, float]], duration: float, min_length: float = MIN_CHAPTER
) -> list[Chapter]:
    """Chapters for ``sections`` (``(title, start seconds)``, in order) of a ``duration``-second video.

    The result starts at 0, is strictly increasing, and every chapter lasts at
    least ``min_length`` seconds — unless the whole video is shorter, when it
    is a single chapter. See the module docstring for how sections merge.

    Raises
    ------
    ValueError
        If ``duration`` or ``min_length`` is not positive, or the starts go backwards.
    """
    if duration <= 0:
        raise ValueError(f"duration must be > 0, got {duration}")
    if min_length <= 0:
        raise ValueError(f"min_length must be > 0, got {min_length}")
    starts = [s for _, s in sections]
    if any(b < a for a, b in zip(starts, starts[1:], strict=False)):
        raise ValueError(f"section starts must not go backwards, got {starts}")
    chapters = [Chapter(_clean(t), max(0, math.floor(s + 1e-6))) for t, s in sections
                if s < duration]
    if not chapters:
        chapters = [Chapter("Intro", 0)]
    if chapters[0].start > 0:
        chapters.insert(0, Chapter("Intro", 0))

    def length(i: int) -> float:
        end = chapters[i + 1].start if i + 1 < len(chapters) else duration
        return end - chapters[i].start

    while len(chapters) > 1:
        shortest = min(range(len(chapters)), key=lambda i: (length(i), i))
        if length(shortest) >= min_length - 1e-9:
            break
        if shortest == 0:
            chapters[:2] = [Chapter(chapters[1].title, 0)]
        else:
            del chapters[shortest]
    return chapters


def chapters_text(chapters: Sequence[Chapter], duration: float) -> str:
    """The chapter lines to paste into a video description (one per line)."""
    hours = duration >= 3600
    return "".join(c.line(hours) + "\n" for c in chapters)

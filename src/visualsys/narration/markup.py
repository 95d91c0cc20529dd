"""Narration markup: plain sentences with ``<bookmark mark="name"/>`` tags.

The markup is manim-voiceover's, so creators who know that library already
know this one::

    "A key walks clockwise <bookmark mark="walk"/>to the next server."

A bookmark sits *before* the word it marks; the scene can wait for that
word's onset (``self.wait_until_bookmark("walk")``).

A pronunciation lexicon maps written terms to what the voice should say
("WAL" -> "wall"). Captions keep the written words; the voice gets the
spoken ones. :class:`Script` keeps both, word by word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_BOOKMARK = re.compile(r"""<bookmark\s+mark\s*=\s*(["'])(?P<mark>[^"']+)\1\s*/>""")
_ANY_TAG = re.compile(r"<[^>]*>")
_EDGE_PUNCT = re.compile(r"^(?P<pre>[\"'(\[“‘]*)(?P<core>.*?)(?P<post>[\"')\]”’.,;:!?…]*)$")


class MarkupError(ValueError):
    """The narration text could not be understood."""


@dataclass
class Script:
    """A beat's text, parsed.

    ``written`` are the words as the viewer reads them (captions);
    ``spoken`` the words the voice says; ``spans[i]`` is the half-open range of
    ``spoken`` indices that written word ``i`` became. ``bookmarks`` maps each
    mark to the index of the written word it precedes.
    """

    written: list[str] = field(default_factory=list)
    spoken: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    bookmarks: dict[str, int] = field(default_factory=dict)

    @property
    def spoken_text(self) -> str:
        """The text to send to the voice."""
        return " ".join(self.spoken)

    @property
    def written_text(self) -> str:
        """The text as the viewer reads it."""
        return " ".join(self.written)


def _speak(word: str, lexicon: dict[str, str]) -> str:
    if not lexicon:
        return word
    if word in lexicon:
        return lexicon[word]
    m = _EDGE_PUNCT.match(word)
    assert m is not None  # the pattern matches any string
    core = m.group("core")
    for key in (core, core.removesuffix("'s"), core.removesuffix("s")):
        if key and key in lexicon:
            rest = core[len(key):]
            return m.group("pre") + lexicon[key] + rest + m.group("post")
    return word


def parse(text: str, lexicon: dict[str, str] | None = None) -> Script:
    """Parse narration markup into a :class:`Script`.

    Raises
    ------
    MarkupError
        For a tag other than ``<bookmark mark="..."/>``, a mark used twice, or
        a bookmark with no word after it.
    """
    lexicon = lexicon or {}
    script = Script()
    pos = 0
    pending: list[str] = []
    for m in list(_BOOKMARK.finditer(text)) + [None]:
        chunk = text[pos : m.start() if m else len(text)]
        stray = _ANY_TAG.search(chunk)
        if stray:
            raise MarkupError(
                f"unknown tag {stray.group(0)!r} in narration; the only tag is "
                '<bookmark mark="name"/>'
            )
        for word in chunk.split():
            for mark in pending:
                script.bookmarks[mark] = len(script.written)
            pending = []
            spoken = _speak(word, lexicon).split()
            start = len(script.spoken)
            script.written.append(word)
            script.spoken.extend(spoken)
            script.spans.append((start, len(script.spoken)))
        if m is None:
            break
        mark = m.group("mark")
        if mark in script.bookmarks or mark in pending:
            raise MarkupError(f"bookmark {mark!r} appears twice in one beat")
        pending.append(mark)
        pos = m.end()
    if pending:
        raise MarkupError(
            f"bookmark {pending[0]!r} is at the very end of the beat; put it before a word"
        )
    return script

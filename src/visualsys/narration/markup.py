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


_OPENERS = "\"'([“‘"
_CLOSERS = "\"')]”’.,;:!?…"
_ENDINGS = ("'s", "’s", "s", "")


def _match(phrase: str, lexicon: dict[str, str]) -> str | None:
    """The spoken form of ``phrase`` if a lexicon term is all of it, bar punctuation and endings."""
    if phrase in lexicon:
        return lexicon[phrase]
    lead = len(phrase) - len(phrase.lstrip(_OPENERS))
    trail = len(phrase) - len(phrase.rstrip(_CLOSERS))
    for a in range(lead + 1):
        for b in range(trail + 1):
            core = phrase[a : len(phrase) - b]
            for ending in _ENDINGS:
                key = core[: len(core) - len(ending)] if ending else core
                if len(key) > 1 and core.endswith(ending) and key in lexicon:
                    return phrase[:a] + lexicon[key] + ending + phrase[len(phrase) - b :]
    return None


def _share(n_spoken: int, n_written: int) -> list[tuple[int, int]]:
    """Split ``n_spoken`` words over ``n_written`` as evenly as possible, in order."""
    return [(k * n_spoken // n_written, (k + 1) * n_spoken // n_written) for k in range(n_written)]


def parse(text: str, lexicon: dict[str, str] | None = None) -> Script:
    """Parse narration markup into a :class:`Script`.

    Lexicon terms are matched over whole words, longest first; a term may
    span several words ("O(log N)") but not a bookmark.

    Raises
    ------
    MarkupError
        For a tag other than ``<bookmark mark="..."/>``, a mark used twice, or
        a bookmark with no word after it.
    """
    lexicon = lexicon or {}
    longest = max((len(k.split()) for k in lexicon), default=1)
    # 1. words, and the bookmarks waiting before each word
    words: list[str] = []
    marks_before: dict[int, list[str]] = {}
    seen: set[str] = set()
    pos = 0
    for m in list(_BOOKMARK.finditer(text)) + [None]:
        chunk = text[pos : m.start() if m else len(text)]
        stray = _ANY_TAG.search(chunk)
        if stray:
            raise MarkupError(
                f"unknown tag {stray.group(0)!r} in narration; the only tag is "
                '<bookmark mark="name"/>'
            )
        words.extend(chunk.split())
        if m is None:
            break
        mark = m.group("mark")
        if mark in seen:
            raise MarkupError(f"bookmark {mark!r} appears twice in one beat")
        seen.add(mark)
        marks_before.setdefault(len(words), []).append(mark)
        pos = m.end()
    if len(words) in marks_before:
        raise MarkupError(
            f"bookmark {marks_before[len(words)][0]!r} is at the very end of the beat; put it before a word"
        )
    # 2. written -> spoken, longest lexicon match first
    script = Script()
    i = 0
    while i < len(words):
        n, spoken = 1, [words[i]]
        for size in range(min(longest, len(words) - i), 0, -1):
            if any(i < k < i + size for k in marks_before):
                continue  # a term never spans a bookmark
            said = _match(" ".join(words[i : i + size]), lexicon) if lexicon else None
            if said is not None:
                n, spoken = size, said.split()
                break
        base = len(script.spoken)
        script.spoken.extend(spoken)
        for k, (a, b) in enumerate(_share(len(spoken), n)):
            for mark in marks_before.get(i + k, []):
                script.bookmarks[mark] = len(script.written)
            script.written.append(words[i + k])
            script.spans.append((base + a, base + b))
        i += n
    return script

"""``ExplainerScene``: a Manim scene whose clock is its narration.

Each beat of narration is a ``with`` block. Inside it, animations are timed
from the beat's audio: its length and the bookmarks placed in the text. When
the block ends the scene waits out whatever audio is left, so the picture
never runs ahead of, or behind, the voice::

    class Demo(ExplainerScene):
        def construct(self):
            with self.voiceover('Servers sit on a ring. <bookmark mark="keys"/>Keys do too.') as beat:
                self.play(Create(ring), run_time=beat.time_until_bookmark("keys"))
                self.play(FadeIn(keys), run_time=beat.get_remaining_duration())

The scene records every beat (start time, text, word timings, audio); the
render pipeline builds the narration track and the captions from that record.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from manim import Scene, config

from . import theme
from .narration.cache import Narrator
from .narration.markup import Script, parse
from .narration.speech import Speech, Word
from .narration.voices import SilentService


class BookmarkError(KeyError):
    """A scene asked for a bookmark its beat does not have."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


@dataclass
class Beat:
    """One narrated beat as it happened in the scene.

    Attributes
    ----------
    index
        Position of the beat in the scene (0-based).
    start
        Scene time, in seconds, at which the beat's audio starts.
    script
        The parsed text (written and spoken words, bookmarks).
    speech
        The audio and its per-word timings (of the *spoken* words).
    section
        The section (chapter) the beat belongs to.
    """

    scene: ExplainerScene
    index: int
    start: float
    script: Script
    speech: Speech
    section: str

    # -- timing API (names follow manim-voiceover's tracker) ------------------
    @property
    def duration(self) -> float:
        """Length of the beat's audio in seconds."""
        return self.speech.duration

    @property
    def end(self) -> float:
        """Scene time at which the beat's audio ends."""
        return self.start + self.duration

    def bookmark_time(self, mark: str) -> float:
        """Scene time of the onset of the word after ``mark``."""
        if mark not in self.script.bookmarks:
            known = ", ".join(sorted(self.script.bookmarks)) or "none"
            raise BookmarkError(
                f"beat {self.index + 1} ({self.snippet()!r}) has no bookmark {mark!r}; "
                f"its bookmarks are: {known}"
            )
        first_spoken, _ = self.script.spans[self.script.bookmarks[mark]]
        return self.start + self.speech.words[first_spoken].start

    def time_until_bookmark(self, mark: str, buff: float = 0.0, limit: float | None = None) -> float:
        """Seconds from now until ``mark`` (at least one frame), plus ``buff``.

        Use it as a ``run_time`` to make an animation land on the word.
        """
        t = self.bookmark_time(mark) - self.scene.time + buff
        if limit is not None:
            t = min(t, limit)
        return max(t, 1.0 / config.frame_rate)

    def get_remaining_duration(self, buff: float = 0.0) -> float:
        """Seconds from now until the beat's audio ends (at least one frame)."""
        return max(self.end - self.scene.time + buff, 1.0 / config.frame_rate)

    def written_words(self) -> list[Word]:
        """The written words with scene times, for captions."""
        out = []
        for word, (a, b) in zip(self.script.written, self.script.spans):
            if a == b:  # a lexicon entry that speaks nothing: zero-length
                t = self.start + (self.speech.words[a - 1].end if a else 0.0)
                out.append(Word(word, t, t))
                continue
            out.append(
                Word(word, self.start + self.speech.words[a].start, self.start + self.speech.words[b - 1].end)
            )
        return out

    def snippet(self, n: int = 40) -> str:
        """The start of the beat's text, for messages."""
        text = self.script.written_text
        return text if len(text) <= n else text[: n - 1].rstrip() + "…"


class ExplainerScene(Scene):
    """Base class of every visualsys topic: a dark scene driven by narration.

    Parameters
    ----------
    narrator
        Speaks the beats. Defaults to a silent narrator (durations estimated
        from the text), which is what tests and layout checks want; the
        render pipeline passes the real voice.
    lexicon
        Pronunciations specific to this scene, merged over the narrator's.
    """

    def __init__(self, narrator: Narrator | None = None, lexicon: dict[str, str] | None = None, **kwargs: Any) -> None:
        self.narrator = narrator or Narrator(SilentService())
        self.lexicon = {**self.narrator.lexicon, **(lexicon or {})}
        self.beats: list[Beat] = []
        self.current_section = "Intro"
        self._section_starts: list[tuple[str, float]] = []
        self._beat: Beat | None = None
        super().__init__(**kwargs)

    def setup(self) -> None:
        """Paint the background with the theme colour."""
        self.camera.background_color = theme.BACKGROUND

    # -- sections become chapters ---------------------------------------------
    def chapter(self, name: str) -> None:
        """Start a new chapter (a Manim section) called ``name``."""
        if self._beat is not None:
            raise RuntimeError("start a chapter between beats, not inside one")
        self.current_section = name
        self._section_starts.append((name, self.time))
        self.next_section(name)

    @property
    def chapters(self) -> list[tuple[str, float]]:
        """``(name, start time)`` of every chapter, in order."""
        starts = list(self._section_starts)
        if not starts or starts[0][1] > 0:
            starts.insert(0, ("Intro", 0.0))
        return starts

    # -- narration --------------------------------------------------------------
    @contextmanager
    def voiceover(self, text: str) -> Iterator[Beat]:
        """Narrate ``text`` while the block's animations play.

        Yields the :class:`Beat`, whose ``duration``, ``time_until_bookmark``
        and ``get_remaining_duration`` time the animations. On leaving the
        block the scene waits until the audio has finished.
        """
        if self._beat is not None:
            raise RuntimeError("voiceover blocks cannot be nested")
        script = parse(text, self.lexicon)
        if not script.written:
            raise ValueError("a voiceover beat needs at least one word")
        speech = self.narrator.speak(script.spoken_text)
        beat = Beat(self, len(self.beats), self.time, script, speech, self.current_section)
        self.beats.append(beat)
        self._beat = beat
        try:
            yield beat
        finally:
            self._beat = None
        remaining = beat.end - self.time
        if remaining > 0.5 / config.frame_rate:
            self.wait(remaining)

    def wait_until_bookmark(self, mark: str) -> None:
        """Wait until the current beat reaches ``mark`` (no-op if already past)."""
        if self._beat is None:
            raise RuntimeError("wait_until_bookmark must be called inside a voiceover block")
        delay = self._beat.bookmark_time(mark) - self.time
        if delay > 0.5 / config.frame_rate:
            self.wait(delay)

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

Every run time is snapped to a whole number of frames, so the scene's clock
(``self.time``), the frames Manim writes and the beats' start times agree to
the frame whether an animation is rendered or replayed from Manim's cache.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from manim import Scene, Wait, config

from . import theme
from .narration.cache import Narrator
from .narration.lexicon import check_lexicon, merge
from .narration.markup import Script, parse
from .narration.recorded import RecordingMissing
from .narration.speech import Speech, Word
from .narration.voices import SilentService

#: Relative nudge that keeps a snapped run time on the right side of a whole
#: frame count: Manim counts ``ceil(t * fps)`` frames for an animation and
#: ``int(t * fps)`` for a still wait.
_NUDGE = 1e-9


def frame_count(seconds: float, fps: float) -> int:
    """Whole frames nearest to ``seconds`` at ``fps`` (at least one)."""
    return max(1, int(round(seconds * fps)))


def snap_run_time(seconds: float, fps: float, still: bool = False) -> float:
    """``seconds`` rounded to whole frames, nudged so Manim writes exactly that many frames.

    ``still`` is for a wait with nothing moving (Manim repeats one frame,
    counting ``int(t * fps)``); otherwise Manim steps ``np.arange(0, t, 1/fps)``.
    """
    k = frame_count(seconds, fps)
    return k / fps * (1 + _NUDGE if still else 1 - _NUDGE)


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

    @property
    def bookmarks(self) -> dict[str, float]:
        """Every bookmark of the beat and its scene time."""
        return {mark: self.bookmark_time(mark) for mark in self.script.bookmarks}

    def bookmark_time(self, mark: str) -> float:
        """Scene time of the onset of the word after ``mark``.

        Raises
        ------
        BookmarkError
            If the beat has no such bookmark; the message names the beat and the mark.
        """
        if mark not in self.script.bookmarks:
            known = ", ".join(sorted(self.script.bookmarks)) or "none"
            raise BookmarkError(
                f"beat {self.index + 1} ({self.snippet()!r}) has no bookmark {mark!r}; "
                f"its bookmarks are: {known}"
            )
        return self.start + self._onset(self.script.bookmarks[mark])

    def _onset(self, written_index: int) -> float:
        """Clip time at which written word ``written_index`` starts to be heard."""
        a, b = self.script.spans[written_index]
        words = self.speech.words
        if a < b:
            return words[a].start
        # the lexicon made this word silent: it "starts" where the previous spoken word ends
        return words[a - 1].end if a > 0 else (words[0].start if words else 0.0)

    def time_until_bookmark(self, mark: str, buff: float = 0.0, limit: float | None = None) -> float:
        """Seconds from now until ``mark`` plus ``buff``, in whole frames (at least one).

        Use it as a ``run_time`` to make an animation land on the word.
        """
        t = self.bookmark_time(mark) - self.scene.time + buff
        if limit is not None:
            t = min(t, limit)
        return frame_count(t, config.frame_rate) / config.frame_rate

    def get_remaining_duration(self, buff: float = 0.0) -> float:
        """Seconds from now until the beat's audio ends plus ``buff``, in whole frames (at least one)."""
        return frame_count(self.end - self.scene.time + buff, config.frame_rate) / config.frame_rate

    def on_words(self, starts: Sequence[str | None], step: float = 0.6) -> dict[str, Any]:
        """``run_time`` and ``rate_func`` that start stage ``i`` of a staged verb on bookmark ``starts[i]``.

        A staged verb (such as ``BTree.search`` or ``BTree.insert``) plays its
        stages as equal shares of one animation. The rate function returned here
        spends ``step`` seconds on each stage, starting on its bookmark, and holds
        in between, so each stage lands on the word that names it. The animation
        lasts until the beat's audio ends (or the last stage's ``step`` is done).

        Parameters
        ----------
        starts
            One entry per stage: a bookmark of this beat; ``None`` to follow the
            stage before by ``step`` (the first stage: now); or ``"end"`` for the
            beat's last ``step`` seconds.
        step
            Seconds each stage takes.

        Returns
        -------
        dict
            ``{"run_time": ..., "rate_func": ...}``: use as ``self.play(verb, **beat.on_words([...]))``.

        Raises
        ------
        ValueError
            If ``starts`` is empty or ``step`` is not positive.
        BookmarkError
            If a start names a bookmark the beat does not have.
        """
        if not starts:
            raise ValueError("starts must not be empty")
        if step <= 0:
            raise ValueError(f"step must be > 0, got {step}")
        now, n = self.scene.time, len(starts)
        t0 = [now] * n
        for i, mark in enumerate(starts):
            if mark == "end":  # the last step of the beat
                t0[i] = self.end - step
            else:
                t0[i] = self.bookmark_time(mark) if mark else (t0[i - 1] + step if i else now)
        end = max(self.end, t0[-1] + step) - now
        spans = [(t - now, min(step, (t0[i + 1] if i + 1 < n else now + end) - t)) for i, t in enumerate(t0)]

        def rate(u: float) -> float:
            t = u * end
            done = sum(1 for s, d in spans if t >= s + d)
            current = next(((t - s) / d for s, d in spans if s <= t < s + d), 0.0)
            return 1.0 if u >= 1 else min(1.0, (done + current) / n)

        return {"run_time": end, "rate_func": rate}

    def written_words(self) -> list[Word]:
        """The written words with scene times, for captions."""
        out = []
        for i, (word, (a, b)) in enumerate(zip(self.script.written, self.script.spans, strict=True)):
            if a == b:  # spoken as part of a neighbour (or not at all): zero length
                t = self.start + self._onset(i)
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


class ChapterReached(Exception):
    """Raised by :meth:`ExplainerScene.chapter` when the scene reaches ``stop_before``."""


class ExplainerScene(Scene):
    """Base class of every visualsys topic: a dark scene driven by narration.

    Parameters
    ----------
    narrator
        Speaks the beats. Defaults to a silent narrator (durations estimated
        from the text), which is what tests and layout checks want; the
        render pipeline passes the real voice.
    lexicon
        Pronunciations specific to this scene, merged over the narrator's
        (project-wide) lexicon. When not given, the ``TOPIC.lexicon`` of the
        module that defines the scene class is used, if there is one.
    """

    def __init__(
        self, narrator: Narrator | None = None, lexicon: dict[str, str] | None = None, **kwargs: Any
    ) -> None:
        self.narrator = narrator or Narrator(SilentService())
        if lexicon is None:
            lexicon = _topic_lexicon(type(self))
        self.lexicon = merge(self.narrator.lexicon, check_lexicon(lexicon, f"{type(self).__name__} lexicon"))
        self.beats: list[Beat] = []
        self.current_section = "Intro"
        self._section_starts: list[tuple[str, float]] = []
        self._beat: Beat | None = None
        super().__init__(**kwargs)

    def setup(self) -> None:
        """Paint the background with the theme colour."""
        self.camera.background_color = theme.BACKGROUND

    # -- sections become chapters ---------------------------------------------
    #: Scene time of the poster frame (set by :meth:`poster_here`); ``None`` = the default.
    poster_time: float | None = None

    def poster_here(self) -> None:
        """Make the picture at this moment the video's 1280x720 poster (thumbnail).

        Call it between animations; the last call wins. Without it the poster
        is the end of the first beat after the title.
        """
        self.poster_time = self.time

    #: Set to a chapter name to end the scene just before that chapter starts
    #: (:class:`ChapterReached` is raised); graphical tests use it to freeze a key frame.
    stop_before: str | None = None

    def chapter(self, name: str) -> None:
        """Start a new chapter (a Manim section) called ``name``."""
        if name == self.stop_before:
            raise ChapterReached(name)
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
        reads_written = getattr(self.narrator.service, "reads_written_text", False)
        script = parse(text, {} if reads_written else self.lexicon)
        if not script.written:
            raise ValueError(f"voiceover beat {len(self.beats) + 1} has no words")
        try:
            speech = self.narrator.speak(script.spoken_text)
        except RecordingMissing as exc:
            raise RecordingMissing(f"beat {len(self.beats) + 1}: {exc}") from None
        beat = Beat(self, len(self.beats), self.time, script, speech, self.current_section)
        self.beats.append(beat)
        self._beat = beat
        try:
            yield beat
        finally:
            self._beat = None
        # wait to the first frame boundary at or after the audio's end, so the
        # picture always covers the whole beat (never cut by a rounding frame)
        end = math.ceil(beat.end * config.frame_rate - 1e-6) / config.frame_rate
        if end - self.time > 1e-6:
            self.wait(end - self.time)

    @classmethod
    def validate_run_time(cls, run_time: float, method: Any, parameter_name: str = "run_time") -> float:
        """Manim's check, minus its warning for a time a hair under one frame (it becomes one frame).

        Times here are snapped to whole frames, so a closing wait that is one
        frame long up to rounding is not the mistake Manim warns about.
        """
        fps = config.frame_rate
        if 0 < run_time < 1 / fps and round(run_time * fps) >= 1:
            run_time = 1 / fps
        return super().validate_run_time(run_time, method, parameter_name)

    def get_run_time(self, animations: Sequence[Any]) -> float:
        """Manim's run time of ``animations``, snapped to whole frames (see :func:`snap_run_time`)."""
        run_time = super().get_run_time(list(animations))
        still = (
            len(animations) == 1 and isinstance(animations[0], Wait)
            and animations is self.animations and not self.should_update_mobjects()
        )
        return snap_run_time(run_time, config.frame_rate, still)

    def wait_until_bookmark(self, mark: str) -> None:
        """Wait until the current beat reaches ``mark`` (no-op if already past)."""
        if self._beat is None:
            raise RuntimeError("wait_until_bookmark must be called inside a voiceover block")
        delay = self._beat.bookmark_time(mark) - self.time
        if delay > 0.5 / config.frame_rate:
            self.wait(delay)


def _topic_lexicon(scene_cls: type) -> dict[str, str]:
    """The ``TOPIC.lexicon`` of the module that defines ``scene_cls`` (empty if none)."""
    module = sys.modules.get(scene_cls.__module__)
    topic = getattr(module, "TOPIC", None)
    lexicon = getattr(topic, "lexicon", None)
    return dict(lexicon) if isinstance(lexicon, dict) else {}

"""Speech: what a voice returns, and the one-method interface every voice implements."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import numpy as np

#: The sample rate of the finished narration track (and of the video's audio stream).
TRACK_RATE = 48000


@dataclass(frozen=True)
class Word:
    """One spoken word and when it is heard, in seconds from the clip's start."""

    text: str
    start: float
    end: float


@dataclass
class Speech:
    """A synthesised (or recorded) clip with a timing for every word.

    ``words`` holds exactly one entry per whitespace-separated token of the
    text that was spoken, in order; bookmarks and captions rely on that.
    """

    samples: np.ndarray  # float32, mono, in [-1, 1]
    sample_rate: int
    words: list[Word] = field(default_factory=list)
    #: "model" when the timings come from the voice itself, "estimate" otherwise.
    timing_source: str = "estimate"

    @property
    def duration(self) -> float:
        """Length of the clip in seconds."""
        return len(self.samples) / self.sample_rate


class VoiceUnavailable(RuntimeError):
    """A voice's package, program or files are missing; the message says how to get them."""


class SpeechService(ABC):
    """A voice. Subclasses implement :meth:`synthesize`; everything else is shared.

    ``fingerprint`` must change whenever the same text would sound different
    (voice, speed, engine version): it is part of the audio cache key.
    """

    name: str = "abstract"
    #: False for voices whose clips are cheaper to re-read than to cache (recordings).
    cacheable: bool = True
    #: True for voices that read the text as written (a person reading the
    #: script): the pronunciation lexicon is not applied for them.
    reads_written_text: bool = False

    @property
    def fingerprint(self) -> str:
        """Identify the voice and its settings for the audio cache."""
        return self.name

    @abstractmethod
    def synthesize(self, text: str) -> Speech:
        """Speak ``text`` and return the clip with per-word timings."""


_PAUSE_AFTER = {",": 1.5, ";": 2.0, ":": 2.0, ".": 3.0, "?": 3.0, "!": 3.0}


def estimate_words(text: str, duration: float) -> list[Word]:
    """Spread ``duration`` over the words of ``text`` in proportion to their length.

    Punctuation at a word's end adds a pause after it, as a voice would. Used
    by voices that cannot report their own timings (silent, espeak).
    """
    tokens = text.split()
    if not tokens:
        return []
    weights = []
    pauses = []
    for tok in tokens:
        letters = len(re.sub(r"[^\w]", "", tok)) or 1
        weights.append(letters + 1.0)
        pauses.append(_PAUSE_AFTER.get(tok[-1], 0.0))
    total = sum(weights) + sum(pauses[:-1])
    unit = duration / total
    words, t = [], 0.0
    for tok, w, p in zip(tokens, weights, pauses, strict=True):
        words.append(Word(tok, t, t + w * unit))
        t += (w + p) * unit
    return words


def voiced_region(samples: np.ndarray, rate: int, floor_db: float = -40.0) -> tuple[float, float]:
    """Return ``(start, end)`` seconds of the part of a clip above ``floor_db`` relative to its peak.

    Measured in 10 ms frames; a silent clip gives ``(0, duration)``.
    """
    duration = len(samples) / rate if rate else 0.0
    hop = max(1, rate // 100)
    n = len(samples) // hop
    if n == 0:
        return 0.0, duration
    frames = samples[: n * hop].astype(np.float64).reshape(n, hop)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    peak = rms.max()
    if peak <= 0:
        return 0.0, duration
    loud = np.nonzero(rms >= peak * 10 ** (floor_db / 20))[0]
    return loud[0] * hop / rate, min(duration, (loud[-1] + 1) * hop / rate)


def estimate_voiced_words(text: str, samples: np.ndarray, rate: int) -> list[Word]:
    """:func:`estimate_words` over the clip's voiced part (leading and trailing silence skipped)."""
    start, end = voiced_region(samples, rate)
    return [Word(w.text, w.start + start, w.end + start) for w in estimate_words(text, end - start)]

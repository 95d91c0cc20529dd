"""A narration track made a beat at a time, while the scene that speaks it still runs.

The mixing itself is :mod:`.mix`'s (each clip levelled on its own, then
placed); this module only decides when, and names the result. It imports
the mixer (SciPy) only when it first has to level a clip.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from .speech import TRACK_RATE, Speech

#: Source files whose code makes a track: a change to any makes every track new.
_TRACK_CODE = (Path(__file__), Path(__file__).with_name("mix.py"),
               Path(__file__).resolve().parents[1] / "render" / "mux.py")


class TrackBuilder:
    """A narration track made a beat at a time, while the scene that speaks it still runs.

    :meth:`add` each beat as it starts (in order); :meth:`key` names the
    finished track after everything it is made of, and :meth:`track` returns
    it. Call them all from one thread (the render's mixer thread).

    ``previous`` is the list of :attr:`keys` of the last track made for this
    topic. While the beats added so far are the ones that track began with,
    levelling them is put off: if the narration turns out unchanged, the
    caller reuses that track and nothing is levelled at all. At the first
    beat that differs, the put-off beats are levelled, and so is every beat
    after it, as it arrives.

    Attributes
    ----------
    keys
        After each added beat, a digest of every beat so far (clip and start),
        the track's rate and the mixing code.
    levelled
        How many clips were levelled (for the tests and the curious).
    """

    def __init__(self, rate: int = TRACK_RATE, previous: list[str] | None = None) -> None:
        self.rate = rate
        self.keys: list[str] = []
        self.levelled = 0
        self._previous = list(previous or [])
        self._digest = hashlib.sha256(f"track {rate}".encode())
        for source in _TRACK_CODE:
            self._digest.update(source.read_bytes())
        self._beats: list[tuple[float, Speech]] = []
        self._clips: list[np.ndarray | None] = []
        self._deferring = True

    def add(self, start: float, speech: Speech) -> None:
        """The next beat: its clip starts ``start`` seconds into the track."""
        samples = np.ascontiguousarray(speech.samples)
        self._digest.update(f"|{start!r} {speech.sample_rate} {samples.dtype.str} {samples.shape}|".encode())
        self._digest.update(samples.tobytes())
        self.keys.append(self._digest.copy().hexdigest()[:20])
        self._beats.append((start, speech))
        self._clips.append(None)
        k = len(self.keys) - 1
        if self._deferring and k < len(self._previous) and self._previous[k] == self.keys[k]:
            return
        self._deferring = False
        self._level_all()

    def key(self, total: float) -> str:
        """The finished track's name: the beats' digest with the track's length."""
        last = self.keys[-1] if self.keys else self._digest.hexdigest()
        return hashlib.sha256(f"{last} {total!r} {len(self.keys)}".encode()).hexdigest()[:20]

    def track(self, total: float) -> np.ndarray:
        """The track, ``total`` seconds long (levelling any beat still put off)."""
        self._level_all()
        clips = [(start, clip) for (start, _), clip in zip(self._beats, self._clips, strict=True)]
        from .mix import _place

        return _place([(s, c) for s, c in clips if c is not None], total, self.rate)

    def _level_all(self) -> None:
        from .mix import level  # (SciPy: imported by the thread that mixes, when it first has to)

        for i, clip in enumerate(self._clips):
            if clip is None:
                self._clips[i] = level(self._beats[i][1], self.rate)
                self.levelled += 1


__all__ = ["TrackBuilder"]

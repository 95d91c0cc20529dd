"""A narration track made a beat at a time, while the scene that speaks it still runs.

The mixing itself is :mod:`.mix`'s (each clip levelled on its own, then
placed); this module only decides when, and names the result. It imports
the mixer (SciPy) only when it first has to level a clip.
"""

from __future__ import annotations

import hashlib
import os
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

    Each clip is levelled once: with a ``clips_dir``, the levelled clip is
    kept there as 16-bit PCM (what the track is mixed in, so nothing is
    lost), named after the clip's samples and the mixing code, and a later
    track with the same clip reads it instead (:meth:`prune` removes the
    clips of older tracks).

    ``previous`` is the list of :attr:`keys` of the last track made for this
    topic. While the beats added so far are the ones that track began with,
    they are put off: if the narration turns out unchanged, the caller
    reuses that track and no clip is even read. At the first beat that
    differs, the put-off beats are made, and so is every beat after it, as
    it arrives.

    Attributes
    ----------
    keys
        After each added beat, a digest of every beat so far (clip and start),
        the track's rate and the mixing code.
    levelled
        How many clips were levelled, not read from ``clips_dir`` (for the tests and the curious).
    """

    def __init__(self, rate: int = TRACK_RATE, previous: list[str] | None = None,
                 clips_dir: Path | None = None) -> None:
        self.rate = rate
        self.clips_dir = clips_dir
        self.keys: list[str] = []
        self.levelled = 0
        self._previous = list(previous or [])
        code = hashlib.sha256(f"track {rate}".encode())
        for source in _TRACK_CODE:
            code.update(source.read_bytes())
        self._code = code.hexdigest()
        self._beats: list[tuple[float, Speech]] = []
        self._ids: list[str] = []
        self._clips: list[np.ndarray | None] = []
        self._deferring = True

    def add(self, start: float, speech: Speech) -> None:
        """The next beat: its clip starts ``start`` seconds into the track."""
        samples = np.ascontiguousarray(speech.samples)
        header = f"{self._code} {speech.sample_rate} {samples.dtype.str} {samples.shape}"
        clip = hashlib.sha256(header.encode())
        clip.update(samples.tobytes())
        self._ids.append(clip.hexdigest()[:24])
        last = self.keys[-1] if self.keys else self._code
        self.keys.append(hashlib.sha256(f"{last} {start!r} {self._ids[-1]}".encode()).hexdigest()[:20])
        self._beats.append((start, speech))
        self._clips.append(None)
        k = len(self.keys) - 1
        if self._deferring and k < len(self._previous) and self._previous[k] == self.keys[k]:
            return
        self._deferring = False
        self._make_all()

    def key(self, total: float) -> str:
        """The finished track's name: the beats' digest with the track's length."""
        last = self.keys[-1] if self.keys else self._code
        return hashlib.sha256(f"{last} {total!r} {len(self.keys)}".encode()).hexdigest()[:20]

    @property
    def putting_off(self) -> bool:
        """Whether every beat so far is the last track's (and so none has been made yet)."""
        return self._deferring

    def settled(self) -> int:
        """How many samples at the track's start are final: up to where the last added beat begins.

        Beats come in order, so no later beat can reach back before it.
        """
        from .mix import first_sample

        return first_sample(self._beats[-1][0], self.rate) if self._beats else 0

    def piece(self, begin: int, end: int | None, total: float | None = None) -> np.ndarray:
        """Samples ``[begin, end)`` of the track (``total`` seconds long, if known yet), as float32.

        Makes any beat still put off. ``end=None`` is the track's end (``total`` is then required).
        """
        from .mix import place_pcm

        self._make_all()
        starts = [start for start, _ in self._beats]
        return place_pcm(zip(starts, self._clips, strict=True), total, self.rate,  # type: ignore[arg-type]
                         begin, end)

    def track(self, total: float) -> np.ndarray:
        """The track, ``total`` seconds long, as float32 (making any beat still put off)."""
        return self.piece(0, None, total)

    def prune(self) -> None:
        """Remove from ``clips_dir`` every levelled clip this track does not use."""
        if self.clips_dir is None or not self.clips_dir.is_dir():
            return
        mine = {f"{clip_id}.s16" for clip_id in self._ids}
        for path in self.clips_dir.iterdir():
            if path.name not in mine:
                path.unlink(missing_ok=True)

    def _make_all(self) -> None:
        for i, clip in enumerate(self._clips):
            if clip is None:
                self._clips[i] = self._levelled(i)

    def _levelled(self, i: int) -> np.ndarray:
        kept = self.clips_dir / f"{self._ids[i]}.s16" if self.clips_dir is not None else None
        if kept is not None:
            try:
                return np.fromfile(kept, dtype="<i2")
            except OSError:
                pass
        from .mix import level, pcm16  # (SciPy: imported by the thread that mixes, when it first has to)

        pcm = pcm16(level(self._beats[i][1], self.rate))
        self.levelled += 1
        if kept is not None:
            kept.parent.mkdir(parents=True, exist_ok=True)
            tmp = kept.with_name(f".{kept.name}.{os.getpid()}")
            pcm.tofile(tmp)
            os.replace(tmp, kept)
        return pcm


__all__ = ["TrackBuilder"]

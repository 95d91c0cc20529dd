"""Probe a finished video with PyAV: streams, durations, frame count, loudness."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np


@dataclass
class MediaInfo:
    """What a video file holds."""

    width: int
    height: int
    fps: float
    frames: int
    video_duration: float
    video_codec: str
    audio_codec: str | None
    audio_duration: float | None
    audio_rate: int | None


def probe(path: Path) -> MediaInfo:
    """Return stream facts of ``path`` (frames are counted by demuxing, not trusted from headers)."""
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        fps = float(v.average_rate or v.guessed_rate or 0)
        frames = sum(1 for p in c.demux(v) if p.size)
        vdur = frames / fps if fps else 0.0
        a = c.streams.audio[0] if c.streams.audio else None
        adur = float(a.duration * a.time_base) if a is not None and a.duration and a.time_base else None
        return MediaInfo(
            v.codec_context.width, v.codec_context.height, fps, frames, vdur,
            v.codec_context.name, a.codec_context.name if a else None, adur,
            a.codec_context.sample_rate if a else None,
        )


def decode_audio(path: Path) -> tuple[np.ndarray, int]:
    """Decode the first audio stream of ``path`` to float32 mono samples."""
    with av.open(str(path)) as c:
        a = c.streams.audio[0]
        rate = a.codec_context.sample_rate
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        parts = []
        for frame in c.decode(a):
            for f in resampler.resample(frame):
                parts.append(f.to_ndarray().reshape(-1))
        for f in resampler.resample(None):
            parts.append(f.to_ndarray().reshape(-1))
    return (np.concatenate(parts) if parts else np.zeros(0, np.float32)), rate

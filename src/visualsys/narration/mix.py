"""The narration track: every beat placed at its start, mixed, resampled and normalised.

The track is built from the scene's own record of its beats (start time and
clip), never from what Manim replays, so it survives cached re-renders. Beats
are laid on a silent bed with pydub; the result is resampled to 48 kHz,
normalised to -16 LUFS integrated (pyloudnorm, ITU-R BS.1770-4) and passed
through a look-ahead limiter that keeps the true peak at or below -1 dBTP.
"""

from __future__ import annotations

from collections.abc import Iterable
from math import gcd

import numpy as np
import pyloudnorm
from pydub import AudioSegment
from scipy.ndimage import maximum_filter1d, uniform_filter1d
from scipy.signal import resample_poly

from .speech import Speech

TRACK_RATE = 48000
TARGET_LUFS = -16.0
CEILING_DBTP = -1.0


def to_rate(samples: np.ndarray, rate: int, target: int = TRACK_RATE) -> np.ndarray:
    """Resample float32 mono ``samples`` from ``rate`` to ``target`` Hz (polyphase)."""
    if rate == target or len(samples) == 0:
        return samples.astype(np.float32)
    g = gcd(rate, target)
    return resample_poly(samples, target // g, rate // g).astype(np.float32)


def _segment(samples: np.ndarray, rate: int) -> AudioSegment:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    return AudioSegment(pcm.tobytes(), frame_rate=rate, sample_width=2, channels=1)


def place_beats(clips: Iterable[tuple[float, Speech]], total: float, rate: int = TRACK_RATE) -> np.ndarray:
    """Lay each ``(start seconds, speech)`` on a silent bed ``total`` seconds long.

    Returns float32 samples at ``rate``, exactly ``round(total * rate)`` long
    (audio past ``total`` is cut, so the track never outlasts the picture).
    """
    n = int(round(total * rate))
    bed = _segment(np.zeros(n, np.float32), rate)
    for start, speech in clips:
        clip = _segment(to_rate(speech.samples, speech.sample_rate, rate), rate)
        bed = bed.overlay(clip, position=int(round(start * 1000)))
    out = np.frombuffer(bed.raw_data, dtype="<i2").astype(np.float32) / 32768.0
    if len(out) < n:
        out = np.pad(out, (0, n - len(out)))
    return out[:n].astype(np.float32)


def true_peak(samples: np.ndarray, oversample: int = 4) -> float:
    """Return the true peak (linear) of ``samples`` by 4x oversampling, as BS.1770 does."""
    if len(samples) == 0:
        return 0.0
    return float(np.max(np.abs(resample_poly(samples, oversample, 1))))


def limit(samples: np.ndarray, rate: int, ceiling_db: float = CEILING_DBTP,
          lookahead: float = 0.005, release: float = 0.08) -> np.ndarray:
    """Look-ahead peak limiter: smooth gain reduction so the true peak stays under ``ceiling_db``."""
    ceiling = 10 ** (ceiling_db / 20) * 0.97  # a little headroom for inter-sample peaks
    over = np.abs(resample_poly(samples, 4, 1)).reshape(-1, 4).max(axis=1)[: len(samples)]
    need = np.minimum(1.0, ceiling / np.maximum(over, 1e-9))
    if need.min() >= 1.0:
        return samples
    reduction = 1.0 - need
    # hold each peak's reduction for the look-ahead before it and the release after
    # it, then smooth with a window half as wide: the gain eases in and out and is
    # still fully reduced at every peak.
    hold = max(1, int((lookahead + release) * rate))
    reduction = maximum_filter1d(reduction, size=2 * hold + 1)
    smoothed = uniform_filter1d(reduction, size=hold)
    return (samples * (1.0 - smoothed)).astype(np.float32)


def normalise(samples: np.ndarray, rate: int, target_lufs: float = TARGET_LUFS,
              ceiling_db: float = CEILING_DBTP) -> np.ndarray:
    """Bring ``samples`` to ``target_lufs`` integrated with true peak <= ``ceiling_db``.

    Silent (or too short to measure) input is returned unchanged.
    """
    meter = pyloudnorm.Meter(rate)
    if len(samples) < int(0.5 * rate) or not np.any(samples):
        return samples
    out = samples.astype(np.float64)
    for _ in range(3):  # limiting lowers loudness a little; re-gain and limit again
        loudness = meter.integrated_loudness(out)
        if not np.isfinite(loudness):
            return samples
        out = out * 10 ** ((target_lufs - loudness) / 20)
        out = limit(out, rate, ceiling_db)
        if abs(meter.integrated_loudness(out) - target_lufs) < 0.2:
            break
    return out.astype(np.float32)


def narration_track(clips: Iterable[tuple[float, Speech]], total: float,
                    rate: int = TRACK_RATE) -> np.ndarray:
    """Place, resample and normalise the beats: the finished narration track."""
    return normalise(place_beats(clips, total, rate), rate)

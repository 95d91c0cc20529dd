"""The narration track: every beat levelled, then placed at its start.

The track is built from the scene's own record of its beats (start time and
clip), never from what Manim replays, so it survives cached re-renders. Each
clip is resampled to 48 kHz and levelled on its own: normalised to -16 LUFS
integrated (pyloudnorm, ITU-R BS.1770-4) and passed through a look-ahead
limiter that keeps its true peak at or below -1 dBTP. The levelled clips are
laid on a silent bed with pydub. Beats never overlap (a beat ends when its
audio has played), so the track has every beat at -16 LUFS, its integrated
loudness is -16 LUFS too, and its true peak stays under the ceiling.

Levelling clip by clip is what lets a render do it while the scene runs, a
beat at a time (:class:`~.track.TrackBuilder`), instead of all at once after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from math import ceil, gcd

import numpy as np
import pyloudnorm
from pydub import AudioSegment
from scipy.ndimage import maximum_filter1d, uniform_filter1d
from scipy.signal import firwin, resample_poly

from .speech import TRACK_RATE, Speech

TARGET_LUFS = -16.0
CEILING_DBTP = -1.0


def to_rate(samples: np.ndarray, rate: int, target: int = TRACK_RATE) -> np.ndarray:
    """Resample float32 mono ``samples`` from ``rate`` to ``target`` Hz (polyphase)."""
    if rate == target or len(samples) == 0:
        return samples.astype(np.float32)
    g = gcd(rate, target)
    return resample_poly(samples, target // g, rate // g).astype(np.float32)


def pcm16(samples: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] as 16-bit PCM (what the track is mixed in)."""
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")


def _segment(pcm: np.ndarray, rate: int) -> AudioSegment:
    data = np.ascontiguousarray(pcm, "<i2").tobytes()
    return AudioSegment(data, frame_rate=rate, sample_width=2, channels=1)


def place_beats(clips: Iterable[tuple[float, Speech]], total: float, rate: int = TRACK_RATE) -> np.ndarray:
    """Lay each ``(start seconds, speech)`` on a silent bed ``total`` seconds long.

    Returns float32 samples at ``rate``, exactly ``round(total * rate)`` long
    (audio past ``total`` is cut, so the track never outlasts the picture).
    """
    pcm = ((start, pcm16(to_rate(s.samples, s.sample_rate, rate))) for start, s in clips)
    return place_pcm(pcm, total, rate)


def true_peak(samples: np.ndarray, oversample: int = 4) -> float:
    """Return the true peak (linear) of ``samples`` by 4x oversampling, as BS.1770 does."""
    if len(samples) == 0:
        return 0.0
    return float(np.max(np.abs(resample_poly(samples, oversample, 1))))


def limit(samples: np.ndarray, rate: int, ceiling_db: float = CEILING_DBTP,
          lookahead: float = 0.005, release: float = 0.08) -> np.ndarray:
    """Look-ahead peak limiter: smooth gain reduction so the true peak stays under ``ceiling_db``."""
    ceiling = 10 ** (ceiling_db / 20) * 0.97  # a little headroom for inter-sample peaks
    over = _oversampled_peaks(samples, ceiling)
    hot = np.flatnonzero(over > ceiling)
    if len(hot) == 0:
        return samples
    # hold each peak's reduction for the look-ahead before it and the release after
    # it, then smooth with a window half as wide: the gain eases in and out and is
    # still fully reduced at every peak. Both filters only spread the reduction by
    # 1.5 holds, so they run on windows around the peaks (zero elsewhere) instead
    # of the whole track.
    hold = max(1, int((lookahead + release) * rate))
    margin = 3 * hold + 2
    gain = np.ones(len(samples))
    for a, b in _runs(hot, margin, len(samples)):
        reduction = 1.0 - np.minimum(1.0, ceiling / np.maximum(over[a:b], 1e-9))
        reduction = maximum_filter1d(reduction, size=2 * hold + 1)
        gain[a:b] = 1.0 - uniform_filter1d(reduction, size=hold)
    return (samples * gain).astype(np.float32)


def _runs(indices: np.ndarray, margin: int, n: int) -> list[tuple[int, int]]:
    """``[a, b)`` windows covering sorted ``indices``, each widened by ``margin``, overlapping ones merged."""
    gaps = np.flatnonzero(np.diff(indices) > 2 * margin)
    starts = np.concatenate(([indices[0]], indices[gaps + 1])) - margin
    ends = np.concatenate((indices[gaps], [indices[-1]])) + margin + 1
    return [(int(a), int(b)) for a, b in zip(np.maximum(starts, 0), np.minimum(ends, n), strict=True)]


#: Input samples on each side that reach one output of ``resample_poly(x, 4, 1)``, with room to spare.
_REACH = 16
#: Loud runs closer than this (in samples) are oversampled as one piece (fewer, longer calls).
_MERGE = 2048


@lru_cache(maxsize=1)
def _x4_filter() -> np.ndarray:
    """The low-pass FIR ``resample_poly(x, 4, 1)`` designs for itself (so each call need not design it)."""
    return firwin(2 * 10 * 4 + 1, 1 / 4, window=("kaiser", 5.0))


def _x4(x: np.ndarray) -> np.ndarray:
    """``resample_poly(x, 4, 1)``, with its filter designed once."""
    return resample_poly(x, 4, 1, window=_x4_filter().copy())  # (it scales the coefficients in place)


@lru_cache(maxsize=1)
def _oversampling_gain() -> float:
    """How far ``resample_poly(x, 4, 1)`` can exceed ``max(|x|)``: the largest L1 norm of a filter phase."""
    impulse = np.zeros(4 * _REACH + 1)
    impulse[2 * _REACH] = 1.0
    response = _x4(impulse)
    return float(max(np.abs(response[phase::4]).sum() for phase in range(4)))


def _oversampled_peaks(samples: np.ndarray, ceiling: float) -> np.ndarray:
    """Per input sample, the largest magnitude among its 4 oversampled values, where it may reach ``ceiling``.

    The same numbers as oversampling the whole signal, but computed only
    around samples loud enough for their neighbourhood to reach ``ceiling``
    (no output of the filter exceeds the loudest input in its reach by more
    than :func:`_oversampling_gain`); elsewhere 0. Speech is mostly far below
    the ceiling, so this is a small fraction of the work.
    """
    n = len(samples)
    over = np.zeros(n)
    loud = np.flatnonzero(np.abs(samples) * _oversampling_gain() >= ceiling)
    if len(loud) == 0:
        return over
    # runs of loud samples, each widened by the filter's reach on both sides (twice, for exact interiors)
    gaps = np.flatnonzero(np.diff(loud) > _MERGE)
    starts = np.concatenate(([loud[0]], loud[gaps + 1])) - 2 * _REACH
    ends = np.concatenate((loud[gaps], [loud[-1]])) + 2 * _REACH + 1
    for a, b in zip(np.maximum(starts, 0), np.minimum(ends, n), strict=True):
        up = np.abs(_x4(samples[max(0, a - _REACH):b + _REACH]))
        lead = a - max(0, a - _REACH)
        over[a:b] = up[4 * lead:4 * (lead + b - a)].reshape(-1, 4).max(axis=1)
    return over


#: Added to a signal before it is measured (alternating sign, so the K-weighting passes it): far
#: below anything audible (-300 dBFS, gated out like silence) yet large enough that the weighting
#: filters' decaying output never reaches the subnormal floats the FPU handles ~100x slower.
_SUBNORMAL_GUARD = 1e-15


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness of mono ``samples`` in LUFS (pyloudnorm's BS.1770-4 meter).

    Narration is mostly digital silence, and pyloudnorm's IIR weighting
    filters spent most of their time decaying into subnormal numbers after
    each clip. A guard signal at -300 dBFS keeps them out of that range;
    it adds ~1e-30 to a block's mean square, so the measured value is the
    same to the last printed digit (a test compares the two).
    """
    guarded = samples.astype(np.float64)  # (a copy: the caller's samples are left alone)
    guarded[0::2] += _SUBNORMAL_GUARD
    guarded[1::2] -= _SUBNORMAL_GUARD
    return float(pyloudnorm.Meter(rate).integrated_loudness(guarded))


def _measured(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness of ``samples``; a clip shorter than a second is measured repeated to one."""
    if len(samples) < rate:
        samples = np.tile(samples, ceil(rate / max(1, len(samples))))
    return integrated_loudness(samples, rate)


def normalise(samples: np.ndarray, rate: int, target_lufs: float = TARGET_LUFS,
              ceiling_db: float = CEILING_DBTP) -> np.ndarray:
    """Bring ``samples`` to ``target_lufs`` integrated with true peak <= ``ceiling_db``.

    A clip shorter than a second ("Yes.") is measured as if repeated to a
    second, so it is levelled like the others. Silent input is returned unchanged.
    """
    if len(samples) == 0 or not np.any(samples):
        return samples
    out = samples.astype(np.float64)
    loudness = _measured(out, rate)
    for _ in range(3):  # limiting lowers loudness a little; re-gain and limit again
        if not np.isfinite(loudness):
            return samples
        out = limit(out * 10 ** ((target_lufs - loudness) / 20), rate, ceiling_db)
        loudness = _measured(out, rate)
        if abs(loudness - target_lufs) < 0.2:
            break
    return out.astype(np.float32)


def level(speech: Speech, rate: int = TRACK_RATE) -> np.ndarray:
    """One clip made ready for the track: resampled to ``rate`` and normalised (float32)."""
    return normalise(to_rate(speech.samples, speech.sample_rate, rate), rate)


def first_sample(start: float, rate: int) -> int:
    """The sample a clip placed at ``start`` seconds begins on (pydub places clips by the millisecond)."""
    return int(int(round(start * 1000)) * (rate / 1000.0))


def place_pcm(clips: Iterable[tuple[float, np.ndarray]], total: float | None, rate: int,
              begin: int = 0, end: int | None = None) -> np.ndarray:
    """Lay 16-bit clips already at ``rate`` on a silent bed ``total`` seconds long (pydub overlays).

    Returns float32 samples ``[begin, end)`` of the bed (all of it by default:
    exactly ``round(total * rate)``). A piece is the same samples as the whole
    track cut there, so a track can be made a piece at a time while later
    beats are still unknown (``total=None``: the bed's end is not known yet,
    ``end`` is required). ``begin`` must fall on a millisecond, as every clip does.
    """
    n = int(round(total * rate)) if total is not None else end
    if n is None:
        raise ValueError("place_pcm needs the track's total or the piece's end")
    end = n if end is None else min(end, n)
    if begin * 1000 % rate:
        raise ValueError(f"a piece must begin on a millisecond, not at sample {begin}")
    bed = _segment(np.zeros(max(0, end - begin), "<i2"), rate)
    for start, pcm in clips:
        first = first_sample(start, rate)
        lo, hi = max(first, begin), min(first + len(pcm), end)
        if lo < hi:  # pydub overlays at a millisecond; from the piece's start, lo is on one
            piece = _segment(pcm[lo - first : hi - first], rate)
            bed = bed.overlay(piece, position=(lo - begin) * 1000 // rate)
    out = np.frombuffer(bed.raw_data, dtype="<i2").astype(np.float32) / 32768.0
    if len(out) < end - begin:  # (pydub rounds a bed's length to the millisecond when it overlays)
        out = np.pad(out, (0, end - begin - len(out)))
    return out[: end - begin].astype(np.float32)


def narration_track(clips: Iterable[tuple[float, Speech]], total: float,
                    rate: int = TRACK_RATE) -> np.ndarray:
    """Level and place the beats: the finished narration track."""
    from .track import TrackBuilder

    builder = TrackBuilder(rate)
    for start, speech in clips:
        builder.add(start, speech)
    return builder.track(total)

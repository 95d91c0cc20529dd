"""Media checks on a rendered topic: streams, durations, loudness, captions, chapters.

They read what ``render.py`` wrote next to each other: ``<slug>.mp4``,
``<slug>.srt``, ``<slug>.vtt`` and ``<slug>.json``. Loudness is measured with
pyloudnorm (ITU-R BS.1770-4), the true peak by 4x oversampling; captions are
parsed with the same ``srt`` and ``webvtt-py`` libraries that wrote them, and
compared with both the narration text (from the metadata) and the audio
itself (speech heard with no caption on screen).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import srt
import webvtt

from ..narration import captions as rules
from ..narration.mix import CEILING_DBTP, TARGET_LUFS, integrated_loudness, true_peak
from ..render.probe import MediaInfo, decode_audio, probe
from .findings import Finding, clock, quote
from .timing import chapter_findings, published_chapter_findings

#: Loudness may be this far from the target (LU).
LOUDNESS_TOLERANCE = 1.0
#: Speech is anything louder than this (dBFS RMS over :data:`VAD_WINDOW`).
VOICE_DBFS = -45.0
VAD_WINDOW = 0.02
#: Uncaptioned speech shorter than this (seconds) is an edge effect, not a gap.
COVERAGE_TOLERANCE = 0.3


@dataclass
class _Cue:
    start: float
    end: float
    lines: list[str]


def check_media(video: Path, slug: str, *, scene_end: float | None = None,
                scene_chapters: Sequence[tuple[str, float]] | None = None) -> list[Finding]:
    """Every media finding for the render ``video`` (and its captions and metadata beside it).

    ``scene_end`` and ``scene_chapters`` come from running the current scene;
    when given, the render must agree with them.
    """
    out: list[Finding] = []

    def bad(check: str, msg: str, fix: str, t: float | None = None, objects: Sequence[str] = ()) -> None:
        out.append(Finding(check, slug, msg, fix, time=t, objects=list(objects)))

    try:
        info = probe(video)
    except Exception as exc:  # not a video PyAV can open
        bad("streams", f"{video.name} cannot be read: {exc}", "render it again")
        return out
    frame = 1.0 / info.fps
    if info.audio_codec is None:
        bad("streams", f"{video.name} has no audio stream", "render it again; the narration was not muxed")
    if info.frames == 0:
        bad("streams", f"{video.name} has no video frames", "render it again")
    if info.audio_duration is not None and abs(info.audio_duration - info.video_duration) > frame + 1e-6:
        bad("duration", f"audio lasts {info.audio_duration:.3f} s, video {info.video_duration:.3f} s: "
            f"{abs(info.audio_duration - info.video_duration) * 1000:.0f} ms apart (more than one frame, "
            f"{frame * 1000:.0f} ms)", "re-render; the narration track must be cut to the picture's length")
    if scene_end is not None and abs(scene_end - info.video_duration) > frame + 1e-6:
        bad("duration", f"the scene runs {scene_end:.3f} s but the video {info.video_duration:.3f} s",
            f"re-render: render.py {slug}")

    meta = _meta(video.with_suffix(".json"))
    if meta is None:
        bad("streams", f"{video.with_suffix('.json').name} is missing or not JSON",
            f"re-render: render.py {slug}")
    else:
        if abs(float(meta.get("duration", -1)) - info.video_duration) > frame + 1e-6:
            bad("duration",
                f"metadata says {meta.get('duration')} s, the video lasts {info.video_duration:.3f} s",
                f"re-render: render.py {slug}")
        sections = [(str(s.get("title", "")), float(s.get("start", 0))) for s in meta.get("sections", [])]
        for f in chapter_findings(sections, info.video_duration, slug):
            if f.severity == "error":  # the "too few chapters" warning is the scene check's to give
                f.message = "metadata sections: " + f.message
                out.append(f)
        if scene_chapters is not None and [(n, round(s, 3)) for n, s in scene_chapters] != [
                (n, round(s, 3)) for n, s in sections]:
            bad("chapters", "the metadata's sections differ from the scene's chapters",
                f"re-render: render.py {slug}")
        if "chapters" in meta:
            published = [(str(c.get("title", "")), float(c.get("start", 0))) for c in meta["chapters"]]
            out += published_chapter_findings(published, info.video_duration, slug)
            text = video.with_suffix(".chapters.txt")
            lines = [str(c.get("line", "")) for c in meta["chapters"]]
            try:
                written = text.read_text(encoding="utf-8").splitlines()
            except OSError:
                written = None
            if written is not None and written != lines:
                bad("chapters", f"{text.name} does not match the metadata's chapters",
                    f"re-render: render.py {slug}")

    samples, rate = (decode_audio(video) if info.audio_codec else (np.zeros(0, np.float32), 48000))
    if info.audio_codec:
        out += _loudness(samples, rate, slug)
    out += _captions(video, slug, meta, info, samples, rate)
    return out


def _meta(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _loudness(samples: np.ndarray, rate: int, slug: str) -> list[Finding]:
    out = []
    if len(samples) < rate // 2:
        return out
    lufs = integrated_loudness(samples, rate)
    if not math.isfinite(lufs) or abs(lufs - TARGET_LUFS) > LOUDNESS_TOLERANCE + 1e-9:
        out.append(Finding("loudness", slug,
                           f"integrated loudness is {lufs:.1f} LUFS; the target is {TARGET_LUFS:.0f} ±"
                           f"{LOUDNESS_TOLERANCE:.0f} LUFS",
                           "re-render (the mixer normalises); if it persists, report it against "
                           "narration/mix.py"))
    peak = true_peak(samples)
    dbtp = 20 * math.log10(peak) if peak > 0 else -math.inf
    if dbtp > CEILING_DBTP + 1e-9:
        out.append(Finding("true-peak", slug,
                           f"true peak is {dbtp:.2f} dBTP; the ceiling is {CEILING_DBTP:.0f} dBTP",
                           "re-render; if it persists, lower the limiter ceiling in narration/mix.py"))
    return out


def _read_srt(path: Path) -> list[_Cue]:
    subs = srt.parse(path.read_text(encoding="utf-8"))
    return [_Cue(s.start.total_seconds(), s.end.total_seconds(), s.content.split("\n")) for s in subs]


def _vtt_seconds(stamp: str) -> float:
    """``[hh:]mm:ss.mmm`` in seconds (webvtt-py's own ``*_in_seconds`` drop the milliseconds)."""
    parts = [float(p) for p in stamp.strip().split(":")]
    return sum(p * 60**i for i, p in enumerate(reversed(parts)))


def _read_vtt(path: Path) -> list[_Cue]:
    return [_Cue(_vtt_seconds(c.start), _vtt_seconds(c.end), c.text.split("\n"))
            for c in webvtt.read(str(path))]


def _words(text: str) -> list[str]:
    return text.split()


def _captions(video: Path, slug: str, meta: dict | None, info: MediaInfo, samples: np.ndarray,
              rate: int) -> list[Finding]:
    out: list[Finding] = []

    def bad(check: str, msg: str, fix: str, t: float | None = None, objects: Sequence[str] = ()) -> None:
        out.append(Finding(check, slug, msg, fix, time=t, objects=list(objects)))

    cues: dict[str, list[_Cue]] = {}
    for ext, reader in ((".srt", _read_srt), (".vtt", _read_vtt)):
        path = video.with_suffix(ext)
        try:
            cues[ext] = reader(path)
        except (OSError, ValueError, srt.SRTParseError, webvtt.errors.MalformedFileError) as exc:
            bad("captions", f"{path.name} is missing or unreadable: {exc}", f"re-render: render.py {slug}")
    if not cues:
        return out
    main = cues.get(".srt") or cues[".vtt"]
    if ".srt" in cues and ".vtt" in cues:
        a, b = cues[".srt"], cues[".vtt"]
        same = len(a) == len(b) and all(
            x.lines == y.lines and abs(x.start - y.start) < 0.002 and abs(x.end - y.end) < 0.002
            for x, y in zip(a, b, strict=False))
        if not same:
            bad("captions", "the SRT and VTT captions differ", f"re-render: render.py {slug}")

    fix_rules = "this is the caption builder's job (narration/captions.py); report it there"
    prev_end = 0.0
    for c in main:
        text = " ".join(c.lines)
        if len(c.lines) > rules.MAX_LINES:
            bad("captions",
                f"the cue at {clock(c.start)} has {len(c.lines)} lines (at most {rules.MAX_LINES})",
                fix_rules, c.start, [text])
        for line in c.lines:
            if len(line) > rules.MAX_LINE and " " in line.strip():
                bad("captions",
                    f"caption line {quote(line, 50)} at {clock(c.start)} has {len(line)} characters "
                    f"(at most {rules.MAX_LINE})", fix_rules, c.start, [line])
        if c.end <= c.start:
            bad("captions", f"the cue at {clock(c.start)} ends before it starts", fix_rules, c.start, [text])
        elif len(text) / (c.end - c.start) > rules.MAX_CPS * 1.1:
            bad("captions", f"the cue {quote(text)} at {clock(c.start)} shows {len(text)} characters for "
                f"{c.end - c.start:.2f} s ({len(text) / (c.end - c.start):.0f} per second; at most "
                f"{rules.MAX_CPS:.0f})", "slow the narration down here (shorter sentences, a pause) "
                "or " + fix_rules, c.start, [text])
        if c.start < prev_end - 0.002:
            bad("captions", f"the cue at {clock(c.start)} starts before the previous one ends", fix_rules,
                c.start,
                [text])
        if c.end > info.video_duration + 0.05:
            bad("captions", f"the cue at {clock(c.start)} ends after the video", fix_rules, c.start, [text])
        prev_end = c.end

    if meta is not None and "beats" in meta:
        spoken = _words(" ".join(str(b.get("text", "")) for b in meta["beats"]))
        shown = _words(" ".join(" ".join(c.lines) for c in main))
        if spoken != shown:
            i = next((k for k, (x, y) in enumerate(zip(spoken, shown, strict=False)) if x != y),
                     min(len(spoken), len(shown)))
            bad("captions", f"the captions do not match the narration from word {i + 1}: "
                f"narration {quote(' '.join(spoken[i:i + 6]))}, captions {quote(' '.join(shown[i:i + 6]))}",
                f"re-render: render.py {slug}", None, [" ".join(spoken[i:i + 6])])
    out += _coverage(main, samples, rate, slug)
    return out


def voiced(samples: np.ndarray, rate: int) -> list[tuple[float, float]]:
    """Stretches (seconds) where the track is louder than :data:`VOICE_DBFS`, gaps < 0.25 s bridged."""
    n = int(rate * VAD_WINDOW)
    if len(samples) < n:
        return []
    frames = samples[: len(samples) // n * n].reshape(-1, n).astype(np.float64)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    loud = 20 * np.log10(np.maximum(rms, 1e-10)) > VOICE_DBFS
    out: list[tuple[float, float]] = []
    for i in np.nonzero(loud)[0]:
        t0, t1 = i * VAD_WINDOW, (i + 1) * VAD_WINDOW
        if out and t0 - out[-1][1] < 0.25:
            out[-1] = (out[-1][0], t1)
        else:
            out.append((t0, t1))
    return out


def uncovered(a: float, b: float, spans: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """The parts of ``[a, b]`` that no span in sorted ``spans`` covers."""
    gaps, t = [], a
    for s, e in spans:
        if e <= t:
            continue
        if s >= b:
            break
        if s > t:
            gaps.append((t, min(s, b)))
        t = max(t, e)
        if t >= b:
            break
    if t < b:
        gaps.append((t, b))
    return gaps


def _coverage(cues: list[_Cue], samples: np.ndarray, rate: int, slug: str) -> list[Finding]:
    spans = sorted((c.start, c.end) for c in cues)
    out = []
    for a, b in voiced(samples, rate):
        for g0, g1 in uncovered(a, b, spans):
            if g1 - g0 > COVERAGE_TOLERANCE:
                out.append(Finding(
                    "caption-coverage", slug,
                    f"narration is heard at {clock(g0)}-{clock(g1)} with no caption on screen",
                    f"re-render (render.py {slug}); if it persists, report it against narration/captions.py",
                    time=g0, duration=g1 - g0))
    return out

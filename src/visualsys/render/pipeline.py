"""Render one topic: run its scene, build the narration track, package the outputs.

The steps, in order:

1. run the scene with Manim at the chosen quality (silent video; the scene
   records its beats as it goes);
2. lay the beats on a track, normalise it, and mux it into the video as AAC;
3. write captions (SRT, VTT) and metadata (JSON);
4. move every output into the output folder, each by an atomic rename.

Manim's own working files live in a cache folder, never in the output folder.
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import manim
from manim import tempconfig

from .. import __version__
from ..narration import captions
from ..narration.cache import Narrator
from ..narration.mix import TRACK_RATE, narration_track
from ..scene import ExplainerScene
from ..topics import TopicEntry
from .files import atomic_path, check_writable, write_text_atomic
from .presets import QUALITIES, Quality
from .mux import mux


@dataclass
class RenderResult:
    """What a render produced and how long it took."""

    slug: str
    video: Path
    srt: Path
    vtt: Path
    metadata: Path
    duration: float
    frames: int
    seconds: dict[str, float] = field(default_factory=dict)
    synth_calls: int = 0


def _log_nothing(message: str) -> None:
    pass


def run_scene(scene_cls: type[ExplainerScene], quality: Quality, narrator: Narrator,
              media_dir: Path, name: str) -> tuple[ExplainerScene, Path]:
    """Run ``scene_cls`` with Manim and return the scene and its silent video."""
    options = {
        "pixel_height": quality.height,
        "pixel_width": quality.width,
        "frame_rate": quality.fps,
        "media_dir": str(media_dir),
        "output_file": name,
        "verbosity": "WARNING",
        "progress_bar": "none",
        "write_to_movie": True,
        "format": "mp4",
        "disable_caching": False,
    }
    with tempconfig(options):
        scene = scene_cls(narrator=narrator)
        scene.render()
        video = Path(scene.renderer.file_writer.movie_file_path)
    return scene, video


def metadata(entry: TopicEntry, scene: ExplainerScene, quality: Quality, voice: str,
             duration: float) -> dict:
    """The JSON metadata of a finished render."""
    t = entry.topic
    return {
        "slug": t.slug,
        "title": t.title,
        "category": t.category,
        "summary": t.summary,
        "tags": list(t.tags),
        "target_length": t.length,
        "duration": round(duration, 3),
        "quality": {"name": quality.name, "width": quality.width, "height": quality.height, "fps": quality.fps},
        "voice": voice,
        "sections": [{"title": n, "start": round(s, 3)} for n, s in scene.chapters],
        "beats": [
            {"index": b.index, "section": b.section, "start": round(b.start, 3),
             "end": round(b.end, 3), "text": b.script.written_text}
            for b in scene.beats
        ],
        "versions": {"visualsys": __version__, "manim": manim.__version__, "python": platform.python_version()},
        "source_sha256": entry.source_hash(),
    }


def render_topic(
    entry: TopicEntry,
    *,
    quality: str = "hd",
    out_dir: Path = Path("out"),
    narrator: Narrator,
    voice: str = "hibari",
    work_dir: Path,
    log: Callable[[str], None] = _log_nothing,
) -> RenderResult:
    """Render ``entry`` and write its outputs to ``out_dir``.

    ``work_dir`` holds Manim's working files (partial movies, its cache).
    """
    q = QUALITIES[quality]
    out_dir = Path(out_dir)
    check_writable(out_dir)
    slug = entry.slug
    times: dict[str, float] = {}
    calls_before = narrator.synth_calls

    t0 = time.perf_counter()
    log(f"{slug}: running the scene at {q.label}")
    media_dir = Path(work_dir) / "manim" / slug
    scene, silent = run_scene(entry.scene, q, narrator, media_dir, slug)
    times["scene"] = time.perf_counter() - t0
    frames = int(round(scene.time * q.fps))
    duration = frames / q.fps

    t1 = time.perf_counter()
    log(f"{slug}: mixing {len(scene.beats)} beats and muxing audio")
    track = narration_track(((b.start, b.speech) for b in scene.beats), duration, TRACK_RATE)
    words = [w for b in scene.beats for w in b.written_words()]
    cues = captions.build_cues(words, [b.end for b in scene.beats])
    meta = metadata(entry, scene, q, voice, duration)

    video, srt_path, vtt_path, meta_path = (
        out_dir / f"{slug}.mp4", out_dir / f"{slug}.srt", out_dir / f"{slug}.vtt", out_dir / f"{slug}.json",
    )
    with atomic_path(video) as part:
        mux(silent, track, TRACK_RATE, part)
    write_text_atomic(srt_path, captions.to_srt(cues))
    write_text_atomic(vtt_path, captions.to_vtt(cues))
    write_text_atomic(meta_path, json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    times["audio_and_outputs"] = time.perf_counter() - t1
    times["total"] = time.perf_counter() - t0
    return RenderResult(slug, video, srt_path, vtt_path, meta_path, duration, frames, times,
                        narrator.synth_calls - calls_before)

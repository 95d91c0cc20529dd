"""Check one topic: run its scene without drawing (layout + timing), probe its render (media).

::

    from visualsys.checks.runner import check_topic
    report = check_topic(entry, narrator=Narrator(get_service("hibari"), Path(".cache/speech")))
    for f in report.findings: print(f.check, f.message)
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..narration.cache import Narrator
from ..render.presets import DEFAULT_QUALITY, QUALITIES
from ..scene import ExplainerScene
from ..topic import Topic
from ..topics import TopicEntry
from . import layout, timing, waivers
from .findings import Finding
from .probe import SAMPLE_PERIOD, Recording, record


@dataclass
class TopicReport:
    """The findings for one topic and what was checked."""

    slug: str
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    duration: float | None = None
    beats: int = 0
    samples: int = 0
    media: str | None = None  # the video whose media was checked, if any
    notes: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[Finding]:
        """Findings that fail the check (errors, not waived)."""
        return [f for f in self.findings if f.fails]

    @property
    def passed(self) -> bool:
        """Whether nothing fails."""
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "topic": self.slug, "passed": self.passed, "seconds": round(self.seconds, 2),
            "duration": None if self.duration is None else round(self.duration, 3), "beats": self.beats,
            "samples": self.samples, "media": self.media, "notes": self.notes,
            "findings": [f.to_dict() for f in self.findings],
        }


def check_scene(scene_cls: type[ExplainerScene], topic: Topic, *, narrator: Narrator,
                quality: str = DEFAULT_QUALITY, fps: float | None = None, work_dir: Path | None = None,
                sample_period: float = SAMPLE_PERIOD) -> tuple[TopicReport, Recording]:
    """Layout and timing findings of ``scene_cls`` (run without rendering, waivers applied)."""
    started = time.perf_counter()
    q = QUALITIES[quality]
    rec = record(scene_cls, narrator=narrator, fps=fps or q.fps, width=q.width, height=q.height,
                 media_dir=work_dir, sample_period=sample_period)
    report = TopicReport(topic.slug, duration=rec.end, beats=len(rec.scene.beats), samples=len(rec.samples))
    findings: list[Finding] = []
    if rec.error is not None:
        where = f" at line {rec.error_line}" if rec.error_line else ""
        findings.append(Finding(
            "scene-error", topic.slug, f"the scene stopped{where}: {type(rec.error).__name__}: {rec.error}",
            "fix the scene (render it with --verbose for the traceback); "
            "the checks below cover only what ran",
            time=rec.end, line=rec.error_line,
        ))
    beat_at = timing.beat_locator(rec)
    findings += layout.aggregate(rec.samples, rec.end, topic.slug, beat_at)
    findings += timing.check_timing(rec, topic.slug, topic.length)
    waivers.apply(findings, waivers.recorded(rec.scene), timing.beat_spans(rec))
    report.findings = sorted(findings, key=_order)
    report.seconds = time.perf_counter() - started
    return report, rec


def _order(f: Finding) -> tuple:
    return (f.time if f.time is not None else float("inf"), f.check)


def check_topic(entry: TopicEntry, *, narrator: Narrator, quality: str = DEFAULT_QUALITY,
                media_dir: Path | None = None, require_media: bool = False, work_dir: Path | None = None,
                voice: str | None = None) -> TopicReport:
    """Every check of one topic.

    Media checks run when ``media_dir`` holds ``<slug>.mp4``; with
    ``require_media`` a missing render is itself a finding. The scene is run
    at the frame rate of that render (so its timeline matches the video),
    else at ``quality``'s.
    """
    from . import media  # PyAV and the loudness meter: only when there is something to probe

    started = time.perf_counter()
    slug = entry.slug
    video = Path(media_dir) / f"{slug}.mp4" if media_dir is not None else None
    meta = _read_meta(Path(media_dir) / f"{slug}.json") if media_dir is not None else None
    fps = float(meta["quality"]["fps"]) if meta and "quality" in meta else None
    report, rec = check_scene(entry.scene, entry.topic, narrator=narrator, quality=quality, fps=fps,
                              work_dir=work_dir)
    if video is not None and video.is_file():
        report.media = str(video)
        changed = _changed_sources(entry, meta)
        same_voice = meta is None or voice is None or meta.get("voice") == voice
        current = meta is not None and not changed and same_voice
        found = media.check_media(video, slug, scene_end=rec.end if current else None,
                                  scene_chapters=rec.scene.chapters if current else None)
        if changed:
            shown = ", ".join(changed[:4]) + (" …" if len(changed) > 4 else "")
            found.append(Finding(
                "stale", slug,
                f"{video.name} was rendered from other code than there is now (changed: {shown})",
                f"re-render it (render.py {slug}) before trusting the media findings", objects=changed,
                severity="warning"))
        elif not same_voice:
            report.notes.append(f"{video.name} was rendered with voice {meta.get('voice')!r}, "
                                f"checked with {voice!r}: scene/video timing not compared")
        waivers.apply(found, waivers.recorded(rec.scene), timing.beat_spans(rec))
        report.findings += found
    elif require_media:
        report.findings.append(Finding("streams", slug, f"no rendered video at {video}",
                                       f"render it first: render.py {slug}"))
    else:
        report.notes.append("no render found: media not checked")
    report.seconds = time.perf_counter() - started
    return report


def _changed_sources(entry: TopicEntry, meta: dict | None) -> list[str]:
    """Modules whose source differs from the render's (its metadata's ``sources`` hashes)."""
    if meta is None:
        return ["(no metadata)"]
    then = meta.get("sources")
    if not isinstance(then, dict):  # an older render: only the scene file's hash
        return [] if meta.get("source_sha256") == entry.source_hash() else [entry.path.name]
    from ..render.sources import file_sha256, source_closure

    module = sys.modules.get(entry.scene.__module__)
    now = {name: file_sha256(path) for name, path in source_closure(module).items()} if module else {}
    return sorted(name for name in set(now) | set(then) if now.get(name) != then.get(name))


def _read_meta(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None

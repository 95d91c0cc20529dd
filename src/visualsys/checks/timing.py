"""Timing checks on a recorded run: bookmarks, still stretches, overruns, length, chapters."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..render.chapters import MIN_CHAPTER, YOUTUBE_MIN_CHAPTERS, youtube_chapters
from .findings import Finding, clock, quote
from .probe import Recording

#: A still picture longer than this (seconds) is dead.
DEAD_PICTURE = 3.0
#: Animations may run past their beat's audio by this much (seconds) before it counts.
OVERRUN_TOLERANCE = 0.25
#: An animation timed to a bookmark may start this late (seconds) before it counts.
LATE_TOLERANCE = 0.1
#: Allowed distance of the total length from the topic's target, as a fraction.
LENGTH_TOLERANCE = 0.20


def beat_locator(rec: Recording):
    """A function mapping a scene time to (1-based beat, its snippet), or (None, '') between beats."""
    spans = beat_spans(rec)
    beats = rec.scene.beats

    def beat_at(t: float) -> tuple[int | None, str]:
        for b, (start, end) in zip(beats, spans, strict=True):
            if start - 1e-6 <= t < end - 1e-6:
                return b.index + 1, b.snippet()
        return None, ""

    return beat_at


def beat_spans(rec: Recording) -> list[tuple[float, float]]:
    """(start, end) of each beat, the end rounded up to the frame where the scene stops waiting for it."""
    return [(b.start, math.ceil(b.end * rec.fps - 1e-6) / rec.fps) for b in rec.scene.beats]


def check_timing(rec: Recording, topic: str, target_length: float) -> list[Finding]:
    """Every timing finding of the run."""
    out: list[Finding] = []
    out += bookmark_findings(rec, topic)
    out += dead_picture_findings(rec, topic)
    out += overrun_findings(rec, topic)
    out += length_findings(rec, topic, target_length)
    starts = [b.start for b in rec.scene.beats]
    out += chapter_findings(rec.scene.chapters, rec.end, topic, beat_starts=starts)
    return out


def bookmark_findings(rec: Recording, topic: str) -> list[Finding]:
    """Bookmarks never asked for, and animations that start after their word."""
    out = []
    for b in rec.scene.beats:
        for mark in b.script.bookmarks:
            if (b.index, mark) not in rec.queried:
                out.append(Finding(
                    "bookmark-unused", topic,
                    f'bookmark "{mark}" in beat {b.index + 1} is never waited for: '
                    "nothing happens on its word",
                    f'time an animation with beat.time_until_bookmark("{mark}") or '
                    f'self.wait_until_bookmark("{mark}"), or remove the bookmark from the text',
                    time=b.bookmark_time(mark), beat=b.index + 1, beat_text=b.snippet(), objects=[mark],
                ))
    late_tol = max(LATE_TOLERANCE, 1.5 / rec.fps)
    for use in rec.uses:
        late = use.asked_at - use.mark_time
        if late > late_tol:
            b = rec.scene.beats[use.beat]
            out.append(Finding(
                "bookmark-late", topic,
                f'the animation timed to bookmark "{use.mark}" starts {late:.2f} s after its word '
                f"({clock(use.mark_time)}): what plays before it runs too long",
                "shorten the animations before it in this beat, or move the bookmark later in the text",
                time=use.mark_time, duration=late, beat=use.beat + 1, beat_text=b.snippet(),
                objects=[use.mark], line=use.line,
            ))
    return out


def _still_stretches(rec: Recording) -> list[tuple[float, float, int | None]]:
    """Maximal stretches of scene time during which nothing moves: (start, end, line of the first wait)."""
    moving = sorted((p.start, p.end) for p in rec.plays if not p.still and p.end > p.start)
    stretches = []
    t = 0.0
    for start, end in moving + [(rec.end, rec.end)]:
        if start > t + 1e-9:
            line = next((p.line for p in rec.plays if p.still and p.start >= t - 1e-6), None)
            stretches.append((t, start, line))
        t = max(t, end)
    return stretches


def dead_picture_findings(rec: Recording, topic: str) -> list[Finding]:
    """Stretches longer than :data:`DEAD_PICTURE` during which the picture does not change."""
    out = []
    beats = rec.scene.beats
    spans = beat_spans(rec)
    for start, end, line in _still_stretches(rec):
        if end - start <= DEAD_PICTURE + 1e-6:
            continue
        spoken = [b for b, (s, e) in zip(beats, spans, strict=True) if s < end - 1e-6 and e > start + 1e-6]
        if spoken:
            b = spoken[0]
            during = (f"while beat {b.index + 1} is narrated" if len(spoken) == 1
                      else f"across beats {spoken[0].index + 1}-{spoken[-1].index + 1}")
            fix = ("spread this beat's animations over its narration (time them with bookmarks), "
                   "or show something for what is being said")
        else:
            during, fix = "with no narration", "cut the wait, or narrate it"
        out.append(Finding(
            "dead-picture", topic,
            f"the picture is still for {end - start:.1f} s ({clock(start)}-{clock(end)}) {during}",
            fix, time=start, duration=end - start,
            beat=spoken[0].index + 1 if spoken else None, beat_text=spoken[0].snippet() if spoken else "",
            line=line,
        ))
    return out


def overrun_findings(rec: Recording, topic: str) -> list[Finding]:
    """Animations issued in a beat that end after the beat's audio."""
    out = []
    spans = beat_spans(rec)
    worst: dict[int, tuple[float, int | None, str]] = {}
    for p in rec.plays:
        if p.beat is None:
            continue
        over = p.end - spans[p.beat][1]
        if over > OVERRUN_TOLERANCE and (p.beat not in worst or over > worst[p.beat][0]):
            worst[p.beat] = (over, p.line, p.what)
    for i, (over, line, what) in sorted(worst.items()):
        b = rec.scene.beats[i]
        out.append(Finding(
            "overrun", topic,
            f"{what} runs {over:.2f} s past the end of beat {i + 1}'s audio ({clock(spans[i][1])}): "
            "the next beat starts late, after a silence",
            "time it with run_time=beat.get_remaining_duration(), play it after the block, "
            "or give the beat more narration",
            time=spans[i][1], duration=over, beat=i + 1, beat_text=b.snippet(), objects=[what], line=line,
        ))
    return out


def length_findings(rec: Recording, topic: str, target: float) -> list[Finding]:
    """Total length more than :data:`LENGTH_TOLERANCE` away from ``target``."""
    off = (rec.end - target) / target
    if abs(off) <= LENGTH_TOLERANCE:
        return []
    return [Finding(
        "length", topic,
        f"the video runs {rec.end:.1f} s, {abs(off):.0%} {'over' if off > 0 else 'under'} the target of "
        f"{target:.0f} s (allowed: ±{LENGTH_TOLERANCE:.0%})",
        "trim or extend the narration, or correct TOPIC.length if the target was wrong",
        time=None, duration=rec.end,
    )]


def chapter_findings(chapters: Sequence[tuple[str, float]], end: float, topic: str,
                     beat_starts: Sequence[float] = ()) -> list[Finding]:
    """Sections that cannot become chapters: unnamed, repeated, out of order, outside the video, silent.

    Sections may be short (the render merges them into YouTube chapters of
    10 s or more); when fewer than three chapters survive the merge, players
    show none: that is a warning.
    """
    out = []

    def bad(msg: str, fix: str, t: float | None = None, names: Sequence[str] = (),
            severity: str = "error") -> None:
        out.append(Finding("chapters", topic, msg, fix, time=t, objects=list(names), severity=severity))

    if not chapters:
        return out
    if chapters[0][1] > 1e-6:
        bad(f"the first chapter starts at {clock(chapters[0][1])}, not at 0:00", "start a chapter at 0:00",
            chapters[0][1], [chapters[0][0]])
    seen: set[str] = set()
    for name, start in chapters:
        if not name.strip():
            bad(f"the chapter at {clock(start)} has no name", "give self.chapter(...) a name", start)
        elif name in seen:
            bad(f"two chapters are called {quote(name)}", "give every chapter its own name", start, [name])
        seen.add(name)
    bounds = [s for _, s in chapters] + [end]
    for (name, start), stop in zip(chapters, bounds[1:], strict=True):
        if stop <= start + 1e-6:
            bad(f"chapter {quote(name)} at {clock(start)} is empty (the next one starts at the same time, "
                "or it starts after the end)", "drop the empty self.chapter call", start, [name])
        elif beat_starts and not any(start - 1e-6 <= s < stop - 1e-6 for s in beat_starts):
            bad(f"chapter {quote(name)} has no narration", "narrate it or drop the chapter", start, [name])
    if len(chapters) > 1 and end > 0 and all(b > a for a, b in zip(bounds, bounds[1:], strict=False)):
        published = youtube_chapters(chapters, end)
        if len(published) < YOUTUBE_MIN_CHAPTERS:
            plural = "s" if len(published) != 1 else ""
            bad(f"only {len(published)} chapter{plural} of {MIN_CHAPTER:.0f} s or "
                f"more remain after merging short sections; players show chapters only from "
                f"{YOUTUBE_MIN_CHAPTERS}", "lengthen the chapters or drop the self.chapter calls",
                None, [n for n, _ in chapters], severity="warning")
    return out


def published_chapter_findings(chapters: Sequence[tuple[str, float]], end: float,
                               topic: str) -> list[Finding]:
    """A published chapter list (``m:ss Title`` lines) that YouTube would not turn into chapters."""
    out = []

    def bad(msg: str, t: float | None = None, names: Sequence[str] = ()) -> None:
        out.append(Finding("chapters", topic, "published chapters: " + msg,
                           "re-render; if it persists, report it against render/chapters.py", time=t,
                           objects=list(names)))

    if not chapters:
        return out
    if chapters[0][1] != 0:
        bad(f"the first starts at {clock(chapters[0][1])}, not 0:00", chapters[0][1], [chapters[0][0]])
    bounds = [s for _, s in chapters] + [end]
    for (name, start), stop in zip(chapters, bounds[1:], strict=True):
        if not name.strip():
            bad(f"the chapter at {clock(start)} has no title", start)
        if stop - start < MIN_CHAPTER - 1e-6 and len(chapters) > 1:
            bad(f"{quote(name)} lasts {stop - start:.1f} s (at least {MIN_CHAPTER:.0f} s)", start, [name])
    return out

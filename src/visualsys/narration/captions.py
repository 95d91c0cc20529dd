"""Captions: SRT and WebVTT cues built from the beats' word timings.

Line rules (the usual broadcast ones): at most 42 characters a line, at most
two lines a cue, about 20 characters a second at most, never a split word,
cues that start and end on word boundaries, and a new cue at every sentence
end when one is near. The files themselves are written by the ``srt`` and
``webvtt-py`` libraries, not by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import srt
import webvtt

from .speech import Word

MAX_LINE = 42
MAX_LINES = 2
MAX_CPS = 20.0
MIN_CUE = 1.0  # seconds: shorter cues are extended into the following gap


@dataclass(frozen=True)
class Cue:
    """One caption on screen: its lines and when it shows."""

    start: float
    end: float
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        """The lines joined with newlines."""
        return "\n".join(self.lines)


def wrap(words: Sequence[str], width: int = MAX_LINE) -> list[str] | None:
    """Split ``words`` into at most two balanced lines no wider than ``width``.

    Returns ``None`` if they do not fit. A single word wider than ``width`` (a
    long URL) is returned on its own line: words are never split.
    """
    text = " ".join(words)
    if len(text) <= width or len(words) == 1:
        return [text]
    best = None
    for i in range(1, len(words)):
        a, b = " ".join(words[:i]), " ".join(words[i:])
        if len(a) <= width and len(b) <= width:
            score = abs(len(a) - len(b))
            if best is None or score < best[0]:
                best = (score, [a, b])
    return best[1] if best else None


def _ends_sentence(word: str) -> bool:
    return word.rstrip("\"')”’").endswith((".", "?", "!", "…", ":"))


def build_cues(words: Sequence[Word], beat_ends: Sequence[float] = ()) -> list[Cue]:
    """Group timed words into cues that follow the line rules.

    ``beat_ends`` are times at which a cue must end (a beat boundary).
    """
    cues: list[Cue] = []
    group: list[Word] = []
    ends = sorted(beat_ends)

    def flush() -> None:
        if group:
            lines = wrap([w.text for w in group])
            assert lines is not None
            cues.append(Cue(group[0].start, group[-1].end, tuple(lines)))
            group.clear()

    for w in words:
        if group:
            crosses_beat = any(group[-1].end <= e <= w.start + 1e-6 for e in ends)
            fits = wrap([g.text for g in group] + [w.text]) is not None
            if crosses_beat or not fits:
                flush()
        group.append(w)
        chars = len(" ".join(g.text for g in group))
        # close at a sentence end once the cue has a reasonable amount of text
        if _ends_sentence(w.text) and chars >= 24:
            flush()
    flush()
    return _pace(cues)


def _pace(cues: list[Cue]) -> list[Cue]:
    """Extend short cues into the silence after them (reading speed, minimum time)."""
    out = []
    for i, c in enumerate(cues):
        limit = cues[i + 1].start if i + 1 < len(cues) else c.end + 2.0
        chars = len(" ".join(c.lines))
        want = max(c.end, c.start + MIN_CUE, c.start + chars / MAX_CPS)
        out.append(Cue(c.start, max(c.end, min(want, limit)), c.lines))
    return out


def _td(seconds: float) -> dt.timedelta:
    return dt.timedelta(milliseconds=round(seconds * 1000))


def to_srt(cues: Sequence[Cue]) -> str:
    """Render cues as SRT text."""
    subs = [srt.Subtitle(i + 1, _td(c.start), _td(c.end), c.text) for i, c in enumerate(cues)]
    return srt.compose(subs)


def _vtt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def to_vtt(cues: Sequence[Cue]) -> str:
    """Render cues as WebVTT text (via webvtt-py)."""
    doc = webvtt.WebVTT()
    for c in cues:
        doc.captions.append(webvtt.Caption(_vtt_time(c.start), _vtt_time(c.end), list(c.lines)))
    return doc.content


def write(path: Path, text: str) -> None:
    """Write caption text (UTF-8) to ``path``."""
    path.write_text(text, encoding="utf-8")

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
            # balanced lines, but a line break after punctuation reads better
            score = abs(len(a) - len(b)) - (10 if _ends_sentence(a) else 6 if _ends_clause(a) else 0)
            if best is None or score < best[0]:
                best = (score, [a, b])
    return best[1] if best else None


def _ends_sentence(word: str) -> bool:
    return word.rstrip("\"')”’").endswith((".", "?", "!", "…", ":"))


#: Costs the cue splitter minimises (see :func:`_split`).
CUE_COST = 60  # every cue: prefer fewer, fuller cues
BREAK_MID_CLAUSE = 40  # a cue that ends inside a clause
BREAK_AT_COMMA = 12  # a cue that ends after , ; or a dash
SENTENCE_INSIDE = 30  # a cue that holds a whole sentence and runs on into the next
FRAGMENT_RUN_ON = 100  # a cue that ends one sentence's tail and starts another
SHORT_CUE = 8  # per character a cue is shorter than SHORT_CHARS
SHORT_CHARS = 25
LONG_PAUSE = 1.5  # seconds: a silence this long always ends a cue


def _ends_clause(word: str) -> bool:
    return word.rstrip("\"')”’").endswith((",", ";", ":", "—", "–")) or word in ("—", "–", "-")


def _ends_full_sentence(word: str) -> bool:
    return word.rstrip("\"')”’").endswith((".", "?", "!", "…"))


def _cost(group: Sequence[Word], last_of_segment: bool, starts_sentence: bool) -> float | None:
    texts = [w.text for w in group]
    if wrap(texts) is None:
        return None
    chars = len(" ".join(texts))
    cost = CUE_COST + max(0, SHORT_CHARS - chars) * SHORT_CUE
    inside = sum(_ends_full_sentence(t) for t in texts[:-1])
    cost += inside * (SENTENCE_INSIDE if starts_sentence else FRAGMENT_RUN_ON)
    if not last_of_segment and not _ends_full_sentence(texts[-1]):
        cost += BREAK_AT_COMMA if _ends_clause(texts[-1]) else BREAK_MID_CLAUSE
    return cost


def _split(segment: Sequence[Word]) -> list[list[Word]]:
    """Cut a run of words into cues at the cheapest places (dynamic programming).

    Every cue fits the line rules; breaks prefer sentence ends, then clause
    ends; very short cues and cues that run across a sentence end cost extra.
    """
    n = len(segment)
    best: list[float] = [0.0] + [float("inf")] * n
    back = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            starts = i == 0 or _ends_full_sentence(segment[i - 1].text)
            cost = _cost(segment[i:j], j == n, starts)
            if cost is None:
                break  # a longer group cannot fit either
            if best[i] + cost < best[j]:
                best[j], back[j] = best[i] + cost, i
    groups, j = [], n
    while j > 0:
        groups.append(list(segment[back[j] : j]))
        j = back[j]
    return groups[::-1]


def build_cues(words: Sequence[Word], beat_ends: Sequence[float] = ()) -> list[Cue]:
    """Group timed words into cues that follow the line rules.

    ``beat_ends`` are times at which a cue must end (a beat boundary); a
    silence of :data:`LONG_PAUSE` seconds or more ends a cue too. Within those
    runs, cue breaks are chosen to fall at sentence and clause ends and to
    avoid one-word leftovers.
    """
    ends = sorted(beat_ends)
    segments: list[list[Word]] = []
    for w in words:
        if segments and segments[-1]:
            prev = segments[-1][-1]
            crosses_beat = any(prev.end - 1e-6 <= e <= w.start + 1e-6 for e in ends)
            if crosses_beat or w.start - prev.end >= LONG_PAUSE:
                segments.append([])
        elif not segments:
            segments.append([])
        segments[-1].append(w)
    cues = []
    for segment in segments:
        for group in _split(segment):
            lines = wrap([w.text for w in group])
            assert lines is not None  # _split only makes groups that fit
            cues.append(Cue(group[0].start, group[-1].end, tuple(lines)))
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

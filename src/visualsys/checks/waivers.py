"""Waivers: the only way to accept a finding, written in the scene, with a reason.

There is no global switch and no command-line flag. A scene waives one check
for the beat it is in (or, called between beats, for the next beat)::

    from visualsys.checks import waive

    with self.voiceover("The two labels merge into one.") as beat:
        waive(self, "overlap", reason="the labels merge on purpose", text="A1")
        self.play(...)

``text`` narrows the waiver to findings whose objects mention that text.
Findings that belong to the whole video (``length``, ``chapters``, media)
can only be waived with ``whole_scene=True``. Calling ``waive`` in a normal
render just records it; it changes nothing in the video.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .findings import CHECKS, Finding

_ATTR = "_visualsys_waivers"


@dataclass(frozen=True)
class Waiver:
    """One ``waive`` call as recorded in the scene."""

    check: str
    reason: str
    text: str | None
    time: float
    beat: int | None  # 0-based index of the beat it was called in, if any
    whole_scene: bool
    line: int | None = None


def waive(scene: Any, check: str, *, reason: str, text: str | None = None, whole_scene: bool = False) -> None:
    """Accept findings of ``check`` in the current (or next) beat of ``scene``, for ``reason``.

    Parameters
    ----------
    scene
        The running :class:`~visualsys.scene.ExplainerScene` (``self``).
    check
        A check name, e.g. ``"overlap"`` (see :data:`visualsys.checks.findings.CHECKS`).
    reason
        Why this is right as it is; shown next to the waived finding. Required.
    text
        Only findings whose objects contain this text.
    whole_scene
        Cover the whole video instead of one beat (for ``length``, ``chapters``
        and media findings).

    Raises
    ------
    ValueError
        If ``check`` is not a check name or ``reason`` is empty.
    """
    if check not in CHECKS:
        raise ValueError(f"check must be one of {', '.join(CHECKS)}; got {check!r}")
    if not reason or not reason.strip():
        raise ValueError(f"waiving {check!r} needs a reason, got {reason!r}")
    current = getattr(scene, "_beat", None)
    beat = getattr(current, "index", None)
    waivers = scene.__dict__.setdefault(_ATTR, [])
    waivers.append(Waiver(check, reason.strip(), text, float(getattr(scene, "time", 0.0)), beat, whole_scene,
                          _caller_line(scene)))


def _caller_line(scene: Any) -> int | None:
    import inspect
    import sys

    try:
        path = inspect.getsourcefile(type(scene))
    except TypeError:
        return None
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename == path:
            return frame.f_lineno
        frame = frame.f_back
    return None


def recorded(scene: Any) -> list[Waiver]:
    """Every waiver ``scene`` declared, in order."""
    return list(scene.__dict__.get(_ATTR, []))


def apply(findings: list[Finding], waivers: list[Waiver], beat_spans: list[tuple[float, float]]) -> None:
    """Mark each finding covered by a waiver (sets ``finding.waived``).

    ``beat_spans`` are the (start, end) scene times of the beats, in order. A
    waiver made in a beat covers that beat; one made between beats covers
    the time from the call to the end of the next beat.
    """
    for w in waivers:
        covered, window = _scope(w, beat_spans)
        for f in findings:
            if f.waived is not None or f.check != w.check:
                continue
            if w.text is not None and not any(w.text in o for o in f.objects):
                continue
            in_beat = covered is not None and f.beat == covered + 1
            in_window = (window is not None and f.time is not None
                         and window[0] - 1e-6 <= f.time <= window[1] + 1e-6)
            if w.whole_scene or in_beat or in_window:
                f.waived = w.reason


def _scope(w: Waiver, beat_spans: list[tuple[float, float]]) -> tuple[int | None, tuple[float, float] | None]:
    """0-based index of the beat a waiver covers and its time window."""
    if w.beat is not None and w.beat < len(beat_spans):
        return w.beat, beat_spans[w.beat]
    for i, (start, end) in enumerate(beat_spans):
        if start >= w.time - 1e-6:
            return i, (w.time, end)
    return None, None

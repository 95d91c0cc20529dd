"""What a check reports: a :class:`Finding`, and the names of every check.

A finding says which topic, when, in which beat, which objects (by their
text), what is wrong, and what to change. It is plain data, printable as
text or JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Every check, by name: (family, what it catches). Waivers name one of these.
CHECKS: dict[str, tuple[str, str]] = {
    "overlap": ("layout", "two texts overlap"),
    "off-frame": ("layout", "something is partly outside the frame"),
    "safe-margin": ("layout", "something is inside the frame but outside the 5 % safe margin"),
    "text-size": ("layout", "text smaller than 18 px at 480p"),
    "contrast": ("layout", "text contrast below 4.5:1 (WCAG AA) against what is behind it"),
    "hidden": ("layout", "a label is covered by a filled shape drawn after it"),
    "bookmark-unused": ("timing", "a bookmark nothing waits for"),
    "bookmark-late": ("timing", "an animation meant to land on a bookmark starts after the word"),
    "dead-picture": ("timing", "the picture is still for more than 3 s"),
    "overrun": ("timing", "a beat's animations run past its audio"),
    "length": ("timing", "total length off the topic's target by more than 20 %"),
    "chapters": ("timing", "chapters that a player would reject"),
    "scene-error": ("timing", "the scene failed to run"),
    "streams": ("media", "video or audio stream missing, or an output file missing"),
    "duration": ("media", "stream or metadata durations disagree by more than one frame"),
    "loudness": ("media", "integrated loudness not -16 +-1 LUFS"),
    "true-peak": ("media", "true peak above -1 dBTP"),
    "captions": ("media", "captions break the line rules or do not match the narration"),
    "caption-coverage": ("media", "narration audible with no caption on screen"),
    "stale": ("media", "the rendered output is older than the scene"),
}


@dataclass
class Finding:
    """One problem found in a topic.

    Attributes
    ----------
    check
        Name of the check (a key of :data:`CHECKS`).
    topic
        The topic's slug.
    message
        What is wrong, with measurements.
    fix
        What to change.
    time
        Scene time in seconds at which it is first visible or happens (``None``: the whole video).
    duration
        How long it lasts, when that means something.
    beat
        1-based number of the beat it happens in (``None``: between beats or not beat-bound).
    beat_text
        The start of that beat's narration.
    objects
        The objects involved, by their text (or kind of shape).
    line
        Line of the scene file whose ``play``/``wait`` produced the state.
    severity
        ``"error"`` fails the check; ``"warning"`` is reported only.
    waived
        The reason given by the scene's ``waive`` call, if one covers it.
    """

    check: str
    topic: str
    message: str
    fix: str
    time: float | None = None
    duration: float | None = None
    beat: int | None = None
    beat_text: str = ""
    objects: list[str] = field(default_factory=list)
    line: int | None = None
    severity: str = "error"
    waived: str | None = None

    @property
    def family(self) -> str:
        """``layout``, ``timing`` or ``media``."""
        return CHECKS[self.check][0]

    @property
    def fails(self) -> bool:
        """Whether this finding makes the check fail."""
        return self.severity == "error" and self.waived is None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        d = asdict(self)
        d["family"] = self.family
        for key in ("time", "duration"):
            if d[key] is not None:
                d[key] = round(d[key], 3)
        return d


def clock(seconds: float | None) -> str:
    """``m:ss.s`` for messages (``-`` when there is no time)."""
    if seconds is None:
        return "-"
    m, s = divmod(max(seconds, 0.0), 60)
    return f"{int(m)}:{s:04.1f}"


def quote(text: str, n: int = 40) -> str:
    """``text`` shortened to ``n`` characters and quoted, newlines shown as ``/``."""
    flat = " / ".join(part.strip() for part in text.splitlines() if part.strip()) or text
    if len(flat) > n:
        flat = flat[: n - 1].rstrip() + "…"
    return f"'{flat}'"

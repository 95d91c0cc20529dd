"""Run a topic's scene without drawing a single frame, and record what it does.

The scene class is run through a subclass that adds :class:`_Probe` in front
of it (the scene's own code is untouched). Manim runs ``construct`` with
``skip_animations``, so every animation jumps to its end; the probe makes it
stop on the way instead, every :data:`SAMPLE_PERIOD` seconds of scene time,
and looks at the mobjects there (``layout.inspect``). It also looks at every
held state: the end of each ``play``/``wait``, and the start of each still
``wait`` (what the viewer sees while it lasts). Rasterising is switched off
(the renderer's frame methods are no-ops), so no pixel is ever drawn.

It records every play (start, end, whether the picture was still, which beat
and which line of the scene file issued it) and every bookmark the scene
asks for, for the timing checks.
"""

from __future__ import annotations

import inspect as pyinspect
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from manim import AnimationGroup, tempconfig
from tqdm import tqdm

from ..narration.cache import Narrator
from ..scene import Beat, ExplainerScene
from . import layout

#: Scene seconds between two looks at the mobjects while something moves.
SAMPLE_PERIOD = 0.25


@dataclass
class PlayRecord:
    """One ``play``/``wait`` call as it ran."""

    start: float
    end: float
    beat: int | None  # 0-based index of the voiceover block that issued it, if any
    still: bool  # a wait during which nothing moves (a frozen frame)
    line: int | None
    what: str


@dataclass
class BookmarkUse:
    """A bookmark the scene timed something with."""

    beat: int
    mark: str
    asked_at: float
    mark_time: float
    line: int | None


@dataclass
class Recording:
    """Everything the timing and layout checks need from one run of a scene."""

    scene: ExplainerScene
    plays: list[PlayRecord] = field(default_factory=list)
    samples: list[layout.Sample] = field(default_factory=list)
    uses: list[BookmarkUse] = field(default_factory=list)
    queried: set[tuple[int, str]] = field(default_factory=set)
    end: float = 0.0
    error: BaseException | None = None
    error_line: int | None = None
    fps: float = 60.0


class _State:
    """The probe's bookkeeping, kept off the scene's own attributes."""

    def __init__(self, scene_file: str | None) -> None:
        self.scene_file = scene_file
        self.rec: Recording | None = None
        self.in_play = False
        self.play_start = 0.0
        self.line: int | None = None
        self.still = False
        self.period = SAMPLE_PERIOD

    def caller_line(self) -> int | None:
        """Innermost line of the scene file on the call stack."""
        frame = sys._getframe(2)
        while frame is not None:
            if frame.f_code.co_filename == self.scene_file:
                return frame.f_lineno
            frame = frame.f_back
        return None

    def sample(self, scene: Any, time: float, held: bool, moving: set[int]) -> None:
        assert self.rec is not None
        faults = layout.inspect(scene, moving)
        self.rec.samples.append(layout.Sample(time, faults, self.line, held))


def _animated_ids(animations: list[Any]) -> set[int]:
    ids: set[int] = set()
    stack = list(animations)
    while stack:
        anim = stack.pop()
        ids.update(id(m) for m in anim.mobject.get_family())
        if isinstance(anim, AnimationGroup):
            stack.extend(anim.animations)
    return ids


class _TrackedBeat(Beat):
    """A :class:`Beat` that tells the probe which bookmarks the scene asks for."""

    def bookmark_time(self, mark: str) -> float:  # noqa: D102
        t = super().bookmark_time(mark)
        rec = self.scene._probe.rec
        rec.queried.add((self.index, mark))
        return t

    def time_until_bookmark(self, mark: str, buff: float = 0.0, limit: float | None = None) -> float:  # noqa: D102
        st = self.scene._probe
        use = BookmarkUse(self.index, mark, self.scene.time, self.bookmark_time(mark), st.caller_line())
        st.rec.uses.append(use)
        return super().time_until_bookmark(mark, buff, limit)


class _Probe:
    """Mixin put in front of a topic's scene class; see the module docstring."""

    _probe: _State

    def __init__(self, *args: Any, _scene_file: str | None = None, **kwargs: Any) -> None:
        self._probe = _State(_scene_file)
        super().__init__(*args, **kwargs)

    # -- what runs -----------------------------------------------------------------
    def play(self, *args: Any, **kwargs: Any) -> None:
        st = self._probe
        outer = not st.in_play
        if outer:
            st.play_start, st.line, st.still, st.in_play = self.time, st.caller_line(), False, True
        start, line = st.play_start, st.line
        beat = self._beat.index if self._beat is not None else None
        try:
            super().play(*args, **kwargs)
        finally:
            if outer:
                st.in_play = False
        if not outer:
            return
        what = ", ".join(type(a).__name__ for a in (self.animations or []))
        st.rec.plays.append(PlayRecord(start, self.time, beat, st.still, line, what))
        st.sample(self, self.time, held=True, moving=set())

    def is_current_animation_frozen_frame(self) -> bool:  # noqa: D102
        still = super().is_current_animation_frozen_frame()
        st = self._probe
        st.still = still
        if still:  # the state now is what the viewer sees for the whole wait
            st.sample(self, st.play_start, held=True, moving=set())
        return still

    def get_time_progression(self, run_time: float, description: str, n_iterations: int | None = None,
                             override_skip_animations: bool = False) -> Any:  # noqa: D102
        if not self.renderer.skip_animations:
            return super().get_time_progression(run_time, description, n_iterations, override_skip_animations)
        step = self._probe.period
        times = [*np.arange(step, run_time - 1e-9, step), run_time]
        return tqdm(times, disable=True)

    def update_to_time(self, t: float) -> None:  # noqa: D102
        super().update_to_time(t)
        st = self._probe
        if st.in_play and t < self.duration - 1e-9:
            # recomputed each time: a Succession begins its parts (and a Transform
            # aligns its submobjects) only when it reaches them
            st.sample(self, st.play_start + t, held=False, moving=_animated_ids(self.animations or []))

    # -- narration -----------------------------------------------------------------
    @contextmanager
    def voiceover(self, text: str) -> Iterator[Beat]:  # noqa: D102
        with super().voiceover(text) as beat:
            beat.__class__ = _TrackedBeat
            yield beat

    def wait_until_bookmark(self, mark: str) -> None:  # noqa: D102
        st = self._probe
        if self._beat is not None:
            st.rec.uses.append(BookmarkUse(self._beat.index, mark, self.time, self._beat.bookmark_time(mark),
                                           st.caller_line()))
        super().wait_until_bookmark(mark)


def _no_frames(renderer: Any) -> None:
    """Make ``renderer`` skip every pixel operation (state still advances as usual)."""
    renderer.update_frame = lambda *a, **k: None
    renderer.freeze_current_frame = lambda *a, **k: None

    def no_static(scene: Any, static_mobjects: Any) -> None:
        renderer.static_image = None

    renderer.save_static_frame_data = no_static


def source_file(scene_cls: type) -> str | None:
    """Path of the file that defines ``scene_cls``."""
    try:
        return pyinspect.getsourcefile(scene_cls)
    except TypeError:
        return None


def record(scene_cls: type[ExplainerScene], *, narrator: Narrator, fps: float = 60.0,
           width: int = 1920, height: int = 1080, media_dir: Path | None = None,
           sample_period: float = SAMPLE_PERIOD) -> Recording:
    """Run ``scene_cls`` without rendering and return what happened.

    A scene that raises is still returned (as far as it got) with ``error`` set.
    """
    if fps <= 0:
        raise ValueError(f"fps must be > 0, got {fps}")
    if sample_period <= 0:
        raise ValueError(f"sample_period must be > 0, got {sample_period}")
    probe_cls = type(scene_cls.__name__, (_Probe, scene_cls),
                     {"__module__": scene_cls.__module__, "__qualname__": scene_cls.__qualname__})
    options: dict[str, Any] = {
        "dry_run": True,
        "write_to_movie": False,
        "disable_caching": True,
        "frame_rate": fps,
        "pixel_width": width,
        "pixel_height": height,
        "verbosity": "ERROR",
        "progress_bar": "none",
    }
    if media_dir is not None:
        options["media_dir"] = str(media_dir)
    scene_file = source_file(scene_cls)
    with tempconfig(options):
        scene = probe_cls(narrator=narrator, skip_animations=True, _scene_file=scene_file)
        rec = Recording(scene, fps=fps)
        scene._probe.rec = rec
        scene._probe.period = sample_period
        scene.skip_animation_preview = True
        _no_frames(scene.renderer)
        try:
            scene.render()
        except Exception as exc:  # reported as a finding, with the scene line
            rec.error = exc
            for frame in reversed(__import__("traceback").extract_tb(exc.__traceback__)):
                if frame.filename == scene_file:
                    rec.error_line = frame.lineno
                    break
        rec.end = scene.time
    return rec

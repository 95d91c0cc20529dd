"""One video over several processes: each draws the plays that start in its range of frames.

A scene is a Python program whose state at any moment is built by all the
code before it, so every process runs the whole ``construct``; a play outside
its range is *skipped* (its end state is computed, nothing is drawn or
encoded: see :class:`~.fastpaths.SectionRenderer`). Each drawn play becomes
one H.264 segment in Manim's cache, exactly as in a serial render; the
pipeline stitches the segments of all processes in play order with
:func:`~.fastpaths.stitch`, the same packet copy Manim uses for its own
per-play segments, so the seams are the seams a serial render has anyway.

The calling process draws the last range, after replaying everything before
it (it needs every beat for the narration track, the poster and the
metadata); each forked child replays up to one of the earlier ranges, draws
it and stops, so the first child replays nothing. (The other way round, the
caller drawing the first range, every process would run the whole scene.)
Ranges are chosen so the processes finish together (:func:`plan`).

Children are forked, not spawned, so they start with Manim, the scene module
and the voice already imported. Speech synthesis is shared through the
narrator's disk cache: a lock lets one process synthesise a missing beat
while the others wait for the file (:class:`SharedNarrator`).
"""

from __future__ import annotations

import fcntl
import logging
import multiprocessing
import os
import pickle
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from ..narration.cache import Narrator
from ..narration.speech import Speech
from .fastpaths import SectionRenderer
from .playkeys import KeyedNarrator, PlayKeys, attach
from .workers import default_workers


def plan(total_frames: int, workers: int, replay_share: float = 0.2, parent_extra: float = 0.0) -> list[int]:
    """Frame boundaries ``[0, b1, ..., b_{n-1}]``: range ``k`` holds the plays starting in ``[b_k, b_{k+1})``.

    Costs are in units of one serial render: replaying (skipping) the whole
    scene costs ``replay_share``; drawing a range costs its share of the
    frames. A child draws one of the first ranges: it replays up to it, draws
    it and stops (the first child replays nothing). The calling process
    draws the last range, after replaying everything before it, and then has
    ``parent_extra`` more to do (the narration track, the outputs). The
    boundaries equalise those costs. The last range is open-ended, so a
    wrong estimate of ``total_frames`` costs balance, never frames.

    Raises
    ------
    ValueError
        If ``workers`` < 1, ``total_frames`` < 0 or a share is outside [0, 1).
    """
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    if total_frames < 0:
        raise ValueError(f"total_frames must be >= 0, got {total_frames}")
    if not 0 <= replay_share < 1:
        raise ValueError(f"replay_share must be in [0, 1), got {replay_share}")
    if not 0 <= parent_extra < 1:
        raise ValueError(f"parent_extra must be in [0, 1), got {parent_extra}")
    if workers == 1 or total_frames < 2 * workers:
        return [0]
    r = replay_share

    def fractions(target: float) -> list[float]:
        out, done = [], 0.0
        for k in range(workers):
            extra = parent_extra if k == workers - 1 else 0.0
            f = max(0.0, target - extra - r * done)  # replays up to its range, draws it: r * done + f
            out.append(f)
            done += f
        return out

    lo, hi = 0.0, 2.0
    for _ in range(60):  # the total of the fractions grows with the target: bisect for 1
        mid = (lo + hi) / 2
        if sum(fractions(mid)) < 1.0:
            lo = mid
        else:
            hi = mid
    bounds, done = [0], 0.0
    for f in fractions(hi)[:-1]:
        done += f
        bounds.append(int(round(min(1.0, done) * total_frames)))
    out = [bounds[0]]
    for b in bounds[1:]:  # strictly increasing, so every range can hold a play
        out.append(max(b, out[-1] + 1))
    return out


class SharedNarrator:
    """A :class:`~visualsys.narration.cache.Narrator` whose missing clips one process at a time synthesises.

    Before synthesising, a process takes an exclusive lock on
    ``<cache>/.synth.lock`` and looks in the cache again: a clip another
    process made meanwhile is read, not made twice. Everything else is the
    wrapped narrator's.
    """

    def __init__(self, inner: Narrator) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def speak(self, text: str) -> Speech:
        """Speak ``text`` through the shared cache."""
        path = self.inner._path(text)
        if path is None or path.exists():
            return self.inner.speak(text)
        assert self.inner.cache_dir is not None
        self.inner.cache_dir.mkdir(parents=True, exist_ok=True)
        with open(self.inner.cache_dir / ".synth.lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                return self.inner.speak(text)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


@dataclass
class SectionResult:
    """What a child process sends back: its segments, or what went wrong."""

    segments: dict[int, tuple[int, str]] = field(default_factory=dict)
    drawn: list[int] = field(default_factory=list)
    cached: list[int] = field(default_factory=list)
    synth_calls: int = 0
    #: Plays whose hash came from the play-key journal.
    key_hits: int = 0
    error: str | None = None
    details: str = ""
    exception: bytes | None = None


class SectionFailed(RuntimeError):
    """A child process failed to render its section."""


def _child(conn: Connection, scene_cls: type, narrator: Any, first: int, stop: int,
           make_keys: Callable[[], PlayKeys] | None, progress: Any = None) -> None:
    """Body of a forked child: render plays starting in ``[first, stop)``, send the segments back.

    ``progress`` (a shared integer) follows how many frames of its range are done.
    """
    logging.getLogger("manim").setLevel(logging.ERROR)  # the calling process reports the same warnings
    result = SectionResult()
    try:
        before = narrator.synth_calls
        renderer = SectionRenderer(first_frame=first, stop_frame=stop, stop_early=True)
        renderer.progress = progress
        if make_keys is not None:
            renderer.play_keys = make_keys()
            narrator = KeyedNarrator(narrator, renderer.play_keys)
        scene = scene_cls(narrator=narrator, renderer=renderer)
        if renderer.play_keys is not None:
            attach(scene, renderer.play_keys)
        scene.render()
        result.segments = renderer.segments()
        result.drawn, result.cached = renderer.drawn, renderer.cached
        result.synth_calls = narrator.synth_calls - before
        result.key_hits = renderer.play_keys.hits if make_keys is not None else 0
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        result.error = f"{type(exc).__name__}: {exc}"
        result.details = traceback.format_exc()
        if os.environ.get("VISUALSYS_DEBUG"):
            print(result.details, file=sys.stderr)
        try:
            result.exception = pickle.dumps(exc)
        except Exception:  # noqa: BLE001 - an exception that cannot travel is described instead
            result.exception = None
    try:
        conn.send(result)
    finally:
        conn.close()


@dataclass
class _Child:
    process: Any
    conn: Connection
    first: int
    stop: int
    progress: Any


class Sections:
    """Forked children drawing the first ranges of one scene while the caller draws the last.

    Use as a context manager around the caller's own render; on leaving it
    (error or interrupt included) every child still running is terminated.
    """

    def __init__(self, scene_cls: type, narrator: Any, bounds: list[int],
                 make_keys: Callable[[], PlayKeys] | None = None) -> None:
        if not bounds or bounds[0] != 0:
            raise ValueError(f"bounds must start at frame 0, got {bounds}")
        self.scene_cls, self.narrator, self.bounds = scene_cls, narrator, bounds
        self.make_keys = make_keys
        self.children: list[_Child] = []

    @property
    def last_start(self) -> int:
        """Where the caller's own range, the last, begins (0: it draws everything)."""
        return self.bounds[-1]

    def start(self) -> None:
        """Fork one child per range but the last."""
        ctx = multiprocessing.get_context("fork")
        for k in range(len(self.bounds) - 1):
            first, stop = self.bounds[k], self.bounds[k + 1]
            mine, theirs = ctx.Pipe(duplex=False)
            progress = ctx.RawValue("q", 0)  # shared memory: the child writes, the caller reads
            process = ctx.Process(target=_child,
                                  args=(theirs, self.scene_cls, self.narrator, first, stop, self.make_keys,
                                        progress),
                                  name=f"visualsys-section-{k}", daemon=True)
            process.start()
            theirs.close()
            self.children.append(_Child(process, mine, first, stop, progress))

    def frames_done(self) -> int:
        """Frames the children have finished so far, over all their ranges."""
        return sum(child.progress.value for child in self.children)

    def results(self, tick: Callable[[], Any] | None = None) -> list[SectionResult]:
        """Wait for every child; raise the first failure (the child's own exception when it can travel).

        ``tick()`` runs about ten times a second while waiting (to show progress).
        """
        out = []
        for child in self.children:
            try:
                while tick is not None and not child.conn.poll(0.1):
                    tick()
                result: SectionResult = child.conn.recv()
            except EOFError:
                child.process.join()
                raise SectionFailed(f"the process rendering frames {child.first}-{child.stop - 1} died "
                                    f"(exit code {child.process.exitcode})") from None
            child.process.join()
            out.append(result)
        for result in out:
            if result.error is None:
                continue
            if result.exception is not None:
                try:
                    exc = pickle.loads(result.exception)
                except Exception:  # noqa: BLE001
                    exc = None
                if isinstance(exc, BaseException):
                    raise exc
            raise SectionFailed(f"{result.error}\n{result.details}")
        return out

    def stop(self) -> None:
        """Terminate children still running (SIGTERM, then SIGKILL after a grace period)."""
        for child in self.children:
            if child.process.is_alive():
                child.process.terminate()
        for child in self.children:
            child.process.join(timeout=5)
            if child.process.is_alive():
                child.process.kill()
                child.process.join()
            child.conn.close()

    def __enter__(self) -> Sections:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def merge(num_plays: int, *parts: dict[int, tuple[int, str]]) -> list[str]:
    """The segment of every play ``0 .. num_plays - 1`` in order, from the processes' parts.

    Raises
    ------
    RuntimeError
        If a play has no segment, or two processes claim one (a range bug:
        the picture would be wrong, so the render stops).
    """
    merged: dict[int, str] = {}
    for part in parts:
        for index, (_, path) in part.items():
            if index in merged:
                raise RuntimeError(f"play {index} was rendered by two processes")
            merged[index] = path
    missing = [i for i in range(num_plays) if i not in merged]
    extra = sorted(i for i in merged if i >= num_plays)
    if missing or extra:
        raise RuntimeError(f"section stitching does not cover the scene: missing plays {missing[:10]}, "
                           f"unexpected plays {extra[:10]}")
    return [merged[i] for i in range(num_plays)]


__all__ = ["SectionFailed", "SectionResult", "Sections", "SharedNarrator", "default_workers", "merge", "plan"]

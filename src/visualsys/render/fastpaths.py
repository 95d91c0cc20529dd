"""Faster ways through Manim's hot paths that leave every pixel as it was.

Each replacement does the same arithmetic on the same numbers as the Manim
0.22 code it replaces; ``tests/render/test_perf_exact.py`` renders with and
without them and compares the raw frames byte for byte.

* :class:`FastCamera` builds each cairo path from a Python list of floats
  instead of indexing a NumPy array a million times, and finds the subpath
  breaks with the same closeness test done in plain floats (``draw`` was the
  largest share of a preview render; this halves it).
* :func:`fast_paths` stops ``deepcopy`` from copying the parsed SVG
  (``svgelements`` objects) behind every glyph of every ``Text``: Manim only
  reads it once, when the glyph's points are made, yet every ``copy()`` of a
  text (each ``FadeIn``, ``Transform``, ``become``) cloned thousands of
  ``Point`` objects. The same parse is left out of Manim's per-play cache
  hash; the points it produced are hashed as before.
* :func:`fast_paths` copies mobjects with :func:`.fastcopy.mobject_deepcopy`
  (``deepcopy``'s dispatch decided once per type: the same copy, ~1.7x
  sooner; a re-render spends most of its replay copying).
* :func:`fast_paths` hashes each play with :func:`.playhash.play_hash`
  (Manim's play hash read through the C pickler: the same state, ~3.4x
  less CPU).
* :func:`fast_paths` also keeps each text's parsed SVG (pickled beside it),
  so a label is parsed once per cache, not once per process.
* :class:`SectionRenderer` draws nothing for a play it skips (a play replayed
  from Manim's cache, or one another process renders): Manim 0.22 still
  painted the static background and one frame of every skipped play.
  It also owns a range of frames, which is how :mod:`.parallel` splits one
  video over several processes.
* :class:`SegmentWriter` leaves the per-play segments to the pipeline, which
  stitches them itself (:func:`stitch`), packet for packet, as Manim does.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import itertools
import os
import pickle
import re
import shutil
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from manim import RIGHT, config
from manim import __version__ as manim_version
from manim._config.video_encoder import VideoEncoderSpec
from manim.camera.camera import Camera
from manim.mobject.mobject import Mobject
from manim.mobject.svg.svg_mobject import SVGMobject, VMobjectFromSVGPath
from manim.mobject.text.text_mobject import MarkupText, Text
from manim.mobject.types.vectorized_mobject import VMobject
from manim.renderer import cairo_renderer
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter, _PartialMovieEncodeJob
from manim.scene.video_segment_encoder import VideoSegmentEncoder
from manim.utils import hashing
from manim.utils.exceptions import EndSceneEarlyException
from manimpango import PangoUtils

from . import fastcopy, playhash

#: numpy.isclose's default relative tolerance, as Manim uses it for point equality.
_RTOL = 1.0e-5
#: Prefix of a segment being written (renamed to its cache name when complete).
TMP_SEGMENT = ".partial-"
_serial = itertools.count()
#: Frame buffers beyond those the encoders may still hold: one being drawn, one spare.
RING_SLACK = 2
_ABSENT = object()
#: Folder (beside the SVGs) of pickled SVG parses, and the version of what they hold.
PARSED_DIR = ".parsed"
PARSED_FORMAT = 1
#: Points held by a camera's cache of cairo paths before it starts afresh (~16 bytes each in cairo).
PATH_CACHE_POINTS = 1_000_000


@dataclass
class _PathCache:
    """A camera's cairo paths by the bytes of their points (see :meth:`FastCamera.set_cairo_context_path`)."""

    paths: dict[tuple[bytes, int, float], Any] = field(default_factory=dict)
    points: int = 0
    reused: int = 0


_PATHS: weakref.WeakKeyDictionary[Camera, _PathCache] = weakref.WeakKeyDictionary()


class FastCamera(Camera):
    """Manim's cairo camera with a faster :meth:`set_cairo_context_path` (same pixels).

    It also makes its table of drawing functions at once, where Manim makes
    it at the first frame drawn: the table is part of every play's cache
    hash, so a render whose first plays came from the cache (and drew
    nothing) would otherwise hash the next play differently from the render
    that cached it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type_or_raise(VMobject())  # builds self.display_funcs, as the first drawn frame would
        _PATHS[self] = _PathCache()  # (not in __dict__: Manim's play hash serialises the camera's)

    @property
    def paths_reused(self) -> int:
        """How many paths were replayed from the cache (for tests and the curious)."""
        return _PATHS.setdefault(self, _PathCache()).reused

    def set_cairo_context_path(self, ctx: Any, vmobject: Any) -> FastCamera:
        """Trace ``vmobject``'s cubic Béziers into ``ctx``, as :class:`~manim.camera.camera.Camera` does.

        Same subpath splits (an end anchor not close to the next start anchor,
        by ``numpy.isclose`` rules on x and y), same closing test, same
        doubles passed to cairo; only the bookkeeping is plain Python.

        Most paths drawn in an explainer were drawn before with the very same
        points (a label fading in or changing colour, the moving part of a
        scene redrawn over a still one): those are replayed from cairo's own
        copy of the path it built the first time (``copy_path`` and
        ``append_path``, which round-trip cairo's fixed-point coordinates
        exactly), keyed by the points' bytes.
        """
        points = vmobject.points
        n = len(points)
        if n == 0:
            return self  # Manim leaves the previous path in place here, and so do we
        nppcc = vmobject.n_points_per_cubic_curve
        atol = vmobject.tolerance_for_point_equality
        key = (points.tobytes(), nppcc, atol)
        cache = _PATHS.get(self)
        if cache is None:
            cache = _PATHS[self] = _PathCache()
        known = cache.paths.get(key)
        if known is not None:
            ctx.new_path()
            ctx.append_path(known)
            cache.reused += 1
            return self
        self._trace(ctx, points, nppcc, atol)
        if cache.points + n > PATH_CACHE_POINTS:
            cache.paths.clear()
            cache.points = 0
        cache.paths[key] = ctx.copy_path()
        cache.points += n
        return self

    def _trace(self, ctx: Any, points: np.ndarray, nppcc: int, atol: float) -> None:
        n = len(points)
        if not np.isfinite(points).all():
            ctx.new_path()  # Manim replaces such points by a single origin: an empty path
            return
        ctx.new_path()
        if n < nppcc:
            return
        f = points[:, :2].ravel().tolist()  # x0, y0, x1, y1, ...
        starts = [0]
        for k in range(nppcc, n, nppcc):
            ex, ey, sx, sy = f[2 * k - 2], f[2 * k - 1], f[2 * k], f[2 * k + 1]
            if not (abs(ex - sx) <= atol + _RTOL * abs(sx) and abs(ey - sy) <= atol + _RTOL * abs(sy)):
                starts.append(k)
        starts.append(n)
        move_to, curve_to = ctx.move_to, ctx.curve_to
        new_sub_path, close_path = ctx.new_sub_path, ctx.close_path
        for j in range(len(starts) - 1):
            s, e = starts[j], starts[j + 1]
            if e - s < nppcc:
                continue
            new_sub_path()
            move_to(f[2 * s], f[2 * s + 1])
            for i in range(2 * s + 2, 2 * (e - nppcc + 2), 2 * nppcc):
                curve_to(*f[i : i + 6])
            x0, y0, x1, y1 = f[2 * s], f[2 * s + 1], f[2 * e - 2], f[2 * e - 1]
            if x0 != x1 and not abs(x0 - x1) <= atol + _RTOL * abs(x1):
                continue
            if y0 == y1 or abs(y0 - y1) <= atol + _RTOL * abs(y1):
                close_path()


def _svg_path_deepcopy(self: VMobjectFromSVGPath, memo: dict[int, Any]) -> VMobjectFromSVGPath:
    """``Mobject.__deepcopy__``, sharing the parsed SVG path (read once, at creation), not cloning it."""
    parsed = self.__dict__.get("path_obj")
    if parsed is not None:
        memo[id(parsed)] = parsed
    return Mobject.__deepcopy__(self, memo)


def _locked(original: Callable[..., str]) -> Callable[..., str]:
    """``Text._text2svg`` made safe for several processes sharing a text folder.

    Manim writes a text's SVG straight to its cache name: a second process
    making the same text at that moment, or any later render after a killed
    one, would read a half-written file. Here the SVG is made under a lock
    on the folder, in a private folder, and renamed into place when complete.
    """

    def locked_text2svg(self: Any, color: Any) -> str:
        folder = Path(config.get_dir("text_dir"))
        final = folder / (self._text2hash(color) + ".svg")
        if _complete(final):
            return original(self, color)  # Manim finds it and returns its path
        folder.mkdir(parents=True, exist_ok=True)
        with _folder_lock(folder):
            if _complete(final):
                return original(self, color)
            private = folder / f".tmp-{os.getpid()}"
            saved = config.text_dir
            config.text_dir = str(private)
            try:
                made = Path(original(self, color))
            finally:
                config.text_dir = saved
            os.replace(made, final)
            private.rmdir()
            return str(final.resolve())

    return locked_text2svg


def _locked_parse(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``SVGMobject.generate_mobject`` under a lock on the SVG's folder.

    Manim parses an SVG through a scratch copy written beside it
    (``<name>_.svg``) and deleted after: two processes parsing one file at
    once would delete each other's scratch copy.
    """

    def locked_generate_mobject(self: Any) -> Any:
        with _folder_lock(Path(self.get_file_path()).parent):
            return original(self)

    return locked_generate_mobject


def _parsed_once(locked: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``SVGMobject.generate_mobject`` reading an earlier parse of the same SVG from disk.

    Parsing a text's SVG into Bézier paths (``svgelements``, then Manim's
    conversion) costs ~15 ms a label, in every process and every render.
    The submobjects it makes are pickled beside the SVG, under a key of
    everything the parse reads: the SVG's bytes, the default style and path
    settings, the class and Manim's version. A later parse of the same
    input loads them (~1 ms) and goes on as Manim does (add, flip). Only
    Manim's own classes are cached (a subclass's code is not in the key).
    """

    def generate_mobject(self: Any) -> Any:
        cls = type(self)
        if not cls.__module__.startswith("manim."):
            return locked(self)
        path = Path(self.get_file_path())
        key = hashlib.sha256(repr((PARSED_FORMAT, manim_version, cls.__module__, cls.__qualname__,
                                   self.svg_default, self.path_string_config)).encode())
        key.update(path.read_bytes())
        entry = path.parent / PARSED_DIR / f"{key.hexdigest()}.pkl"
        try:
            mobjects, by_id = pickle.loads(entry.read_bytes())
        except Exception:  # noqa: BLE001 - missing or unreadable: parse it (and keep the parse)
            pass
        else:
            self.add(*mobjects)
            self.id_to_vgroup_dict = by_id
            self.flip(RIGHT)
            return self
        parse = self.get_mobjects_from

        def parse_and_keep(svg: Any) -> Any:
            data = pickle.dumps(parse(svg), protocol=pickle.HIGHEST_PROTOCOL)  # before add and flip
            entry.parent.mkdir(exist_ok=True)
            tmp = entry.with_name(f"{TMP_SEGMENT}{os.getpid()}-{entry.name}")
            tmp.write_bytes(data)
            os.replace(tmp, entry)
            # go on with the unpickled copy, as a later render will: the parse shares some values
            # (default colours) with other objects, its copy does not, and Manim's play hash sees that
            return pickle.loads(data)

        self.get_mobjects_from = parse_and_keep
        try:
            return locked(self)
        finally:
            del self.get_mobjects_from

    return generate_mobject


#: What manimpango's ``remove_last_M`` removes from a text's SVG (a path's last, empty ``M``).
_DANGLING_M = re.compile(r'Z M [^A-Za-z]*? "\/>')


def _locked_remove_last_m(original: Callable[[str], None]) -> Callable[[str], None]:
    """Manimpango's ``remove_last_M`` (run on every text, cached or not) made safe for several processes.

    The original rewrites the SVG in place, truncating it first: a process
    parsing the same file at that moment reads nothing. Here it runs on a
    private copy, under the folder's lock, and the copy replaces the file only
    if it changed. From the second time on it never does: a file without
    what it removes (:data:`_DANGLING_M`, its pattern) is left alone at once.
    """

    def locked_remove_last_m(file_name: str) -> None:
        path = Path(file_name)
        if _DANGLING_M.search(path.read_text()) is None:
            return  # done already (its files are only ever replaced whole, so reading needs no lock)
        with _folder_lock(path.parent):
            scratch = path.with_name(f"{TMP_SEGMENT}{os.getpid()}-{path.name}")
            shutil.copyfile(path, scratch)
            try:
                original(str(scratch))
                if scratch.read_bytes() != path.read_bytes():
                    os.replace(scratch, path)
            finally:
                scratch.unlink(missing_ok=True)

    return locked_remove_last_m


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``<folder>/.visualsys.lock`` for the block (processes wait their turn)."""
    with open(folder / ".visualsys.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _complete(svg: Path) -> bool:
    try:
        return svg.stat().st_size > 0
    except OSError:
        return False


def _by_identity(self: Any, obj: Any, default_function: Callable[[Any], Any]) -> Any:
    """Manim's hashing memoizer, telling objects apart by identity only.

    Manim's own version recognises a hashable object it has already
    serialised by ``hash(obj)``; a bound method's or a tuple's hash can equal
    another live object's, and then that object's content is left out of the
    play's hash. Which objects collide depends on memory addresses, so about
    one play per render missed the cache at random (and two different plays
    could, in principle, hash alike). Here every object is recognised by its
    ``id``; the memoizer keeps everything it saw alive, so ids do not repeat.
    """
    if isinstance(obj, (int, float, str, complex)) and obj not in [None, self.ALREADY_PROCESSED_PLACEHOLDER]:
        return obj
    return self._return(obj, id, default_function)


def _without_empty_mobjects(original: Callable[..., str]) -> Callable[..., str]:
    """A play hash (``original``: :func:`.playhash.play_hash`), leaving out the empty ``Mobject`` of waits.

    A ``Wait`` animates a bare ``Mobject()`` and Manim adds it to the scene
    for good. It draws nothing, but it is part of every later play's hash:
    edit one beat so that it ends with one more closing wait and every play
    after it misses the cache. Leaving point-less, child-less bare mobjects
    out of the scene list keeps the hashes of unchanged plays; anything that
    can draw is still hashed, and the animations are hashed in full.

    A play whose key (:mod:`.playkeys`) an earlier render recorded takes its
    hash from that render's journal and is not serialised at all. The others
    are hashed by :func:`.playhash.play_hash`: Manim's rules, ~3.4x faster.
    """

    def hash_play(scene: Any, camera: Any, animations: Any, mobjects: Any, **kwargs: Any) -> str:
        keys = getattr(scene.renderer, "play_keys", None)
        known = keys.known_hash() if keys is not None else None
        if known is not None:  # an earlier render hashed this very play (see .playkeys)
            return known
        kept = [m for m in mobjects if not (type(m) is Mobject and not m.submobjects and len(m.points) == 0)]
        return original(scene, camera, animations, kept, **kwargs)

    return hash_play


def _seal_once_enqueued(self: Any) -> None:
    """Manim's ``_PartialMovieEncodeJob.seal``, marking the job sealed only once its end marker is queued.

    Manim marks it first: a signal (Ctrl-C, SIGTERM) raised while the main
    thread waits to queue the marker behind a full queue left the job marked
    sealed with no marker, so the abort that followed queued nothing and
    waited forever for the encoder thread, which waited forever for a frame.
    Queued twice (a signal right after the first), the second marker is
    never read and harms nothing.
    """
    if not self._sealed:
        self.queue.put((-1, None))
        self._sealed = True


@contextmanager
def fast_paths() -> Iterator[None]:
    """For the block: faster copies (sharing glyphs' parsed SVG), a faster play hash, SVG files locked."""
    patches: list[tuple[type, str, Any]] = [
        (Mobject, "__deepcopy__", fastcopy.mobject_deepcopy),
        (VMobjectFromSVGPath, "__deepcopy__", _svg_path_deepcopy),
        (Text, "_text2svg", _locked(Text._text2svg)),
        (MarkupText, "_text2svg", _locked(MarkupText._text2svg)),
        (SVGMobject, "generate_mobject", _parsed_once(_locked_parse(SVGMobject.generate_mobject))),
        (PangoUtils, "remove_last_M", staticmethod(_locked_remove_last_m(PangoUtils.remove_last_M))),
        (hashing._Memoizer, "_handle_already_processed", _by_identity),
        (_PartialMovieEncodeJob, "seal", _seal_once_enqueued),
    ]
    modules: list[tuple[Any, str, Any]] = [
        (cairo_renderer, "get_hash_from_play_call", _without_empty_mobjects(playhash.play_hash)),
    ]
    saved = [(cls, name, cls.__dict__.get(name, _ABSENT)) for cls, name, _ in patches]
    saved += [(module, name, getattr(module, name)) for module, name, _ in modules]
    filtered = "path_obj" in hashing.KEYS_TO_FILTER_OUT
    for owner, name, value in patches + modules:
        setattr(owner, name, value)
    hashing.KEYS_TO_FILTER_OUT.add("path_obj")
    try:
        yield
    finally:
        for cls, name, value in saved:
            if value is _ABSENT:
                delattr(cls, name)
            else:
                setattr(cls, name, value)
        if not filtered:
            hashing.KEYS_TO_FILTER_OUT.discard("path_obj")


class _AtomicSegmentEncoder(VideoSegmentEncoder):
    """Manim's segment encoder writing to a private temporary file, renamed onto ``final`` when complete.

    Two processes rendering one video may both need a segment with the same
    cache hash (two identical waits); each writes its own file and the
    second rename replaces the first with the same content.
    """

    def __init__(self, *, final: Path, spec: VideoEncoderSpec) -> None:
        self.final = final
        tmp = final.with_name(f"{TMP_SEGMENT}{os.getpid()}-{next(_serial)}-{final.name}")
        super().__init__(target=tmp, spec=spec)

    def write_frame(self, pixels: Any, *, repeat: int = 1) -> None:
        """Encode ``pixels`` ``repeat`` times, as Manim does, with less copying.

        The frame wraps the array instead of copying it (the conversion to
        YUV reads it before :meth:`write_frame` returns, and the writer owns
        the array), and a repeated frame is converted once, not once per
        repeat. The conversion is the one the encoder would make itself:
        same reformatter, same settings.
        """
        self._validate_frame(pixels, repeat)
        time_base = Fraction(self.spec.frame_rate.denominator, self.spec.frame_rate.numerator)
        try:
            frame = av.VideoFrame.from_numpy_buffer(pixels, format="rgba")
            if repeat > 1:
                cc: Any = self._stream.codec_context
                frame = frame.reformat(cc.width, cc.height, cc.format, threads=cc.thread_count)
            frame.time_base = time_base
            for _ in range(repeat):
                frame.pts = self._next_pts
                self._next_pts += 1
                for packet in self._stream.encode(frame):  # type: ignore[union-attr,arg-type]
                    self._container.mux(packet)
        except BaseException as error:
            raise self._operation_error("encode", error) from error

    def finish(self) -> None:  # noqa: D102
        super().finish()
        os.replace(self.target, self.final)


class SegmentWriter(SceneFileWriter):
    """Manim's file writer with atomic segments, minus the final concatenation and cache pruning.

    The pipeline stitches the segments of every process with :func:`stitch`
    and prunes the cache itself.
    """

    def _create_segment_encoder(self, target: Path) -> VideoSegmentEncoder:
        if self.video_encoder is None:
            raise RuntimeError("Video segment encoding requires resolved settings.")
        return _AtomicSegmentEncoder(final=Path(target), spec=self.video_encoder)

    def open_partial_movie_stream(self, *, animation_index: int, file_path: Any = None) -> None:  # noqa: D102
        super().open_partial_movie_stream(animation_index=animation_index, file_path=file_path)
        job = self._current_encode_job
        if job is not None:  # in-flight lookups and messages use the final name, as in Manim
            job.path = job.encoder.final  # type: ignore[attr-defined]

    def finish(self) -> None:
        """Wait for the segment encoders; leave stitching to :func:`stitch`."""
        if self.output_spec.is_video:
            self.join_all_encode_jobs()


class SectionRenderer(CairoRenderer):
    """The cairo renderer, owning the plays that start in frames ``[first_frame, stop_frame)``.

    Plays outside the range are skipped (their end state is computed, nothing
    is drawn or encoded). With ``stop_early`` the scene ends at the first play
    past the range, for a process that renders only a middle section.

    Attributes
    ----------
    starts
        The first frame of every play the scene reached, by play index.
    drawn, cached
        The plays of the range that were drawn, and those found in Manim's cache.
    """

    def __init__(self, *, first_frame: int = 0, stop_frame: int | None = None, stop_early: bool = False,
                 **kwargs: Any) -> None:
        if first_frame < 0:
            raise ValueError(f"first_frame must be >= 0, got {first_frame}")
        if stop_frame is not None and stop_frame <= first_frame:
            raise ValueError(f"stop_frame must be > first_frame ({first_frame}), got {stop_frame}")
        kwargs.setdefault("file_writer_class", SegmentWriter)
        kwargs.setdefault("camera_class", FastCamera)
        super().__init__(**kwargs)
        self.first_frame, self.stop_frame, self.stop_early = first_frame, stop_frame, stop_early
        self.starts: list[int] = []
        self.drawn: list[int] = []
        self.cached: list[int] = []
        self._in_play = False
        self._frozen: float | None = None
        self._ring: list[np.ndarray] = []
        self._turn = 0
        #: Keys that let a play skip Manim's hash (:mod:`.playkeys`); ``None``: every play is hashed.
        self.play_keys: Any = None
        #: A shared integer (``multiprocessing.RawValue``) set to the frames of the range done so far.
        self.progress: Any = None

    def frame_now(self) -> int:
        """The index of the next frame to be written (the scene clock in whole frames)."""
        return int(round(self.time * self.camera.frame_rate))

    def owns(self, frame: int) -> bool:
        """Whether a play starting at ``frame`` is this renderer's to draw."""
        return frame >= self.first_frame and (self.stop_frame is None or frame < self.stop_frame)

    def update_skipping_status(self) -> None:
        """Manim's rules, plus: skip plays outside the range; end the scene past it with ``stop_early``."""
        super().update_skipping_status()
        frame = self.frame_now()
        if self.stop_early and self.stop_frame is not None and frame >= self.stop_frame:
            raise EndSceneEarlyException()
        self.starts.append(frame)
        if not self.owns(frame):
            self.skip_animations = True

    def play(self, scene: Any, *args: Any, **kwargs: Any) -> None:
        """Manim's play; a skipped play moves the clock exactly as drawing it would have.

        Manim advances a drawn play's clock one frame at a time (``time +=
        1 / fps`` per frame) but a skipped one (cached, or outside the range)
        by its run time in one step. The two sums differ in the last bits,
        and a scene's later timing (a bookmark rounded to whole frames)
        can tip on them. Here a skipped play replays the frame-by-frame sum,
        so every process, and every later render that reuses cached plays,
        sees the clock a full serial render sees.
        """
        start = self.time
        if self.play_keys is not None:
            self.play_keys.begin(self.num_plays)
        self._in_play, self._frozen = True, None
        try:
            super().play(scene, *args, **kwargs)
        finally:
            self._in_play = False
        if self.skip_animations:
            self.time = self._clock_as_drawn(start, scene.duration, self._frozen)
        index = self.num_plays - 1
        if self.owns(self.starts[index]):
            (self.cached if self.skip_animations else self.drawn).append(index)
        self._report()

    def add_frame(self, frame: np.ndarray, num_frames: int = 1) -> None:  # noqa: D102
        super().add_frame(frame, num_frames)
        self._report()

    def _report(self) -> None:
        if self.progress is not None:
            end = self.frame_now() if self.stop_frame is None else min(self.frame_now(), self.stop_frame)
            self.progress.value = max(0, end - self.first_frame)

    # -- a skipped play draws nothing --------------------------------------------------
    def save_static_frame_data(self, scene: Any, static_mobjects: Any) -> Any:  # noqa: D102
        if self.skip_animations and self._in_play:
            self.static_image = None
            return None
        return super().save_static_frame_data(scene, static_mobjects)

    def update_frame(self, scene: Any, *args: Any, **kwargs: Any) -> None:  # noqa: D102
        if self.skip_animations and self._in_play:
            return
        super().update_frame(scene, *args, **kwargs)

    def render(self, scene: Any, time: float, moving_mobjects: Any = None) -> None:
        """Draw one frame straight into a buffer the encoder takes, instead of drawing and then copying.

        Manim draws into the camera's one pixel array and hands the encoder a
        copy of it; here the camera draws into the next of a ring of arrays
        and the encoder gets that array itself. A ring entry is drawn on again
        only after the encoder is done with it: the encoder's queue holds at
        most ``encoder_queue_size`` frames and works on one more, and the ring
        is longer than that.
        """
        if self.skip_animations and self._in_play:
            return
        frame, own = self._next_buffer(), self.camera.pixel_array
        self.camera.pixel_array = frame
        try:
            self.update_frame(scene, moving_mobjects)
        finally:
            self.camera.pixel_array = own  # everything else draws on the camera's own array, as before
        self.add_frame(frame)

    def release_buffers(self) -> None:
        """Drop the ring of frame buffers (after the scene: the encoders are done with them)."""
        self._ring = []
        self.camera.pixel_array_to_cairo_context = {}  # their cairo surfaces hold the memory too

    def _next_buffer(self) -> np.ndarray:
        current = self.camera.pixel_array
        if not self._ring or self._ring[0].shape != current.shape:
            size = config.max_inflight_encoders * (config.encoder_queue_size + 1) + RING_SLACK
            self.release_buffers()  # (their cairo contexts are cached by id: forget them with them)
            self._ring = [np.empty_like(current) for _ in range(size)]
            self._turn = 0
        self._turn = (self._turn + 1) % len(self._ring)
        return self._ring[self._turn]

    def freeze_current_frame(self, duration: float) -> None:  # noqa: D102
        if self.skip_animations and self._in_play:
            self._frozen = duration
            return
        super().freeze_current_frame(duration)

    def _clock_as_drawn(self, start: float, duration: float, frozen: float | None) -> float:
        """The clock after a play from ``start``, summed as :meth:`add_frame` would have summed it."""
        dt = 1 / self.camera.frame_rate
        if frozen is not None:  # one still frame repeated: Manim adds num_frames * dt once
            return start + int(frozen / dt) * dt
        t = start
        for _ in range(len(np.arange(0, duration, 1 / config["frame_rate"]))):  # Manim's time steps
            t += 1 * dt
        return t

    def segments(self) -> dict[int, tuple[int, str]]:
        """``play index -> (start frame, segment file)`` of the plays this renderer drew or found cached."""
        files = self.file_writer.partial_movie_files
        return {i: (self.starts[i], f) for i, f in enumerate(files) if f is not None}


def stitch(segments: list[str], out: Path) -> None:
    """Concatenate H.264 segments into ``out`` without re-encoding (packets copied, as Manim does).

    Every segment starts at its own time zero; the concat demuxer shifts each
    by the durations before it, so frame ``k`` of the result is at ``k / fps``
    whatever segment it came from.
    """
    if not segments:
        raise ValueError("nothing to stitch: no segments")
    manifest = "".join(f"file 'file:{Path(s).as_posix()}'\n" for s in segments).encode()
    out.parent.mkdir(parents=True, exist_ok=True)
    src: Any = av.open(io.BytesIO(manifest), format="concat", options={"safe": "0", "an": "1"})
    with src, av.open(str(out), mode="w") as dst:
        vin = src.streams.video[0]
        vout = dst.add_stream_from_template(template=vin)
        for packet in src.demux(vin):
            if packet.dts is None:
                continue
            packet.dts = None  # let libav derive monotonic DTS across the seams, as Manim does
            packet.stream = vout
            dst.mux(packet)


__all__ = ["FastCamera", "SectionRenderer", "SegmentWriter", "fast_paths", "stitch"]

"""Render one topic: run its scene, build the narration track, package the outputs.

The steps, in order:

1. run the scene with Manim at the chosen quality (silent video; the scene
   records its beats as it goes, and the pipeline follows its plays to
   report progress and to grab the poster frame at full 1280x720);
2. lay the beats on a track, normalise it, and mux it into the video as AAC;
3. write captions (SRT, VTT), YouTube chapters, the poster, the storyboard
   and the metadata (JSON) — each to a temporary file in the output folder;
4. rename them all into place, together, only once every one is complete.

Manim's own working files live in ``<work_dir>/manim/<slug>/``, never in the
output folder, and a per-topic lock (:mod:`.lock`) keeps two renders of
one topic from using that folder at once.

Outputs, in the output folder, for a topic ``<slug>``:

=========================  =====================================================
``<slug>.mp4``             H.264 + AAC narration, ``+faststart``
``<slug>.srt``, ``.vtt``   captions from the narration's word timings
``<slug>.chapters.txt``    YouTube chapter lines (``0:00 Title``; see :mod:`.chapters`)
``<slug>.poster.png``      1280x720 thumbnail: the frame the scene names, or the
                           end of the first beat after the title
``<slug>.storyboard.png``  contact sheet: the last frame of every beat, its time
                           and narration
``<slug>.json``            metadata: title, duration, sections, chapters, beats,
                           poster time, voice, quality, tool versions, source hashes
=========================  =====================================================
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import av
import manim
import numpy as np
from manim import tempconfig
from manim.utils.iterables import list_update
from PIL import Image

from .. import __version__
from ..narration import captions
from ..narration.cache import Narrator
from ..narration.speech import TRACK_RATE
from ..narration.track import TrackBuilder
from ..scene import ExplainerScene
from ..topics import TopicEntry
from . import interrupts
from .chapters import YOUTUBE_MIN_CHAPTERS, Chapter, chapters_text, youtube_chapters
from .fastpaths import FastCamera, SectionRenderer, fast_paths, stitch
from .files import TMP_PREFIX, check_writable, file_mode
from .lock import exclusive
from .mux import AacWriter, encode_audio, mux
from .parallel import Sections, SharedNarrator, default_workers, merge, plan
from .playkeys import KeyedNarrator, PlayKeys, attach, base_inputs, load_journal, save_journal
from .presets import QUALITIES, Quality
from .progress import Reporter
from .sources import file_sha256, source_closure
from .storyboard import Shot, clock, contact_sheet

POSTER_SIZE = (1280, 720)

#: Output kinds and the suffix of each file (``<slug><suffix>``); the keys of the metadata's ``files``.
OUTPUTS = {
    "video": ".mp4",
    "srt": ".srt",
    "vtt": ".vtt",
    "chapters": ".chapters.txt",
    "poster": ".poster.png",
    "storyboard": ".storyboard.png",
    "metadata": ".json",
}


@dataclass
class RenderResult:
    """What a render produced and how long it took."""

    slug: str
    files: dict[str, Path]
    duration: float
    frames: int
    chapters: list[Chapter]
    poster_time: float
    seconds: dict[str, float] = field(default_factory=dict)
    synth_calls: int = 0
    #: Plays of the scene, and how many were drawn (the rest came from Manim's cache).
    plays: int = 0
    plays_drawn: int = 0
    workers: int = 1
    #: Plays whose Manim hash came from the play-key journal (not computed).
    plays_keyed: int = 0

    @property
    def video(self) -> Path:
        """The MP4."""
        return self.files["video"]

    @property
    def srt(self) -> Path:
        """The SRT captions."""
        return self.files["srt"]

    @property
    def vtt(self) -> Path:
        """The WebVTT captions."""
        return self.files["vtt"]

    @property
    def metadata(self) -> Path:
        """The JSON metadata."""
        return self.files["metadata"]


def _log_nothing(message: str) -> None:
    pass


class _Follower:
    """Follows a running scene: reports progress and grabs the poster frame.

    It wraps the scene instance's ``play`` (every ``wait`` and every beat's
    closing wait go through it) and the renderer's ``add_frame``; the scene
    class is untouched.

    The poster is drawn by a separate 1280x720 camera from the scene's
    mobjects at the chosen moment, so it is sharp whatever the video quality.
    The moment is the scene's ``poster_time`` (set by ``poster_here()``; the
    last one set wins) if it has one; otherwise the end of the second beat (the first one after
    the title), or of the only beat; otherwise the last frame.
    """

    def __init__(self, scene: ExplainerScene, fps: int, reporter: Reporter,
                 on_beat: Callable[[Any], Any] | None = None,
                 done: Callable[[int], int] | None = None) -> None:
        self.scene, self.fps, self.reporter, self.on_beat = scene, fps, reporter, on_beat
        #: Frames of the video done, given the scene's own frame (other processes draw some).
        self.done = done or (lambda frame: frame)
        self.poster: Image.Image | None = None
        self.poster_time = 0.0
        self.poster_source = "default"
        self._fallback: tuple[Image.Image, float] | None = None
        self._named: float | None = None
        self._beats_seen = 0

    def install(self) -> None:
        scene = self.scene
        renderer: Any = scene.renderer  # the Cairo renderer (the pipeline never uses OpenGL)
        play, add_frame = scene.play, renderer.add_frame

        def followed_play(*args: Any, **kwargs: Any) -> None:
            self._before_play()
            play(*args, **kwargs)
            self.report_frames()

        def followed_add_frame(frame: Any, num_frames: int = 1) -> None:
            add_frame(frame, num_frames)
            self.report_frames()

        scene.play = followed_play  # type: ignore[method-assign]
        renderer.add_frame = followed_add_frame

    def report_frames(self) -> None:
        """Tell the reporter how many frames of the video are done."""
        self.reporter.frames(self.done(int(round(self.scene.time * self.fps))))

    def _before_play(self) -> None:
        self._new_beats()
        self._maybe_grab()

    def _new_beats(self) -> None:
        beats = self.scene.beats
        if len(beats) > self._beats_seen:
            if self.on_beat is not None:
                for beat in beats[self._beats_seen:]:
                    self.on_beat(beat)
            self._beats_seen = len(beats)
            self.reporter.beat(len(beats), beats[-1].snippet(80))

    def _maybe_grab(self, final: bool = False) -> None:
        scene, now = self.scene, self.scene.time
        eps = 0.5 / self.fps
        named = getattr(scene, "poster_time", None)
        if named is not None:  # the scene named a moment (the last one named wins)
            if named != self._named and (now + eps >= named or final):
                self._named = named
                self.poster, self.poster_time, self.poster_source = self.grab(), now, "scene"
            return
        if self.poster is not None:
            return
        beats = scene.beats
        if self._fallback is None and beats and now + eps >= beats[0].end:
            self._fallback = (self.grab(), now)
        if len(beats) >= 2 and now + eps >= beats[1].end:
            self.poster, self.poster_time = self.grab(), now
        elif final:
            self.poster, self.poster_time = self._fallback or (self.grab(), now)

    def finish(self) -> None:
        self._new_beats()
        self._maybe_grab(final=True)

    def grab(self) -> Image.Image:
        """The scene as it stands, drawn at :data:`POSTER_SIZE`."""
        scene = self.scene
        scene_camera: Any = scene.camera
        camera = FastCamera(pixel_width=POSTER_SIZE[0], pixel_height=POSTER_SIZE[1],
                            background_color=scene_camera.background_color)
        camera.capture_mobjects(list_update(scene.mobjects, scene.foreground_mobjects))
        return camera.get_image().convert("RGB")


@dataclass
class SceneRun:
    """A scene that ran: the scene, its silent video, what followed it, and which plays were drawn."""

    scene: ExplainerScene
    video: Path
    follower: _Follower
    plays: int
    drawn: list[int]
    cached: list[int]
    workers: int
    #: Plays whose Manim hash came from the play-key journal instead of being computed.
    key_hits: int = 0


def run_scene(
    scene_cls: type[ExplainerScene], quality: Quality, narrator: Narrator, media_dir: Path, name: str,
    reporter: Reporter | None = None, *, workers: int = 1, expected_frames: int = 0,
    while_waiting: Callable[[ExplainerScene], Any] | None = None,
    when_drawn: Callable[[ExplainerScene], Any] | None = None,
    when_started: Callable[[], Any] | None = None,
    on_beat: Callable[[Any], Any] | None = None,
    config_overrides: dict[str, Any] | None = None,
) -> SceneRun:
    """Run ``scene_cls`` with Manim into a silent video.

    With ``workers`` > 1 the earlier parts of the video are drawn by forked
    processes (:mod:`.parallel`) while this one replays them and draws the
    last part; ``expected_frames`` (the last render's length, or the
    topic's target) places the boundaries. ``while_waiting(scene)`` runs once
    this process has the whole scene, before it waits for the others;
    ``when_drawn(scene)`` once every process is done drawing; ``when_started()``
    once the other processes are forked (this process's own threads may start then);
    ``on_beat(beat)`` as each narrated beat begins, in order.
    Every drawn play is one segment in Manim's cache (the next render reuses
    the unchanged plays); the segments are stitched in play order without
    re-encoding. ``config_overrides`` are extra Manim settings (the tests use
    a lossless codec to compare frames).
    """
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
        "video_encoder_options": quality.encoder_options,
        "max_files_cached": -1,  # pruned below, once every process is done with the cache
        "encoder_queue_size": ENCODER_QUEUE,
        **(config_overrides or {}),
    }
    bounds = plan(expected_frames, workers, quality.replay_share, PARENT_EXTRA_SHARE)
    reporter = reporter or Reporter()
    use_keys = play_keys_enabled() and not options["disable_caching"]
    journal = load_journal(Path(media_dir)) if use_keys else {}
    base = base_inputs(scene_cls, options, narrator) if use_keys else b""

    def make_keys() -> PlayKeys:
        return PlayKeys(base, journal)

    with tempconfig(options), fast_paths():
        shared = SharedNarrator(narrator) if len(bounds) > 1 and narrator.cache_dir is not None else narrator
        with Sections(scene_cls, shared, bounds, make_keys if use_keys else None) as sections:
            if when_started is not None:
                when_started()
            renderer = SectionRenderer(first_frame=sections.last_start)
            keys = renderer.play_keys = make_keys() if use_keys else None
            keyed: Any = KeyedNarrator(shared, keys) if keys is not None else shared
            scene = scene_cls(narrator=keyed, renderer=renderer)  # type: ignore[arg-type]
            if keys is not None:
                attach(scene, keys)
            first = sections.last_start  # this process replays up to here, then draws: done is theirs + mine
            follower = _Follower(scene, quality.fps, reporter, on_beat,
                                 lambda frame: max(0, frame - first) + sections.frames_done())
            follower.install()
            scene.render()
            renderer.release_buffers()
            follower.finish()
            if while_waiting is not None:
                while_waiting(scene)
            if sections.children:
                reporter.stage("waiting for the other sections")
            parts = sections.results(tick=follower.report_frames)
            follower.report_frames()  # every process done: the count is the video's
        if when_drawn is not None:
            when_drawn(scene)
        narrator.synth_calls += sum(p.synth_calls for p in parts)
        segments = merge(renderer.num_plays, renderer.segments(), *(p.segments for p in parts))
        video = Path(renderer.file_writer.movie_file_path)
        stitch(segments, video)
        cache = Path(renderer.file_writer.partial_movie_directory)
        _keep_recent(segments, cache)
        if keys is not None:
            cached_now = {p.stem for p in cache.glob("*.mp4")}
            save_journal(Path(media_dir), journal, keys.by_index, segments, cached_now)
    drawn = sorted(renderer.drawn + [i for p in parts for i in p.drawn])
    cached = sorted(renderer.cached + [i for p in parts for i in p.cached])
    hits = (keys.hits if keys is not None else 0) + sum(p.key_hits for p in parts)
    return SceneRun(scene, video, follower, renderer.num_plays, drawn, cached, len(bounds), hits)


def play_keys_enabled() -> bool:
    """Whether renders use play keys (:mod:`.playkeys`): yes, unless ``VISUALSYS_PLAY_KEYS=0``."""
    return os.environ.get("VISUALSYS_PLAY_KEYS", "1") != "0"


#: Frames queued for each segment encoder (Manim's default is 8): each queued 1080p frame is 8 MB,
#: times the processes drawing at once; 4 keep the encoder as busy (measured: no change in wall time).
ENCODER_QUEUE = 4
#: Segments kept in a topic's Manim cache beyond those of the last render (older ones are pruned).
CACHE_SLACK = 100
#: Folder (in the topic's cache) of the levelled clips of its last narration track.
CLIPS_DIR = "narration-clips"
#: Share of a render's work the calling process does after the scene (narration track) while others draw.
PARENT_EXTRA_SHARE = 0.2


def _keep_recent(segments: list[str], directory: Path) -> None:
    """Mark the segments just used as recent, then prune the cache's least recently used ones."""
    from manim.utils.caching import prune_segment_cache

    now = time.time()
    for seg in set(segments):
        try:
            os.utime(seg, (now, os.stat(seg).st_mtime))
        except OSError:
            pass
    prune_segment_cache(directory, len(set(segments)) + CACHE_SLACK)


def tool_versions(narrator: Narrator) -> dict[str, str]:
    """Versions of everything that shapes the output, for the metadata."""
    import cairo
    import manimpango

    libav = av.library_versions.get("libavcodec", ())
    return {
        "visualsys": __version__,
        "manim": manim.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pyav": av.__version__,
        "libavcodec": ".".join(str(p) for p in libav),
        "cairo": cairo.cairo_version_string(),
        "manimpango": manimpango.__version__,
        "voice": narrator.service.fingerprint,
    }


def metadata(entry: TopicEntry, scene: ExplainerScene, quality: Quality, voice: str, duration: float,
             *, frames: int = 0, chapters: list[Chapter] | None = None, poster_time: float = 0.0,
             poster_source: str = "default", narrator: Narrator | None = None,
             files: dict[str, str] | None = None) -> dict:
    """The JSON metadata of a finished render (deterministic: no clock time, no absolute paths)."""
    t = entry.topic
    module = sys.modules.get(entry.scene.__module__)
    sources = source_closure(module) if module is not None else {}
    meta = {
        "slug": t.slug,
        "title": t.title,
        "category": t.category,
        "summary": t.summary,
        "tags": list(t.tags),
        "target_length": t.length,
        "duration": round(duration, 3),
        "frames": frames,
        "quality": {"name": quality.name, "width": quality.width, "height": quality.height,
                    "fps": quality.fps},
        "voice": voice,
        "sections": [{"title": n, "start": round(s, 3)} for n, s in scene.chapters],
        "chapters": [{"title": c.title, "start": c.start, "line": c.line(duration >= 3600)}
                     for c in chapters or []],
        "beats": [
            {"index": b.index, "section": b.section, "start": round(b.start, 3),
             "end": round(b.end, 3), "text": b.script.written_text}
            for b in scene.beats
        ],
        "poster": {"time": round(poster_time, 3), "chosen_by": poster_source,
                   "width": POSTER_SIZE[0], "height": POSTER_SIZE[1]},
        "files": files or {},
        "versions": tool_versions(narrator) if narrator is not None else {},
        "source_sha256": entry.source_hash(),
        "sources": {name: file_sha256(path) for name, path in sources.items()},
    }
    return meta


def _previous(out: Path, fps: int) -> tuple[int | None, int | None]:
    """Frames and beats of the last render of this topic, for the progress estimate."""
    try:
        meta = json.loads(out.read_text(encoding="utf-8"))
        return int(round(float(meta["duration"]) * fps)), len(meta["beats"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, None


def storyboard_shots(scene: ExplainerScene, fps: int, frames: int) -> list[Shot]:
    """One shot per beat: its last frame, number, time range and section."""
    shots = []
    for b in scene.beats:
        last = min(frames - 1, max(int(round(b.start * fps)), int(np.ceil(b.end * fps - 1e-6)) - 1))
        heading = f"{b.index + 1}  ·  {clock(b.start)}–{clock(b.end)}  ·  {b.section}"
        shots.append(Shot(last, heading, b.script.written_text))
    if not shots:  # a scene without narration: its last frame
        shots.append(Shot(max(0, frames - 1), clock(frames / fps), "(no narration)"))
    return shots


def clip_cues(cues: list[captions.Cue], duration: float) -> list[captions.Cue]:
    """Cues cut to the video: pacing may stretch the last one past the end of the picture."""
    return [replace(c, end=min(c.end, duration)) for c in cues if c.start < duration]


class _TrackStream:
    """The narration track encoded to AAC while the scene still runs (call it from the mixer's thread).

    As each beat begins, the track before it is final (:meth:`~.TrackBuilder.settled`)
    and :meth:`beat` encodes it into ``path``, so when the scene ends only the
    last beat is left to encode (:meth:`finish`). While the beats are the last
    track's, nothing is encoded: that track may be reused whole.
    """

    def __init__(self, track: TrackBuilder, path: Path) -> None:
        self.track, self.path = track, path
        self._file: Any = None
        self._aac: AacWriter | None = None

    def beat(self) -> None:
        """Encode the track up to the latest beat's start (once the beats differ from the last track's)."""
        if self.track.putting_off:
            return
        if self._aac is None:
            self._file = av.open(str(self.path), "w", format="mp4")
            self._aac = AacWriter(self._file, self.track.rate)
        end = self.track.settled()
        if end > self._aac.written:
            self._aac.write(self.track.piece(self._aac.written, end))

    def finish(self, total: float, out: Path) -> None:
        """Write the whole track, ``total`` seconds long, to ``out`` (what is encoded, plus the rest)."""
        n = int(round(total * self.track.rate))
        if self._aac is None or self._aac.written > n:
            self.discard()
            encode_audio(self.track.track(total), self.track.rate, out)
            return
        self._aac.write(self.track.piece(self._aac.written, n, total))
        self._aac.flush()
        self._file.close()
        self._file = self._aac = None
        os.replace(self.path, out)

    def discard(self) -> None:
        """Close and remove the partial file, if any."""
        if self._file is not None:
            try:
                self._file.close()
            except Exception:  # noqa: BLE001 - a half-written file is removed either way
                pass
            self._file = self._aac = None
        self.path.unlink(missing_ok=True)


def _mix_to_aac(track: TrackBuilder, duration: float, out: Path, stream: _TrackStream) -> Path:
    """The narration track ``track`` was given, ``duration`` long, encoded to AAC: the M4A's path.

    The file is named ``<out stem>.<key>.m4a`` after everything the track is
    made of (:meth:`~.TrackBuilder.key`), so a render whose narration is
    unchanged (an edit to the picture only) takes the last render's track
    instead of encoding it again; its levelled clips are kept in
    :data:`CLIPS_DIR` for the next track. Beside it, ``<out stem>.<key>.json`` lists
    the key after each beat, which the next render's builder compares its
    beats with (:func:`_last_track_keys`). Only the newest track is kept.
    ``stream`` has most of the track encoded already (:meth:`_TrackStream.finish`).
    """
    done = out.with_name(f"{out.stem}.{track.key(duration)}.m4a")
    keys = done.with_suffix(".json")
    if not (done.exists() and keys.exists()):
        tmp = out.with_name(f".{done.name}.{os.getpid()}")
        try:
            stream.finish(duration, tmp)
            keys.write_text(json.dumps(track.keys), encoding="utf-8")
            os.replace(tmp, done)
        finally:
            tmp.unlink(missing_ok=True)
    for old in out.parent.glob(f"{out.stem}.*"):  # (one render of a topic at a time: it holds the lock)
        if old not in (done, keys) and old.suffix in (".m4a", ".json"):
            old.unlink(missing_ok=True)
    track.prune()
    return done


def _last_track_keys(out: Path) -> list[str]:
    """The beat keys of the last narration track made at ``out`` (see :func:`_mix_to_aac`), or none."""
    for keys in out.parent.glob(f"{out.stem}.*.json"):
        if keys.with_suffix(".m4a").exists():
            try:
                found = json.loads(keys.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return []
            return [k for k in found if isinstance(k, str)] if isinstance(found, list) else []
    return []


def _warm_mixer() -> None:
    """Import the mixer (SciPy's signal package: ~0.4 s) and design its filters, off the critical path.

    Run in the mixer's thread once the scene has started (after any fork:
    a module half-imported by a thread is unsafe to fork with).
    """
    import numpy as np

    from ..narration.mix import normalise

    tone = np.sin(np.arange(TRACK_RATE) * 0.05).astype(np.float32)
    normalise(tone, TRACK_RATE)


class _Staging:
    """Temporary files in the output folder, renamed onto their targets together by :meth:`commit`."""

    def __init__(self, targets: dict[str, Path]) -> None:
        self.targets = targets
        self.temps: dict[str, Path] = {}

    def path(self, kind: str) -> Path:
        target = self.targets[kind]
        tmp = target.with_name(f"{TMP_PREFIX}{target.name}-{os.getpid()}{target.suffix}")
        self.temps[kind] = tmp
        return tmp

    def commit(self) -> None:
        with interrupts.deferred():
            for tmp in self.temps.values():
                os.chmod(tmp, file_mode())
            for kind, tmp in self.temps.items():
                os.replace(tmp, self.targets[kind])
            self.temps.clear()

    def discard(self) -> None:
        for tmp in self.temps.values():
            tmp.unlink(missing_ok=True)
        self.temps.clear()


def render_topic(
    entry: TopicEntry,
    *,
    quality: str = "hd",
    out_dir: Path = Path("out"),
    narrator: Narrator,
    voice: str = "hibari",
    work_dir: Path,
    log: Callable[[str], None] = _log_nothing,
    reporter: Reporter | None = None,
    caption_mode: str = "sidecar",
    workers: int | None = None,
) -> RenderResult:
    """Render ``entry`` and write its outputs to ``out_dir``.

    Parameters
    ----------
    entry
        The topic.
    quality
        A key of :data:`~visualsys.render.presets.QUALITIES`.
    out_dir
        Where the outputs go (created if missing; checked writable before anything renders).
    narrator
        The voice (with its speech cache).
    voice
        The voice's name, for the metadata.
    work_dir
        Holds Manim's working files (partial movies, its cache), per topic.
    log
        Called with the occasional sentence (waiting for a lock, YouTube's chapter rule).
    reporter
        Receives progress (topic, beat, frames, stage).
    caption_mode
        ``"sidecar"`` writes SRT/VTT files only; ``"burn"`` also draws the
        captions into the picture (re-encoding it).
    workers
        Processes drawing parts of the video at once; ``None``: see
        :func:`~.parallel.default_workers` (the CPUs available, or
        ``VISUALSYS_RENDER_WORKERS``). The picture is the same for any number.
    """
    if caption_mode not in ("sidecar", "burn"):
        raise ValueError(f"caption_mode must be 'sidecar' or 'burn', got {caption_mode!r}")
    q = QUALITIES[quality]
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    out_dir = Path(out_dir)
    check_writable(out_dir)
    reporter = reporter or Reporter()
    slug = entry.slug
    targets = {kind: out_dir / f"{slug}{suffix}" for kind, suffix in OUTPUTS.items()}
    times: dict[str, float] = {}
    calls_before = narrator.synth_calls
    media_dir = Path(work_dir) / "manim" / slug

    def waiting() -> None:
        log(f"{slug}: another render of this topic is using {media_dir}; waiting for it to finish")
        reporter.stage("waiting for another render of this topic")

    total_frames, total_beats = _previous(targets["metadata"], q.fps)
    with exclusive(Path(work_dir) / "manim" / f"{slug}.lock", on_wait=waiting):
        t0 = time.perf_counter()
        expected = total_frames or int(entry.topic.length * q.fps)
        reporter.begin(slug, expected, total_beats)
        mixer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="visualsys-mix")
        try:
            reporter.stage(f"running the scene at {q.label}")
            narration = media_dir / f"{slug}.narration.m4a"
            mixed: list[Future[Path]] = []
            track = TrackBuilder(TRACK_RATE, _last_track_keys(narration), clips_dir=media_dir / CLIPS_DIR)
            stream = _TrackStream(track, media_dir / f"{TMP_PREFIX}{slug}.narration.{os.getpid()}.m4a")

            def add_beat(beat: Any) -> None:
                track.add(beat.start, beat.speech)
                stream.beat()

            def level(beat: Any) -> None:
                # each beat's clip is levelled, and the track before it encoded, in the mixer's thread
                # while the scene goes on
                mixer.submit(add_beat, beat)

            def mix(scene: ExplainerScene) -> None:
                # in a thread, while other processes still draw and this one stitches and draws the storyboard
                duration = int(round(scene.time * q.fps)) / q.fps
                mixed.append(mixer.submit(_mix_to_aac, track, duration, narration, stream))

            # at 1080p the track's last stretch is encoded (and its clips let go) once the other
            # processes finish drawing, not while their frame buffers are in memory
            run = run_scene(entry.scene, q, narrator, media_dir, slug, reporter,
                            workers=workers, expected_frames=expected, on_beat=level,
                            when_started=lambda: mixer.submit(_warm_mixer),
                            while_waiting=mix if q.mix_while_drawing else None,
                            when_drawn=None if q.mix_while_drawing else mix)
            scene, silent, follower = run.scene, run.video, run.follower
            times["scene"] = time.perf_counter() - t0
            frames = int(round(scene.time * q.fps))
            duration = frames / q.fps
            # the time of the frame the poster shows (a grab after the last play shows the last frame)
            poster_time = min(follower.poster_time, (frames - 1) / q.fps)

            t1 = time.perf_counter()
            words = [w for b in scene.beats for w in b.written_words()]
            cues = clip_cues(captions.build_cues(words, [b.end for b in scene.beats]), duration)
            chapters = youtube_chapters(scene.chapters, duration)
            if len(chapters) < YOUTUBE_MIN_CHAPTERS:
                log(f"{slug}: {len(chapters)} chapter(s) of 10 s or more; YouTube shows chapters "
                    f"only from {YOUTUBE_MIN_CHAPTERS}")
            meta = metadata(entry, scene, q, voice, duration, frames=frames, chapters=chapters,
                            poster_time=poster_time, poster_source=follower.poster_source,
                            narrator=narrator,
                            files={k: p.name for k, p in targets.items() if k != "metadata"})

            picture = silent
            if caption_mode == "burn":
                from ..narration.burn import burn_captions

                reporter.stage("burning in the captions")
                picture = media_dir / f"{slug}.burned.mp4"
                burn_captions(silent, cues, picture)
            staging = _Staging(targets)
            try:
                staging.path("srt").write_text(captions.to_srt(cues), encoding="utf-8")
                staging.path("vtt").write_text(captions.to_vtt(cues), encoding="utf-8")
                staging.path("chapters").write_text(chapters_text(chapters, duration), encoding="utf-8")
                assert follower.poster is not None
                follower.poster.save(staging.path("poster"), format="PNG")
                reporter.stage("drawing the storyboard")
                contact_sheet(
                    silent, storyboard_shots(scene, q.fps, frames), staging.path("storyboard"),
                    title=entry.topic.title,
                    subtitle=(f"{slug}  ·  {clock(duration)}  ·  {len(scene.beats)} beats  ·  "
                              f"{q.name} {q.width}x{q.height}@{q.fps}  ·  voice {voice}"),
                )
                staging.path("metadata").write_text(
                    json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
                reporter.stage("muxing the narration")
                mux(picture, mixed[0].result(), TRACK_RATE, staging.path("video"))
                staging.commit()
            finally:
                staging.discard()
            times["audio_and_outputs"] = time.perf_counter() - t1
            times["total"] = time.perf_counter() - t0
        finally:
            mixer.shutdown(wait=True)
            stream.discard()
            reporter.end()
    return RenderResult(slug, targets, duration, frames, chapters, poster_time, times,
                        narrator.synth_calls - calls_before, run.plays, len(run.drawn), run.workers,
                        run.key_hits)

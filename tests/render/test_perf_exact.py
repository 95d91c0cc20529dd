"""The speed-ups keep the picture exact.

Every render here is encoded losslessly (``libx264rgb`` at ``qp 0``), so a
decoded frame is exactly the RGB the camera drew. The reference is stock
Manim: its own camera, renderer and file writer, one process, no cache.
Against it: the fast camera, frames drawn into the ring of buffers, the
segments of several processes stitched together, plays reused from the
cache after a narration edit. Same number of frames, the same pixels, and
frame ``k`` at exactly ``k / fps``, across every seam.
"""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arc,
    Circle,
    Create,
    FadeIn,
    FadeOut,
    Indicate,
    Line,
    Rectangle,
    Square,
    Text,
    Transform,
    VGroup,
    VMobject,
    Write,
    tempconfig,
)
from manim.camera.camera import Camera
from manim.mobject.mobject import Mobject

from visualsys import ExplainerScene, theme
from visualsys.narration import Narrator
from visualsys.narration.voices import SilentService
from visualsys.render import fastcopy
from visualsys.render.fastpaths import FastCamera, SectionRenderer, fast_paths, stitch
from visualsys.render.parallel import merge, plan
from visualsys.render.pipeline import PARENT_EXTRA_SHARE, run_scene
from visualsys.render.presets import Quality
from visualsys.render.progress import Reporter
from visualsys.render.storyboard import frames_by_index
from visualsys.topics import find

ROOT = Path(__file__).resolve().parents[2]
LOSSLESS = {"video_codec": "libx264rgb", "pixel_format": "rgb24",
            "video_encoder_options": {"qp": "0", "preset": "ultrafast"}}
TINY = Quality("tiny", 144, 15, "256x144 at 15 fps, for exactness tests", x264_preset="ultrafast",
               replay_share=0.2)


class Sampler(ExplainerScene):
    """Something of everything the speed-ups touch: text, paths, still waits, transforms, chapters."""

    SECOND_BEAT = "A square turns into a circle, and the title waits."

    def construct(self):
        title = Text("Exact frames", font_size=theme.HEADING).to_edge(UP)
        with self.voiceover('Text fades <bookmark mark="in"/>in with a shift.') as beat:
            self.play(FadeIn(title, shift=0.3 * DOWN), run_time=beat.time_until_bookmark("in"))
            written = Text("written", font_size=theme.BODY).shift(2 * LEFT)
            self.play(Write(written), run_time=beat.get_remaining_duration())
        self.chapter("Shapes")
        square = Square(color=theme.BLUE).shift(2 * RIGHT)
        with self.voiceover(self.SECOND_BEAT) as beat:
            self.play(Create(square), run_time=beat.get_remaining_duration() / 2)
            self.play(Transform(square, Circle(color=theme.GREEN).shift(2 * RIGHT)),
                      run_time=beat.get_remaining_duration())
        self.wait(0.6)  # a still wait: one frame, repeated
        with self.voiceover("Open paths, arcs and several subpaths at once.") as beat:
            shapes = VGroup(Line(LEFT, RIGHT), Arc(angle=4), Rectangle(width=1, height=0.5),
                            Text("a b c", font_size=theme.SMALL)).arrange(RIGHT).to_edge(DOWN)
            self.play(FadeIn(shapes), run_time=1.0)
            self.play(Indicate(title), run_time=beat.get_remaining_duration())
        self.chapter("End")
        with self.voiceover("Everything leaves."):
            self.play(FadeOut(title), FadeOut(written), FadeOut(square), FadeOut(shapes))


#: The same scene after editing the second beat's narration (same name, so the same Manim cache folder).
EditedSampler = type("Sampler", (Sampler,), {
    "SECOND_BEAT": "Now the square slowly turns into a round circle, while the title just waits there."})


def _narrator(cache: Path | None = None) -> Narrator:
    return Narrator(SilentService(), cache)


def decode(video: Path) -> tuple[list[np.ndarray], list[Fraction], Fraction]:
    """Every frame as RGB, its presentation time, and the stream's frame rate."""
    frames, times = [], []
    with av.open(str(video)) as c:
        stream = c.streams.video[0]
        for frame in c.decode(stream):
            frames.append(frame.to_ndarray(format="rgb24"))
            times.append(frame.pts * stream.time_base)
        rate = stream.average_rate
    return frames, times, Fraction(rate)


def stock_render(scene_cls, quality: Quality, media: Path) -> Path:
    """Stock Manim: its camera, renderer and file writer; one process; no cache; lossless."""
    options = {"pixel_height": quality.height, "pixel_width": quality.width, "frame_rate": quality.fps,
               "media_dir": str(media), "output_file": "stock", "verbosity": "ERROR", "progress_bar": "none",
               "write_to_movie": True, "format": "mp4", "disable_caching": True, **LOSSLESS}
    with tempconfig(options):
        scene = scene_cls(narrator=_narrator())
        scene.render()
        return Path(scene.renderer.file_writer.movie_file_path)


def ours(scene_cls, quality: Quality, media: Path, workers: int, cache: Path | None = None):
    return run_scene(scene_cls, quality, _narrator(cache), media, "ours", workers=workers,
                     expected_frames=160 * quality.fps // 15,
                     config_overrides={**LOSSLESS, "verbosity": "ERROR"})


def assert_same_video(a: Path, b: Path) -> int:
    fa, ta, ra = decode(a)
    fb, tb, rb = decode(b)
    assert len(fa) == len(fb), f"{len(fa)} frames vs {len(fb)}"
    assert ra == rb
    for i, (x, y) in enumerate(zip(fa, fb, strict=True)):
        differing = int(np.count_nonzero((x != y).any(axis=2)))
        assert np.array_equal(x, y), f"frame {i} differs in {differing} pixels"
    expected = [Fraction(i) / ra for i in range(len(fa))]
    assert ta == expected, "frame timestamps are not exactly k / fps"
    assert tb == expected, "frame timestamps are not exactly k / fps"
    return len(fa)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    return stock_render(Sampler, TINY, tmp_path_factory.mktemp("stock"))


# -- the camera ------------------------------------------------------------------------

def _draw(camera_cls, mobjects) -> np.ndarray:
    with tempconfig({"pixel_height": 144, "pixel_width": 256}):
        camera = camera_cls(background_color=theme.BACKGROUND)
        camera.capture_mobjects(mobjects)
        return camera.pixel_array.copy()


def test_fast_camera_draws_the_same_pixels():
    broken = Line(LEFT, RIGHT)
    broken.points[1, 0] = np.nan  # Manim draws non-finite points as nothing
    mobjects = [
        Text("Hello, glyphs & subpaths: 0123 %", font_size=theme.BODY).to_edge(UP),
        Circle(color=theme.BLUE, fill_opacity=0.5),
        Arc(angle=5, color=theme.RED).shift(3 * LEFT),
        Rectangle(width=2, height=1, color=theme.GREEN).shift(3 * RIGHT).rotate(0.3),
        Line(3 * LEFT + DOWN, 3 * RIGHT + 2 * DOWN, stroke_width=6),
        VGroup(Square(0.5), Square(0.3)).shift(2 * DOWN),
        VMobject(),  # no points
        broken,
    ]
    stock, fast = _draw(Camera, mobjects), _draw(FastCamera, mobjects)
    assert stock.any() and np.array_equal(stock, fast)


def test_replayed_paths_draw_the_same_pixels():
    """Paths seen before come from the camera's cache: same pixels, frame after frame, as stock Manim."""
    from manim.utils import hashing

    text = Text("Replayed glyphs: 0123", font_size=theme.BODY)
    ring = Circle(color=theme.BLUE, fill_opacity=0.5)
    with tempconfig({"pixel_height": 144, "pixel_width": 256}):
        stock, fast = Camera(background_color=theme.BACKGROUND), FastCamera(background_color=theme.BACKGROUND)
        before = hashing.get_json(fast)
        for step in range(4):
            text.set_opacity(0.25 * (step + 1))  # same points, new colour: replayed
            if step == 2:
                ring.shift(0.1 * RIGHT)  # new points: traced again
            for camera in (stock, fast):
                camera.reset()
                camera.capture_mobjects([text, ring])
            assert np.array_equal(stock.pixel_array, fast.pixel_array), step
    # all but the first frame replay the text's glyphs; the ring is replayed in frames 2 and 4
    glyphs = len(text.family_members_with_points())
    assert fast.paths_reused == 3 * glyphs + 2
    assert hashing.get_json(fast) == before  # the cache is not part of the camera's play hash


# -- copies and hashes -----------------------------------------------------------------

def test_fast_paths_share_the_parsed_svg_and_restore_manim():
    from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
    from manim.utils import hashing

    with tempconfig({"media_dir": "/tmp/visualsys-test-media"}), fast_paths():
        text = Text("copy me")
        copy = text.copy()
        glyph, clone = text.submobjects[0], copy.submobjects[0]
        assert clone.path_obj is glyph.path_obj  # shared, not cloned
        assert np.array_equal(clone.points, glyph.points) and clone.points is not glyph.points
        assert "path_obj" in hashing.KEYS_TO_FILTER_OUT
    assert "__deepcopy__" not in VMobjectFromSVGPath.__dict__
    assert Mobject.__deepcopy__ is not fastcopy.mobject_deepcopy  # Manim's own again
    assert "path_obj" not in hashing.KEYS_TO_FILTER_OUT
    with tempconfig({"media_dir": "/tmp/visualsys-test-media"}):
        assert Text("copy me").copy().submobjects[0].path_obj is not text.submobjects[0].path_obj


def test_a_text_svg_is_trimmed_once_then_left_alone(tmp_path, monkeypatch):
    import inspect

    from manimpango.utils import PangoUtils

    from visualsys.render import fastpaths

    assert fastpaths._DANGLING_M.pattern in inspect.getsource(PangoUtils.remove_last_M)  # manimpango's own
    svg = tmp_path / "text.svg"
    svg.write_text('<path d="M 1 2 L 3 4 Z M 5 6 "/>\n')
    with fast_paths():
        PangoUtils.remove_last_M(str(svg))
        assert svg.read_text() == '<path d="M 1 2 L 3 4 Z "/>\n'
        monkeypatch.setattr(fastpaths.shutil, "copyfile", lambda *a: pytest.fail("trimmed twice"))
        PangoUtils.remove_last_M(str(svg))  # nothing left to trim: not even a scratch copy
    assert svg.read_text() == '<path d="M 1 2 L 3 4 Z "/>\n'
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(fastpaths.TMP_SEGMENT)]  # no scratch left


# -- whole renders against stock Manim ------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2, 3])
def test_frames_match_a_stock_serial_render(reference, tmp_path, workers):
    run = ours(Sampler, TINY, tmp_path / "media", workers)
    assert run.workers == workers
    assert sorted(run.drawn) == list(range(run.plays)) and not run.cached
    frames = assert_same_video(reference, run.video)
    assert frames == int(round(run.scene.time * TINY.fps))


@pytest.mark.slow
def test_each_process_draws_its_own_range(tmp_path):
    bounds = plan(160, 2, TINY.replay_share, PARENT_EXTRA_SHARE)  # as run_scene plans it
    run = ours(Sampler, TINY, tmp_path / "media", 2)
    starts = run.scene.renderer.starts
    mine = [i for i, f in enumerate(starts) if f >= bounds[1]]  # the caller draws the last range
    assert 0 < len(mine) < run.plays  # the seam falls inside the video: both processes drew plays
    assert sorted(run.scene.renderer.drawn) == mine


@pytest.mark.slow
def test_progress_counts_each_frame_once_over_the_processes(tmp_path):
    """The bar adds the child's frames to the caller's own: it ends at the video's length, never beyond."""
    events = []
    run = run_scene(Sampler, TINY, _narrator(None), tmp_path / "media", "ours", Reporter(events.append, 1e9),
                    workers=2, expected_frames=160, config_overrides={**LOSSLESS, "verbosity": "ERROR"})
    done = [e["done"] for e in events if e["event"] == "frames"]
    assert run.workers == 2
    assert done == sorted(done) and done[-1] == int(round(run.scene.time * TINY.fps))


def test_a_section_counts_the_frames_of_its_range_only():
    import multiprocessing

    with tempconfig({"frame_rate": 15, "media_dir": "/tmp/visualsys-test-media"}):
        renderer = SectionRenderer(first_frame=10, stop_frame=30)
    renderer.progress = multiprocessing.get_context("fork").RawValue("q", 0)
    for frame, expected in [(4, 0), (10, 0), (25, 15), (30, 20), (44, 20)]:
        renderer.time = frame / 15
        renderer._report()
        assert renderer.progress.value == expected, frame


@pytest.mark.slow
def test_editing_one_beat_redraws_only_that_beat(tmp_path):
    media, cache = tmp_path / "media", tmp_path / "speech"
    first = ours(Sampler, TINY, media, 1, cache)
    again = ours(Sampler, TINY, media, 1, cache)
    assert again.drawn == [] and len(again.cached) == again.plays
    assert_same_video(first.video, again.video)

    edited = ours(EditedSampler, TINY, media, 2, cache)
    second = edited.scene.beats[1]
    in_beat = [i for i, f in enumerate(edited.scene.renderer.starts)
               if second.start * TINY.fps - 1e-6 <= f < second.end * TINY.fps - 1e-6]
    assert edited.drawn == in_beat  # the edited beat's plays, nothing else
    assert len(edited.cached) == edited.plays - len(in_beat)
    assert_same_video(stock_render(EditedSampler, TINY, tmp_path / "stock"), edited.video)


@pytest.mark.slow
def test_real_topic_matches_stock_manim(tmp_path):
    """consistent-hashing, the benchmark's topic, at 256x144: two processes, stitched, against stock."""
    scene = find("consistent-hashing", ROOT / "scenes").scene
    run = ours(scene, TINY, tmp_path / "media", 2)
    assert run.workers == 2 and len(run.drawn) == run.plays
    assert_same_video(stock_render(scene, TINY, tmp_path / "stock"), run.video)


# -- stitching, storyboard seeking, planning --------------------------------------------------

def _segment(path: Path, frames: int, value: int, fps: int = 15) -> Path:
    with av.open(str(path), "w", format="mp4") as c:
        s = c.add_stream("libx264rgb", rate=fps, options={"preset": "ultrafast", "qp": "0"})
        s.width, s.height, s.pix_fmt = 64, 48, "rgb24"
        for i in range(frames):
            img = np.full((48, 64, 3), value, np.uint8)
            img[0, 0] = i  # every frame distinct
            f = av.VideoFrame.from_ndarray(img, format="rgb24")
            f.pts = i
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def test_stitch_keeps_every_frame_at_k_over_fps(tmp_path):
    lengths = [7, 1, 23, 4]
    segments = [_segment(tmp_path / f"s{i}.mp4", n, 40 * i + 20) for i, n in enumerate(lengths)]
    out = tmp_path / "all.mp4"
    stitch([str(s) for s in segments], out)
    frames, times, rate = decode(out)
    assert len(frames) == sum(lengths) and rate == 15
    assert times == [Fraction(k, 15) for k in range(sum(lengths))]
    k = 0
    for i, n in enumerate(lengths):  # the seams fall where the segments meet
        assert {int(f[5, 5, 1]) for f in frames[k:k + n]} == {40 * i + 20}
        k += n
    with pytest.raises(ValueError, match="no segments"):
        stitch([], out)


def test_storyboard_seeking_finds_the_same_frames_as_decoding_through(tmp_path):
    segments = [_segment(tmp_path / f"s{i}.mp4", 40, 30 * i + 10) for i in range(5)]
    video = tmp_path / "all.mp4"
    stitch([str(s) for s in segments], video)
    everything, _, _ = decode(video)
    wanted = [0, 3, 39, 40, 41, 120, 199, 150, 75, 500]
    got = frames_by_index(video, wanted)
    for i, frame in zip(wanted, got, strict=True):
        assert np.array_equal(frame, everything[min(i, len(everything) - 1)]), f"frame {i}"


@pytest.mark.parametrize("total,workers", [(1403, 2), (5612, 2), (1403, 3), (100, 4), (10, 1)])
def test_plan_splits_into_increasing_ranges(total, workers):
    bounds = plan(total, workers, 0.3, 0.05)
    assert bounds[0] == 0 and len(bounds) == (workers if workers > 1 else 1)
    assert all(a < b for a, b in zip(bounds, bounds[1:], strict=False))
    assert bounds[-1] < total


def test_plan_balances_two_workers():
    assert plan(1000, 2, 0.0) == [0, 500]  # replaying costs nothing: halves
    # the child draws [0, b); the caller replays that (0.2 of its cost) and draws the rest:
    # b = 0.2 b + (1 - b), so b = 1 / 1.8
    assert plan(1000, 2, 0.2) == [0, 556]
    parent_busier = plan(1000, 2, 0.2, parent_extra=0.1)
    assert parent_busier[1] > 556  # the process that also mixes the audio draws less


@pytest.mark.parametrize("kwargs,message", [
    ({"workers": 0}, "workers must be >= 1"), ({"total_frames": -1}, "total_frames must be >= 0"),
    ({"replay_share": 1.0}, "replay_share must be in"), ({"parent_extra": -0.1}, "parent_extra must be in"),
])
def test_plan_rejects_bad_arguments(kwargs, message):
    args = {"total_frames": 100, "workers": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        plan(**args)


def test_merge_refuses_gaps_and_overlaps():
    assert merge(3, {0: (0, "a"), 2: (9, "c")}, {1: (4, "b")}) == ["a", "b", "c"]
    with pytest.raises(RuntimeError, match="missing plays \\[1\\]"):
        merge(3, {0: (0, "a"), 2: (9, "c")})
    with pytest.raises(RuntimeError, match="rendered by two processes"):
        merge(2, {0: (0, "a"), 1: (4, "b")}, {1: (4, "b")})


def test_workers_follow_the_environment_and_the_spare_cpus(monkeypatch):
    from visualsys.render import workers

    monkeypatch.setenv("VISUALSYS_RENDER_WORKERS", "3")
    assert workers.default_workers() == 3
    for bad in ("0", "two"):
        monkeypatch.setenv("VISUALSYS_RENDER_WORKERS", bad)
        with pytest.raises(ValueError, match="VISUALSYS_RENDER_WORKERS must be"):
            workers.default_workers()
    monkeypatch.delenv("VISUALSYS_RENDER_WORKERS")
    monkeypatch.setattr(workers, "cpus", lambda: 4)
    for load, expected in [(0.0, 4), (1.5, 3), (3.2, 1), (9.0, 1)]:
        monkeypatch.setattr(workers.os, "getloadavg", lambda load=load: (load, load, load))
        assert workers.default_workers() == expected


def teardown_module():
    shutil.rmtree("/tmp/visualsys-test-media", ignore_errors=True)


def test_an_interrupt_while_sealing_a_segment_cannot_orphan_its_encoder():
    """A signal raised while the end marker waits behind a full queue: the abort after it still queues one."""
    from queue import Queue

    from manim.scene.scene_file_writer import _PartialMovieEncodeJob

    class Job:
        _sealed = False

        def __init__(self):
            self.queue, self.calls = Queue(), 0

    def interrupted_once(item, _put=Queue.put):
        job.calls += 1
        if job.calls == 1:
            raise KeyboardInterrupt  # the signal, while put() waits for room
        _put(job.queue, item)

    with fast_paths():
        seal = _PartialMovieEncodeJob.seal
        job = Job()
        job.queue.put = interrupted_once
        with pytest.raises(KeyboardInterrupt):
            seal(job)
        assert not job._sealed  # Manim's own seal would say True here, with nothing queued
        seal(job)  # what abort() does next
        assert job._sealed and job.queue.get_nowait() == (-1, None)
    assert _PartialMovieEncodeJob.seal is not seal  # Manim's is back

"""Burned-in captions: drawn while their cue is on, nowhere else; frames and timing unchanged."""

import av
import numpy as np
import pytest

from visualsys.narration.burn import burn_captions, render_cue
from visualsys.narration.captions import Cue
from visualsys.render.probe import probe

W, H, FPS = 854, 480, 15


def black_video(path, seconds=3.0):
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=FPS)
        s.width, s.height, s.pix_fmt = W, H, "yuv420p"
        for _ in range(int(seconds * FPS)):
            for p in s.encode(av.VideoFrame.from_ndarray(np.zeros((H, W, 3), np.uint8), format="rgb24")):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)


def frames(path):
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(c.streams.video[0])]


@pytest.fixture(scope="module")
def burned(tmp_path_factory):
    d = tmp_path_factory.mktemp("burn")
    black_video(d / "in.mp4")
    cue = Cue(1.0, 2.0, ("A key walks clockwise until it meets", "a server, and that server owns it."))
    burn_captions(d / "in.mp4", [cue], d / "out.mp4")
    return d


def test_frames_and_timing_are_unchanged(burned):
    a, b = probe(burned / "in.mp4"), probe(burned / "out.mp4")
    assert (b.width, b.height, b.frames) == (a.width, a.height, a.frames)
    assert b.video_duration == pytest.approx(a.video_duration)


def test_text_shows_only_while_its_cue_is_on(burned):
    out = frames(burned / "out.mp4")
    bottom = [f[int(H * 0.7) :].max() for f in out]
    on = [i for i, v in enumerate(bottom) if v > 128]
    assert on == list(range(15, 30))  # 1.0 s .. 2.0 s at 15 fps
    assert max(f[: int(H * 0.6)].max() for f in out) < 40  # nothing drawn higher up


def test_cue_image_fits_the_frame_and_the_safe_margin():
    img = render_cue(Cue(0, 1, ("x" * 42, "y" * 42)), W, H)
    assert img.width <= W * 0.9 and img.height < H * 0.25
    with pytest.raises(ValueError, match="crf must be between 0 and 51, got 99"):
        burn_captions("in.mp4", [], "out.mp4", crf=99)

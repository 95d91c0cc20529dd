"""A re-render served from Manim's cache keeps the beats on the same frames as the first render."""

from pathlib import Path

import pytest
from manim import Circle, Create, FadeIn, Square, tempconfig

from visualsys.narration.cache import Narrator
from visualsys.render.probe import probe
from visualsys.scene import ExplainerScene

pytestmark = pytest.mark.slow
FPS = 15


class Odd(ExplainerScene):
    def construct(self):
        with self.voiceover('A ring <bookmark mark="b"/>appears, and a square fades in.') as beat:
            self.play(Create(Circle()), run_time=beat.time_until_bookmark("b") + 0.013)
            self.play(FadeIn(Square()), run_time=0.437)
        self.wait(0.71)
        with self.voiceover("Then nothing moves for a while."):
            self.wait(0.29)


def render(media: Path, narrator: Narrator) -> tuple[Odd, Path]:
    options = {"pixel_height": 90, "pixel_width": 160, "frame_rate": FPS, "media_dir": str(media),
               "write_to_movie": True, "format": "mp4", "disable_caching": False, "verbosity": "ERROR",
               "progress_bar": "none", "output_file": "odd"}
    with tempconfig(options):
        scene = Odd(narrator=narrator)
        scene.render()
        return scene, Path(scene.renderer.file_writer.movie_file_path)


def test_cached_rerender_keeps_frames_and_beats(tmp_path, hibari):
    narrator = Narrator(hibari, tmp_path / "speech")
    first, video1 = render(tmp_path / "media", narrator)
    frames1 = probe(video1).frames
    second, video2 = render(tmp_path / "media", narrator)
    frames2 = probe(video2).frames
    assert narrator.synth_calls == 2  # the second render spoke nothing new
    assert frames1 == frames2 == round(first.time * FPS) == round(second.time * FPS)
    assert [b.start for b in first.beats] == pytest.approx([b.start for b in second.beats], abs=1e-6)
    assert all(abs(b.start * FPS - round(b.start * FPS)) < 1e-6 for b in second.beats)

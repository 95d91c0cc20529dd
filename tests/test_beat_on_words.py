"""``Beat.on_words``: each stage of a staged verb starts on its bookmark."""

from types import SimpleNamespace

import pytest
from manim import Animation, Square, tempconfig

from visualsys.scene import Beat, BookmarkError, ExplainerScene

FPS = 15


def fake_beat(now: float = 1.0, end: float = 10.0, marks: dict[str, float] | None = None) -> SimpleNamespace:
    """A stand-in with just what ``on_words`` reads: the scene clock, the beat's end and its bookmarks."""
    marks = {"a": 2.0, "b": 5.0} if marks is None else marks
    return SimpleNamespace(scene=SimpleNamespace(time=now), end=end, bookmark_time=marks.__getitem__)


def test_stages_start_on_their_words():
    cue = Beat.on_words(fake_beat(), ["a", None, "b", "end"], step=0.5)
    run, rate = cue["run_time"], cue["rate_func"]
    assert run == 9.0  # from now (1.0) to the beat's end (10.0)

    def at(t):  # the verb's progress at scene time t
        return rate((t - 1.0) / run)

    assert at(1.0) == 0 and at(1.9) == 0  # nothing before the first word
    assert at(2.5) == 0.25 and at(3.0) == 0.5  # stage 1 on "a", stage 2 right after it
    assert at(4.9) == 0.5 and at(5.5) == 0.75  # holds, then stage 3 on "b"
    assert at(9.5) == 0.75 and at(10.0) == 1.0  # the last stage in the beat's last half second
    samples = [rate(i / 200) for i in range(201)]
    assert all(x <= y for x, y in zip(samples, samples[1:], strict=False))


def test_a_none_first_stage_starts_now_and_the_last_may_outlast_the_beat():
    cue = Beat.on_words(fake_beat(now=0.0, end=1.0, marks={}), [None, None, None], step=0.6)
    assert cue["run_time"] == pytest.approx(1.8)  # three back-to-back steps outlast the 1 s beat
    rate = cue["rate_func"]
    assert rate(0.0) == 0 and rate(0.5) == pytest.approx(0.5) and rate(1.0) == 1.0


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="starts must not be empty"):
        Beat.on_words(fake_beat(), [])
    with pytest.raises(ValueError, match="step must be > 0, got 0"):
        Beat.on_words(fake_beat(), ["a"], step=0)


def test_in_a_scene_the_verb_ends_with_the_beat_and_unknown_marks_are_named():
    seen = {}

    class Story(ExplainerScene):
        def construct(self):
            text = 'Find it: <bookmark mark="one"/>page one, <bookmark mark="two"/>page two.'
            with self.voiceover(text) as beat:
                cue = beat.on_words(["one", "two"])
                seen.update(cue, mark=beat.bookmark_time("one"), now=self.time)
                self.play(Animation(Square()), **cue)
                seen["after"], seen["end"] = self.time, beat.end
                beat.on_words(["three"])

    with tempconfig({"dry_run": True, "frame_rate": FPS, "pixel_height": 90, "pixel_width": 160}):
        with pytest.raises(BookmarkError, match="'three'"):
            Story().render()
    first = (seen["mark"] - seen["now"]) / seen["run_time"]  # where the first word falls in the verb
    assert seen["rate_func"](first - 1e-6) == 0 and seen["rate_func"](first + 0.3 / seen["run_time"]) > 0
    assert abs(seen["after"] - seen["end"]) <= 1 / FPS + 1e-9

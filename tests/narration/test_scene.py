"""ExplainerScene: beats drive the clock, bookmarks land on words, errors are clear."""

import types

import numpy as np
import pytest
from manim import Circle, Create, FadeIn, Square, Wait, tempconfig

from visualsys.narration.cache import Narrator
from visualsys.narration.captions import build_cues, to_srt
from visualsys.narration.markup import MarkupError
from visualsys.narration.recorded import RecordedService, RecordingMissing
from visualsys.narration.voices import SilentService
from visualsys.scene import BookmarkError, ExplainerScene, snap_run_time
from visualsys.topic import Topic

FPS = 15
CONFIG = {"dry_run": True, "frame_rate": FPS, "pixel_height": 90, "pixel_width": 160}


def run(construct, narrator=None, **kwargs):
    cls = type("Story", (ExplainerScene,), {"construct": construct})
    with tempconfig(CONFIG):
        scene = cls(narrator=narrator, **kwargs)
        scene.render()
    return scene


def on_frame(t):
    return abs(t * FPS - round(t * FPS)) < 1e-6


def test_a_beat_lasts_its_audio_and_the_next_starts_after_it(hibari):
    def construct(self):
        with self.voiceover("Servers sit on a ring."):
            self.play(Create(Circle()), run_time=0.5)
        with self.voiceover("Keys do too."):
            pass

    scene = run(construct, Narrator(hibari))
    a, b = scene.beats
    assert a.start == 0 and a.duration == pytest.approx(a.speech.duration)
    assert a.end <= b.start < a.end + 1 / FPS
    assert b.end <= scene.time < b.end + 1 / FPS
    assert on_frame(b.start) and on_frame(scene.time)


def test_an_animation_timed_to_a_bookmark_ends_on_the_word(hibari):
    seen = {}

    def construct(self):
        with self.voiceover('Servers sit on a ring, and <bookmark mark="keys"/>keys do too.') as beat:
            self.play(Create(Circle()), run_time=beat.time_until_bookmark("keys"))
            seen["landed"] = self.time
            seen["word"] = beat.bookmark_time("keys")
            self.wait_until_bookmark("keys")  # already there: no wait
            seen["after"] = self.time

    scene = run(construct, Narrator(hibari))
    beat = scene.beats[0]
    word = beat.speech.words[beat.script.spans[beat.script.bookmarks["keys"]][0]]
    assert word.text == "keys"
    assert seen["word"] == pytest.approx(beat.start + word.start)
    assert abs(seen["landed"] - seen["word"]) <= 0.5 / FPS + 1e-9  # nearest frame
    assert seen["after"] == seen["landed"]


def test_wait_until_bookmark_waits_for_the_word(hibari):
    seen = {}

    def construct(self):
        with self.voiceover('First the ring, then <bookmark mark="b"/>the keys.') as beat:
            self.wait_until_bookmark("b")
            seen["t"], seen["mark"] = self.time, beat.bookmark_time("b")
            self.play(FadeIn(Square()), run_time=beat.get_remaining_duration())
            seen["end"], seen["beat_end"] = self.time, beat.end

    run(construct, Narrator(hibari))
    assert abs(seen["t"] - seen["mark"]) <= 0.5 / FPS + 1e-9
    assert abs(seen["end"] - seen["beat_end"]) <= 0.5 / FPS + 1e-9


def test_unknown_bookmark_names_the_beat_and_the_mark():
    def construct(self):
        with self.voiceover("An intro beat."):
            pass
        with self.voiceover('Keys <bookmark mark="keys"/>sit on the ring.') as beat:
            beat.time_until_bookmark("servers")

    with pytest.raises(BookmarkError) as err:
        run(construct)
    message = str(err.value)
    assert "beat 2" in message and "'servers'" in message
    assert "Keys sit on the ring" in message and "keys" in message


def test_markup_errors_are_clear():
    def bad_tag(self):
        with self.voiceover('Keys <mark name="x"/> move.'):
            pass

    with pytest.raises(MarkupError, match="unknown tag"):
        run(bad_tag)

    def trailing(self):
        with self.voiceover('Keys move. <bookmark mark="end"/>'):
            pass

    with pytest.raises(MarkupError, match="'end' is at the very end"):
        run(trailing)


def test_misuse_is_reported():
    def nested(self):
        with self.voiceover("Outer."), self.voiceover("Inner."):
            pass

    with pytest.raises(RuntimeError, match="cannot be nested"):
        run(nested)

    def outside(self):
        self.wait_until_bookmark("x")

    with pytest.raises(RuntimeError, match="inside a voiceover block"):
        run(outside)

    def empty(self):
        with self.voiceover('<bookmark mark="a"/>'):
            pass

    with pytest.raises(MarkupError):
        run(empty)


def test_lexicon_changes_the_voice_not_the_captions():
    def construct(self):
        with self.voiceover('The WAL is <bookmark mark="x"/>flushed before 2PC commits.'):
            pass

    scene = run(construct, Narrator(SilentService(), lexicon={"WAL": "wall", "2PC": "two phase commit"}))
    beat = scene.beats[0]
    assert beat.script.spoken_text == "The wall is flushed before two phase commit commits."
    words = beat.written_words()
    assert [w.text for w in words] == "The WAL is flushed before 2PC commits.".split()
    twopc = words[5]
    spoken = beat.speech.words
    assert twopc.start == pytest.approx(beat.start + spoken[5].start)  # "two"
    assert twopc.end == pytest.approx(beat.start + spoken[7].end)  # "commit"
    assert beat.bookmark_time("x") == pytest.approx(beat.start + spoken[3].start)
    text = to_srt(build_cues(words, [beat.end]))
    assert "The WAL is flushed before 2PC commits." in text.replace("\n", " ")
    assert "wall" not in text and "phase" not in text


def test_topic_lexicon_wins_over_the_project_and_is_found_from_the_module(monkeypatch):
    module = types.ModuleType("visualsys_topic_fake")
    module.TOPIC = Topic(slug="fake", title="Fake", length=10, lexicon={"WAL": "write ahead log"})
    monkeypatch.setitem(__import__("sys").modules, module.__name__, module)

    def construct(self):
        with self.voiceover("The WAL and etcd."):
            pass

    cls = type("Fake", (ExplainerScene,), {"construct": construct, "__module__": module.__name__})
    with tempconfig(CONFIG):
        scene = cls(narrator=Narrator(SilentService(), lexicon={"WAL": "wall", "etcd": "et-see-dee"}))
        scene.render()
    assert scene.beats[0].script.spoken_text == "The write ahead log and et-see-dee."
    assert scene.beats[0].script.written_text == "The WAL and etcd."


def test_a_recorded_voice_reads_the_written_text_and_names_a_missing_beat(tmp_path):
    from visualsys.narration.recorded import recording_name
    from visualsys.narration.voices import read_wav  # noqa: F401 - public helper stays importable

    rate = 16000
    tone = (0.2 * np.sin(np.arange(rate) / 5.0)).astype(np.float32)
    from scipy.io import wavfile

    wavfile.write(tmp_path / recording_name("The WAL first."), rate, tone)

    def construct(self):
        with self.voiceover("The WAL first."):
            pass
        with self.voiceover('Then <bookmark mark="x"/>the rest.'):
            pass

    narrator = Narrator(RecordedService(tmp_path), lexicon={"WAL": "wall"})
    with pytest.raises(RecordingMissing) as err:
        run(construct, narrator)
    message = str(err.value)
    assert message.startswith("beat 2:") and "'Then the rest.'" in message
    assert str(tmp_path / recording_name("Then the rest.")) in message


def test_run_times_snap_to_whole_frames_so_cached_replays_agree():
    for fps in (15, 24, 25, 30, 60):
        dt = 1 / fps
        for k in range(1, 3000):
            t = k / fps + 0.3 * dt * ((k % 7) - 3) / 3  # up to 0.3 frame off
            moving, still = snap_run_time(t, fps), snap_run_time(t, fps, still=True)
            # Manim writes len(arange(0, t, dt)) frames for an animation, int(t / dt) for a still wait
            assert len(np.arange(0, moving, dt)) == k
            assert int(still / dt) == k
            assert abs(moving - k * dt) < 1e-6 and abs(still - k * dt) < 1e-6


def test_scene_time_is_whole_frames_after_odd_run_times():
    def construct(self):
        self.play(Create(Circle()), run_time=0.51)
        self.wait(0.37)
        self.play(Wait(run_time=0.123))
        self.add(Square().add_updater(lambda m, dt: m.rotate(dt)))
        self.wait(0.29)

    scene = run(construct)
    frames = round(0.51 * FPS) + round(0.37 * FPS) + max(1, round(0.123 * FPS)) + round(0.29 * FPS)
    assert scene.time == pytest.approx(frames / FPS, abs=1e-6)


def test_a_wait_a_hair_under_one_frame_is_one_frame_without_a_warning(caplog):
    with tempconfig({"frame_rate": 15}):
        with caplog.at_level("WARNING", logger="manim"):
            assert ExplainerScene.validate_run_time(1 / 15 - 1e-12, ExplainerScene.wait) == 1 / 15
        assert not caplog.records
        with caplog.at_level("WARNING", logger="manim"):  # a real sub-frame request is still reported
            assert ExplainerScene.validate_run_time(0.01, ExplainerScene.wait) == 1 / 15
        assert "too short" in caplog.text

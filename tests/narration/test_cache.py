"""The audio cache: an unchanged beat is never synthesised twice; an edited one is."""

import numpy as np
from manim import tempconfig

from visualsys.narration.cache import Narrator
from visualsys.narration.speech import Speech, SpeechService, estimate_words
from visualsys.scene import ExplainerScene


class CountingVoice(SpeechService):
    """A fake voice that records every text it is asked to speak."""

    name = "counting"

    def __init__(self, version: str = "1") -> None:
        self.version = version
        self.calls: list[str] = []

    @property
    def fingerprint(self) -> str:
        return f"counting:{self.version}"

    def synthesize(self, text: str) -> Speech:
        self.calls.append(text)
        n = 2400 * len(text.split())
        samples = (0.1 * np.sin(np.arange(n) / 7.0)).astype(np.float32)
        return Speech(samples, 24000, estimate_words(text, n / 24000), "estimate")


BEATS = ["Servers sit on a ring.", 'Keys <bookmark mark="k"/>sit there too.', "A key walks clockwise."]


def scene_with(beats):
    class Story(ExplainerScene):
        def construct(self):
            for text in beats:
                with self.voiceover(text):
                    pass

    return Story


def run(scene_cls, narrator):
    with tempconfig({"dry_run": True, "frame_rate": 15, "pixel_height": 90, "pixel_width": 160}):
        scene = scene_cls(narrator=narrator)
        scene.render()
    return scene


def test_second_render_makes_no_synthesis_call(tmp_path):
    voice = CountingVoice()
    first = run(scene_with(BEATS), Narrator(voice, tmp_path))
    assert len(voice.calls) == 3
    again = Narrator(voice, tmp_path)
    second = run(scene_with(BEATS), again)
    assert len(voice.calls) == 3 and again.synth_calls == 0 and again.cache_hits == 3
    assert [b.start for b in first.beats] == [b.start for b in second.beats]
    for a, b in zip(first.beats, second.beats, strict=True):
        assert np.array_equal(a.speech.samples, b.speech.samples)
        assert a.speech.words == b.speech.words


def test_editing_one_beat_synthesises_only_that_beat(tmp_path):
    voice = CountingVoice()
    run(scene_with(BEATS), Narrator(voice, tmp_path))
    edited = [BEATS[0], BEATS[1], "A key walks clockwise to a server."]
    narrator = Narrator(voice, tmp_path)
    run(scene_with(edited), narrator)
    assert voice.calls[3:] == ["A key walks clockwise to a server."]
    assert narrator.synth_calls == 1


def test_a_bookmark_edit_alone_needs_no_new_audio(tmp_path):
    voice = CountingVoice()
    run(scene_with(BEATS), Narrator(voice, tmp_path))
    moved = [BEATS[0], 'Keys sit <bookmark mark="k"/>there too.', BEATS[2]]
    narrator = Narrator(voice, tmp_path)
    run(scene_with(moved), narrator)
    assert narrator.synth_calls == 0


def test_a_new_voice_version_or_lexicon_change_resynthesises(tmp_path):
    run(scene_with(BEATS), Narrator(CountingVoice("1"), tmp_path))
    newer = CountingVoice("2")
    run(scene_with(BEATS), Narrator(newer, tmp_path))
    assert len(newer.calls) == 3
    said = CountingVoice("2")
    run(scene_with(BEATS), Narrator(said, tmp_path, lexicon={"Keys": "Kees"}))
    assert said.calls == ["Kees sit there too."]


def test_a_damaged_cache_entry_is_remade(tmp_path):
    voice = CountingVoice()
    narrator = Narrator(voice, tmp_path)
    narrator.speak("Hello there.")
    (entry,) = tmp_path.rglob("*.npz")
    entry.write_bytes(b"not a numpy file")
    assert narrator.speak("Hello there.").words[0].text == "Hello"
    assert len(voice.calls) == 2


def test_no_cache_dir_always_synthesises():
    voice = CountingVoice()
    narrator = Narrator(voice, None)
    narrator.speak("Hello.")
    narrator.speak("Hello.")
    assert narrator.synth_calls == 2


def test_the_cache_keeps_timings_and_their_source(tmp_path, hibari):
    narrator = Narrator(hibari, tmp_path)
    made = narrator.speak("Servers sit on a ring.")
    kept = Narrator(hibari, tmp_path).speak("Servers sit on a ring.")
    assert kept.timing_source == made.timing_source == "model"
    assert kept.words == made.words and kept.sample_rate == made.sample_rate
    assert np.array_equal(kept.samples, made.samples)

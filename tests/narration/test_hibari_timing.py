"""hibari's word timings come from its own duration tensor and agree with its audio."""

from pathlib import Path

import hibari
import numpy as np
import pytest

from visualsys.narration.hibari_voice import UNIT_SAMPLES, HibariEngine, duration_model_bytes

TEXTS = [
    "Hello there, world.",
    "The write-ahead log, or wall, records every change — before it happens. Then it is flushed!",
    "It costs 1,250 dollars at 7:30 pm; Dr. Smith measured 10ms at pee ninety-nine.",
    "A | B ... and then quiet.",
]


def test_the_duration_unit_is_two_frames_of_25_ms(hibari):
    engine = hibari.engine
    audio, times = engine.run("həlˈO ðˈɛɹ.", 1.0, np.random.default_rng(0))
    # hibari's vocoder: hop 300 at 24 kHz, 12.5 ms frames; one duration unit = 2 frames
    assert UNIT_SAMPLES == 2 * 300 and UNIT_SAMPLES / engine.sample_rate == 0.025
    assert len(audio) % UNIT_SAMPLES == 0
    assert times[-1, 1] < len(audio)  # the end pad (trailing silence) follows the last phoneme
    assert np.all(np.diff(times[:, 0]) >= 0)


@pytest.mark.parametrize("speed", [0.8, 1.0, 1.3])
def test_durations_sum_to_the_audio_length(hibari, speed):
    engine = hibari.engine
    for text in TEXTS:
        for sentence in engine._split_sentences(text):
            phonemes, _, _ = engine.phonemize_sentence(sentence)
            ids = [0, *[engine.vocab[c] for c in phonemes if c in engine.vocab], 0]
            outs = engine.session.run(None, {"ids": np.asarray([ids], np.int64),
                                             "speed": np.asarray([speed], np.float32)})
            durations = outs[engine._dur_index].reshape(-1)
            frames = outs[0].shape[-1]  # lh: [1, bins, frames]
            assert len(durations) == len(ids)
            assert durations.min() >= 0
            assert 2 * int(durations.sum()) == frames
            audio, _ = engine.run(phonemes, speed, np.random.default_rng(0))
            assert int(durations.sum()) * UNIT_SAMPLES == len(audio)


def test_audio_is_bit_identical_to_hibaris_own(hibari):
    reference = hibari_module_voice()
    for text in TEXTS:
        ours = hibari.engine.speak(text, 1.0, 0)
        assert np.array_equal(ours.samples, reference(text, seed=0))


def hibari_module_voice():
    return _REF.setdefault("tts", hibari.Hibari())


_REF: dict = {}


def test_phonemes_match_hibaris_phonemizer(hibari):
    reference = hibari_module_voice()
    for text in TEXTS:
        ours = [hibari.engine.phonemize_sentence(s)[0] for s in hibari.engine._split_sentences(text)]
        assert [p for p in ours if p] == reference.phonemize(text)


def test_one_word_per_token_in_order_and_inside_the_clip(hibari):
    for text in TEXTS:
        speech = hibari.synthesize(text)
        assert speech.timing_source == "model"
        assert [w.text for w in speech.words] == text.split()
        starts = [w.start for w in speech.words]
        assert starts == sorted(starts)
        assert all(0 <= w.start <= w.end <= speech.duration for w in speech.words)
        for a, b in zip(speech.words, speech.words[1:], strict=False):
            assert a.end <= b.start + 1e-9


def test_punctuation_tokens_and_expanded_numbers_get_sensible_times(hibari):
    speech = hibari.synthesize("The log, — then 1,250 writes | done.")
    words = {w.text: w for w in speech.words}
    assert words["1,250"].end - words["1,250"].start > 0.6  # "one thousand two hundred fifty"
    assert words["|"].end == words["|"].start  # nothing said: zero length where it stands
    assert words["—"].start >= words["log,"].end and words["—"].end <= words["then"].start
    assert words["done."].end - words["done."].start > 0.1


def test_over_long_sentences_are_split_like_hibari_does(hibari):
    text = " ".join(["This clause goes on, and on,"] * 25) + " done."
    engine = hibari.engine
    phonemes, _, _ = engine.phonemize_sentence(text)
    assert len(phonemes) > engine.max_phonemes
    assert len(engine._chunks(phonemes)) > 1
    speech = hibari.synthesize(text)
    assert np.array_equal(speech.samples, hibari_module_voice()(text, seed=0))
    assert [w.text for w in speech.words] == text.split()
    assert speech.words[-1].end <= speech.duration


def test_a_word_onset_matches_the_acoustic_onset_after_a_pause(hibari):
    """Independent check: after a comma the voice is silent, then the next word starts.

    The energy rise in the audio must be within 80 ms of the model's onset.
    """
    speech = hibari.synthesize("First we stop, then the servers agree.")
    rate = speech.sample_rate
    onset = next(w for w in speech.words if w.text == "then").start
    prev_end = next(w for w in speech.words if w.text == "stop,").end
    hop = rate // 200  # 5 ms
    x = speech.samples
    a, b = int(prev_end * rate), int((onset + 0.2) * rate)
    env = np.sqrt(np.convolve(x[a:b] ** 2, np.ones(hop) / hop, mode="same"))
    loud = np.nonzero(env > 0.1 * np.max(env))[0]
    acoustic = (a + loud[0]) / rate
    assert abs(acoustic - onset) <= 0.080


def test_the_model_is_patched_in_memory_only(tmp_path):
    from hibari.voices import voice_path

    path = Path(voice_path("heart"))
    before = path.read_bytes()
    patched = duration_model_bytes(str(path))
    assert patched != before and len(patched) > len(before)
    assert path.read_bytes() == before


def test_unknown_hibari_voice_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown hibari voice 'nobody'"):
        HibariEngine("nobody")

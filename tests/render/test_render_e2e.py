"""End to end: render real topics at preview quality and probe the files they leave."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
from click.testing import CliRunner

from visualsys.cli import main
from visualsys.render.probe import decode_audio, probe

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
pytestmark = pytest.mark.slow


def render(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    cache = tmp_path_factory.mktemp("cache")
    result = render(str(FIXTURES / "tiny_topic.py"), "--quality", "preview", "--out", str(out),
                    "--cache", str(cache))
    assert result.exit_code == 0, result.output
    return out, cache


def test_video_and_audio_streams_agree(tiny):
    out, _ = tiny
    info = probe(out / "tiny-topic.mp4")
    assert (info.width, info.height) == (854, 480)
    assert round(info.fps) == 15
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert info.audio_rate == 48000
    assert info.audio_duration is not None
    assert abs(info.audio_duration - info.video_duration) <= 1 / 15
    assert 3 < info.video_duration < 10


def test_audio_is_narration_at_broadcast_loudness(tiny):
    out, _ = tiny
    samples, rate = decode_audio(out / "tiny-topic.mp4")
    assert np.sqrt(np.mean(samples**2)) > 0.01  # not silent
    loudness = pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64))
    assert -17.0 <= loudness <= -15.0


def test_metadata_and_captions_agree_with_the_video(tiny):
    out, _ = tiny
    meta = json.loads((out / "tiny-topic.json").read_text())
    info = probe(out / "tiny-topic.mp4")
    assert meta["slug"] == "tiny-topic" and meta["title"] == "Tiny Topic"
    assert abs(meta["duration"] - info.video_duration) < 1 / 15
    assert [s["title"] for s in meta["sections"]] == ["Circle", "Label"]
    assert [b["text"] for b in meta["beats"]] == ["A circle is drawn.", "Then a label fades in."]
    assert meta["beats"][-1]["end"] <= meta["duration"] + 1e-6
    srt = (out / "tiny-topic.srt").read_text()
    assert "A circle is drawn." in srt and "<bookmark" not in srt
    assert (out / "tiny-topic.vtt").read_text().startswith("WEBVTT")
    assert not [p for p in out.iterdir() if p.name.startswith(".visualsys-tmp")]


def test_second_render_synthesises_nothing(tiny, tmp_path):
    _, cache = tiny
    result = render(str(FIXTURES / "tiny_topic.py"), "--quality", "preview", "--out", str(tmp_path),
                    "--cache", str(cache))
    assert result.exit_code == 0
    speech = list((cache / "speech").rglob("*.npz"))
    assert len(speech) == 2  # one clip per beat, reused


def test_failing_scene_names_the_line_and_keeps_the_old_video(tmp_path):
    good = tmp_path / "broken-topic.mp4"
    good.write_bytes(b"an earlier good render")
    result = render(str(FIXTURES / "broken_topic.py"), "--quality", "preview", "--out", str(tmp_path),
                    "--voice", "silent", "--cache", str(tmp_path / "cache"))
    assert result.exit_code == 1
    assert "broken_topic.py line 14" in result.output
    assert "ZeroDivisionError" in result.output and "Traceback" not in result.output
    assert good.read_bytes() == b"an earlier good render"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken-topic.mp4", "cache"]


def test_unknown_bookmark_names_beat_and_mark(tmp_path):
    result = render(str(FIXTURES / "bad_bookmark_topic.py"), "--quality", "preview", "--out", str(tmp_path),
                    "--voice", "silent", "--cache", str(tmp_path / "cache"))
    assert result.exit_code == 1
    assert "has no bookmark 'there'" in result.output
    assert "beat 1" in result.output and "here" in result.output


def test_render_py_renders_the_default_topic(tmp_path):
    """The README's command, as a user types it (preview quality, real voice)."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "render.py"), "consistent-hashing", "--quality", "preview",
         "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    info = probe(tmp_path / "consistent-hashing.mp4")
    assert abs(info.audio_duration - info.video_duration) <= 1 / 15
    assert 95 * 0.8 <= info.video_duration <= 95 * 1.2
    assert {p.suffix for p in tmp_path.iterdir()} >= {".mp4", ".srt", ".vtt", ".json"}

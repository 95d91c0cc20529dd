"""End to end: render real topics at preview quality and probe the files they leave."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
from click.testing import CliRunner
from render_checks import assert_outputs_agree, decoded_frames, png, video_frame

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
    meta, _ = assert_outputs_agree(out, "tiny-topic")
    assert [line["line"] for line in meta["chapters"]] == ["0:00 Label"]  # 3.7 s: one chapter
    # default poster: the end of the second beat (the first after the title) = the last frame here
    assert meta["poster"]["chosen_by"] == "default"
    assert meta["poster"]["time"] == pytest.approx(meta["beats"][1]["end"], abs=1 / 15)
    versions = meta["versions"]
    assert {"visualsys", "manim", "python", "pyav", "libavcodec", "cairo"} <= set(versions)
    assert versions["voice"].startswith("hibari")
    assert meta["voice"] == "hibari" and meta["quality"]["name"] == "preview"
    assert meta["source_sha256"] == meta["sources"][next(k for k in meta["sources"] if "tiny_topic" in k)]
    assert "visualsys.scene" in meta["sources"]


def test_chapters_captions_poster_and_metadata_agree(tmp_path):
    result = render(str(FIXTURES / "chaptered_topic.py"), "--quality", "preview", "--out", str(tmp_path),
                    "--voice", "silent", "--cache", str(tmp_path / "cache"))
    assert result.exit_code == 0, result.output
    meta, info = assert_outputs_agree(tmp_path, "chaptered-topic")
    # Intro (3.5 s) leads into Boxes; Aside (3.3 s) is folded into Boxes
    assert (tmp_path / "chaptered-topic.chapters.txt").read_text() == (
        "0:00 Boxes\n0:19 Arrows\n0:32 Wrap-up\n")
    assert [s["title"] for s in meta["sections"]] == ["Intro", "Boxes", "Aside", "Arrows", "Wrap-up"]
    # the poster is the frame the scene named, drawn at 1280x720
    assert meta["poster"]["chosen_by"] == "scene"
    assert meta["poster"]["time"] == pytest.approx(meta["sections"][2]["start"], abs=1e-3)
    poster = png(tmp_path / "chaptered-topic.poster.png", (854, 480))
    named = video_frame(tmp_path / "chaptered-topic.mp4", round(meta["poster"]["time"] * 15))
    title = video_frame(tmp_path / "chaptered-topic.mp4", 15)
    diff = np.abs(poster.astype(int) - named.astype(int)).mean()
    assert diff < 3, diff  # the same picture (up to scaling and H.264)
    assert np.abs(poster.astype(int) - title.astype(int)).mean() > 3 * diff  # and not just any frame


def test_a_second_render_is_identical_frame_for_frame_and_sample_for_sample(tiny, tmp_path):
    """Determinism: a fresh render (own caches, speech synthesised again) decodes identically."""
    first, _ = tiny
    result = render(str(FIXTURES / "tiny_topic.py"), "--quality", "preview", "--out", str(tmp_path / "out"),
                    "--cache", str(tmp_path / "cache"))
    assert result.exit_code == 0, result.output
    second = tmp_path / "out"
    n = 0
    for n, (a, b) in enumerate(zip(decoded_frames(first / "tiny-topic.mp4"),
                                   decoded_frames(second / "tiny-topic.mp4"), strict=True), start=1):
        assert np.array_equal(a, b), f"frame {n - 1} differs"
    assert n == probe(first / "tiny-topic.mp4").frames > 0
    (sa, ra), (sb, rb) = decode_audio(first / "tiny-topic.mp4"), decode_audio(second / "tiny-topic.mp4")
    assert ra == rb and sa.shape == sb.shape and np.array_equal(sa, sb)
    for suffix in (".json", ".srt", ".vtt", ".chapters.txt"):
        assert (first / f"tiny-topic{suffix}").read_text() == (second / f"tiny-topic{suffix}").read_text()
    for suffix in (".poster.png", ".storyboard.png"):
        assert np.array_equal(png(first / f"tiny-topic{suffix}"), png(second / f"tiny-topic{suffix}"))


def test_second_render_synthesises_nothing(tiny, tmp_path):
    _, cache = tiny
    result = render(str(FIXTURES / "tiny_topic.py"), "--quality", "preview", "--out", str(tmp_path),
                    "--cache", str(cache))
    assert result.exit_code == 0
    speech = list((cache / "speech").rglob("*.npz"))
    assert len(speech) == 2  # one clip per beat, reused


def test_an_unchanged_narration_is_not_mixed_again(tmp_path, monkeypatch):
    from visualsys.narration import mix
    from visualsys.render import mux

    levelled, encoded = [], []
    real_level, real_flush = mix.level, mux.AacWriter.flush
    monkeypatch.setattr(mix, "level", lambda *a, **k: levelled.append(1) or real_level(*a, **k))
    monkeypatch.setattr(mux.AacWriter, "flush", lambda *a, **k: encoded.append(1) or real_flush(*a, **k))
    scene, out, cache = tmp_path / "tiny_topic.py", tmp_path / "out", tmp_path / "cache"
    scene.write_text((FIXTURES / "tiny_topic.py").read_text())
    args = (str(scene), "--quality", "preview", "--out", str(out), "--cache", str(cache))
    assert render(*args).exit_code == 0 and len(levelled) == 2 and len(encoded) == 1
    first = decode_audio(out / "tiny-topic.mp4")
    scene.write_text(scene.read_text().replace("theme.BLUE", "theme.GREEN"))  # the picture only
    assert render(*args).exit_code == 0
    assert len(levelled) == 2 and len(encoded) == 1  # the last render's track: nothing levelled or encoded
    second = decode_audio(out / "tiny-topic.mp4")
    assert first[1] == second[1] and np.array_equal(first[0], second[0])
    scene.write_text(scene.read_text().replace("Then a label fades in.", "Then a label appears."))
    assert render(*args).exit_code == 0  # new words in the second beat: a new track
    assert len(levelled) == 3 and len(encoded) == 2  # the first beat's levelled clip is read back
    third = decode_audio(out / "tiny-topic.mp4")
    assert len(third[0]) != len(second[0]) or not np.array_equal(third[0], second[0])
    assert len(list(cache.rglob("*.narration.*.m4a"))) == 1  # only the newest is kept
    assert not list(cache.rglob(".*.m4a"))  # (nor a partial track)


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
    meta, _ = assert_outputs_agree(tmp_path, "consistent-hashing")
    assert len(meta["chapters"]) >= 3  # enough for YouTube to show them


def test_a_scene_without_narration_still_gets_every_output(tmp_path):
    result = render(str(FIXTURES / "no_narration_topic.py"), "--quality", "preview", "--out", str(tmp_path),
                    "--voice", "silent", "--cache", str(tmp_path / "cache"))
    assert result.exit_code == 0, result.output
    names = {p.name for p in tmp_path.iterdir()}
    assert {f"no-narration{s}" for s in (".mp4", ".srt", ".vtt", ".chapters.txt", ".poster.png",
                                         ".storyboard.png", ".json")} <= names
    meta = json.loads((tmp_path / "no-narration.json").read_text())
    assert meta["beats"] == [] and probe(tmp_path / "no-narration.mp4").frames == meta["frames"] == 15
    assert (tmp_path / "no-narration.chapters.txt").read_text() == "0:00 Intro\n"


def test_burned_captions_are_drawn_into_the_picture(tiny, tmp_path):
    out, cache = tiny
    result = render(str(FIXTURES / "tiny_topic.py"), "--quality", "preview", "--out", str(tmp_path),
                    "--cache", str(cache), "--captions", "burn")
    assert result.exit_code == 0, result.output
    meta = json.loads((tmp_path / "tiny-topic.json").read_text())
    t = (meta["beats"][1]["start"] + meta["beats"][1]["end"]) / 2  # a caption is on screen
    plain = list(decoded_frames(out / "tiny-topic.mp4"))
    burned = list(decoded_frames(tmp_path / "tiny-topic.mp4"))
    assert len(plain) == len(burned)
    i = int(t * 15)
    bottom = slice(int(0.8 * 480), 480)
    assert np.abs(burned[i][bottom].astype(int) - plain[i][bottom].astype(int)).mean() > 2
    top = slice(0, int(0.5 * 480))  # the rest of the picture is the same (within encoding noise)
    assert np.abs(burned[i][top].astype(int) - plain[i][top].astype(int)).mean() < 1.5

"""Media checks on small synthetic renders: a clean one passes; each planted fault is found.

The "render" is made here: a few seconds of black H.264, a narration-like
track (noise bursts where the beats are) normalised by the project's own
mixer and muxed by its own muxer, captions written by its own caption
writers, and metadata shaped like the pipeline's. One test (slow) checks a
real render of the tiny fixture topic.
"""

import json
from pathlib import Path

import av
import numpy as np
import pytest

from visualsys.checks.media import check_media, uncovered, voiced
from visualsys.narration import captions
from visualsys.narration.mix import TRACK_RATE, normalise
from visualsys.render.mux import mux

FPS = 15
DURATION = 4.0
BEATS = [(0.3, 1.6, "Hello there, beat one."), (2.0, 3.4, "And beat two.")]


def checks(findings):
    return sorted(f.check for f in findings)


def silent_video(path: Path, seconds: float = DURATION) -> Path:
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=FPS)
        s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
        black = np.zeros((48, 64, 3), np.uint8)
        for _ in range(int(round(seconds * FPS))):
            for p in s.encode(av.VideoFrame.from_ndarray(black, format="rgb24")):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)
    return path


def narration(seconds: float = DURATION, beats=BEATS) -> np.ndarray:
    rng = np.random.default_rng(7)
    track = np.zeros(int(round(seconds * TRACK_RATE)), np.float32)
    for start, end, _ in beats:
        a, b = int(start * TRACK_RATE), int(end * TRACK_RATE)
        t = np.arange(b - a) / TRACK_RATE
        track[a:b] = (0.3 * np.sin(2 * np.pi * 220 * t) * (1 + rng.normal(0, 0.2, b - a))).astype(np.float32)
    return normalise(track, TRACK_RATE)


def make_render(folder: Path, *, audio: np.ndarray | None = "default", cues=None, meta_changes=None,
                vtt_cues=None, chapters=None, seconds: float = DURATION, slug: str = "demo") -> Path:
    silent = silent_video(folder / "silent.mp4", seconds)
    video = folder / f"{slug}.mp4"
    if audio is None:
        video.write_bytes(silent.read_bytes())
    else:
        mux(silent, narration(seconds) if isinstance(audio, str) else audio, TRACK_RATE, video)
    cues = cues if cues is not None else [captions.Cue(s, e, (t,)) for s, e, t in BEATS]
    (folder / f"{slug}.srt").write_text(captions.to_srt(cues), encoding="utf-8")
    (folder / f"{slug}.vtt").write_text(captions.to_vtt(vtt_cues or cues), encoding="utf-8")
    chapters = chapters or [("Intro", 0)]
    meta = {
        "slug": slug, "duration": round(int(round(seconds * FPS)) / FPS, 3), "voice": "hibari",
        "quality": {"name": "preview", "width": 64, "height": 48, "fps": FPS},
        "sections": [{"title": "Intro", "start": 0.0}],
        "chapters": [{"title": t, "start": s, "line": f"0:{s:02d} {t}"} for t, s in chapters],
        "beats": [{"index": i, "start": s, "end": e, "text": t} for i, (s, e, t) in enumerate(BEATS)],
    }
    meta.update(meta_changes or {})
    (folder / f"{slug}.json").write_text(json.dumps(meta), encoding="utf-8")
    (folder / f"{slug}.chapters.txt").write_text("".join(c["line"] + "\n" for c in meta["chapters"]))
    return video


def test_a_clean_render_has_no_findings(tmp_path):
    assert check_media(make_render(tmp_path), "demo") == []


def test_missing_audio_stream(tmp_path):
    assert "streams" in checks(check_media(make_render(tmp_path, audio=None), "demo"))


def test_quiet_narration_fails_loudness(tmp_path):
    found = check_media(make_render(tmp_path, audio=narration() * 0.1), "demo")
    assert checks(found) == ["loudness"]
    assert "-36" in found[0].message  # 20 dB below -16 LUFS


def test_a_click_above_the_ceiling_fails_true_peak(tmp_path):
    track = narration()
    track[int(0.8 * TRACK_RATE)] = 0.99
    assert checks(check_media(make_render(tmp_path, audio=track), "demo")) == ["true-peak"]


def test_audio_longer_than_the_picture_by_more_than_a_frame(tmp_path):
    longer = np.concatenate([narration(), narration(0.5, beats=[(0.0, 0.5, "")])])
    found = check_media(make_render(tmp_path, audio=longer), "demo")
    assert "duration" in checks(found)


def test_metadata_duration_must_match_the_video(tmp_path):
    found = check_media(make_render(tmp_path, meta_changes={"duration": 5.0}), "demo")
    assert checks(found) == ["duration"]


def test_scene_length_must_match_the_video(tmp_path):
    found = check_media(make_render(tmp_path), "demo", scene_end=DURATION + 0.5)
    assert checks(found) == ["duration"] and "re-render" in found[0].fix


def test_caption_lines_too_long_or_too_many(tmp_path):
    cues = [captions.Cue(0.3, 1.6, ("Hello there,", "beat", "one.")),
            captions.Cue(2.0, 3.4, ("And beat two, which now runs on far past the line limit",))]
    found = [f.message for f in check_media(make_render(tmp_path, cues=cues), "demo")
             if f.check == "captions"]
    assert any("3 lines" in m for m in found)
    assert any("characters (at most 42)" in m for m in found)


def test_captions_that_do_not_say_what_is_spoken(tmp_path):
    cues = [captions.Cue(0.3, 1.6, ("Hello there, beat one.",)), captions.Cue(2.0, 3.4, ("And bet two.",))]
    found = check_media(make_render(tmp_path, cues=cues), "demo")
    # "Hello there, beat one. And [bet]": the sixth word differs
    assert checks(found) == ["captions"] and "from word 6" in found[0].message


def test_speech_with_no_caption_on_screen(tmp_path):
    cues = [captions.Cue(0.3, 1.6, ("Hello there, beat one.",))]
    found = check_media(make_render(tmp_path, cues=cues), "demo")
    gaps = [f for f in found if f.check == "caption-coverage"]
    assert len(gaps) == 1 and gaps[0].time == pytest.approx(2.0, abs=0.05)


def test_srt_and_vtt_must_agree(tmp_path):
    other = [captions.Cue(0.3, 1.6, ("Hello there, beat one.",)), captions.Cue(2.1, 3.4, ("And beat two.",))]
    found = check_media(make_render(tmp_path, vtt_cues=other), "demo")
    assert [f.message for f in found] == ["the SRT and VTT captions differ"]


def test_published_chapters_shorter_than_ten_seconds(tmp_path):
    found = check_media(make_render(tmp_path, chapters=[("Intro", 0), ("Too short", 2)]), "demo")
    assert checks(found) == ["chapters", "chapters"]
    assert "'Intro' lasts 2.0 s" in found[0].message and "'Too short' lasts 2.0 s" in found[1].message


def test_voice_activity_and_coverage_helpers():
    rate = 1000
    x = np.zeros(3 * rate, np.float32)
    x[500:1500] = 0.5
    x[1600:1700] = 0.5  # 0.1 s gap: bridged
    (a, b), = voiced(x, rate)
    assert a == pytest.approx(0.5) and b == pytest.approx(1.7)
    assert uncovered(0.0, 10.0, [(1.0, 2.0), (1.5, 4.0), (6.0, 12.0)]) == [(0.0, 1.0), (4.0, 6.0)]
    assert uncovered(1.0, 2.0, [(0.0, 3.0)]) == []


def test_a_render_from_older_code_is_flagged_stale_but_does_not_fail(tmp_path):
    from visualsys.checks.runner import check_topic
    from visualsys.narration.cache import Narrator
    from visualsys.narration.voices import SilentService
    from visualsys.topics import load_file

    entry = load_file(Path(__file__).resolve().parent / "fixtures" / "clean" / "clean_topic.py")
    make_render(tmp_path, slug=entry.slug, meta_changes={"sources": {"visualsys.scene": "0" * 64}})
    report = check_topic(entry, narrator=Narrator(SilentService()), media_dir=tmp_path, quality="preview")
    stale = [f for f in report.findings if f.check == "stale"]
    assert len(stale) == 1 and stale[0].severity == "warning" and "visualsys.scene" in stale[0].objects
    assert report.passed and report.media == str(tmp_path / "clean-topic.mp4")


@pytest.mark.slow
def test_a_real_render_of_the_tiny_topic_passes_the_media_checks(tmp_path):
    from visualsys.narration.cache import Narrator
    from visualsys.narration.voices import get_service
    from visualsys.render.pipeline import render_topic
    from visualsys.topics import load_file

    entry = load_file(Path(__file__).resolve().parents[1] / "fixtures" / "tiny_topic.py")
    narrator = Narrator(get_service("hibari"), tmp_path / "speech")
    result = render_topic(entry, quality="preview", out_dir=tmp_path / "out", narrator=narrator,
                          voice="hibari", work_dir=tmp_path / "work")
    assert check_media(result.video, entry.slug, scene_end=result.duration) == []

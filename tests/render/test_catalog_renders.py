"""CI renders every topic of the catalog at preview quality and probes each video.

A topic that stops rendering, loses its audio or drifts out of sync fails the build.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from visualsys.render.probe import decode_audio, probe
from visualsys.topics import discover

ROOT = Path(__file__).resolve().parents[2]
TOPICS = sorted(discover(ROOT / "scenes"))
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def catalog_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("catalog")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "render.py"), "all", "--quality", "preview", "--jobs", "2",
         "--out", str(out), "--cache", str(ROOT / ".cache")],
        capture_output=True, text=True, timeout=3600,
    )
    return out, proc


def test_render_all_succeeds(catalog_out):
    _, proc = catalog_out
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.mark.parametrize("slug", TOPICS)
def test_topic_video_is_whole(catalog_out, slug):
    out, _ = catalog_out
    video = out / f"{slug}.mp4"
    assert video.is_file(), f"{slug} was not rendered"
    info = probe(video)
    assert (info.width, info.height) == (854, 480)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert abs(info.audio_duration - info.video_duration) <= 1 / 15
    samples, _ = decode_audio(video)
    assert np.sqrt(np.mean(samples**2)) > 0.01, "the narration is silent"
    meta = json.loads((out / f"{slug}.json").read_text())
    assert abs(meta["duration"] - info.video_duration) < 1 / 15
    assert abs(info.video_duration - meta["target_length"]) <= 0.2 * meta["target_length"]
    for suffix in (".srt", ".vtt", ".chapters.txt", ".poster.png", ".storyboard.png"):
        assert (out / f"{slug}{suffix}").is_file()

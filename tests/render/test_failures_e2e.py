"""Failure end to end: signals mid-render, two renders of one topic at once, a batch with broken topics,
watch mode and a scaffolded topic — in real processes, at preview quality with the silent voice."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from render_checks import assert_outputs_agree, decoded_frames

from visualsys.cli import main
from visualsys.render.lock import exclusive
from visualsys.render.probe import probe

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
pytestmark = pytest.mark.slow
SUFFIXES = (".mp4", ".srt", ".vtt", ".chapters.txt", ".poster.png", ".storyboard.png", ".json")


def render_cmd(topic, out, cache, *extra):
    return [sys.executable, str(ROOT / "render.py"), str(topic), "--quality", "preview", "--voice", "silent",
            "--out", str(out), "--cache", str(cache), *extra]


def wait_for(condition, what, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def partial_movies(cache: Path) -> list[Path]:
    return sorted((cache / "manim").rglob("partial_movie_files/**/*.mp4"))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_mid_render_exits_cleanly_and_the_next_render_works(tmp_path, sig):
    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    earlier = {s: f"earlier good {s}".encode() for s in SUFFIXES}
    for suffix, data in earlier.items():
        (out / f"slow-topic{suffix}").write_bytes(data)

    proc = subprocess.Popen(render_cmd(FIXTURES / "slow_topic.py", out, cache), stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)
    try:
        wait_for(lambda: partial_movies(cache) or proc.poll() is not None, "the first partial movie")
        assert proc.poll() is None, "the render ended before it could be interrupted"
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert f"interrupted ({signal.Signals(sig).name})" in stderr and "Traceback" not in stderr
    # the earlier outputs are intact and nothing half-written is left beside them
    assert sorted(p.name for p in out.iterdir()) == sorted(f"slow-topic{s}" for s in SUFFIXES)
    for suffix, data in earlier.items():
        assert (out / f"slow-topic{suffix}").read_bytes() == data
    # Manim kept only complete partial movies (the one being encoded was discarded)
    for movie in partial_movies(cache):
        assert probe(movie).frames > 0

    rerun = subprocess.run(render_cmd(FIXTURES / "slow_topic.py", out, cache), capture_output=True, text=True,
                           timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    meta, info = assert_outputs_agree(out, "slow-topic")
    assert info.frames == meta["frames"] == round(meta["duration"] * 15)


def test_two_renders_of_one_topic_at_once_both_succeed(tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    procs = [subprocess.Popen(render_cmd(FIXTURES / "tiny_topic.py", out, cache), stderr=subprocess.PIPE,
                              stdout=subprocess.DEVNULL, text=True) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for p in procs:
        p.stderr.close()
    assert [code for code, _ in results] == [0, 0], results
    assert_outputs_agree(out, "tiny-topic")
    # and an independent render (own cache) gives the very same picture
    solo = subprocess.run(render_cmd(FIXTURES / "tiny_topic.py", tmp_path / "solo", tmp_path / "solo-cache"),
                          capture_output=True, text=True, timeout=300)
    assert solo.returncode == 0, solo.stderr
    import numpy as np

    pairs = zip(decoded_frames(out / "tiny-topic.mp4"), decoded_frames(tmp_path / "solo" / "tiny-topic.mp4"),
                strict=True)
    assert all(np.array_equal(a, b) for a, b in pairs)


def test_a_second_render_of_a_topic_waits_for_the_first(tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    with exclusive(cache / "manim" / "tiny-topic.lock"):  # as if another render were running
        proc = subprocess.Popen(render_cmd(FIXTURES / "tiny_topic.py", out, cache), stderr=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, text=True)
        first = ""
        while "waiting for it to finish" not in first:
            line = proc.stderr.readline()
            assert line, f"the render did not wait: {first}"
            first += line
        assert proc.poll() is None and not (out / "tiny-topic.mp4").exists()
    rest = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=300) == 0, first + rest
    assert_outputs_agree(out, "tiny-topic")


def test_all_renders_the_good_topics_and_reports_the_broken_ones(tmp_path):
    out = tmp_path / "out"
    result = CliRunner(env={"CI": "true"}).invoke(main, [
        "--scenes", str(FIXTURES / "catalog"), "all", "--jobs", "2", "--quality", "preview",
        "--voice", "silent", "--out", str(out), "--cache", str(tmp_path / "cache")])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert any(line.split()[:2] == ["ok", "alpha"] for line in lines)
    assert any(line.split()[:2] == ["ok", "beta"] for line in lines)
    gamma = next(line for line in lines if line.split()[:2] == ["FAILED", "gamma"])
    assert "gamma.py line 12" in gamma and "RuntimeError: gamma's scene has a bug" in gamma
    delta = next(line for line in lines if line.split()[:2] == ["FAILED", "delta"])
    assert "NoSuchPrimitive" in delta and "delta.py" in delta
    assert lines[-1].startswith(f"error: 2 of 4 topic(s) rendered to {out} in ")
    assert "failed: delta, gamma" in lines[-1] or "failed: gamma, delta" in lines[-1]
    assert "Traceback" not in result.output and "beat" not in result.output  # quiet in CI
    for slug in ("alpha", "beta"):
        assert_outputs_agree(out, slug)
    assert sorted(p.name for p in out.iterdir() if p.suffix == ".mp4") == ["alpha.mp4", "beta.mp4"]


def test_a_scaffolded_topic_renders_into_a_new_folder(tmp_path):
    scenes = tmp_path / "scenes"
    assert CliRunner().invoke(main, ["--scenes", str(scenes), "new", "token-bucket"]).exit_code == 0
    out = tmp_path / "not" / "yet" / "there"
    result = CliRunner().invoke(main, ["--scenes", str(scenes), "token-bucket", "--quality", "preview",
                                       "--voice", "silent", "--out", str(out),
                                       "--cache", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    meta, _ = assert_outputs_agree(out, "token-bucket")
    assert meta["title"] == "Token Bucket" and len(meta["beats"]) == 2
    assert [s["title"] for s in meta["sections"]] == ["Intro", "The idea"]


def test_watch_renders_again_when_the_scene_is_saved(tmp_path):
    scene = tmp_path / "tiny_topic.py"
    shutil.copy(FIXTURES / "tiny_topic.py", scene)
    out = tmp_path / "out"
    meta_file = out / "tiny-topic.json"
    proc = subprocess.Popen(render_cmd(scene, out, tmp_path / "cache", "--watch"), stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)
    said = []

    def read_until(text):
        while not any(text in line for line in said):
            line = proc.stderr.readline()
            assert line, "".join(said)
            said.append(line)

    try:
        read_until("watching")
        first = json.loads(meta_file.read_text())
        assert first["beats"][1]["text"] == "Then a label fades in."
        said.clear()
        scene.write_text(scene.read_text().replace("Then a label fades in.", "Then a label appears."))
        read_until("watching")
        second = json.loads(meta_file.read_text())
        assert second["beats"][1]["text"] == "Then a label appears."
        assert any("tiny_topic.py changed: rendering again" in line for line in said)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
    assert proc.returncode == 130


def test_sigterm_to_all_stops_every_child_render_cleanly(tmp_path):
    scenes, out, cache = tmp_path / "scenes", tmp_path / "out", tmp_path / "cache"
    scenes.mkdir()
    shutil.copy(FIXTURES / "slow_topic.py", scenes / "slow_topic.py")
    shutil.copy(FIXTURES / "catalog" / "alpha.py", scenes / "alpha.py")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "render.py"), "--scenes", str(scenes), "all", "--jobs", "2",
         "--quality", "preview", "--voice", "silent", "--out", str(out), "--cache", str(cache)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=dict(os.environ, CI="true"))
    try:
        started = lambda: any("slow-topic" in str(p) for p in partial_movies(cache))  # noqa: E731
        wait_for(lambda: started() or proc.poll() is not None, "the slow topic to start drawing")
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)  # a CI runner cancelling the job
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert not [p for p in out.iterdir() if p.name.startswith(".visualsys-tmp")]
    assert not (out / "slow-topic.mp4").exists()
    # no child is left running: nothing holds the topic's lock any more
    with exclusive(cache / "manim" / "slow-topic.lock", on_wait=lambda: pytest.fail("a child still runs")):
        pass

"""The warm zygote of ``--watch``: renders forked from it, stopped on request, a plain process if it fails."""

import os
import signal
import subprocess
import time

import pytest

from visualsys.render import warm
from visualsys.render.warm import ForkedRender, WarmStarter
from visualsys.render.workers import render_env

pytestmark = pytest.mark.slow


def test_the_zygote_imports_no_visualsys_code_before_it_forks():
    # what it imports is inherited by every render: edited library code must be imported by the render
    before_fork = warm.ZYGOTE.split("os.fork()")[0]
    assert "visualsys" not in before_fork and "manim" in before_fork


def test_renders_are_forked_from_the_warm_process_and_report_their_exit_code():
    said = []
    with WarmStarter(render_env(), said.append) as starter:
        assert starter.warm and said == []
        ok = starter.start(["--help"])
        assert isinstance(ok, ForkedRender) and ok.wait() == 0
        bad = starter.start(["render", "no-such-topic-anywhere"])
        assert bad.wait() != 0
        again = starter.start(["--help"])  # the zygote serves one render after another
        assert again.wait() == 0 and again.poll() == 0
    assert said == []


def test_a_forked_render_can_be_stopped(tmp_path):
    with WarmStarter(render_env(), print) as starter:
        # a "topic" whose module never finishes loading: the render runs until it is terminated
        script = tmp_path / "slow.py"
        script.write_text("import time\nwhile True: time.sleep(0.05)\n")
        render = starter.start(["--scenes", str(tmp_path), "render", str(script)])
        time.sleep(0.5)
        render.terminate()
        deadline = time.monotonic() + 30
        while render.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert render.poll() not in (None, 0)


def test_a_zygote_that_cannot_start_falls_back_to_new_processes(monkeypatch):
    monkeypatch.setattr(warm, "ZYGOTE", "import sys; sys.exit(3)")
    said = []
    with WarmStarter(render_env(), said.append) as starter:
        assert not starter.warm
        assert len(said) == 1 and said[0].startswith("renders start as new processes")
        render = starter.start(["--help"])
        assert isinstance(render, subprocess.Popen)
        render.wait(timeout=60)
        assert render.returncode == 0


def test_the_zygote_leaves_when_the_watcher_does():
    starter = WarmStarter(render_env(), print)
    proc = starter._proc
    assert proc is not None and proc.poll() is None
    proc.send_signal(signal.SIGINT)  # Ctrl-C in the terminal reaches it too: it is not for the zygote
    time.sleep(0.3)
    assert proc.poll() is None
    starter.close()
    assert proc.poll() is not None


def test_the_zygote_leaves_quietly_when_the_watcher_goes_during_a_render(tmp_path):
    script = tmp_path / "slow.py"
    script.write_text("import time\nwhile True: time.sleep(0.05)\n")
    starter = WarmStarter(render_env(), print)
    proc = starter._proc
    render = starter.start(["--scenes", str(tmp_path), "render", str(script)])
    starter._sock.close()  # the watcher is gone (Ctrl-C) while the render runs
    time.sleep(0.3)
    os.kill(render.pid, signal.SIGTERM)  # the render stops on its own (it got the Ctrl-C too)
    assert proc.wait(timeout=30) == 0  # no BrokenPipeError: it waited for the render and left

"""Watch mode: what changed, which files a topic is made of, and the render loop (no real renders)."""

import os
import threading
from pathlib import Path

import visualsys
from visualsys.render.sources import module_file, source_closure
from visualsys.render.watch import SourceWatcher, changed, snapshot, watch_loop
from visualsys.topics import load_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_only_content_changes_count(tmp_path):
    a, b, gone = tmp_path / "a.py", tmp_path / "b.py", tmp_path / "gone.py"
    a.write_text("x = 1\n")
    b.write_text("y = 1\n")
    before = snapshot([a, b, gone])
    a.write_text("x = 1\n")  # saved without edits
    os.utime(b, (1, 1))  # touched
    assert changed(before, snapshot([a, b, gone])) == []
    a.write_text("x = 2\n")
    gone.write_text("now here\n")
    b.unlink()
    assert changed(before, snapshot([a, b, gone])) == sorted(p.resolve() for p in (a, b, gone))


def test_poll_reports_a_change_once(tmp_path):
    scene = tmp_path / "scene.py"
    scene.write_text("v = 1\n")
    with SourceWatcher([scene], use_events=False) as watcher:
        assert watcher.poll() == []
        scene.write_text("v = 2\n")
        assert watcher.poll() == [scene.resolve()]
        assert watcher.poll() == []


def test_an_editor_that_replaces_the_file_is_seen(tmp_path):
    scene = tmp_path / "scene.py"
    scene.write_text("v = 1\n")
    with SourceWatcher([scene], use_events=False) as watcher:
        tmp = tmp_path / ".scene.py.swp"
        tmp.write_text("v = 2\n")
        os.replace(tmp, scene)
        assert watcher.poll() == [scene.resolve()]


def test_wait_wakes_on_a_file_system_event(tmp_path):
    scene = tmp_path / "scene.py"
    scene.write_text("v = 1\n")
    # a poll interval far longer than the test: only the event can wake it in time
    with SourceWatcher([scene], poll_interval=60, quiet=0.05) as watcher:
        writer = threading.Timer(0.2, lambda: scene.write_text("v = 2\n"))
        writer.start()
        assert watcher.wait(timeout=20) == [scene.resolve()]
        writer.join()


def test_wait_times_out_when_nothing_changes(tmp_path):
    scene = tmp_path / "scene.py"
    scene.write_text("v = 1\n")
    with SourceWatcher([scene], poll_interval=0.01, use_events=False) as watcher:
        assert watcher.wait(timeout=0.05) == []


def test_set_paths_keeps_the_baseline_of_files_already_watched(tmp_path):
    scene, helper = tmp_path / "scene.py", tmp_path / "helper.py"
    scene.write_text("v = 1\n")
    helper.write_text("h = 1\n")
    with SourceWatcher([scene], use_events=False) as watcher:
        scene.write_text("v = 2\n")  # edited between the end of a render and the new watch list
        watcher.set_paths([scene, helper])
        assert watcher.poll() == [scene.resolve()]
        assert watcher.paths == sorted([scene.resolve(), helper.resolve()])


def test_a_topic_is_made_of_its_file_and_the_local_modules_it_uses():
    entry = load_file(FIXTURES / "tiny_topic.py")
    import sys

    files = source_closure(sys.modules[entry.scene.__module__])
    assert files[entry.scene.__module__] == entry.path
    src = Path(visualsys.__file__).parent
    assert files["visualsys.scene"] == src / "scene.py"
    assert files["visualsys.primitives.widgets"] == src / "primitives" / "widgets.py"
    assert files["visualsys.theme"] == src / "theme.py"
    # not the renderer, the CLI or other things the process happened to import
    assert not [name for name in files if name.startswith(("visualsys.render", "visualsys.cli"))]
    # installed packages are not sources
    import manim

    assert module_file(manim) is None and "manim" not in files


class FakeRender:
    def __init__(self, log, on_start=None, runs=1):
        self.log, self.polls, self.runs = log, 0, runs
        self.code = None
        if on_start:
            on_start()

    def poll(self):
        self.polls += 1
        if self.polls > self.runs:
            self.code = 0
        return self.code

    def terminate(self):
        self.log.append("terminate")
        self.code = 130

    def wait(self):
        return self.code if self.code is not None else 0


def test_loop_renders_again_after_a_change(tmp_path):
    scene, helper = tmp_path / "scene.py", tmp_path / "helper.py"
    scene.write_text("v = 1\n")
    helper.write_text("h = 1\n")
    log, said = [], []

    def say(message):
        said.append(message)
        if message.startswith("watching") and len(said) == 1:
            helper.write_text("h = 2\n")  # the user saves the helper the first render reported using

    def start():
        log.append("render")
        return FakeRender(log)

    with SourceWatcher([scene], poll_interval=0.02, quiet=0, use_events=False) as watcher:
        code = watch_loop(start, lambda: [scene, helper], watcher, say, max_renders=2, idle_timeout=20)
    assert code == 0
    assert log == ["render", "render"]
    assert said[0].startswith("watching 2 files")
    assert said[1] == "helper.py changed: rendering again"


def test_loop_restarts_a_render_when_a_file_changes_during_it(tmp_path):
    scene = tmp_path / "scene.py"
    scene.write_text("v = 1\n")
    log, said = [], []

    def start():
        log.append("render")
        if log.count("render") == 1:
            scene.write_text("v = 2\n")  # saved while the first render runs
            return FakeRender(log, runs=10_000)
        return FakeRender(log)

    with SourceWatcher([scene], poll_interval=0.02, quiet=0, use_events=False) as watcher:
        watch_loop(start, lambda: [scene], watcher, said.append, max_renders=2, idle_timeout=20)
    assert log == ["render", "terminate", "render"]
    assert said[0] == "scene.py changed during the render: starting over"

"""Play keys: a re-render skips Manim's hash for plays whose inputs are unchanged; the picture stays exact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_perf_exact import LOSSLESS, TINY, _narrator, assert_same_video, stock_render

from visualsys.narration.speech import Speech, Word
from visualsys.render.pipeline import run_scene
from visualsys.render.playkeys import JOURNAL, PlayKeys, load_journal, narration_free
from visualsys.topics import load_file

TOPIC = '''"""Three beats for the play-key tests."""

from manim import Circle, Create, FadeIn, FadeOut, Square

from visualsys import ExplainerScene, Topic, theme
from visualsys.primitives import label

TOPIC = Topic(slug="keyed-topic", title="Keyed", length=8, category="Test", summary="Three beats.")


class KeyedTopic(ExplainerScene):
    def construct(self):
        circle = Circle(radius=1.2, color=theme.BLUE)
        with self.voiceover('A circle <bookmark mark="draw"/>is drawn.') as beat:
            self.wait_until_bookmark("draw")
            self.play(Create(circle), run_time=beat.get_remaining_duration())
        with self.voiceover("SECOND") as beat:
            self.play(FadeIn(label("LABEL", theme.BODY)), run_time=beat.get_remaining_duration())
        with self.voiceover("Then the circle becomes a square."):
            self.play(FadeOut(circle), FadeIn(Square(color=theme.GREEN)))
'''
SECOND, LABEL = "Then a label fades in.", "hello"


def write_topic(folder: Path, second: str = SECOND, text: str = LABEL) -> Path:
    path = folder / "keyed_topic.py"
    path.write_text(TOPIC.replace("SECOND", second).replace("LABEL", text), encoding="utf-8")
    return path


def render(path: Path, media: Path, cache: Path, workers: int = 1):
    scene = load_file(path).scene
    run = run_scene(scene, TINY, _narrator(cache), media, "ours", workers=workers, expected_frames=120,
                    config_overrides={**LOSSLESS, "verbosity": "ERROR"})
    return scene, run


# -- what a key covers ----------------------------------------------------------------------

def test_narration_text_comments_and_wrapping_are_not_code():
    code = 'with self.voiceover("One beat.") as b:\n    self.play(FadeIn(label("x")))\n'
    edited = ('# a comment\nwith self.voiceover(\n    "One beat, "\n    f"said {n} times.") as b:\n'
              '    self.play(FadeIn(label("x")))\n')
    assert narration_free(code) != narration_free(edited)  # the f-string's {n} is code
    assert narration_free(code) == narration_free(code.replace("One beat.", "Another beat entirely."))
    assert narration_free(code) == narration_free("# note\n" + code.replace('("One', '(\n    "One'))
    assert narration_free(code) != narration_free(code.replace('label("x")', 'label("y")'))
    assert narration_free(code) != narration_free(code.replace("FadeIn", "Write"))


def speech(seconds: float, word: str = "hi") -> Speech:
    return Speech(np.zeros(int(seconds * 100), np.float32), 100, [Word(word, 0.0, seconds)])


def keys_for(clips: list[Speech], base: bytes = b"base") -> list[str]:
    keys = PlayKeys(base)
    for i, clip in enumerate(clips):
        keys.said(clip.words[0].text, (), {})
        keys.spoke(clip.words[0].text, clip)
        keys.begin(i)
    return keys.by_index


def test_a_key_changes_from_the_first_changed_input_on():
    same = keys_for([speech(1), speech(2), speech(3)])
    assert same == keys_for([speech(1), speech(2), speech(3)])
    later = keys_for([speech(1), speech(2.5), speech(3)])
    assert later[0] == same[0] and later[1] != same[1] and later[2] != same[2]
    assert keys_for([speech(1, "yo"), speech(2), speech(3)])[0] != same[0]
    assert keys_for([speech(1), speech(2), speech(3)], base=b"other")[0] != same[0]


def test_a_damaged_journal_is_ignored(tmp_path):
    (tmp_path / JOURNAL).write_text("{not json", encoding="utf-8")
    assert load_journal(tmp_path) == {}
    (tmp_path / JOURNAL).write_text('{"format": "something else", "keys": {"a": "b"}}', encoding="utf-8")
    assert load_journal(tmp_path) == {}


# -- whole renders ------------------------------------------------------------------------------

@pytest.mark.slow
def test_an_edited_beat_keeps_the_keys_before_it_and_the_frames_exact(tmp_path):
    media, cache = tmp_path / "media", tmp_path / "speech"
    topic = write_topic(tmp_path)
    _, cold = render(topic, media, cache)
    assert cold.key_hits == 0 and len(cold.drawn) == cold.plays
    assert len(load_journal(media)) == cold.plays

    _, again = render(topic, media, cache)
    assert again.key_hits == again.plays and again.drawn == []  # nothing hashed, nothing drawn
    assert_same_video(cold.video, again.video)

    write_topic(tmp_path, second="Then a label, written in a friendly font, fades in slowly.")
    scene, edited = render(topic, media, cache, workers=2)
    first_beat_end = edited.scene.beats[0].end * TINY.fps - 1e-6
    before = [i for i, f in enumerate(edited.scene.renderer.starts) if f < first_beat_end]
    assert edited.key_hits == len(before) > 0  # the first beat's plays took their hashes from the journal
    assert_same_video(stock_render(scene, TINY, tmp_path / "stock"), edited.video)


@pytest.mark.slow
def test_a_changed_label_misses_every_key_and_is_drawn(tmp_path):
    media, cache = tmp_path / "media", tmp_path / "speech"
    topic = write_topic(tmp_path)
    render(topic, media, cache)
    write_topic(tmp_path, text="goodbye")
    scene, changed = render(topic, media, cache)
    assert changed.key_hits == 0
    assert changed.drawn  # the label's play is drawn again (Manim's own hash sees the new text)
    assert_same_video(stock_render(scene, TINY, tmp_path / "stock"), changed.video)


def test_render_processes_get_a_fixed_hash_seed_unless_one_was_chosen():
    from visualsys.render.workers import render_env

    assert render_env({})["PYTHONHASHSEED"] == "0"
    assert render_env({"PYTHONHASHSEED": "random", "X": "1"}) == {"PYTHONHASHSEED": "0", "X": "1"}
    assert render_env({"PYTHONHASHSEED": "42"})["PYTHONHASHSEED"] == "42"


def test_render_py_runs_with_a_fixed_hash_seed(tmp_path):
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    probe = tmp_path / "probe.py"
    report = "import json\nmain = lambda: print(json.dumps(os.environ.get('PYTHONHASHSEED')))"
    source = (root / "render.py").read_text(encoding="utf-8")
    probe.write_text(source.replace("from visualsys.cli import main  # noqa: E402", report), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    out = subprocess.run([sys.executable, str(probe)], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == '"0"'

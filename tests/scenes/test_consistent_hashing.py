import importlib.util
from pathlib import Path

from manim.utils.testing.frames_comparison import frames_comparison

from .conftest import play_until

__module_test__ = "consistent_hashing"
_path = Path(__file__).resolve().parents[2] / "scenes" / "consistent_hashing.py"
_spec = importlib.util.spec_from_file_location("scene_consistent_hashing", _path)
topic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(topic)


@frames_comparison(base_scene=topic.ConsistentHashing)
def test_after_a_server_leaves(scene):
    play_until(scene, "Virtual nodes")


def test_numbers_in_the_narration_come_from_the_model():
    assert 0.75 < topic.moved_fraction(4) < 0.85  # (N-1)/N... ~80 % for 4 -> 5

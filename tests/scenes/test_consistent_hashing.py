from manim.utils.testing.frames_comparison import frames_comparison

from .conftest import load_topic, play_until

__module_test__ = "consistent_hashing"
topic = load_topic("consistent_hashing")


@frames_comparison(base_scene=topic.ConsistentHashing)
def test_after_a_server_leaves(scene):
    play_until(scene, "Virtual nodes")


def test_numbers_in_the_narration_come_from_the_model():
    assert 0.75 < topic.moved_fraction(4) < 0.85  # (N-1)/N... ~80 % for 4 -> 5

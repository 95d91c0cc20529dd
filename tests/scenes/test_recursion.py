import sys
from math import factorial

from manim.utils.testing.frames_comparison import frames_comparison

from visualsys.primitives.call_tree import count_calls

from .conftest import load_topic, play_until

__module_test__ = "recursion"
topic = load_topic("recursion")


@frames_comparison(base_scene=topic.Recursion)
def test_memoization_prunes_the_tree(scene):
    play_until(scene, "Stack overflow")
    naive, memo = scene.naive, scene.memo
    assert scene.answer == factorial(4) == 24  # what the unwinding stack handed back to <module>
    assert (naive.calls, memo.calls, memo.computed) == (15, 9, 6)
    assert naive.times_computed()[(2,)] == 3 and naive.max_depth == memo.max_depth == 5
    hits, pruned = naive.memo_cut()
    assert naive.calls - len(pruned) == memo.calls and len(hits) == memo.cache_hits


@frames_comparison(base_scene=topic.Recursion)
def test_a_loop_needs_one_frame(scene):
    play_until(scene, "Takeaway")
    # the overflow a beat earlier: the limit reached, all but a few frames collapsed into "... N more"
    assert scene.overflowed == (True, topic.LIMIT, topic.LIMIT - 3)
    assert [f.signature() for f in scene.overflow_stack.frames] == ["<module>", f"fact(n={topic.DEEP})"]


def test_numbers_in_the_narration_come_from_the_model():
    assert count_calls(topic.fib, topic.BIG) == (2_692_537, 2_692_537)
    assert count_calls(topic.fib, topic.BIG, memo=True)[1] == topic.BIG + 1
    ratio = count_calls(topic.fib, topic.BIG)[0] / count_calls(topic.fib, topic.BIG - 1)[0]
    assert f"{ratio:.1f}" == "1.6"  # the golden ratio, as said


def test_the_limit_is_cpythons_default():
    # pytest may have changed the limit; CPython's documented default is 1000
    assert topic.LIMIT == 1000
    assert sys.getrecursionlimit() >= topic.LIMIT

from manim.utils.testing.frames_comparison import frames_comparison

from visualsys.primitives import BTreeState

from .conftest import load_topic, play_until

__module_test__ = "b_tree"
topic = load_topic("b_tree")


@frames_comparison(base_scene=topic.BTreeTopic)
def test_after_the_insert_split_up_to_a_new_root(scene):
    play_until(scene, "Versus a binary tree")


def test_the_fan_out_arithmetic():
    assert topic.FIT == 512 and topic.FANOUT < topic.FIT  # 8 KB / 16-byte pairs, rounded down for the header
    assert topic.FANOUT**3 < topic.ROWS <= topic.FANOUT**4
    assert topic.levels_for(topic.ROWS, topic.FANOUT) == 4
    assert topic.levels_for(topic.FANOUT**3, topic.FANOUT) == 3  # exactly full: no extra level
    assert topic.binary_levels(topic.ROWS) == 30
    assert 2**29 - 1 < topic.ROWS <= 2**30 - 1
    reach = [topic.FANOUT**h for h in range(1, 5)]  # the numbers the "Levels multiply" beat says
    assert [topic.spoken_count(n) for n in reach] == ["500", "250,000", "125 million", "62.5 billion"]


def test_the_search_and_the_insert_the_narration_describes():
    tree = BTreeState.from_keys(topic.KEYS, order=4)
    assert tree.height == 3 and tree.max_keys == 3
    snap = tree.snapshot()
    found = tree.search(topic.FIND)
    assert found.found and found.reads == 3 and snap.children(found.node) == ()  # in a leaf
    said = [topic.route(snap.keys(n), topic.FIND) for n in found.path]
    assert said == ["43 is below 49", "43 is between 36 and 44", "there it is"]
    leaf = tree.search(topic.ADD).path[-1]
    assert len(snap.keys(leaf)) == tree.max_keys  # the insert lands in a full leaf
    res = tree.insert(topic.ADD)
    assert [s.median for s in res.splits] == [14, 36, 71]
    assert [s.new_root for s in res.splits] == [False, False, True]
    assert tree.height == 4 and tree.snapshot().keys(tree.root.id) == (71,)
    tree.validate()  # still sorted and balanced: every leaf at the same depth


"""BTree: the model really splits/merges and stays a B-tree; the drawing follows it; control frames."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from manim import Animation, tempconfig
from manim.utils.testing.frames_comparison import frames_comparison

from visualsys import ExplainerScene, theme
from visualsys.primitives.btree import BTree, BTreeSnapshot, BTreeState, layout_btree

__module_test__ = "btree"


# -- an independent checker (does not use BTreeState.validate) -----------------------


def check_btree(snap: BTreeSnapshot, order: int) -> list:
    """Assert the B-tree invariants on a snapshot; return the keys in order."""
    max_keys, min_keys = order - 1, -(-order // 2) - 1
    depths = set()
    out: list = []

    def walk(n: int, depth: int) -> None:
        keys, kids = snap.nodes[n]
        assert len(keys) <= max_keys, f"node {n} overflows: {keys}"
        if n != snap.root:
            assert len(keys) >= min_keys, f"node {n} underflows: {keys}"
        assert list(keys) == sorted(keys)
        if not kids:
            depths.add(depth)
            out.extend(keys)
            return
        assert len(kids) == len(keys) + 1
        for i, c in enumerate(kids):
            walk(c, depth + 1)
            if i < len(keys):
                out.append(keys[i])

    walk(snap.root, 0)
    assert len(depths) == 1, f"leaves at depths {depths}"
    assert out == sorted(out) and len(out) == len(set(out)), "in-order walk is not strictly increasing"
    return out


def shape(tree: BTreeState) -> list:
    """The tree as nested lists of keys, level by level."""
    snap = tree.snapshot()
    return [[list(snap.keys(n)) for n in level] for level in snap.levels()]


# -- model --------------------------------------------------------------------------


@pytest.mark.parametrize("order", [2, 0, -3, 2.5, True])
def test_order_is_validated(order):
    with pytest.raises(ValueError, match="order"):
        BTreeState(order)


def test_empty_tree():
    t = BTreeState(4)
    r = t.search(5)
    assert not r.found and r.path == (t.root.id,) and r.reads == 1
    assert len(t) == 0 and t.height == 1 and t.keys() == []


def test_bounds_follow_the_order():
    assert (BTreeState(3).max_keys, BTreeState(3).min_keys) == (2, 1)
    assert (BTreeState(4).max_keys, BTreeState(4).min_keys) == (3, 1)
    assert (BTreeState(5).max_keys, BTreeState(5).min_keys) == (4, 2)


def test_insert_without_split_keeps_keys_sorted():
    t = BTreeState(4)
    for k in [30, 10, 20]:
        r = t.insert(k)
        assert r.inserted and r.splits == ()
    assert shape(t) == [[[10, 20, 30]]]
    assert len(r.steps) == 1


def test_first_split_pushes_the_median_into_a_new_root():
    t = BTreeState(3)
    t.insert(10)
    t.insert(20)
    r = t.insert(30)
    assert r.steps[0].keys(r.leaf) == (10, 20, 30)  # the overflow is a step of its own
    assert len(r.splits) == 1 and len(r.steps) == 2
    s = r.splits[0]
    assert s.median == 20 and s.new_root and s.parent == t.root.id and s.node == r.leaf
    assert shape(t) == [[[20]], [[10], [30]]]
    assert t.height == 2


def test_splits_propagate_and_the_root_grows():
    t = BTreeState(3)
    results = [t.insert(k) for k in range(1, 8)]
    assert shape(t) == [[[4]], [[2], [6]], [[1], [3], [5], [7]]]
    last = results[-1]  # inserting 7 splits the leaf, then the level above, then makes a root
    assert [s.median for s in last.splits] == [6, 4]
    assert [s.new_root for s in last.splits] == [False, True]
    assert last.steps[-1] == t.snapshot()


def test_order_4_split_keeps_left_half_bigger():
    t = BTreeState.from_keys([1, 2, 3, 4], order=4)
    assert shape(t) == [[[3]], [[1, 2], [4]]]


def test_duplicate_is_not_inserted():
    t = BTreeState.from_keys([5, 1, 9], order=4)
    before = t.snapshot()
    r = t.insert(5)
    assert not r.inserted and r.steps == () and t.snapshot() == before


def test_search_path_walks_parent_to_child():
    t = BTreeState.from_keys(range(0, 60, 3), order=4)
    snap = t.snapshot()
    for key in (0, 27, 57, 58, -1, 100):
        r = t.search(key)
        assert r.path[0] == snap.root
        for parent, child in zip(r.path, r.path[1:], strict=False):
            assert child in snap.children(parent)
        assert r.found == (key % 3 == 0 and 0 <= key < 60)
        if r.found:
            assert key in snap.keys(r.node) and r.node == r.path[-1]
        else:
            assert not snap.children(r.path[-1])  # a miss ends at a leaf
            assert len(r.path) == t.height


@settings(max_examples=150, deadline=None)
@given(st.integers(3, 7), st.lists(st.integers(-500, 500), max_size=120))
def test_any_inserts_leave_a_sorted_balanced_tree(order, keys):
    t = BTreeState(order)
    for k in keys:
        r = t.insert(k)
        if r.inserted:
            assert len(r.steps) == len(r.splits) + 1
            for s in r.steps:  # every intermediate step is a tree except for one overflowing node
                assert sum(len(s.keys(n)) > order - 1 for n in s.nodes) <= 1
    t.validate()
    assert check_btree(t.snapshot(), order) == sorted(set(keys))
    for k in set(keys):
        assert k in t


@settings(max_examples=150, deadline=None)
@given(st.integers(3, 6), st.lists(st.integers(0, 200), min_size=1, max_size=80, unique=True), st.randoms())
def test_any_deletes_leave_a_sorted_balanced_tree(order, keys, rnd):
    t = BTreeState.from_keys(keys, order)
    gone = rnd.sample(keys, rnd.randint(1, len(keys)))
    left = set(keys)
    for k in gone:
        r = t.delete(k)
        assert r.deleted and len(r.steps) == len(r.events) + 1
        left.discard(k)
        assert check_btree(t.snapshot(), order) == sorted(left)
        assert k not in t
    t.validate()
    assert not t.delete(gone[0]).deleted


def test_delete_from_a_roomy_leaf_needs_no_repair():
    t = BTreeState.from_keys([10, 20, 30, 40, 50], order=4)  # [30] / [10 20] [40 50]
    r = t.delete(10)
    assert r.events == () and shape(t) == [[[30]], [[20], [40, 50]]]


def test_delete_borrows_from_the_right_sibling():
    t = BTreeState.from_keys([10, 20, 30, 40, 50], order=4)
    t.delete(10)
    r = t.delete(20)  # leaf empties; right sibling has 2 keys to spare one
    assert [e.kind for e in r.events] == ["borrow_right"]
    assert shape(t) == [[[40]], [[30], [50]]]


def test_delete_borrows_from_the_left_sibling():
    t = BTreeState.from_keys([10, 20, 30, 40], order=4)  # [30] / [10 20] [40]
    r = t.delete(40)
    assert [e.kind for e in r.events] == ["borrow_left"]
    assert shape(t) == [[[20]], [[10], [30]]]


def test_delete_merges_and_the_root_shrinks():
    t = BTreeState.from_keys([10, 20, 30], order=3)  # [20] / [10] [30]
    old_root = t.root.id
    r = t.delete(10)
    assert [e.kind for e in r.events] == ["merge", "shrink"]
    assert r.events[1].node == old_root
    assert shape(t) == [[[20, 30]]] and t.height == 1


def test_delete_from_an_internal_node_uses_the_predecessor():
    t = BTreeState.from_keys(range(1, 8), order=3)  # [4] / [2] [6] / [1] [3] [5] [7]
    r = t.delete(4)
    assert r.replaced_by == 3
    assert len(r.path) == 3  # root, then down to the predecessor's leaf
    check_btree(t.snapshot(), 3)
    assert t.keys() == [1, 2, 3, 5, 6, 7]


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 6), st.lists(st.integers(0, 99), min_size=1, max_size=40, unique=True))
def test_layout_never_overlaps_nodes(order, keys):
    snap = BTreeState.from_keys(keys, order).snapshot()
    boxes = layout_btree(snap)
    for level in snap.levels():
        row = sorted((boxes[n] for n in level), key=lambda b: b.x)
        assert len({b.top for b in row}) == 1
        for a, b in zip(row, row[1:], strict=False):
            assert a.right + 0.1 <= b.left, "nodes of a level overlap"
    for n in snap.nodes:
        kids = snap.children(n)
        if kids:  # parents sit above their children, within their span
            assert boxes[kids[0]].x <= boxes[n].x <= boxes[kids[-1]].x
            assert boxes[kids[0]].top > boxes[n].top


# -- the drawing --------------------------------------------------------------------

KEYS_30 = random.Random(7).sample(range(1, 100), 30)


def run(body) -> ExplainerScene:
    """Run ``body(scene)`` in a dry-run ExplainerScene at a low frame rate (animations do interpolate)."""
    with tempconfig(
        {"dry_run": True, "frame_rate": 4, "pixel_height": 180, "pixel_width": 320, "progress_bar": "none"}
    ):

        class Body(ExplainerScene):
            def construct(self):
                body(self)

        scene = Body()
        scene.render()
    return scene


def drawn_as_spec(tree: BTree, key) -> bool:
    """Whether the part on screen sits where its spec says, with its colours (rebuilt afresh to compare)."""
    shown, fresh = tree._pool.items[key], tree._build(key, tree._pool.specs[key])
    same_box = (
        np.allclose(shown.get_center(), fresh.get_center(), atol=1e-3)
        and abs(shown.width - fresh.width) < 1e-3
        and abs(shown.height - fresh.height) < 1e-3
    )
    a, b = shown.family_members_with_points()[0], fresh.family_members_with_points()[0]
    same_look = a.get_fill_color() == b.get_fill_color() and a.get_stroke_color() == b.get_stroke_color()
    return same_box and same_look


def assert_drawing_matches(tree: BTree) -> None:
    snap = tree.state.snapshot()
    nodes = {k[1] for k in tree._pool.items if k[0] == "node"}
    keys = {k[1] for k in tree._pool.items if k[0] == "key"}
    assert nodes == set(snap.nodes)
    assert keys == set(tree.state.keys())
    assert not tree._pool.dead, "faded parts were not pruned"
    assert all(drawn_as_spec(tree, k) for k in tree._pool.items)
    for n in snap.nodes:
        box = tree.node_mobject(n)
        for k in snap.keys(n):
            x, y = tree.key_mobject(k).get_center()[:2]
            assert box.get_left()[0] < x < box.get_right()[0] and box.get_bottom()[1] < y < box.get_top()[1]
    for level in snap.levels():
        row = sorted((tree.node_mobject(n) for n in level), key=lambda m: m.get_x())
        for a, b in zip(row, row[1:], strict=False):
            assert a.get_right()[0] < b.get_left()[0], "node boxes overlap"


@pytest.mark.parametrize("kwargs", [{"width": 0}, {"height": -1}, {"step_time": 0}])
def test_drawing_arguments_are_validated(kwargs):
    with pytest.raises(ValueError):
        BTree(**kwargs)


def test_order_must_match_the_state():
    with pytest.raises(ValueError, match="order"):
        BTree(BTreeState(3), order=5)


def test_thirty_keys_fit_three_levels_at_full_size():
    tree = BTree(BTreeState.from_keys(KEYS_30, order=4), width=12, height=4.5)
    assert tree.state.height == 3
    assert tree._scale == 1.0
    assert tree.width <= 12 + 1e-6 and tree.height <= 4.5 + 1e-6
    assert_drawing_matches(tree)


def test_verbs_return_animations_and_playing_them_redraws_the_tree():
    tree = BTree(BTreeState.from_keys(KEYS_30[:20], order=4))
    anims = []

    def body(scene):
        scene.add(tree)
        for key in KEYS_30[20:]:
            anims.append(tree.insert(key))
            scene.play(anims[-1])
        anims.append(tree.search(KEYS_30[3]))
        scene.play(anims[-1])
        for key in KEYS_30[:12]:
            anims.append(tree.delete(key))
            scene.play(anims[-1])
        assert scene.mobjects == [tree], "the tree was split apart in the scene"

    run(body)
    assert all(isinstance(a, Animation) for a in anims)
    assert sorted(tree.state.keys()) == sorted(KEYS_30[12:])
    assert_drawing_matches(tree)


def test_insert_counts_page_reads_and_lands_the_key():
    tree = BTree(BTreeState.from_keys(range(10, 200, 10), order=4))
    expected_reads = tree.state.height
    run(lambda scene: (scene.add(tree), scene.play(tree.insert(55))))
    assert 55 in tree.state
    assert tree._pool.specs["reads"] == (expected_reads,)
    assert drawn_as_spec(tree, "reads")
    assert_drawing_matches(tree)


def test_highlight_flashes_each_key_of_the_nodes_in_place():
    tree = BTree(BTreeState.from_keys(KEYS_30, order=4))
    snap = tree.state.snapshot()
    leaves = snap.levels()[-1]
    anim = tree.highlight(leaves, color=theme.GREEN)
    flashed = [a.mobject for a in anim.animations]
    assert flashed == [tree.key_mobject(k) for n in leaves for k in snap.keys(n)]
    before = {k: tree.key_mobject(k).get_center().copy() for k in tree.state.keys()}
    run(lambda scene: (scene.add(tree), scene.play(tree.highlight([snap.root]))))
    assert tree.state.snapshot() == snap  # the tree is unchanged ...
    assert all(np.allclose(tree.key_mobject(k).get_center(), c) for k, c in before.items())  # in place
    for bad, message in (([], "must not be empty"), ([10_000], "unknown")):
        with pytest.raises(ValueError, match=message):
            tree.highlight(bad)


def test_insert_many_and_missing_keys():
    tree = BTree(order=3)

    def body(scene):
        scene.add(tree)
        scene.play(tree.insert_many([5, 3, 8, 1, 9, 7]))
        scene.play(tree.search(4))
        scene.play(tree.insert(5))  # already there
        scene.play(tree.delete(42))  # not there

    run(body)
    assert tree.state.keys() == [1, 3, 5, 7, 8, 9]
    assert tree._pool.specs["result"][0] == "not found"
    assert drawn_as_spec(tree, "result") and drawn_as_spec(tree, "op")
    assert_drawing_matches(tree)


@frames_comparison(base_scene=ExplainerScene)
def test_search_path(scene):
    tree = BTree(BTreeState.from_keys(KEYS_30, order=4))
    scene.add(tree)
    leaf_key = next(k for k in KEYS_30 if len(tree.state.search(k).path) == 3)
    scene.play(tree.search(leaf_key))


@frames_comparison(base_scene=ExplainerScene)
def test_split_in_progress(scene):
    """The picture half-way through an insert: the overflowing leaf, the key landed, the header."""
    tree = BTree(BTreeState.from_keys([10, 20, 30, 40, 50, 60, 70, 80, 90], order=4), width=8, height=3.5)
    scene.add(tree)
    anim = tree.insert(75)  # 5 steps: 2 page reads, the landing, the split, the settled tree
    anim._setup_scene(scene)
    anim.begin()
    anim.interpolate(0.7)  # half-way through the split

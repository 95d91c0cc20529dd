import functools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from manim import Animation
from manim.utils.testing.frames_comparison import frames_comparison

from visualsys import ExplainerScene
from visualsys.primitives.call_tree import CallTree, CallTreeState, TooManyCalls, count_calls

__module_test__ = "call_tree"


def fib(call, n):
    return n if n < 2 else call(n - 1) + call(n - 2)


def tribonacci(call, n):
    return n if n < 3 else call(n - 1) + call(n - 2) + call(n - 3)


def binomial(call, n, k):
    return 1 if k in (0, n) else call(n - 1, k - 1) + call(n - 1, k)


def real_calls(n, memo=False):
    """``(calls, bodies run)`` of a plain Python fib (behind functools.cache when memo)."""
    calls = bodies = 0

    def body(m):
        nonlocal bodies
        bodies += 1
        return m if m < 2 else f(m - 1) + f(m - 2)

    inner = functools.cache(body) if memo else body

    def f(m):  # every call passes here; the body runs only on a cache miss
        nonlocal calls
        calls += 1
        return inner(m)

    f(n)
    return calls, bodies


# -- the model ------------------------------------------------------------------------------
def test_fib5_tree():
    t = CallTreeState.trace(fib, 5, name="fib")
    assert t.calls == 15 and t.result == 5 and t.max_depth == 5
    assert [t.label(u) for u in range(5)] == ["fib(5)", "fib(4)", "fib(3)", "fib(2)", "fib(1)"]
    assert t.times_computed() == {(5,): 1, (4,): 1, (3,): 2, (2,): 3, (1,): 5, (0,): 3}
    assert t.nodes[0].children == [1, 10] and t.nodes[10].args == (3,)
    assert t.path(4) == [0, 1, 2, 3, 4]
    assert t.subtree(10) == [10, 11, 12, 13, 14]
    assert len(t.leaves()) == 8


def test_memo_trace_matches_functools_cache():
    m = CallTreeState.trace(fib, 5, name="fib", memo=True)
    assert (m.calls, m.computed, m.cache_hits) == (9, 6, 3)
    assert (m.calls, m.computed) == real_calls(5, memo=True)
    assert [m.label(u) for u in range(m.calls) if m.nodes[u].cached] == ["fib(1)", "fib(2)", "fib(3)"]
    assert all(not m.nodes[u].children for u in range(m.calls) if m.nodes[u].cached)


@pytest.mark.parametrize("n", range(12))
def test_counts_match_real_python(n):
    t = CallTreeState.trace(fib, n)
    m = CallTreeState.trace(fib, n, memo=True)
    assert (t.calls, t.calls) == real_calls(n) == count_calls(fib, n)
    assert (m.calls, m.computed) == real_calls(n, memo=True) == count_calls(fib, n, memo=True)


def test_count_calls_for_inputs_too_big_to_trace():
    assert count_calls(fib, 30) == (2_692_537, 2_692_537)  # 2 * fib(31) - 1
    assert count_calls(fib, 30, memo=True) == (59, 31)


@pytest.mark.parametrize(("body", "args"), [(tribonacci, (7,)), (binomial, (6, 3)), (fib, (9,))])
def test_memo_cut_predicts_the_memoized_run(body, args):
    naive = CallTreeState.trace(body, *args)
    memo = CallTreeState.trace(body, *args, memo=True)
    hits, pruned = naive.memo_cut()
    assert naive.calls - len(pruned) == memo.calls
    assert len(hits) == memo.cache_hits
    kept = [naive.nodes[u].args for u in range(naive.calls) if u not in set(pruned)]
    assert kept == [n.args for n in memo.nodes]  # the same calls, in the same order
    assert count_calls(body, *args) == (naive.calls, naive.calls)
    assert count_calls(body, *args, memo=True) == (memo.calls, memo.computed)


def test_repeats_are_the_memo_hits():
    t = CallTreeState.trace(fib, 5)
    assert [t.label(u) for u in t.repeats()] == ["fib(1)", "fib(2)", "fib(3)"]  # named after the body


@given(st.integers(0, 10))
def test_layout_parents_over_children_and_leaves_in_order(n):
    t = CallTreeState.trace(fib, n)
    pos = t.layout()
    assert [pos[leaf][0] for leaf in t.leaves()] == list(range(len(t.leaves())))
    for node in t.nodes:
        x, d = pos[node.uid]
        assert d == node.depth
        if node.children:
            first, last = pos[node.children[0]][0], pos[node.children[-1]][0]
            assert first <= x <= last and x == (first + last) / 2
    xs_by_depth = {}
    for x, d in pos.values():
        xs_by_depth.setdefault(d, []).append(x)
    for xs in xs_by_depth.values():  # nodes of one level never share a spot
        assert len(set(xs)) == len(xs)


def test_add_builds_by_hand_and_validates():
    t = CallTreeState("g")
    t.add([3])
    t.add([2], parent=0)
    t.add([1], parent=0, cached=True)
    assert t.nodes[0].children == [1, 2] and t.label(2) == "g(1)" and t.max_depth == 2
    with pytest.raises(ValueError, match="already has a root"):
        t.add([0])
    with pytest.raises(ValueError, match="recorded call in 0..2, got 7"):
        t.add([0], parent=7)
    with pytest.raises(ValueError, match="answered from the memo"):
        t.add([0], parent=2)
    with pytest.raises(ValueError, match="name must not be empty"):
        CallTreeState("")


def test_trace_stops_runaway_recursion():
    def forever(call, n):
        return call(n + 1)

    with pytest.raises(TooManyCalls, match="more than 50 calls"):
        CallTreeState.trace(forever, 0, max_calls=50)
    with pytest.raises(ValueError, match="max_calls must be >= 1, got 0"):
        CallTreeState.trace(fib, 3, max_calls=0)


# -- the drawing ------------------------------------------------------------------------------
def test_drawing_validates():
    t = CallTreeState.trace(fib, 5, name="fib")
    with pytest.raises(ValueError, match="the tree needs width >= "):
        CallTree(t, width=6)
    with pytest.raises(ValueError, match="height must be >= "):
        CallTree(t, height=2)
    with pytest.raises(ValueError, match="shown must be in 0..15, got 16"):
        CallTree(t, shown=16)
    with pytest.raises(ValueError, match="font_size must be >= "):
        CallTree(t, font_size=12)
    with pytest.raises(ValueError, match="empty"):
        CallTree(CallTreeState("f"))


def test_verbs_return_animations_and_track_state():
    t = CallTreeState.trace(fib, 4, name="fib")
    tree = CallTree(t, width=10, height=4, shown=0)
    assert isinstance(tree.grow(3), Animation) and tree.shown == 3
    with pytest.raises(ValueError, match="call 5 is not shown"):
        tree.node_mobject(5)
    assert isinstance(tree.grow(), Animation) and tree.shown == t.calls
    tree.focus(4)
    assert {u for u, r in tree.roles.items() if r == "active"} == set(t.path(4))
    tree.focus(None)
    assert tree.roles == {}
    tree.mark([1, 2], "cached")
    tree.mark([2], "plain")
    assert tree.roles == {1: "cached"}
    with pytest.raises(ValueError, match="role must be one of"):
        tree.mark([1], "glowing")
    with pytest.raises(ValueError, match="upto must be in 9..9, got 3"):
        tree.grow(3)


@frames_comparison(base_scene=ExplainerScene)
def test_memo_cut_drawing(scene):
    t = CallTreeState.trace(fib, 5, name="fib")
    tree = CallTree(t, width=12.6, height=4.6, shown=0)
    scene.add(tree)
    scene.play(tree.grow())
    hits, pruned = t.memo_cut()
    scene.play(tree.mark(hits, "cached"), tree.focus(3))
    scene.play(tree.mark(pruned, "pruned"))

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from manim import Animation
from manim.utils.testing.frames_comparison import frames_comparison

from visualsys import ExplainerScene
from visualsys.primitives.hash_ring import RING_SIZE, HashRing, KeyGrid, RingState, ring_hash, spread

__module_test__ = "hash_ring"

names = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=1, max_size=3)


def ring(nodes, keys=(), vnodes=1):
    s = RingState(vnodes=vnodes)
    for n in nodes:
        s.add_node(n)
    for k in keys:
        s.add_key(k)
    return s


def test_hash_is_stable_md5_prefix():
    # md5("A") = 7fc56270e7a70fa81a5935b72eacbe29
    assert ring_hash("A") == 0x7FC56270
    assert 0 <= ring_hash("anything") < RING_SIZE


def test_owner_is_first_point_clockwise():
    s = ring(["A", "B", "C"])
    positions = sorted((ring_hash(n), n) for n in "ABC")
    for key in ["alice", "bob", "carol", "dave", "zed", "user:1"]:
        h = ring_hash(key)
        expected = next((n for p, n in positions if p >= h), positions[0][1])
        assert s.owner(key) == expected


def test_wraps_past_the_top():
    s = ring(["A", "B"])
    last = max(s.points, key=lambda p: p.position)
    first = min(s.points, key=lambda p: p.position)
    # a key hashed after the last point belongs to the first point
    key = next(k for k in (f"k{i}" for i in range(10000)) if ring_hash(k) > last.position)
    assert s.owner(key) == first.node


def test_add_node_reports_exactly_the_moved_keys():
    keys = [f"key{i}" for i in range(200)]
    s = ring(["A", "B", "C"], keys)
    before = s.owners()
    moved = s.add_node("D")
    after = s.owners()
    assert moved == {k: (before[k], "D") for k in keys if before[k] != after[k]}
    assert all(new == "D" for _, new in moved.values())
    assert 0 < len(moved) < len(keys)


def test_remove_node_moves_only_its_keys():
    keys = [f"key{i}" for i in range(200)]
    s = ring(["A", "B", "C", "D"], keys)
    before = s.owners()
    moved = s.remove_node("B")
    assert set(moved) == {k for k, o in before.items() if o == "B"}
    assert "B" not in s.owners().values()


@settings(max_examples=60, deadline=None)
@given(st.lists(names, min_size=1, max_size=6, unique=True), names,
       st.lists(st.text(min_size=1, max_size=8), max_size=40, unique=True), st.integers(1, 4))
def test_join_moves_keys_only_to_the_newcomer(nodes, newcomer, keys, vnodes):
    if newcomer in nodes:
        return
    s = ring(nodes, keys, vnodes)
    before = s.owners()
    moved = s.add_node(newcomer)
    after = s.owners()
    for k in keys:
        if k in moved:
            assert after[k] == newcomer and before[k] != newcomer
        else:
            assert after[k] == before[k]
    assert math.isclose(sum(s.share().values()), 1.0)


def test_virtual_nodes_even_out_the_shares():
    one = ring(["A", "B", "C", "D"], vnodes=1).share()
    many = ring(["A", "B", "C", "D"], vnodes=100).share()
    assert max(one.values()) / min(one.values()) > 3
    assert max(many.values()) / min(many.values()) < 1.2
    assert len(ring(["A"], vnodes=7).points) == 7


def test_load_counts_keys():
    keys = [f"k{i}" for i in range(50)]
    s = ring(["A", "B"], keys)
    assert sum(s.load().values()) == 50


def test_invalid_arguments():
    with pytest.raises(ValueError, match="vnodes must be >= 1"):
        RingState(vnodes=0)
    s = ring(["A"], ["x"])
    with pytest.raises(ValueError, match="already on the ring"):
        s.add_node("A")
    with pytest.raises(ValueError, match="last server"):
        s.remove_node("A")
    with pytest.raises(ValueError, match="radius must be > 0"):
        HashRing(radius=-1)
    with pytest.raises(LookupError):
        RingState().owner("x")


def test_spread_keeps_order_and_gaps():
    out = spread([0.10, 0.101, 0.102, 0.5], min_gap=0.05)
    assert out[0] < out[1] < out[2] < out[3]  # clockwise order kept
    gaps = [(out[(i + 1) % 4] - out[i]) % 1 for i in range(4)]
    assert min(gaps) >= 0.05 - 1e-6


def test_verbs_return_animations_and_update_the_model():
    r = HashRing(nodes=["A", "B"], keys=["alice", "bob"])
    assert isinstance(r.add_node("C"), Animation)
    assert "C" in r.state.nodes
    assert isinstance(r.remove_node("A"), Animation)
    assert "A" not in r.state.nodes and not r.node_mobject("A")
    assert isinstance(r.add_keys("carol"), Animation)
    assert "carol" in r.state.keys
    assert isinstance(r.lookup("carol"), Animation)


def test_key_grid_tracks_assignment():
    g = KeyGrid(["a", "b", "c"], columns=3)
    g.assign({"a": "S0", "b": "S1", "c": "S0"})
    assert g.moved({"a": "S1", "b": "S1", "c": "S0"}) == ["a"]
    with pytest.raises(ValueError, match="unknown keys"):
        g.assign({"zz": "S0"})


@frames_comparison(base_scene=ExplainerScene)
def test_ring_after_join(scene):
    r = HashRing(nodes=["A", "B", "C"], keys=["alice", "bob", "carol", "dave", "erin", "judy"],
                 show_load=True).center()
    scene.add(r)
    scene.play(r.add_node("D"))
    scene.wait(0.1)  # the frame tester redraws only what the last call touched


@frames_comparison(base_scene=ExplainerScene)
def test_ring_virtual_nodes(scene):
    r = HashRing(nodes=["A", "B", "C"], vnodes=50, show_load=True).center()
    scene.add(r)

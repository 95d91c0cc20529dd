import importlib.util
from pathlib import Path

import pytest
from manim.utils.testing.frames_comparison import frames_comparison

from .conftest import play_until

__module_test__ = "raft"
_path = Path(__file__).resolve().parents[2] / "scenes" / "raft.py"
_spec = importlib.util.spec_from_file_location("scene_raft", _path)
topic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(topic)
RaftModel, NODES = topic.RaftModel, topic.NODES


@frames_comparison(base_scene=topic.Raft)
def test_re_elected_after_the_leader_crashed(scene):
    play_until(scene, "Takeaway")
    m = scene.model
    # the first leader is down, a survivor leads a higher term, and everyone running holds the committed entry
    assert len(m.up) == len(NODES) - 1 and m.leader in m.up and m.term[m.leader] == 2
    assert m.commit_index == 0
    assert all(m.log[n] == [(1, "x=1")] for n in NODES)


def test_timers_are_seeded_and_in_range():
    a, b = RaftModel(NODES), RaftModel(NODES)
    assert a.timer == b.timer  # deterministic: the scene replays the same election
    lo, hi = topic.TIMEOUT_MS
    assert all(lo <= t <= hi for t in a.timer.values())
    first, ms = a.first_timeout()
    assert ms == min(a.timer.values()) and a.timer[first] == ms


def test_first_to_time_out_wins_with_a_majority():
    m = RaftModel(NODES)
    first, _ = m.first_timeout()
    votes = m.elect(first)
    assert votes[0] == first and len(votes) == len(NODES)
    assert m.leader == first and set(m.term.values()) == {1}
    assert all(m.voted_for[n] == first for n in NODES)


def test_one_vote_per_term():
    m = RaftModel(NODES)
    m.elect("S1")
    m.leader = None  # pretend S1's win was never heard; S2 asks in the same term
    m.term["S2"] = 0
    assert m.elect("S2") == ["S2"]  # everyone already voted in term 1
    assert m.leader is None


def test_commit_needs_a_majority_of_copies():
    m = RaftModel(NODES)
    m.elect("S1")
    i = m.append("x=1")
    m.replicate(["S2"])
    assert len(m.holders(i)) == 2 and m.advance_commit() == -1  # 2 of 5: not yet
    m.replicate(["S3"])
    assert len(m.holders(i)) == 3 and m.advance_commit() == 0  # 3 of 5: committed


def test_a_candidate_with_a_stale_log_loses():
    m = RaftModel(NODES)
    m.elect("S1")
    m.append("x=1")
    m.replicate(["S2", "S3"])
    m.advance_commit()
    m.crash("S1")
    votes = m.elect("S5")  # S5 never got x=1: S2 and S3 refuse, so it cannot reach 3
    assert set(votes) == {"S4", "S5"} and m.leader is None
    votes = m.elect("S2")  # a later term, from a server that holds the committed entry
    assert m.leader == "S2" and len(votes) >= m.majority


@pytest.mark.parametrize("seed", range(20))
def test_elections_are_safe_for_any_seed(seed):
    m = RaftModel(NODES, seed=seed)
    first, _ = m.first_timeout()
    m.elect(first)
    m.append("x=1")
    m.replicate([n for n in NODES if n != first][:2])
    assert m.advance_commit() == 0
    m.crash(first)
    m.reset_timers()
    nxt, _ = m.first_timeout()
    holds = nxt in m.holders(0)
    m.elect(nxt)
    # a survivor holding the committed entry wins; one without it cannot gather a majority
    assert (m.leader == nxt) == holds
    if m.leader is not None:
        assert m.log[m.leader][:1] == [(1, "x=1")]

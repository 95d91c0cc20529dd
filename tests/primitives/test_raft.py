import pytest

from visualsys.primitives.raft import RaftState

NODES = ["S1", "S2", "S3", "S4", "S5"]


def test_timers_are_seeded_and_in_range():
    a, b = RaftState(NODES, seed=4), RaftState(NODES, seed=4)
    assert a.timer == b.timer  # deterministic: a scene replays the same election
    assert all(150 <= t <= 300 for t in a.timer.values())
    first, ms = a.first_timeout()
    assert ms == min(a.timer.values()) and a.timer[first] == ms
    c = RaftState(NODES, seed=1, timeout=(10, 12))
    assert all(10 <= t <= 12 for t in c.timer.values())


def test_first_to_time_out_wins_with_a_majority():
    m = RaftState(NODES, seed=4)
    first, _ = m.first_timeout()
    votes = m.elect(first)
    assert votes[0] == first and len(votes) == len(NODES)
    assert m.leader == first and set(m.term.values()) == {1}
    assert all(m.voted_for[n] == first for n in NODES)
    m.reset_timers()
    assert first not in m.timer and set(m.timer) == set(NODES) - {first}  # the leader has no timer


def test_one_vote_per_term():
    m = RaftState(NODES)
    m.elect("S1")
    m.leader = None  # pretend S1's win was never heard; S2 asks in the same term
    m.term["S2"] = 0
    assert m.elect("S2") == ["S2"]  # everyone already voted in term 1
    assert m.leader is None


def test_commit_needs_a_majority_of_copies():
    m = RaftState(NODES)
    m.elect("S1")
    i = m.append("x=1")
    assert m.log["S1"] == [(1, "x=1")] and m.match_index["S1"] == 0
    m.replicate(["S2"])
    assert len(m.holders(i)) == 2 and m.advance_commit() == -1  # 2 of 5: not yet
    m.replicate(["S3"])
    assert len(m.holders(i)) == 3 and m.advance_commit() == 0  # 3 of 5: committed
    assert m.match_index == {"S1": 0, "S2": 0, "S3": 0, "S4": -1, "S5": -1}


def test_an_old_term_entry_is_not_committed_by_counting():
    m = RaftState(NODES)
    m.elect("S1")
    m.append("x=1")  # term 1, on S1 only
    m.crash("S1")
    m.up.add("S1")  # S1 restarts as a follower
    m.elect("S1")  # term 2: S1's log is the most up to date
    m.replicate(["S2", "S3"])
    assert m.advance_commit() == -1  # the term-1 entry is on a majority, but not of this term
    m.append("y=2")
    m.replicate(["S2", "S3"])
    assert m.advance_commit() == 1  # a term-2 entry commits, and with it everything before


def test_a_candidate_with_a_stale_log_loses():
    m = RaftState(NODES)
    m.elect("S1")
    m.append("x=1")
    m.replicate(["S2", "S3"])
    m.advance_commit()
    m.crash("S1")
    assert m.leader is None and "S1" not in m.up and "S1" not in m.timer
    votes = m.elect("S5")  # S5 never got x=1: S2 and S3 refuse, so it cannot reach 3
    assert set(votes) == {"S4", "S5"} and m.leader is None
    votes = m.elect("S2")  # a later term, from a server that holds the committed entry
    assert m.leader == "S2" and len(votes) >= m.majority


@pytest.mark.parametrize("seed", range(20))
def test_elections_are_safe_for_any_seed(seed):
    m = RaftState(NODES, seed=seed)
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


@pytest.mark.parametrize("kwargs, message", [
    ({"nodes": []}, "nodes must not be empty"),
    ({"nodes": ["S1", "S1"]}, "nodes must be unique"),
    ({"nodes": ["S1"], "timeout": (0, 10)}, "timeout must be"),
    ({"nodes": ["S1"], "timeout": (20, 10)}, "timeout must be"),
])
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RaftState(**kwargs)


def test_no_leader_no_append():
    m = RaftState(NODES)
    with pytest.raises(ValueError, match="there is no leader"):
        m.append("x=1")
    m.crash("S3")
    with pytest.raises(ValueError, match="cand must be a running node"):
        m.elect("S3")

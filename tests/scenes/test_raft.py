from manim.utils.testing.frames_comparison import frames_comparison

from .conftest import load_topic, play_until

__module_test__ = "raft"
topic = load_topic("raft")
NODES = topic.NODES


@frames_comparison(base_scene=topic.Raft)
def test_re_elected_after_the_leader_crashed(scene):
    play_until(scene, "Takeaway")
    m = scene.model
    # the first leader is down, a survivor leads a higher term, and everyone running holds the committed entry
    assert len(m.up) == len(NODES) - 1 and m.leader in m.up and m.term[m.leader] == 2
    assert m.commit_index == 0
    assert all(m.log[n] == [(1, "x=1")] for n in NODES)


def test_the_scene_replays_one_seeded_election():
    m = topic.RaftState(NODES, seed=topic.SEED, timeout=topic.TIMEOUT_MS)
    first, _ = m.first_timeout()
    assert len(m.elect(first)) == len(NODES)  # "5 of 5": the first election is unanimous

from manim.utils.testing.frames_comparison import frames_comparison

from .conftest import load_topic, play_until

__module_test__ = "two_phase_commit"
topic = load_topic("two_phase_commit")


@frames_comparison(base_scene=topic.TwoPhaseCommit)
def test_participants_blocked_after_the_coordinator_dies(scene):
    play_until(scene, "Takeaway")
    st, machine = scene.cluster, scene.machine
    coord, parts = topic.COORD, topic.PARTS
    # the blocking case: everyone voted yes, the coordinator is down, nobody heard an outcome
    assert st.status[coord] == "down"
    assert all(st.value(p) == topic.PREPARED for p in parts)
    assert machine.current == "PREPARED"
    rounds = [m for m in st.log if m.src == coord and m.label in ("commit", "abort")]
    last_vote = max(m.seq for m in st.log if m.dst == coord)
    assert all(m.seq < last_vote for m in rounds)  # no decision left the coordinator after the last votes
    # the round before: one "no" aborted everyone, the abort went only to the yes voters
    no = [m for m in st.log if m.dst == coord and m.label == "no"]
    assert [m.src for m in no] == [parts[-1]]
    assert {m.dst for m in st.messages(src=coord, label="abort")} == set(parts[:-1])
    # the first round: every participant voted yes before the commit went out
    first_commit = min(m.seq for m in st.messages(src=coord, label="commit"))
    yes = [m for m in st.messages(dst=coord, label="yes") if m.seq < first_commit]
    assert sorted(m.src for m in yes) == sorted(parts)

from manim import tempconfig
from manim.utils.testing.frames_comparison import frames_comparison

from .conftest import load_topic, play_until

__module_test__ = "lamport_clock"
topic = load_topic("lamport_clock")


@frames_comparison(base_scene=topic.LamportClock)
def test_causal_chain_from_a_to_k(scene):
    play_until(scene, "What it cannot tell")


def _played() -> "topic.LamportClock":
    with tempconfig({"dry_run": True, "disable_caching": True}):
        scene = topic.LamportClock()
        scene.render()
    return scene


def test_the_story_the_narration_tells_is_what_the_clocks_did():
    st = _played().timeline
    # rule two, message wins: P2 was at 1, the message carried 4
    assert (st.get("e").clock, st.get("d").clock, st.get("f").clock) == (1, 4, 5)
    # rule two, own count wins: P2 at 5 receives a message stamped 2
    assert (st.get("h").clock, st.get("i").clock) == (2, 6)
    # a -> k along a chain whose stamps grow by at least one per step, from 1 to 8
    path = st.causal_path("a", "k")
    assert path is not None and [path[0].clock, path[-1].clock] == [1, 8]
    assert all(x.clock < y.clock for x, y in zip(path, path[1:], strict=False))
    # the converse fails: h and c are concurrent although L(h) < L(c)
    assert st.relation("h", "c") == "concurrent" and st.get("h").clock < st.get("c").clock
    # three events tie at 1; the total order breaks the tie by process
    order = st.total_order()
    assert [e.name for e in order[:3]] == ["a", "e", "g"]
    assert [e.name for e in order] == ["a", "e", "g", "b", "h", "c", "d", "f", "i", "j", "k"]

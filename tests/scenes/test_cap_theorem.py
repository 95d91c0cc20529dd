from manim import tempconfig
from manim.utils.testing.frames_comparison import frames_comparison

from .conftest import load_topic, play_until

__module_test__ = "cap_theorem"
topic = load_topic("cap_theorem")


@frames_comparison(base_scene=topic.CapTheorem)
def test_ap_side_diverges_during_the_partition(scene):
    play_until(scene, "Healing")
    st = scene.cluster
    # the AP branch: C took x=3, A and B still hold 2 (what the reader was told), and the cut is still there
    assert [st.value(n) for n in "ABC"] == ["x=2", "x=2", "x=3"]
    assert st.sides is not None and not st.connected("A", "C")


def test_writes_across_the_cut_are_lost_and_healing_reconciles():
    with tempconfig({"dry_run": True, "disable_caching": True}):
        scene = topic.CapTheorem()
        scene.render()
    st = scene.cluster
    lost = st.messages(src="C", delivered=False)
    assert {(m.dst, m.reason) for m in lost} == {("A", "partition"), ("B", "partition")}
    assert st.sides is None  # healed
    assert {st.value(n) for n in st.nodes} == {"x=3"}  # everyone agrees again

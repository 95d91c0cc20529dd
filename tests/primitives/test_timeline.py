import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from manim import Animation, tempconfig
from manim.utils.testing.frames_comparison import frames_comparison

from visualsys import ExplainerScene, theme
from visualsys.primitives.timeline import Timeline, TimelineState

__module_test__ = "timeline"

P = ["P1", "P2", "P3"]


# -- Lamport rules ---------------------------------------------------------------------------------------
def test_local_and_send_events_tick_the_clock():
    t = TimelineState(P)
    assert [t.event("P1").clock for _ in range(3)] == [1, 2, 3]
    assert t.send("P1").clock == 4
    assert t.event("P2").clock == 1  # each process has its own clock


def test_receive_takes_max_plus_one():
    t = TimelineState(P)
    s, r = t.message("P1", "P2")
    assert (s.clock, r.clock) == (1, 2)
    for _ in range(5):
        t.event("P3")  # P3 is ahead: clock 5
    _, r2 = t.message("P1", "P3")
    assert r2.clock == 6  # max(5, 2) + 1: the receiver's own clock wins
    _, r3 = t.message("P3", "P1")
    assert r3.clock == max(2, 7) + 1


def test_vector_clocks_merge_on_receive():
    t = TimelineState(["A", "B"])
    a1 = t.event("A")
    s, r = t.message("A", "B")
    assert a1.vector == (1, 0) and s.vector == (2, 0) and r.vector == (2, 1)


# -- happened-before --------------------------------------------------------------------------------------
def _classic():
    """P1: a -> send m1;  P2: receive m1 -> c;  P3: d (unrelated)."""
    t = TimelineState(P)
    t.event("P1", "a", name="a")
    t.send("P1", "b", message="m1", name="b")
    t.receive("P2", "m1", "r", name="r")
    t.event("P2", "c", name="c")
    t.event("P3", "d", name="d")
    return t


def test_program_order_and_messages_give_happened_before():
    t = _classic()
    assert t.happened_before("a", "b")  # same lane
    assert t.happened_before("b", "r")  # a message
    assert t.happened_before("a", "c")  # transitively
    assert not t.happened_before("c", "a")
    assert not t.happened_before("a", "a")


def test_concurrent_events_and_relation():
    t = _classic()
    assert t.concurrent("d", "a") and t.concurrent("c", "d")
    assert not t.concurrent("a", "c")
    assert t.relation("a", "c") == "before"
    assert t.relation("c", "a") == "after"
    assert t.relation("a", "d") == "concurrent"
    assert t.relation("a", "a") == "same"
    # equal Lamport timestamps never imply order: a and d both read 1
    assert t.get("a").clock == t.get("d").clock == 1


def test_causal_path_walks_lanes_and_messages():
    t = _classic()
    assert [e.name for e in t.causal_path("a", "c")] == ["a", "b", "r", "c"]
    assert t.causal_path("c", "a") is None
    assert [e.name for e in t.causal_path("a", "a")] == ["a"]


def test_total_order_is_by_clock_then_lane():
    t = _classic()
    assert [e.name for e in t.total_order()] == ["a", "d", "b", "r", "c"]


# -- positions -----------------------------------------------------------------------------------------
def test_slots_are_compact_and_receives_come_after_sends():
    t = TimelineState(P)
    assert t.event("P1").slot == 1
    assert t.event("P1").slot == 2
    s, r = t.message("P1", "P3")
    assert s.slot == 3 and r.slot == 4  # P3 was empty, but a receive follows its send
    assert t.event("P2").slot == 1


def test_explicit_slots_and_their_limits():
    t = TimelineState(P, slots=4)
    assert t.event("P1", at=3).slot == 3
    with pytest.raises(ValueError, match="after slot 3, got at=2"):
        t.event("P1", at=2)
    with pytest.raises(ValueError, match="the timeline is full: slot 5 > slots=4"):
        t.message("P1", "P2")  # send at 4, receive would need 5
    assert t.events.keys() == {"P1.1"}  # nothing half-done
    t.send("P2", message="late", at=4)
    with pytest.raises(ValueError, match="timeline is full"):
        t.receive("P3", "late")


def test_invalid_messages():
    t = TimelineState(P)
    with pytest.raises(ValueError, match="unknown message 'm9'"):
        t.receive("P2", "m9")
    t.send("P1", message="m1")
    with pytest.raises(ValueError, match="cannot receive its own message"):
        t.receive("P1", "m1")
    t.receive("P2", "m1")
    with pytest.raises(ValueError, match="already received by P2"):
        t.receive("P3", "m1")
    with pytest.raises(ValueError, match="cannot message itself"):
        t.message("P1", "P1")
    with pytest.raises(ValueError, match="unknown process 'P9'"):
        t.event("P9")
    with pytest.raises(ValueError, match="unique"):
        t.event("P1", name="P1.1")
    with pytest.raises(ValueError, match="slots must be >= 1"):
        TimelineState(P, slots=0)
    with pytest.raises(ValueError, match="unique"):
        TimelineState(["P1", "P1"])


# -- properties for any history --------------------------------------------------------------------------
step = st.tuples(st.sampled_from(["local", "message", "send", "receive"]), st.integers(0, 2),
                 st.integers(0, 2))


def _play(history, slots=60):
    t = TimelineState(P, slots=slots)
    pending = []
    for kind, i, j in history:
        a, b = P[i], P[j]
        if kind == "local":
            t.event(a)
        elif kind == "message" and a != b:
            t.message(a, b)
        elif kind == "send":
            pending.append(t.send(a).message)
        elif kind == "receive" and pending:
            m = pending[0]
            if t.messages[m].src != b:
                pending.pop(0)
                t.receive(b, m)
    return t


@settings(max_examples=120, deadline=None)
@given(st.lists(step, max_size=25))
def test_lamport_timestamps_respect_happened_before(history):
    t = _play(history)
    for a, b in itertools.permutations(t.events.values(), 2):
        if t.happened_before(a, b):
            assert a.clock < b.clock


@settings(max_examples=120, deadline=None)
@given(st.lists(step, max_size=25))
def test_vector_clocks_characterise_happened_before(history):
    t = _play(history)
    for a, b in itertools.permutations(t.events.values(), 2):
        le = all(x <= y for x, y in zip(a.vector, b.vector, strict=True))
        assert t.happened_before(a, b) == (le and a.vector != b.vector)
        assert t.concurrent(a, b) == (not t.happened_before(a, b) and not t.happened_before(b, a))


@settings(max_examples=120, deadline=None)
@given(st.lists(step, max_size=25))
def test_positions_are_monotonic_per_lane_and_messages_go_forward(history):
    t = _play(history)
    for p in P:
        lane = t.lane(p)
        assert [e.index for e in lane] == list(range(len(lane)))
        assert all(x.slot < y.slot for x, y in zip(lane, lane[1:], strict=False))
        assert all(x.clock < y.clock for x, y in zip(lane, lane[1:], strict=False))
    for m in t.messages.values():
        if m.receive is not None:
            assert t.events[m.send].slot < t.events[m.receive].slot
    order = t.total_order()
    pos = {e.name: i for i, e in enumerate(order)}
    for a, b in itertools.permutations(t.events.values(), 2):
        if t.happened_before(a, b):
            assert pos[a.name] < pos[b.name]


# -- the drawing ----------------------------------------------------------------------------------------
class _Quiet(ExplainerScene):
    def construct(self):
        pass


@pytest.fixture
def quiet_scene():
    """A scene that plays animations without rendering or writing anything."""
    with tempconfig({"dry_run": True, "pixel_height": 270, "pixel_width": 480}):
        yield _Quiet(skip_animations=True)


def test_verbs_return_animations_and_draw_what_the_model_did(quiet_scene):
    scene = quiet_scene
    tl = Timeline(P)
    verbs = [
        lambda: tl.appear(),
        lambda: tl.event("P1", "a"),
        lambda: tl.message("P1", "P2", "b", "c"),
        lambda: tl.send("P3", "d", message="late"),
        lambda: tl.event("P2", "e"),
        lambda: tl.receive("P1", "late", "f"),
        lambda: tl.highlight("P1.1", "P2.2"),
        lambda: tl.highlight("P3.1", "P2.1"),
        lambda: tl.clear_highlight(),
    ]
    for verb in verbs:
        anim = verb()
        assert isinstance(anim, Animation)
        scene.play(anim)
        assert tl in scene.mobjects  # never dissolved into loose parts
    assert set(tl.dots) == set(tl.state.events) and set(tl.arrows) == {"m1", "late"}
    assert tl._highlight is None
    # the drawn dots sit on their lane, left to right in lane order
    for p in P:
        xs = [tl.event_mobject(e.name)[0].get_x() for e in tl.state.lane(p)]
        ys = {round(tl.event_mobject(e.name)[0].get_y(), 4) for e in tl.state.lane(p)}
        assert xs == sorted(xs) and len(set(xs)) == len(xs) and len(ys) <= 1
    # every arrow runs from its send dot to its receive dot, forward in time
    for name, arrow in tl.arrows.items():
        m = tl.state.messages[name]
        a, b = tl.event_mobject(m.send)[0], tl.event_mobject(m.receive)[0]
        assert arrow[0].get_start()[0] > a.get_x() and arrow[0].get_end()[0] < b.get_x()
        assert arrow[0].get_end()[0] > arrow[0].get_start()[0]


def test_timestamps_drawn_match_the_model_and_stay_inside(quiet_scene):
    tl = Timeline(P, width=10)
    quiet_scene.add(tl)
    quiet_scene.play(tl.event("P2"))
    quiet_scene.play(tl.message("P2", "P3", "s", "r"))
    for e in tl.state.events.values():
        clock = tl.event_mobject(e.name)[2]
        assert clock.text == str(e.clock)
    assert tl.width <= 10 + 1e-6 and tl.height <= 1.5 * 3 + 1


def test_labels_move_away_from_arrows(quiet_scene):
    tl = Timeline(P)
    # the arrow leaves P2 up-right and arrives at P1 from down-left
    quiet_scene.play(tl.message("P2", "P1", "up", "in"))
    s, r = tl.state.events["P2.1"], tl.state.events["P1.1"]
    sdot, slabel, sclock = tl.event_mobject(s.name)
    rdot, rlabel, rclock = tl.event_mobject(r.name)
    assert slabel.get_right()[0] <= sdot.get_x() + 1e-6  # send label shifted left, off the arrow
    assert rclock.get_left()[0] >= rdot.get_x() - 1e-6  # receive timestamp shifted right


def test_timeline_validates_arguments():
    with pytest.raises(ValueError, match="width and height must be > 0"):
        Timeline(P, width=0)
    with pytest.raises(ValueError, match="lanes need >= 1.1 units"):
        Timeline(P, height=2)
    with pytest.raises(ValueError, match="12 slots do not fit in width 5"):
        Timeline(P, width=5, slots=12)
    with pytest.raises(ValueError, match="one colour per lane"):
        Timeline(P, colors=[theme.BLUE])
    tl = Timeline(P)
    with pytest.raises(ValueError, match="nothing is highlighted"):
        tl.clear_highlight()
    tl.event("P1")
    with pytest.raises(ValueError, match="two different events"):
        tl.highlight("P1.1", "P1.1")


def test_timeline_from_a_ready_state():
    t = _classic()
    tl = Timeline(t, lamport=False)
    assert set(tl.dots) == {"a", "b", "r", "c", "d"} and set(tl.arrows) == {"m1"}
    assert len(tl.event_mobject("a")[2].submobjects) == 0  # no timestamp drawn


# -- frames ------------------------------------------------------------------------------------------------
def _three_lanes(scene):
    tl = Timeline(P)
    scene.add(tl)
    scene.play(tl.event("P1", "a"))
    scene.play(tl.message("P1", "P2", "b", "c"))
    scene.play(tl.event("P3", "d"))
    scene.play(tl.send("P3", "e", message="slow"))
    scene.play(tl.message("P2", "P1", "f", "g"))
    scene.play(tl.receive("P2", "slow", "h"))
    scene.play(tl.message("P2", "P3", "i", "j"))
    scene.play(tl.event("P1", "k"))
    return tl


@frames_comparison(base_scene=ExplainerScene)
def test_three_lanes_with_causal_chain(scene):
    tl = _three_lanes(scene)
    scene.play(tl.highlight("P1.1", "P3.3"))
    scene.wait(0.1)  # the frame tester redraws only what the last play moved; a wait redraws all


@frames_comparison(base_scene=ExplainerScene)
def test_three_lanes_concurrent_pair(scene):
    tl = _three_lanes(scene)
    scene.play(tl.highlight("P1.4", "P3.3"))
    scene.wait(0.1)


def test_events_added_after_the_scene_scales_the_timeline_match_it(quiet_scene):
    tl = Timeline(P).scale(0.5).to_edge([0, 1, 0])
    quiet_scene.add(tl)
    quiet_scene.play(tl.message("P1", "P3", "s", "r"))
    dot = tl.event_mobject("P1.1")[0]
    assert dot.width == pytest.approx(0.1, rel=0.05)  # half the normal 0.2 diameter
    assert dot.get_y() == pytest.approx(tl.lines["P1"].get_y(), abs=1e-6)
    assert tl.point("P3", 2)[0] == pytest.approx(tl.event_mobject("P3.1")[0].get_x(), abs=1e-6)


def test_arrow_aims_at_the_final_dot_even_while_a_long_label_grows_in():
    tl = Timeline(["A", "B"], width=9, slots=4, lamport=False)
    tl.send("A", "sent 10:00:05", message="req", at=1)
    tl.receive("B", "req", "got 10:00:03", at=3)  # not played: the dot group is still shrunk off-centre
    end = tl.arrow_mobject("req")[0].get_end()
    target = tl.point("B", 3)
    assert end[0] < target[0] and end[1] > target[1]  # the tip stops up-left of the dot it points at
    assert ((end - target) ** 2).sum() ** 0.5 < 0.3

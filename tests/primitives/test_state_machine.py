import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from manim import DOWN, UP, Animation, AnimationGroup, tempconfig
from manim.utils.testing.frames_comparison import frames_comparison

from visualsys import ExplainerScene, theme
from visualsys.primitives.state_machine import StateMachine, StateMachineState, layout_positions

__module_test__ = "state_machine"

BREAKER = (
    ["CLOSED", "OPEN", "HALF-OPEN"],
    [
        ("CLOSED", "5 failures", "OPEN"),
        ("OPEN", "timeout", "HALF-OPEN"),
        ("HALF-OPEN", "probe ok", "CLOSED"),
        ("HALF-OPEN", "probe fails", "OPEN"),
        ("CLOSED", "success", "CLOSED"),
    ],
)
BREAKER_COLORS = {"CLOSED": theme.GREEN, "OPEN": theme.RED, "HALF-OPEN": theme.YELLOW}

RAFT = (
    ["FOLLOWER", "CANDIDATE", "LEADER"],
    [
        ("FOLLOWER", "timeout", "CANDIDATE"),
        ("CANDIDATE", "timeout", "CANDIDATE"),
        ("CANDIDATE", "majority", "LEADER"),
        ("CANDIDATE", "leader found", "FOLLOWER"),
        ("LEADER", "higher term", "FOLLOWER"),
    ],
)

PARTICIPANT = (
    ["INIT", "READY", "COMMITTED", "ABORTED"],
    [
        ("INIT", "prepare / yes", "READY"),
        ("INIT", "prepare / no", "ABORTED"),
        ("READY", "commit", "COMMITTED"),
        ("READY", "abort", "ABORTED"),
    ],
)


# -- the model -----------------------------------------------------------------------
def test_circuit_breaker_cycle():
    m = StateMachineState(*BREAKER)
    assert m.current == "CLOSED"
    assert m.fire("success") == "CLOSED"
    assert m.fire("5 failures") == "OPEN"
    assert m.fire("timeout") == "HALF-OPEN"
    assert m.fire("probe fails") == "OPEN"
    assert m.fire("timeout") == "HALF-OPEN"
    assert m.fire("probe ok") == "CLOSED"
    assert m.history[:2] == [("CLOSED", "success", "CLOSED"), ("CLOSED", "5 failures", "OPEN")]
    assert len(m.history) == 6


def test_same_event_from_different_states():
    m = StateMachineState(*RAFT)
    assert m.fire("timeout") == "CANDIDATE"
    assert m.fire("timeout") == "CANDIDATE"  # a split vote: a new election
    assert m.fire("majority") == "LEADER"


def test_invalid_event_names_the_state_and_the_event():
    m = StateMachineState(*BREAKER)
    m.fire("5 failures")
    with pytest.raises(
        ValueError, match="state 'OPEN' has no transition for event 'probe ok'; it accepts: 'timeout'"
    ):
        m.fire("probe ok")
    assert m.current == "OPEN" and len(m.history) == 1  # nothing happened


def test_events_and_can_fire():
    m = StateMachineState(*PARTICIPANT)
    assert m.events() == ["prepare / yes", "prepare / no"]
    assert m.events("READY") == ["commit", "abort"]
    assert m.events("COMMITTED") == []
    assert m.can_fire("prepare / yes") and not m.can_fire("commit")
    assert m.target("prepare / no") == "ABORTED" and m.current == "INIT"


def test_reset():
    m = StateMachineState(*BREAKER, initial="OPEN")
    assert m.current == "OPEN"
    m.fire("timeout")
    m.reset()
    assert m.current == "OPEN"
    m.reset("HALF-OPEN")
    assert m.current == "HALF-OPEN"
    with pytest.raises(ValueError, match="unknown state 'BROKEN'"):
        m.reset("BROKEN")


def test_edges_group_events_by_state_pair():
    m = StateMachineState(["A", "B"], [("A", "x", "B"), ("A", "y", "B"), ("B", "z", "A")])
    assert m.edges() == {("A", "B"): ["x", "y"], ("B", "A"): ["z"]}


@pytest.mark.parametrize(
    ("states", "transitions", "initial", "message"),
    [
        ([], [], None, "at least one state"),
        (["A", "A"], [], None, "must be unique"),
        (["A", ""], [], None, "must not be empty"),
        (["A"], [("A", "x", "B")], None, "unknown state 'B'"),
        (["A", "B"], [("A", "x", "B"), ("A", "x", "A")], None, "two transitions for event 'x'"),
        (["A", "B"], [("A", "", "B")], None, "needs an event name"),
        (["A", "B"], [("A", "B")], None, "is \\(source, event, target\\)"),
        (["A", "B"], [], "C", "initial state 'C' is not one of"),
    ],
)
def test_model_validates(states, transitions, initial, message):
    with pytest.raises(ValueError, match=message):
        StateMachineState(states, transitions, initial)


@given(
    st.lists(st.sampled_from(["timeout", "majority", "leader found", "higher term", "bogus"]), max_size=30)
)
def test_any_event_sequence_stays_in_known_states(events):
    m = StateMachineState(*RAFT)
    for e in events:
        before = m.current
        if m.can_fire(e):
            assert m.fire(e) == m.transitions[(before, e)]
        else:
            with pytest.raises(ValueError):
                m.fire(e)
            assert m.current == before
        assert m.current in m.states
    assert all(m.transitions[(s, e)] == d for s, e, d in m.history)


# -- layout ----------------------------------------------------------------------------
def test_layouts():
    row = layout_positions(3, "row", 6, 2)
    assert [p[0] for p in row] == [-3, 0, 3] and all(p[1] == 0 for p in row)
    col = layout_positions(2, "column", 6, 2)
    assert [p[1] for p in col] == [1, -1]
    tri = layout_positions(3, "triangle", 6, 2)
    assert tri[0][1] == tri[1][1] == -1 and tri[2][1] == 1 and tri[0][0] < tri[2][0] < tri[1][0]
    circle = layout_positions(4, "circle", 6, 2)
    assert np.allclose(circle[0], [-3, 0, 0]) and np.allclose(circle[1], [0, 1, 0])  # left, then clockwise
    assert layout_positions(1, "auto", 6, 2)[0].tolist() == [0, 0, 0]
    with pytest.raises(ValueError, match="exactly 3 states"):
        layout_positions(4, "triangle", 6, 2)
    with pytest.raises(ValueError, match="layout must be"):
        layout_positions(3, "spiral", 6, 2)


def _overlap(a, b, margin=0.0):
    return (
        abs(a.get_x() - b.get_x()) < (a.width + b.width) / 2 + margin
        and abs(a.get_y() - b.get_y()) < (a.height + b.height) / 2 + margin
    )


@pytest.mark.parametrize(
    ("machine", "kwargs"),
    [
        (BREAKER, {}),
        (RAFT, {}),
        (PARTICIPANT, {"width": 9, "height": 4}),
        ((["ON", "OFF"], [("ON", "press", "OFF"), ("OFF", "press", "ON")]), {"width": 6, "height": 1}),
        (
            (["A", "B", "C"], [("A", "go", "C"), ("A", "next", "B"), ("B", "next", "C")]),
            {"layout": "row", "width": 10},
        ),
    ],
)
def test_labels_clear_the_boxes_and_each_other(machine, kwargs):
    sm = StateMachine(*machine, **kwargs)
    boxes = [sm.state_mobject(s)[0] for s in sm.state.states]
    labels = [edge[1] for edge in sm._edges.values()]
    for lab in labels:
        assert not any(_overlap(lab, box) for box in boxes)
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not _overlap(a, b)


def test_blocked_row_transition_bends_around_the_middle_box():
    sm = StateMachine(["A", "B", "C"], [("A", "skip", "C")], layout="row", width=10)
    path = sm.arrow_mobject("A", "C")[0]
    middle = sm.state_mobject("B")[0]
    assert (
        path.point_from_proportion(0.5)[1] > middle.get_top()[1]
        or path.point_from_proportion(0.5)[1] < middle.get_bottom()[1]
    )


@pytest.mark.parametrize(
    ("machine", "width", "height"), [(BREAKER, 8, 4.5), (RAFT, 7, 3.5), (PARTICIPANT, 9, 3)]
)
def test_machine_fits_the_box_it_is_given(machine, width, height):
    sm = StateMachine(*machine, width=width, height=height)
    assert sm.width <= width + StateMachine.SLACK and sm.height <= height + StateMachine.SLACK


def test_too_small_a_box_says_how_much_room_is_needed():
    with pytest.raises(ValueError, match="too close"):
        StateMachine(*BREAKER, width=6, height=3)


def test_states_that_do_not_fit_are_refused():
    with pytest.raises(ValueError, match="too close"):
        StateMachine(["ALPHA", "BRAVO", "CHARLIE"], [], layout="row", width=5)
    with pytest.raises(ValueError, match="width x height must be at least one state box"):
        StateMachine(["ALPHA"], [], width=0.5)
    with pytest.raises(ValueError, match="positions is missing states \\['B'\\]"):
        StateMachine(["A", "B"], [], positions={"A": (0, 0)})
    with pytest.raises(ValueError, match="colors names unknown state 'Z'"):
        StateMachine(["A", "B"], [], colors={"Z": theme.RED})
    with pytest.raises(ValueError, match="pass transitions and initial to StateMachineState"):
        StateMachine(StateMachineState(["A"], []), initial="A")


# -- the drawing -----------------------------------------------------------------------
class _Quiet(ExplainerScene):
    def construct(self):
        pass


@pytest.fixture
def quiet_scene():
    with tempconfig({"dry_run": True, "pixel_height": 270, "pixel_width": 480}):
        yield _Quiet(skip_animations=True)


def _whole(scene, mob):
    family = mob.get_family()[1:]
    return mob in scene.get_mobject_family_members() and not any(m in family for m in scene.mobjects)


def test_fire_moves_the_light(quiet_scene):
    sm = StateMachine(*BREAKER, colors=BREAKER_COLORS)
    quiet_scene.add(sm)
    for event, state in [
        ("5 failures", "OPEN"),
        ("timeout", "HALF-OPEN"),
        ("probe ok", "CLOSED"),
        ("success", "CLOSED"),
    ]:
        anim = sm.fire(event)
        assert isinstance(anim, Animation)
        quiet_scene.play(anim)
        assert sm.current == state
        light = sm._parts.piece("light")
        assert np.allclose(light.get_center(), sm.state_mobject(state).get_center(), atol=1e-6)
        assert light.get_stroke_color() == BREAKER_COLORS[state]
        assert sm.state_mobject(state)[0].get_stroke_color() == BREAKER_COLORS[state]
        assert _whole(quiet_scene, sm) and len(sm._transients) == 0
    quiet_scene.play(sm.reset("OPEN"))
    assert sm.current == "OPEN"


def test_invalid_fire_raises_and_changes_nothing():
    sm = StateMachine(*RAFT)
    with pytest.raises(ValueError, match="state 'FOLLOWER' has no transition for event 'majority'"):
        sm.fire("majority")
    assert sm.current == "FOLLOWER"


def test_machines_fire_together(quiet_scene):
    a = StateMachine(*RAFT, width=7, height=3.4).to_edge(UP)
    b = StateMachine(*RAFT, width=7, height=3.4).to_edge(DOWN)
    quiet_scene.add(a, b)
    quiet_scene.play(AnimationGroup(a.fire("timeout"), b.fire("timeout")))
    quiet_scene.play(a.fire("majority"), b.fire("leader found"))
    assert (a.current, b.current) == ("LEADER", "FOLLOWER")
    assert _whole(quiet_scene, a) and _whole(quiet_scene, b)


def test_follows_when_moved_and_scaled(quiet_scene):
    sm = StateMachine(*BREAKER).scale(0.6).shift(2 * UP)
    quiet_scene.add(sm)
    quiet_scene.play(sm.fire("5 failures"))
    box = sm.state_mobject("OPEN")[0]
    assert np.allclose(sm._parts.piece("light").get_center(), box.get_center())
    assert box.width == pytest.approx(sm._anchor[1].width)


def test_explicit_positions():
    sm = StateMachine(
        *PARTICIPANT, positions={"INIT": (-4, 0), "READY": (0, 0), "COMMITTED": (4, 1), "ABORTED": (4, -1.2)}
    )
    init, ready = sm.state_mobject("INIT"), sm.state_mobject("READY")
    assert ready.get_x() - init.get_x() == pytest.approx(4)


def test_unknown_helpers_raise():
    sm = StateMachine(*BREAKER)
    with pytest.raises(ValueError, match="unknown state 'X'"):
        sm.state_mobject("X")
    with pytest.raises(ValueError, match="no transition from 'OPEN' to 'CLOSED'"):
        sm.arrow_mobject("OPEN", "CLOSED")


# -- frames ------------------------------------------------------------------------------
@frames_comparison(base_scene=ExplainerScene)
def test_circuit_breaker_half_open(scene):
    sm = StateMachine(*BREAKER, colors=BREAKER_COLORS, width=9, height=4.5)
    scene.add(sm)
    scene.play(sm.fire("5 failures"))
    scene.play(sm.fire("timeout"))
    scene.wait(0.1)  # the frame tester redraws only what the last call touched


@frames_comparison(base_scene=ExplainerScene)
def test_raft_roles_and_2pc(scene):
    raft = StateMachine(
        *RAFT, width=7.5, height=3.4, colors={"CANDIDATE": theme.YELLOW, "LEADER": theme.GREEN}
    )
    tpc = StateMachine(
        *PARTICIPANT, width=9, height=3.0, colors={"COMMITTED": theme.GREEN, "ABORTED": theme.RED}
    )
    raft.to_edge(UP, buff=0.4)
    tpc.to_edge(DOWN, buff=0.4)
    scene.add(raft, tpc)
    scene.play(raft.fire("timeout"), tpc.fire("prepare / yes"))
    scene.play(raft.fire("majority"), tpc.fire("commit"))
    scene.wait(0.1)  # the frame tester redraws only what the last call touched

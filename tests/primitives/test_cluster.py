import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from manim import Animation, tempconfig
from manim.utils.testing.frames_comparison import frames_comparison

from visualsys import ExplainerScene, theme
from visualsys.primitives.cluster import (
    STATUS_COLORS,
    Cluster,
    ClusterState,
    Message,
    clip_line,
    readout_lines,
    segment_hit,
    separating_cut,
)

__module_test__ = "cluster"

NAMES = ["A", "B", "C", "D", "E"]


# -- the model ------------------------------------------------------------------------------------
def test_send_is_logged_and_delivered():
    s = ClusterState(["A", "B", "C"])
    rec = s.send("A", "B", "vote?")
    assert rec.delivered and rec.reason == ""
    assert (rec.src, rec.dst, rec.label, rec.seq) == ("A", "B", "vote?", 0)
    assert s.log == [rec]
    assert s.messages(src="A") == [rec] and s.messages(dst="C") == []


def test_partition_loses_messages_across_the_cut_only():
    s = ClusterState(["A", "B", "C"])
    s.partition(["A"])
    assert s.sides == (frozenset({"A"}), frozenset({"B", "C"}))
    across = s.send("A", "B", "x=2")
    inside = s.send("B", "C", "x=2")
    assert not across.delivered and across.reason == "partition"
    assert inside.delivered
    assert not s.can_talk("A", "C") and s.can_talk("C", "B")
    assert s.reachable("A") == [] and s.reachable("B") == ["C"]
    s.heal()
    assert s.send("A", "B").delivered and s.sides is None


def test_partition_validates_its_groups():
    s = ClusterState(NAMES)
    with pytest.raises(ValueError, match="unknown node 'Z'"):
        s.partition(["Z"])
    with pytest.raises(ValueError, match="both sides"):
        s.partition(NAMES)
    with pytest.raises(ValueError, match="both sides of a partition: \\['B'\\]"):
        s.partition(["A", "B"], ["B", "C", "D", "E"])
    with pytest.raises(ValueError, match="not placed: \\['E'\\]"):
        s.partition(["A", "B"], ["C", "D"])
    with pytest.raises(ValueError, match="no partition to heal"):
        s.heal()
    s.partition(["A", "B"], ["C", "D", "E"])
    assert s.side_of("A") == 0 and s.side_of("E") == 1


def test_crash_and_recover():
    s = ClusterState(["A", "B", "C"], status="follower")
    s.set_status("A", "leader")
    s.crash("A")
    assert s.status["A"] == "down" and not s.is_up("A")
    with pytest.raises(ValueError, match="'A' is down and cannot send"):
        s.send("A", "B")
    lost = s.send("B", "A", "append")
    assert not lost.delivered and lost.reason == "dst down"
    with pytest.raises(ValueError, match="already down"):
        s.crash("A")
    s.recover("A")
    assert s.status["A"] == "leader"  # back as it was
    s.crash("A")
    s.recover("A", "follower")
    assert s.status["A"] == "follower"
    with pytest.raises(ValueError, match="is not down"):
        s.recover("A")


def test_explicit_loss_and_delay_are_logged():
    s = ClusterState(["A", "B"])
    rec = s.send("A", "B", "hb", lost=True)
    assert not rec.delivered and rec.reason == "dropped"
    slow = s.send("A", "B", "hb", delay=0.5)
    assert slow.delivered and slow.delay == 0.5
    with pytest.raises(ValueError, match="delay must be between 0 and 0.8"):
        s.send("A", "B", delay=0.9)
    with pytest.raises(ValueError, match="cannot send to itself"):
        s.send("A", "A")


def test_broadcast_reaches_reachable_peers_in_one_step():
    s = ClusterState(NAMES)
    s.crash("E")
    s.partition(["A", "B"])
    recs = s.broadcast("A", "append")
    assert [r.dst for r in recs] == ["B"]
    everyone = s.broadcast("A", "append", include_unreachable=True)
    assert {r.dst: r.reason for r in everyone} == {"B": "", "C": "partition", "D": "partition",
                                                    "E": "dst down"}
    assert len({r.step for r in everyone}) == 1 and everyone[0].step != recs[0].step


def test_broadcast_labels_per_peer_and_lost_peers():
    s = ClusterState(["C", "P1", "P2"])
    recs = s.broadcast("C", {"P1": "prepare", "P2": "prepare!"}, lost=["P2"])
    assert [(r.dst, r.label, r.delivered) for r in recs] == [("P1", "prepare", True),
                                                             ("P2", "prepare!", False)]
    with pytest.raises(ValueError, match="no label given for 'P2'"):
        s.broadcast("C", {"P1": "x"})


def test_gather_skips_down_and_cut_off_nodes():
    s = ClusterState(["mon", "A", "B", "C", "D"])
    s.crash("B")
    s.partition(["D"])
    beats = s.gather("mon", "hb")
    assert [r.src for r in beats] == ["A", "C"] and all(r.delivered for r in beats)


def test_round_trip_replies_only_from_peers_that_got_the_request():
    s = ClusterState(["coord", "P1", "P2", "P3"])
    s.crash("P3")
    reqs, reps = s.round_trip("coord", "prepare", {"P1": "yes", "P2": "no", "P3": "yes"},
                              include_unreachable=True, lost_replies=["P2"])
    assert [(r.dst, r.delivered) for r in reqs] == [("P1", True), ("P2", True), ("P3", False)]
    assert [(r.src, r.label, r.delivered) for r in reps] == [("P1", "yes", True), ("P2", "no", False)]


def test_values_land_only_where_the_message_arrives():
    s = ClusterState(["A", "B", "C"])
    s.set_value("A", {"x": 2, "v": 2})
    s.partition(["C"])
    s.broadcast("A", "x=2", value={"x": 2, "v": 2}, include_unreachable=True)
    assert s.values["B"] == ("x=2", "v=2")
    assert s.values["C"] == ()  # the write never crossed the cut: C diverges
    assert s.value("A") == "x=2\nv=2"


def test_readout_lines():
    assert readout_lines(None) == ()
    assert readout_lines("term 3") == ("term 3",)
    assert readout_lines(7) == ("7",)
    assert readout_lines({"x": 5, "v": 2}) == ("x=5", "v=2")
    assert readout_lines("a\nb") == ("a", "b")
    with pytest.raises(ValueError, match="at most 4 lines"):
        readout_lines("1\n2\n3\n4\n5")
    with pytest.raises(ValueError, match="<= 16 characters"):
        readout_lines("a rather long readout line")


def test_state_validates_arguments():
    with pytest.raises(ValueError, match="at least one node"):
        ClusterState([])
    with pytest.raises(ValueError, match="unique"):
        ClusterState(["A", "A"])
    with pytest.raises(ValueError, match="status must be one of"):
        ClusterState(["A"], status="zombie")
    s = ClusterState(["A", "B"])
    with pytest.raises(ValueError, match="unknown node 'Q'; the cluster has A, B"):
        s.send("A", "Q")
    with pytest.raises(ValueError, match="status must be one of"):
        s.set_status("A", "asleep")


def test_cap_consistent_side_refuses_and_available_side_diverges():
    # CP: the minority side cannot reach a majority, so it must refuse the write.
    s = ClusterState(["A", "B", "C"], status="follower")
    for n in s.nodes:
        s.set_value(n, "x=1")
    s.partition(["A"])
    acks = s.round_trip("A", "x=2", "ack", include_unreachable=True)[1]
    assert sum(r.delivered for r in acks) + 1 < 2  # no majority: refuse
    # AP: accept locally and the replicas diverge until the partition heals.
    s.set_value("A", "x=2")
    assert s.value("A") != s.value("B") == s.value("C")
    s.heal()
    s.broadcast("A", "x=2", value="x=2")
    assert {s.value(n) for n in s.nodes} == {"x=2"}


@settings(max_examples=60, deadline=None)
@given(n=st.integers(3, 7), data=st.data())
def test_quorum_read_sees_latest_write_when_r_plus_w_exceeds_n(n, data):
    names = ["client"] + [f"R{i}" for i in range(n)]
    s = ClusterState(names)
    for r in names[1:]:
        s.set_value(r, {"v": 1})
    w = data.draw(st.integers(1, n))
    r = data.draw(st.integers(1, n))
    writers = data.draw(st.permutations(names[1:]))[:w]
    readers = data.draw(st.permutations(names[1:]))[:r]
    s.round_trip("client", "put v2", "ack", to=writers, value={"v": 2})
    seen = {s.value(rep) for rep in readers}
    if r + w > n:
        assert "v=2" in seen
    assert all(s.value(x) == "v=2" for x in writers)


def test_gossip_is_seeded_and_spreads_to_everyone():
    def run(seed):
        s = ClusterState([f"n{i}" for i in range(7)], seed=seed)
        s.inform("n0")
        counts = [len(s.informed)]
        for _ in range(8):
            s.gossip_round(fanout=1, label="fact")
            counts.append(len(s.informed))
        return s, counts

    a, counts = run(3)
    b, _ = run(3)
    assert a.log == b.log  # same seed, same rounds
    assert counts == sorted(counts) and counts[-1] == 7  # only grows, reaches everyone
    assert a.gossip_rounds == 8
    # each informed node sends exactly one message per round
    first = a.messages(label="fact")[0]
    assert first.src == "n0"


def test_gossip_never_crosses_a_partition():
    s = ClusterState([f"n{i}" for i in range(6)], seed=1)
    s.partition(["n0", "n1", "n2"])
    s.inform("n0")
    for _ in range(10):
        s.gossip_round(fanout=2)
    assert s.informed == {"n0", "n1", "n2"}
    assert all(not r.delivered for r in s.log if s.side_of(r.src) != s.side_of(r.dst))
    with pytest.raises(ValueError, match="fanout must be >= 1"):
        s.gossip_round(0)
    with pytest.raises(ValueError, match="call inform"):
        ClusterState(["a", "b"]).gossip_round()


ops = st.lists(
    st.tuples(st.sampled_from(["send", "partition", "heal", "crash", "recover"]),
              st.sampled_from(NAMES), st.sampled_from(NAMES), st.booleans()),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(ops)
def test_delivery_follows_the_network_rules_for_any_history(history):
    s = ClusterState(NAMES)
    for op, a, b, flag in history:
        if op == "send" and a != b and s.is_up(a):
            up_b, sides = s.is_up(b), s.sides
            rec = s.send(a, b, "m", lost=flag)
            same_side = sides is None or ((a in sides[0]) == (b in sides[0]))
            assert rec.delivered == (not flag and up_b and same_side)
        elif op == "partition" and s.sides is None and a != b:
            s.partition([a])
            assert not s.can_talk(a, b)
        elif op == "heal" and s.sides is not None:
            s.heal()
        elif op == "crash" and s.is_up(a):
            s.crash(a)
            assert s.reachable(a) == [] and a not in s.reachable(b)
        elif op == "recover" and not s.is_up(a):
            s.recover(a)
            assert s.is_up(a)
    assert [m.seq for m in s.log] == list(range(len(s.log)))


# -- partition geometry -------------------------------------------------------------------------------
def test_separating_cut_between_left_and_right():
    left = [(-3.0, 1.0, 0.5, 0.4), (-3.0, -1.0, 0.5, 0.4)]
    right = [(3.0, 0.0, 0.5, 0.4)]
    point, direction, gap = separating_cut(left, right)
    assert abs(direction[0]) < 1e-9 and abs(abs(direction[1]) - 1) < 1e-9  # a vertical cut
    assert abs(point[0]) < 1e-6 and gap == pytest.approx(5.0)


def test_interleaved_groups_have_no_straight_cut():
    a = [(-2.0, 2.0, 0.3, 0.3), (2.0, -2.0, 0.3, 0.3)]
    b = [(2.0, 2.0, 0.3, 0.3), (-2.0, -2.0, 0.3, 0.3), (0.0, 0.0, 0.3, 0.3)]
    assert separating_cut(a, b) is None


rects = st.tuples(st.floats(-5, 5), st.floats(-3, 3), st.floats(0.1, 0.8), st.floats(0.1, 0.6))


@settings(max_examples=80, deadline=None)
@given(st.lists(rects, min_size=1, max_size=4), st.lists(rects, min_size=1, max_size=4), st.floats(0.2, 2))
def test_a_found_cut_keeps_each_side_whole(side_a, side_b, shift):
    # push side_b to the right of side_a, so a vertical cut always exists
    ra = max(x + w for x, _, w, _ in side_a)
    lb = min(x - w for x, _, w, _ in side_b)
    side_b = [(x + (ra - lb) + shift, y, w, h) for x, y, w, h in side_b]
    (px, py), (dx, dy), gap = separating_cut(side_a, side_b)
    assert gap >= shift - 1e-6
    nx, ny = -dy, dx  # normal of the cut

    def sides(rs):
        out = set()
        for x, y, w, h in rs:
            for cx in (x - w, x + w):
                for cy in (y - h, y + h):
                    out.add(np.sign((cx - px) * nx + (cy - py) * ny))
        return out

    sa, sb = sides(side_a), sides(side_b)
    assert len(sa) == 1 and len(sb) == 1 and sa != sb


def test_clip_line_and_segment_hit():
    ends = clip_line((0.0, 0.0), (0.0, 1.0), (-1.0, -2.0, 1.0, 3.0))
    assert ends == ((0.0, -2.0), (0.0, 3.0))
    assert clip_line((5.0, 0.0), (0.0, 1.0), (-1.0, -1.0, 1.0, 1.0)) is None
    assert segment_hit((-1, 0), (1, 0), (0, -1), (0, 1)) == pytest.approx(0.5)
    assert segment_hit((-1, 0), (-0.5, 0), (0, -1), (0, 1)) is None


# -- the drawing ----------------------------------------------------------------------------------------
class _Quiet(ExplainerScene):
    def construct(self):
        pass


@pytest.fixture
def quiet_scene():
    """A scene that plays animations without rendering or writing anything."""
    with tempconfig({"dry_run": True, "pixel_height": 270, "pixel_width": 480}):
        yield _Quiet(skip_animations=True)


def _boxes_overlap(a, b):
    return (abs(a.get_x() - b.get_x()) < (a.width + b.width) / 2
            and abs(a.get_y() - b.get_y()) < (a.height + b.height) / 2)


@pytest.mark.parametrize("n", range(1, 8))
@pytest.mark.parametrize("layout", ["circle", "row"])
def test_layout_fits_its_box_without_overlaps(n, layout):
    names = [f"node{i}" for i in range(n)]
    width, height = (12.0, 2.0) if layout == "row" else (8.0, 5.5)
    values = {m: {"x": i, "v": i} for i, m in enumerate(names)} if layout == "circle" else None
    c = Cluster(names, layout=layout, width=width, height=height, values=values, status="follower")
    boxes = [c.node_mobject(m)[0] for m in names]
    assert c.width <= width + 1e-6 and c.height <= height + 1e-6
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not _boxes_overlap(a, b)


def test_cluster_validates_arguments():
    with pytest.raises(ValueError, match="layout must be 'circle' or 'row'"):
        Cluster(["A"], layout="grid")
    with pytest.raises(ValueError, match="width and height must be > 0"):
        Cluster(["A"], width=0)
    with pytest.raises(ValueError, match="would overlap"):
        Cluster([f"n{i}" for i in range(7)], width=3, height=2)
    with pytest.raises(ValueError, match="missing: \\['B'\\]"):
        Cluster(["A", "B"], positions={"A": (0, 0)})


def test_given_positions_are_scaled_into_the_box():
    c = Cluster(["client", "A", "B"], positions={"client": (0, 0), "A": (10, 5), "B": (10, -5)},
                width=8, height=5)
    client, a, b = (c.node_mobject(n).get_center() for n in ["client", "A", "B"])
    assert client[0] < a[0] and a[0] == pytest.approx(b[0]) and a[1] > b[1]
    assert c.width <= 8 + 1e-6 and c.height <= 5 + 1e-6


def test_card_colour_follows_status_after_playing(quiet_scene):
    c = Cluster(NAMES)
    scene = quiet_scene
    scene.add(c)
    for verb, status in ((lambda: c.set_status("A", "leader"), "leader"),
                         (lambda: c.set_status("A", "suspect"), "suspect"),
                         (lambda: c.crash("A"), "down"),
                         (lambda: c.recover("A", "follower"), "follower")):
        anim = verb()
        assert isinstance(anim, Animation)
        scene.play(anim)
        assert c.state.status["A"] == status
        assert c.node_mobject("A")[0].get_stroke_color() == STATUS_COLORS[status]


def test_verbs_return_animations_and_the_scene_keeps_the_cluster_whole(quiet_scene):
    c = Cluster(["A", "B", "C", "D"], values={"A": "term 1"})
    scene = quiet_scene
    baseline = len(c.submobjects)
    verbs = [
        lambda: c.appear(),
        lambda: c.send("A", "B", "vote?"),
        lambda: c.broadcast("A", "hb"),
        lambda: c.gather("A", "ack"),
        lambda: c.round_trip("A", "put", "ack", value="x=1"),
        lambda: c.set_value("B", {"x": 1, "v": 1}),
        lambda: c.set_values({"C": "x=1", "D": None}),
        lambda: c.set_statuses({"A": "leader", "B": "follower"}),
        lambda: c.partition(["A", "B"]),
        lambda: c.send("A", "C", "x=2"),
        lambda: c.heal(),
        lambda: c.inform("A"),
        lambda: c.gossip_round(2, "fact"),
    ]
    for verb in verbs:
        anim = verb()
        assert isinstance(anim, Animation)
        scene.play(anim)
        assert c in scene.mobjects  # never dissolved into loose parts
        cut = 1 if c.partition_mobject is not None else 0
        assert len(c.submobjects) == baseline + cut  # packets (and a healed cut) are gone
    assert c.partition_mobject is None
    assert c.state.value("B") == "x=1\nv=1" and c.state.value("D") == ""
    assert [m.delivered for m in c.state.messages(label="x=2")] == [False]
    assert len(c.state.log) == 1 + 3 + 3 + 6 + 1 + len(c.state.messages(label="fact"))


def test_partition_cut_is_drawn_between_the_sides(quiet_scene):
    c = Cluster(NAMES, width=9, height=5.5)
    scene = quiet_scene
    scene.add(c)
    scene.play(c.partition(["A", "B"]))
    cut = c.partition_mobject
    assert cut is not None and cut.segment is not None
    a, b = cut.segment
    nx, ny = -(b[1] - a[1]), b[0] - a[0]

    def side(name):
        box = c.node_mobject(name)[0]
        corners = [box.get_corner(v) for v in (np.array([1, 1, 0]), np.array([-1, 1, 0]),
                                               np.array([1, -1, 0]), np.array([-1, -1, 0]))]
        return {np.sign((p[0] - a[0]) * nx + (p[1] - a[1]) * ny) for p in corners}

    assert side("A") == side("B") and len(side("A")) == 1
    assert all(side(n) == side("C") != side("A") for n in "CDE")


def test_lost_message_stops_at_the_cut(quiet_scene):
    c = Cluster(NAMES, width=9, height=5.5)
    scene = quiet_scene
    scene.add(c)
    scene.play(c.partition(["A", "B"]))
    anim = c.send("A", "D", "x=2")
    travel = anim.animations[0]
    anim.begin()
    anim.interpolate(0.7)  # after the stop, the cross is showing
    a, b = c.partition_mobject.segment
    pos = travel.message.get_center()
    d = abs(np.cross(b - a, pos - a)[2]) / np.linalg.norm(b - a)
    assert d < 0.05
    assert travel.cross.get_stroke_opacity() > 0.5


def _overlaps(a, b) -> bool:
    return (abs(a.get_x() - b.get_x()) < (a.width + b.width) / 2
            and abs(a.get_y() - b.get_y()) < (a.height + b.height) / 2)


def test_a_down_node_is_dimmed_but_stays_readable(quiet_scene):
    c = Cluster(["A", "B"], values={"A": "term 3"})
    quiet_scene.add(c)
    quiet_scene.play(c.crash("A"))
    name, status, readout = c.node_mobject("A")[-1]
    assert status.text == "down" and status.get_fill_color() == theme.RED
    for text in (name, readout):  # muted colour at full opacity, not faded text (contrast stays >= 4.5:1)
        assert text.get_fill_color() == theme.MUTED and text.get_fill_opacity() == pytest.approx(1.0)


def test_a_visible_tag_never_slides_under_a_card():
    # a tag beneath a card would have its text hidden: it leaves and arrives beside the cards
    c = Cluster(["A", "B", "C"], layout="row", width=10, height=1.5, values={"A": "x=1"})
    for anim in (c.send("A", "B", "x=2"), c.round_trip("A", "prepare?", "yes", stagger=0.0)):
        travels = [t for t in anim.animations if hasattr(t, "message")]
        anim.begin()
        for alpha in np.linspace(0.0, 1.0, 41):
            anim.interpolate(alpha)
            for t in travels:
                if t.message.box.get_stroke_opacity() < 0.05:
                    continue
                for card in c.cards.values():
                    assert not _overlaps(t.message.box, card[0]), (t.message.text.text, alpha)


def test_standalone_tag_stays_clear_of_the_mobjects_it_joins(quiet_scene):
    left = Message("client").shift(3 * np.array([-1, 0, 0]))
    right = Message("server").shift(3 * np.array([1, 0, 0]))
    tag = Message("x=1")
    quiet_scene.add(left, right)
    anim = tag.travel(left, right)
    anim.begin()
    for alpha in np.linspace(0.0, 1.0, 41):
        anim.interpolate(alpha)
        if tag.box.get_stroke_opacity() > 0.05:
            assert not _overlaps(tag.box, left.box) and not _overlaps(tag.box, right.box)


def test_routes_bend_around_cards_in_the_way():
    c = Cluster(["A", "B", "C", "D", "E"], layout="row", width=12, height=1.5)
    path = c.route("A", "E")
    others = [c.node_mobject(n)[0] for n in "BCD"]
    for i in range(33):
        p = path.point_from_proportion(i / 32)
        for o in others:
            assert not (abs(p[0] - o.get_x()) < o.width / 2 and abs(p[1] - o.get_y()) < o.height / 2)
    # a request and its reply bend to opposite sides
    there, back = c.route("A", "C"), c.route("C", "A")
    assert np.sign(there.point_from_proportion(0.5)[1]) == -np.sign(back.point_from_proportion(0.5)[1])
    assert c.route("A", "B").point_from_proportion(0.5)[1] == pytest.approx(0.0, abs=1e-6)  # neighbours


def test_cluster_keeps_working_after_the_scene_scales_it(quiet_scene):
    c = Cluster(NAMES).scale(0.5).to_corner(np.array([-1, 1, 0]))
    scene = quiet_scene
    scene.add(c)
    before = c.node_mobject("A")[0].width
    scene.play(c.set_status("A", "leader"))
    assert c.node_mobject("A")[0].width == pytest.approx(before, rel=0.05)
    assert np.allclose(c.node_mobject("A").get_center(), c._anchors["A"].get_center(), atol=0.05)


def test_message_travel_standalone(quiet_scene):
    scene = quiet_scene
    m = Message("k=1")
    scene.play(m.travel(np.array([-3, 0, 0]), np.array([3, 0, 0]), keep=True))
    assert m in scene.mobjects
    assert m.get_center()[0] == pytest.approx(3, abs=0.01)
    m2 = Message("lost")
    scene.play(m2.travel(np.array([-3, 0, 0]), np.array([3, 0, 0]), lost=True))
    assert m2 not in scene.mobjects
    with pytest.raises(ValueError, match="stop must be strictly between 0 and 1"):
        Message("x").travel(np.zeros(3), np.ones(3), stop=1.0)


# -- frames ----------------------------------------------------------------------------------------------
def _freeze(scene, anims, alpha):
    """Hold ``anims`` at ``alpha`` (a mid-flight frame), then a no-op wait.

    The frame tester redraws only what the last ``play`` moved, so the test
    ends with a wait, which redraws everything.
    """
    for a in anims:
        a.begin()
        a.interpolate(alpha)
    scene.wait(0.1)


@frames_comparison(base_scene=ExplainerScene)
def test_five_nodes_partition_mid_message(scene):
    c = Cluster(NAMES, width=9, height=5.6, status="follower",
                values={"A": "term 3", "B": {"x": 5, "v": 2}, "C": "term 3"})
    scene.add(c)
    scene.play(c.set_statuses({"A": "leader", "C": "candidate", "D": "suspect"}))
    scene.play(c.crash("E"))
    scene.play(c.partition(["A", "B"]))
    _freeze(scene, [c.send("A", "B", "append"), c.send("A", "D", "vote?"),
             c.send("C", "D", "ack", color=theme.GREEN)], 0.45)


@frames_comparison(base_scene=ExplainerScene)
def test_row_replicas_round_trip_and_gossip_tint(scene):
    c = Cluster(["P", "L", "F1", "F2", "F3"], layout="row", width=12, height=1.6,
                values={"L": "off=7", "F1": "off=7", "F2": "off=6", "F3": "off=7"})
    c.shift(np.array([0, 1.5, 0]))
    g = Cluster([f"n{i}" for i in range(7)], width=7, height=3.6).shift(np.array([0, -1.8, 0]))
    scene.add(c, g)
    scene.play(c.set_status("L", "leader"))
    scene.play(g.inform("n0"))
    scene.play(g.gossip_round(2, "fact"))
    _freeze(scene, [c.round_trip("L", "rec 8", "ack", to=["F1", "F2", "F3"], value="off=8")], 0.3)


def test_interleaved_partition_falls_back_to_rings(quiet_scene):
    c = Cluster(NAMES)
    quiet_scene.add(c)
    quiet_scene.play(c.partition(["A", "C"]))
    cut = c.partition_mobject
    assert cut.segment is None and len(cut.submobjects) == 2  # a ring around A and one around C
    assert not c.state.send("A", "B").delivered and c.state.send("A", "C").delivered

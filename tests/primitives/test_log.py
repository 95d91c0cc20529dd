import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from manim import DOWN, UP, Animation, AnimationGroup, tempconfig
from manim.utils.testing.frames_comparison import frames_comparison

from visualsys import ExplainerScene, theme
from visualsys.primitives.log import Log, LogState, Record, compacted, log_stack, window

__module_test__ = "log"


def filled(items, **kwargs):
    s = LogState(**kwargs)
    for k, v in items:
        s.append(k, v)
    return s


# -- offsets ---------------------------------------------------------------------------
def test_offsets_count_up_from_zero():
    s = LogState()
    recs = [s.append("k", i) for i in range(5)]
    assert [r.offset for r in recs] == [0, 1, 2, 3, 4] == s.offsets()
    assert s.next_offset == 5 and s.get(3) == Record(3, "k", 3)
    assert s.get(9) is None


def test_offsets_are_never_reused():
    s = filled([("a", 1), ("a", 2), ("b", 3)])
    s.compact()
    s.truncate(2)
    s.append("c", 4)
    assert s.offsets() == [2, 3]
    s.commit(2)
    s.discard_from(3)
    assert s.append("d", 5).offset == 3


def test_raft_terms_and_tombstones():
    s = LogState()
    assert s.append(value="x←3", term=1).term == 1
    t = s.delete("user1")
    assert t.tombstone and t.key == "user1" and t.value is None
    with pytest.raises(ValueError, match="a tombstone needs a key"):
        s.append(None, tombstone=True)
    with pytest.raises(ValueError, match="term must be >= 0"):
        s.append(value=1, term=-1)


# -- compaction ------------------------------------------------------------------------
def test_compaction_keeps_the_latest_per_key():
    s = filled([("a", 1), ("b", 2), ("a", 3), ("c", 4), ("b", 5)])
    removed = s.compact()
    assert [r.offset for r in removed] == [0, 1]
    assert [(r.key, r.value) for r in s.records] == [("a", 3), ("c", 4), ("b", 5)]
    assert s.offsets() == [2, 3, 4]  # offsets survive with gaps


def test_tombstones_remove_keys():
    s = filled([("a", 1), ("b", 2), ("a", 3)])
    s.delete("a")
    s.compact()
    assert s.as_dict() == {"b": 2} and [r.key for r in s.records] == ["b"]
    s2 = filled([("a", 1)])
    s2.delete("a")
    s2.compact(keep_tombstones=True)
    assert [(r.key, r.tombstone) for r in s2.records] == [("a", True)]


def test_unkeyed_records_survive_compaction():
    s = filled([(None, "x"), ("a", 1), (None, "y"), ("a", 2)])
    s.compact()
    assert [(r.key, r.value) for r in s.records] == [(None, "x"), (None, "y"), ("a", 2)]


def test_compaction_leaves_the_active_segment_alone():
    s = filled([("a", i) for i in range(7)], segment_size=3)
    assert s.segments() == [(0, 3), (3, 6), (6, 7)] and s.active_segment == 6
    s.compact()
    # closed segments keep only their own latest "a"; the active segment is untouched
    assert s.offsets() == [5, 6]
    s.append("a", 7)
    s.append("a", 8)
    s.append("a", 9)  # rolls a new segment: 9 is active, 6..8 are closed
    s.compact()
    assert s.offsets() == [8, 9]


def test_compact_upto_bounds():
    s = filled([("a", 1), ("a", 2)])
    with pytest.raises(ValueError, match="compact upto must be in 0..2, got 3"):
        s.compact(3)
    assert s.compact(1) == []  # only offset 0 considered: nothing supersedes it


ops = st.lists(
    st.one_of(
        st.tuples(st.just("put"), st.sampled_from("abcd"), st.integers(0, 99)),
        st.tuples(st.just("del"), st.sampled_from("abcd"), st.none()),
        st.tuples(st.just("raw"), st.none(), st.integers(0, 99)),
    ),
    max_size=40,
)


def apply(s, program):
    for op, key, value in program:
        if op == "del":
            s.delete(key)
        else:
            s.append(key, value)


@settings(max_examples=150, deadline=None)
@given(program=ops, segment_size=st.one_of(st.none(), st.integers(1, 6)))
def test_compaction_never_changes_what_the_log_means(program, segment_size):
    s = LogState(segment_size=segment_size)
    apply(s, program)
    before, records_before = s.as_dict(), list(s.records)
    removed = s.compact()
    assert s.as_dict() == before
    assert sorted(removed + s.records, key=lambda r: r.offset) == records_before
    assert s.offsets() == sorted(s.offsets())
    if segment_size is None:
        keyed = [r.key for r in s.records if r.key is not None]
        assert len(keyed) == len(set(keyed))  # one record per key
        assert not any(r.tombstone for r in s.records)
        assert s.records == compacted(records_before)
    # compacting again changes nothing
    assert s.compact() == []


@given(program=ops)
def test_compacted_matches_a_brute_force_reference(program):
    s = LogState()
    apply(s, program)
    expected = []
    for r in s.records:
        later = [q for q in s.records if q.key == r.key and q.offset > r.offset]
        if r.key is None or (not later and not r.tombstone):
            expected.append(r)
    assert compacted(s.records) == expected


# -- consumers -------------------------------------------------------------------------
def test_consumers_read_within_the_log():
    s = filled([("k", i) for i in range(5)])
    s.add_consumer("A")
    assert s.consumers["A"] == 0 and s.lag("A") == 5
    assert s.advance("A") == 1 and s.advance("A", 5) == 5
    assert s.lag("A") == 0
    with pytest.raises(ValueError, match="cannot read past the log end 5 \\(asked for 6\\)"):
        s.advance("A", 6)
    with pytest.raises(ValueError, match="cannot move to -1"):
        s.advance("A", -1)
    s.advance("A", 2)  # seeking back to re-read is allowed
    with pytest.raises(ValueError, match="unknown consumer 'B'; consumers are: A"):
        s.advance("B")
    with pytest.raises(ValueError, match="already exists"):
        s.add_consumer("A")


def test_read_committed_consumers_stop_at_the_high_watermark():
    s = filled([("k", i) for i in range(5)], read_committed=True)
    s.add_consumer("A")
    with pytest.raises(ValueError, match="cannot read past the high-water mark 0"):
        s.advance("A", 1)
    s.commit(2)
    assert s.high_watermark == 3 and s.advance("A", 3) == 3
    with pytest.raises(ValueError, match="high-water mark 3"):
        s.advance("A", 4)


def test_truncate_moves_lagging_consumers_to_the_new_start():
    s = filled([("k", i) for i in range(6)])
    s.add_consumer("slow", 1)
    s.add_consumer("fast", 5)
    removed = s.truncate(3)
    assert [r.offset for r in removed] == [0, 1, 2] and s.start_offset == 3
    assert s.consumers == {"slow": 3, "fast": 5}
    with pytest.raises(ValueError, match="truncate before must be in 3..6, got 2"):
        s.truncate(2)


@given(moves=st.lists(st.integers(-3, 12), max_size=20))
def test_consumer_positions_stay_in_bounds(moves):
    s = filled([("k", i) for i in range(8)])
    s.add_consumer("A")
    for to in moves:
        try:
            s.advance("A", to)
        except ValueError:
            pass
        assert s.start_offset <= s.consumers["A"] <= s.next_offset


# -- commit, fsync, crash ------------------------------------------------------------------
def test_commit_bounds():
    s = filled([("k", i) for i in range(4)])
    assert s.commit_index == -1 and not s.is_committed(0)
    s.commit(1)
    assert s.is_committed(1) and not s.is_committed(2)
    s.commit(1)  # idempotent
    with pytest.raises(ValueError, match="cannot move back: 1 -> 0"):
        s.commit(0)
    with pytest.raises(ValueError, match="cannot commit 4: the log ends at 3"):
        s.commit(4)


def test_committed_entries_cannot_be_discarded():
    s = LogState()
    for term in (1, 1, 2, 2):
        s.append(value="x", term=term)
    s.commit(1)
    with pytest.raises(ValueError, match="offsets up to 1 are committed"):
        s.discard_from(1)
    removed = s.discard_from(2)
    assert [r.term for r in removed] == [2, 2] and s.next_offset == 2


def test_fsync_and_crash():
    s = LogState(needs_fsync=True)
    for i in range(5):
        s.append("k", i)
    assert s.synced_index == -1 and not s.is_synced(0)
    assert [r.offset for r in s.fsync(2)] == [0, 1, 2]
    with pytest.raises(ValueError, match="fsync upto must be in 2..4"):
        s.fsync(1)
    lost = s.crash()
    assert [r.offset for r in lost] == [3, 4] and s.offsets() == [0, 1, 2]
    assert s.replay() == s.records


def test_logs_without_fsync_are_always_durable():
    s = filled([("k", 1)])
    assert s.is_synced(0) and s.crash() == []
    with pytest.raises(ValueError, match="needs_fsync=True"):
        s.fsync()


def test_window():
    recs = [Record(i) for i in range(20)]
    assert window(recs, 12) == (8, recs[8:])
    assert window(recs[:5], 12) == (0, recs[:5])
    with pytest.raises(ValueError, match="window size must be >= 1"):
        window(recs, 0)


def test_model_validates():
    with pytest.raises(ValueError, match="segment_size must be >= 1, got 0"):
        LogState(segment_size=0)


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


def test_verbs_return_animations_that_update_the_model(quiet_scene):
    log = Log(name="WAL", needs_fsync=True, segment_size=4)
    quiet_scene.add(log)
    verbs = [
        lambda: log.append("x", 1),
        lambda: log.append_many([("y", 2), ("x", 3), "raw", ("z", 4)]),
        lambda: log.delete("z"),
        lambda: log.fsync(3),
        lambda: log.add_consumer("A"),
        lambda: log.advance("A", 2),
        lambda: log.commit(2),
        lambda: log.compact(),
        lambda: log.highlight(2),
        lambda: log.replay(),
        lambda: log.crash(),
        lambda: log.truncate(2),
        lambda: log.remove_consumer("A"),
    ]
    for verb in verbs:
        anim = verb()
        assert isinstance(anim, Animation)
        quiet_scene.play(anim)
        assert _whole(quiet_scene, log)
        assert len(log._transients) == 0
    s = log.state
    assert s.offsets() == [2, 3] and s.commit_index == 2 and s.consumers == {}
    assert [(r.key, r.value) for r in s.records] == [("x", 3), (None, "raw")]


def test_the_window_scrolls_with_an_ellipsis():
    log = Log(name="P0", window=6, width=12)
    for i in range(15):
        log.append(f"k{i}", i)
    assert log.window == 6
    drawn = [r.offset for r in log.state.records if ("record", r.offset) in log._parts]
    assert drawn == list(range(9, 15))
    assert "ellipsis" in log._parts
    with pytest.raises(ValueError, match="outside the window"):
        log.cell(3)
    cells = [log.cell(o) for o in drawn]
    assert all(a.get_x() < b.get_x() for a, b in zip(cells, cells[1:], strict=False))
    assert log.end_mobject().get_x() > cells[-1].get_x()


def test_window_shrinks_to_fit_the_width():
    log = Log(name="partition 0", width=6)
    assert log.window < 12 and log.width <= 6 + 1e-6
    with pytest.raises(ValueError, match="too small for even one cell"):
        Log(name="partition 0", width=2)


def test_consumer_labels_do_not_overlap():
    log = Log(name="P0", consumer_rows=3)
    log.append_many([("k", i) for i in range(6)])
    for name, at in [("A", 2), ("B", 2), ("C", 3), ("D", 6)]:
        log.add_consumer(name, at)
    labels = [log.consumer_mobject(n)[1] for n in "ABCD"]
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            apart_x = abs(a.get_x() - b.get_x()) >= (a.width + b.width) / 2
            apart_y = abs(a.get_y() - b.get_y()) >= (a.height + b.height) / 2
            assert apart_x or apart_y
    # a consumer at the log end points at the end slot
    assert log.consumer_mobject("D")[0].get_x() == pytest.approx(log.end_mobject().get_x())


def test_committed_cells_turn_green_and_unsynced_ones_are_dashed():
    log = Log(needs_fsync=True)
    log.append_many([("a", 1), ("b", 2), ("c", 3)])
    log.fsync(1)
    log.commit(0)
    box0, box1, box2 = (log._parts.piece(("record", o), "box") for o in range(3))
    assert box0.get_stroke_color() == theme.GREEN
    assert box1.get_stroke_color() == theme.OUTLINE
    assert len(box2.submobjects) > 1  # a dashed outline is made of dashes


def test_log_stack_aligns_cells():
    logs = log_stack(["P0", "partition 1", "P2"], width=12, consumer_rows=0)
    for log in logs:
        log.append("k", 1)
    xs = [log.cell(0).get_x() for log in logs]
    assert xs == pytest.approx([xs[0]] * 3)
    assert logs[0].get_y() > logs[1].get_y() > logs[2].get_y()
    with pytest.raises(ValueError, match="at least one name"):
        log_stack([])


def test_a_key_has_one_colour_across_a_stack():
    p0, p1 = log_stack(["P0", "P1"])
    p0.append_many([("user1", 1), ("user2", 2)])
    p1.append_many([("user2", 3), ("user1", 4)])
    colour = lambda log, o: log._parts.piece(("record", o), "text")[0].get_fill_color()  # noqa: E731
    assert colour(p0, 0) == colour(p1, 1) and colour(p0, 1) == colour(p1, 0)
    assert colour(p0, 0) != colour(p0, 1)


def test_playing_two_logs_together_keeps_both_whole(quiet_scene):
    a, b = log_stack(["A", "B"], width=10)
    quiet_scene.add(a, b)
    quiet_scene.play(AnimationGroup(a.append("k", 1), b.append("k", 2)))
    quiet_scene.play(a.append_many([1, 2, 3]), b.add_consumer("C"))
    assert _whole(quiet_scene, a) and _whole(quiet_scene, b)


def test_view_validates():
    with pytest.raises(ValueError, match="window must be >= 1"):
        Log(window=0)
    with pytest.raises(ValueError, match="cells must be at least 0.5"):
        Log(cell_width=0.2)
    with pytest.raises(ValueError, match="name_width must be >="):
        Log(name="a long name", name_width=0.5)
    log = Log()
    with pytest.raises(ValueError, match="append_many needs at least one item"):
        log.append_many([])
    with pytest.raises(ValueError, match="nothing to replay"):
        log.replay()


# -- frames ------------------------------------------------------------------------------
@frames_comparison(base_scene=ExplainerScene)
def test_kafka_partitions(scene):
    parts = log_stack(["P0", "P1", "P2"], width=12.5, cell_width=0.95, consumer_rows=1).move_to(0.2 * UP)
    scene.add(parts)
    p0, p1, p2 = parts
    scene.play(p0.append_many([("user1", "login"), ("user2", "view"), ("user1", "buy")] * 5))
    scene.play(p1.append_many([("user3", "view"), ("user4", "view")]))
    scene.play(p2.append_many([("user5", "login")]))
    scene.play(p0.add_consumer("A", 4), p0.add_consumer("B", 13), p1.add_consumer("A", 2))
    scene.play(p0.commit(12))
    scene.wait(0.1)  # the frame tester redraws only what the last call touched


@frames_comparison(base_scene=ExplainerScene)
def test_wal_compaction_and_raft(scene):
    wal = Log(name="WAL", needs_fsync=True, segment_size=4, consumer_rows=0, width=12.5).to_edge(UP, buff=0.5)
    scene.add(wal)
    scene.play(wal.append_many([("x", 1), ("y", 2), ("x", 3), ("z", 4), ("y", 5), ("x", 6)]))
    scene.play(wal.delete("z"))
    scene.play(wal.fsync(4))
    scene.play(wal.compact())
    nodes = log_stack(["node A", "node B"], width=12.5, consumer_rows=0).next_to(wal, DOWN, buff=0.6)
    scene.add(nodes)
    a, b = nodes
    scene.play(a.append_many(["x←3", "y←1"], term=1), b.append_many(["x←3", "y←1"], term=1))
    scene.play(a.append("x", 9, term=2), b.append("y", 7, term=3))
    scene.play(a.commit(1), b.commit(1))
    scene.wait(0.1)  # the frame tester redraws only what the last call touched


def test_a_highlight_colours_outline_and_text_never_the_fill():
    state = LogState(needs_fsync=True)
    for key, value in [("alice", 100), ("bob", 50)]:
        state.append(key, value)
    state.fsync()
    log = Log(state, name="wal", width=11, window=6)
    box, text = log._parts.piece(("record", 1), "box"), log._parts.piece(("record", 1), "text")
    glyph = text.family_members_with_points()[0]
    fill, ink = box.get_fill_color().to_hex(), glyph.get_fill_color().to_hex()
    anim = log.highlight(1, theme.BLUE)
    anim.begin()
    anim.interpolate(0.5)  # the peak of the flash
    assert box.get_fill_color().to_hex() == fill  # the text stays readable on its own background
    assert box.get_stroke_color().to_hex() == glyph.get_fill_color().to_hex() == theme.BLUE.to_hex()
    anim.interpolate(1.0)
    anim.finish()
    assert glyph.get_fill_color().to_hex() == ink != theme.BLUE.to_hex()
    assert box.get_fill_color().to_hex() == fill

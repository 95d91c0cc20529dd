import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from manim import LEFT, UP, Animation
from manim.utils.testing.frames_comparison import frames_comparison

from visualsys import ExplainerScene, theme
from visualsys.primitives.pages import Page, PageStore, PageStoreState

__module_test__ = "pages"

PAGES = {1: {"alice": 100, "frank": 40}, 2: {"bob": 100, "erin": 20}, 3: {"carol": 50}}


# -- the model: reading, writing, dirtiness ------------------------------------------------
def test_pages_start_on_disk_only():
    s = PageStoreState(PAGES)
    assert s.page_ids == [1, 2, 3] and s.memory == {} and s.dirty == set()
    assert s.value("bob") == 100 and s.page_of("erin") == 2
    assert not s.is_cached(1) and not s.is_dirty(1)


def test_cached_pages_are_copies():
    s = PageStoreState(PAGES, cached=[1])
    assert s.is_cached(1) and not s.is_cached(2)
    s.memory[1].rows["alice"] = 1
    assert s.disk[1].rows["alice"] == 100  # a copy, not the same dict
    assert s.load(1) is False and s.load(2) is True


def test_a_write_changes_memory_only_and_makes_the_page_dirty():
    s = PageStoreState(PAGES)
    assert s.write("bob", 130, lsn=4) == 2
    assert s.is_cached(2) and s.is_dirty(2) and not s.is_dirty(1)
    assert s.value("bob") == 130 and s.disk[2].rows["bob"] == 100
    assert s.memory[2].lsn == 4 and s.changed_keys(2) == ["bob"] and s.changed_keys(1) == []
    assert s.table()["bob"] == 130 and s.on_disk()["bob"] == 100


def test_flush_writes_dirty_pages_back():
    s = PageStoreState(PAGES, cached=[1, 2, 3])
    s.write("alice", 70, lsn=3)
    s.write("bob", 130, lsn=4)
    assert s.flush([1, 3]) == [1]  # page 3 was clean: nothing to write
    assert s.disk[1].rows["alice"] == 70 and s.disk[1].lsn == 3 and s.dirty == {2}
    assert s.flush() == [2] and s.dirty == set() and s.flush() == []
    assert s.on_disk() == s.table()


def test_crash_loses_memory_and_the_dirty_pages():
    s = PageStoreState(PAGES, cached=[1, 2])
    s.write("alice", 70, lsn=3)
    assert s.crash() == [1]
    assert s.memory == {} and s.dirty == set() and s.value("alice") == 100


def test_the_write_ahead_rule_refuses_a_page_whose_change_is_not_durable():
    s = PageStoreState(PAGES)
    s.write("alice", 70, lsn=3)
    s.write("bob", 130, lsn=4)
    with pytest.raises(ValueError, match="page 2 holds LSN 4 but the log is durable only up to LSN 3"):
        s.flush(durable_lsn=3)
    assert s.dirty == {1, 2} and s.disk[1].rows["alice"] == 100  # refused before writing anything
    assert s.flush([1], durable_lsn=3) == [1]
    assert s.flush(durable_lsn=4) == [2]


def test_redo_applies_only_changes_the_page_does_not_hold():
    s = PageStoreState(PAGES, cached=[1])
    s.write("alice", 70, lsn=3)
    s.flush()
    s.crash()
    assert s.redo("alice", 70, lsn=3) is False  # the page on disk already has LSN 3
    assert s.redo("frank", 45, lsn=5) is True and s.value("frank") == 45 and s.is_dirty(1)
    assert s.redo("frank", 45, lsn=5) is False  # idempotent


def test_lsns_on_a_page_only_grow():
    s = PageStoreState(PAGES)
    s.write("alice", 70, lsn=3)
    with pytest.raises(
        ValueError, match="page 1 already holds LSN 3; a new change needs a larger LSN, got 3"
    ):
        s.write("frank", 1, lsn=3)
    s.write("frank", 1)  # a change without a log is allowed (a plain buffer pool)
    assert s.memory[1].lsn == 3


def test_bad_arguments_say_what_is_wrong():
    with pytest.raises(ValueError, match="at least one page"):
        PageStoreState({})
    with pytest.raises(ValueError, match="key 'a' is on page 1 and page 2"):
        PageStoreState({1: {"a": 1}, 2: {"a": 2}})
    s = PageStoreState(PAGES)
    with pytest.raises(ValueError, match="no page holds key 'zoe'; keys are: alice, frank, bob, erin, carol"):
        s.write("zoe", 1)
    with pytest.raises(ValueError, match="no page 9; pages are: 1, 2, 3"):
        s.load(9)
    with pytest.raises(ValueError, match="no page 9"):
        s.flush([9])


def test_page_copy_is_independent():
    p = Page({"a": 1}, lsn=2)
    q = p.copy()
    q.rows["a"] = 5
    assert p == Page({"a": 1}, lsn=2) and q.lsn == 2


# -- the model: recovery, as a property --------------------------------------------------------
KEYS = ["alice", "frank", "bob", "erin", "carol"]
ops = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.sampled_from(KEYS), st.integers(0, 999)),
        st.tuples(st.just("flush"), st.sets(st.sampled_from([1, 2, 3]))),
        st.tuples(st.just("checkpoint")),
    ),
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(ops)
def test_redo_from_the_last_checkpoint_rebuilds_every_logged_change(script):
    """Log every write (durable at once), flush pages at random, checkpoint now and then, crash,
    then redo the log from the last checkpoint: the table is the latest logged value of every key."""
    s = PageStoreState(PAGES)
    log: list[tuple[str, int]] = []  # LSN = index
    checkpoint = 0
    for op in script:
        if op[0] == "write":
            log.append((op[1], op[2]))
            s.write(op[1], op[2], lsn=len(log) - 1)
        elif op[0] == "flush":
            s.flush(sorted(op[1]), durable_lsn=len(log) - 1)
        else:
            s.flush(durable_lsn=len(log) - 1)
            checkpoint = len(log)
    expected = s.table()
    s.crash()
    for lsn in range(checkpoint, len(log)):
        s.redo(*log[lsn], lsn=lsn)
    assert s.table() == expected
    before = s.table()
    for lsn in range(checkpoint, len(log)):  # redo twice changes nothing
        assert s.redo(*log[lsn], lsn=lsn) is False
    assert s.table() == before


# -- the drawing ------------------------------------------------------------------------------------
def test_drawing_follows_the_model():
    store = PageStore(pages=PAGES, cached=[1])
    assert store.state.is_cached(1)
    assert len(store.memory_card(2)) == 1  # an empty dashed slot
    anim = store.write("bob", 130, lsn=4)
    assert isinstance(anim, Animation) and store.state.is_dirty(2)
    assert len(store.memory_card(2)) > 1  # now a card
    value = store._parts.piece(("memory", 2), "value:bob=130")
    assert value.get_color() == theme.YELLOW  # differs from disk
    assert (("memory", 2), "dirty") in store._parts.mobs
    store.flush()
    assert store._parts.piece(("memory", 2), "value:bob=130").get_color() == theme.TEXT
    assert (("memory", 2), "dirty") not in store._parts.mobs
    store.crash()
    assert len(store.memory_card(1)) == 1 and len(store.memory_card(2)) == 1


def test_verbs_that_change_nothing_still_return_an_animation():
    store = PageStore(pages=PAGES, cached=[1])
    assert isinstance(store.load(1), Animation)
    assert isinstance(store.flush(), Animation)
    store.write("alice", 70, lsn=3)
    assert isinstance(store.redo("alice", 70, lsn=3), Animation)  # already applied: a flash


def test_drawing_moves_with_the_group():
    store = PageStore(pages=PAGES, cached=[1]).shift(2 * UP + LEFT)
    card = store.memory_card(1).get_center()
    store.write("frank", 45)
    assert abs(store.memory_card(1).get_center()[1] - card[1]) < 1e-6
    assert store.memory_card(1).get_center()[1] > store.disk_card(1).get_center()[1]


def test_bad_drawing_arguments():
    with pytest.raises(ValueError, match=r"page_width must be >= 1\.\d\d to fit the rows, got 1.0"):
        PageStore(pages=PAGES, page_width=1.0)
    with pytest.raises(ValueError, match="gap must be >= 0.3, got 0.1"):
        PageStore(pages=PAGES, gap=0.1)
    with pytest.raises(ValueError, match="name_width must be >= "):
        PageStore(pages=PAGES, name_width=0.2)
    with pytest.raises(ValueError, match="give a PageStoreState or pages"):
        PageStore()
    with pytest.raises(ValueError, match="write-ahead rule"):
        store = PageStore(pages=PAGES)
        store.write("alice", 70, lsn=3)
        store.flush(durable_lsn=2)


@frames_comparison(base_scene=ExplainerScene)
def test_buffer_pool(scene):
    store = PageStore(pages=PAGES, cached=[1, 3], gap=1.2).scale(1.2)
    scene.add(store)
    scene.play(store.write("alice", 70, lsn=3))
    scene.play(store.write("bob", 130, lsn=4))  # reads page 2 in first
    scene.play(store.flush([1], durable_lsn=3))
    scene.play(store.redo("alice", 70, lsn=3))  # already there: nothing changes

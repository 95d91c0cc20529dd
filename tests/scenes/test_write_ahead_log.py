from manim import tempconfig
from manim.utils.testing.frames_comparison import frames_comparison

from .conftest import load_topic, play_until

__module_test__ = "write_ahead_log"
topic = load_topic("write_ahead_log")


@frames_comparison(base_scene=topic.WriteAheadLog)
def test_recovered_pages_before_the_checkpoint(scene):
    play_until(scene, "Checkpoints")
    wal, pages = scene.wal, scene.pages_state
    # redo rebuilt the transfer in memory; the pages on disk still hold the old balances
    assert pages.table()["alice"] == 100 - topic.AMOUNT and pages.table()["bob"] == 100 + topic.AMOUNT
    assert pages.on_disk()["alice"] == 100 and pages.dirty == {1, 2}
    # the uncommitted change to dave never reached the log on disk, nor the page
    assert pages.value("dave") == 80 and all(r.key != "dave" for r in wal.records)


def test_history_is_a_checkpointed_log():
    wal, pages = topic.history()
    ckpt = wal.records[-1]
    assert ckpt.value == "CKPT" and wal.synced_index == ckpt.offset
    assert pages.memory == {} and pages.on_disk()["carol"] == 50  # the checkpoint flushed carol's page
    assert pages.disk[3].lsn < ckpt.offset  # ... so redo can start at the checkpoint


def test_the_whole_story():
    fast = {
        "pixel_height": 270,
        "pixel_width": 480,
        "frame_rate": 10,
        "progress_bar": "none",
    }  # only the models matter
    with tempconfig({"dry_run": True, "disable_caching": True, **fast}):
        scene = topic.WriteAheadLog()
        scene.render()
    wal, pages = scene.wal, scene.pages_state
    commit, synced = scene.acked
    assert synced >= commit  # the client heard "committed" only once the commit record was durable
    # the final checkpoint flushed everything and truncated the log to its own record
    assert [r.value for r in wal.records] == ["CKPT"] and wal.start_offset == wal.records[0].offset
    assert pages.dirty == set()
    assert pages.on_disk() == {"alice": 70, "frank": 40, "bob": 130, "erin": 20, "carol": 50, "dave": 80}

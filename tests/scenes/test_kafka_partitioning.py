from manim.utils.testing.frames_comparison import frames_comparison

from .conftest import load_topic, play_until

__module_test__ = "kafka_partitioning"
topic = load_topic("kafka_partitioning")


@frames_comparison(base_scene=topic.KafkaPartitioning)
def test_after_the_rebalance_a_fourth_consumer_is_idle(scene):
    play_until(scene, "Takeaway")
    logs = scene.partitions
    # every record sits in the partition its key hashes to, in the order it was sent
    n = len(topic.PARTITIONS)
    for p, st in logs.items():
        sent = [(k, e) for k, e in topic.EVENTS if topic.PARTITIONS[topic.partition_for(k, n)] == p]
        assert [(r.key, r.value) for r in st.records] == sent
    # one owner per partition after the rebalance, each resuming where the previous owner stopped
    assert {p: dict(st.consumers) for p, st in logs.items()} == {"P0": {"C1": 2}, "P1": {"C2": 2},
                                                                 "P2": {"C3": 1}}


def test_the_story_needs_three_keys_in_three_partitions():
    keys = sorted({k for k, _ in topic.EVENTS})
    assert sorted(topic.partition_for(k, len(topic.PARTITIONS)) for k in keys) == [0, 1, 2]
    # "bob paid after ana": the later payment lands in another partition
    assert topic.EVENTS.index(("bob", "pay")) > topic.EVENTS.index(("ana", "pay"))
    assert topic.partition_for("bob", 3) != topic.partition_for("ana", 3)  # 3 partitions


import importlib.util
from pathlib import Path

import pytest
from manim.utils.testing.frames_comparison import frames_comparison

from .conftest import play_until

__module_test__ = "kafka_partitioning"
_path = Path(__file__).resolve().parents[2] / "scenes" / "kafka_partitioning.py"
_spec = importlib.util.spec_from_file_location("scene_kafka_partitioning", _path)
topic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(topic)


@frames_comparison(base_scene=topic.KafkaPartitioning)
def test_after_the_rebalance_a_fourth_consumer_is_idle(scene):
    play_until(scene, "Takeaway")
    logs = scene.partitions
    # every record sits in the partition its key hashes to, in the order it was sent
    for p, st in logs.items():
        sent = [(k, e) for k, e in topic.EVENTS if topic.PARTITIONS[topic.partition_for(k)] == p]
        assert [(r.key, r.value) for r in st.records] == sent
    # one owner per partition after the rebalance, each resuming where the previous owner stopped
    assert {p: dict(st.consumers) for p, st in logs.items()} == {"P0": {"C1": 2}, "P1": {"C2": 2},
                                                                 "P2": {"C3": 1}}


# Kafka's own test vectors (clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java)
@pytest.mark.parametrize("data, expected", [
    (b"21", -973932308), (b"foobar", -790332482), (b"a-little-bit-long-string", -985981536),
    (b"a-little-bit-longer-string", -1486304829),
    (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971), (b"abc", 479470107),
])
def test_murmur2_matches_kafka(data, expected):
    assert topic.murmur2(data) == expected


def test_partition_is_the_positive_hash_modulo_the_count():
    for key in ("ana", "bob", "eve", "21", "foobar"):
        h = topic.murmur2(key.encode())
        assert topic.partition_for(key, 3) == (h & 0x7FFFFFFF) % 3
        assert topic.partition_for(key, 3) == topic.partition_for(key, 3)  # stable


def test_the_story_needs_three_keys_in_three_partitions():
    keys = sorted({k for k, _ in topic.EVENTS})
    assert sorted(topic.partition_for(k) for k in keys) == [0, 1, 2]
    # "bob paid after ana": the later payment lands in another partition
    assert topic.EVENTS.index(("bob", "pay")) > topic.EVENTS.index(("ana", "pay"))
    assert topic.partition_for("bob") != topic.partition_for("ana")


@pytest.mark.parametrize("n, members, expected", [
    (3, ["C1", "C2"], {"C1": ["P0", "P1"], "C2": ["P2"]}),
    (3, ["C1", "C2", "C3"], {"C1": ["P0"], "C2": ["P1"], "C3": ["P2"]}),
    (3, ["C1", "C2", "C3", "C4"], {"C1": ["P0"], "C2": ["P1"], "C3": ["P2"], "C4": []}),
    (7, ["C2", "C1", "C3"], {"C1": ["P0", "P1", "P2"], "C2": ["P3", "P4"], "C3": ["P5", "P6"]}),
])
def test_range_assignor(n, members, expected):
    parts = [f"P{i}" for i in range(n)]
    got = topic.range_assign(parts, members)
    assert got == expected
    owned = [p for ps in got.values() for p in ps]
    assert sorted(owned) == sorted(parts) and len(owned) == len(set(owned))  # exactly one owner each

import pytest

from visualsys.primitives.kafka import SIGN_MASK, murmur2, partition_for, range_assign


# Kafka's own test vectors (clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java)
@pytest.mark.parametrize("data, expected", [
    (b"21", -973932308), (b"foobar", -790332482), (b"a-little-bit-long-string", -985981536),
    (b"a-little-bit-longer-string", -1486304829),
    (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971), (b"abc", 479470107),
])
def test_murmur2_matches_kafka(data, expected):
    assert murmur2(data) == expected


def test_partition_is_the_positive_hash_modulo_the_count():
    for key in ("ana", "bob", "eve", "21", "foobar"):
        h = murmur2(key.encode())
        assert partition_for(key, 3) == (h & SIGN_MASK) % 3
        assert partition_for(key, 3) == partition_for(key, 3)  # stable
    # the sign bit is cleared, not abs(): "21" hashes negative and still lands in range
    assert murmur2(b"21") < 0 and partition_for("21", 7) == (-973932308 & 0x7FFFFFFF) % 7


def test_partition_count_must_be_positive():
    with pytest.raises(ValueError, match="partitions must be > 0, got 0"):
        partition_for("ana", 0)


@pytest.mark.parametrize("n, members, expected", [
    (3, ["C1", "C2"], {"C1": ["P0", "P1"], "C2": ["P2"]}),
    (3, ["C1", "C2", "C3"], {"C1": ["P0"], "C2": ["P1"], "C3": ["P2"]}),
    (3, ["C1", "C2", "C3", "C4"], {"C1": ["P0"], "C2": ["P1"], "C3": ["P2"], "C4": []}),
    (7, ["C2", "C1", "C3"], {"C1": ["P0", "P1", "P2"], "C2": ["P3", "P4"], "C3": ["P5", "P6"]}),
])
def test_range_assignor(n, members, expected):
    parts = [f"P{i}" for i in range(n)]
    got = range_assign(parts, members)
    assert got == expected
    owned = [p for ps in got.values() for p in ps]
    assert sorted(owned) == sorted(parts) and len(owned) == len(set(owned))  # exactly one owner each


def test_range_assignor_needs_consumers():
    with pytest.raises(ValueError, match="consumers must not be empty"):
        range_assign(["P0"], [])

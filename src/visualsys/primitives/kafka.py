"""Kafka's partitioning rules as plain Python: the murmur2 hash, the default partitioner, the range assignor.

No Manim here: these are the models a scene computes its numbers from, so what the
viewer sees is what Kafka would do.
"""

from __future__ import annotations

__all__ = ["SIGN_MASK", "murmur2", "partition_for", "range_assign"]

#: ``Utils.toPositive``: Kafka clears the sign bit rather than taking ``abs``.
SIGN_MASK = 0x7FFFFFFF


def murmur2(data: bytes) -> int:
    """Kafka's ``Utils.murmur2``: 32-bit MurmurHash2 with seed ``0x9747b28c``, as a signed Java int.

    Parameters
    ----------
    data
        The bytes to hash (a record key's serialized bytes).

    Returns
    -------
    int
        The hash in ``[-2**31, 2**31)``, equal to what the Java client computes.
    """
    m, mask = 0x5BD1E995, 0xFFFFFFFF
    n = len(data)
    h = (0x9747B28C ^ n) & mask
    for i in range(0, n - n % 4, 4):
        k = int.from_bytes(data[i:i + 4], "little") * m & mask
        k = (k ^ k >> 24) * m & mask
        h = (h * m & mask) ^ k
    tail = data[n - n % 4:]
    if tail:
        for j in reversed(range(len(tail))):
            h ^= tail[j] << (8 * j)
        h = h * m & mask
    h = (h ^ h >> 13) * m & mask
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def partition_for(key: str, partitions: int) -> int:
    """The default partitioner for a keyed record: ``toPositive(murmur2(utf8(key))) % partitions``.

    Parameters
    ----------
    key
        The record key (encoded as UTF-8, like Kafka's ``StringSerializer``).
    partitions
        Number of partitions of the topic.

    Raises
    ------
    ValueError
        If ``partitions`` is not positive.
    """
    if partitions <= 0:
        raise ValueError(f"partitions must be > 0, got {partitions}")
    return (murmur2(key.encode("utf-8")) & SIGN_MASK) % partitions


def range_assign(partitions: list[str], consumers: list[str]) -> dict[str, list[str]]:
    """Kafka's range assignor for one topic: consumers sorted, each a run of partitions, extras first.

    Parameters
    ----------
    partitions
        The topic's partitions, in partition order.
    consumers
        Member ids of the group (any order; they are sorted as Kafka does).

    Returns
    -------
    dict
        Each consumer (sorted) and its partitions; consumers beyond the partition count get ``[]``.

    Raises
    ------
    ValueError
        If there are no consumers.
    """
    if not consumers:
        raise ValueError("consumers must not be empty, got []")
    per, extra = divmod(len(partitions), len(consumers))
    out, start = {}, 0
    for i, c in enumerate(sorted(consumers)):
        take = per + (i < extra)
        out[c], start = list(partitions[start:start + take]), start + take
    return out

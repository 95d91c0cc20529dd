"""Reusable visuals, each a Manim ``VGroup`` drawn from a pure-Python state model.

Verbs return Animations; scenes play them: ``self.play(ring.add_node("D"))``.
"""

from .cluster import Cluster, ClusterState, Message, Partition
from .hash_ring import HashRing, KeyGrid, RingState
from .timeline import Timeline, TimelineState
from .widgets import Callout, Legend, Readout, TitleCard, label

__all__ = [
    "Callout", "Cluster", "ClusterState", "HashRing", "KeyGrid", "Legend", "Message", "Partition",
    "Readout", "RingState", "Timeline", "TimelineState", "TitleCard", "label",
]

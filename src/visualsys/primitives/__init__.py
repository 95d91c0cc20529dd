"""Reusable visuals, each a Manim ``VGroup`` drawn from a pure-Python state model.

Verbs return Animations; scenes play them: ``self.play(ring.add_node("D"))``.
"""

from .btree import BTree, BTreeState
from .call_stack import CallStack, CallStackState
from .cluster import Cluster, ClusterState, Message, Partition
from .code_panel import CodePanel
from .hash_ring import HashRing, KeyGrid, RingState
from .log import Log, LogState, log_stack
from .request_stream import RequestStream, RequestStreamState
from .sliding_window import SlidingWindow, SlidingWindowState
from .state_machine import StateMachine, StateMachineState
from .timeline import Timeline, TimelineState
from .token_bucket import TokenBucket, TokenBucketState
from .widgets import Callout, Legend, Readout, TitleCard, label

__all__ = [
    "BTree", "BTreeState", "RequestStream", "RequestStreamState", "SlidingWindow", "SlidingWindowState",
    "TokenBucket", "TokenBucketState", "CallStack", "CallStackState", "CodePanel", "Log", "LogState",
    "log_stack", "StateMachine", "StateMachineState",
    "Callout", "Cluster", "ClusterState", "HashRing", "KeyGrid", "Legend", "Message", "Partition",
    "Readout", "RingState", "Timeline", "TimelineState", "TitleCard", "label",
]

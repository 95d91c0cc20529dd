"""Reusable visuals, each a Manim ``VGroup`` drawn from a pure-Python state model.

Verbs return Animations; scenes play them: ``self.play(ring.add_node("D"))``.
"""

from .btree import BTree, BTreeState
from .call_stack import CallStack, CallStackState
from .call_tree import CallTree, CallTreeState, count_calls
from .circuit_breaker import CircuitBreakerState
from .cluster import Cluster, ClusterState, Message, Partition
from .code_panel import CodePanel
from .hash_ring import HashRing, KeyGrid, RingState
from .kafka import SIGN_MASK, murmur2, partition_for, range_assign
from .log import Log, LogState, log_stack
from .page_icons import cost_bar, count_table, fan_out, page_row, slotted_page
from .pages import PageStore, PageStoreState
from .raft import RaftState
from .request_stream import RequestStream, RequestStreamState
from .sliding_window import SlidingWindow, SlidingWindowState
from .state_machine import StateMachine, StateMachineState
from .timeline import Timeline, TimelineState
from .token_bucket import TokenBucket, TokenBucketState
from .tree_math import binary_levels, levels_for, route, spoken_count
from .widgets import Callout, Legend, Readout, TitleCard, label

__all__ = [
    "BTree", "BTreeState", "RequestStream", "RequestStreamState", "SlidingWindow", "SlidingWindowState",
    "TokenBucket", "TokenBucketState", "CallStack", "CallStackState", "CodePanel", "Log", "LogState",
    "log_stack", "StateMachine", "StateMachineState", "RaftState", "SIGN_MASK", "murmur2", "partition_for",
    "range_assign", "cost_bar", "count_table", "fan_out", "page_row", "slotted_page", "binary_levels",
    "levels_for", "route", "spoken_count", "CallTree", "CallTreeState", "count_calls", "CircuitBreakerState",
    "PageStore", "PageStoreState",
    "Callout", "Cluster", "ClusterState", "HashRing", "KeyGrid", "Legend", "Message", "Partition",
    "Readout", "RingState", "Timeline", "TimelineState", "TitleCard", "label",
]

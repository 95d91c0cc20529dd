"""Raft as plain Python: :class:`RaftState`, just enough of the protocol to drive a picture truthfully.

Terms, one vote per server per term with the up-to-date-log rule, election
timers drawn from a seeded RNG (so a scene replays the same election), logs of
``(term, command)`` entries, the leader's match index and the commit index.
Messages are not modelled: a scene calls :meth:`RaftState.elect` and
:meth:`RaftState.replicate` when it shows the requests arrive. No Manim here.

Examples
--------
>>> m = RaftState(["S1", "S2", "S3"], seed=1)
>>> first, ms = m.first_timeout()
>>> m.elect(first)[0] == first, m.leader == first
(True, True)
"""

from __future__ import annotations

import random
from collections.abc import Sequence

__all__ = ["RaftState"]


class RaftState:
    """A Raft cluster's state: terms, votes, election timers, logs, match and commit index.

    Parameters
    ----------
    nodes
        Server ids, unique; a majority is ``len(nodes) // 2 + 1``.
    seed
        Seed of the RNG that draws every election timeout.
    timeout
        ``(low, high)`` election timeout range in milliseconds, inclusive (the Raft paper suggests 150-300).

    Attributes
    ----------
    term
        Each server's current term.
    voted_for
        Whom each server voted for in its current term (``None`` if nobody yet).
    log
        Each server's log: ``(term, command)`` entries, index 0 first.
    up
        Servers that are running.
    leader
        The current leader, or ``None``.
    match_index
        The leader's view: the highest log index known to be stored on each server (-1 for none).
    commit_index
        Index of the newest committed entry (-1 for none).
    timer
        Milliseconds left on each running follower's election timer.
    """

    def __init__(self, nodes: Sequence[str], *, seed: int = 0, timeout: tuple[int, int] = (150, 300)) -> None:
        if not nodes:
            raise ValueError("nodes must not be empty, got []")
        if len(set(nodes)) != len(nodes):
            raise ValueError(f"nodes must be unique, got {list(nodes)}")
        lo, hi = timeout
        if not 0 < lo <= hi:
            raise ValueError(f"timeout must be (low, high) with 0 < low <= high, got {timeout}")
        self.nodes, self.rng, self.timeout = list(nodes), random.Random(seed), (lo, hi)
        self.majority = len(self.nodes) // 2 + 1
        self.term = dict.fromkeys(self.nodes, 0)
        self.voted_for: dict[str, str | None] = dict.fromkeys(self.nodes, None)
        self.log: dict[str, list[tuple[int, str]]] = {n: [] for n in self.nodes}
        self.up, self.leader, self.commit_index = set(self.nodes), None, -1
        self.match_index = dict.fromkeys(self.nodes, -1)
        self.timer = {n: self.rng.randint(lo, hi) for n in self.nodes}

    def reset_timers(self) -> None:
        """A heartbeat arrived: every running follower draws a fresh random timeout."""
        self.timer = {n: self.rng.randint(*self.timeout) for n in sorted(self.up - {self.leader})}

    def first_timeout(self) -> tuple[str, int]:
        """Let time pass until the first running follower's timer runs out: ``(node, elapsed ms)``."""
        if not self.timer:
            raise ValueError("no running follower has an election timer")
        node = min(self.timer, key=self.timer.get)
        return node, self.timer[node]

    def up_to_date(self, a: str, b: str) -> bool:
        """Whether ``a``'s log is at least as up to date as ``b``'s (last entry's term, then length)."""
        last = {n: (self.log[n][-1][0] if self.log[n] else 0, len(self.log[n])) for n in (a, b)}
        return last[a] >= last[b]

    def elect(self, cand: str) -> list[str]:
        """``cand`` starts a new term and asks every running server for its vote.

        A server grants it if it has not voted for someone else in that term and
        ``cand``'s log is at least as up to date as its own. With a majority,
        ``cand`` becomes leader and its match index starts afresh.

        Returns
        -------
        list of str
            Who voted for ``cand``, itself first.
        """
        if cand not in self.up:
            raise ValueError(f"cand must be a running node, got {cand!r}")
        term = self.term[cand] = self.term[cand] + 1
        self.voted_for[cand], votes = cand, [cand]
        for n in [n for n in self.nodes if n in self.up and n != cand]:
            if term > self.term[n]:
                self.term[n], self.voted_for[n] = term, None
            if self.voted_for[n] in (None, cand) and self.up_to_date(cand, n):
                self.voted_for[n] = cand
                votes.append(n)
        if len(votes) >= self.majority:
            self.leader = cand
            self.timer.pop(cand, None)
            self.match_index = dict.fromkeys(self.nodes, -1)
            self.match_index[cand] = len(self.log[cand]) - 1
        return votes

    def _lead(self) -> str:
        if self.leader is None:
            raise ValueError("there is no leader")
        return self.leader

    def append(self, command: str) -> int:
        """The leader appends a client's command with its term; returns the entry's index."""
        lead = self._lead()
        self.log[lead].append((self.term[lead], command))
        self.match_index[lead] = len(self.log[lead]) - 1
        return self.match_index[lead]

    def replicate(self, to: Sequence[str]) -> None:
        """Followers in ``to`` receive the leader's entries and acknowledge them (AppendEntries succeeded)."""
        lead = self._lead()
        for n in to:
            self.log[n] = list(self.log[lead])
            self.match_index[n] = len(self.log[n]) - 1

    def holders(self, index: int) -> list[str]:
        """Running nodes whose log holds entry ``index``."""
        return [n for n in self.nodes if n in self.up and len(self.log[n]) > index]

    def advance_commit(self) -> int:
        """Commit the newest entry of the leader's term stored on a majority (match index); return the index.

        An entry of an earlier term is never committed by counting copies: it
        becomes committed only together with a newer entry of the current term.
        """
        lead = self._lead()
        entries = self.log[lead]
        for i in range(len(entries) - 1, self.commit_index, -1):
            stored = sum(1 for n in self.nodes if self.match_index[n] >= i)
            if entries[i][0] == self.term[lead] and stored >= self.majority:
                self.commit_index = i
                break
        return self.commit_index

    def crash(self, node: str) -> None:
        """``node`` stops; if it led, the cluster has no leader until the next election."""
        self.up.discard(node)
        self.timer.pop(node, None)
        if node == self.leader:
            self.leader = None

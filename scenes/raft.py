"""Raft: random election timers pick one leader per term; an entry is committed once a majority holds it."""

import math

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, VGroup

from visualsys import ExplainerScene, Topic, theme
from visualsys.primitives import Callout, Cluster, Message, TitleCard, label, log_stack
from visualsys.primitives.raft import RaftState

TOPIC = Topic(
    slug="raft",
    title="Raft Consensus",
    length=90,
    category="Distributed Systems",
    summary="How Raft elects one leader per term and commits a log entry once a majority stores it.",
    tags=("consensus", "leader election", "replication", "Raft"),
)

NODES = ["S1", "S2", "S3", "S4", "S5"]
TIMEOUT_MS = (150, 300)
SEED = 4
SPREAD = 0.5  # messages of one broadcast leave over half its time, so their tags do not stack
#: A regular pentagon, clockwise from the top (the circle layout would stretch it to the box).
PENTAGON = {n: (math.sin(2 * math.pi * i / 5), math.cos(2 * math.pi * i / 5)) for i, n in enumerate(NODES)}


def timers(model: RaftState, elapsed: int = 0) -> dict[str, str]:
    """Each follower's readout ``elapsed`` ms from now: its term and what is left on its timer."""
    return {n: f"term {model.term[n]}\n{t - elapsed} ms" for n, t in model.timer.items()}


class Raft(ExplainerScene):
    def construct(self):
        card = TitleCard(TOPIC.title, "One leader per term, one log for all")
        with self.voiceover("Raft: how a handful of servers agree on one leader, "
                            '<bookmark mark="log"/>and on one log of commands.') as beat:
            self.play(FadeIn(card[:2], shift=0.2 * UP), run_time=beat.time_until_bookmark("log"))
            self.play(FadeIn(card.subtitle), run_time=beat.get_remaining_duration())
        self.play(FadeOut(card))

        # -- election ----------------------------------------------------------------------------
        self.chapter("Election")
        m = self.model = RaftState(NODES, seed=SEED, timeout=TIMEOUT_MS)
        lo, hi = TIMEOUT_MS
        cluster = Cluster(NODES, positions=PENTAGON, width=5.8, height=5.6, status="follower",
                          values=timers(m))
        cluster.scale(1.15).to_edge(LEFT, buff=0.85)
        logs = log_stack(NODES, width=6.0, window=3, cell_width=1.0, consumer_rows=0, buff=0.22)
        logs.to_edge(RIGHT, buff=0.85)
        log = dict(zip(NODES, logs, strict=True))
        with self.voiceover("Five servers start as followers. "
                            '<bookmark mark="t"/>Each sets an election timer at random, '
                            f"between {lo} and {hi} milliseconds, so one usually fires well before the rest."
                            ) as beat:
            self.play(FadeIn(logs), run_time=beat.time_until_bookmark("t"))
            self.play(cluster.appear(), run_time=beat.get_remaining_duration())
        first, ms = m.first_timeout()
        with self.voiceover("No leader sends heartbeats, so the timers run down. "
                            f'<bookmark mark="out"/>{first}\'s runs out first, at {ms} milliseconds.'
                            ) as beat:
            for k, t in enumerate([ms // 3, 2 * ms // 3]):
                self.play(cluster.set_values(timers(m, t)),
                          run_time=beat.time_until_bookmark("out") / (2 - k))
            self.play(cluster.set_values(timers(m, ms)), run_time=beat.get_remaining_duration())
        votes = m.elect(first)
        term = m.term[first]
        others = [n for n in NODES if n != first]
        with self.voiceover(f"{first} becomes a candidate for term {term}, votes for itself, "
                            '<bookmark mark="ask"/>and asks for votes. Each server grants one vote per term. '
                            f'<bookmark mark="yes"/>With {len(votes)} of {len(NODES)}, '
                            f'and {m.majority} needed, <bookmark mark="lead"/>{first} leads term {term}.'
                            ) as beat:
            self.play(cluster.set_status(first, "candidate"),
                      cluster.set_value(first, f"term {term}\nvotes 1"),
                      run_time=beat.time_until_bookmark("ask"))
            self.play(cluster.broadcast(first, f"vote? t{term}", value=f"term {term}\nvoted {first}",
                                        stagger=SPREAD),
                      run_time=beat.time_until_bookmark("yes"))
            self.play(cluster.gather(first, "yes", srcs=votes[1:]),
                      cluster.set_value(first, f"term {term}\nvotes {len(votes)}"),
                      run_time=beat.time_until_bookmark("lead"))
            self.play(cluster.set_status(first, "leader"), run_time=beat.get_remaining_duration())
        m.reset_timers()
        with self.voiceover("As leader, it sends heartbeats, "
                            '<bookmark mark="reset"/>which reset the followers\' timers.') as beat:
            self.play(cluster.broadcast(first, "heartbeat", stagger=SPREAD),
                      cluster.set_value(first, f"term {term}"), run_time=beat.time_until_bookmark("reset"))
            self.play(cluster.set_values(timers(m)), run_time=beat.get_remaining_duration())

        # -- replication -------------------------------------------------------------------------
        self.chapter("Replication")
        lead, followers = first, others
        lost, acked = followers[-1], followers[:-1]
        client = Callout("client", color=theme.MUTED).move_to(cluster.get_center())
        idx = m.append("x=1")
        with self.voiceover("A client sends x=1. "
                            '<bookmark mark="app"/>The leader appends it to its log, '
                            f"tagged with term {term}, "
                            '<bookmark mark="send"/>and sends AppendEntries to the followers.') as beat:
            self.play(FadeIn(client), Message("x=1").travel(client, cluster.node_mobject(lead)),
                      run_time=beat.time_until_bookmark("app"))
            self.play(FadeOut(client), log[lead].append("x", 1, term=term), run_time=1.0)
            self.wait_until_bookmark("send")
            self.play(cluster.broadcast(lead, f"x=1 t{term}", lost=[lost], stagger=SPREAD),
                      run_time=beat.get_remaining_duration())
        m.replicate(acked)
        holders = m.holders(idx)
        committed = m.advance_commit()
        with self.voiceover(f'The copy to {lost} is lost. <bookmark mark="ack"/>{", ".join(acked[:-1])} and '
                            f"{acked[-1]} store it and reply: with the leader, "
                            f"{len(holders)} of {len(NODES)} hold it, a majority, "
                            '<bookmark mark="commit"/>so it is committed.') as beat:
            self.play(*(log[n].append("x", 1, term=term) for n in acked), run_time=1.0)
            self.wait_until_bookmark("ack")
            self.play(cluster.gather(lead, "ok", srcs=acked), run_time=beat.time_until_bookmark("commit"))
            self.play(log[lead].commit(committed), run_time=beat.get_remaining_duration())
        m.replicate([lost])
        m.reset_timers()
        with self.voiceover(f"The leader retries {lost} until it catches up, "
                            '<bookmark mark="hb"/>and the next heartbeat tells the followers to commit too.'
                            ) as beat:
            self.play(cluster.send(lead, lost, f"x=1 t{term}"),
                      run_time=beat.time_until_bookmark("hb") * 0.6)
            self.play(log[lost].append("x", 1, term=term), run_time=1.0)
            self.wait_until_bookmark("hb")
            self.play(cluster.broadcast(lead, "heartbeat", stagger=SPREAD), cluster.set_values(timers(m)),
                      *(log[n].commit(committed) for n in followers), run_time=beat.get_remaining_duration())

        # -- the leader crashes ---------------------------------------------------------------------
        self.chapter("Leader crash")
        m.crash(lead)
        nxt, ms = m.first_timeout()
        with self.voiceover('Now the leader crashes. <bookmark mark="stop"/>The heartbeats stop, '
                            f'<bookmark mark="out"/>and {nxt}\'s timer runs out first.') as beat:
            self.play(cluster.crash(lead), run_time=beat.time_until_bookmark("stop"))
            self.play(cluster.set_values(timers(m, ms // 2)), run_time=beat.time_until_bookmark("out"))
            self.play(cluster.set_values(timers(m, ms)), run_time=beat.get_remaining_duration())
        votes = m.elect(nxt)
        term2 = m.term[nxt]
        with self.voiceover(f"{nxt} asks for votes in term {term2}. "
                            '<bookmark mark="rule"/>A server refuses a candidate whose log is behind its '
                            "own, and any two majorities share a server, so the winner holds every "
                            "committed entry. "
                            f'<bookmark mark="won"/>With {len(votes)} votes, {nxt} leads term {term2}.'
                            ) as beat:
            self.play(cluster.set_status(nxt, "candidate"),
                      cluster.set_value(nxt, f"term {term2}\nvotes 1"),
                      run_time=beat.time_until_bookmark("rule"))
            self.play(cluster.broadcast(nxt, f"vote? t{term2}", value=f"term {term2}\nvoted {nxt}",
                                        stagger=SPREAD),
                      run_time=beat.time_until_bookmark("won"))
            self.play(cluster.gather(nxt, "yes", srcs=votes[1:]),
                      cluster.set_value(nxt, f"term {term2}\nvotes {len(votes)}"), run_time=1.2)
            self.play(cluster.set_status(nxt, "leader"), run_time=beat.get_remaining_duration())

        # -- takeaway --------------------------------------------------------------------------------
        self.chapter("Takeaway")
        lines = VGroup(label("One vote per server per term: at most one leader.", theme.HEADING, theme.TEXT),
                       label("Random timers: elections rarely split.", theme.HEADING, theme.TEXT),
                       label("Stored on a majority: committed, never lost.", theme.HEADING, theme.GREEN))
        lines.arrange(DOWN, buff=0.4)
        with self.voiceover("That is Raft. One vote per server per term allows at most one leader, "
                            '<bookmark mark="rnd"/>and random timers make a split vote rare. '
                            '<bookmark mark="maj"/>An entry stored on a majority is committed, '
                            "and no later leader can lose it.") as beat:
            self.play(FadeOut(cluster), FadeOut(logs), run_time=0.5)
            self.play(FadeIn(lines[0], shift=0.2 * RIGHT), run_time=beat.time_until_bookmark("rnd"))
            self.play(FadeIn(lines[1], shift=0.2 * RIGHT), run_time=beat.time_until_bookmark("maj"))
            self.play(FadeIn(lines[2], shift=0.2 * RIGHT), run_time=beat.get_remaining_duration())

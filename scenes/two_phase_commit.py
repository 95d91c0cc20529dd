"""Two-phase commit: all or nothing across databases, and why it blocks when the coordinator dies."""

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Circumscribe,
    FadeIn,
    FadeOut,
    Indicate,
    Succession,
    VGroup,
)

from visualsys import ExplainerScene, Topic, theme
from visualsys.primitives import Cluster, StateMachine, TitleCard, label

TOPIC = Topic(
    slug="two-phase-commit",
    title="Two-Phase Commit",
    length=90,
    category="Distributed Systems",
    summary="How a coordinator commits one transaction on several databases, and the failure that blocks it.",
    tags=("transactions", "atomic commit", "2PC", "distributed databases"),
)

COORD = "coordinator"
PARTS = ("stock", "payment", "shipping")
WATCHED = PARTS[0]  # the participant whose state machine is on screen
PREPARED, COMMITTED, ABORTED = "prepared\nlocks held", "committed", "aborted"


def participant_machine() -> StateMachine:
    """What one participant can do: vote, then wait for the coordinator's word."""
    return StateMachine(
        ["WORKING", "PREPARED", "COMMITTED", "ABORTED"],
        [("WORKING", "vote yes", "PREPARED"), ("WORKING", "vote no", "ABORTED"),
         ("PREPARED", "commit", "COMMITTED"), ("PREPARED", "abort", "ABORTED")],
        positions={"WORKING": (-1.5, 1.7), "PREPARED": (-1.5, 0), "COMMITTED": (-1.5, -1.7),
                   "ABORTED": (1.7, -1.7)},
        colors={"PREPARED": theme.YELLOW, "COMMITTED": theme.GREEN, "ABORTED": theme.RED})


def last_step(cluster: Cluster) -> list:
    """The messages of the cluster's last verb (votes, acks), as the model logged them."""
    st = cluster.state
    return [m for m in st.log if m.step == st.step]


def refuse(sm: StateMachine, target: str) -> AnimationGroup:
    """Flash the way out of PREPARED to ``target`` in red: a participant may not take it alone."""
    path, tag = sm.arrow_mobject("PREPARED", target)
    return AnimationGroup(Indicate(path, color=theme.RED, scale_factor=1.0),
                          Indicate(tag[1], color=theme.RED, scale_factor=1.2))


def heading(text: str) -> VGroup:
    """The phase we are in, across the top."""
    return label(text, theme.HEADING, theme.TEXT, weight="BOLD").to_edge(UP, buff=0.4)


def retitle(old: VGroup, text: str) -> tuple[Succession, VGroup]:
    """Swap the heading for ``text`` (out, then in): the animation and the new heading."""
    new = heading(text)
    return Succession(FadeOut(old), FadeIn(new)), new


class TwoPhaseCommit(ExplainerScene):
    def construct(self):
        card = TitleCard(TOPIC.title, "All or nothing, across machines")
        with self.voiceover("Two-phase commit: how several databases commit one transaction together, "
                            '<bookmark mark="sub"/>or not at all.') as beat:
            self.play(FadeIn(card[:2], shift=0.2 * UP), run_time=beat.time_until_bookmark("sub"))
            self.play(FadeIn(card.subtitle), run_time=beat.get_remaining_duration())
        self.play(FadeOut(card))

        # -- the problem ------------------------------------------------------------------------------
        self.chapter("Half a transaction")
        cluster = Cluster([COORD, *PARTS], positions={COORD: (-1, 0), "stock": (1, 1), "payment": (1, 0),
                                                       "shipping": (1, -1)},
                          width=6, height=5.2, values={p: "working" for p in PARTS})
        cluster.to_edge(LEFT, buff=0.7).shift(0.4 * DOWN)
        sm = participant_machine().to_edge(RIGHT, buff=0.7).shift(0.4 * DOWN)
        caption = label(f"{WATCHED}'s state", theme.LABEL, theme.MUTED).next_to(sm, UP, buff=0.3)
        self.cluster, self.machine = cluster.state, sm.state  # kept for tests: what the narration claims
        with self.voiceover(f"An order touches {len(PARTS)} databases. "
                            '<bookmark mark="pay"/>If payment commits, <bookmark mark="crash"/>but stock '
                            "crashes before it does, the customer pays for nothing. "
                            '<bookmark mark="all"/>We need all of them, or none.') as beat:
            self.play(cluster.appear(), run_time=beat.time_until_bookmark("pay"))
            self.play(cluster.set_value("payment", COMMITTED), run_time=beat.time_until_bookmark("crash"))
            self.play(cluster.crash("stock"), run_time=beat.time_until_bookmark("all"))
            self.play(cluster.recover("stock"), cluster.set_value("payment", "working"),
                      run_time=beat.get_remaining_duration())

        # -- phase 1 ----------------------------------------------------------------------------------
        self.chapter("Phase 1: prepare")
        title = heading("Phase 1: prepare")
        with self.voiceover('A coordinator <bookmark mark="ask"/>asks every participant to prepare. '
                            '<bookmark mark="disk"/>Each writes its changes and a prepare record to disk, '
                            "and holds its locks.") as beat:
            self.play(FadeIn(title), FadeIn(sm), FadeIn(caption), run_time=beat.time_until_bookmark("ask"))
            self.play(cluster.broadcast(COORD, "prepare?"), run_time=beat.time_until_bookmark("disk"))
            self.play(cluster.set_values({p: PREPARED for p in PARTS}),
                      run_time=beat.get_remaining_duration())
        vote = cluster.gather(COORD, "yes")
        votes = last_step(cluster)
        with self.voiceover('Then it votes yes: <bookmark mark="promise"/>a promise that it can commit, '
                            "even after a crash.") as beat:
            self.play(vote, run_time=beat.time_until_bookmark("promise"))
            self.play(sm.fire("vote yes"), run_time=beat.get_remaining_duration())

        # -- phase 2 ----------------------------------------------------------------------------------
        self.chapter("Phase 2: commit")
        with self.voiceover(f"With {len(votes)} yes votes, "
                            '<bookmark mark="log"/>the coordinator logs commit: that is the moment of '
                            'decision. <bookmark mark="tell"/>Then it tells everyone; they commit, release '
                            'their locks, <bookmark mark="ack"/>and acknowledge.') as beat:
            swap, title = retitle(title, "Phase 2: commit")
            self.play(swap, run_time=beat.time_until_bookmark("log"))
            self.play(cluster.set_value(COORD, "log: commit"), run_time=beat.time_until_bookmark("tell"))
            self.play(cluster.broadcast(COORD, "commit", value=COMMITTED, color=theme.GREEN),
                      sm.fire("commit"), run_time=beat.time_until_bookmark("ack"))
            self.play(cluster.gather(COORD, "ack"), run_time=beat.get_remaining_duration())

        # -- one no ---------------------------------------------------------------------------------------
        self.chapter("One no aborts")
        swap, title = retitle(title, "Next order")
        self.play(cluster.set_values({COORD: None, **{p: "working" for p in PARTS}}), sm.reset(), swap)
        no = PARTS[-1]
        with self.voiceover('Next order. <bookmark mark="prep"/>Prepare goes out again, '
                            f'<bookmark mark="no"/>but {no} votes no, and aborts its own part. '
                            '<bookmark mark="abort"/>One no is enough: the coordinator logs abort, '
                            "and everyone rolls back.") as beat:
            self.wait_until_bookmark("prep")
            self.play(cluster.broadcast(COORD, "prepare?"), cluster.set_values({p: PREPARED for p in PARTS}),
                      run_time=beat.time_until_bookmark("no"))
            self.play(cluster.gather(COORD, {p: "no" if p == no else "yes" for p in PARTS}),
                      cluster.set_value(no, ABORTED), sm.fire("vote yes"),
                      run_time=beat.time_until_bookmark("abort"))
            self.play(cluster.set_value(COORD, "log: abort"),
                      cluster.broadcast(COORD, "abort", to=[p for p in PARTS if p != no], value=ABORTED,
                                        color=theme.RED),
                      sm.fire("abort"), run_time=beat.get_remaining_duration())

        # -- blocking -------------------------------------------------------------------------------------
        self.chapter("The blocking case")
        swap, title = retitle(title, "The coordinator dies")
        self.play(cluster.set_values({COORD: None, **{p: "working" for p in PARTS}}), sm.reset(), swap)
        with self.voiceover(f'Now the dangerous case. <bookmark mark="yes"/>All {len(PARTS)} vote yes, '
                            '<bookmark mark="crash"/>and the coordinator crashes before sending the '
                            "outcome.") as beat:
            self.play(cluster.broadcast(COORD, "prepare?"), cluster.set_values({p: PREPARED for p in PARTS}),
                      run_time=beat.time_until_bookmark("yes"))
            self.play(cluster.gather(COORD, "yes"), sm.fire("vote yes"),
                      run_time=beat.time_until_bookmark("crash"))
            self.play(cluster.crash(COORD), run_time=beat.get_remaining_duration())
        peer = PARTS[1]
        swap, title = retitle(title, "Stuck: only the coordinator can decide")
        with self.voiceover('The participants are stuck in prepared, <bookmark mark="locks"/>holding '
                            'locks. <bookmark mark="c"/>Committing alone is unsafe: the coordinator may '
                            'have decided to abort. <bookmark mark="a"/>Aborting is unsafe too: it may have '
                            'logged commit. <bookmark mark="ask"/>Asking each other <bookmark mark="reply"/>'
                            "does not help, since nobody heard. They wait.") as beat:
            self.play(swap, Circumscribe(sm.state_mobject("PREPARED"), color=theme.YELLOW),
                      run_time=beat.time_until_bookmark("locks"))
            self.play(*(Circumscribe(cluster.node_mobject(p), color=theme.YELLOW, buff=0.1) for p in PARTS),
                      run_time=beat.time_until_bookmark("c"))
            self.play(refuse(sm, "COMMITTED"), run_time=beat.time_until_bookmark("a"))
            self.play(refuse(sm, "ABORTED"), run_time=beat.time_until_bookmark("ask"))
            self.play(cluster.send(WATCHED, peer, "outcome?"), run_time=beat.time_until_bookmark("reply"))
            self.play(cluster.send(peer, WATCHED, "no idea", color=theme.MUTED),
                      run_time=beat.get_remaining_duration())

        # -- takeaway -------------------------------------------------------------------------------------
        self.chapter("Takeaway")
        self.play(FadeOut(VGroup(cluster, sm, caption, title)))
        lines = VGroup(label("2PC: all or nothing, but it can block.", theme.HEADING, theme.TEXT),
                       label("3PC: no blocking, if the network never splits.", theme.BODY, theme.MUTED),
                       label("In practice: replicate the decision with consensus.", theme.BODY, theme.TEXT))
        lines.arrange(DOWN, buff=0.45)
        with self.voiceover('Two-phase commit is all or nothing, but it can block. '
                            '<bookmark mark="three"/>Three-phase commit avoids that only if the network '
                            'never splits, <bookmark mark="paxos"/>so real systems replicate the '
                            "coordinator's decision with consensus, as Spanner does.") as beat:
            self.play(FadeIn(lines[0]), run_time=beat.time_until_bookmark("three"))
            self.play(FadeIn(lines[1]), run_time=beat.time_until_bookmark("paxos"))
            self.play(FadeIn(lines[2]), run_time=beat.get_remaining_duration())

"""The CAP theorem: when the network splits, a replica either refuses or risks being wrong."""

from manim import DOWN, LEFT, RIGHT, UP, Circumscribe, FadeIn, FadeOut, VGroup

from visualsys import ExplainerScene, Topic, theme
from visualsys.primitives import Callout, Cluster, Message, TitleCard, label

TOPIC = Topic(
    slug="cap-theorem",
    title="The CAP Theorem",
    length=100,
    category="Distributed Systems",
    summary="Why a network partition forces a replicated system to choose: consistency or availability.",
    tags=("consistency", "availability", "partitions", "replication", "PACELC"),
    lexicon={"PACELC": "pass-elk", "CP": "C P", "AP": "A P"},
)

PROMISES = (("Consistency", "every read sees the latest write"),
            ("Availability", "every request to a live node gets a non-error reply"),
            ("Partition tolerance", "it keeps working when messages are lost"))


def promises() -> VGroup:
    """The three letters of CAP, one line each."""
    rows = VGroup(*(VGroup(label(name, theme.LABEL, theme.BLUE, weight="BOLD"), label(text, theme.LABEL))
                    for name, text in PROMISES))
    for row in rows:
        row.arrange(buff=0.3)
    return rows.arrange(DOWN, aligned_edge=LEFT, buff=0.18)


def heading(text: str, color=theme.TEXT) -> VGroup:
    """The mode the cluster is in, across the top."""
    return label(text, theme.HEADING, color, weight="BOLD").to_edge(UP, buff=0.5)


class CapTheorem(ExplainerScene):
    def construct(self):
        card = TitleCard(TOPIC.title, "Consistency or availability, when the network splits")
        with self.voiceover("The CAP theorem: what a replicated system has to give up "
                            '<bookmark mark="sub"/>when its network splits in two.') as beat:
            self.play(FadeIn(card[:2], shift=0.2 * UP), run_time=beat.time_until_bookmark("sub"))
            self.play(FadeIn(card.subtitle), run_time=beat.get_remaining_duration())
        self.play(FadeOut(card))

        # -- three promises ------------------------------------------------------------------------
        self.chapter("Three promises")
        x = {"x": 1}
        cluster = Cluster(["A", "B", "C"], positions={"A": (-1, 1), "B": (-1, -1), "C": (1, 0)},
                          width=5, height=3.4, values={n: x for n in "ABC"}).scale(1.25)
        writer = Callout("client", color=theme.MUTED).next_to(cluster.node_mobject("C"), RIGHT, buff=2.0)
        reader = Callout("reader", color=theme.MUTED).next_to(cluster, LEFT, buff=2.0)
        VGroup(reader, cluster, writer).move_to(0.6 * DOWN)
        st = self.cluster = cluster.state  # kept for tests: the facts the narration quotes
        with self.voiceover(f"Three replicas hold the same value: x is {x['x']}. "
                            '<bookmark mark="write"/>A client writes x equals 2 to C, '
                            '<bookmark mark="copy"/>and C copies it to A and B.') as beat:
            self.play(cluster.appear(), FadeIn(writer), run_time=beat.time_until_bookmark("write"))
            self.play(Message("x=2").travel(writer, cluster.node_mobject("C")),
                      cluster.set_value("C", {"x": 2}), run_time=beat.time_until_bookmark("copy"))
            self.play(cluster.broadcast("C", "x=2", value={"x": 2}),
                      run_time=beat.get_remaining_duration())
        rows = promises().to_edge(UP, buff=0.45)
        with self.voiceover('CAP names three things we want. <bookmark mark="c"/>Consistency: every read '
                            'sees the latest write. <bookmark mark="a"/>Availability: every request to a '
                            'live node gets a real reply, not an error. <bookmark mark="p"/>Partition '
                            "tolerance: the system keeps working when the network loses messages.") as beat:
            self.wait_until_bookmark("c")
            self.play(FadeIn(rows[0]), run_time=beat.time_until_bookmark("a"))
            self.play(FadeIn(rows[1]), run_time=beat.time_until_bookmark("p"))
            self.play(FadeIn(rows[2]), run_time=beat.get_remaining_duration())

        # -- the partition --------------------------------------------------------------------------
        self.chapter("The partition")
        with self.voiceover('Now the network splits: <bookmark mark="cut"/>C is cut off from A and B. '
                            '<bookmark mark="w"/>A client on C\'s side writes x equals 3.') as beat:
            self.play(FadeOut(rows), run_time=beat.time_until_bookmark("cut"))
            self.play(cluster.partition(["C"]), run_time=beat.time_until_bookmark("w"))
            self.play(Message("x=3").travel(writer, cluster.node_mobject("C")),
                      run_time=beat.get_remaining_duration())
        with self.voiceover('C tries to pass it on, <bookmark mark="lost"/>but its messages die at the '
                            'cut. <bookmark mark="choice"/>C has to choose: refuse the write, or accept it.'
                            ) as beat:
            self.wait_until_bookmark("lost")
            self.play(cluster.broadcast("C", "x=3", include_unreachable=True),
                      run_time=beat.time_until_bookmark("choice"))
            self.play(Circumscribe(cluster.node_mobject("C"), color=theme.YELLOW, buff=0.12),
                      run_time=beat.get_remaining_duration())

        # -- CP ---------------------------------------------------------------------------------------
        self.chapter("CP: refuse")
        title = heading("CP: consistent, not available here", theme.BLUE)
        with self.voiceover('A CP system refuses. <bookmark mark="err"/>C answers with an error, and turns '
                            "away reads too, since it cannot know it has the latest value. "
                            '<bookmark mark="maj"/>A and B, still a majority, carry on, '
                            "and no client ever reads an old value.") as beat:
            self.play(FadeIn(title), run_time=beat.time_until_bookmark("err"))
            self.play(Message("error", theme.RED).travel(cluster.node_mobject("C"), writer),
                      cluster.set_value("C", "x=2\nrefusing"), run_time=beat.time_until_bookmark("maj"))
            self.play(*(Circumscribe(cluster.node_mobject(n), color=theme.GREEN, buff=0.12) for n in "AB"),
                      run_time=beat.get_remaining_duration())

        # -- AP ---------------------------------------------------------------------------------------
        self.chapter("AP: accept")
        self.play(FadeOut(title), cluster.set_value("C", {"x": 2}))
        title = heading("AP: available, not consistent", theme.ORANGE)
        stale = st.value("A")  # what A still holds, "x=2": the reader gets this
        with self.voiceover('An AP system accepts. <bookmark mark="ok"/>C stores x equals 3 and says ok. '
                            '<bookmark mark="read"/>Meanwhile a reader on the other side asks A for x, '
                            f'<bookmark mark="stale"/>and gets {stale.removeprefix("x=")}: a stale read. '
                            "Everyone answered, but the replicas disagree.") as beat:
            self.play(FadeIn(title), Message("x=3").travel(writer, cluster.node_mobject("C")),
                      run_time=beat.time_until_bookmark("ok"))
            self.play(cluster.set_value("C", {"x": 3}),
                      Message("ok", theme.GREEN).travel(cluster.node_mobject("C"), writer),
                      run_time=beat.time_until_bookmark("read"))
            self.play(FadeIn(reader), Message("read x").travel(reader, cluster.node_mobject("A")),
                      run_time=beat.time_until_bookmark("stale"))
            self.play(Message(stale, theme.RED).travel(cluster.node_mobject("A"), reader),
                      run_time=beat.get_remaining_duration())

        # -- healing ------------------------------------------------------------------------------------
        self.chapter("Healing")
        with self.voiceover('When the network heals, <bookmark mark="sync"/>the replicas have to '
                            "reconcile: C's write spreads to A and B. "
                            '<bookmark mark="both"/>Had both sides taken writes, one would be overwritten, '
                            "say by last writer wins, or merged.") as beat:
            self.play(FadeOut(title), FadeOut(reader), cluster.heal(),
                      run_time=beat.time_until_bookmark("sync"))
            self.play(cluster.broadcast("C", "x=3", value={"x": 3}),
                      run_time=beat.time_until_bookmark("both"))
            self.play(*(Circumscribe(cluster.node_mobject(n), color=theme.GREEN, buff=0.12) for n in "ABC"),
                      run_time=beat.get_remaining_duration())

        # -- takeaway ------------------------------------------------------------------------------------
        self.chapter("Takeaway")
        self.play(FadeOut(cluster), FadeOut(writer))
        lines = VGroup(label("No partition: you can have both.", theme.HEADING, theme.TEXT),
                       label("Partition: refuse (CP) or diverge (AP).", theme.HEADING, theme.TEXT),
                       label("Else: latency or consistency (PACELC).", theme.BODY, theme.MUTED))
        lines.arrange(DOWN, buff=0.4)
        with self.voiceover('Without a partition, a system can be both consistent and available. '
                            '<bookmark mark="p"/>Partitions will happen, so the real question is what a '
                            "cut-off node does: refuse, or answer and risk being wrong. "
                            '<bookmark mark="e"/>And even when all is well, waiting for replicas costs '
                            "latency. That is the second half of PACELC.") as beat:
            self.play(FadeIn(lines[0]), run_time=beat.time_until_bookmark("p"))
            self.play(FadeIn(lines[1]), run_time=beat.time_until_bookmark("e"))
            self.play(FadeIn(lines[2]), run_time=beat.get_remaining_duration())

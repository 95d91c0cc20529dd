"""Lamport clocks: ordering events by cause and effect, with counters instead of wall clocks."""

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, Indicate, VGroup

from visualsys import ExplainerScene, Topic, theme
from visualsys.primitives import Callout, Timeline, TitleCard, label

TOPIC = Topic(
    slug="lamport-clock",
    title="Lamport Clocks",
    length=100,
    category="Distributed Systems",
    summary="Two counter rules that order events by cause and effect, and what they cannot tell you.",
    tags=("logical clocks", "happened-before", "causality", "ordering"),
)

SENT, GOT = 5, 3  # seconds past 10:00 on A's fast clock and on B's slow one


def rules() -> VGroup:
    """The two clock rules: a name, when it applies, and what it does to the counter C."""
    rows = [("rule 1", "event or send:", "C = C + 1"), ("rule 2", "receive t:", "C = max(C, t) + 1")]
    cells = [[label(name, theme.LABEL, theme.BLUE, weight="BOLD"), label(when, theme.LABEL, theme.MUTED),
              label(what, theme.LABEL, theme.TEXT, mono=True)] for name, when, what in rows]
    table = VGroup(*(VGroup(*row) for row in cells))
    for row in table:
        row.arrange(buff=0.3)
    table.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
    for col in (1, 2):  # line the columns up
        left = max(row[col].get_left()[0] for row in table)
        for row in table:
            row[col:].shift((left - row[col].get_left()[0]) * RIGHT)
    return table


class LamportClock(ExplainerScene):
    def construct(self):
        card = TitleCard(TOPIC.title, "Ordering events without a shared clock")
        with self.voiceover("Lamport clocks: putting events on different machines in order, "
                            "without trusting any clock."):
            self.play(card.reveal())
        self.play(FadeOut(card))

        # -- the hook: wall clocks lie ----------------------------------------------------------
        self.chapter("Wall clocks lie")
        wall = Timeline(["A", "B"], width=9, slots=4, lamport=False).shift(0.3 * UP)
        with self.voiceover("A sends B a request. "
                            f'<bookmark mark="send"/>A\'s clock stamps the send at second {SENT}; '
                            f'<bookmark mark="recv"/>B\'s clock runs slow, and stamps the arrival at '
                            f"second {GOT}.") as beat:
            self.play(wall.appear(), run_time=beat.time_until_bookmark("send"))
            self.play(wall.send("A", f"sent 10:00:0{SENT}", message="req", at=1), run_time=1)
            self.wait_until_bookmark("recv")
            self.play(wall.receive("B", "req", f"got 10:00:0{GOT}", at=3))
        paradox = Callout("sorted by timestamp, the request\narrives before it was sent", color=theme.RED)
        paradox.next_to(wall, DOWN, buff=0.4)
        with self.voiceover("Sorted by timestamp, the request arrives before it was sent. "
                            "So Lamport stopped trusting clocks, and counted causes instead."):
            self.play(FadeIn(paradox))
        self.play(FadeOut(wall), FadeOut(paradox))

        # -- the two rules --------------------------------------------------------------------------
        self.chapter("Two rules")
        table = rules().to_edge(UP, buff=0.4)
        tl = Timeline(["P1", "P2", "P3"], width=12, height=4.8, slots=9).next_to(table, DOWN, buff=0.6)
        st = self.timeline = tl.state  # kept for tests: the facts the narration quotes
        with self.voiceover("Each process keeps a counter. "
                            '<bookmark mark="r1"/>Rule one: before every event, add one. '
                            '<bookmark mark="ev"/>P1 counts one, two, three, '
                            '<bookmark mark="others"/>while P2 and P3 start counts of their own.') as beat:
            self.play(tl.appear(), run_time=beat.time_until_bookmark("r1"))
            self.play(FadeIn(table[0]), run_time=beat.time_until_bookmark("ev"))
            for name in "abc":
                self.play(tl.event("P1", name, name=name), run_time=0.5)
            self.wait_until_bookmark("others")
            self.play(tl.event("P2", "e", name="e", at=1), tl.event("P3", "g", name="g", at=1))
        self.play(tl.send("P1", "d", message="m1", name="d", at=4), run_time=0.6)
        own, t = st.clocks["P2"], st.get("d").clock
        with self.voiceover(f"A send is an event too, and the message carries the count, {t}. "
                            '<bookmark mark="r2"/>Rule two: on receipt, take the max of yours and '
                            f'the message\'s, plus one. <bookmark mark="calc"/>P2 jumps from {own} '
                            f"to {max(own, t) + 1}.") as beat:
            self.wait_until_bookmark("r2")
            self.play(FadeIn(table[1]), table[0][2].animate.set_color(theme.MUTED))
            self.wait_until_bookmark("calc")
            self.play(tl.receive("P2", "m1", "f", name="f", at=5))
        self.play(tl.send("P3", "h", message="m2", name="h", at=2), run_time=0.6)
        own, t = st.clocks["P2"], st.get("h").clock
        with self.voiceover(f"A slow message stamped {t} finds P2 at {own}. The max keeps {own}, "
                            f'<bookmark mark="recv"/>so the receipt is {max(own, t) + 1}. '
                            "Counters never run backwards.") as beat:
            self.play(tl.receive("P2", "m2", "i", name="i", at=6), run_time=beat.time_until_bookmark("recv"))
        with self.voiceover("One more hop, and P3 catches up in one jump."):
            self.play(tl.send("P2", "j", message="m3", name="j", at=7), run_time=0.5)
            self.play(tl.receive("P3", "m3", "k", name="k", at=8))

        # -- what it can order -------------------------------------------------------------------
        self.chapter("Happened-before")
        path = st.causal_path("a", "k")
        with self.voiceover("Event a happened before k: a chain of steps and messages joins them, "
                            f'<bookmark mark="chain"/>and along it the stamps only grow, from '
                            f"{path[0].clock} to {path[-1].clock}. A cause always gets the smaller stamp."
                            ) as beat:
            self.wait_until_bookmark("chain")
            self.play(tl.highlight("a", "k"), run_time=beat.get_remaining_duration())

        # -- what it cannot ---------------------------------------------------------------------------
        self.chapter("What it cannot tell")
        x, y = st.get("h"), st.get("c")
        with self.voiceover(f"The reverse fails. {x.label} has {x.clock} and {y.label} has {y.clock}, "
                            '<bookmark mark="ring"/>yet no chain joins them: they are concurrent.') as beat:
            self.wait_until_bookmark("ring")
            self.play(tl.highlight(x.name, y.name))
        note = Callout("to detect concurrency: vector clocks", color=theme.BLUE).to_edge(DOWN, buff=0.3)
        with self.voiceover("So a smaller stamp never proves that one event could affect the other. "
                            "Telling concurrent from ordered takes a vector clock: one counter per process."):
            self.play(FadeIn(note))
        self.play(FadeOut(note), tl.clear_highlight())

        # -- a total order ------------------------------------------------------------------------------
        self.chapter("A total order")
        order = st.total_order()
        letters = label("  ".join(e.label for e in order), theme.BODY, theme.TEXT, mono=True)
        for glyph, e in zip(letters, order, strict=True):
            glyph.set_color(tl.colors[e.process])
        strip = VGroup(label("order:", theme.LABEL, theme.MUTED), letters).arrange(buff=0.4)
        strip.to_edge(DOWN, buff=0.4)
        ties = [tl.event_mobject(e.name)[2] for e in order if e.clock == 1]
        with self.voiceover(f"Stamps can tie: {len(ties)} events have stamp one. "
                            "Break ties by process number, and every process sorts all "
                            '<bookmark mark="strip"/>events into the same order, one that respects '
                            "causality: enough for a fair distributed lock.") as beat:
            self.play(*(Indicate(t, color=theme.YELLOW, scale_factor=1.6) for t in ties),
                      run_time=beat.time_until_bookmark("strip"))
            self.play(FadeIn(strip, lag_ratio=0.15), run_time=beat.get_remaining_duration())

        # -- takeaway -------------------------------------------------------------------------------------
        self.chapter("Takeaway")
        self.play(FadeOut(VGroup(tl, table, strip)))
        takeaway = label("a → b  implies  L(a) < L(b)\nL(a) < L(b)  does not imply  a → b",
                         theme.HEADING, theme.TEXT, mono=True)
        with self.voiceover("Two rules and one counter. If a happened before b, a's stamp is smaller. "
                            "But a smaller stamp, on its own, proves nothing about cause."):
            self.play(FadeIn(takeaway, shift=0.2 * UP))

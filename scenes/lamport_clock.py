"""Lamport clocks: ordering events by cause and effect, with counters instead of wall clocks."""

from manim import DOWN, LEFT, RIGHT, UP, AnimationGroup, FadeIn, FadeOut, Indicate, ManimColor, VGroup

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


def pulse(tl: Timeline, *events: str, color: ManimColor = theme.YELLOW, lag: float = 0.0) -> AnimationGroup:
    """Flash the drawn Lamport timestamps of ``events``, each in place."""
    return AnimationGroup(*(Indicate(tl.event_mobject(e)[2], color=color, scale_factor=1.5) for e in events),
                          lag_ratio=lag)


class LamportClock(ExplainerScene):
    def construct(self):
        card = TitleCard(TOPIC.title, "Ordering events without a shared clock")
        with self.voiceover("Lamport clocks: putting events on different machines in order, "
                            '<bookmark mark="sub"/>without trusting any clock.') as beat:
            self.play(FadeIn(card[:2], shift=0.2 * UP), run_time=beat.time_until_bookmark("sub"))
            self.play(FadeIn(card.subtitle), run_time=beat.get_remaining_duration())
        self.play(FadeOut(card))

        # -- the hook: wall clocks lie ----------------------------------------------------------
        self.chapter("Wall clocks lie")
        wall = Timeline(["A", "B"], width=9, slots=4, lamport=False).shift(0.3 * UP)
        with self.voiceover("A sends B a request. "
                            f'<bookmark mark="send"/>A\'s clock stamps the send at second {SENT}; '
                            f'<bookmark mark="recv"/>B\'s clock runs slow, and stamps the arrival at '
                            f"second {GOT}.") as beat:
            self.play(wall.appear(), run_time=beat.time_until_bookmark("send"))
            self.play(wall.send("A", f"sent 10:00:0{SENT}", message="req", at=1),
                      run_time=beat.time_until_bookmark("recv"))
            self.play(wall.receive("B", "req", f"got 10:00:0{GOT}", at=3),
                      run_time=beat.get_remaining_duration())
        paradox = Callout("sorted by timestamp, the request\narrives before it was sent", color=theme.RED)
        paradox.next_to(wall, DOWN, buff=0.4)
        with self.voiceover('Sorted by timestamp, <bookmark mark="sorted"/>the request arrives before it was '
                            'sent. <bookmark mark="count"/>So Lamport stopped trusting clocks, '
                            "and counted causes instead.") as beat:
            self.play(FadeIn(paradox), run_time=beat.time_until_bookmark("sorted"))
            self.play(Indicate(paradox.text, color=theme.RED, scale_factor=1.05),
                      run_time=beat.time_until_bookmark("count"))
            self.play(FadeOut(wall), FadeOut(paradox), run_time=beat.get_remaining_duration())

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
        send = tl.send("P1", "d", message="m1", name="d", at=4)
        own, t = st.clocks["P2"], st.get("d").clock
        with self.voiceover('A send is an event too, <bookmark mark="carry"/>and the message carries the '
                            f'count, {t}. <bookmark mark="r2"/>Rule two: on receipt, take the max of yours '
                            f'and the message\'s, plus one. <bookmark mark="calc"/>P2 jumps from {own} '
                            f"to {max(own, t) + 1}.") as beat:
            self.play(send, run_time=beat.time_until_bookmark("carry"))
            self.play(pulse(tl, "d", color=theme.YELLOW),
                      run_time=beat.time_until_bookmark("r2"))
            self.play(FadeIn(table[1]), table[0][2].animate.set_color(theme.MUTED), run_time=1)
            self.play(Indicate(table[1][2], color=theme.YELLOW, scale_factor=1.1),
                      run_time=beat.time_until_bookmark("calc"))
            self.play(tl.receive("P2", "m1", "f", name="f", at=5), run_time=beat.get_remaining_duration())
        send = tl.send("P3", "h", message="m2", name="h", at=2)
        own, t = st.clocks["P2"], st.get("h").clock
        with self.voiceover(f'A slow message stamped {t} <bookmark mark="finds"/>finds P2 at {own}. '
                            f'The max keeps {own}, so the receipt is {max(own, t) + 1}. '
                            '<bookmark mark="back"/>Counters never run backwards.') as beat:
            self.play(send, run_time=beat.time_until_bookmark("finds"))
            self.play(tl.receive("P2", "m2", "i", name="i", at=6), run_time=beat.time_until_bookmark("back"))
            self.play(pulse(tl, "f", "i", color=theme.YELLOW),
                      run_time=beat.get_remaining_duration())
        with self.voiceover("One more hop, and P3 catches up in one jump.") as beat:
            self.play(tl.send("P2", "j", message="m3", name="j", at=7), run_time=0.5)
            self.play(tl.receive("P3", "m3", "k", name="k", at=8), run_time=beat.get_remaining_duration())

        # -- what it can order -------------------------------------------------------------------
        self.chapter("Happened-before")
        path = st.causal_path("a", "k")
        with self.voiceover('Event a happened before k: <bookmark mark="chain"/>a chain of steps and '
                            'messages joins them, <bookmark mark="grow"/>and along it the stamps only grow, '
                            f"from {path[0].clock} to {path[-1].clock}. "
                            "A cause always gets the smaller stamp.") as beat:
            self.play(*(Indicate(tl.event_mobject(e)[0], color=theme.GREEN, scale_factor=1.6) for e in "ak"),
                      run_time=beat.time_until_bookmark("chain"))
            self.play(tl.highlight("a", "k"), run_time=beat.time_until_bookmark("grow"))
            self.play(pulse(tl, *(e.name for e in path), color=theme.GREEN, lag=0.15),
                      run_time=beat.get_remaining_duration())

        # -- what it cannot ---------------------------------------------------------------------------
        self.chapter("What it cannot tell")
        x, y = st.get("h"), st.get("c")
        with self.voiceover(f'The reverse fails. <bookmark mark="pair"/>{x.label} has {x.clock} and '
                            f'{y.label} has {y.clock}, <bookmark mark="ring"/>yet no chain joins them: '
                            "they are concurrent.") as beat:
            self.play(tl.clear_highlight(), run_time=beat.time_until_bookmark("pair"))
            self.play(pulse(tl, x.name, y.name, color=theme.YELLOW),
                      run_time=beat.time_until_bookmark("ring"))
            self.play(tl.highlight(x.name, y.name), run_time=beat.get_remaining_duration())
        note = Callout("to detect concurrency: vector clocks", color=theme.BLUE).to_edge(DOWN, buff=0.65)
        with self.voiceover("So a smaller stamp never proves that one event could affect the other. "
                            '<bookmark mark="vector"/>Telling concurrent from ordered takes a vector clock: '
                            '<bookmark mark="one"/>one counter per process.') as beat:
            self.play(pulse(tl, x.name, y.name, color=theme.YELLOW),
                      run_time=beat.time_until_bookmark("vector"))
            self.play(FadeIn(note, shift=0.2 * UP), run_time=beat.time_until_bookmark("one"))
        self.play(FadeOut(note), tl.clear_highlight())

        # -- a total order ------------------------------------------------------------------------------
        self.chapter("A total order")
        order = st.total_order()
        letters = label("  ".join(e.label for e in order), theme.BODY, theme.TEXT, mono=True)
        for glyph, e in zip(letters, order, strict=True):
            glyph.set_color(tl.colors[e.process])
        strip = VGroup(label("order:", theme.LABEL, theme.MUTED), letters).arrange(buff=0.4)
        strip.to_edge(DOWN, buff=0.4)
        ties = [e.name for e in order if e.clock == 1]
        with self.voiceover(f"Stamps can tie: {len(ties)} events have stamp one. "
                            "Break ties by process number, and every process sorts all "
                            '<bookmark mark="strip"/>events into the same order, one that respects '
                            "causality: enough for a fair distributed lock.") as beat:
            self.play(pulse(tl, *ties, color=theme.YELLOW),
                      run_time=beat.time_until_bookmark("strip"))
            self.play(FadeIn(strip, lag_ratio=0.15), run_time=beat.get_remaining_duration())

        # -- takeaway -------------------------------------------------------------------------------------
        self.chapter("Takeaway")
        self.play(FadeOut(VGroup(tl, table, strip)))
        lines = VGroup(label("a → b  implies  L(a) < L(b)", theme.HEADING, theme.TEXT, mono=True),
                       label("L(a) < L(b)  does not imply  a → b", theme.HEADING, theme.TEXT, mono=True))
        lines.arrange(DOWN, buff=0.5)
        with self.voiceover('Two rules and one counter. <bookmark mark="yes"/>If a happened before b, '
                            'a\'s stamp is smaller. <bookmark mark="no"/>But a smaller stamp, on its own, '
                            "proves nothing about cause.") as beat:
            self.play(FadeIn(table), run_time=beat.time_until_bookmark("yes"))
            self.play(FadeOut(table), FadeIn(lines[0], shift=0.2 * UP),
                      run_time=beat.time_until_bookmark("no"))
            self.play(FadeIn(lines[1], shift=0.2 * UP), run_time=beat.get_remaining_duration())

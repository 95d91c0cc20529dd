"""A tour of visualsys's primitives: every one doing its job for a few seconds."""

from manim import DOWN, RIGHT, UP, FadeIn, FadeOut, VGroup

from visualsys import ExplainerScene, Topic, theme
from visualsys.primitives import (
    BTree,
    BTreeState,
    CallStack,
    CallTree,
    CallTreeState,
    Cluster,
    CodePanel,
    HashRing,
    Log,
    PageStore,
    RequestStream,
    SlidingWindow,
    StateMachine,
    Timeline,
    TitleCard,
    TokenBucket,
    label,
)

TOPIC = Topic(
    slug="primitives-tour",
    title="The visualsys primitives",
    length=115,
    category="visualsys",
    summary="Every reusable visual in the library, each doing its job for a few seconds.",
    tags=("primitives", "reference"),
)

FACT = """def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)"""


def fib(call, n):
    """Fibonacci, written against CallTreeState.trace's ``call``."""
    return n if n < 2 else call(n - 1) + call(n - 2)


class PrimitivesTour(ExplainerScene):
    def stop(self, title, mob, text, *actions):
        """One stop of the tour: a heading, the primitive, and one action per bookmark 1, 2, ..."""
        self.chapter(title)
        self.play(*[FadeOut(m) for m in self.mobjects])  # the previous stop (or the title) stays until here
        heading = label(title, theme.HEADING, theme.TEXT, weight="BOLD").to_edge(UP, buff=0.4)
        mob.next_to(heading, DOWN, buff=0.5)
        if mob.get_bottom()[1] < -3.6:
            mob.shift((-3.6 - mob.get_bottom()[1]) * UP)
        with self.voiceover(text) as beat:
            self.play(FadeIn(heading), FadeIn(mob), run_time=beat.time_until_bookmark("1"))
            for i, action in enumerate(actions, start=1):
                until = (beat.time_until_bookmark(str(i + 1)) if i < len(actions)
                         else beat.get_remaining_duration())
                self.play(action(), run_time=until)

    def construct(self):
        with self.voiceover("A quick tour of the pieces visualsys explainers are built from. "
                            '<bookmark mark="each"/>Each one draws a real model, '
                            "so the picture is the algorithm."
                            ) as beat:
            card = TitleCard(TOPIC.title, "A tour of the library")
            self.play(card.reveal(), run_time=beat.time_until_bookmark("each"))
            self.play(card.animate.scale(0.9), run_time=beat.get_remaining_duration())

        ring = HashRing(nodes=["A", "B", "C"], keys=["alice", "bob", "carol", "dave"], radius=1.8)
        self.stop("HashRing", ring, 'A hash ring places servers and keys by hash. <bookmark mark="1"/>'
                  'A lookup walks clockwise, <bookmark mark="2"/>and a new server takes only its arc.',
                  lambda: ring.lookup("alice"), lambda: ring.add_node("D"))

        tree = BTree(BTreeState.from_keys([10, 20, 30, 40, 50, 60, 70], order=4), width=9)
        self.stop("BTree", tree, 'A B-tree searches page by page, <bookmark mark="1"/>lighting each read, '
                  '<bookmark mark="2"/>and an insert splits full nodes on its way up.',
                  lambda: tree.search(60), lambda: tree.insert(80))

        bucket = TokenBucket(capacity=5, refill_rate=1, width=6, height=4)
        self.stop("TokenBucket", bucket, 'A token bucket holds five tokens. <bookmark mark="1"/>A burst of '
                  'eight spends them and three are refused; <bookmark mark="2"/>time drips tokens back in.',
                  lambda: bucket.burst(8, spacing=0.1), lambda: bucket.tick(3))

        window = SlidingWindow(limit=5, window=10, mode="fixed", width=9, height=3.5)
        self.stop("SlidingWindow", window, 'A fixed window counts requests per interval. '
                  '<bookmark mark="1"/>Five just before the boundary <bookmark mark="2"/>and five just after '
                  '<bookmark mark="3"/>all pass: ten in under a second.',
                  lambda: window.burst(5, start=9.5, spacing=0.1),
                  lambda: window.burst(5, start=10.0, spacing=0.1), lambda: window.mark_span(9.5, 10.4))

        stream = RequestStream(limiter_label="rate limiter", width=10, height=3)
        self.stop("RequestStream", stream, 'A request stream shows traffic meeting a limiter: '
                  '<bookmark mark="1"/>some pass, the rest bounce with a 429.',
                  lambda: stream.send([True] * 4 + [False] * 3))

        stack = CallStack(max_depth=50, width=4.5, height=5.2)
        code = CodePanel(FACT, width=6.5)
        pair = VGroup(code, stack).arrange(RIGHT, buff=0.6)
        self.stop("CallStack and CodePanel", pair, 'A call stack grows as functions call themselves, '
                  '<bookmark mark="1"/>in step with the line that runs: '
                  '<bookmark mark="2"/>fact of three calls fact of two, '
                  '<bookmark mark="3"/>which calls fact of one, '
                  '<bookmark mark="4"/>and each return hands its value back.',
                  lambda: code.step(code.find("def fact"), stack.push("fact", {"n": 3})),
                  lambda: code.step(code.find("return n"), stack.push("fact", {"n": 2})),
                  lambda: code.step(code.find("return n"), stack.push("fact", {"n": 1})),
                  lambda: code.step(code.find("return 1"), stack.pop(1)))

        log = Log(name="P0", width=11)
        self.stop("Log", log, 'A log only grows at its end. <bookmark mark="1"/>Records get offsets, '
                  '<bookmark mark="2"/>and a consumer remembers how far it has read.',
                  lambda: log.append_many([("k1", "add"), ("k2", "view"), ("k1", "buy")]),
                  lambda: log.add_consumer("A"))

        pages = PageStore(pages={1: {"alice": 100}, 2: {"bob": 100}}, cached=[1])
        self.stop("PageStore", pages, 'A page store is a buffer pool over disk pages. '
                  '<bookmark mark="1"/>A write dirties the page in memory, '
                  '<bookmark mark="2"/>and a flush writes it back to disk.',
                  lambda: pages.write("alice", 70, lsn=3), lambda: pages.flush())

        tree = CallTree(CallTreeState.trace(fib, 4, name="fib"), width=10, height=4.5, shown=0)
        self.stop("CallTree", tree, 'A call tree traces a real recursive function. <bookmark mark="1"/>'
                  f'Naive fib of four makes {tree.state.calls} calls, '
                  '<bookmark mark="2"/>and the repeats are the ones a cache would skip.',
                  lambda: tree.grow(), lambda: tree.mark(tree.state.memo_cut()[1], "pruned"))

        transitions = [("CLOSED", "failures", "OPEN"), ("OPEN", "timeout", "HALF-OPEN"),
                       ("HALF-OPEN", "probe ok", "CLOSED"), ("HALF-OPEN", "probe fails", "OPEN")]
        breaker = StateMachine(["CLOSED", "OPEN", "HALF-OPEN"], transitions, width=9, height=4.5)
        self.stop("StateMachine", breaker, 'A state machine lights its current state. '
                  '<bookmark mark="1"/>Failures trip it open, '
                  '<bookmark mark="2"/>and a timeout lets a probe try.',
                  lambda: breaker.fire("failures"), lambda: breaker.fire("timeout"))

        cluster = Cluster(["A", "B", "C"], values={n: "x=1" for n in "ABC"}, width=8, height=4.5)
        self.stop("Cluster", cluster, 'A cluster sends messages between nodes. <bookmark mark="1"/>Cut the '
                  'network, <bookmark mark="2"/>and a message across the cut is lost.',
                  lambda: cluster.partition(["A"]), lambda: cluster.send("A", "B", "x=2"))

        timeline = Timeline(["P1", "P2", "P3"], width=10, slots=6)
        self.stop("Timeline", timeline, 'A timeline gives each process a lane. '
                  '<bookmark mark="1"/>Events tick a Lamport clock, '
                  '<bookmark mark="2"/>and a message carries it to another lane.',
                  lambda: timeline.event("P1", "a"), lambda: timeline.message("P1", "P2", "send", "recv"))

        self.chapter("Takeaway")
        self.play(*[FadeOut(m) for m in self.mobjects])
        end = label("Scenes call verbs; the models do the work.", theme.HEADING, theme.TEXT)
        with self.voiceover("Scenes only call verbs like these. The models underneath do the real work, "
                            '<bookmark mark="end"/>and the tests check them.') as beat:
            self.play(FadeIn(end, shift=0.2 * UP), run_time=beat.time_until_bookmark("end"))
            self.play(end.animate.set_color(theme.BLUE), run_time=beat.get_remaining_duration())

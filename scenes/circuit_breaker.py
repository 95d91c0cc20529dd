"""Circuit breaker: stop calling a failing service, fail fast, and probe before trusting it again."""

from manim import DOWN, LEFT, RIGHT, UP, Animation, FadeIn, FadeOut, Indicate, VGroup, smooth

from visualsys import ExplainerScene, Topic, theme
from visualsys.primitives import Callout, Readout, RequestStream, StateMachine, TitleCard, label
from visualsys.primitives.circuit_breaker import CLOSED, HALF_OPEN, OPEN, CircuitBreakerState

TOPIC = Topic(
    slug="circuit-breaker",
    title="Circuit Breaker",
    length=100,
    category="System Design",
    summary="How a circuit breaker stops calls to a failing service, fails fast, and probes for recovery.",
    tags=("resilience", "microservices", "fail fast", "cascading failure"),
)

THRESHOLD, TIMEOUT = 3, 5  # failures in a row that trip it; seconds it stays open before a probe
FIRE = 1.5  # seconds a transition takes to light up
GAP = 0.6  # seconds between packets on the lane: room for each tag
WORDS = ("One failure", "two", "three", "four", "five")  # the count, spoken as the failures land


def at(start: float, anim: Animation, length: float = 0.15) -> Animation:
    """``anim`` played in a short slice of its run time starting at fraction ``start`` (a readout ticking)."""
    anim.rate_func = lambda a: smooth(min(1.0, max(0.0, (a - start) / length)))
    return anim


class CircuitBreaker(ExplainerScene):
    def construct(self):
        card = TitleCard(TOPIC.title, "Stop calling a service that is down")
        with self.voiceover("The circuit breaker: how to stop calling a service that is already failing, "
                            '<bookmark mark="sub"/>and how to notice when it is back.') as beat:
            self.play(FadeIn(card[:2], shift=0.2 * UP), run_time=beat.time_until_bookmark("sub"))
            self.play(FadeIn(card.subtitle), run_time=beat.get_remaining_duration())
        self.play(FadeOut(card))

        # -- the problem: failing slowly ------------------------------------------------------------
        self.chapter("Failing slowly")
        chain = RequestStream(client_label="users", limiter_label="orders", backend_label="payments",
                              width=9.5, spacing=GAP).scale(1.3)
        down = Callout("down", chain.backend, direction=UP, color=theme.RED, buff=0.5)
        with self.voiceover("An orders service calls a payments service on every checkout. "
                            '<bookmark mark="down"/>Then payments breaks. Every call still goes out, '
                            "waits, and comes back as an error, often only after a timeout.") as beat:
            self.play(FadeIn(chain), run_time=0.5)
            self.play(chain.send(["ok"] * 2), run_time=beat.time_until_bookmark("down"))
            self.play(FadeIn(down), run_time=0.5)
            self.play(chain.send(["failed"] * 4), run_time=beat.get_remaining_duration())
        with self.voiceover("While orders waits, its threads and connections pile up. "
                            '<bookmark mark="cascade"/>Soon orders is slow for its own users too: '
                            "one sick service has taken down its callers.") as beat:
            self.play(chain.send(["failed"] * 3), run_time=beat.time_until_bookmark("cascade"))
            self.play(Indicate(chain.limiter, color=theme.RED), Indicate(chain.client, color=theme.RED),
                      run_time=beat.get_remaining_duration())
        self.play(FadeOut(chain), FadeOut(down))

        # -- closed: count the failures ---------------------------------------------------------------
        self.chapter("Closed")
        cb = self.breaker = CircuitBreakerState(failure_threshold=THRESHOLD, reset_timeout=TIMEOUT)
        sm = StateMachine([CLOSED, OPEN, HALF_OPEN], cb.transitions(), width=7.5, height=3.9,
                          colors={CLOSED: theme.GREEN, OPEN: theme.RED, HALF_OPEN: theme.YELLOW})
        sm.to_edge(UP, buff=0.5).to_edge(LEFT, buff=1.0)
        stream = RequestStream(client_label="orders", limiter_label="circuit breaker",
                               backend_label="payments", reject_tag="fast fail", width=10.5,
                               spacing=GAP).scale(1.2).to_edge(DOWN, buff=0.8)
        clock = Readout("time", "0 s", color=theme.TEXT)
        fails = Readout("failures in a row", f"0 / {THRESHOLD}", color=theme.ORANGE)
        retry = Readout("probe at", "-", color=theme.YELLOW)
        panel = VGroup(clock, fails, retry).arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        panel.next_to(sm, RIGHT, buff=0.8).align_to(sm, UP).shift(0.3 * DOWN)

        def call(t, ok):
            """One call through the breaker: the model decides, the stream shows it, readouts follow."""
            c = cb.call(t, ok)
            anims = [stream.send([c.outcome]), at(0, clock.set(f"{t:g} s")),
                     at(0.45, fails.set(f"{c.failures} / {THRESHOLD}"))]
            if cb.retry_at is not None:
                anims.append(at(0.45, retry.set(f"{cb.retry_at:g} s")))
            return c, anims

        with self.voiceover("A circuit breaker wraps the call. It starts closed, like a closed switch: "
                            '<bookmark mark="flow"/>current flows, every call goes through, '
                            "and the breaker counts failures in a row.") as beat:
            self.play(FadeIn(sm), FadeIn(stream), FadeIn(panel), run_time=beat.time_until_bookmark("flow"))
            for t in (0, 1):
                _, anims = call(t, True)
                self.play(*anims, run_time=beat.get_remaining_duration() / (2 - t))
        counted = ", ".join(f'<bookmark mark="f{n}"/>{word}' for n, word in enumerate(WORDS[:THRESHOLD], 1))
        with self.voiceover(f"Payments breaks again. {counted} in a row: "
                            '<bookmark mark="trip"/>the breaker trips, and opens.') as beat:
            t = 2
            self.wait_until_bookmark("f1")
            while cb.state == CLOSED:
                c, anims = call(t, False)
                mark = f"f{c.failures + 1}" if cb.state == CLOSED else "trip"
                self.play(*anims, run_time=beat.time_until_bookmark(mark))
                t += 1
            for event in c.events:
                self.play(sm.fire(event), run_time=min(FIRE, beat.get_remaining_duration()))
            self.play(Indicate(stream.limiter, color=theme.RED), run_time=beat.get_remaining_duration())
        trip_at = c.time

        # -- open: fail fast ------------------------------------------------------------------------
        self.chapter("Open")
        open_calls = []
        with self.voiceover('While it is open, calls fail fast. <bookmark mark="fast"/>The breaker answers '
                            "at once with an error: no network call, no waiting. The caller can fall back "
                            "to a cached or default answer.") as beat:
            self.play(Indicate(sm.state_mobject(OPEN), color=theme.RED),
                      run_time=beat.time_until_bookmark("fast"))
            for i in range(3):
                c, anims = call(t, True)
                open_calls.append(c)
                self.play(*anims, run_time=beat.get_remaining_duration() / (3 - i))
                t += 1
        with self.voiceover("Payments gets no traffic at all: time to recover. The breaker opened at "
                            f'second {trip_at:g}; <bookmark mark="probe"/>it will try again '
                            f"{TIMEOUT} seconds later, at second {cb.retry_at:g}.") as beat:
            c, anims = call(t, True)
            open_calls.append(c)
            self.play(*anims, run_time=beat.time_until_bookmark("probe"))
            self.play(Indicate(retry), run_time=beat.get_remaining_duration())
        self.open_calls = open_calls

        # -- half-open: one probe --------------------------------------------------------------------
        self.chapter("Half-open")
        first = cb.call(cb.retry_at, False)  # payments is still down
        with self.voiceover(f'At second {first.time:g} <bookmark mark="half"/>the breaker goes half-open '
                            'and lets a single probe through. <bookmark mark="fail"/>Payments is still down: '
                            "the probe fails, and the breaker opens again for another "
                            f"{TIMEOUT} seconds.") as beat:
            self.play(at(0, clock.set(f"{first.time:g} s")), sm.fire(first.events[0]),
                      run_time=beat.time_until_bookmark("half"))
            self.play(stream.send([first.outcome]), run_time=beat.time_until_bookmark("fail"))
            self.play(sm.fire(first.events[1]), retry.set(f"{cb.retry_at:g} s"), run_time=FIRE)
            for i, later in enumerate((first.time + 1, first.time + 3)):  # open again: these fail fast
                _, anims = call(later, True)
                self.play(*anims, run_time=beat.get_remaining_duration() / (2 - i))
        second = cb.call(cb.retry_at, True)  # payments has recovered
        with self.voiceover(f'At second {second.time:g}, another probe. <bookmark mark="ok"/>This time it '
                            'succeeds, so the breaker closes, <bookmark mark="reset"/>resets its count, '
                            "and traffic flows again.") as beat:
            self.play(at(0, clock.set(f"{second.time:g} s")), sm.fire(second.events[0]),
                      stream.send([second.outcome]), run_time=beat.time_until_bookmark("ok"))
            self.play(sm.fire(second.events[1]), retry.set("-"),
                      run_time=min(FIRE, beat.time_until_bookmark("reset")))
            self.wait_until_bookmark("reset")
            self.play(fails.set(f"{cb.failures} / {THRESHOLD}"), run_time=0.5)
            t = second.time + 1
            for i in range(2):
                _, anims = call(t + i, True)
                self.play(*anims, run_time=beat.get_remaining_duration() / (2 - i))

        # -- takeaway ----------------------------------------------------------------------------------
        self.chapter("Takeaway")
        saved = cb.rejected
        lines = VGroup(
            label(f"{saved} calls failed fast instead of waiting on a dead service", theme.BODY, theme.TEXT),
            label("Two knobs: how many failures trip it, how long it stays open", theme.BODY, theme.MUTED),
            label("Fail fast while it is down; probe before trusting it again", theme.HEADING, theme.BLUE),
        ).arrange(DOWN, buff=0.4)
        with self.voiceover(f"{saved} calls failed fast instead of piling up on a dead service. "
                            '<bookmark mark="knobs"/>You tune two things: how many failures trip it, '
                            "and how long it stays open; many libraries trip on a failure rate over "
                            'a recent window instead of a streak. <bookmark mark="gist"/>Fail fast while a '
                            "service is down, and probe before you trust it again.") as beat:
            self.play(FadeOut(VGroup(sm, stream, panel)), run_time=0.5)
            self.play(FadeIn(lines[0], shift=0.2 * UP), run_time=beat.time_until_bookmark("knobs"))
            self.play(FadeIn(lines[1], shift=0.2 * UP), run_time=beat.time_until_bookmark("gist"))
            self.play(FadeIn(lines[2], shift=0.2 * UP), run_time=beat.get_remaining_duration())

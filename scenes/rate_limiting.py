"""Rate limiting: a token bucket and a sliding window take the same burst, and decide differently."""

from fractions import Fraction

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, Indicate, VGroup

from visualsys import ExplainerScene, Topic, theme
from visualsys.primitives import (
    RequestStream,
    SlidingWindow,
    SlidingWindowState,
    TitleCard,
    TokenBucket,
    TokenBucketState,
    label,
)

TOPIC = Topic(
    slug="rate-limiting",
    title="Rate Limiting",
    length=100,
    category="System Design",
    summary="Token bucket vs sliding window on the same burst: what each lets through, and what it costs.",
    tags=("rate limiter", "token bucket", "sliding window", "429", "API"),
    lexicon={"429": "four twenty-nine"},
)

LIMIT, WINDOW, RATE = 5, 5, 1  # both limiters: five requests, one a second on average
FULL_AT = 5  # seconds of refill before the burst (the bucket starts with one token)
BURST = [FULL_AT + Fraction(i, 10) for i in range(8)]  # eight requests, 0.1 s apart
LATER = [BURST[-1] + 2, BURST[-1] + Fraction(21, 10)]  # two more, two seconds after the burst
EDGE = [Fraction(45, 10) + Fraction(i, 10) for i in range(10)]  # five before second 5, five after
LEFT_X, RIGHT_X, ROW_Y = -3.2, 3.2, -0.95  # two 6 x 4 panels inside the 5 % safe margin
SPACING = 0.4  # seconds between packets on a panel's lane: room for each 429 tag


def accepted_within(bucket: TokenBucketState, a: Fraction, b: Fraction) -> int:
    """Requests the bucket accepted with arrival time in ``(a, b]``."""
    return sum(r.accepted and a < r.time <= b for r in bucket.log)


def panel(limiter, x: float, name: str) -> RequestStream:
    """Put ``limiter`` at ``x`` on the row and return a request stream above it."""
    limiter.move_to([x, ROW_Y, 0])
    return RequestStream(width=6, limiter_label=name, backend_label="api").next_to(limiter, UP, buff=0.3)


class RateLimiting(ExplainerScene):
    def construct(self):
        card = TitleCard(TOPIC.title, "Token bucket vs sliding window, on the same burst")
        with self.voiceover('Rate limiting: token bucket versus sliding window, <bookmark mark="sub"/>'
                            "on the same burst.") as beat:
            self.play(FadeIn(card[:2], shift=0.2 * UP), run_time=beat.time_until_bookmark("sub"))
            self.play(FadeIn(card.subtitle), run_time=beat.get_remaining_duration())
        self.play(FadeOut(card))

        # -- why limit ------------------------------------------------------------------------------
        self.chapter("Why limit")
        open_door = RequestStream(width=10, limiter_label="no limit", backend_label="service",
                                  fail_tag="503").shift(0.3 * UP)
        hook = TokenBucketState(LIMIT, RATE)
        wide = RequestStream(decide=lambda i: hook.request_at(Fraction(i, 10)), width=10,
                             limiter_label="rate limiter", backend_label="service").shift(0.3 * UP)
        with self.voiceover('One client in a retry loop <bookmark mark="swamp"/>can swamp a service. '
                            '<bookmark mark="front"/>A rate limiter in front passes requests within the '
                            'limit, <bookmark mark="excess"/>and answers the rest with 429: '
                            "Too Many Requests.") as beat:
            self.play(FadeIn(open_door), run_time=beat.time_until_bookmark("swamp"))
            self.play(open_door.send(["ok"] * 3 + ["failed"] * 4, spacing=0.2),
                      Indicate(open_door.backend, color=theme.RED),
                      run_time=beat.time_until_bookmark("front"))
            self.play(FadeOut(open_door), run_time=0.3)
            self.play(FadeIn(wide), run_time=0.3)
            self.play(wide.send(3), run_time=beat.time_until_bookmark("excess"))
            self.play(wide.send(5, spacing=0.3), run_time=beat.get_remaining_duration())
        self.play(FadeOut(wide))

        # -- the token bucket -------------------------------------------------------------------------
        self.chapter("Token bucket")
        bucket = TokenBucket(TokenBucketState(LIMIT, RATE, tokens=1), plot_seconds=10)
        left = panel(bucket, LEFT_X, "bucket")
        st = bucket.state
        with self.voiceover(f"A token bucket holds at most {st.capacity} tokens. "
                            '<bookmark mark="drip"/>It refills at a fixed rate, '
                            f"{st.refill_rate:g} token a second, and stops when it is full.") as beat:
            self.play(FadeIn(bucket), FadeIn(left), run_time=beat.time_until_bookmark("drip"))
            for i in range(FULL_AT):
                self.play(bucket.tick(1), run_time=beat.get_remaining_duration() / (FULL_AT - i))
        burst = bucket.feed(BURST)
        ok = sum(bucket.last_decisions)
        with self.voiceover(f"Each request takes a token. A burst of {len(BURST)} in under a second: "
                            f'<bookmark mark="burst"/>{ok} take the tokens, and the other {len(BURST) - ok} '
                            "find it empty and get 429.") as beat:
            self.play(Indicate(bucket.bucket), run_time=beat.time_until_bookmark("burst"))
            self.play(burst, left.send(bucket.last_decisions, spacing=SPACING),
                      run_time=beat.get_remaining_duration())
        then = bucket.feed(LATER)
        with self.voiceover(f"Tokens keep dripping in: <bookmark mark=\"later\"/>two seconds later, "
                            f"{sum(bucket.last_decisions)} more pass. Bursts up to the bucket's size, "
                            f"and {st.refill_rate:g} request a second on average.") as beat:
            self.wait_until_bookmark("later")
            self.play(then, left.send(bucket.last_decisions, spacing=SPACING),
                      run_time=beat.get_remaining_duration())

        # -- the sliding window -----------------------------------------------------------------------
        self.chapter("Sliding window")
        window = SlidingWindow(SlidingWindowState(LIMIT, WINDOW), span=3 * WINDOW)
        right = panel(window, RIGHT_X, "window")
        ws = window.state
        burst = window.feed(BURST)
        with self.voiceover(f"A sliding window allows at most {ws.limit} requests in any {ws.window:g} "
                            f'seconds. <bookmark mark="same"/>The same burst: {sum(window.last_decisions)} '
                            f"pass, {window.last_decisions.count(False)} get 429.") as beat:
            self.play(FadeIn(window), FadeIn(right), run_time=beat.time_until_bookmark("same"))
            self.play(burst, right.send(window.last_decisions, spacing=SPACING),
                      run_time=beat.get_remaining_duration())
        then = window.feed(LATER)
        free = next(t / 10 for t in range(int(LATER[-1] * 10), 100 * WINDOW) if ws.would_allow(t / 10))
        with self.voiceover(f"Two seconds later it still counts {ws.requests[-2].used:g}, "
                            f'<bookmark mark="refuse"/>so both are refused, until second {free:g}.') as beat:
            self.play(then, right.send(window.last_decisions, spacing=SPACING),
                      run_time=beat.time_until_bookmark("refuse"))
            self.play(Indicate(window.window_band, color=theme.RED), run_time=beat.get_remaining_duration())
        span = (LATER[-1] - WINDOW, LATER[-1])
        with self.voiceover("Same average, different promise: "
                            f"the bucket let {accepted_within(st, *span)} through "
                            f'in those {WINDOW} seconds; <bookmark mark="window"/>the window, never more '
                            f"than {ws.limit}.") as beat:
            self.play(Indicate(bucket.bucket, color=theme.YELLOW),
                      run_time=beat.time_until_bookmark("window"))
            self.play(window.mark_span(*span), run_time=beat.get_remaining_duration())

        # -- fixed windows and the boundary -----------------------------------------------------------
        self.chapter("The boundary burst")
        self.play(FadeOut(VGroup(bucket, left, window, right)))
        fixed = SlidingWindow(SlidingWindowState(LIMIT, WINDOW, mode="fixed"), span=2 * WINDOW)
        log = SlidingWindow(SlidingWindowState(LIMIT, WINDOW), span=2 * WINDOW)
        fixed.move_to([LEFT_X, 0, 0])
        log.move_to([RIGHT_X, 0, 0])
        half = len(EDGE) // 2
        edge = label(f"{half} requests just before second {WINDOW}, {half} just after",
                     theme.BODY, theme.TEXT).next_to(VGroup(fixed, log), UP, buff=0.5)
        with self.voiceover("A fixed window is cheaper: one count, reset at each boundary. "
                            f'<bookmark mark="edge"/>Send {half} requests just before a boundary, '
                            f"and {half} just after.") as beat:
            self.play(FadeIn(fixed), FadeIn(log), run_time=beat.time_until_bookmark("edge"))
            self.play(FadeIn(edge), fixed.feed(EDGE), log.feed(EDGE), run_time=beat.get_remaining_duration())
        let, kept = (w.state.accepted_between(EDGE[0], EDGE[-1]) for w in (fixed, log))
        with self.voiceover(f"The fixed window lets all {let} through in under a second, {let // LIMIT} "
                            'times the limit. <bookmark mark="log"/>The sliding log looks back from every '
                            f"request, and stops at {kept}.") as beat:
            self.play(fixed.mark_span(EDGE[0], EDGE[-1]), run_time=beat.time_until_bookmark("log"))
            self.play(log.mark_span(EDGE[0], EDGE[-1]), run_time=beat.get_remaining_duration())
        counter = SlidingWindow(SlidingWindowState(LIMIT, WINDOW, mode="counter"), span=2 * WINDOW)
        counter.move_to(fixed)
        feed = counter.feed(EDGE)
        prev, weight, cur = counter.state.counter_parts(EDGE[-1])
        with self.voiceover('A log stores every timestamp; <bookmark mark="counter"/>a sliding counter keeps '
                            "two counts, weighting the previous window's by its overlap: "
                            f'<bookmark mark="sum"/>{prev} times {weight:.2f}, plus {cur}: '
                            "the burst is stopped too.") as beat:
            self.play(FadeOut(fixed), run_time=beat.time_until_bookmark("counter"))
            self.play(FadeIn(counter), run_time=beat.time_until_bookmark("sum"))
            self.play(feed, run_time=beat.get_remaining_duration())

        # -- when each wins ---------------------------------------------------------------------------
        self.chapter("When each wins")
        rows = [("Token bucket", "2 numbers per client", "short bursts pass"),
                ("Sliding log", "1 timestamp per request", "exact: never over the limit"),
                ("Sliding counter", "2 counts per client", "nearly exact: the common choice")]
        table = VGroup(*(VGroup(label(name, theme.BODY, theme.BLUE, weight="BOLD"),
                                VGroup(label(cost, theme.BODY, theme.TEXT),
                                       label(gist, theme.BODY, theme.MUTED)).arrange(DOWN, aligned_edge=LEFT,
                                                                                     buff=0.15))
                         for name, cost, gist in rows))
        for row in table:
            row.arrange(buff=0.5, aligned_edge=UP)
        table.arrange(DOWN, aligned_edge=LEFT, buff=0.5)
        column = max(row[1].get_left()[0] for row in table)
        for row in table:  # line the descriptions up in one column
            row[1].shift((column - row[1].get_left()[0]) * RIGHT)
        table.center()
        self.play(FadeOut(VGroup(counter, log, edge)))
        with self.voiceover("Token bucket: two numbers, and short bursts pass. "
                            '<bookmark mark="log"/>Sliding log: exact, at a timestamp per request. '
                            '<bookmark mark="counter"/>Sliding counter: nearly exact for two counts, the '
                            "common approximation.") as beat:
            self.play(FadeIn(table[0], shift=0.2 * LEFT), run_time=beat.time_until_bookmark("log"))
            self.play(FadeIn(table[1], shift=0.2 * LEFT), run_time=beat.time_until_bookmark("counter"))
            self.play(FadeIn(table[2], shift=0.2 * LEFT), run_time=beat.get_remaining_duration())

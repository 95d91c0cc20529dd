"""Recursion: the call stack growing and unwinding, the tree of calls, memoization, and stack overflow."""

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, Indicate, VGroup

from visualsys import ExplainerScene, Topic, theme
from visualsys.primitives import CallStack, CodePanel, Readout, TitleCard, label
from visualsys.primitives.call_tree import CallTree, CallTreeState, count_calls

TOPIC = Topic(
    slug="recursion",
    title="Recursion",
    length=150,
    category="Algorithms",
    summary="What a recursive call does: frames on a stack, a tree of calls, and why memoization helps.",
    tags=("recursion", "call stack", "memoization", "fibonacci", "RecursionError"),
)

N, BIG, DEEP = 5, 30, 5000  # the tree we draw, the count we quote, the input that overflows
SIZES = (10, 20, BIG)  # the naive call counts we show
TIMES = {1: "once", 2: "twice"}
LIMIT = 1000  # CPython's default recursion limit (sys.getrecursionlimit())

FACT_CODE = """
def fact(n):
    if n <= 1:
        return 1
    rest = fact(n - 1)
    return n * rest

fact(4)
"""
FIB_CODE = """
def fib(n):
    if n < 2:
        return n
    return fib(n-1) + fib(n-2)
"""
LOOP_CODE = f"""
def fact(n):
    result = 1
    for k in range(2, n + 1):
        result *= k
    return result

fact({DEEP})
"""
MEMO_CODE = "from functools import cache\n@cache\n" + FIB_CODE.strip()


def fib(call, n):
    """Fibonacci, recursing through ``call`` so that the call tree can be traced."""
    return n if n < 2 else call(n - 1) + call(n - 2)


class Recursion(ExplainerScene):
    def construct(self):
        card = TitleCard(TOPIC.title, "A stack of unfinished calls")
        with self.voiceover("Recursion: a function that calls itself. <bookmark mark=\"sub\"/>To see what "
                            "that really does, watch the call stack.") as beat:
            self.play(FadeIn(card[:2], shift=0.2 * UP), run_time=beat.time_until_bookmark("sub"))
            self.play(FadeIn(card.subtitle), run_time=beat.get_remaining_duration())
        self.play(FadeOut(card))

        # -- the call stack grows ------------------------------------------------------------------
        self.chapter("The call stack")
        code = CodePanel(FACT_CODE, title="fact.py", font_size=theme.LABEL).to_edge(LEFT, buff=0.8)
        stack = CallStack(max_depth=LIMIT, width=4.6, height=6.6).to_edge(RIGHT, buff=0.8)
        call_line, base, recurse, ret = (code.find(s) for s in ("fact(4)", "return 1", "rest =", "return n"))
        self.add(stack)
        with self.voiceover("Here is factorial, written recursively. "
                            '<bookmark mark="call"/>Calling fact of 4 pushes a frame onto the stack: '
                            "a small record of this call, holding its n and which line it is on.") as beat:
            self.play(FadeIn(code), stack.push("<module>"), run_time=beat.time_until_bookmark("call"))
            self.play(code.step(call_line), run_time=0.6)
            self.play(code.step(1, stack.push("fact", {"n": 4})), run_time=beat.get_remaining_duration())
        with self.voiceover(f'Line {recurse} calls fact again, <bookmark mark="n3"/>with 3, '
                            '<bookmark mark="n2"/>then 2, <bookmark mark="n1"/>then 1. '
                            '<bookmark mark="wait"/>Each caller waits, unfinished, with its frame still on '
                            "the stack.") as beat:
            self.play(code.step(recurse), run_time=beat.time_until_bookmark("n3"))
            for n, mark in ((3, "n2"), (2, "n1")):
                self.play(code.step(1, stack.push("fact", {"n": n})), run_time=0.6)
                self.play(code.step(recurse), run_time=beat.time_until_bookmark(mark))
            self.play(code.step(1, stack.push("fact", {"n": 1})), run_time=0.6)
            waiting = VGroup(*(stack.frame_mobject(i) for i in (1, 2, 3)))
            self.wait_until_bookmark("wait")
            self.play(Indicate(waiting, color=theme.YELLOW, scale_factor=1.03),
                      run_time=beat.get_remaining_duration())
            self.remove(waiting)  # the cards stay in the stack; only this loose group goes
        with self.voiceover("fact of 1 hits the base case. <bookmark mark=\"ret\"/>It returns 1, its frame "
                            "is popped, and the 1 lands in the caller's rest.") as beat:
            self.play(code.step(2), run_time=beat.time_until_bookmark("ret", limit=1.0))
            self.play(code.step(base), run_time=0.5)
            self.wait_until_bookmark("ret")
            self.play(code.step(recurse, stack.pop(1, into="rest")), run_time=beat.get_remaining_duration())

        # -- ... and unwinds -------------------------------------------------------------------------
        value = 1
        steps = []
        for k in range(2, 5):
            steps.append((k, value, k * value))
            value *= k
        said = ", ".join(f'<bookmark mark="r{k}"/>{k} times {prev} is {new}' for k, prev, new in steps)
        with self.voiceover(f"Now the stack unwinds: {said}.") as beat:
            for k, _prev, new in steps:
                into = "rest" if stack.state.depth > 2 else None
                self.play(code.step(ret), run_time=beat.time_until_bookmark(f"r{k}"))
                self.play(code.step(recurse if into else call_line, stack.pop(new, into=into)),
                          run_time=1.2)
        self.answer = stack.state.top.received  # what <module> got back, for tests
        self.play(FadeOut(code), FadeOut(stack))

        # -- the call tree ---------------------------------------------------------------------------
        self.chapter("The call tree")
        naive = self.naive = CallTreeState.trace(fib, N, name="fib")
        fcode = CodePanel(FIB_CODE, title="fib.py", font_size=theme.SMALL).to_edge(UP, buff=0.5)
        fcode.to_edge(LEFT, buff=0.75)
        tree = CallTree(naive, width=12.6, height=3.8, shown=0).to_edge(DOWN, buff=0.45)
        calls = Readout("calls", 0, color=theme.BLUE).to_corner(UP + RIGHT, buff=0.6)
        calls.shift((calls.get_left()[0] - 1.0) * LEFT)  # a fixed left edge: the value grows rightwards
        with self.voiceover("Fibonacci calls itself twice: fib of n is fib of n minus 1, "
                            '<bookmark mark="plus"/>plus fib of n minus 2.') as beat:
            self.play(FadeIn(fcode), run_time=beat.time_until_bookmark("plus"))
            self.play(Indicate(fcode.line_mobject(4)), run_time=beat.get_remaining_duration())
        with self.voiceover(f"Draw each call as a node, <bookmark mark=\"grow\"/>and fib of {N} unfolds into "
                            f"a tree of {naive.calls} calls, made left to right, depth first.") as beat:
            self.play(FadeIn(calls), run_time=beat.time_until_bookmark("grow"))
            for u in range(1, naive.calls + 1):  # the count ticks as each call appears
                self.play(tree.grow(u), calls.set(u),
                          run_time=beat.get_remaining_duration() / (naive.calls + 1 - u))
        deepest = max(range(naive.calls), key=lambda u: naive.nodes[u].depth)
        with self.voiceover("The stack never holds the whole tree. <bookmark mark=\"path\"/>At any moment it "
                            f"holds one path from the root: here {naive.max_depth} frames deep, "
                            "the deepest it gets.") as beat:
            self.wait_until_bookmark("path")
            self.play(tree.focus(deepest), run_time=beat.get_remaining_duration())

        # -- repeated work ----------------------------------------------------------------------------
        self.chapter("Repeated work")
        times = naive.times_computed()
        twice = [k for k in range(N) if times[(k,)] > 1]  # computed more than once: 3, 2, 1, 0
        said = ", ".join(f'<bookmark mark="k{k}"/>fib of {k} runs {TIMES.get(c, f"{c} times")}'
                         for k in reversed(twice) if (c := times[(k,)]))
        with self.voiceover(f"But look at what it computes: {said}.") as beat:
            self.play(tree.focus(None), run_time=0.5)
            for k in reversed(twice):
                self.wait_until_bookmark(f"k{k}")
                self.play(tree.mark(naive.calls_of(k), "repeat"), run_time=0.8)
        counts = {n: count_calls(fib, n)[0] for n in SIZES}
        growth = counts[BIG] / count_calls(fib, BIG - 1)[0]
        rows = {n: Readout(f"fib({n})", f"{c:,} calls", color=theme.YELLOW) for n, c in counts.items()}
        VGroup(*rows.values()).arrange(DOWN, aligned_edge=LEFT, buff=0.2).next_to(calls, DOWN, buff=0.3,
                                                                                  aligned_edge=LEFT)
        said = ", ".join(f'<bookmark mark="n{n}"/>fib of {n} makes {c:,}' for n, c in counts.items())
        with self.voiceover("The waste compounds: each step up in n costs about "
                            f"{growth:.1f} times the calls. {said}.") as beat:
            self.play(Indicate(calls), run_time=beat.time_until_bookmark(f"n{SIZES[0]}"))
            for n in SIZES:
                self.wait_until_bookmark(f"n{n}")
                fade = beat.get_remaining_duration() if n == SIZES[-1] else 0.8
                self.play(FadeIn(rows[n], shift=0.2 * DOWN), run_time=fade)

        # -- memoization ------------------------------------------------------------------------------
        self.chapter("Memoization")
        memo = self.memo = CallTreeState.trace(fib, N, name="fib", memo=True)
        hits, pruned = naive.memo_cut()
        mcode = CodePanel(MEMO_CODE, title="fib.py", font_size=theme.SMALL)
        mcode.move_to(fcode, aligned_edge=UP + LEFT)
        with self.voiceover("The fix is to remember answers. <bookmark mark=\"cache\"/>With functools dot "
                            "cache, a call whose answer is already known returns it at once, "
                            '<bookmark mark="cut"/>and the calls beneath it are never made.') as beat:
            self.play(tree.mark(range(naive.calls), "plain"), calls.set(naive.calls),
                      run_time=beat.time_until_bookmark("cache"))
            self.play(FadeOut(fcode), run_time=0.4)
            self.play(FadeIn(mcode), tree.mark(hits, "cached"), run_time=beat.time_until_bookmark("cut"))
            self.play(tree.mark(pruned, "pruned"), run_time=beat.get_remaining_duration())
        computed = {n: count_calls(fib, n, memo=True)[1] for n in SIZES}
        with self.voiceover(f"fib of {N} now makes {memo.calls} calls instead of {naive.calls}, and only "
                            f"{memo.computed} of them do any work, one for each value of n. "
                            f'<bookmark mark="big"/>For fib of {BIG}: {computed[BIG]} instead of '
                            f"{counts[BIG]:,}.") as beat:
            self.play(calls.set(f"{memo.calls}, {memo.computed} computed"),
                      run_time=beat.time_until_bookmark("big"))
            self.play(*(rows[n].set(f"{c} computed") for n, c in computed.items()),
                      run_time=beat.get_remaining_duration())
        path = memo.path(max(range(memo.calls), key=lambda u: memo.nodes[u].depth))
        with self.voiceover("But memoization cuts the calls, not the depth. "
                            f'<bookmark mark="path"/>fib of {N} still nests {len(path)} calls before the '
                            "first one returns.") as beat:
            self.play(Indicate(calls), run_time=beat.time_until_bookmark("path"))
            self.play(tree.focus(path[-1]), run_time=beat.get_remaining_duration())

        # -- stack overflow ---------------------------------------------------------------------------
        self.chapter("Stack overflow")
        self.play(FadeOut(VGroup(tree, mcode, calls, *rows.values())))
        code = CodePanel(FACT_CODE.replace("fact(4)", f"fact({DEEP})"), title="fact.py",
                         font_size=theme.LABEL).to_edge(LEFT, buff=0.8)
        stack = CallStack(max_depth=LIMIT, width=4.6, height=6.6).to_edge(RIGHT, buff=0.8)
        self.overflow_stack = stack.state  # for tests
        stack.push("<module>")  # drawn at once: it fades in with the stack
        limit = label(f"recursion limit: {LIMIT} frames", theme.LABEL, theme.RED)
        limit.next_to(code, DOWN, buff=0.5)
        with self.voiceover("Every waiting call holds a frame, and the stack has a limit. "
                            "<bookmark mark=\"limit\"/>CPython's default "
                            f"recursion limit is {LIMIT} frames.") as beat:
            self.play(FadeIn(code), FadeIn(stack), run_time=beat.time_until_bookmark("limit"))
            self.play(FadeIn(limit, shift=0.2 * UP), run_time=beat.get_remaining_duration())
        calls_in = [("fact", {"n": DEEP - i}) for i in range(LIMIT)]
        with self.voiceover(f'Ask for fact of {DEEP}, <bookmark mark="deep"/>and the frames pile up, '
                            f'<bookmark mark="boom"/>until the next call would pass {LIMIT}: RecursionError, '
                            "maximum recursion depth exceeded.") as beat:
            self.play(code.step(code.find(f"fact({DEEP})")), run_time=beat.time_until_bookmark("deep"))
            self.play(code.step(recurse), run_time=beat.time_until_bookmark("boom"))
            self.play(code.step(recurse, stack.push_many(calls_in), color=theme.RED),  # stops at the limit
                      run_time=beat.get_remaining_duration())
        self.overflowed = (stack.state.overflowed, stack.state.depth, stack.hidden)  # for tests
        loop = CodePanel(LOOP_CODE, title="fact.py", font_size=theme.LABEL)
        loop.move_to(code, aligned_edge=UP + LEFT)
        with self.voiceover("You can raise the limit with sys dot set recursion limit, but that only moves "
                            'the wall. <bookmark mark="loop"/>For inputs this deep, the robust fix is a '
                            'loop: <bookmark mark="one"/>one frame, however large n gets.') as beat:
            self.play(stack.unwind(), code.clear(), run_time=beat.time_until_bookmark("loop"))
            self.play(FadeOut(code), FadeOut(limit), run_time=0.4)
            self.play(FadeIn(loop), run_time=beat.time_until_bookmark("one"))
            self.play(loop.step(loop.find(f"fact({DEEP})")),
                      stack.push_many([("<module>", None), ("fact", {"n": DEEP})]),
                      run_time=beat.get_remaining_duration())

        # -- takeaway ---------------------------------------------------------------------------------
        self.chapter("Takeaway")
        lines = VGroup(
            label("A recursive call is a frame on a stack, waiting", theme.BODY, theme.TEXT),
            label("The call tree is the work; memoization prunes it", theme.BODY, theme.TEXT),
            label("Deep inputs need a loop, not a bigger stack", theme.HEADING, theme.BLUE),
        ).arrange(DOWN, buff=0.45)
        with self.voiceover("So: a recursive call is a frame on a stack, waiting for its callee. "
                            '<bookmark mark="tree"/>The call tree is the work it does, and memoization '
                            'prunes it. <bookmark mark="deep"/>And when the input is deep, '
                            "reach for a loop.") as beat:
            self.play(FadeOut(VGroup(loop, stack)), run_time=0.4)
            self.play(FadeIn(lines[0], shift=0.2 * UP), run_time=beat.time_until_bookmark("tree"))
            self.play(FadeIn(lines[1], shift=0.2 * UP), run_time=beat.time_until_bookmark("deep"))
            self.play(FadeIn(lines[2], shift=0.2 * UP), run_time=beat.get_remaining_duration())

import pytest
from hypothesis import given
from hypothesis import strategies as st
from manim import Animation, AnimationGroup, tempconfig
from manim.utils.testing.frames_comparison import frames_comparison

from visualsys import ExplainerScene, theme
from visualsys.primitives.call_stack import (
    CallStack,
    CallStackState,
    Frame,
    StackOverflow,
    collapse_plan,
)
from visualsys.primitives.text import NO_VALUE

__module_test__ = "call_stack"


# -- the model -----------------------------------------------------------------------
def test_push_and_pop_are_last_in_first_out():
    s = CallStackState()
    for name in ["main", "parse", "lex"]:
        s.push(name)
    assert s.names() == ["main", "parse", "lex"] and s.depth == 3
    assert s.top.name == "lex"
    assert [s.pop().name for _ in range(3)] == ["lex", "parse", "main"]
    assert s.depth == 0


def test_return_value_is_handed_to_the_caller():
    s = CallStackState()
    s.push("fact", {"n": 2})
    s.push("fact", {"n": 1})
    popped = s.pop(1, into="r")
    assert popped.args == {"n": 1}
    assert s.top.received == 1 and s.top.locals == {"r": 1}
    s.pop(2)  # the last frame returns to nobody: no error
    assert s.depth == 0


def test_pop_without_value_leaves_caller_untouched():
    s = CallStackState()
    s.push("main")
    s.push("log")
    s.pop()
    assert s.top.received is NO_VALUE and s.top.locals == {}


def test_none_is_a_real_return_value():
    s = CallStackState()
    s.push("main")
    s.push("f")
    s.pop(None)
    assert s.top.received is None


def test_set_local_sets_the_running_frame():
    s = CallStackState()
    s.push("main")
    s.push("f", (1, 2))
    s.set_local("acc", 6)
    s.set_local("i", 0)
    s.set_local("acc", 7)
    assert s.frames[0].locals == {} and s.top.locals == {"acc": 7, "i": 0}
    assert s.top.locals_text() == "acc=7  i=0"


@pytest.mark.parametrize(
    ("name", "args", "text"),
    [
        ("fact", {"n": 3}, "fact(n=3)"),
        ("fact", (3,), "fact(3)"),
        ("greet", {"who": "bob", "loud": True}, "greet(who='bob', loud=True)"),
        ("main", None, "main()"),
        ("<module>", None, "<module>"),
        ("f", 5, "f(5)"),
        ("f", [1, "x"], "f(1, 'x')"),
    ],
)
def test_signature(name, args, text):
    s = CallStackState()
    assert s.push(name, args).signature() == text


def test_overflow_at_the_limit():
    s = CallStackState(max_depth=3)
    for i in range(3):
        s.push("f", {"n": i})
    assert not s.overflowed
    with pytest.raises(StackOverflow, match="maximum recursion depth exceeded"):
        s.push("f", {"n": 3})
    assert s.overflowed and s.depth == 3
    assert issubclass(StackOverflow, RecursionError)
    with pytest.raises(ValueError, match="unwind"):
        s.push("g")
    popped = s.unwind()
    assert [f.args["n"] for f in popped] == [2, 1, 0]
    assert s.depth == 0 and not s.overflowed
    s.push("g")


def test_unwind_to_a_depth():
    s = CallStackState()
    for name in "abcde":
        s.push(name)
    assert [f.name for f in s.unwind(2)] == ["e", "d", "c"]
    assert s.names() == ["a", "b"]
    with pytest.raises(ValueError, match="to_depth must be in 0..2"):
        s.unwind(3)


def test_model_validates():
    with pytest.raises(ValueError, match="max_depth must be >= 1, got 0"):
        CallStackState(max_depth=0)
    s = CallStackState()
    with pytest.raises(ValueError, match="empty"):
        s.pop()
    with pytest.raises(ValueError, match="empty"):
        s.top  # noqa: B018
    with pytest.raises(ValueError, match="function name"):
        s.push("")
    s.push("main")
    with pytest.raises(ValueError, match="into= needs a caller"):
        s.pop(3, into="x")


def test_frames_compare_by_content_not_identity():
    assert Frame("f", {"n": 1}) == Frame("f", {"n": 1}, uid=7)


# -- collapsing ------------------------------------------------------------------------
def test_collapse_plan_small_stacks_show_everything():
    assert collapse_plan(0, 6) == ([], 0)
    assert collapse_plan(6, 6) == ([0, 1, 2, 3, 4, 5], 0)


def test_collapse_plan_keeps_bottom_and_top():
    shown, hidden = collapse_plan(50, 6)
    assert shown == [0, 46, 47, 48, 49] and hidden == 45
    shown, hidden = collapse_plan(7, 6, keep_bottom=2)
    assert shown == [0, 1, 4, 5, 6] and hidden == 2


def test_collapse_plan_validates():
    with pytest.raises(ValueError, match="max_visible must be >= 3"):
        collapse_plan(10, 2)
    with pytest.raises(ValueError, match="depth must be >= 0"):
        collapse_plan(-1, 5)


@given(depth=st.integers(0, 400), max_visible=st.integers(3, 12))
def test_collapse_plan_invariants(depth, max_visible):
    shown, hidden = collapse_plan(depth, max_visible)
    assert len(shown) + hidden == depth
    assert shown == sorted(set(shown))
    assert len(shown) + (1 if hidden else 0) <= max_visible
    if depth:
        assert shown[0] == 0 and shown[-1] == depth - 1  # main and the running frame are always drawn
    if hidden:
        # exactly one contiguous run is hidden, right after the bottom frame
        assert shown[1] - shown[0] - 1 == hidden


# -- the drawing -----------------------------------------------------------------------
class _Quiet(ExplainerScene):
    def construct(self):
        pass


@pytest.fixture
def quiet_scene():
    """A scene that plays animations without rendering or writing anything."""
    with tempconfig({"dry_run": True, "pixel_height": 270, "pixel_width": 480}):
        yield _Quiet(skip_animations=True)


def _whole(scene, mob):
    """The primitive is drawn and none of its pieces was pulled out to the top level."""
    family = mob.get_family()[1:]
    return mob in scene.get_mobject_family_members() and not any(m in family for m in scene.mobjects)


def test_verbs_return_animations_that_update_the_model(quiet_scene):
    scene = quiet_scene
    stack = CallStack(max_depth=4)
    scene.add(stack)
    verbs = [
        (lambda: stack.push("main"), ["main"]),
        (lambda: stack.push("fact", {"n": 2}), ["main", "fact"]),
        (lambda: stack.set_local("acc", 1), ["main", "fact"]),
        (lambda: stack.push_many([("fact", {"n": 1}), ("fact", {"n": 0})]), ["main", "fact", "fact", "fact"]),
        (lambda: stack.pop(1, into="r"), ["main", "fact", "fact"]),
        (lambda: stack.pop(2), ["main", "fact"]),
        (lambda: stack.push_many([("g", None)] * 5), ["main", "fact", "g", "g"]),  # overflows at 4
        (lambda: stack.unwind(1), ["main"]),
        (lambda: stack.push("h"), ["main", "h"]),
        (lambda: stack.overflow(), ["main", "h"]),
    ]
    for verb, names in verbs:
        anim = verb()
        assert isinstance(anim, Animation)
        scene.play(anim)
        assert stack.state.names() == names
        assert _whole(scene, stack)
        assert len(stack._transients) == 0  # fading pieces and travelling values are gone
    assert stack.state.overflowed
    assert stack.frame_mobject()[0].get_stroke_color() == theme.RED


def test_push_at_the_limit_returns_the_overflow(quiet_scene):
    stack = CallStack(max_depth=2)
    quiet_scene.add(stack)
    quiet_scene.play(stack.push("a"))
    quiet_scene.play(stack.push("b"))
    anim = stack.push("c")
    assert isinstance(anim, Animation) and stack.state.overflowed
    quiet_scene.play(anim)
    assert stack.state.names() == ["a", "b"]


def test_returned_value_shows_on_the_caller(quiet_scene):
    stack = CallStack()
    quiet_scene.add(stack)
    for n in (3, 2):
        quiet_scene.play(stack.push("fact", {"n": n}))
    quiet_scene.play(stack.pop(2))
    card = stack.frame_mobject()
    texts = [m.original_text for m in card if hasattr(m, "original_text")]
    assert "← 2" in texts and "fact(n=3)" in texts


def test_playing_together_with_other_animations_keeps_the_stack_whole(quiet_scene):
    a, b = CallStack(width=3), CallStack(width=3)
    quiet_scene.add(a, b)
    quiet_scene.play(AnimationGroup(a.push("f"), b.push("g")))
    quiet_scene.play(AnimationGroup(a.pop(1), b.push("h")))
    assert _whole(quiet_scene, a) and _whole(quiet_scene, b)
    assert a.state.depth == 0 and b.state.names() == ["g", "h"]


def test_deep_recursion_collapses_and_stays_in_its_box():
    stack = CallStack(max_depth=60, width=4.5, height=6)
    stack.push("main")
    stack.push_many([("fact", {"n": 50 - i}) for i in range(49)])
    assert stack.state.depth == 50
    assert stack.hidden == 50 - (stack.max_visible - 1)
    assert stack.height <= 6 + 1e-6 and stack.width <= 4.5 + 1e-6
    stack.frame_mobject(0)  # main is drawn
    stack.frame_mobject(-1)  # the running frame is drawn
    with pytest.raises(ValueError, match="collapsed"):
        stack.frame_mobject(10)


def test_cards_and_banner_never_overlap():
    stack = CallStack(max_depth=40, height=7.5)
    stack.push_many([("f", {"i": i}) for i in range(40)])
    stack.overflow()
    drawn = [stack.frame_mobject(i)[0] for i in (0, -3, -2, -1)]
    drawn.append(stack._parts["banner"])
    for i, a in enumerate(drawn):
        for b in drawn[i + 1 :]:
            assert abs(a.get_y() - b.get_y()) >= (a.height + b.height) / 2 - 1e-6
    assert stack.height <= 7.5 + 1e-6


def test_follows_the_stack_when_moved_and_scaled():
    stack = CallStack()
    stack.push("main")
    stack.scale(0.5).shift([2, 1, 0])
    stack.push("f")
    card = stack.frame_mobject()[0]
    assert card.width == pytest.approx(stack.width, rel=1e-3)
    assert stack.frame_mobject(0)[0].get_y() < card.get_y()


def test_view_validates():
    with pytest.raises(ValueError, match="width must be >= 2.5"):
        CallStack(width=2)
    with pytest.raises(ValueError, match="height must fit at least 5 frames"):
        CallStack(height=3)
    with pytest.raises(ValueError, match="max_visible must be in 5"):
        CallStack(max_visible=20)
    with pytest.raises(ValueError, match="max_depth must be >= 1"):
        CallStack(max_depth=0)


# -- frames ------------------------------------------------------------------------------
@frames_comparison(base_scene=ExplainerScene)
def test_factorial_returning(scene):
    stack = CallStack(max_depth=50)
    scene.add(stack)
    scene.play(stack.push("<module>"))
    for n in (3, 2, 1):
        scene.play(stack.push("fact", {"n": n}))
    scene.play(stack.pop(1, into="r"))
    scene.play(stack.set_local("acc", 2))
    scene.wait(0.1)  # the frame tester redraws only what the last call touched


@frames_comparison(base_scene=ExplainerScene)
def test_deep_recursion_overflows(scene):
    stack = CallStack(max_depth=50)
    scene.add(stack)
    scene.play(stack.push("main"))
    scene.play(stack.push_many([("count", {"n": i}) for i in range(60)]))
    scene.wait(0.1)  # the frame tester redraws only what the last call touched

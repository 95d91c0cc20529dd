import re

import pytest
from manim import LEFT, RIGHT, Animation, AnimationGroup, tempconfig
from manim.utils.testing.frames_comparison import frames_comparison

from visualsys import ExplainerScene, theme
from visualsys.primitives.call_stack import CallStack
from visualsys.primitives.code_panel import CodeCursor, CodePanel, highlight_markup, tidy_code, token_color

__module_test__ = "code_panel"

FACT = '''
    def fact(n):
        """Factorial, recursively."""
        if n <= 1:
            return 1

        return n * fact(n - 1)

    print(fact(3))
'''


# -- the model -----------------------------------------------------------------------
def test_cursor_moves_and_remembers():
    c = CodeCursor(("a", "b", "c"))
    assert c.current is None
    for line in (1, 3, 2, 3):
        c.goto(line)
    assert c.current == 3 and c.history == [1, 3, 2, 3]
    c.clear()
    assert c.current is None and c.history == [1, 3, 2, 3]


@pytest.mark.parametrize("line", [0, 4, -1])
def test_cursor_bounds(line):
    c = CodeCursor(("a", "b", "c"))
    with pytest.raises(ValueError, match=f"line must be in 1..3, got {line}"):
        c.goto(line)


def test_cursor_find():
    c = CodeCursor(tuple(tidy_code(FACT).split("\n")))
    assert c.find("def fact") == 1
    assert c.find("return") == 4
    assert c.find("return", start=5) == 6
    with pytest.raises(ValueError, match="no line from 1 on contains 'yield'"):
        c.find("yield")


def test_cursor_needs_lines():
    with pytest.raises(ValueError, match="at least one line"):
        CodeCursor(())


def test_tidy_code_dedents_and_trims():
    text = tidy_code(FACT)
    lines = text.split("\n")
    assert lines[0] == "def fact(n):" and lines[-1] == "print(fact(3))"
    assert lines[3] == "        return 1" and lines[4] == ""
    assert tidy_code("\tx = 1\n") == "x = 1"


def test_markup_colours_tokens_from_the_theme_and_escapes():
    lines = highlight_markup("if a <= b:\n    s = 'x & y'  # note", "python")
    assert len(lines) == 2
    assert theme.PURPLE.to_hex()[:7] in lines[0]  # keyword
    text = [re.sub(r"</?span[^>]*>", "", line) for line in lines]
    assert text == ["if a &lt;= b:", "    s = 'x &amp; y'  # note"]
    assert theme.GREEN.to_hex()[:7] in lines[1]  # string
    assert theme.MUTED.to_hex()[:7] in lines[1]  # comment


def test_markup_keeps_blank_lines():
    assert len(highlight_markup("a = 1\n\n\nb = 2", "python")) == 4


def test_token_colour_falls_back_to_text():
    from pygments.token import Generic, Keyword

    assert token_color(Keyword.Namespace) == theme.PURPLE
    assert token_color(Generic.Emph) == theme.TEXT


# -- the drawing -----------------------------------------------------------------------
class _Quiet(ExplainerScene):
    def construct(self):
        pass


@pytest.fixture
def quiet_scene():
    with tempconfig({"dry_run": True, "pixel_height": 270, "pixel_width": 480}):
        yield _Quiet(skip_animations=True)


def test_one_drawn_line_per_source_line():
    code = CodePanel(FACT)
    assert len(code.lines) == len(code.cursor.lines) == 8
    assert len(code.lines[4]) == 0  # the blank line has no glyphs
    assert len(code.lines[0]) == len("deffact(n):")
    # lines go down the panel
    ys = [code.numbers[i].get_y() for i in range(8)]
    assert ys == sorted(ys, reverse=True)


def test_highlight_moves_the_bar_onto_the_line(quiet_scene):
    code = CodePanel(FACT, title="fact.py")
    quiet_scene.add(code)
    for line in (1, 3, 6, 5):
        anim = code.highlight(line)
        assert isinstance(anim, Animation)
        quiet_scene.play(anim)
        bar = code._parts.piece("bar")
        assert code.current == line
        assert bar.get_y() == pytest.approx(code.numbers[line - 1].get_y(), abs=0.02)
        assert code.panel.get_left()[0] - 1e-6 <= bar.get_left()[0]
        assert bar.get_right()[0] <= code.panel.get_right()[0] + 1e-6
        assert code in quiet_scene.mobjects
    quiet_scene.play(code.highlight(4, color=theme.RED))
    assert code._parts.piece("bar")[1].get_fill_color() == theme.RED
    quiet_scene.play(code.clear())
    assert code.current is None and "bar" not in code._parts
    assert len(code._transients) == 0


def test_step_keeps_code_and_stack_in_step(quiet_scene):
    code = CodePanel(FACT)
    stack = CallStack()
    quiet_scene.add(code, stack)
    anim = code.step(1, stack.push("fact", {"n": 3}))
    assert isinstance(anim, AnimationGroup)
    quiet_scene.play(anim)
    quiet_scene.play(code.step(code.find("return n"), stack.push("fact", {"n": 2})))
    assert code.current == 6 and stack.state.depth == 2
    family = quiet_scene.get_mobject_family_members()
    assert code in family and stack in family


def test_line_mobject():
    code = CodePanel(FACT)
    assert code.line_mobject(1) is code.lines[0]
    with pytest.raises(ValueError, match="line must be in 1..8, got 9"):
        code.line_mobject(9)


def test_fits_a_given_box():
    natural = CodePanel(FACT)
    padded = CodePanel(FACT, width=natural.width + 2, height=natural.height + 1)
    assert padded.width == pytest.approx(natural.width + 2)
    assert padded.height == pytest.approx(natural.height + 1)
    shrunk = CodePanel(FACT, width=natural.width * 0.9)
    assert shrunk.width <= natural.width * 0.9 + 1e-6


def test_refuses_to_shrink_below_the_legible_size():
    with pytest.raises(ValueError, match="smallest legible size"):
        CodePanel(FACT, width=2)
    with pytest.raises(ValueError, match="font_size must be >= theme.SMALL"):
        CodePanel(FACT, font_size=12)


def test_validates_arguments():
    with pytest.raises(ValueError, match="unknown language 'klingon'"):
        CodePanel("x", language="klingon")
    with pytest.raises(ValueError, match="at least one non-blank line"):
        CodePanel("\n   \n")
    with pytest.raises(ValueError, match="width must be > 0"):
        CodePanel("x = 1", width=0)


def test_programming_ligatures_do_not_break_the_glyph_count():
    code = CodePanel("a <= b != c -> d === e >= f\n# www ::: <!-- -->", language="python")
    assert len(code.lines[0]) == len("a<=b!=c->d===e>=f")


# -- frames ------------------------------------------------------------------------------
@frames_comparison(base_scene=ExplainerScene)
def test_code_with_stack(scene):
    code = CodePanel(FACT, title="fact.py").to_edge(LEFT, buff=0.5)
    stack = CallStack(max_depth=50, width=4).to_edge(RIGHT, buff=0.5)
    scene.add(code, stack)
    scene.play(code.step(8, stack.push("<module>")))
    scene.play(code.step(1, stack.push("fact", {"n": 3})))
    scene.play(code.step(6, stack.push("fact", {"n": 2})))
    scene.play(code.highlight(4, color=theme.RED))
    scene.wait(0.1)  # the frame tester redraws only what the last call touched


@frames_comparison(base_scene=ExplainerScene)
def test_c_code_padded(scene):
    code = CodePanel(
        """
        int sum(int *a, int n) {
            int s = 0;
            for (int i = 0; i < n; i++)
                s += a[i];
            return s;
        }
        """,
        language="c",
        title="sum.c",
        width=9,
    )
    scene.add(code)
    scene.play(code.highlight(4, color=theme.YELLOW))
    scene.wait(0.1)  # the frame tester redraws only what the last call touched

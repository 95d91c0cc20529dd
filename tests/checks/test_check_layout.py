"""Layout checks: each fixture scene plants one fault; the checker must find exactly it.

Scenes run with the silent voice (a beat lasts as long as reading it would:
0.375 s a word), so every planted fault stays on screen for a few seconds.
"""

from manim import DOWN, LEFT, RIGHT, UP, AnimationGroup, Create, FadeIn, Rectangle, Square, Text, VGroup

from visualsys import ExplainerScene, theme
from visualsys.primitives import Callout, TitleCard, label
from visualsys.primitives.hash_ring import KeyGrid

SENTENCE = "These words keep the picture up a while."  # 3.25 s: no dead picture


def checks(findings):
    return sorted(f.check for f in findings)


def only(findings, check):
    found = [f for f in findings if f.check == check]
    assert len(found) == 1, [f.message for f in findings]
    return found[0]


class Clean(ExplainerScene):
    def construct(self):
        card = TitleCard("Clean", "A title, a subtitle, nothing else")
        with self.voiceover("A clean title card.") as beat:
            self.play(card.reveal(), run_time=beat.get_remaining_duration())
        self.play(card.animate.to_edge(UP))
        note = Callout("a note in a box", card, direction=DOWN)
        with self.voiceover('A note <bookmark mark="n"/>appears under it.') as beat:
            self.wait_until_bookmark("n")
            self.play(FadeIn(note), run_time=beat.get_remaining_duration())


def test_a_clean_scene_has_no_findings(run_check):
    assert run_check(Clean) == []


class Overlap(ExplainerScene):
    def construct(self):
        a = label("left label")
        b = label("right label").move_to(a).shift(0.6 * RIGHT + 0.05 * UP)
        with self.voiceover(SENTENCE):
            self.play(FadeIn(a), FadeIn(b))


def test_two_overlapping_labels_are_found_and_named(run_check):
    findings = run_check(Overlap)
    assert checks(findings) == ["overlap"]
    f = findings[0]
    assert set(f.objects) == {"left label", "right label"}
    assert f.beat == 1 and f.beat_text.startswith("These words")
    assert f.time is not None and f.time < 1.5 and f.duration > 2
    assert f.line is not None and "px" in f.message and f.fix


class NearMiss(ExplainerScene):
    def construct(self):
        a = label("left label")
        b = label("right label").next_to(a, RIGHT, buff=0.05)  # close, not touching
        with self.voiceover(SENTENCE):
            self.play(FadeIn(a), FadeIn(b))


def test_labels_side_by_side_do_not_count(run_check):
    assert run_check(NearMiss) == []


class CrossingBriefly(ExplainerScene):
    def construct(self):
        still = label("standing")
        mover = label("passing").move_to(4 * LEFT)
        with self.voiceover(SENTENCE):
            self.add(still, mover)
            self.play(mover.animate.move_to(4 * RIGHT), run_time=0.4)  # crosses in well under 0.5 s


def test_a_label_passing_over_another_in_motion_is_not_a_fault(run_check):
    assert run_check(CrossingBriefly) == []


class OffFrame(ExplainerScene):
    def construct(self):
        far = label("half outside").move_to(7.0 * RIGHT)
        with self.voiceover(SENTENCE):
            self.play(FadeIn(far))


def test_text_partly_outside_the_frame_is_found(run_check):
    f = only(run_check(OffFrame), "off-frame")
    assert "right" in f.message and "'half outside'" in f.message


class InMargin(ExplainerScene):
    def construct(self):
        box = Rectangle(width=2, height=1, color=theme.BLUE)
        box.move_to(UP * (4 - 0.5 - 0.2))  # top edge 0.2 below the frame edge: inside the 0.4 margin
        with self.voiceover(SENTENCE):
            self.play(Create(box))


def test_a_shape_inside_the_frame_but_in_the_safe_margin_is_found(run_check):
    f = only(run_check(InMargin), "safe-margin")
    assert "top" in f.message and "Rectangle" in f.objects[0]


class TinyText(ExplainerScene):
    def construct(self):
        small = label("small print").scale(0.6)  # font size 14.4
        with self.voiceover(SENTENCE):
            self.play(FadeIn(small))


def test_text_below_18_px_is_found(run_check):
    f = only(run_check(TinyText), "text-size")
    assert "small print" in f.objects and "14.4" in f.message


def test_theme_small_is_just_above_the_floor(run_check):
    class SmallestAllowed(ExplainerScene):
        def construct(self):
            with self.voiceover(SENTENCE):
                self.play(FadeIn(label("fine print", theme.SMALL)))

    assert run_check(SmallestAllowed) == []


class DimText(ExplainerScene):
    def construct(self):
        quiet = label("barely there", color=theme.OUTLINE)  # 1.9:1 on the background
        with self.voiceover(SENTENCE):
            self.play(FadeIn(quiet))


def test_low_contrast_text_on_the_background_is_found(run_check):
    f = only(run_check(DimText), "contrast")
    assert "1.9" in f.message and "background" in f.message


class LightOnLight(ExplainerScene):
    def construct(self):
        card = Square(side_length=2, fill_color=theme.YELLOW, fill_opacity=1, stroke_width=0)
        text = label("on yellow", color=theme.TEXT).move_to(card)
        with self.voiceover(SENTENCE):
            self.play(FadeIn(card), FadeIn(text))


def test_low_contrast_text_on_a_filled_shape_is_found(run_check):
    f = only(run_check(LightOnLight), "contrast")
    assert "Square" in f.message


class FadingIn(ExplainerScene):
    def construct(self):
        with self.voiceover(SENTENCE):
            self.play(FadeIn(label("slow fade")), run_time=3)


def test_text_that_is_dim_only_while_it_fades_in_is_fine(run_check):
    assert run_check(FadingIn) == []


class Covered(ExplainerScene):
    def construct(self):
        text = label("under the box")
        box = Rectangle(width=3, height=1, fill_color=theme.SURFACE, fill_opacity=1, stroke_width=0)
        with self.voiceover(SENTENCE):
            self.play(FadeIn(text))
            self.play(FadeIn(box))  # drawn after the label, on top of it


def test_a_label_behind_a_filled_shape_is_found(run_check):
    f = only(run_check(Covered), "hidden")
    assert "under the box" in f.objects and "Rectangle" in f.message


class GroupReorders(ExplainerScene):
    """Manim re-adds an AnimationGroup's mobjects last: a chip's box jumps above its label."""

    def construct(self):
        box = Rectangle(width=3, height=1, fill_color=theme.SURFACE, fill_opacity=1, stroke_width=2)
        chip = VGroup(box, label("chip label").move_to(box))
        with self.voiceover("First the chip."):
            self.play(FadeIn(chip))
        with self.voiceover(SENTENCE):
            self.play(AnimationGroup(box.animate.set_fill(theme.BLUE, opacity=0.9)), run_time=2)


def test_a_label_hidden_by_animation_group_reordering_is_found(run_check):
    f = only(run_check(GroupReorders), "hidden")
    assert f.beat == 2 and "chip label" in f.objects


def test_a_box_animated_alone_rises_above_its_label(run_check):
    """The fault first found in consistent-hashing: recolouring only the boxes of labelled chips."""

    class Chips(ExplainerScene):
        def construct(self):
            chips = VGroup(*[
                VGroup(Rectangle(width=1.6, height=0.6, fill_color=theme.SURFACE, fill_opacity=1),
                       label(name, theme.SMALL))
                for name in ("alice", "bob")
            ]).arrange(RIGHT)
            with self.voiceover("The keys."):
                self.play(FadeIn(chips))
            with self.voiceover(SENTENCE):
                self.play(AnimationGroup(*[c[0].animate.set_fill(theme.BLUE, opacity=1) for c in chips]),
                          run_time=2)

    f = only(run_check(Chips), "hidden")
    assert {"alice", "bob"} <= set(f.objects)


def test_key_grid_keeps_its_labels_on_top_while_it_recolours(run_check):
    class Grid(ExplainerScene):
        def construct(self):
            grid = KeyGrid(["alice", "bob", "carol", "dave"], columns=2)
            with self.voiceover("The keys."):
                self.play(FadeIn(grid))
            with self.voiceover(SENTENCE):
                self.play(grid.assign({"alice": "S0", "bob": "S1", "carol": "S0", "dave": "S1"}), run_time=2)

    assert "hidden" not in checks(run_check(Grid))


class RawText(ExplainerScene):
    def construct(self):
        a = Text("manim text", font_size=30).shift(0.1 * DOWN)
        b = Text("more manim text", font_size=30)
        with self.voiceover(SENTENCE):
            self.play(FadeIn(a), FadeIn(b))


def test_plain_manim_text_is_checked_too(run_check):
    f = only(run_check(RawText), "overlap")
    assert set(f.objects) == {"manim text", "more manim text"}

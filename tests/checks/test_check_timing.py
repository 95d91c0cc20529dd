"""Timing checks: bookmarks, dead picture, overruns, length, chapters, crashes, waivers.

The silent voice makes each word last 0.375 s (plus 0.25 s per sentence end).
"""

import pytest
from manim import DOWN, RIGHT, UP, Circle, Create, FadeIn, Square

from visualsys import ExplainerScene
from visualsys.checks import waive
from visualsys.checks.timing import chapter_findings
from visualsys.primitives import label


def checks(findings):
    return sorted(f.check for f in findings)


def only(findings, check):
    found = [f for f in findings if f.check == check]
    assert len(found) == 1, [f.message for f in findings]
    return found[0]


class UnusedBookmark(ExplainerScene):
    def construct(self):
        with self.voiceover('A circle <bookmark mark="draw"/>is drawn here.') as beat:
            self.play(Create(Circle()), run_time=beat.get_remaining_duration())


def test_a_bookmark_nothing_waits_for_is_found(run_check):
    f = only(run_check(UnusedBookmark), "bookmark-unused")
    assert f.objects == ["draw"] and f.beat == 1 and "time_until_bookmark" in f.fix


class LateBookmark(ExplainerScene):
    def construct(self):
        with self.voiceover('One two <bookmark mark="three"/>three four five six seven.') as beat:
            self.play(FadeIn(label("first")), run_time=2.0)  # the mark is at 0.75 s
            self.play(FadeIn(label("second").shift(DOWN)), run_time=beat.time_until_bookmark("three"))
            self.wait(beat.get_remaining_duration())


def test_an_animation_that_starts_after_its_bookmark_is_found(run_check):
    f = only(run_check(LateBookmark), "bookmark-late")
    assert f.objects == ["three"] and 1.0 < f.duration < 1.5  # 2 s of animation, the word at ~0.7 s
    assert f.line is not None


class DeadPicture(ExplainerScene):
    def construct(self):
        text = ("This beat goes on and on about something while nothing on the screen moves "
                "at all for many seconds.")
        with self.voiceover(text):
            self.play(FadeIn(Square()), run_time=0.5)


def test_a_long_still_picture_under_narration_is_found(run_check):
    f = only(run_check(DeadPicture), "dead-picture")
    assert f.beat == 1 and f.duration > 5 and f.time == pytest.approx(0.5, abs=0.1)
    assert "while beat 1 is narrated" in f.message


class Overrun(ExplainerScene):
    def construct(self):
        with self.voiceover("Short beat."):
            self.play(Create(Circle()), run_time=3)
        with self.voiceover("The next one starts late."):
            self.play(FadeIn(Square()))


def test_animations_running_past_their_audio_are_found(run_check):
    f = only(run_check(Overrun), "overrun")
    assert f.beat == 1 and f.duration == pytest.approx(3 - 1.0, abs=0.1)
    assert "Create" in f.message


class ThreeSeconds(ExplainerScene):
    def construct(self):
        with self.voiceover("A very short topic indeed."):
            self.play(FadeIn(Square()), run_time=1.5)


def test_total_length_far_from_the_target_is_found(run_check):
    f = only(run_check(ThreeSeconds, length=60), "length")
    assert "under the target of 60 s" in f.message


def test_total_length_near_the_target_is_fine(run_check):
    assert run_check(ThreeSeconds, length=2.2) == []


class BadChapters(ExplainerScene):
    def construct(self):
        self.chapter("Same")
        with self.voiceover("One."):
            self.play(FadeIn(Square()), run_time=0.3)
        self.chapter("Same")
        self.chapter("Empty")
        self.chapter("Last")
        with self.voiceover("Two."):
            self.play(FadeIn(Circle()), run_time=0.3)


def test_repeated_and_empty_chapters_are_found(run_check):
    found = [f for f in run_check(BadChapters) if f.check == "chapters" and f.severity == "error"]
    messages = " | ".join(f.message for f in found)
    assert "two chapters are called 'Same'" in messages
    assert "'Empty'" in messages and "empty" in messages


def test_chapter_rules_on_plain_lists():
    assert chapter_findings([("Intro", 0.0), ("Middle", 30.0), ("End", 60.0)], 90.0, "t") == []
    late_start = chapter_findings([("A", 5.0), ("B", 40.0), ("C", 70.0)], 90.0, "t")
    assert any("not at 0:00" in f.message for f in late_start)
    few = chapter_findings([("A", 0.0), ("B", 5.0)], 12.0, "t")
    assert [f.severity for f in few] == ["warning"] and "players show chapters only from 3" in few[0].message
    silent = chapter_findings([("A", 0.0), ("B", 30.0), ("C", 60.0)], 90.0, "t", beat_starts=[1.0, 61.0])
    assert [f.objects for f in silent] == [["B"]]


class Crashes(ExplainerScene):
    def construct(self):
        with self.voiceover("This works."):
            self.play(FadeIn(Square()), run_time=0.5)
        raise RuntimeError("the scene broke")


def test_a_scene_that_crashes_is_a_finding_with_its_line(run_check):
    f = only(run_check(Crashes), "scene-error")
    assert "the scene broke" in f.message and f.line is not None


class Waived(ExplainerScene):
    def construct(self):
        with self.voiceover("Two labels overlap on purpose here."):
            waive(self, "overlap", reason="they merge into one on purpose", text="left")
            a = label("left label")
            self.play(FadeIn(a), FadeIn(label("right label").move_to(a).shift(0.6 * RIGHT + 0.05 * UP)))
        with self.voiceover("Here they overlap again, by accident."):
            self.play(FadeIn(label("other").move_to(a).shift(0.1 * DOWN)), run_time=0.5)


def test_a_waiver_covers_its_own_beat_only(run_report):
    report, _ = run_report(Waived)
    overlaps = [f for f in report.findings if f.check == "overlap"]
    assert len(overlaps) >= 2
    first = [f for f in overlaps if f.beat == 1]
    later = [f for f in overlaps if f.beat == 2]
    assert first and all(f.waived == "they merge into one on purpose" for f in first)
    assert later and all(f.waived is None for f in later)
    assert not report.passed


def test_waivers_need_a_known_check_and_a_reason():
    class Scene:
        time = 0.0
        _beat = None

    with pytest.raises(ValueError, match="check must be one of"):
        waive(Scene(), "overlaps", reason="typo")
    with pytest.raises(ValueError, match="needs a reason"):
        waive(Scene(), "overlap", reason="  ")


class WholeScene(ExplainerScene):
    def construct(self):
        waive(self, "length", reason="a teaser, shorter than the catalog target", whole_scene=True)
        with self.voiceover("A very short topic indeed."):
            self.play(FadeIn(Square()), run_time=1.5)


def test_whole_scene_waiver_for_length(run_report):
    report, _ = run_report(WholeScene, length=60)
    f = only(report.findings, "length")
    assert f.waived and report.passed

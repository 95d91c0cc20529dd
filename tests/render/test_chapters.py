"""YouTube chapters from sections: first at 0:00, every one >= 10 s, short sections folded in."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from visualsys.render.chapters import Chapter, chapters_text, timestamp, youtube_chapters


def test_timestamps_are_what_youtube_links():
    assert timestamp(0) == "0:00"
    assert timestamp(65) == "1:05"
    assert timestamp(725) == "12:05"
    assert timestamp(3723, hours=True) == "1:02:03"
    assert timestamp(65, hours=True) == "0:01:05"
    with pytest.raises(ValueError, match="seconds must be >= 0"):
        timestamp(-1)


def test_long_sections_become_chapters_as_they_are():
    sections = [("Intro", 0.0), ("Hash mod N", 12.4), ("The ring", 30.7)]
    assert youtube_chapters(sections, 60.0) == [Chapter("Intro", 0), Chapter("Hash mod N", 12),
                                                  Chapter("The ring", 30)]


def test_short_first_section_becomes_the_lead_in_of_the_next():
    sections = [("Intro", 0.0), ("Hash mod N", 7.2), ("The ring", 30.7), ("Joining", 44.6)]
    assert youtube_chapters(sections, 70.0) == [Chapter("Hash mod N", 0), Chapter("The ring", 30),
                                                  Chapter("Joining", 44)]


def test_short_later_section_is_folded_into_the_one_before():
    sections = [("A", 0.0), ("B", 20.0), ("short", 31.0), ("C", 35.0)]
    assert youtube_chapters(sections, 60.0) == [Chapter("A", 0), Chapter("B", 20), Chapter("C", 35)]
    # a short last section too
    assert youtube_chapters([("A", 0.0), ("B", 20.0), ("Outro", 52.0)], 60.0) == [
        Chapter("A", 0), Chapter("B", 20)]


def test_the_ten_second_rule_uses_whole_seconds_and_the_real_end():
    # B starts at 10.9 -> "0:10", A is 10 s long on the page; B runs to 20.5: 10.5 s
    assert youtube_chapters([("A", 0.0), ("B", 10.9)], 20.5) == [Chapter("A", 0), Chapter("B", 10)]
    # C starts at 20.9 -> "0:20", and the video ends at 29.95: 9.95 s is too short
    assert youtube_chapters([("A", 0.0), ("B", 10.0), ("C", 20.9)], 29.95) == [
        Chapter("A", 0), Chapter("B", 10)]


def test_a_video_shorter_than_ten_seconds_is_one_chapter():
    assert youtube_chapters([("Circle", 0.0), ("Label", 1.8)], 3.7) == [Chapter("Label", 0)]
    assert youtube_chapters([], 3.7) == [Chapter("Intro", 0)]


def test_titles_are_one_line_and_a_missing_intro_is_added():
    assert youtube_chapters([("  Two\nlines ", 15.0)], 40.0) == [Chapter("Intro", 0),
                                                                Chapter("Two lines", 15)]


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="duration must be > 0"):
        youtube_chapters([("A", 0.0)], 0)
    with pytest.raises(ValueError, match="must not go backwards"):
        youtube_chapters([("A", 0.0), ("B", 30.0), ("C", 20.0)], 60)


def test_chapters_text_is_description_lines():
    text = chapters_text([Chapter("Intro", 0), Chapter("The ring", 75)], 100.0)
    assert text == "0:00 Intro\n1:15 The ring\n"
    assert chapters_text([Chapter("Intro", 0)], 4000.0) == "0:00:00 Intro\n"


sections_strategy = st.lists(
    st.tuples(st.text(st.characters(codec="utf-8", categories=("L", "N")), min_size=1, max_size=8),
              st.floats(0, 600, allow_nan=False)),
    max_size=12,
).map(lambda xs: sorted(xs, key=lambda x: x[1]))


@given(sections_strategy, st.floats(0.5, 700, allow_nan=False))
def test_chapters_always_follow_youtube_rules(sections, duration):
    chapters = youtube_chapters(sections, duration)
    assert chapters and chapters[0].start == 0
    starts = [c.start for c in chapters]
    assert starts == sorted(set(starts))
    ends = starts[1:] + [duration]
    if len(chapters) > 1:
        assert all(e - s >= 10 - 1e-9 for s, e in zip(starts, ends, strict=True))
    titles = {t.strip() for t, _ in sections} | {"Intro"}
    assert all(c.title in titles for c in chapters)
    # every chapter after the first starts where a section starts (rounded down; a start a hair
    # under a whole second, 9.999999999, is float noise for 10 and counts as 10)
    section_starts = {math.floor(s + 1e-6) for _, s in sections}
    assert all(c.start in section_starts for c in chapters[1:])

"""Caption cues follow the line rules, whatever the words and their timings."""

import srt
import webvtt
from hypothesis import given, settings
from hypothesis import strategies as st

from visualsys.narration.captions import MAX_CPS, MAX_LINE, MAX_LINES, build_cues, to_srt, to_vtt, wrap
from visualsys.narration.speech import Word

word_text = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789'-", min_size=1, max_size=14)
punct = st.sampled_from(["", "", "", ",", ".", "?", "!", ":"])


@st.composite
def timed_words(draw, max_cps=19.0):
    texts = draw(st.lists(st.tuples(word_text, punct).map("".join), min_size=1, max_size=60))
    rate = draw(st.floats(8.0, max_cps))
    words, t = [], draw(st.floats(0, 5))
    for text in texts:
        d = (len(text) + 1) / rate
        words.append(Word(text, t, t + d))
        t += d + draw(st.sampled_from([0.0, 0.0, 0.05, 0.3, 1.2]))
    return words


def check_rules(words, cues, beat_ends=()):
    # every word, once, in order, never split
    assert " ".join(" ".join(c.lines) for c in cues).split() == [w.text for w in words]
    starts = {w.start for w in words}
    for i, c in enumerate(cues):
        assert 1 <= len(c.lines) <= MAX_LINES
        for line in c.lines:
            assert len(line) <= MAX_LINE or " " not in line  # only a lone over-long word may exceed
        assert c.start in starts  # cues start on a word's onset
        n = len(" ".join(c.lines).split())
        first = next(k for k, w in enumerate(words) if w.start == c.start)
        assert c.end >= words[first + n - 1].end - 1e-9  # shown until its last word is said
        if i + 1 < len(cues):
            assert c.end <= cues[i + 1].start + 1e-9  # no overlap: the end falls in the gap
        for e in beat_ends:
            assert not (c.start < e - 1e-9 and words[first + n - 1].end > e + 1e-9)


@settings(max_examples=150, deadline=None)
@given(timed_words())
def test_cues_follow_the_line_rules(words):
    check_rules(words, build_cues(words))


@settings(max_examples=100, deadline=None)
@given(timed_words(), st.data())
def test_cues_never_cross_a_beat_boundary(words, data):
    cuts = sorted(set(data.draw(st.lists(st.integers(1, len(words)), max_size=4))))
    beat_ends = [words[k - 1].end for k in cuts if k < len(words)]
    check_rules(words, build_cues(words, beat_ends), beat_ends)


@settings(max_examples=100, deadline=None)
@given(timed_words(max_cps=19.0))
def test_reading_speed_at_most_20_characters_a_second(words):
    for c in build_cues(words):
        assert len(" ".join(c.lines)) / (c.end - c.start) <= MAX_CPS + 1e-6


def test_fast_speech_is_slowed_down_into_the_pause_after_it():
    # 25 characters a second, then a long pause: the cue stays up into the pause
    words, t = [], 0.0
    for text in "Keys move fast here.".split():
        d = (len(text) + 1) / 25
        words.append(Word(text, t, t + d))
        t += d
    (cue,) = build_cues(words)
    assert cue.end > words[-1].end
    assert len(cue.text.replace("\n", " ")) / (cue.end - cue.start) <= MAX_CPS


def test_lines_are_balanced_and_a_long_word_stands_alone():
    lines = wrap("one two three four five six seven eight nine ten eleven twelve".split())
    assert lines is not None and len(lines) == 2 and abs(len(lines[0]) - len(lines[1])) <= 6
    url = "https://example.com/a/very/long/path/that/never/ends/at/all"
    assert wrap([url]) == [url]
    cues = build_cues([Word("see", 0, 0.3), Word(url, 0.3, 2.0), Word("now.", 2.0, 2.4)])
    assert [url] in [list(c.lines) for c in cues]


def test_srt_and_vtt_round_trip():
    words = [Word(w, i * 0.4, i * 0.4 + 0.35) for i, w in enumerate(
        "A key walks clockwise until it meets a server, and that server owns it. Then the next one.".split())]
    cues = build_cues(words)
    subs = list(srt.parse(to_srt(cues)))
    assert [s.content for s in subs] == [c.text for c in cues]
    assert [round(s.start.total_seconds(), 3) for s in subs] == [round(c.start, 3) for c in cues]
    vtt = webvtt.from_buffer(__import__("io").StringIO(to_vtt(cues)))
    assert [c.text for c in vtt.captions] == [c.text for c in cues]
    assert [c.start_in_seconds for c in vtt.captions] == [int(c.start) for c in cues]


def spoken(text, start=0.0, cps=15.0):
    words, t = [], start
    for w in text.split():
        d = (len(w) + 1) / cps
        words.append(Word(w, t, t + d))
        t += d
    return words


def test_no_one_word_leftovers_and_breaks_at_sentence_ends():
    text = ("Consistent hashing: how a cluster adds or loses a server without moving all of its data. "
            "Now add a fifth server. "
            "The divisor changes, and 8 of these 12 keys suddenly belong somewhere else.")
    cues = build_cues(spoken(text))
    texts = [" ".join(c.lines) for c in cues]
    assert all(len(t.split()) >= 3 for t in texts), texts
    assert "Now add a fifth server." in texts
    assert texts[-1] == "The divisor changes, and 8 of these 12 keys suddenly belong somewhere else."


def test_a_long_pause_ends_a_cue():
    words = spoken("Keys move.") + spoken("Then servers.", start=5.0)
    assert [" ".join(c.lines) for c in build_cues(words)] == ["Keys move.", "Then servers."]

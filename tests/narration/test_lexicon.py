"""The pronunciation lexicon: what the voice says vs what the captions show."""

import json
from pathlib import Path

import pytest

from visualsys.narration.lexicon import LexiconError, check_lexicon, load_lexicon, merge
from visualsys.narration.markup import parse

PROJECT = Path(__file__).resolve().parents[2] / "assets" / "lexicon.json"


def test_project_lexicon_loads_and_has_the_core_terms():
    lex = load_lexicon(PROJECT)
    assert lex["WAL"] == "wall"
    assert lex["2PC"] == "two phase commit"
    assert lex["O(log N)"] == "oh of log N"
    for term in ("etcd", "p99", "fsync", "ISR", "acks=all"):
        assert term in lex


def test_every_project_term_is_pronounceable_by_hibari(hibari):
    g2p = hibari.engine.g2p
    for term, spoken in load_lexicon(PROJECT).items():
        assert g2p(spoken).strip(), f"hibari says nothing for {term!r} -> {spoken!r}"


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("The WAL is flushed.", "The wall is flushed."),
        ("Two WALs, (WAL), WAL's end.", "Two walls, (wall), wall's end."),
        ("It runs in O(log N).", "It runs in oh of log N."),
        ("Use 2PC, or etcd.", "Use two phase commit, or et-see-dee."),
        ("At p99 the tail grows.", "At pee ninety-nine the tail grows."),
        ("WALRUS and wal stay.", "WALRUS and wal stay."),  # whole words, case-sensitive
    ],
)
def test_spoken_and_written_forms(written, spoken):
    script = parse(written, load_lexicon(PROJECT))
    assert script.spoken_text == spoken
    assert script.written_text == written


def test_multi_word_terms_keep_one_span_per_written_word():
    script = parse('Lookups are <bookmark mark="b"/>O(log N) here.', {"O(log N)": "oh of log N"})
    assert script.written == ["Lookups", "are", "O(log", "N)", "here."]
    assert script.spoken == ["Lookups", "are", "oh", "of", "log", "N", "here."]
    assert script.spans == [(0, 1), (1, 2), (2, 4), (4, 6), (6, 7)]
    assert script.bookmarks == {"b": 2}


def test_a_term_never_spans_a_bookmark():
    script = parse('O(log <bookmark mark="m"/>N) time', {"O(log N)": "oh of log N"})
    assert script.spoken_text == "O(log N) time"
    assert script.bookmarks == {"m": 1}


def test_merge_later_wins():
    assert merge({"WAL": "wall", "a": "b"}, None, {"WAL": "write ahead log"}) == {
        "WAL": "write ahead log", "a": "b"}


def test_bad_lexicons_are_clear(tmp_path):
    assert load_lexicon(tmp_path / "missing.json") == {}
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(LexiconError, match="bad.json is not valid JSON"):
        load_lexicon(bad)
    bad.write_text(json.dumps(["WAL", "wall"]))
    with pytest.raises(LexiconError, match="must hold one JSON object"):
        load_lexicon(bad)
    with pytest.raises(LexiconError, match="'WAL' must map to the words to say"):
        check_lexicon({"WAL": "  "}, "topic")
    with pytest.raises(LexiconError, match="non-empty string"):
        check_lexicon({" WAL": "wall"})

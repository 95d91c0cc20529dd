"""Progress: events, the plain log, JSON lines for child renders, and the rich board."""

import io
import json
import re

from rich.console import Console

from visualsys.render.progress import JsonLinesSink, LogSink, Reporter, RichBoard


def test_reporter_sends_events_and_throttles_frames():
    events = []
    r = Reporter(events.append, max_rate=1e-6)  # at most one frame event per ~11 days
    r.begin("raft", 900, 7)
    r.beat(1, "Servers elect a leader.")
    for n in range(1, 200):
        r.frames(n)
    r.stage("muxing audio")  # flushes the last count first
    r.end()
    assert events[0]["event"] == "begin" and events[0]["total_frames"] == 900
    frames = [e["done"] for e in events if e["event"] == "frames"]
    assert frames[-1] == 199 and len(frames) <= 3
    assert events[-1] == {"event": "end", "slug": "raft"}
    assert {"event": "beat", "slug": "raft", "beat": 1, "snippet": "Servers elect a leader."} in events


def test_log_sink_writes_beats_and_stages():
    lines = []
    sink = LogSink(lines.append)
    for e in ({"event": "begin", "slug": "raft", "total_frames": 9, "total_beats": 7},
              {"event": "beat", "slug": "raft", "beat": 2, "snippet": "A term begins."},
              {"event": "frames", "slug": "raft", "done": 5},
              {"event": "stage", "slug": "raft", "text": "muxing audio"}):
        sink(e)
    assert lines == ["raft: beat 2/7: A term begins.", "raft: muxing audio"]


def test_json_lines_round_trip():
    stream = io.StringIO()
    Reporter(JsonLinesSink(stream)).begin("raft", 10, None)
    assert json.loads(stream.getvalue()) == {"event": "begin", "slug": "raft", "total_frames": 10,
                                             "total_beats": None}


def test_board_shows_topic_beat_frames_and_eta():
    out = io.StringIO()
    console = Console(file=out, width=140, force_terminal=True, color_system=None)
    with RichBoard(console) as board:
        r = Reporter(board, max_rate=1e9)
        r.begin("consistent-hashing", 1000, 11)
        r.beat(3, "Now add a fifth server. The divisor changes, and 8 of these keys move.")
        r.frames(250)
        board.progress.refresh()
        text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())
        r.frames(1500)  # more frames than estimated: the total grows instead of overflowing
        task = board.progress.tasks[0]
        assert task.completed == 1500 and task.total > 1500
        r.end()
    assert "consistent-hashing" in text and "beat 3/11 Now add a fifth server." in text
    assert "250/1000 frames" in text and "ETA" in text

"""``render.py check``: exit codes, text and JSON output (silent voice, no media)."""

import json
from pathlib import Path

from click.testing import CliRunner

from visualsys.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run(scenes: str, *args):
    return CliRunner().invoke(main, ["--scenes", str(FIXTURES / scenes), "check", *args],
                              catch_exceptions=False)


def test_a_clean_topic_passes_with_exit_0():
    result = run("clean", "all", "--voice", "silent", "--no-media")
    assert result.exit_code == 0, result.output
    assert "clean-topic: ok - 0 problems" in result.output
    assert "1 of 1 topic passed" in result.output


def test_findings_are_printed_and_exit_1():
    result = run("faulty", "faulty-topic", "--voice", "silent", "--no-media")
    assert result.exit_code == 1
    out = result.output
    assert "faulty-topic: FAIL - 2 problems" in out
    assert "layout/overlap" in out
    assert "'left label' and 'right label'" in out or "'right label' and 'left label'" in out
    assert "timing/bookmark-unused" in out and 'bookmark "never"' in out
    assert "beat 1 'Two labels on top of each other.'" in out and "line 16" in out
    assert "fix:" in out


def test_json_output_lists_every_finding():
    result = run("faulty", "all", "--voice", "silent", "--no-media", "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["passed"] is False
    (topic,) = data["topics"]
    assert topic["topic"] == "faulty-topic" and topic["passed"] is False
    assert sorted(f["check"] for f in topic["findings"]) == ["bookmark-unused", "overlap"]
    overlap = next(f for f in topic["findings"] if f["check"] == "overlap")
    assert overlap["family"] == "layout" and overlap["beat"] == 1 and overlap["line"] == 16
    assert set(overlap["objects"]) == {"left label", "right label"}
    assert overlap["time"] is not None and overlap["fix"]


def test_unknown_topic_is_a_usage_error():
    result = run("clean", "no-such-topic", "--voice", "silent", "--no-media")
    assert result.exit_code == 2
    assert "no topic called 'no-such-topic'" in result.output


def test_media_required_when_a_folder_is_given(tmp_path):
    result = run("clean", "clean-topic", "--voice", "silent", "--media", str(tmp_path))
    assert result.exit_code == 1
    assert "media/streams" in result.output and "no rendered video" in result.output

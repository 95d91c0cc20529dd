"""The command line: listing, resolving topics, and errors (fast; no rendering)."""

from pathlib import Path

from click.testing import CliRunner

from visualsys.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(*args, **kwargs):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, **kwargs)


def test_help_explains_usage_and_qualities():
    result = run("--help")
    assert result.exit_code == 0
    assert "render.py TOPIC" in result.output
    assert "list" in result.output
    result = run("render", "--help")
    assert "preview" in result.output and "1080p60" in result.output


def test_list_shows_the_default_topic():
    result = run("list")
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if line.startswith("consistent-hashing"))
    assert "Consistent Hashing" in line and "~  95s" in line


def test_unknown_topic_suggests_the_closest(tmp_path):
    result = run("consistent-hash", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "no topic called 'consistent-hash'" in result.output
    assert "Did you mean: consistent-hashing" in result.output
    assert not any(tmp_path.iterdir())


def test_slug_with_path_parts_is_refused(tmp_path):
    for bad in ("../etc", "a/b", "Consistent_Hashing"):
        result = run(bad, "--out", str(tmp_path))
        assert result.exit_code == 2, bad
        assert "is not a topic name" in result.output


def test_invalid_quality_and_voice_are_usage_errors():
    assert run("consistent-hashing", "--quality", "4k").exit_code == 2
    assert run("consistent-hashing", "--voice", "nobody").exit_code == 2


def test_missing_scene_file_is_one_sentence(tmp_path):
    result = run(str(tmp_path / "nope.py"))
    assert result.exit_code == 2
    assert "does not exist" in result.output
    assert "Traceback" not in result.output

"""The command line: listing, resolving topics, and errors (fast; no rendering)."""

from pathlib import Path

import pytest
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


# -- options that are checked before anything renders ---------------------------------

FIXTURES = ROOT / "tests" / "fixtures"
TINY = str(FIXTURES / "tiny_topic.py")


def test_invalid_shard_and_jobs_are_usage_errors():
    for bad in ("0/2", "3/2", "x", "1/0", "1/2/3"):
        result = run("all", "--shard", bad, "--dry-run")
        assert result.exit_code == 2, bad
        assert "Invalid value for '--shard'" in result.output and "shard" in result.output
    assert run("all", "--jobs", "0", "--dry-run").exit_code == 2
    assert run("all", "--quality", "4k", "--dry-run").exit_code == 2
    assert run("all", "--voice", "nobody", "--dry-run").exit_code == 2


def test_shards_of_the_catalog_are_listed_and_cover_it():
    seen = []
    for i in (1, 2):
        result = run("--scenes", str(FIXTURES / "catalog"), "all", "--shard", f"{i}/2", "--dry-run")
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"shard {i}/2: 2 topic(s):")
        seen += [line.split()[0] for line in result.output.splitlines()[1:]]
    assert sorted(seen) == ["alpha", "beta", "delta", "gamma"]


def test_an_output_folder_that_is_a_file_fails_before_rendering(tmp_path):
    out = tmp_path / "out.txt"
    out.write_text("not a folder")
    result = run(TINY, "--out", str(out), "--voice", "silent", "--cache", str(tmp_path / "cache"))
    assert result.exit_code == 1
    assert f"output folder {out} is a file" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "cache" / "manim").exists()  # nothing was rendered
    result = run(TINY, "--out", str(out / "sub"), "--voice", "silent", "--cache", str(tmp_path / "cache"))
    assert result.exit_code == 1 and "cannot create output folder" in result.output


def test_an_unwritable_output_folder_fails_before_rendering(tmp_path, monkeypatch):
    import os

    out = tmp_path / "out"
    out.mkdir()
    real_access = os.access
    def access(path, mode):  # as if the folder were read-only (root ignores permissions, so pretend)
        return False if str(path) == str(out) and mode & os.W_OK else real_access(path, mode)

    monkeypatch.setattr(os, "access", access)
    result = run(TINY, "--out", str(out), "--voice", "silent", "--cache", str(tmp_path / "cache"))
    assert result.exit_code == 1
    assert "is not writable" in result.output
    assert not any(out.iterdir()) and not (tmp_path / "cache" / "manim").exists()
    result = run("--scenes", str(FIXTURES / "catalog"), "all", "--out", str(out), "--voice", "silent")
    assert result.exit_code == 1 and "is not writable" in result.output


def test_a_missing_voice_package_is_one_sentence(tmp_path, monkeypatch):
    from visualsys.narration import voices

    def not_installed(**options):
        raise voices.VoiceUnavailable(
            "The hibari voice needs the hibari-tts and onnx packages: run `make setup`.")

    monkeypatch.setitem(voices.VOICES, "hibari", not_installed)
    result = run(TINY, "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"))
    assert result.exit_code == 1
    assert result.output.strip() == ("error: The hibari voice needs the hibari-tts and onnx packages: "
                                     "run `make setup`.")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    # `all` checks the voice once, before starting any render
    result = run("--scenes", str(FIXTURES / "catalog"), "all", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "hibari-tts" in result.output
    assert not any((tmp_path / "out").iterdir())


# -- render.py new ----------------------------------------------------------------------

def test_new_scaffolds_a_topic_and_never_overwrites(tmp_path):
    scenes = tmp_path / "scenes"
    result = run("--scenes", str(scenes), "new", "write-ahead-log")
    assert result.exit_code == 0, result.output
    path = scenes / "write_ahead_log.py"
    text = path.read_text()
    assert 'slug="write-ahead-log"' in text and 'title="Write Ahead Log"' in text
    assert "class WriteAheadLog(ExplainerScene)" in text and text.count("self.voiceover(") >= 1
    compile(text, str(path), "exec")
    listed = run("--scenes", str(scenes), "list")
    assert "write-ahead-log" in listed.output and "Write Ahead Log" in listed.output

    path.write_text("# my edits\n")
    again = run("--scenes", str(scenes), "new", "write-ahead-log")
    assert again.exit_code == 2 and "already exists" in again.output
    assert path.read_text() == "# my edits\n"


def test_new_refuses_names_that_are_not_topics(tmp_path):
    for bad in ("../evil", "a/b", "Upper", "all", "has_underscore"):
        result = run("--scenes", str(tmp_path), "new", bad)
        assert result.exit_code == 2, bad
        assert "not a topic name" in result.output or "is a command name" in result.output
    assert not any(tmp_path.iterdir())
    result = run("--scenes", str(tmp_path), "new", "raft", "--title", 'say "hi"')
    assert result.exit_code == 2 and "title must be one line" in result.output


def test_the_ci_workflow_calls_commands_that_exist():
    """docs/ci/github-actions.yml: its render.py command lines parse (run here as dry runs)."""
    import re
    import shlex

    text = (ROOT / "docs" / "ci" / "github-actions.yml").read_text()
    folded = re.sub(r"\n\s+(?=--)", " ", text)  # the YAML '>-' block folds its lines into one
    commands = re.findall(r"\.venv/bin/python render\.py (all[^\n]*)", folded)
    assert len(commands) == 2 and "make setup" in text
    for command in commands:
        args = shlex.split(command.replace("${{ matrix.shard }}/${{ strategy.job-total }}", "2/4"))
        assert "--shard" in args
        if "--dry-run" not in args:
            assert args[args.index("--quality") + 1] == "preview"
            args.append("--dry-run")
        result = run(*args)
        assert result.exit_code == 0, (command, result.output)
        assert result.output.startswith("shard 2/4:")
    assert "previews/*.mp4" in text and "previews/*.storyboard.png" in text


def test_list_shows_the_good_topics_and_names_a_broken_module():
    result = CliRunner().invoke(main, ["--scenes", str(FIXTURES / "catalog"), "list"])
    assert result.exit_code == 1
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["alpha", "beta", "gamma"]
    assert "error: delta.py does not load (delta.py line 4): ImportError" in result.stderr
    assert "Traceback" not in result.output
    # and a broken module does not stop another topic being found or suggested
    result = run("--scenes", str(FIXTURES / "catalog"), "alpah")
    assert result.exit_code == 2 and "Did you mean: alpha?" in result.output


def test_bad_lexicon_is_a_usage_error(tmp_path):
    bad = tmp_path / "lexicon.json"
    bad.write_text("{not json", encoding="utf-8")
    result = run("consistent-hashing", "--lexicon", str(bad), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "lexicon.json" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_recorded_voice_without_recordings_names_the_folder(tmp_path):
    result = run("consistent-hashing", "--voice", "recorded", "--recordings", str(tmp_path / "none"),
                 "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert str(tmp_path / "none") in result.output


def test_recording_sheet_lists_every_beat_with_its_file():
    result = run("recording-sheet", "consistent-hashing")
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if line.strip().endswith(".wav")]
    assert len(lines) >= 10
    assert "Consistent hashing: how a cluster" in result.output


def test_command_names_are_reserved_slugs():
    from visualsys.topic import RESERVED_SLUGS, Topic

    assert set(main.commands) == RESERVED_SLUGS  # a new command must be reserved too
    for name in RESERVED_SLUGS:
        with pytest.raises(ValueError, match="is a render.py command name"):
            Topic(slug=name, title="x", length=10)


@pytest.mark.parametrize("body,code,err", [
    ("pass", 0, ""), ("raise SystemExit(3)", 3, ""), ("raise SystemExit('one clear sentence')", 1,
                                                       "one clear sentence")])
def test_run_and_exit_keeps_the_exit_code_and_runs_the_exit_handlers(tmp_path, body, code, err):
    import subprocess
    import sys

    marker = tmp_path / "atexit-ran"
    program = (f"import atexit, pathlib\n"
               f"atexit.register(lambda: pathlib.Path({str(marker)!r}).write_text('yes'))\n"
               f"from visualsys.cli import run_and_exit\n"
               f"def entry():\n    print('out', flush=False)\n    {body}\n"
               f"run_and_exit(entry)\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert done.returncode == code
    assert done.stdout == "out\n"  # flushed before the fast exit
    assert err in done.stderr
    assert marker.read_text() == "yes"

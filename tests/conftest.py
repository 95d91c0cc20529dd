"""Shared pytest set-up: Manim's graphical-test flags and a temporary Manim config."""

from __future__ import annotations

import os

import pytest

# pydub warns at import when no ffmpeg binary exists; we only use WAV in memory.
os.environ.setdefault("PYDUB_QUIET", "1")


def pytest_addoption(parser: pytest.Parser) -> None:
    # Used by manim.utils.testing.frames_comparison:
    #   pytest --set_test   (re)writes the control frames of the selected tests
    #   pytest --show_diff  shows a diff image when a frame does not match
    parser.addoption("--set_test", action="store_true", help="write control frames instead of comparing")
    parser.addoption("--show_diff", action="store_true", help="show a diff when a frame test fails")


# Manim's frames_comparison skips every graphical test when the system cairo is
# older than 1.18, because *Manim's own* control frames were drawn with 1.18.
# Our control frames are drawn here, with the cairo that Debian bookworm ships
# (1.16) and that `make setup` installs on every machine, CI included; so the
# comparison is valid and a skip would silently count as a pass. Compare.
from manim.utils.testing import frames_comparison as _frames_comparison  # noqa: E402

_frames_comparison.MIN_CAIRO_VERSION = 0

"""Helpers for the check tests: run a small scene through the checker with the silent voice."""

from __future__ import annotations

import pytest

from visualsys import Topic
from visualsys.checks.runner import check_scene
from visualsys.narration.cache import Narrator
from visualsys.narration.voices import SilentService


def _run(scene_cls, length: float | None = None):
    """Check ``scene_cls`` (preview frame rate, silent voice); return (report, recording)."""
    topic = Topic(slug="fixture", title="Fixture", length=length or 1000.0)
    return check_scene(scene_cls, topic, narrator=Narrator(SilentService()), quality="preview")


@pytest.fixture
def run_check():
    """``run_check(SceneClass, length=None)`` -> findings (the length check is off unless ``length``)."""

    def run(scene_cls, length: float | None = None):
        report, _ = _run(scene_cls, length)
        if length is None:
            return [f for f in report.findings if f.check != "length"]
        return report.findings

    return run


@pytest.fixture
def run_report():
    """``run_report(SceneClass, length)`` -> (report, recording)."""
    return _run


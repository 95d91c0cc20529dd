"""Helpers for key-frame tests of topics: load a topic's module, play it up to one of its chapters."""

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from visualsys.scene import ChapterReached


def load_topic(name: str) -> ModuleType:
    """The module ``scenes/<name>.py``, loaded as ``scene_<name>`` (not registered in ``sys.modules``)."""
    path = Path(__file__).resolve().parents[2] / "scenes" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"scene_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def play_until(scene, chapter: str) -> None:
    """Run the topic's construct on ``scene`` and stop just before ``chapter``; hold the frame."""
    scene.stop_before = chapter
    with pytest.raises(ChapterReached):
        type(scene).__mro__[1].construct(scene)
    scene.wait(0.1)  # the frame tester redraws only what the last call touched

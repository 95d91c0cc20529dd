"""Helpers for key-frame tests of topics: play a topic up to one of its chapters."""

import pytest

from visualsys.scene import ChapterReached


def play_until(scene, chapter: str) -> None:
    """Run the topic's construct on ``scene`` and stop just before ``chapter``; hold the frame."""
    scene.stop_before = chapter
    with pytest.raises(ChapterReached):
        type(scene).__mro__[1].construct(scene)
    scene.wait(0.1)  # the frame tester redraws only what the last call touched

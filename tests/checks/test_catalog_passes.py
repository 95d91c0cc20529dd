"""Every topic in scenes/ passes `render.py check` (layout and timing) with the default voice.

Runs before the render tests (pytest collects tests/checks first), so a
topic that overlaps, leaves the frame or stalls fails CI with the finding in
the message.
"""

from pathlib import Path

import pytest

from visualsys.checks.runner import check_topic
from visualsys.narration import make_narrator
from visualsys.topics import discover

ROOT = Path(__file__).resolve().parents[2]
TOPICS = discover(ROOT / "scenes")


@pytest.fixture(scope="module")
def narrator(tmp_path_factory):
    return make_narrator("hibari", ROOT / ".cache" / "speech")  # what render.py uses


@pytest.mark.parametrize("slug", sorted(TOPICS))
def test_topic_passes_check(slug, narrator, tmp_path):
    report = check_topic(TOPICS[slug], narrator=narrator, quality="preview", work_dir=tmp_path)
    problems = "\n".join(f"{f.check} at {f.time}: {f.message}" for f in report.failures)
    assert report.passed, f"{slug} fails check:\n{problems}"

"""Fixtures for the narration tests: one loaded hibari voice per test session."""

from __future__ import annotations

import pytest

from visualsys.narration.hibari_voice import HibariService


@pytest.fixture(scope="session")
def hibari() -> HibariService:
    """The default voice, loaded once (about 0.5 s)."""
    service = HibariService()
    service.engine  # noqa: B018 - load now, not inside the first test
    return service

"""How many processes one render may use (light: no Manim import, so ``render.py all`` can ask cheaply)."""

from __future__ import annotations

import os


def default_workers() -> int:
    """Processes per render: ``VISUALSYS_RENDER_WORKERS`` if set, else the CPUs this process may use."""
    env = os.environ.get("VISUALSYS_RENDER_WORKERS")
    if env:
        try:
            value = int(env)
        except ValueError:
            raise ValueError(f"VISUALSYS_RENDER_WORKERS must be a whole number, got {env!r}") from None
        if value < 1:
            raise ValueError(f"VISUALSYS_RENDER_WORKERS must be >= 1, got {value}")
        return value
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)

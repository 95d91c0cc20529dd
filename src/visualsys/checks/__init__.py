"""Quality checks: layout, timing and media faults found before a person watches the video.

``render.py check <topic>|all`` runs them (see :mod:`visualsys.checks.command`).
A scene accepts a finding only explicitly, with a reason::

    from visualsys.checks import waive

    waive(self, "overlap", reason="the two labels merge on purpose", text="A1")

This package imports nothing heavy at the top: scenes can call ``waive``
without pulling in the checkers.
"""

from .findings import CHECKS, Finding
from .waivers import waive

__all__ = ["CHECKS", "Finding", "waive"]

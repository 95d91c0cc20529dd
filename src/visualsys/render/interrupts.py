"""SIGINT and SIGTERM become a clean stop: an exception that unwinds every ``with`` block.

The ``render.py`` commands call :func:`install` first. From then on Ctrl-C
(SIGINT) and ``kill`` / a CI runner cancelling the job (SIGTERM) raise
:class:`Interrupted`, a ``KeyboardInterrupt``, so temporary files are removed
by the same ``finally`` blocks as after any failure and Manim discards the
partial movie it was encoding. A second signal while that cleanup runs is
ignored, so the cleanup finishes; a third one kills the process at once.

:func:`deferred` holds a signal back for a few milliseconds while a set of
outputs is renamed into place, so an interrupted render never leaves a new
video beside old captions.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """The process got SIGINT or SIGTERM."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        """``SIGINT`` or ``SIGTERM``."""
        return signal.Signals(self.signum).name


class _State:
    installed = False
    defer_depth = 0
    pending: int | None = None
    received = 0


def _handler(signum: int, frame: object) -> None:
    _State.received += 1
    if _State.defer_depth:
        _State.pending = signum
        return
    if _State.received == 1:
        raise Interrupted(signum)
    if _State.received >= 3:  # the clean-up seems stuck: let the signal do its default
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


def install() -> None:
    """Make SIGINT and SIGTERM raise :class:`Interrupted` (in the main thread)."""
    for sig in SIGNALS:
        signal.signal(sig, _handler)
    _State.installed = True
    _State.received = 0
    _State.pending = None


@contextmanager
def deferred() -> Iterator[None]:
    """Hold back a signal that arrives inside the block; raise it when the block ends."""
    _State.defer_depth += 1
    try:
        yield
    finally:
        _State.defer_depth -= 1
        if _State.defer_depth == 0 and _State.pending is not None:
            signum, _State.pending = _State.pending, None
            _State.received = 1
            raise Interrupted(signum)


@contextmanager
def handled() -> Iterator[None]:
    """:func:`install` for the duration of the block, then put the previous handlers back."""
    previous = {sig: signal.getsignal(sig) for sig in SIGNALS}
    install()
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _State.installed = False

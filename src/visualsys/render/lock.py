"""A per-topic lock, so two renders of one topic never share Manim's working files at once.

Manim keeps a topic's partial movies, its text cache and the assembled
silent video under ``<cache>/manim/<slug>/``, and prunes old partial movies
when it finishes. Two renders of the same topic with the same ``--cache``
would write and prune that folder under each other, so the second one waits
for the first (it says so), then renders — from the first one's cache.

The lock is an OS file lock (``flock`` on POSIX, ``msvcrt.locking`` on
Windows): the OS drops it when its process dies, however it dies, so a
crashed render never leaves a stale lock behind.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _lock(fd: int) -> None:
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # retries for ~10 s, then raises
                return
            except OSError:
                continue

    def _unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


@contextmanager
def exclusive(path: Path, on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` for the ``with`` block.

    Parameters
    ----------
    path
        The lock file (created if missing; its content is the holder's pid,
        for people, never trusted by the code).
    on_wait
        Called once, before blocking, when another process holds the lock.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_lock(fd):
            on_wait()
            _lock(fd)
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)

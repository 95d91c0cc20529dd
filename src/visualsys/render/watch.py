"""``render.py <topic> --watch``: re-render the preview whenever a source of the topic is saved.

What is watched: the scene file and every local module it uses (see
:mod:`.sources`; each render reports its own list, so a newly imported
helper is watched from the next render on). What counts as a change: a
file whose *content* differs — saving without edits, or an editor touching
the file, does not re-render, and an editor that saves by writing a new
file and renaming it over the old one is handled like any other save.

How: watchdog (inotify, FSEvents, ...) wakes the loop as soon as something
happens in a watched folder; the loop waits for a short quiet spell (an
editor's save is several events), then compares content hashes. It also
polls every second, so a file system without change events still works.

Each render runs in a child process, forked from a warm process that has
Manim and the other libraries imported already (:mod:`.warm`), so edited
scene and library code is really re-imported but the ~0.8 s of third-party
imports is paid once; unchanged beats come from the speech and Manim caches.
A save during a render stops that render (cleanly, SIGTERM) and starts a new one.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

Snapshot = dict[Path, str | None]


def snapshot(paths: Iterable[Path]) -> Snapshot:
    """Content hash of each file (``None`` if missing or unreadable)."""
    snap: Snapshot = {}
    for p in paths:
        path = Path(p).resolve()
        try:
            snap[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            snap[path] = None
    return snap


def changed(before: Snapshot, after: Snapshot) -> list[Path]:
    """Files whose content differs between two snapshots (appeared, vanished or edited), sorted."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


class _Wake(FileSystemEventHandler):
    def __init__(self, flag: threading.Event, names: Callable[[], set[Path]]) -> None:
        self.flag, self.names = flag, names

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = {event.src_path, getattr(event, "dest_path", "") or ""}
        watched = self.names()
        if any(p and Path(str(p)).resolve() in watched for p in paths):
            self.flag.set()


class SourceWatcher:
    """Watch files for content changes.

    Parameters
    ----------
    paths
        The files to watch.
    poll_interval
        Seconds between content checks when no event arrives.
    quiet
        Seconds without events to wait after the first one before looking
        (an editor's save is several events).
    use_events
        Use watchdog's change events (else poll only).
    """

    def __init__(self, paths: Iterable[Path], poll_interval: float = 1.0, quiet: float = 0.2,
                 use_events: bool = True) -> None:
        if poll_interval <= 0:
            raise ValueError(f"poll_interval must be > 0, got {poll_interval}")
        if quiet < 0:
            raise ValueError(f"quiet must be >= 0, got {quiet}")
        self.poll_interval, self.quiet = poll_interval, quiet
        self._flag = threading.Event()
        self._observer = Observer() if use_events else None
        self._dirs: set[Path] = set()
        self._snap: Snapshot = {}
        self.set_paths(paths)
        if self._observer is not None:
            self._observer.daemon = True
            self._observer.start()

    @property
    def paths(self) -> list[Path]:
        """The files being watched."""
        return sorted(self._snap)

    def set_paths(self, paths: Iterable[Path]) -> None:
        """Watch ``paths`` from now on.

        A file watched already keeps its baseline (an edit made meanwhile is
        still seen); a new one is taken as it is now.
        """
        wanted = [Path(p).resolve() for p in paths]
        fresh = snapshot(p for p in wanted if p not in self._snap)
        self._snap = {p: fresh[p] if p in fresh else self._snap[p] for p in wanted}
        if self._observer is None:
            return
        for folder in {p.parent for p in self._snap} - self._dirs:
            if folder.is_dir():
                self._observer.schedule(_Wake(self._flag, lambda: set(self._snap)), str(folder))
                self._dirs.add(folder)

    def poll(self) -> list[Path]:
        """Files changed since the last look (and make the current content the baseline)."""
        now = snapshot(self._snap)
        diff = changed(self._snap, now)
        self._snap = now
        return diff

    def wait(self, timeout: float | None = None) -> list[Path]:
        """Block until a watched file's content changes; return the changed files ([] on timeout)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            diff = self.poll()
            if diff:
                return diff
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return []
            step = self.poll_interval if left is None else min(self.poll_interval, left)
            if self._flag.wait(step):
                while True:  # let the burst of events of one save settle
                    self._flag.clear()
                    if self.quiet == 0 or not self._flag.wait(self.quiet):
                        break

    def close(self) -> None:
        """Stop the event thread."""
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)

    def __enter__(self) -> SourceWatcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Render(Protocol):
    """What :func:`watch_loop` needs of a running render (``subprocess.Popen`` has it)."""

    def poll(self) -> int | None:
        """Exit code, or ``None`` while running."""

    def terminate(self) -> None:
        """Ask it to stop."""

    def wait(self) -> int:
        """Wait for it to end; return its exit code."""


def watch_loop(
    start: Callable[[], Render],
    sources: Callable[[], list[Path]],
    watcher: SourceWatcher,
    say: Callable[[str], None],
    max_renders: int | None = None,
    idle_timeout: float | None = None,
) -> int:
    """Render, wait for a change, render again ... until interrupted (or ``max_renders``, for tests).

    Parameters
    ----------
    start
        Starts one render.
    sources
        The files to watch after a render (the scene file at least).
    watcher
        Watches them.
    say
        Prints a sentence for the user.
    max_renders
        Stop after this many renders (``None``: never).
    idle_timeout
        Stop when nothing changes for this many seconds (``None``: never).

    Returns
    -------
    int
        The exit code of the last render.
    """
    renders, code = 0, 0
    while True:
        render = start()
        renders += 1
        restart = False
        while render.poll() is None:
            diff = watcher.wait(timeout=0.25)
            if diff:
                say(f"{_names(diff)} changed during the render: starting over")
                render.terminate()
                render.wait()
                restart = True
                break
        code = render.wait()
        if restart and (max_renders is None or renders < max_renders):
            continue
        watcher.set_paths(sources())
        if max_renders is not None and renders >= max_renders:
            return code
        say(f"watching {len(watcher.paths)} files for changes (Ctrl-C to stop)")
        diff = watcher.wait(timeout=idle_timeout)
        if not diff:
            return code
        say(f"{_names(diff)} changed: rendering again")


def _names(paths: list[Path]) -> str:
    names = [p.name for p in paths]
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")

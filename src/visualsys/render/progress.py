"""Progress a person can read: which topic, which beat, frames and ETA.

The pipeline reports through a :class:`Reporter`, which turns calls into small
event dicts and hands them to a *sink*:

* :class:`RichBoard` draws a live ``rich`` progress bar per topic (a terminal);
* :class:`LogSink` writes one line per beat and stage (a log file, a pipe);
* :class:`JsonLinesSink` writes one JSON object a line (how ``render.py all``
  hears from the renders it runs in child processes, and feeds its own board);
* a sink that ignores everything (CI, where ``CI=true``: quiet by default).

Events: ``{"event": "begin", "slug", "total_frames", "total_beats"}``,
``{"event": "beat", "slug", "beat", "snippet"}``, ``{"event": "frames", "slug",
"done"}``, ``{"event": "stage", "slug", "text"}``, ``{"event": "end", "slug"}``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import IO, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

Event = dict[str, Any]
Sink = Callable[[Event], None]


def ignore(event: Event) -> None:
    """The quiet sink."""


class Reporter:
    """What the pipeline calls; it forwards events to ``sink``.

    Frame events are throttled to ``max_rate`` a second (a 1080p60 render
    writes thousands of frames); the last one before a stage change always
    goes through.
    """

    def __init__(self, sink: Sink = ignore, max_rate: float = 10.0) -> None:
        if max_rate <= 0:
            raise ValueError(f"max_rate must be > 0, got {max_rate}")
        self.sink = sink
        self.slug = ""
        self._interval = 1.0 / max_rate
        self._last = 0.0
        self._frames = 0
        self._sent_frames = -1

    def begin(self, slug: str, total_frames: int, total_beats: int | None = None) -> None:
        """A render of ``slug`` starts; ``total_frames`` is an estimate (last render, or target length)."""
        self.slug = slug
        self.sink({"event": "begin", "slug": slug, "total_frames": int(total_frames),
                   "total_beats": total_beats})

    def beat(self, number: int, snippet: str) -> None:
        """Beat ``number`` (1-based) started."""
        self._flush()
        self.sink({"event": "beat", "slug": self.slug, "beat": number, "snippet": snippet})

    def frames(self, done: int) -> None:
        """``done`` frames of the video exist so far."""
        self._frames = done
        now = time.monotonic()
        if now - self._last >= self._interval:
            self._last = now
            self._flush()

    def stage(self, text: str) -> None:
        """The render moved on to ``text`` (``"muxing audio"`` ...)."""
        self._flush()
        self.sink({"event": "stage", "slug": self.slug, "text": text})

    def end(self) -> None:
        """The render finished (or failed)."""
        self._flush()
        self.sink({"event": "end", "slug": self.slug})

    def _flush(self) -> None:
        if self._frames != self._sent_frames:
            self._sent_frames = self._frames
            self.sink({"event": "frames", "slug": self.slug, "done": self._frames})


class LogSink:
    """One plain line per beat and stage, through ``write`` (for logs and pipes)."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write
        self._beats: dict[str, int | None] = {}

    def __call__(self, event: Event) -> None:
        """Handle one event."""
        slug, kind = event.get("slug", ""), event.get("event")
        if kind == "begin":
            self._beats[slug] = event.get("total_beats")
        elif kind == "beat":
            total = self._beats.get(slug)
            of = f"/{total}" if total else ""
            self.write(f"{slug}: beat {event['beat']}{of}: {event['snippet']}")
        elif kind == "stage":
            self.write(f"{slug}: {event['text']}")


class JsonLinesSink:
    """One JSON object a line on ``stream`` (flushed: the reader is another process)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def __call__(self, event: Event) -> None:
        """Handle one event."""
        self.stream.write(json.dumps(event, ensure_ascii=False) + "\n")
        self.stream.flush()


class _Frames(ProgressColumn):
    def render(self, task: Task) -> Text:
        total = f"{task.total:.0f}" if task.total else "?"
        return Text(f"{task.completed:>5.0f}/{total} frames", style="progress.download")


class _Eta(TimeRemainingColumn):
    def render(self, task: Task) -> Text:
        return Text("ETA ") + super().render(task)


class RichBoard:
    """Live progress bars, one per topic being rendered, on ``console`` (stderr by default).

    Use as a context manager; pass it (it is a sink) to :class:`Reporter`, or
    feed it events read from a child's :class:`JsonLinesSink`.
    """

    def __init__(self, console: Console | None = None, snippet_width: int = 34) -> None:
        self.console = console or Console(stderr=True)
        self.snippet_width = snippet_width
        self.progress = Progress(
            TextColumn("[bold]{task.fields[slug]}"),
            TextColumn("{task.fields[what]}", style="progress.description"),
            BarColumn(bar_width=24),
            _Frames(),
            TimeElapsedColumn(),
            _Eta(),
            console=self.console,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._tasks: dict[str, Any] = {}
        self._beats: dict[str, int | None] = {}

    def __enter__(self) -> RichBoard:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def _short(self, text: str) -> str:
        w = self.snippet_width
        return text if len(text) <= w else text[: w - 1].rstrip() + "…"

    def __call__(self, event: Event) -> None:
        """Handle one event."""
        slug, kind = event.get("slug", ""), event.get("event")
        if kind == "begin":
            if slug in self._tasks:
                self.progress.remove_task(self._tasks.pop(slug))
            self._beats[slug] = event.get("total_beats")
            self._tasks[slug] = self.progress.add_task(
                slug, total=max(1, int(event.get("total_frames") or 1)), slug=slug, what="starting")
            return
        task = self._tasks.get(slug)
        if task is None:
            return
        if kind == "beat":
            total = self._beats.get(slug)
            of = f"/{total}" if total else ""
            self.progress.update(task, what=f"beat {event['beat']}{of} {self._short(event['snippet'])}")
        elif kind == "frames":
            done = int(event["done"])
            bar_total = self.progress.tasks[self._index(task)].total or 1.0
            if done >= bar_total:  # the estimate was short: keep the bar honest
                self.progress.update(task, total=done + 1)
            self.progress.update(task, completed=done)
        elif kind == "stage":
            self.progress.update(task, what=event["text"])
        elif kind == "end":
            t = self.progress.tasks[self._index(task)]
            self.progress.update(task, total=t.completed or 1, completed=t.completed or 1)

    def _index(self, task_id: Any) -> int:
        return next(i for i, t in enumerate(self.progress.tasks) if t.id == task_id)

    def remove(self, slug: str) -> None:
        """Drop the bar of ``slug`` (``render.py all`` prints a line for it instead)."""
        task = self._tasks.pop(slug, None)
        if task is not None:
            self.progress.remove_task(task)

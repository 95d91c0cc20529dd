"""``render.py all``: render many topics, in parallel processes, optionally one shard of the catalog.

Each topic renders in its own child process (``render.py render <file>``),
so one topic's crash, memory or Manim state cannot touch another, a failing
topic is reported while the others finish, and a signal stops every child
cleanly. The children report progress as JSON lines (see :mod:`.progress`).

Sharding (``--shard I/N``) splits the catalog into N parts of about equal
*length* (each topic weighs its target length): topics are taken longest
first and each goes to the part with the least total so far, ties to the
lower part, then by slug. The split depends only on the catalog — every
machine of a CI matrix computes the same one — and the N shards together
render every topic exactly once.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from ..topics import TopicError, load_file
from .progress import Event
from .workers import CHILD_PROGRAM, default_workers, render_env


@dataclass(frozen=True)
class CatalogItem:
    """A topic file of the catalog, loaded or not.

    ``name`` is the slug, or for a module that does not load, its file name
    (the child render will report why, like for any failing topic).
    """

    name: str
    path: Path
    length: float
    error: str | None = None


def catalog(scenes_dir: Path) -> list[CatalogItem]:
    """Every ``scenes_dir/*.py`` (not ``_*.py``) as a :class:`CatalogItem`, in file-name order.

    Unlike :func:`visualsys.topics.discover`, a module that fails to import
    does not stop the listing: it becomes an item with an ``error``.
    """
    items: list[CatalogItem] = []
    seen: dict[str, Path] = {}
    for path in sorted(Path(scenes_dir).glob("*.py")):
        if path.name.startswith("_"):
            continue
        try:
            entry = load_file(path)
        except Exception as exc:  # noqa: BLE001 - reported per topic, the rest still render
            items.append(CatalogItem(path.stem.replace("_", "-"), path.resolve(), 0.0,
                                     f"{type(exc).__name__}: {exc}"))
            continue
        if entry.slug in seen:
            raise TopicError(f"{seen[entry.slug].name} and {path.name} both declare the slug {entry.slug!r}")
        seen[entry.slug] = path
        items.append(CatalogItem(entry.slug, entry.path, float(entry.topic.length)))
    return items


_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> ``(2, 4)``.

    Raises
    ------
    ValueError
        Unless it is ``I/N`` with whole numbers ``1 <= I <= N``.
    """
    match = _SHARD.match(text)
    if not match:
        raise ValueError(f"shard must look like I/N (e.g. 2/4), got {text!r}")
    index, count = int(match[1]), int(match[2])
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"shard I/N needs 1 <= I <= N, got {text!r}")
    return index, count


def shard(items: Sequence[CatalogItem], index: int, count: int) -> list[CatalogItem]:
    """The items of shard ``index`` of ``count`` (1-based), longest first (see the module docstring)."""
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"shard I/N needs 1 <= I <= N, got {index}/{count}")
    loads = [0.0] * count
    parts: list[list[CatalogItem]] = [[] for _ in range(count)]
    for item in sorted(items, key=lambda it: (-it.length, it.name)):
        k = min(range(count), key=lambda i: (loads[i], i))
        parts[k].append(item)
        loads[k] += max(item.length, 1.0)  # a broken module still costs a process
    return parts[index - 1]


@dataclass
class Outcome:
    """How one topic's render ended."""

    name: str
    code: int
    seconds: float
    message: str = ""
    duration: float | None = None
    log: str = ""  # the child's stderr (shown with --verbose when it failed)

    @property
    def ok(self) -> bool:
        """Whether the topic rendered."""
        return self.code == 0


def child_command(path: Path, render_args: Sequence[str]) -> list[str]:
    """The command that renders the topic file ``path`` in a child process."""
    return [sys.executable, "-c", CHILD_PROGRAM,
            "render", str(path), *render_args, "--progress-json"]


def _last_error(stderr: str) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("error:")]
    if errors:
        return errors[-1].removeprefix("error:").strip()
    return lines[-1] if lines else "no output"


class Batch:
    """Run the renders of ``items`` with at most ``jobs`` at a time.

    Parameters
    ----------
    items
        What to render, in the order to start them.
    render_args
        Options passed to every ``render.py render`` child (quality, out, voice, cache ...).
    jobs
        How many children run at once.
    on_event
        Receives the children's progress events (from their threads, one at a time).
    on_done
        Called with each :class:`Outcome` as it finishes (one at a time).
    """

    def __init__(self, items: Sequence[CatalogItem], render_args: Sequence[str], jobs: int,
                 on_event: Callable[[Event], None] = lambda e: None,
                 on_done: Callable[[Outcome], None] = lambda o: None) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be >= 1, got {jobs}")
        self.items, self.render_args, self.jobs = list(items), list(render_args), jobs
        self.on_event, self.on_done = on_event, on_done
        self._lock = threading.Lock()
        self._procs: dict[str, subprocess.Popen] = {}
        self._stopping = False

    def _render(self, item: CatalogItem) -> Outcome:
        started = time.perf_counter()
        if self._stopping:
            return Outcome(item.name, 130, 0.0, "not started: interrupted")
        env = render_env(dict(os.environ, PYTHONUNBUFFERED="1"))
        if "VISUALSYS_RENDER_WORKERS" not in os.environ:  # share the CPUs between the topics at once
            env["VISUALSYS_RENDER_WORKERS"] = str(max(1, default_workers() // self.jobs))
        duration = None
        with tempfile.TemporaryFile("w+", encoding="utf-8") as err, subprocess.Popen(
            child_command(item.path, self.render_args), stdout=subprocess.PIPE, stderr=err,
            stdin=subprocess.DEVNULL, text=True, env=env,
        ) as proc:
            with self._lock:
                self._procs[item.name] = proc
            assert proc.stdout is not None
            for line in proc.stdout:
                try:
                    event = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if not isinstance(event, dict):
                    continue
                if event.get("event") == "done":
                    duration = event.get("duration")
                    continue
                event["slug"] = item.name
                with self._lock:
                    self.on_event(event)
            code = proc.wait()
            with self._lock:
                self._procs.pop(item.name, None)
            err.seek(0)
            log = err.read()
            message = "" if code == 0 else _last_error(log)
        return Outcome(item.name, code, time.perf_counter() - started, message, duration, log)

    def stop(self) -> None:
        """Stop: start nothing new, send SIGTERM to the running children (they clean up and exit)."""
        self._stopping = True
        with self._lock:
            procs = list(self._procs.values())
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()

    def run(self) -> list[Outcome]:
        """Render everything; return the outcomes in the order of ``items``.

        On ``KeyboardInterrupt`` (SIGINT or SIGTERM through :mod:`.interrupts`)
        the children are stopped and waited for, then it is re-raised.
        """
        outcomes: dict[str, Outcome] = {}
        with ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="render") as pool:
            futures: dict[Future, CatalogItem] = {pool.submit(self._render, it): it for it in self.items}
            pending = set(futures)
            try:
                while pending:
                    done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                    for f in done:
                        outcome = f.result()
                        outcomes[outcome.name] = outcome
                        with self._lock:
                            self.on_done(outcome)
            except BaseException:
                self.stop()
                for f in pending:
                    f.cancel()
                wait(pending)
                raise
        return [outcomes[it.name] for it in self.items]

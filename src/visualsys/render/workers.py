"""How a render runs: how many processes it may use, its garbage collector, its environment.

Light (no Manim import), so ``render.py all`` can ask cheaply.
"""

from __future__ import annotations

import gc
import math
import os

#: The program (``python -c``) of a render started as a child process (``render.py all``, a
#: ``--watch`` without its warm process): the CLI, run as ``render.py`` runs it.
CHILD_PROGRAM = "from visualsys.cli import main, run_and_exit; run_and_exit(main)"

#: Python's garbage-collector thresholds while rendering (its defaults are 700, 10, 10). A render
#: makes and drops millions of small objects (every play copies its mobjects), very few of them in
#: reference cycles: collecting ~70x less often costs a few MB and saves ~4 % of a preview's CPU.
GC_THRESHOLDS = (50_000, 20, 20)


def tune_gc() -> None:
    """Set :data:`GC_THRESHOLDS` and freeze what exists now (the imports), so collections never scan it.

    Freezing before a ``fork`` also keeps the collector from writing to the
    pages the processes share.
    """
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def default_workers() -> int:
    """Processes per render: ``VISUALSYS_RENDER_WORKERS`` if set, else the CPUs nobody else is using.

    Drawing one video in N processes costs more CPU in total (each replays
    the scene up to its part), so it pays only with idle CPUs: measured on 2
    CPUs that others kept busy (load 4), two processes were 15 % slower than
    one at preview. The spare CPUs are the CPUs minus the last minute's load
    average, rounded up, and at least one.
    """
    env = os.environ.get("VISUALSYS_RENDER_WORKERS")
    if env:
        try:
            value = int(env)
        except ValueError:
            raise ValueError(f"VISUALSYS_RENDER_WORKERS must be a whole number, got {env!r}") from None
        if value < 1:
            raise ValueError(f"VISUALSYS_RENDER_WORKERS must be >= 1, got {value}")
        return value
    n = cpus()
    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover - no load average on this system
        return n
    return max(1, min(n, math.ceil(n - load - 1e-9)))


def render_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a render process: ``base`` (default: this one's) with a fixed string-hash seed.

    With Python's hash randomisation every process iterates sets of strings
    in its own order; with a fixed seed two renders of the same input run the
    same program, so a re-render can trust its play keys (see
    :mod:`.playkeys`). A seed the user chose is kept.
    """
    env = dict(os.environ if base is None else base)
    if env.get("PYTHONHASHSEED", "random") == "random":
        env["PYTHONHASHSEED"] = "0"
    return env

#!/usr/bin/env python3
"""Render a visualsys topic: ``render.py <topic>`` (see ``render.py --help``)."""

import os
import sys

if __name__ == "__main__" and os.environ.get("PYTHONHASHSEED", "random") == "random":
    # A fixed string-hash seed makes two renders of the same input the same program run
    # (see visualsys.render.workers.render_env, which render.py's own child processes get).
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})

from visualsys.cli import main  # noqa: E402

if __name__ == "__main__":
    from visualsys.cli import run_and_exit

    run_and_exit(main)

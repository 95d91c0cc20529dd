#!/usr/bin/env python3
"""Render a visualsys topic: ``render.py <topic>`` (see ``render.py --help``)."""

import os
import sys

if __name__ == "__main__" and os.environ.get("PYTHONHASHSEED", "random") == "random":
    # A fixed string-hash seed makes every run iterate sets in the same order, so two renders of
    # the same input are the same program run (and re-renders can trust their play keys).
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable, *sys.argv])

from visualsys.cli import main  # noqa: E402

if __name__ == "__main__":
    main()

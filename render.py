#!/usr/bin/env python3
"""Render a visualsys topic: ``render.py <topic>`` (see ``render.py --help``)."""

from visualsys.cli import main

if __name__ == "__main__":
    main()

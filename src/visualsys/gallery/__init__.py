"""The gallery: the rendered catalog as a self-contained static web site.

``render.py gallery`` collects every topic of the catalog and whatever has
been rendered for it, and writes ``index.html`` (cards with filters) plus a
page per rendered topic (video with captions, chapters, storyboard)::

    from pathlib import Path
    from visualsys.gallery import build_gallery
    from visualsys.topics import discover

    build_gallery(Path("out/gallery"), from_dir=Path("out"), topics=discover(Path("scenes")))

The builder (and Jinja2) is imported on first use, so the command line starts
without it.
"""

from __future__ import annotations

from typing import Any

from .command import gallery

__all__ = ["Chapter", "GalleryError", "GalleryResult", "GalleryTopic", "build_gallery", "collect", "gallery"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""``render.py gallery``: build the static gallery site from the rendered outputs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..topics import TopicError, discover

PROJECT_ROOT = Path(__file__).resolve().parents[3]


@click.command("gallery")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=PROJECT_ROOT / "out" / "gallery", show_default="out/gallery/",
              help="Folder of the site (index.html, topics/, media/, assets/).")
@click.option("--from", "from_dir", type=click.Path(path_type=Path, file_okay=False),
              default=PROJECT_ROOT / "out", show_default="out/",
              help="Folder of rendered outputs (the --out of `render.py <topic>`).")
@click.option("--copy", is_flag=True, help="Copy the videos instead of hard-linking them.")
@click.pass_context
def gallery(ctx: click.Context, out_dir: Path, from_dir: Path, copy: bool) -> None:
    """Build a static web gallery of the catalog: open OUT/index.html or serve OUT anywhere.

    \b
    Examples:
      render.py gallery                          # out/ -> out/gallery/index.html
      render.py gallery --from ci-previews --out site
    """  # noqa: D301 - click's \b keeps the example lines as written
    from .build import GalleryError, build_gallery  # Jinja2: only when building

    obj = ctx.find_root().obj or {}
    scenes_dir = Path(obj.get("scenes_dir", PROJECT_ROOT / "scenes"))
    quiet = os.environ.get("CI") == "true"

    def log(message: str) -> None:
        if not quiet:
            click.echo(f"  {message}", err=True)

    try:
        topics = discover(scenes_dir)
    except TopicError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(1)
    except Exception as exc:  # a scene module failed to import
        click.secho(f"error: could not load the topics in {scenes_dir}: {type(exc).__name__}: {exc}",
                    fg="red", err=True)
        sys.exit(1)
    try:
        result = build_gallery(out_dir, from_dir=from_dir, topics=topics, link=not copy, log=log)
    except GalleryError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(2)
    except OSError as exc:
        click.secho(f"error: could not write the gallery: {exc}", fg="red", err=True)
        sys.exit(1)
    missing = len(result.topics) - result.rendered
    note = f", {missing} not rendered yet" if missing else ""
    click.echo(f"Wrote {result.index} ({result.rendered} of {len(result.topics)} topics rendered{note}).",
               err=True)

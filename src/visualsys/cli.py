"""The ``render.py`` command line: parse arguments, call the pipeline, report.

``render.py <topic>`` renders one topic; sub-commands (``list`` ...) do the
rest. Errors are one sentence on stderr and a non-zero exit; ``--verbose``
adds the full traceback.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

import click

from .narration.cache import Narrator
from .narration.markup import MarkupError
from .narration.voices import VOICES, VoiceUnavailable, get_service
from .render.presets import DEFAULT_QUALITY, QUALITIES
from .scene import BookmarkError
from .topics import TopicError, discover, find

#: Exit codes (documented in the README).
EXIT_OK, EXIT_RENDER_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class TopicGroup(click.Group):
    """A group whose unknown first word is a topic: ``render.py raft`` = ``render.py render raft``."""

    def resolve_command(self, ctx, args):  # noqa: D102
        if args and not args[0].startswith("-") and self.get_command(ctx, args[0]) is None:
            return "render", self.get_command(ctx, "render"), args
        return super().resolve_command(ctx, args)

    def format_usage(self, ctx, formatter):  # noqa: D102
        formatter.write_usage("render.py", "TOPIC [OPTIONS]  |  render.py COMMAND [ARGS]...")


def _fail(message: str, code: int = EXIT_RENDER_FAILED) -> None:
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(code)


def _scene_location(exc: BaseException, scene_file: Path) -> str:
    """'file.py line N' of the deepest frame inside the topic's own file, if any."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if Path(frame.filename).resolve() == scene_file.resolve():
            return f"{scene_file.name} line {frame.lineno}"
    return scene_file.name


@click.group(cls=TopicGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--scenes", "scenes_dir", type=click.Path(path_type=Path, file_okay=False),
              default=PROJECT_ROOT / "scenes", show_default="scenes/", help="Folder of topic modules.")
@click.pass_context
def main(ctx: click.Context, scenes_dir: Path) -> None:
    """Render narrated explainer videos about computer systems.

    \b
    Examples:
      render.py consistent-hashing                   # 1080p60 to out/consistent-hashing.mp4
      render.py consistent-hashing --quality preview # fast 480p15 look
      render.py my_topic.py                          # a scene file outside scenes/
      render.py list                                 # every topic, title and length
    """
    ctx.obj = {"scenes_dir": scenes_dir}


@main.command("list")
@click.pass_context
def list_topics(ctx: click.Context) -> None:
    """List the topics with their titles and target lengths."""
    try:
        topics = discover(ctx.obj["scenes_dir"])
    except TopicError as exc:
        _fail(str(exc))
    width = max((len(s) for s in topics), default=4)
    for slug, entry in topics.items():
        click.echo(f"{slug:<{width}}  ~{entry.topic.length:>4.0f}s  {entry.topic.title}")


@main.command("render")
@click.argument("topic")
@click.option("-q", "--quality", type=click.Choice(list(QUALITIES)), default=DEFAULT_QUALITY,
              show_default=True,
              help="preview = 480p15 (fast, what CI uses), draft = 720p30, hd = 1080p60.")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=PROJECT_ROOT / "out",
              show_default="out/", help="Folder for the MP4, captions and metadata.")
@click.option("--voice", type=click.Choice(list(VOICES)), default="hibari", show_default=True,
              help="Narration voice; 'silent' renders without audio synthesis.")
@click.option("--cache", "cache_dir", type=click.Path(path_type=Path), default=PROJECT_ROOT / ".cache",
              show_default=".cache/", help="Where synthesised speech and Manim's working files are kept.")
@click.option("-v", "--verbose", is_flag=True, help="Show full tracebacks.")
@click.pass_context
def render_cmd(ctx, topic, quality, out_dir, voice, cache_dir, verbose):
    """Render TOPIC (a slug from `render.py list`, or a path to a scene .py file)."""
    from .render.pipeline import render_topic  # heavy: only when rendering

    quiet = os.environ.get("CI") == "true"

    def log(message: str) -> None:
        if not quiet:
            click.echo(f"  {message}", err=True)

    try:
        entry = find(topic, ctx.obj["scenes_dir"])
    except TopicError as exc:
        _fail(str(exc), EXIT_USAGE)
    except Exception as exc:  # the scene module itself failed to import
        if verbose:
            traceback.print_exc()
        _fail(f"could not load topic {topic!r}: {type(exc).__name__}: {exc}")
    try:
        service = get_service(voice)
    except VoiceUnavailable as exc:
        _fail(str(exc))
    narrator = Narrator(service, cache_dir / "speech")

    click.echo(f"Rendering {entry.slug} ({QUALITIES[quality].label}, voice {voice}) ...", err=True)
    started = time.perf_counter()
    try:
        result = render_topic(entry, quality=quality, out_dir=out_dir, narrator=narrator,
                              voice=voice, work_dir=cache_dir, log=log)
    except KeyboardInterrupt:
        _fail("interrupted; no output was changed", EXIT_INTERRUPTED)
    except OSError as exc:
        if verbose:
            traceback.print_exc()
        _fail(str(exc))
    except (BookmarkError, MarkupError) as exc:
        if verbose:
            traceback.print_exc()
        _fail(f"{entry.slug} ({_scene_location(exc, entry.path)}): {exc}")
    except Exception as exc:
        if verbose:
            traceback.print_exc()
        _fail(f"{entry.slug} failed at {_scene_location(exc, entry.path)}: "
              f"{type(exc).__name__}: {exc} (rerun with --verbose for the traceback)")
    elapsed = time.perf_counter() - started
    click.echo(
        f"Wrote {result.video} ({result.duration:.1f} s, {result.frames} frames) "
        f"with captions and metadata in {elapsed:.1f} s.",
        err=True,
    )


from .gallery import gallery  # noqa: E402  (the static web gallery: render.py gallery)

main.add_command(gallery)

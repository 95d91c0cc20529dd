"""The ``render.py`` command line: parse arguments, call the pipeline, report.

``render.py <topic>`` renders one topic; sub-commands (``list``, ``all``,
``new`` ...) do the rest. Errors are one sentence on stderr and a non-zero
exit; ``--verbose`` adds the full traceback.

Exit codes: 0 success; 1 a render failed (scene error, bad bookmark,
unwritable output folder, missing voice package; for ``all``: any topic
failed); 2 usage error (unknown topic, a slug with ``/`` or ``..``, an
invalid option, ``new`` on an existing file); 130 interrupted (SIGINT or
SIGTERM).
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, NoReturn

import click

from .narration import PROJECT_LEXICON, RECORDINGS, make_narrator
from .narration.lexicon import LexiconError
from .narration.markup import MarkupError
from .narration.voices import VOICES, VoiceUnavailable
from .render import interrupts
from .render.presets import DEFAULT_QUALITY, QUALITIES
from .render.progress import Reporter
from .render.workers import render_env, tune_gc
from .scene import BookmarkError
from .topics import TopicEntry, TopicError, discover, find

#: Exit codes (documented in the README).
EXIT_OK, EXIT_RENDER_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def in_ci() -> bool:
    """``CI=true`` (GitHub Actions, GitLab, most runners): be quiet by default."""
    return os.environ.get("CI", "").lower() == "true"


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


def _shard_option(ctx, param, value):
    if value is None:
        return None
    from .render.batch import parse_shard

    try:
        return parse_shard(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def run_and_exit(entry: Callable[[], Any]) -> NoReturn:
    """Run ``entry`` (the CLI), then leave without the interpreter's teardown.

    After a render, Python would spend ~0.3 s freeing the scene's objects
    one by one (5 % of a preview render) before the process ends. Here the
    exit handlers run (logging, temporary files, multiprocessing), the
    output is flushed, and the process ends at once with ``entry``'s exit
    code. An exception other than ``SystemExit`` propagates as usual, and
    under a profiler or debugger the exit is the usual one (they report at
    the end). The garbage collector is tuned for rendering first
    (:func:`~.render.workers.tune_gc`).
    """
    tune_gc()
    try:
        entry()
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    if sys.getprofile() is not None or sys.gettrace() is not None:
        raise SystemExit(code)
    atexit._run_exitfuncs()  # (what Python runs at exit, minus freeing every object)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


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
      render.py consistent-hashing --watch           # re-render the preview on every save
      render.py my_topic.py                          # a scene file outside scenes/
      render.py list                                 # every topic, title and length
      render.py all --jobs 2 --quality preview       # the whole catalog, two at a time
      render.py new write-ahead-log                  # scaffold scenes/write_ahead_log.py
    """  # noqa: D301 - click's \b marker must be a real backspace
    ctx.obj = {"scenes_dir": scenes_dir}


@main.command("list")
@click.pass_context
def list_topics(ctx: click.Context) -> None:
    """List the topics with their titles and target lengths."""
    broken: list[tuple[Path, Exception]] = []
    try:
        topics = discover(ctx.obj["scenes_dir"], errors=broken)
    except TopicError as exc:
        _fail(str(exc))
    width = max((len(s) for s in topics), default=4)
    for slug, entry in topics.items():
        click.echo(f"{slug:<{width}}  ~{entry.topic.length:>4.0f}s  {entry.topic.title}")
    for path, error in broken:
        click.secho(f"error: {path.name} does not load ({_scene_location(error, path)}): "
                    f"{type(error).__name__}: {error}", fg="red", err=True)
    if broken:
        sys.exit(EXIT_RENDER_FAILED)


# -- render one topic -------------------------------------------------------------

def _quality_option(default: str | None):
    return click.option(
        "-q", "--quality", type=click.Choice(list(QUALITIES)), default=default,
        show_default=default or "hd (preview with --watch)",
        help="preview = 480p15 (fast, what CI uses), draft = 720p30, hd = 1080p60.")


_out_option = click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path),
                           default=PROJECT_ROOT / "out", show_default="out/",
                           help="Folder for the outputs (created if missing).")
_voice_option = click.option("--voice", type=click.Choice(list(VOICES)), default="hibari", show_default=True,
                             help="Narration voice; 'silent' renders without audio synthesis.")
_cache_option = click.option("--cache", "cache_dir", type=click.Path(path_type=Path),
                             default=PROJECT_ROOT / ".cache", show_default=".cache/",
                             help="Where synthesised speech and Manim's working files are kept.")
_verbose_option = click.option("-v", "--verbose", is_flag=True, help="Show full tracebacks.")
_lexicon_option = click.option("--lexicon", "lexicon_path", type=click.Path(path_type=Path, dir_okay=False),
                               default=PROJECT_LEXICON, show_default="assets/lexicon.json",
                               help="Pronunciation lexicon (written term -> spoken form).")
_recordings_option = click.option("--recordings", type=click.Path(path_type=Path, file_okay=False),
                                  default=RECORDINGS, show_default="voiceover/",
                                  help="WAV files for --voice recorded (see README, Narration).")
_captions_option = click.option("--captions", type=click.Choice(["sidecar", "burn"]), default="sidecar",
                                show_default=True, help="burn = also draw the captions into the picture.")


def _load(topic: str, scenes_dir: Path, verbose: bool) -> TopicEntry:
    try:
        return find(topic, scenes_dir)
    except TopicError as exc:
        _fail(str(exc), EXIT_USAGE)
    except Exception as exc:  # the scene module itself failed to import
        if verbose:
            traceback.print_exc()
        path = Path(topic) if topic.endswith(".py") else Path(scenes_dir) / (topic.replace("-", "_") + ".py")
        _fail(f"could not load topic {topic!r} ({_scene_location(exc, path)}): {type(exc).__name__}: {exc}")
    raise AssertionError("unreachable")


def _write_sources(target: Path | None, topic: str, scenes_dir: Path) -> None:
    """For --watch: the files the render was made of (written even when it failed)."""
    if target is None:
        return
    from .render.sources import source_closure
    from .topics import module_name

    path = Path(topic) if topic.endswith(".py") else Path(scenes_dir) / (topic.replace("-", "_") + ".py")
    files = {str(path.resolve())}
    module = sys.modules.get(module_name(path.resolve()))
    if module is not None:
        files.update(str(p) for p in source_closure(module).values())
    target.write_text(json.dumps(sorted(files)), encoding="utf-8")


@main.command("render")
@click.argument("topic")
@_quality_option(None)
@_out_option
@_voice_option
@_cache_option
@_verbose_option
@_lexicon_option
@_recordings_option
@_captions_option
@click.option("-w", "--watch", is_flag=True,
              help="Render, then re-render whenever the scene file or a module it imports is saved.")
@click.option("--progress-json", is_flag=True, hidden=True, help="Progress as JSON lines on stdout.")
@click.option("--sources-out", type=click.Path(path_type=Path), hidden=True,
              help="Write the list of source files used to this file.")
@click.pass_context
def render_cmd(ctx, topic, quality, out_dir, voice, cache_dir, verbose, lexicon_path, recordings, captions,
               watch, progress_json, sources_out):
    """Render TOPIC (a slug from `render.py list`, or a path to a scene .py file)."""
    scenes_dir = ctx.obj["scenes_dir"]
    extra = {"lexicon_path": lexicon_path, "recordings": recordings, "captions": captions}
    if watch:
        _watch(topic, scenes_dir, quality or "preview", out_dir, voice, cache_dir, verbose, extra)
        return
    try:
        with interrupts.handled():
            _render_one(topic, scenes_dir, quality or DEFAULT_QUALITY, out_dir, voice, cache_dir, verbose,
                        progress_json, extra)
    except KeyboardInterrupt as exc:  # at any point: loading the topic, the voice, rendering
        name = exc.name if isinstance(exc, interrupts.Interrupted) else "SIGINT"
        _fail(f"interrupted ({name}); no output was half-written", EXIT_INTERRUPTED)
    finally:
        _write_sources(sources_out, topic, scenes_dir)


def _reporting(stack: ExitStack, progress_json: bool) -> tuple[Reporter, Callable[[str], None]]:
    """The progress reporter and the sentence printer for one render in this terminal."""
    from .render.progress import JsonLinesSink, LogSink, RichBoard

    def say(message: str) -> None:
        click.echo(f"  {message}", err=True)

    if progress_json:
        return Reporter(JsonLinesSink(sys.stdout)), say
    if in_ci():  # no progress bars, but the occasional sentence (waiting for a lock ...) still shows
        return Reporter(), say
    if sys.stderr.isatty():
        board = stack.enter_context(RichBoard())
        return Reporter(board), lambda message: board.console.print(f"  {message}", highlight=False)
    return Reporter(LogSink(say)), say


def _narrator(voice, cache_dir, extra):
    try:
        return make_narrator(voice, cache_dir / "speech", lexicon=extra["lexicon_path"],
                             recordings=extra["recordings"])
    except VoiceUnavailable as exc:
        _fail(str(exc))
    except LexiconError as exc:
        _fail(str(exc), EXIT_USAGE)


def _render_one(topic, scenes_dir, quality, out_dir, voice, cache_dir, verbose, progress_json, extra) -> None:
    from .render.pipeline import render_topic  # heavy: only when rendering

    entry = _load(topic, scenes_dir, verbose)
    narrator = _narrator(voice, cache_dir, extra)

    if not (in_ci() or progress_json):
        click.echo(f"Rendering {entry.slug} ({QUALITIES[quality].label}, voice {voice}) ...", err=True)
    started = time.perf_counter()
    try:
        with ExitStack() as stack:
            reporter, say = _reporting(stack, progress_json)
            result = render_topic(entry, quality=quality, out_dir=out_dir, narrator=narrator,
                                  voice=voice, work_dir=cache_dir, log=say, reporter=reporter,
                                  caption_mode=extra["captions"])
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
    if progress_json:
        print(json.dumps({"event": "done", "slug": entry.slug, "duration": result.duration}), flush=True)
        return
    click.echo(
        f"Wrote {result.video} ({result.duration:.1f} s, {result.frames} frames) "
        f"with captions, chapters, poster, storyboard and metadata in {elapsed:.1f} s"
        + (f" ({result.plays - result.plays_drawn} of {result.plays} plays reused from the cache)."
           if result.plays_drawn < result.plays else "."),
        err=True,
    )


def _child_render_args(quality, out_dir, voice, cache_dir, verbose, extra) -> list[str]:
    args = ["--quality", quality, "--out", str(out_dir), "--voice", voice, "--cache", str(cache_dir),
            "--lexicon", str(extra["lexicon_path"]), "--recordings", str(extra["recordings"]),
            "--captions", extra["captions"]]
    return args + (["--verbose"] if verbose else [])


def _watch(topic, scenes_dir, quality, out_dir, voice, cache_dir, verbose, extra) -> None:
    from .render.warm import WarmStarter
    from .render.watch import SourceWatcher, watch_loop

    entry = _load(topic, scenes_dir, verbose)
    fd, name = tempfile.mkstemp(prefix="visualsys-sources-", suffix=".json")
    os.close(fd)
    sources_file = Path(name)
    argv = ["render", str(entry.path),
            *_child_render_args(quality, out_dir, voice, cache_dir, verbose, extra),
            "--sources-out", str(sources_file)]

    def sources() -> list[Path]:
        try:
            listed = json.loads(sources_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            listed = []
        return sorted({entry.path, *(Path(p) for p in listed)})

    def say(message: str) -> None:
        click.secho(message, fg="cyan", err=True)

    try:
        with interrupts.handled(), SourceWatcher([entry.path]) as watcher, \
                WarmStarter(render_env(), say) as starter:
            watch_loop(lambda: starter.start(argv), sources, watcher, say)
    except KeyboardInterrupt:
        say("stopped watching")
        sys.exit(EXIT_INTERRUPTED)
    finally:
        sources_file.unlink(missing_ok=True)


# -- render many topics -------------------------------------------------------------

@main.command("all")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=lambda: os.cpu_count() or 1,
              show_default="number of CPUs", help="How many topics render at once (separate processes).")
@click.option("--shard", callback=_shard_option, metavar="I/N",
              help="Render only part I of N of the catalog (for a CI matrix); stable and balanced.")
@_quality_option(DEFAULT_QUALITY)
@_out_option
@_voice_option
@_cache_option
@_verbose_option
@_lexicon_option
@_recordings_option
@_captions_option
@click.option("--dry-run", is_flag=True, help="List the topics this would render, and stop.")
@click.pass_context
def all_cmd(ctx, jobs, shard, quality, out_dir, voice, cache_dir, verbose, lexicon_path, recordings, captions,
            dry_run):
    """Render every topic of the catalog (or one shard of it); exit 1 if any topic failed."""
    from .render import batch
    from .render.files import check_writable

    try:
        items = batch.catalog(ctx.obj["scenes_dir"])
    except TopicError as exc:
        _fail(str(exc), EXIT_USAGE)
    index, count = shard or (1, 1)
    items = batch.shard(items, index, count)
    label = f"shard {index}/{count}: " if count > 1 else ""
    if dry_run or not items:
        click.echo(f"{label}{len(items)} topic(s)" + (":" if items else ""))
        for it in items:
            click.echo(f"  {it.name:<28} ~{it.length:>4.0f}s  {it.path.name}")
        return
    extra = {"lexicon_path": lexicon_path, "recordings": recordings, "captions": captions}
    try:
        check_writable(out_dir)
    except OSError as exc:
        _fail(str(exc))
    _narrator(voice, cache_dir, extra)  # fail fast on a missing voice or a bad lexicon

    quiet = in_ci()
    started = time.perf_counter()
    with ExitStack() as stack:
        board = None
        if not quiet and sys.stderr.isatty():
            from .render.progress import RichBoard

            board = stack.enter_context(RichBoard())

        def say(message: str) -> None:
            if board is not None:
                board.console.print(message, highlight=False)
            else:
                click.echo(message, err=True)

        def done(o: batch.Outcome) -> None:
            if board is not None:
                board.remove(o.name)
            if o.ok:
                length = f"{o.duration:6.1f} s video" if o.duration is not None else ""
                say(f"  ok      {o.name:<28} {length}  rendered in {o.seconds:.1f} s")
            else:
                say(f"  FAILED  {o.name:<28} {o.message}")
                if verbose:
                    say("\n".join("          | " + line for line in o.log.rstrip().splitlines()))

        say(f"Rendering {label}{len(items)} topic(s), {min(jobs, len(items))} at a time "
            f"({QUALITIES[quality].label}, voice {voice}) ...")
        child_args = _child_render_args(quality, out_dir, voice, cache_dir, verbose, extra)
        runner = batch.Batch(items, child_args, jobs,
                             on_event=board if board is not None else (lambda e: None), on_done=done)
        try:
            with interrupts.handled():
                outcomes = runner.run()
        except KeyboardInterrupt:
            _fail("interrupted; the topics being rendered were stopped, no output was half-written",
                  EXIT_INTERRUPTED)
    failed = [o for o in outcomes if not o.ok]
    elapsed = time.perf_counter() - started
    summary = (f"{len(outcomes) - len(failed)} of {len(outcomes)} topic(s) rendered to {out_dir} "
               f"in {elapsed:.1f} s")
    if failed:
        _fail(f"{summary}; failed: {', '.join(o.name for o in failed)}")
    click.echo(summary + ".", err=True)


# -- scaffold a topic --------------------------------------------------------------------

@main.command("new")
@click.argument("slug")
@click.option("--title", help="Human title (default: the slug's words, capitalised).")
@click.pass_context
def new_cmd(ctx, slug, title):
    """Create scenes/<slug>.py from a template: a title card and one narrated beat, ready to render."""
    from .render.scaffold import ScaffoldError, scaffold

    scenes_dir = ctx.obj["scenes_dir"]
    if slug in main.commands:
        _fail(f"{slug!r} is a command name (render.py {slug}); pick another slug", EXIT_USAGE)
    try:
        path = scaffold(slug, scenes_dir, title)
    except ScaffoldError as exc:
        _fail(str(exc), EXIT_USAGE)
    try:
        shown = path.relative_to(Path.cwd())
    except ValueError:
        shown = path
    click.echo(f"Created {shown}. Render it with: render.py {slug} --watch")


from .gallery import gallery  # noqa: E402  (the static web gallery: render.py gallery)

main.add_command(gallery)

from .checks.command import check  # noqa: E402  (the quality gate: render.py check)

main.add_command(check)


@main.command("recording-sheet")
@click.argument("topic")
@_lexicon_option
@click.pass_context
def recording_sheet_cmd(ctx, topic, lexicon_path):
    """Print each beat of TOPIC and the WAV file name `--voice recorded` expects for it."""
    from manim import tempconfig

    from .narration import Narrator
    from .narration.recorded import recording_sheet
    from .narration.voices import SilentService

    entry = _load(topic, ctx.obj["scenes_dir"], verbose=False)
    with tempconfig({"dry_run": True, "verbosity": "ERROR", "progress_bar": "none",
                     "pixel_height": 90, "pixel_width": 160, "frame_rate": 15}):
        scene = entry.scene(narrator=Narrator(SilentService()))
        scene.render()
    click.echo(recording_sheet(b.script.written_text for b in scene.beats), nl=False)

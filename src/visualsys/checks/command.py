"""``render.py check <topic>|all``: the quality gate, as a click command.

Exit codes: 0 nothing fails, 1 something fails (a finding, or a scene that
crashed), 2 usage (unknown topic).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click

from ..narration.voices import VOICES
from .findings import Finding, clock, quote

PROJECT_ROOT = Path(__file__).resolve().parents[3]
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _format_finding(f: Finding) -> list[str]:
    mark = "WAIVED" if f.waived else ("warn" if f.severity == "warning" else "FAIL")
    where = []
    if f.time is not None:
        where.append(clock(f.time))
    if f.beat is not None:
        where.append(f"beat {f.beat} {quote(f.beat_text, 36)}")
    if f.line is not None:
        where.append(f"line {f.line}")
    head = f"  {mark:<6} {f.family}/{f.check}" + (f"  {'  '.join(where)}" if where else "")
    lines = [head, f"         {f.message}"]
    if f.waived:
        lines.append(f"         waived: {f.waived}")
    else:
        lines.append(f"         fix: {f.fix}")
    return lines


def format_report(report) -> str:  # noqa: ANN001 - TopicReport (imported lazily)
    """Readable text for one topic's report."""
    fails = len(report.failures)
    waived = sum(1 for f in report.findings if f.waived)
    warns = sum(1 for f in report.findings if f.severity == "warning" and not f.waived)
    status = "ok" if report.passed else "FAIL"
    plural = "s" if warns != 1 else ""
    parts = (f"{waived} waived" if waived else "", f"{warns} warning{plural}" if warns else "")
    extra = ", ".join(x for x in parts if x)
    dur = f"{report.duration:.1f} s of video" if report.duration is not None else "no video"
    head = (f"{report.slug}: {status} - {fails} problem{'s' if fails != 1 else ''}"
            f"{' (' + extra + ')' if extra else ''}; {dur}, {report.beats} beats, "
            f"{report.samples} states looked at, in {report.seconds:.1f} s")
    lines = [head]
    for f in report.findings:
        lines += _format_finding(f)
    for note in report.notes:
        lines.append(f"  note: {note}")
    return "\n".join(lines)


@click.command("check")
@click.argument("topics", nargs=-1, required=True)
@click.option("--voice", type=click.Choice(list(VOICES)), default="hibari", show_default=True,
              help="Narration voice (the render's: beat lengths and bookmarks depend on it).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--media", "media_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder with rendered outputs to probe; a missing render there is a failure. "
                   "[default: out/ when it holds the topic's render]")
@click.option("--no-media", is_flag=True, help="Skip the media checks.")
@click.option("--cache", "cache_dir", type=click.Path(path_type=Path), default=PROJECT_ROOT / ".cache",
              show_default=".cache/", help="Speech cache and Manim's text cache.")
@click.option("-v", "--verbose", is_flag=True, help="Show full tracebacks of scenes that crash.")
@click.pass_context
def check(ctx: click.Context, topics: tuple[str, ...], voice: str, as_json: bool, media_dir: Path | None,
          no_media: bool, cache_dir: Path, verbose: bool) -> None:
    r"""Check TOPIC (or `all`) for layout, timing and media faults, without rendering.

    Runs each scene with Manim skipping every frame, looks at its objects at
    each held state and every 0.25 s of motion, and checks the timing against
    the narration; then probes the rendered video, if there is one.
    Exit 0 when nothing fails, 1 when something does, 2 for an unknown topic.

    \b
    Examples:
      render.py check all
      render.py check consistent-hashing --json
      render.py check consistent-hashing --media out/   # a render is required
    """
    from ..narration import make_narrator
    from ..narration.voices import VoiceUnavailable
    from ..topics import TopicError, discover, find
    from .runner import TopicReport, check_topic

    obj = ctx.obj or {}
    scenes_dir = Path(obj.get("scenes_dir", PROJECT_ROOT / "scenes"))
    try:
        entries = list(discover(scenes_dir).values()) if topics == ("all",) else [
            find(t, scenes_dir) for t in topics]
    except TopicError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(EXIT_USAGE)
    try:
        narrator = make_narrator(voice, cache_dir / "speech")  # the render's voice and lexicon
    except (VoiceUnavailable, ValueError) as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(EXIT_FAILED)
    quiet = as_json or os.environ.get("CI") == "true"

    started = time.perf_counter()
    reports: list[TopicReport] = []
    for entry in entries:
        if not quiet:
            click.echo(f"checking {entry.slug} ...", err=True)
        where = None if no_media else (media_dir if media_dir is not None else PROJECT_ROOT / "out")
        try:
            report = check_topic(entry, narrator=narrator, media_dir=where,
                                 require_media=media_dir is not None and not no_media,
                                 work_dir=cache_dir / "manim" / entry.slug, voice=voice)
        except Exception as exc:  # a failure of the checker itself, not of the scene
            if verbose:
                import traceback

                traceback.print_exc()
            report = TopicReport(entry.slug, findings=[Finding(
                "scene-error", entry.slug, f"could not check it: {type(exc).__name__}: {exc}",
                "rerun with --verbose for the traceback")])
        reports.append(report)
        if not as_json:
            click.echo(format_report(report))
    elapsed = time.perf_counter() - started
    failed = [r for r in reports if not r.passed]
    if as_json:
        click.echo(json.dumps({"passed": not failed, "seconds": round(elapsed, 2),
                               "topics": [r.to_dict() for r in reports]}, indent=2, ensure_ascii=False))
    else:
        click.echo(f"{len(reports) - len(failed)} of {len(reports)} topic{'s' if len(reports) != 1 else ''} "
                   f"passed ({elapsed:.1f} s).")
    sys.exit(EXIT_FAILED if failed else EXIT_OK)

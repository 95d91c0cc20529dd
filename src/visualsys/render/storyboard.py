"""Storyboard: a contact sheet with one frame per beat, its time and the start of its narration.

It is what a reviewer opens first, and what we look at before calling a
topic done: a header with the title, length, quality and voice, then a grid
of cells, each the last frame of a beat (what the beat built) over its
number, time range, chapter and the first lines of its narration.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .. import theme

THUMB_W = 427  # half of a 480p frame: still legible in the sheet
PAD = 14
HEADER_H = 64
FONT_FILES = {
    "regular": ("/usr/share/fonts/opentype/inter/Inter-Regular.otf",),
    "bold": ("/usr/share/fonts/opentype/inter/Inter-SemiBold.otf",
             "/usr/share/fonts/opentype/inter/Inter-Bold.otf"),
}
SHEET_BG = (8, 10, 14)


def _rgb(color) -> tuple[int, int, int]:
    r, g, b = (int(round(255 * c)) for c in color.to_rgb())
    return r, g, b


@dataclass(frozen=True)
class Shot:
    """One cell of the sheet.

    Attributes
    ----------
    frame
        Index of the video frame shown.
    heading
        The small line over the caption (beat number, time range, chapter).
    caption
        The narration (wrapped to a few lines, then cut with an ellipsis).
    """

    frame: int
    heading: str
    caption: str


def clock(seconds: float) -> str:
    """``m:ss.s`` of ``seconds``."""
    seconds = max(0.0, seconds)
    m, s = divmod(seconds, 60)
    return f"{int(m)}:{s:04.1f}"


#: Seek instead of decoding on when the next wanted frame is this many seconds ahead.
SEEK_AHEAD = 2.0


def frames_by_index(video: Path, indices: Sequence[int]) -> list[np.ndarray]:
    """Decode the frames numbered ``indices`` (0-based) as RGB arrays.

    Frames are found by their timestamps; a wanted frame more than
    :data:`SEEK_AHEAD` seconds past the last one decoded is reached by
    seeking to the key frame before it (every Manim segment starts with one),
    not by decoding everything in between. An index past the end gives the
    last frame.
    """
    if not indices:
        return []
    got: dict[int, np.ndarray] = {}
    with av.open(str(video)) as c:
        stream = c.streams.video[0]
        rate = float(stream.average_rate or stream.guessed_rate or 0)
        if rate <= 0 or stream.time_base is None:
            return _frames_in_one_pass(c, indices)
        stream.thread_type = "AUTO"
        tb = float(stream.time_base)
        last: av.VideoFrame | None = None
        position = -1  # index of the last frame decoded
        decoded = None
        for target in sorted(set(indices)):
            if last is not None and position >= target:  # already passed (not in a constant-rate video)
                got[target] = last.to_ndarray(format="rgb24")
                continue
            if decoded is None or target - position > SEEK_AHEAD * rate:
                c.seek(max(0, int((target / rate) / tb)), stream=stream, backward=True, any_frame=False)
                decoded = c.decode(stream)
            for frame in decoded:
                if frame.pts is None:  # no timestamps to go by: decode everything once
                    return _frames_in_one_pass(c, indices, restart=True)
                last, position = frame, int(round(frame.pts * tb * rate))
                if position >= target:
                    break
            else:
                decoded = iter(())  # end of the video: the rest are the last frame
            if last is not None and position >= target:
                got[target] = last.to_ndarray(format="rgb24")
        final = last.to_ndarray(format="rgb24") if last is not None else np.zeros((2, 2, 3), np.uint8)
    return [got.get(i, final) for i in indices]


def _frames_in_one_pass(c: av.container.InputContainer, indices: Sequence[int],
                        restart: bool = False) -> list[np.ndarray]:
    """Decode from the start, counting frames (for a video without usable timestamps)."""
    if restart:
        c.seek(0)
    wanted, stop = set(indices), max(indices)
    got: dict[int, np.ndarray] = {}
    last = None
    for n, frame in enumerate(c.decode(c.streams.video[0])):
        last = frame
        if n in wanted:
            got[n] = frame.to_ndarray(format="rgb24")
        if n >= stop:
            break
    final = last.to_ndarray(format="rgb24") if last is not None else np.zeros((2, 2, 3), np.uint8)
    return [got.get(i, final) for i in indices]


def frame_rate(video: Path) -> float:
    """Frames a second of the first video stream of ``video``."""
    with av.open(str(video)) as c:
        stream = c.streams.video[0]
        return float(stream.average_rate or stream.guessed_rate or 0)


def frames_at(video: Path, times: Sequence[float]) -> list[np.ndarray]:
    """Decode the frames shown at ``times`` (seconds), as RGB arrays, in one pass."""
    rate = frame_rate(video)
    return frames_by_index(video, [max(0, int(t * rate + 1e-6)) for t in times])


@cache
def _font(weight: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    candidates = list(FONT_FILES[weight])
    try:  # the theme's font wherever fontconfig has it
        style = ":style=SemiBold" if weight == "bold" else ":style=Regular"
        found = subprocess.run(["fc-match", "-f", "%{file}", theme.FONT + style],
                               capture_output=True, text=True, timeout=5).stdout
        candidates.append(found)
    except (OSError, subprocess.SubprocessError):
        pass
    for f in candidates:
        if f and Path(f).exists():
            return ImageFont.truetype(f, size)
    return ImageFont.load_default(size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:
    """Greedy word wrap to ``width`` pixels; the last line gets an ellipsis if text is left over."""
    words, lines, line = text.split(), [], ""
    for i, word in enumerate(words):
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:
            line = trial
            continue
        lines.append(line)
        line = word
        if len(lines) == max_lines:
            rest = " ".join(words[i:])
            line = rest
            break
    if line:
        lines.append(line)
    if len(lines) > max_lines or (len(lines) == max_lines and " ".join(lines) != " ".join(words)):
        last = lines[max_lines - 1]
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1].rstrip()
        lines = lines[: max_lines - 1] + [last + "…"]
    return lines


def contact_sheet(
    video: Path,
    shots: Sequence[Shot | tuple[float, str]],
    out: Path,
    columns: int = 3,
    title: str = "",
    subtitle: str = "",
    caption_lines: int = 3,
) -> None:
    """Write a PNG grid of the frames of ``shots``, each over its heading and caption.

    ``shots`` may also be ``(time, caption)`` pairs. ``title`` and ``subtitle``
    make a header band when given. The PNG is written where ``out`` says;
    callers that need an atomic write pass a temporary path.
    """
    if columns <= 0:
        raise ValueError(f"columns must be > 0, got {columns}")
    if caption_lines <= 0:
        raise ValueError(f"caption_lines must be > 0, got {caption_lines}")
    if not shots:
        raise ValueError("a contact sheet needs at least one shot")
    rate = frame_rate(video)
    cells = [s if isinstance(s, Shot) else Shot(int(s[0] * rate + 1e-6), clock(s[0]), s[1]) for s in shots]
    frames = frames_by_index(video, [s.frame for s in cells])
    columns = min(columns, len(cells))
    h0, w0 = frames[0].shape[:2]
    tw, th = THUMB_W, int(round(frames[0].shape[0] * THUMB_W / w0))
    small, body, head = _font("regular", 14), _font("regular", 16), _font("bold", 24)
    line_h = 21
    text_h = 10 + 18 + caption_lines * line_h + 8
    rows = (len(cells) + columns - 1) // columns
    header = HEADER_H if title else 0
    width = PAD + columns * (tw + PAD)
    sheet = Image.new("RGB", (width, header + PAD + rows * (th + text_h + PAD)), SHEET_BG)
    draw = ImageDraw.Draw(sheet)
    bg, fg, muted, accent = _rgb(theme.BACKGROUND), _rgb(theme.TEXT), _rgb(theme.MUTED), _rgb(theme.BLUE)
    if title:
        draw.text((PAD, 12), title, font=head, fill=fg)
        draw.text((PAD, 42), subtitle, font=small, fill=muted)
    for i, (shot, frame) in enumerate(zip(cells, frames, strict=True)):
        x = PAD + (i % columns) * (tw + PAD)
        y = header + PAD + (i // columns) * (th + text_h + PAD)
        thumb = Image.fromarray(frame)
        if thumb.size != (tw, th):
            thumb = thumb.resize((tw, th), Image.Resampling.LANCZOS)
        sheet.paste(thumb, (x, y))
        draw.rectangle([x, y + th, x + tw - 1, y + th + text_h - 1], fill=bg)
        draw.rectangle([x, y + th, x + 3, y + th + text_h - 1], fill=accent)
        draw.text((x + 12, y + th + 8), shot.heading, font=small, fill=muted)
        for j, line in enumerate(_wrap(draw, shot.caption, body, tw - 24, caption_lines)):
            draw.text((x + 12, y + th + 30 + line_h * j), line, font=body, fill=fg)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out, format="PNG")

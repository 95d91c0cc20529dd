"""Storyboard: a contact sheet with one frame per beat, its time and the start of its narration.

It is what a reviewer opens first, and what we look at before calling a topic done.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .. import theme

THUMB_W = 427  # half of a 480p frame: still legible in the sheet
FONT_FILES = ("/usr/share/fonts/opentype/inter/Inter-Regular.otf",)


def frames_at(video: Path, times: Sequence[float]) -> list[np.ndarray]:
    """Decode the frames shown at ``times`` (seconds), as RGB arrays, in one pass."""
    wanted = sorted(range(len(times)), key=lambda i: times[i])
    out: list[np.ndarray | None] = [None] * len(times)
    with av.open(str(video)) as c:
        stream = c.streams.video[0]
        last = None
        k = 0
        for frame in c.decode(stream):
            t = float(frame.pts * stream.time_base)
            while k < len(wanted) and times[wanted[k]] < t - 1e-6 and last is not None:
                out[wanted[k]] = last
                k += 1
            last = frame.to_ndarray(format="rgb24")
            if k >= len(wanted):
                break
        while k < len(wanted):
            out[wanted[k]] = last
            k += 1
    return [o if o is not None else np.zeros((2, 2, 3), np.uint8) for o in out]


def _font(size: int) -> ImageFont.ImageFont:
    for f in FONT_FILES:
        if Path(f).exists():
            return ImageFont.truetype(f, size)
    return ImageFont.load_default()


def contact_sheet(video: Path, shots: Sequence[tuple[float, str]], out: Path, columns: int = 3) -> None:
    """Write a PNG grid of the frames at each ``(time, caption)`` with the caption under it."""
    frames = frames_at(video, [t for t, _ in shots])
    h0, w0 = frames[0].shape[:2]
    tw = THUMB_W
    th = int(h0 * tw / w0)
    text_h = 64
    pad = 12
    rows = (len(shots) + columns - 1) // columns
    bg = tuple(int(255 * c) for c in theme.BACKGROUND.to_rgb())
    fg = tuple(int(255 * c) for c in theme.TEXT.to_rgb())
    muted = tuple(int(255 * c) for c in theme.MUTED.to_rgb())
    sheet = Image.new("RGB", (pad + columns * (tw + pad), pad + rows * (th + text_h + pad)), (8, 10, 14))
    draw = ImageDraw.Draw(sheet)
    small, body = _font(13), _font(14)
    for i, ((t, caption), frame) in enumerate(zip(shots, frames, strict=True)):
        x = pad + (i % columns) * (tw + pad)
        y = pad + (i // columns) * (th + text_h + pad)
        sheet.paste(Image.fromarray(frame).resize((tw, th), Image.LANCZOS), (x, y))
        draw.rectangle([x, y + th, x + tw, y + th + text_h], fill=bg)
        draw.text((x + 6, y + th + 4), f"{int(t // 60)}:{t % 60:04.1f}", font=small, fill=muted)
        lines = textwrap.wrap(caption, 56)[:3]
        for j, line in enumerate(lines):
            draw.text((x + 52, y + th + 4 + 18 * j), line, font=body, fill=fg)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out)

"""Burn captions into the picture (``--captions burn``), for players that ignore sidecar files.

The silent video Manim wrote is decoded frame by frame with PyAV; while a cue
is on screen its lines are drawn at the bottom centre, white on a translucent
dark box, in the theme's font; the result is re-encoded as H.264 with the same
frame rate, size and timestamps, so the frame count (and A/V sync) is
unchanged. Each cue is drawn once with Pillow and pasted onto its frames.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .. import theme
from .captions import Cue

#: Caption text height as a fraction of the frame height (about 22 px at 480p).
TEXT_HEIGHT = 0.045


def find_font(family: str = theme.FONT) -> str | None:
    """Path of the font file fontconfig picks for ``family`` (None if fontconfig is missing)."""
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", family],
                             capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def _rgb(color) -> tuple[int, int, int]:
    r, g, b = (int(round(255 * c)) for c in color.to_rgb())
    return r, g, b


def render_cue(cue: Cue, width: int, height: int, font_path: str | None = None) -> Image.Image:
    """The cue's lines on a translucent box, as an RGBA image no wider than the frame."""
    size = max(12, int(round(height * TEXT_HEIGHT)))
    font = ImageFont.truetype(font_path, size) if font_path else ImageFont.load_default(size)
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    boxes = [probe.textbbox((0, 0), line, font=font) for line in cue.lines]
    line_h = int(round(size * 1.3))
    pad_x, pad_y = int(size * 0.6), int(size * 0.35)
    text_w = max(b[2] - b[0] for b in boxes)
    w = min(width, text_w + 2 * pad_x)
    h = line_h * len(cue.lines) + 2 * pad_y
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=int(size * 0.3), fill=(*_rgb(theme.BACKGROUND), 190))
    for i, (line, box) in enumerate(zip(cue.lines, boxes, strict=True)):
        x = (w - (box[2] - box[0])) // 2 - box[0]
        y = pad_y + i * line_h + (line_h - size) // 2 - box[1] // 2
        draw.text((x, y), line, font=font, fill=(*_rgb(theme.TEXT), 255))
    return img


def burn_captions(video_in: Path | str, cues: Sequence[Cue], out: Path | str, *, crf: int = 18,
                  font_path: str | None = None, preset: str = "veryfast") -> None:
    """Write ``out``: ``video_in``'s picture with ``cues`` drawn on it (H.264, same frames and timing).

    Parameters
    ----------
    video_in
        The silent video Manim rendered.
    cues
        Captions, e.g. ``captions.build_cues(words, beat_ends)``.
    out
        Where to write the captioned video (no audio; mux it afterwards).
    crf
        x264 quality (lower is better; 18 is visually lossless for flat graphics).
    font_path
        A TrueType/OpenType file; by default fontconfig's match for ``theme.FONT``.
    preset
        x264 speed preset.
    """
    if not 0 <= crf <= 51:
        raise ValueError(f"crf must be between 0 and 51, got {crf}")
    font_path = font_path or find_font()
    with av.open(str(video_in)) as src, av.open(str(out), "w", format="mp4") as dst:
        vin = src.streams.video[0]
        width, height = vin.codec_context.width, vin.codec_context.height
        rate = vin.average_rate or vin.guessed_rate or Fraction(30)
        vout = dst.add_stream("libx264", rate=rate, options={"crf": str(crf), "preset": preset})
        vout.width, vout.height, vout.pix_fmt = width, height, "yuv420p"
        vout.time_base = vin.time_base
        overlays: dict[int, tuple[np.ndarray, int, int]] = {}
        margin = int(round(height * theme.SAFE_MARGIN))
        ordered = sorted(cues, key=lambda c: c.start)
        for frame in src.decode(vin):
            t = float(frame.pts * vin.time_base) if frame.pts is not None else frame.time or 0.0
            active = next((i for i, c in enumerate(ordered) if c.start <= t + 1e-6 < c.end), None)
            if active is not None:
                if active not in overlays:
                    img = np.asarray(render_cue(ordered[active], width, height, font_path), dtype=np.float32)
                    x0 = (width - img.shape[1]) // 2
                    y0 = height - margin - img.shape[0]
                    overlays[active] = (img, x0, max(0, y0))
                img, x0, y0 = overlays[active]
                rgb = frame.to_ndarray(format="rgb24").astype(np.float32)
                region = rgb[y0 : y0 + img.shape[0], x0 : x0 + img.shape[1]]
                alpha = img[: region.shape[0], : region.shape[1], 3:4] / 255.0
                region[:] = region * (1 - alpha) + img[: region.shape[0], : region.shape[1], :3] * alpha
                new = av.VideoFrame.from_ndarray(np.clip(rgb, 0, 255).astype(np.uint8), format="rgb24")
            else:
                new = frame.reformat(format="rgb24")
            new.pts, new.time_base = frame.pts, frame.time_base
            for packet in vout.encode(new):
                dst.mux(packet)
        for packet in vout.encode(None):
            dst.mux(packet)

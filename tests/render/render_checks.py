"""Checks shared by the end-to-end tests: a render's outputs agree with each other and with the video."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import av
import numpy as np
import srt
import webvtt
from PIL import Image

from visualsys.render.probe import MediaInfo, probe

SUFFIXES = (".mp4", ".srt", ".vtt", ".chapters.txt", ".poster.png", ".storyboard.png", ".json")
_LINE = re.compile(r"^(?:(\d+):)?(\d+):(\d{2}) (.+)$")


def read_chapters(path: Path) -> list[tuple[int, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _LINE.match(line)
        assert m, f"not a chapter line: {line!r}"
        h, mm, ss, title = m.groups()
        out.append((int(h or 0) * 3600 + int(mm) * 60 + int(ss), title))
    return out


def vtt_seconds(stamp: str) -> float:
    """``00:01:02.350`` -> 62.35 (webvtt-py's ``start_in_seconds`` drops the milliseconds)."""
    h, m, sec = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(sec)


def words(text: str) -> list[str]:
    return re.sub(r"[^\w' ]+", " ", text.lower()).split()


def assert_outputs_agree(out: Path, slug: str) -> tuple[dict, MediaInfo]:
    """Every output exists, and chapters, captions, poster and metadata agree with the probed video."""
    names = {p.name for p in out.iterdir()}
    assert {slug + s for s in SUFFIXES} <= names
    assert not [n for n in names if n.startswith(".visualsys-tmp")]
    meta = json.loads((out / f"{slug}.json").read_text(encoding="utf-8"))
    info = probe(out / f"{slug}.mp4")
    fps = meta["quality"]["fps"]

    # metadata <-> video
    assert (info.width, info.height) == (meta["quality"]["width"], meta["quality"]["height"])
    assert round(info.fps) == fps and info.frames == meta["frames"]
    assert abs(meta["duration"] - info.video_duration) <= 1 / fps
    assert info.audio_codec == "aac" and abs(info.audio_duration - info.video_duration) <= 1 / fps
    assert meta["files"] == {k: slug + s for k, s in zip(
        ("video", "srt", "vtt", "chapters", "poster", "storyboard"), SUFFIXES, strict=False)}
    beats = meta["beats"]
    assert all(0 <= b["start"] < b["end"] <= info.video_duration + 1e-3 for b in beats)
    assert all(a["end"] <= b["start"] + 1e-6 for a, b in zip(beats, beats[1:], strict=False))
    assert {b["section"] for b in beats} <= {s["title"] for s in meta["sections"]}

    # chapters <-> metadata <-> video
    chapters = read_chapters(out / f"{slug}.chapters.txt")
    assert chapters == [(c["start"], c["title"]) for c in meta["chapters"]]
    assert chapters[0][0] == 0
    section_starts = {s["title"]: math.floor(s["start"] + 1e-6) for s in meta["sections"]}
    for start, title in chapters[1:]:
        assert section_starts[title] == start
    ends = [s for s, _ in chapters[1:]] + [info.video_duration]
    if len(chapters) > 1:
        assert all(e - s >= 10 for (s, _), e in zip(chapters, ends, strict=True)), chapters

    # captions <-> beats <-> video: SRT and VTT carry the same cues, in order, inside the video,
    # each inside the beat whose words it shows, and together they say every beat's words
    cues = list(srt.parse((out / f"{slug}.srt").read_text(encoding="utf-8")))
    vtt = list(webvtt.read(str(out / f"{slug}.vtt")))
    assert len(cues) == len(vtt) > 0
    for c, v in zip(cues, vtt, strict=True):
        assert c.content.strip() == v.text.strip()
        assert abs(c.start.total_seconds() - vtt_seconds(v.start)) < 2e-3
        assert abs(c.end.total_seconds() - vtt_seconds(v.end)) < 2e-3
    times = [(c.start.total_seconds(), c.end.total_seconds()) for c in cues]
    assert all(0 <= s < e <= info.video_duration + 1e-3 for s, e in times)
    assert all(a[1] <= b[0] + 1e-3 for a, b in zip(times, times[1:], strict=False))
    assert [w for c in cues for w in words(c.content)] == [w for b in beats for w in words(b["text"])]
    for c in cues:
        s = c.start.total_seconds()
        beat = max((b for b in beats if b["start"] <= s + 1e-3), key=lambda b: b["start"])
        assert words(c.content)[0] in words(beat["text"])

    # poster and storyboard
    with Image.open(out / f"{slug}.poster.png") as poster:
        assert poster.size == (1280, 720) and poster.mode == "RGB"
    assert 0 <= meta["poster"]["time"] <= info.video_duration
    with Image.open(out / f"{slug}.storyboard.png") as sheet:
        sheet_w, sheet_h = sheet.size
    rows = math.ceil(len(beats) / 3)
    assert sheet_w >= min(3, len(beats)) * 427 and sheet_h >= rows * 240
    return meta, info


def video_frame(path: Path, index: int) -> np.ndarray:
    with av.open(str(path)) as c:
        for n, frame in enumerate(c.decode(c.streams.video[0])):
            if n == index:
                return frame.to_ndarray(format="rgb24")
    raise AssertionError(f"{path} has no frame {index}")


def decoded_frames(path: Path):
    with av.open(str(path)) as c:
        for frame in c.decode(c.streams.video[0]):
            yield frame.to_ndarray(format="rgb24")


def png(path: Path, size: tuple[int, int] | None = None) -> np.ndarray:
    """The pixels of a PNG (resized to ``size`` if given)."""
    with Image.open(path) as im:
        im = im.convert("RGB")
        return np.asarray(im.resize(size, Image.LANCZOS) if size else im)

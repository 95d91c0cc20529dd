"""Put the narration track into Manim's silent video, without re-encoding the picture.

Video packets are copied as they are (H.264); the audio is encoded to AAC
at 48 kHz. The MP4 gets ``+faststart`` so it can stream.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

AUDIO_BITRATE = 160_000


def mux(video_in: Path, audio: np.ndarray, rate: int, out: Path) -> None:
    """Write ``out``: the video stream of ``video_in`` plus ``audio`` (float32 mono) as AAC."""
    with av.open(str(video_in)) as src, av.open(
        str(out), "w", format="mp4", options={"movflags": "+faststart"}
    ) as dst:
        vin = src.streams.video[0]
        vout = dst.add_stream_from_template(vin)
        aout = dst.add_stream("aac", rate=rate, layout="mono")
        aout.bit_rate = AUDIO_BITRATE
        for packet in src.demux(vin):
            if packet.dts is None:
                continue
            packet.stream = vout
            dst.mux(packet)
        chunk = 1024 * 16
        pts = 0
        for i in range(0, len(audio), chunk):
            block = np.ascontiguousarray(audio[i : i + chunk], dtype=np.float32).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(block, format="flt", layout="mono")
            frame.sample_rate = rate
            frame.pts = pts
            pts += block.shape[1]
            for packet in aout.encode(frame):
                dst.mux(packet)
        for packet in aout.encode(None):
            dst.mux(packet)

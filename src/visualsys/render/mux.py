"""Put the narration track into Manim's silent video, without re-encoding the picture.

Video packets are copied as they are (H.264); the audio is encoded to AAC
at 48 kHz with FFmpeg's ``fast`` AAC coder (2.5x quicker than its default
two-loop search, inaudible at 160 kb/s mono speech). The MP4 gets
``+faststart`` so it can stream.

The audio can be encoded on its own first (:func:`encode_audio`, into an
M4A) while the picture is still being drawn, and muxed later by packet copy:
``mux(video, m4a_path, rate, out)``.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

AUDIO_BITRATE = 160_000
AAC_OPTIONS = {"aac_coder": "fast"}
_CHUNK = 1024 * 16


def _aac_stream(dst: av.container.OutputContainer, rate: int) -> av.audio.stream.AudioStream:
    aout = dst.add_stream("aac", rate=rate, layout="mono", options=dict(AAC_OPTIONS))
    aout.bit_rate = AUDIO_BITRATE
    return aout


class AacWriter:
    """AAC of float32 mono samples at ``rate`` Hz into the container ``dst``, a piece at a time.

    The encoder is given the same samples in the same 1024-sample frames
    however the pieces are cut, so the packets are the same as writing the
    whole track at once (a test checks it). :meth:`flush` after the last piece.
    """

    def __init__(self, dst: av.container.OutputContainer, rate: int) -> None:
        self.dst, self.rate = dst, rate
        self.stream = _aac_stream(dst, rate)
        #: Samples written so far.
        self.written = 0

    def write(self, audio: np.ndarray) -> None:
        """Encode the next ``audio`` samples."""
        for i in range(0, len(audio), _CHUNK):
            block = np.ascontiguousarray(audio[i : i + _CHUNK], dtype=np.float32).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(block, format="flt", layout="mono")
            frame.sample_rate = self.rate
            frame.pts = self.written
            self.written += block.shape[1]
            for packet in self.stream.encode(frame):
                self.dst.mux(packet)

    def flush(self) -> None:
        """Encode what the encoder still holds (after the last :meth:`write`)."""
        for packet in self.stream.encode(None):
            self.dst.mux(packet)


def encode_audio(audio: np.ndarray, rate: int, out: Path) -> None:
    """Write ``audio`` (float32 mono at ``rate`` Hz) to ``out`` as AAC in an M4A, for :func:`mux` later."""
    with av.open(str(out), "w", format="mp4") as dst:
        aac = AacWriter(dst, rate)
        aac.write(audio)
        aac.flush()


def _copy_packets(src: av.container.InputContainer, stream: av.stream.Stream, out: av.stream.Stream,
                  dst: av.container.OutputContainer) -> None:
    for packet in src.demux(stream):
        if packet.dts is None:
            continue
        packet.stream = out
        dst.mux(packet)


def mux(video_in: Path, audio: np.ndarray | Path, rate: int, out: Path) -> None:
    """Write ``out``: the video stream of ``video_in`` plus the narration as AAC.

    ``audio`` is the float32 mono track (encoded here), or an M4A written by
    :func:`encode_audio` (its packets are copied).
    """
    with av.open(str(video_in)) as src, av.open(
        str(out), "w", format="mp4", options={"movflags": "+faststart"}
    ) as dst:
        vin = src.streams.video[0]
        vout = dst.add_stream_from_template(vin)
        if isinstance(audio, Path):
            with av.open(str(audio)) as encoded:
                ain = encoded.streams.audio[0]
                aout = dst.add_stream_from_template(ain)
                _copy_packets(src, vin, vout, dst)
                _copy_packets(encoded, ain, aout, dst)
            return
        aac = AacWriter(dst, rate)
        _copy_packets(src, vin, vout, dst)
        aac.write(audio)
        aac.flush()

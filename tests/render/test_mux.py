"""Encoding the narration: a track written a piece at a time is the track written at once."""

import av
import numpy as np

from visualsys.narration.speech import TRACK_RATE
from visualsys.render.mux import AacWriter, encode_audio


def packets(path):
    with av.open(str(path)) as src:
        return [(p.pts, bytes(p)) for p in src.demux(src.streams.audio[0]) if p.size]


def test_aac_written_in_pieces_is_the_same_packets(tmp_path):
    rng = np.random.default_rng(3)
    t = np.arange(5 * TRACK_RATE) / TRACK_RATE
    track = (0.3 * np.sin(2 * np.pi * 220 * t) * (1 + rng.standard_normal(len(t)) * 0.05)).astype(np.float32)
    encode_audio(track, TRACK_RATE, tmp_path / "whole.m4a")
    with av.open(str(tmp_path / "pieces.m4a"), "w", format="mp4") as dst:
        aac = AacWriter(dst, TRACK_RATE)
        for a, b in [(0, 1000), (1000, 48_000), (48_000, 48_048), (48_048, 200_017), (200_017, len(track))]:
            aac.write(track[a:b])
        assert aac.written == len(track)
        aac.flush()
    whole, pieces = packets(tmp_path / "whole.m4a"), packets(tmp_path / "pieces.m4a")
    assert len(whole) > 200 and whole == pieces


def test_a_track_streamed_beat_by_beat_is_the_track_encoded_at_the_end(tmp_path):
    from visualsys.narration.speech import Speech
    from visualsys.narration.track import TrackBuilder
    from visualsys.render.pipeline import _TrackStream

    rng = np.random.default_rng(5)
    beats = [(0.0, 1.2), (1.5004, 0.8), (2.9, 1.6)]  # (start, seconds of "speech")
    clips = [(start, Speech((0.2 * rng.standard_normal(int(secs * 24_000))).astype(np.float32), 24_000, []))
             for start, secs in beats]
    total = 4.47

    track = TrackBuilder()
    stream = _TrackStream(track, tmp_path / ".partial.m4a")
    for i, (start, speech) in enumerate(clips):
        track.add(start, speech)
        stream.beat()
        assert (tmp_path / ".partial.m4a").exists() == (i > 0)  # encoded up to each beat as it comes
    stream.finish(total, tmp_path / "streamed.m4a")
    assert not (tmp_path / ".partial.m4a").exists()
    encode_audio(track.track(total), TRACK_RATE, tmp_path / "whole.m4a")
    assert packets(tmp_path / "streamed.m4a") == packets(tmp_path / "whole.m4a")


def test_a_stream_put_off_for_a_reused_track_writes_nothing_and_is_discarded(tmp_path):
    from visualsys.narration.speech import Speech
    from visualsys.narration.track import TrackBuilder
    from visualsys.render.pipeline import _TrackStream

    clip = Speech(np.full(12_000, 0.1, np.float32), 24_000, [])
    first = TrackBuilder()
    first.add(0.0, clip)
    again = TrackBuilder(previous=first.keys)
    stream = _TrackStream(again, tmp_path / ".partial.m4a")
    again.add(0.0, clip)
    stream.beat()
    assert not (tmp_path / ".partial.m4a").exists()  # the same beats: the last track may be reused
    other = TrackBuilder()
    stream = _TrackStream(other, tmp_path / ".partial.m4a")
    other.add(0.0, clip)
    other.add(1.0, clip)
    stream.beat()
    assert (tmp_path / ".partial.m4a").exists()
    stream.discard()  # a render that fails: no half-written file is left
    assert not (tmp_path / ".partial.m4a").exists()

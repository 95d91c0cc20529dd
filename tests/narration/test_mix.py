"""The narration track: placement, 48 kHz, -16 LUFS integrated, true peak at most -1 dBTP."""

import numpy as np
import pyloudnorm
import pytest
from scipy.signal import resample

from visualsys.narration.mix import (
    TRACK_RATE,
    integrated_loudness,
    limit,
    narration_track,
    place_beats,
    to_rate,
    true_peak,
)
from visualsys.narration.speech import Speech

BEATS = [
    "Servers sit on a ring, and keys do too.",
    "A key walks clockwise until it meets a server.",
    "When a server leaves, only its keys move!",
]


def lufs(x, rate=TRACK_RATE):
    return pyloudnorm.Meter(rate).integrated_loudness(x.astype(np.float64))


def peak_dbtp(x):
    """True peak, measured independently of mix.py: FFT resampling to 4x (BS.1770 oversampling)."""
    return 20 * np.log10(np.max(np.abs(resample(x.astype(np.float64), 4 * len(x)))))


@pytest.fixture(scope="module")
def speech_track(hibari):
    clips, t = [], 0.3
    for text in BEATS:
        s = hibari.synthesize(text)
        clips.append((t, s))
        t += s.duration + 0.5
    return clips, t + 0.3


def test_real_speech_is_normalised_to_broadcast_loudness(speech_track):
    clips, total = speech_track
    track = narration_track(clips, total)
    assert track.dtype == np.float32 and len(track) == round(total * TRACK_RATE)
    assert abs(lufs(track) - (-16.0)) <= 0.5
    assert peak_dbtp(track) <= -1.0


def test_the_guarded_meter_reads_what_pyloudnorm_reads(speech_track):
    # clips with digital silence between them: the case the subnormal guard is for
    clips, total = speech_track
    track = place_beats(clips, total) * 0.5
    assert integrated_loudness(track, TRACK_RATE) == pytest.approx(lufs(track), abs=1e-9)
    rng = np.random.default_rng(1)
    noise = np.zeros(3 * TRACK_RATE, np.float32)
    noise[TRACK_RATE:2 * TRACK_RATE] = 0.01 * rng.standard_normal(TRACK_RATE)  # quiet, near the gates
    assert integrated_loudness(noise, TRACK_RATE) == pytest.approx(lufs(noise), abs=1e-9)


def test_a_hot_burst_would_overshoot_without_the_limiter():
    rng = np.random.default_rng(0)
    bed = (0.03 * rng.standard_normal(10 * TRACK_RATE)).astype(np.float32)
    n = int(0.03 * TRACK_RATE)
    bed[5 * TRACK_RATE : 5 * TRACK_RATE + n] = 0.9 * np.sin(2 * np.pi * 3000 * np.arange(n) / TRACK_RATE)
    plain = bed * 10 ** ((-16.0 - lufs(bed)) / 20)
    assert peak_dbtp(plain) > 3.0  # plain gain would clip badly
    track = narration_track([(0.0, Speech(bed, TRACK_RATE, []))], 10.0)
    assert abs(lufs(track) - (-16.0)) <= 0.5
    assert peak_dbtp(track) <= -1.0


def test_inter_sample_peaks_are_caught():
    # a quarter-rate sine sampled at 45 degrees: samples at 0.707, true peak 1.0 (+3 dB over sample peak)
    n = np.arange(4 * TRACK_RATE)
    x = (0.99 * np.sin(2 * np.pi * (TRACK_RATE / 4) * n / TRACK_RATE + np.pi / 4)).astype(np.float32)
    x[: TRACK_RATE * 3] *= 0.02
    assert peak_dbtp(x) - 20 * np.log10(np.max(np.abs(x))) > 2.5
    out = limit(x * 1.5, TRACK_RATE)
    assert peak_dbtp(out) <= -1.0
    assert 20 * np.log10(true_peak(out)) == pytest.approx(peak_dbtp(out), abs=0.2)


def test_the_limiter_leaves_quiet_audio_alone():
    x = (0.2 * np.sin(np.arange(TRACK_RATE) / 9.0)).astype(np.float32)
    assert np.array_equal(limit(x, TRACK_RATE), x)


def test_beats_land_at_their_start_times_at_48_khz(hibari):
    s = hibari.synthesize("Hello.")
    track = place_beats([(1.0, s)], 3.0)
    assert len(track) == 3 * TRACK_RATE
    voiced = np.nonzero(np.abs(track) > 1e-3)[0]
    assert voiced[0] >= TRACK_RATE  # nothing before its start
    assert voiced[0] < TRACK_RATE + int((s.words[0].start + 0.05) * TRACK_RATE)
    assert len(to_rate(s.samples, s.sample_rate)) == pytest.approx(s.duration * TRACK_RATE, abs=2)


def test_the_track_never_outlasts_the_picture(hibari):
    s = hibari.synthesize("A long sentence that runs past the end of the video.")
    track = place_beats([(0.0, s)], s.duration / 2)
    assert len(track) == round(s.duration / 2 * TRACK_RATE)


def test_silence_stays_silence():
    track = narration_track([], 2.0)
    assert len(track) == 2 * TRACK_RATE and not np.any(track)


def test_a_short_clip_is_levelled_like_the_others(hibari):
    s = hibari.synthesize("Yes.")
    x = to_rate(s.samples, s.sample_rate)[: int(0.4 * TRACK_RATE)]  # under BS.1770's one block
    track = narration_track([(0.0, Speech(x, TRACK_RATE, []))], 1.0)
    assert lufs(np.tile(track[: len(x)], 3)) == pytest.approx(-16.0, abs=0.5)
    assert peak_dbtp(track) <= -1.0


def test_the_builder_names_a_track_by_its_beats_and_levels_only_what_changed(speech_track, tmp_path):
    from visualsys.narration.track import TrackBuilder

    clips, total = speech_track
    kept = tmp_path / "clips"
    first = TrackBuilder(clips_dir=kept)
    for start, s in clips:
        first.add(start, s)
    assert first.levelled == len(clips)  # no earlier track: each clip is levelled as it comes
    assert len(list(kept.glob("*.s16"))) == len(clips)
    assert np.array_equal(first.track(total), narration_track(clips, total))

    same = TrackBuilder(previous=first.keys, clips_dir=kept)
    for start, s in clips:
        same.add(start, s)
    assert same.levelled == 0 and same.key(total) == first.key(total)  # the caller reuses the last track
    assert same.key(total + 1.0) != first.key(total)

    moved = TrackBuilder(previous=first.keys, clips_dir=kept)
    moved.add(*clips[0])
    moved.add(clips[1][0] + 0.25, clips[1][1])  # the second beat starts later: a new track
    assert moved.keys[0] == first.keys[0] and moved.keys[1] != first.keys[1]
    reworded = Speech(clips[2][1].samples[::-1].copy(), clips[2][1].sample_rate, [])
    moved.add(clips[2][0] + 0.25, reworded)
    assert moved.levelled == 1  # only the new clip: the others are read back
    assert moved.key(total) != first.key(total)
    track = moved.track(total)
    beats = [clips[0], (clips[1][0] + 0.25, clips[1][1]), (clips[2][0] + 0.25, reworded)]
    fresh = narration_track(beats, total)
    assert np.array_equal(track, fresh)  # read back or levelled again: the same samples
    moved.prune()
    assert len(list(kept.glob("*.s16"))) == len(clips)  # the unused clip is gone, the new one kept


def test_a_track_made_in_pieces_is_the_whole_track_cut_there():
    from visualsys.narration.mix import first_sample, place_pcm

    rng = np.random.default_rng(7)
    clips = [(0.0, rng.integers(-9000, 9000, 30_000).astype("<i2")),
             (1.0004, rng.integers(-9000, 9000, 70_000).astype("<i2")),  # placed by the millisecond
             (2.5, rng.integers(-9000, 9000, 200_000).astype("<i2"))]  # cut by the track's end
    total = 3.99971  # not on a millisecond: pydub rounds the bed, the track is still exactly this long
    whole = place_pcm(clips, total, TRACK_RATE)
    assert len(whole) == round(total * TRACK_RATE)
    assert np.array_equal(whole[48_000:48_010], clips[1][1][:10] / 32768.0)  # 1.0004 s -> 1.000 s
    # cut where each beat starts (what a render knows as the beats come), and once mid-clip
    cuts = [0, first_sample(1.0004, TRACK_RATE), 96_000, first_sample(2.5, TRACK_RATE), len(whole)]
    pieces = [place_pcm(clips[:i + 1], None if i < 3 else total, TRACK_RATE, a, b)
              for i, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False))]
    assert np.array_equal(np.concatenate(pieces), whole)
    with pytest.raises(ValueError, match="millisecond"):
        place_pcm(clips, total, TRACK_RATE, 100, 200)


def test_the_builder_hands_out_the_track_a_settled_piece_at_a_time(speech_track):
    from visualsys.narration.track import TrackBuilder

    clips, total = speech_track
    builder, pieces, written = TrackBuilder(), [], 0
    assert builder.settled() == 0
    for start, s in clips:
        builder.add(start, s)
        end = builder.settled()  # up to where this beat begins: final, whatever comes next
        pieces.append(builder.piece(written, end))
        written = end
    pieces.append(builder.piece(written, int(round(total * TRACK_RATE)), total))
    assert np.array_equal(np.concatenate(pieces), builder.track(total))

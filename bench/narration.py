"""Narration figures on this machine: synthesis speed per voice, bookmark error, loudness.

Run: ``.venv/bin/python bench/narration.py`` (about a minute; piper is
measured only when it is installed). Prints three tables; nothing is asserted.

Bookmark error is measured against two references that do not use the
voice's own timings:

* **acoustic onset after a pause** - where the voice stops (comma, sentence
  end) and starts the next word, the first 5 ms window whose energy rises
  above 10 % of the following word's peak is the word's audible onset;
* **prefix length** - the sentence cut just before the word is synthesised
  on its own; the end of its voiced part is where the full sentence would
  reach the word if the prefix were said identically. Phrase-final
  lengthening makes the prefix's last word longer, so this reference is
  biased late; it is reported for comparison.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np
import pyloudnorm

from visualsys.narration.mix import TRACK_RATE, narration_track, true_peak
from visualsys.narration.speech import Speech, VoiceUnavailable, voiced_region
from visualsys.narration.voices import get_service

BEATS = [
    "Imagine you run a cache spread over many servers.",
    "A simple rule picks the server: hash the key, then take it modulo the number of servers.",
    "It works, until a server joins or leaves. Then almost every key moves.",
    "Consistent hashing places servers and keys on the same ring.",
    "A key walks clockwise until it meets a server, and that server owns it.",
    "When a server leaves, only its keys move, to the next server along the ring.",
    "Virtual nodes give every server many small slices, so the load evens out.",
    "The write-ahead log, or wall, is flushed before the commit is acknowledged.",
]

PAUSED = [  # (sentence, word after a pause)
    ("First we stop, then the servers agree.", "then"),
    ("Keys move, but only a few of them.", "but"),
    ("The leader waits. Followers acknowledge the entry.", "Followers"),
    ("Hash the key, take it modulo n, and pick a server.", "and"),
    ("It works. Until a server leaves, nothing moves.", "Until"),
    ("Reads are fast; writes are slower.", "writes"),
    ("A node fails, so the ring heals.", "so"),
    ("Partitions happen. Kafka keeps replicas in sync.", "Kafka"),
    ("The quorum is three, for five nodes.", "for"),
    ("Time passes, and clocks drift apart.", "and"),
]

PREFIXED = [  # (sentence, index of the word whose onset is checked)
    ("A key walks clockwise until it meets a server.", 4),
    ("Consistent hashing places servers and keys on the same ring.", 5),
    ("Virtual nodes give every server many small slices of the ring.", 6),
    ("The leader appends the entry to its log and replicates it.", 6),
    ("Every write goes to the log before it touches the table.", 5),
]


def acoustic_onset(speech: Speech, after: float, until: float) -> float:
    """First 5 ms window in [after, until] above 10 % of the window's peak energy."""
    rate = speech.sample_rate
    a, b = int(after * rate), min(len(speech.samples), int(until * rate))
    hop = max(1, rate // 200)
    seg = speech.samples[a:b].astype(np.float64)
    env = np.sqrt(np.convolve(seg**2, np.ones(hop) / hop, mode="same"))
    loud = np.nonzero(env > 0.1 * env.max())[0]
    return (a + loud[0]) / rate


def rtf(name: str) -> tuple[float, float, float] | None:
    """(load seconds, audio seconds, synthesis wall seconds) for the BEATS, or None if unavailable."""
    t0 = time.perf_counter()
    try:
        service = get_service(name)
        service.synthesize("Warm up.")
    except VoiceUnavailable as exc:
        print(f"  {name}: unavailable ({exc})", file=sys.stderr)
        return None
    load = time.perf_counter() - t0
    t1 = time.perf_counter()
    audio = sum(service.synthesize(text).duration for text in BEATS)
    return load, audio, time.perf_counter() - t1


def bookmark_errors(name: str) -> tuple[list[float], list[float]] | None:
    """Errors (model onset - reference) in seconds: after pauses, and against prefixes."""
    try:
        service = get_service(name)
    except VoiceUnavailable:
        return None
    pause = []
    for text, word in PAUSED:
        speech = service.synthesize(text)
        i = text.split().index(word)
        w, prev = speech.words[i], speech.words[i - 1]
        ref = acoustic_onset(speech, prev.end, w.start + 0.25)
        pause.append(w.start - ref)
    prefix = []
    for text, k in PREFIXED:
        full = service.synthesize(text)
        head = service.synthesize(" ".join(text.split()[:k]))
        _, voiced_end = voiced_region(head.samples, head.sample_rate, floor_db=-35.0)
        prefix.append(full.words[k].start - voiced_end)
    return pause, prefix


def loudness_rows() -> list[tuple[str, float, float]]:
    """Integrated loudness and true peak of finished tracks."""
    rows = []
    meter = pyloudnorm.Meter(TRACK_RATE)
    service = get_service("hibari")
    clips, t = [], 0.5
    for text in BEATS:
        speech = service.synthesize(text)
        clips.append((t, speech))
        t += speech.duration + 0.4
    track = narration_track(clips, t + 0.5)
    loud = meter.integrated_loudness(track.astype(np.float64))
    rows.append(("hibari, 8 beats", loud, true_peak(track)))
    rng = np.random.default_rng(1)
    bed = (0.03 * rng.standard_normal(10 * TRACK_RATE)).astype(np.float32)
    n = int(0.03 * TRACK_RATE)
    bed[5 * TRACK_RATE : 5 * TRACK_RATE + n] = 0.9 * np.sin(2 * np.pi * 3000 * np.arange(n) / TRACK_RATE)
    gain = 10 ** ((-16 - meter.integrated_loudness(bed.astype(np.float64))) / 20)
    plain = 20 * np.log10(true_peak(bed * gain))
    print(f"  hot burst: plain gain to -16 LUFS would peak at {plain:+.1f} dBTP")
    track = narration_track([(0.0, Speech(bed, TRACK_RATE, []))], 10.0)
    loud = meter.integrated_loudness(track.astype(np.float64))
    rows.append(("quiet bed + 30 ms burst", loud, true_peak(track)))
    return rows


def main() -> None:
    print("Synthesis speed (8 beats, one core)")
    print(f"  {'voice':8s} {'load s':>7s} {'audio s':>8s} {'synth s':>8s} {'x real time':>12s}")
    for name in ("hibari", "piper", "espeak", "silent"):
        r = rtf(name)
        if r is None:
            continue
        load, audio, wall = r
        print(f"  {name:8s} {load:7.2f} {audio:8.1f} {wall:8.3f} {audio / max(wall, 1e-9):12.0f}")
    print("\nBookmark error: model onset minus reference (ms)")
    for name in ("hibari", "piper"):
        r = bookmark_errors(name)
        if r is None:
            continue
        for label, errs in zip(("after a pause", "prefix length"), r, strict=True):
            ms = [1000 * e for e in errs]
            mean_abs, worst = statistics.mean(abs(e) for e in ms), max(abs(e) for e in ms)
            print(f"  {name:7s} {label:14s} n={len(ms):2d}  mean {statistics.mean(ms):+6.1f}  "
                  f"mean |e| {mean_abs:5.1f}  max |e| {worst:5.1f}")
    print("\nLoudness of the finished track (target -16 LUFS, true peak <= -1 dBTP)")
    for label, lufs, peak in loudness_rows():
        print(f"  {label:26s} {lufs:7.2f} LUFS  {20 * np.log10(peak):6.2f} dBTP")


if __name__ == "__main__":
    main()

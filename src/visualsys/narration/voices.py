"""The voices visualsys ships with, and :func:`get_service` to pick one by name.

========  =====================================  =============================
voice     what it is                             word timings
========  =====================================  =============================
hibari    default; hibari-tts, Apache-2.0        the model's phoneme durations
piper     optional (GPL): piper-tts + joe voice  piper's phoneme alignments
espeak    Debian's espeak-ng, a subprocess       estimated
recorded  the creator's own WAV per beat         estimated (voiced part)
silent    no audio; length from the text         estimated
========  =====================================  =============================

Each engine is imported only when its voice is chosen, so an optional engine
that is not installed costs nothing until someone asks for it; then they get
one sentence naming the install command (:class:`VoiceUnavailable`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from .hibari_voice import HibariService
from .piper_voice import PiperService
from .recorded import RecordedService
from .speech import Speech, SpeechService, VoiceUnavailable, estimate_voiced_words, estimate_words


class EspeakService(SpeechService):
    """Debian's ``espeak-ng`` as a subprocess: instant and robotic, a fast fallback."""

    name = "espeak"

    def __init__(self, voice: str = "en-us", words_per_minute: int = 165) -> None:
        self.binary = shutil.which("espeak-ng") or shutil.which("espeak")
        if self.binary is None:
            raise VoiceUnavailable(
                "The espeak voice needs the espeak-ng program: run "
                "`sudo apt-get install espeak-ng`."
            )
        if words_per_minute <= 0:
            raise ValueError(f"words_per_minute must be > 0, got {words_per_minute}")
        self.voice, self.wpm = voice, words_per_minute
        version = subprocess.run([self.binary, "--version"], capture_output=True, text=True)
        self.version = (version.stdout.split("\n")[0] or "unknown").strip()

    @property
    def fingerprint(self) -> str:
        """Voice, settings and engine version, for the audio cache key."""
        return f"espeak:{self.version}:{self.voice}:{self.wpm}"

    def synthesize(self, text: str) -> Speech:
        """Speak ``text``; see :meth:`SpeechService.synthesize`."""
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "out.wav"
            subprocess.run(  # the text goes in on stdin, so nothing in it can pass for an option
                [self.binary, "-v", self.voice, "-s", str(self.wpm), "-w", str(wav), "--stdin"],
                input=text.encode("utf-8"),
                check=True,
                capture_output=True,
            )
            samples, rate = read_wav(wav)
        return Speech(samples, rate, estimate_voiced_words(text, samples, rate))


class SilentService(SpeechService):
    """No audio at all; each beat lasts as long as reading it aloud would take.

    For fast layout checks and tests. ``words_per_minute`` sets the pace.
    """

    name = "silent"
    sample_rate = 24000

    def __init__(self, words_per_minute: float = 160.0) -> None:
        if words_per_minute <= 0:
            raise ValueError(f"words_per_minute must be > 0, got {words_per_minute}")
        self.wpm = words_per_minute

    @property
    def fingerprint(self) -> str:
        """Voice, settings and engine version, for the audio cache key."""
        return f"silent:{self.wpm}"

    def synthesize(self, text: str) -> Speech:
        """Speak ``text``; see :meth:`SpeechService.synthesize`."""
        n_words = len(text.split())
        pauses = len(re.findall(r"[.!?]", text)) * 0.25
        duration = n_words * 60.0 / self.wpm + pauses if n_words else 0.0
        samples = np.zeros(int(round(duration * self.sample_rate)), dtype=np.float32)
        return Speech(samples, self.sample_rate, estimate_words(text, duration))


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Read a 16-bit PCM WAV (mono or stereo, mixed down) as float32 samples."""
    with wave.open(str(path), "rb") as w:
        rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        raw = w.readframes(w.getnframes())
    if width != 2:
        raise ValueError(f"{path}: only 16-bit PCM WAV is supported, got {8 * width}-bit")
    pcm = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        pcm = pcm.reshape(-1, channels).mean(axis=1)
    return pcm, rate


#: Voice names accepted by ``--voice``, and how to make each.
VOICES: dict[str, type[SpeechService]] = {
    "hibari": HibariService,
    "piper": PiperService,
    "espeak": EspeakService,
    "recorded": RecordedService,
    "silent": SilentService,
}


def get_service(name: str, **options) -> SpeechService:
    """Make the voice called ``name`` (one of :data:`VOICES`)."""
    try:
        factory = VOICES[name]
    except KeyError:
        raise ValueError(
            f"unknown voice {name!r}; choose one of: {', '.join(VOICES)}"
        ) from None
    return factory(**options)


__all__ = [
    "VOICES", "EspeakService", "HibariService", "PiperService", "RecordedService", "SilentService",
    "VoiceUnavailable", "get_service", "read_wav",
]

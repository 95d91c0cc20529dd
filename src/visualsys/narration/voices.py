"""The voices visualsys ships with, and :func:`get_service` to pick one by name.

Each voice is imported only when it is chosen, so an optional engine that is
not installed costs nothing until someone asks for it; then they get one
sentence naming the install command.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from .speech import Speech, SpeechService, estimate_words


class VoiceUnavailable(RuntimeError):
    """A voice's package or program is missing; the message says how to install it."""


class HibariService(SpeechService):
    """The default voice: ``hibari-tts`` with its bundled English voice "heart".

    Offline, Apache-2.0, about 150x faster than real time on one core. A fixed
    ``seed`` makes synthesis bit-identical run to run.
    """

    name = "hibari"

    def __init__(self, voice: str = "heart", speed: float = 1.0, seed: int = 0) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be > 0, got {speed}")
        try:
            import hibari
        except ImportError as exc:  # pragma: no cover - exercised via CLI test with a fake
            raise VoiceUnavailable(
                "The hibari voice needs the hibari-tts package: run "
                "`.venv/bin/pip install hibari-tts==0.2.1` (or `make setup`)."
            ) from exc
        self._hibari = hibari
        self.voice, self.speed, self.seed = voice, speed, seed
        self._tts = None

    @property
    def fingerprint(self) -> str:
        return f"hibari-{self._hibari.__version__}:{self.voice}:{self.speed}:{self.seed}"

    def _engine(self):
        if self._tts is None:
            self._tts = self._hibari.Hibari(voice=self.voice)
        return self._tts

    def synthesize(self, text: str) -> Speech:
        tts = self._engine()
        samples = np.asarray(tts(text, speed=self.speed, seed=self.seed), dtype=np.float32)
        rate = self._hibari.SAMPLE_RATE
        return Speech(samples, rate, estimate_words(text, len(samples) / rate))


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
        self.voice, self.wpm = voice, words_per_minute

    @property
    def fingerprint(self) -> str:
        return f"espeak:{self.voice}:{self.wpm}"

    def synthesize(self, text: str) -> Speech:
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "out.wav"
            subprocess.run(
                [self.binary, "-v", self.voice, "-s", str(self.wpm), "-w", str(wav), text],
                check=True,
                capture_output=True,
            )
            samples, rate = read_wav(wav)
        return Speech(samples, rate, estimate_words(text, len(samples) / rate))


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
        return f"silent:{self.wpm}"

    def synthesize(self, text: str) -> Speech:
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
VOICES = {
    "hibari": HibariService,
    "espeak": EspeakService,
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

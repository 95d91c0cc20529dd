"""The ``recorded`` voice: the creator's own WAV file for every beat.

Record each beat as its own WAV file (any sample rate, 16/24/32-bit PCM or
float, mono or stereo) and put it in one folder (``voiceover/`` by default).
A beat finds its file in one of two ways:

1. a ``manifest.json`` in the folder mapping the beat's text to a file name::

       {"Servers sit on a ring. Keys do too.": "intro-01.wav"}

   (bookmark tags and extra spaces in the text are ignored when matching);
2. otherwise the naming rule: the first words of the beat, lower-cased and
   joined by ``-``, then the first 8 hex digits of the SHA-1 of the text, e.g.
   ``servers-sit-on-a-ring-1b2c3d4e.wav``. :func:`recording_name` computes it
   and :func:`recording_sheet` lists every beat with its file name.

A person reads the script as written, so the pronunciation lexicon is not
applied. Word timings are estimated over the voiced part of the recording.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from scipy.io import wavfile

from .markup import parse
from .speech import Speech, SpeechService, VoiceUnavailable, estimate_voiced_words

MANIFEST = "manifest.json"
_SLUG_WORD = re.compile(r"[^a-z0-9]+")


class RecordingMissing(FileNotFoundError):
    """A beat has no recording; the message names the beat and the file expected."""


def normalise_text(text: str) -> str:
    """The beat text as recordings are matched: no bookmark tags, single spaces."""
    return parse(text).written_text


def recording_name(text: str, words: int = 5) -> str:
    """The file name the naming rule expects for a beat saying ``text``."""
    norm = normalise_text(text)
    slug = "-".join(p for p in (_SLUG_WORD.sub("", w.lower()) for w in norm.split()[:words]) if p)
    digest = hashlib.sha1(norm.encode("utf-8")).hexdigest()[:8]
    return f"{slug or 'beat'}-{digest}.wav"


def recording_sheet(texts: Iterable[str]) -> str:
    """A plain-text list of beats and the file each one needs, for the person recording."""
    lines = []
    for i, text in enumerate(texts, 1):
        lines.append(f"{i:3d}. {recording_name(text)}\n     {normalise_text(text)}")
    return "\n".join(lines) + "\n"


def read_audio(path: Path) -> tuple[np.ndarray, int]:
    """Read a WAV file (integer PCM or float, any channel count) as float32 mono samples."""
    rate, data = wavfile.read(str(path))
    if data.dtype.kind == "i":
        data = data.astype(np.float32) / float(np.iinfo(data.dtype).max + 1)
    elif data.dtype.kind == "u":  # 8-bit PCM is unsigned
        data = (data.astype(np.float32) - 128.0) / 128.0
    else:
        data = data.astype(np.float32)
    if data.ndim > 1:
        data = data.mean(axis=1)
    return np.clip(data, -1.0, 1.0).astype(np.float32), int(rate)


class RecordedService(SpeechService):
    """Play the creator's recording of each beat.

    Parameters
    ----------
    folder
        Where the WAV files (and the optional ``manifest.json``) are.
    """

    name = "recorded"
    cacheable = False
    reads_written_text = True

    def __init__(self, folder: Path | str = "voiceover") -> None:
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise VoiceUnavailable(
                f"The recorded voice reads one WAV file per beat from {self.folder}/, which does not "
                "exist: create it and record the beats (file names: see the README, 'Narration')."
            )
        self.manifest: dict[str, str] = {}
        manifest = self.folder / MANIFEST
        if manifest.exists():
            try:
                raw = json.loads(manifest.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{manifest} is not valid JSON: {exc}") from None
            if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
                raise ValueError(f"{manifest} must map beat text to a WAV file name")
            self.manifest = {normalise_text(k): v for k, v in raw.items()}

    @property
    def fingerprint(self) -> str:
        """Voice, settings and engine version, for the audio cache key."""
        return f"recorded:{self.folder.resolve()}"

    def path_for(self, text: str) -> Path:
        """The file that holds the recording of ``text``."""
        norm = normalise_text(text)
        if norm in self.manifest:
            return self.folder / self.manifest[norm]
        return self.folder / recording_name(norm)

    def synthesize(self, text: str) -> Speech:
        """Speak ``text``; see :meth:`SpeechService.synthesize`."""
        path = self.path_for(text)
        if not path.exists():
            norm = normalise_text(text)
            snippet = norm if len(norm) <= 50 else norm[:49].rstrip() + "…"
            manifest = self.folder / MANIFEST
            if norm in self.manifest:
                raise RecordingMissing(
                    f"no recording for the beat {snippet!r}: {manifest} names {path}, which does not exist"
                )
            raise RecordingMissing(
                f"no recording for the beat {snippet!r}: expected {path} "
                f"(or map the beat's text to a file in {manifest})"
            )
        samples, rate = read_audio(path)
        return Speech(samples, rate, estimate_voiced_words(text, samples, rate), "estimate")

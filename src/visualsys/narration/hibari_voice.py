"""The hibari voice with word timings read from the model itself.

hibari's acoustic model predicts how long each phoneme lasts before it makes
any sound: inside the ONNX graph the duration predictor's output is rounded
(``/Round``), cast to integers (``/Cast_32``) and summed (``/CumSum``) to
expand the phonemes into spectrum frames. This module loads the model with
the ``onnx`` package, adds ``/Cast_32``'s tensor as an extra graph output and
builds the onnxruntime session from the modified bytes in memory (nothing is
written into site-packages). Each duration unit is 2 spectrum frames of 300
samples at 24 kHz, i.e. 600 samples = 25 ms, and the units of one model call
add up to exactly the length of the audio it returns (checked on every call).

To turn phoneme durations into word timings the text is phonemised token by
token with hibari's own G2P, so every phoneme character is known to come from
one whitespace-separated word of the input; sentences (and over-long
sentences' clauses) are separate model calls, laid end to end exactly as
:meth:`hibari.Hibari.__call__` does, with the same random stream: the audio
is bit-identical to ``Hibari()(text, speed, seed)``.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass

import numpy as np

from .speech import Speech, SpeechService, VoiceUnavailable, Word, estimate_words

#: Samples per duration unit: 2 frames x hop 300 at 24 kHz (25 ms).
UNIT_SAMPLES = 600
DURATION_TENSOR = "/Cast_32_output_0"
#: Bumped whenever the timing method changes, so cached timings are re-made.
TIMING_VERSION = 1
_PUNCT = set(";:,.!?—…\"“”()[]'")
_CLAUSE = re.compile(r"(?<=[,;:—])\s+")
_NOT_WORD = re.compile(r"[^\w]+")


class HibariTimingError(RuntimeError):
    """The model's durations do not add up to its audio: the timings cannot be trusted."""


@dataclass
class _Span:
    """Where one whitespace word of a sentence lies in that sentence's phoneme string."""

    start: int  # first phoneme character (inclusive)
    end: int  # last phoneme character (exclusive)


def duration_model_bytes(model_path: str) -> bytes:
    """Return the ONNX model at ``model_path`` with the duration tensor added as an output.

    Raises
    ------
    HibariTimingError
        If the model has no duration tensor under the expected name.
    """
    import onnx

    model = onnx.load(model_path)
    produced = {out for node in model.graph.node for out in node.output}
    if DURATION_TENSOR not in produced:
        raise HibariTimingError(
            f"{os.path.basename(model_path)} has no {DURATION_TENSOR} tensor; this hibari "
            "model's durations cannot be read (is it a different hibari version?)"
        )
    if DURATION_TENSOR not in {o.name for o in model.graph.output}:
        model.graph.output.append(onnx.ValueInfoProto(name=DURATION_TENSOR))
    return model.SerializeToString()


class HibariEngine:
    """hibari's G2P, vocabulary and a duration-exposing model session, loaded once.

    Parameters
    ----------
    voice
        A hibari voice name ("heart" ships in the package).
    threads
        onnxruntime threads.
    """

    def __init__(self, voice: str = "heart", threads: int = 1) -> None:
        import onnxruntime as ort
        from hibari import dsp
        from hibari import tts as hibari_tts
        from hibari.g2p import G2P
        from hibari.g2p.normalize import normalize
        from hibari.voices import VOICES, voice_path

        if voice not in VOICES:
            raise ValueError(f"unknown hibari voice {voice!r}; choose one of: {', '.join(VOICES)}")
        so = ort.SessionOptions()
        so.intra_op_num_threads = so.inter_op_num_threads = threads
        so.log_severity_level = 3
        self.session = ort.InferenceSession(
            duration_model_bytes(voice_path(voice)), so, providers=["CPUExecutionProvider"]
        )
        names = [o.name for o in self.session.get_outputs()]
        self._dur_index = names.index(DURATION_TENSOR)
        with open(os.path.join(hibari_tts.ASSETS, "vocab.json"), encoding="utf-8") as fh:
            self.vocab: dict[str, int] = json.load(fh)
        self.g2p = G2P(british=VOICES[voice]["british"])
        self._normalize = normalize
        self._split_sentences = hibari_tts.Hibari.split_sentences
        self._synth = dsp.synth
        self.max_phonemes = hibari_tts.MAX_PHONEMES
        self.sample_rate = int(hibari_tts.SAMPLE_RATE)

    # -- text -> phonemes, remembering which word each character came from --------------
    def phonemize_sentence(self, sentence: str) -> tuple[str, list[str], list[_Span | None]]:
        """Phonemise one sentence as hibari does.

        Returns the phoneme string, the words of the *normalised* sentence
        (hibari expands "10ms" or "Dr." before reading) and each normalised
        word's span in the phoneme string (``None``: it produced no phonemes).
        """
        text = self._normalize(sentence)
        tokens = self.g2p.phonemize_tokens(self.g2p.tokenize(text))
        raw = ""
        spans: list[_Span | None] = []
        current: list[int] | None = None  # [start, end] of the word being built
        for tk in tokens:
            ps = self.g2p.unk if tk.phonemes is None else tk.phonemes
            if ps:
                if current is None:
                    current = [len(raw), len(raw) + len(ps)]
                else:
                    current[1] = len(raw) + len(ps)
            raw += ps
            if tk.whitespace:
                spans.append(_Span(*current) if current else None)
                current = None
                raw += " "
        if tokens and not tokens[-1].whitespace:
            spans.append(_Span(*current) if current else None)
        lead = len(raw) - len(raw.lstrip())
        phonemes = raw.strip()
        shifted = [None if s is None else _Span(s.start - lead, s.end - lead) for s in spans]
        return phonemes, text.split(), shifted

    def _chunks(self, phonemes: str) -> list[tuple[str, list[int]]]:
        """Split an over-long phoneme string at clause punctuation, as hibari does.

        Returns each chunk's string and, for each chunk character, its index in
        ``phonemes``.
        """
        if len(phonemes) <= self.max_phonemes:
            return [(phonemes, list(range(len(phonemes))))]
        parts, pos = [], 0
        for m in _CLAUSE.finditer(phonemes):
            parts.append((pos, m.start()))
            pos = m.end()
        parts.append((pos, len(phonemes)))
        chunks: list[tuple[str, list[int]]] = []
        cur, cur_map = "", []
        for a, b in parts:
            part = phonemes[a:b]
            if cur and len(cur) + len(part) + 1 > self.max_phonemes:
                chunks.append((cur, cur_map))
                cur, cur_map = part, list(range(a, b))
            elif cur:
                cur += " " + part
                cur_map += [a - 1] + list(range(a, b))  # the joining space stands for the gap
            else:
                cur, cur_map = part, list(range(a, b))
        if cur:
            chunks.append((cur, cur_map))
        return chunks

    # -- the model ------------------------------------------------------------------------
    def run(self, phonemes: str, speed: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Synthesise one phoneme string; return the audio and each character's [start, end) in samples.

        Characters the vocabulary lacks get a zero-length interval where they stand.
        """
        ids, owner = [0], []
        for ch in phonemes:
            if ch in self.vocab:
                owner.append(len(ids))
                ids.append(self.vocab[ch])
            else:
                owner.append(-len(ids))  # before the next id: zero-length
        ids.append(0)
        times = np.zeros((len(phonemes), 2), dtype=np.int64)
        if len(ids) < 3:  # what hibari does: too short to say anything
            return np.zeros(0, np.float32), times
        outs = self.session.run(
            None, {"ids": np.asarray([ids], np.int64), "speed": np.asarray([speed], np.float32)}
        )
        durations = np.asarray(outs[self._dur_index]).reshape(-1).astype(np.int64)
        lh, th, ln, lr, phi, f0 = (o[0] for i, o in enumerate(outs) if i != self._dur_index)
        audio = self._synth(lh, th, ln, lr, phi, f0, rng)
        if len(durations) != len(ids) or int(durations.sum()) * UNIT_SAMPLES != len(audio):
            raise HibariTimingError(
                f"hibari returned {len(audio)} samples but its durations add up to "
                f"{int(durations.sum()) * UNIT_SAMPLES} ({len(durations)} units for {len(ids)} ids)"
            )
        edges = np.concatenate([[0], np.cumsum(durations)]) * UNIT_SAMPLES
        for i, j in enumerate(owner):
            if j > 0:
                times[i] = edges[j], edges[j + 1]
            else:
                times[i] = edges[-j], edges[-j]
        return audio, times

    def speak(self, text: str, speed: float = 1.0, seed: int | None = 0) -> Speech:
        """Speak ``text``: the audio and one model-timed :class:`Word` per whitespace token."""
        rng = np.random.default_rng(seed)
        tokens = text.split()
        parts: list[np.ndarray] = []
        offset = 0  # samples so far
        words: list[Word] = []
        sentences = self._split_sentences(text)
        if sum(len(s.split()) for s in sentences) != len(tokens):  # pragma: no cover - defensive
            sentences = [" ".join(tokens)]
        for sentence in sentences:
            sent_words = sentence.split()
            phonemes, normalised, spans = self.phonemize_sentence(sentence)
            char_times = np.zeros((len(phonemes), 2), dtype=np.int64)
            for chunk, index in self._chunks(phonemes) if phonemes else []:
                audio, times = self.run(chunk, speed, rng)
                times = times + offset
                for k, i in enumerate(index):
                    char_times[i] = times[k]
                parts.append(audio)
                offset += len(audio)
            norm_times = [self._span_time(phonemes, s, char_times) for s in spans]
            words += self._map_words(sent_words, normalised, norm_times, offset)
        audio = np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)
        rate = self.sample_rate
        return Speech(
            audio, rate,
            [Word(t, w.start / rate, w.end / rate) for t, w in zip(tokens, _monotonic(words), strict=True)],
            "model",
        )

    @staticmethod
    def _span_time(phonemes: str, span: _Span | None, char_times: np.ndarray) -> tuple[int, int] | None:
        """Samples [start, end) of a word: its first sounding phoneme to its last.

        Punctuation (the model's pauses) does not count, unless the word is
        nothing but punctuation ("—"): then it is the pause itself.
        """
        if span is None or span.end <= span.start:
            return None
        idx = range(span.start, span.end)
        sounding = [i for i in idx if phonemes[i] not in _PUNCT and not phonemes[i].isspace()]
        use = sounding or list(idx)
        return int(char_times[use[0], 0]), int(char_times[use[-1], 1])

    @staticmethod
    def _map_words(words: list[str], normalised: list[str], norm: list[tuple[int, int] | None],
                   end: int) -> list[Word]:
        """Give each word of the original sentence the time of the normalised word(s) it became.

        Normalisation can turn one word into several ("10ms" -> "ten
        milliseconds") or several into one; the two word lists are aligned by
        their letters. A word that became nothing audible gets a zero-length
        timing where it stands.
        """
        if not words:
            return []
        if not any(t is not None for t in norm):  # nothing audible at all
            return [Word(w, end, end) for w in words]
        if len(normalised) != len(norm):  # pragma: no cover - defensive: fall back to the spans' order
            normalised = [f"#{i}" for i in range(len(norm))]
        groups: list[list[int]] = [[] for _ in words]
        if len(normalised) == len(words):
            groups = [[i] for i in range(len(words))]
        else:
            key = [_NOT_WORD.sub("", w).lower() for w in words]
            nkey = [_NOT_WORD.sub("", w).lower() for w in normalised]
            sm = difflib.SequenceMatcher(None, key, nkey, autojunk=False)
            for op, i1, i2, j1, j2 in sm.get_opcodes():
                m, n = i2 - i1, j2 - j1
                if op == "equal":
                    for k in range(m):
                        groups[i1 + k].append(j1 + k)
                elif m == 0:  # normalised words with no source word: the previous word said them
                    groups[max(i1 - 1, 0)].extend(range(j1, j2))
                else:
                    for k in range(m):
                        groups[i1 + k].extend(range(j1 + k * n // m, j1 + (k + 1) * n // m))
        out: list[Word] = []
        last = None
        for w, g in zip(words, groups, strict=True):
            times = [norm[j] for j in sorted(g) if norm[j] is not None]
            if times:
                start, stop = times[0][0], times[-1][1]
            else:  # silent here: zero length at the previous word's end (or the next onset)
                if last is not None:
                    start = stop = last
                else:
                    first = next(t for t in norm if t is not None)
                    start = stop = first[0]
            last = stop
            out.append(Word(w, start, stop))
        return out


def _monotonic(words: list[Word]) -> list[Word]:
    """Clamp timings so onsets never go backwards and no word ends before it starts."""
    out, t = [], 0.0
    for w in words:
        start = max(w.start, t)
        end = max(w.end, start)
        out.append(Word(w.text, start, end))
        t = start
    return out


class HibariService(SpeechService):
    """The default voice: ``hibari-tts`` with its bundled English voice "heart".

    Offline, Apache-2.0, far faster than real time on one core. Word timings
    come from the model's own phoneme durations (``timing_source="model"``).
    A fixed ``seed`` makes synthesis bit-identical run to run.

    Parameters
    ----------
    voice
        hibari voice name; "heart" ships in the package, the others download
        once on first use.
    speed
        Speaking rate, 1.0 the voice's natural pace (0.5 slow .. 2.0 fast).
    seed
        Seed of the noise component.
    """

    name = "hibari"

    def __init__(self, voice: str = "heart", speed: float = 1.0, seed: int = 0) -> None:
        if not 0.25 <= speed <= 4.0:
            raise ValueError(f"speed must be between 0.25 and 4, got {speed}")
        try:
            import hibari
            import onnx  # noqa: F401 - needed to read the durations
        except ImportError as exc:
            raise VoiceUnavailable(
                "The hibari voice needs the hibari-tts and onnx packages: run "
                "`.venv/bin/pip install hibari-tts==0.2.1 onnx` (or `make setup`)."
            ) from exc
        self._hibari = hibari
        self.voice, self.speed, self.seed = voice, speed, seed
        self._engine: HibariEngine | None = None

    @property
    def fingerprint(self) -> str:
        """Voice, settings and engine version, for the audio cache key."""
        return f"hibari-{self._hibari.__version__}:t{TIMING_VERSION}:{self.voice}:{self.speed}:{self.seed}"

    @property
    def engine(self) -> HibariEngine:
        """The loaded model (loaded on first use, about 0.4 s)."""
        if self._engine is None:
            self._engine = HibariEngine(self.voice)
        return self._engine

    def synthesize(self, text: str) -> Speech:
        """Speak ``text``; see :meth:`SpeechService.synthesize`."""
        if not text.split():
            return Speech(np.zeros(0, np.float32), self.engine.sample_rate, [], "model")
        speech = self.engine.speak(text, self.speed, self.seed)
        if len(speech.words) != len(text.split()):  # pragma: no cover - defensive
            return Speech(speech.samples, speech.sample_rate,
                          estimate_words(text, speech.duration), "estimate")
        return speech

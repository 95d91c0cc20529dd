"""Narration: voices, the audio cache, script markup, the lexicon, captions and the mixed track."""

from pathlib import Path

from .cache import Narrator
from .lexicon import load_lexicon
from .speech import Speech, SpeechService, VoiceUnavailable, Word
from .voices import VOICES, get_service

#: The project-wide pronunciation lexicon (``assets/lexicon.json`` in the repository).
PROJECT_LEXICON = Path(__file__).resolve().parents[3] / "assets" / "lexicon.json"
#: Where ``--voice recorded`` looks for the creator's WAV files by default.
RECORDINGS = Path(__file__).resolve().parents[3] / "voiceover"


def make_narrator(voice: str, cache_dir: Path | None, *, lexicon: Path | None = PROJECT_LEXICON,
                  recordings: Path = RECORDINGS) -> Narrator:
    """The narrator every command uses: voice ``voice``, speech cached in ``cache_dir``, project lexicon.

    Raises :class:`VoiceUnavailable` (voice missing) or ``LexiconError`` (bad lexicon file).
    """
    service = get_service(voice, **({"folder": recordings} if voice == "recorded" else {}))
    words = load_lexicon(lexicon) if lexicon is not None else {}
    return Narrator(service, cache_dir, lexicon=words)


__all__ = [
    "Narrator", "Speech", "SpeechService", "Word", "VOICES", "VoiceUnavailable",
    "get_service", "load_lexicon", "make_narrator", "PROJECT_LEXICON", "RECORDINGS",
]

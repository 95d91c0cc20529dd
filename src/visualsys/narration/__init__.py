"""Narration: voices, the audio cache, script markup, the lexicon, captions and the mixed track."""

from .cache import Narrator
from .lexicon import load_lexicon
from .speech import Speech, SpeechService, VoiceUnavailable, Word
from .voices import VOICES, get_service

__all__ = [
    "Narrator", "Speech", "SpeechService", "Word", "VOICES", "VoiceUnavailable",
    "get_service", "load_lexicon",
]

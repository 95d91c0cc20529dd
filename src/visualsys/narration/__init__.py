"""Narration: voices, the audio cache, script markup, captions and the mixed track."""

from .cache import Narrator
from .speech import Speech, SpeechService, Word
from .voices import VOICES, VoiceUnavailable, get_service

__all__ = ["Narrator", "Speech", "SpeechService", "Word", "VOICES", "VoiceUnavailable", "get_service"]

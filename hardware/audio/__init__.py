"""Call audio: a generated gong and offline espeak-ng announcements in a common WAV format."""

from hardware.audio.announce import Announcer, CatchUp, languages_for_call, spoken_number
from hardware.audio.speech import EspeakSpeech, default_cache_dir
from hardware.audio.wav import CHANNELS, RATE, SAMPLE_WIDTH, chime, duration, gong, join_wav, rms

__all__ = [
    "CHANNELS",
    "RATE",
    "SAMPLE_WIDTH",
    "Announcer",
    "CatchUp",
    "EspeakSpeech",
    "chime",
    "default_cache_dir",
    "duration",
    "gong",
    "join_wav",
    "languages_for_call",
    "rms",
    "spoken_number",
]

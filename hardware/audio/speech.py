"""Offline speech through the espeak-ng program, cached on disk so a repeat is instant."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from hardware.audio.wav import decode_wav, encode_wav, trim_silence

log = logging.getLogger(__name__)

# espeak-ng voice per language where the plain language code is not the voice name.
VOICES: dict[str, str] = {"en": "en-gb"}
# espeak-ng's Arabic voice speaks far slower than the others at the same words per minute.
RATE_FACTORS: dict[str, float] = {"ar": 1.25}


def default_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/aufruf/speech`, or `~/.cache/aufruf/speech`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aufruf" / "speech"


class EspeakSpeech:
    """Turns SSML text into WAV bytes with espeak-ng; None when espeak-ng is not installed."""

    def __init__(
        self,
        *,
        binary: str = "espeak-ng",
        cache_dir: Path | None = None,
        rate: int = 175,
        path: str | None = None,
    ) -> None:
        # `path` is a PATH-style search list, for installations with espeak-ng elsewhere.
        self.binary = shutil.which(binary, path=path)
        self.cache_dir = cache_dir or default_cache_dir()
        self.rate = rate
        self._memory: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._warned = False

    @property
    def available(self) -> bool:
        """Whether espeak-ng was found."""
        return self.binary is not None

    def voice(self, language: str) -> str:
        """The espeak-ng voice for a language code."""
        return VOICES.get(language, language)

    def rate_for(self, language: str, speed: float = 1.0) -> int:
        """Words per minute for a language's voice, `speed` times the usual (espeak-ng tops out at 450)."""
        return min(450, round(self.rate * RATE_FACTORS.get(language, 1.0) * speed))

    def _key(self, ssml: str, voice: str, rate: int) -> str:
        # "trimmed": clips cached before silence was trimmed are not reused.
        raw = f"espeak-ng|trimmed|{voice}|{rate}|{ssml}".encode()
        return hashlib.sha256(raw).hexdigest()

    def synthesize(self, ssml: str, language: str, *, speed: float = 1.0) -> bytes | None:
        """Speak SSML in a language, `speed` times faster than usual; cached in memory and on disk."""
        if self.binary is None:
            if not self._warned:
                self._warned = True
                log.warning("espeak-ng not found: calls are announced with the gong only")
            return None
        voice, rate = self.voice(language), self.rate_for(language, speed)
        key = self._key(ssml, voice, rate)
        with self._lock:
            if key in self._memory:
                return self._memory[key]
        cached = self.cache_dir / f"{key}.wav"
        if cached.is_file():
            data = cached.read_bytes()
        else:
            data = self._run(ssml, voice, rate)
            self._store(cached, data)
        with self._lock:
            self._memory[key] = data
        return data

    def _run(self, ssml: str, voice: str, rate: int) -> bytes:
        assert self.binary is not None
        with tempfile.TemporaryDirectory(prefix="aufruf-speech-") as tmp:
            out = Path(tmp) / "speech.wav"
            command = [self.binary, "-m", "-v", voice, "-s", str(rate), "-w", str(out), ssml]
            result = subprocess.run(command, capture_output=True, timeout=30, check=False)
            if result.returncode != 0 or not out.is_file():
                error = result.stderr.decode(errors="replace").strip()
                raise RuntimeError(f"espeak-ng failed for voice {voice}: {error}")
            # Normalise the format so pieces can be joined with the gong; espeak-ng's silence
            # before and after would only delay the next call.
            return encode_wav(trim_silence(decode_wav(out.read_bytes())))

    def _store(self, path: Path, data: bytes) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a display reading the cache never sees half a file.
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except OSError as error:
            log.warning("Cannot cache speech in %s: %s", path.parent, error)

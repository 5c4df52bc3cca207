"""One WAV format for every sound (22050 Hz, mono, 16-bit), a generated gong, and joining."""

from __future__ import annotations

import io
import math
import shutil
import subprocess
import wave
from array import array
from collections.abc import Sequence
from functools import cache

RATE = 22050  # espeak-ng's native rate, so speech needs no conversion
CHANNELS = 1
SAMPLE_WIDTH = 2


class AudioFormatError(ValueError):
    """A WAV that is not in our format and could not be converted."""


def encode_wav(frames: bytes) -> bytes:
    """Wrap 16-bit mono PCM frames at `RATE` into a WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(CHANNELS)
        out.setsampwidth(SAMPLE_WIDTH)
        out.setframerate(RATE)
        out.writeframes(frames)
    return buffer.getvalue()


def decode_wav(data: bytes) -> bytes:
    """The PCM frames of a WAV in our format; other formats are converted with sox."""
    with wave.open(io.BytesIO(data), "rb") as source:
        params = source.getparams()
        frames = source.readframes(params.nframes)
    if (params.nchannels, params.sampwidth, params.framerate) == (CHANNELS, SAMPLE_WIDTH, RATE):
        return frames
    return decode_wav(convert_with_sox(data))


def convert_with_sox(data: bytes) -> bytes:
    """Resample any WAV to our format with sox (only needed for foreign voices or files)."""
    sox = shutil.which("sox")
    if sox is None:
        raise AudioFormatError("WAV is not 22050 Hz mono 16-bit and sox is not installed")
    result = subprocess.run(
        [sox, "-t", "wav", "-", "-r", str(RATE), "-c", "1", "-b", "16", "-t", "wav", "-"],
        input=data,
        capture_output=True,
        timeout=30,
        check=False,
    )
    if result.returncode != 0:
        raise AudioFormatError(f"sox could not convert: {result.stderr.decode(errors='replace')}")
    # sox cannot seek back on a pipe, so the header's sizes are placeholders: re-wrap the data.
    return encode_wav(_pcm_after_header(result.stdout))


def faster(data: bytes, factor: float) -> bytes:
    """The same speech `factor` times faster at the same pitch (sox's WSOLA `tempo`), in our format."""
    sox = shutil.which("sox")
    if sox is None or factor <= 1.0:
        return data
    result = subprocess.run(
        [sox, "-t", "wav", "-", "-t", "wav", "-", "tempo", "-s", f"{factor:.3f}"],
        input=data,
        capture_output=True,
        timeout=30,
        check=False,
    )
    if result.returncode != 0:
        raise AudioFormatError(f"sox could not speed up: {result.stderr.decode(errors='replace')}")
    return encode_wav(_pcm_after_header(result.stdout))


def _pcm_after_header(data: bytes) -> bytes:
    start = data.find(b"data")
    if start < 0:
        raise AudioFormatError("sox output has no data chunk")
    pcm = data[start + 8 :]
    return pcm[: len(pcm) - len(pcm) % SAMPLE_WIDTH]


def silence(seconds: float) -> bytes:
    """PCM frames of silence."""
    return bytes(int(RATE * seconds) * SAMPLE_WIDTH)


def trim_silence(frames: bytes, *, threshold: int = 200, keep: float = 0.03) -> bytes:
    """PCM frames without the near-silence espeak-ng puts before and after speech (keeps a short margin)."""
    samples = array("h", frames[: len(frames) - len(frames) % SAMPLE_WIDTH])
    first = next((i for i, value in enumerate(samples) if abs(value) > threshold), None)
    if first is None:
        return frames
    last = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > threshold)
    margin = int(RATE * keep)
    return samples[max(0, first - margin) : min(len(samples), last + 1 + margin)].tobytes()


def join_wav(pieces: Sequence[bytes], *, gap: float = 0.25) -> bytes:
    """Concatenate WAVs into one, with a short pause between pieces."""
    frames: list[bytes] = []
    for index, piece in enumerate(pieces):
        if index:
            frames.append(silence(gap))
        frames.append(decode_wav(piece))
    return encode_wav(b"".join(frames))


def duration(data: bytes) -> float:
    """Length of a WAV in seconds."""
    with wave.open(io.BytesIO(data), "rb") as source:
        return source.getnframes() / source.getframerate()


def rms(data: bytes) -> float:
    """Root mean square level of a 16-bit WAV, 0 for silence, up to 32767."""
    samples = array("h", decode_wav(data))
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples))


@cache
def gong() -> bytes:
    """A two-note chime (E5 then C5) with bell-like overtones and decay, generated once."""
    # Under a second in all: with German and a second language a call fits in six seconds.
    return _bell(((659.25, 0.0), (523.25, 0.28)), length=0.9)


@cache
def chime() -> bytes:
    """The short gong of a catch-up announcement: one bell note, 0.3 s, so queued calls come sooner."""
    return _bell(((659.25, 0.0),), length=0.3)


def _bell(notes: tuple[tuple[float, float], ...], *, length: float) -> bytes:
    """Bell notes (frequency in Hz, start in seconds) mixed into one clip of `length` seconds."""
    fade = min(0.12, length / 3)  # the bell is still ringing at the end: fade it instead of cutting it off
    # Bell partials: fundamental plus inharmonic overtones that die away faster.
    partials = ((1.0, 1.0, 2.2), (2.0, 0.45, 3.5), (2.76, 0.25, 5.0), (5.4, 0.1, 8.0))
    samples = array("h", bytes(int(RATE * length) * SAMPLE_WIDTH))
    for frequency, start in notes:
        first = int(start * RATE)
        for i in range(len(samples) - first):
            t = i / RATE
            attack = min(1.0, t / 0.005)  # 5 ms attack avoids a click
            value = sum(
                amp * math.exp(-decay * t) * math.sin(2 * math.pi * frequency * ratio * t)
                for ratio, amp, decay in partials
            )
            release = min(1.0, (length - (first + i) / RATE) / fade)
            mixed = samples[first + i] + int(9000 * attack * release * value)
            samples[first + i] = max(-32767, min(32767, mixed))
    return encode_wav(samples.tobytes())

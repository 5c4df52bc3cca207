"""Loudness of the kiosk's speech: steps a citizen moves with two keys, applied to the samples."""

from __future__ import annotations

from array import array

from hardware.audio.wav import decode_wav, encode_wav

STEPS = 10  # volume 1…10; the next citizen starts at the default again
DEFAULT_STEP = 6


def level(step: int) -> float:
    """A volume step as a gain from 0 to 1 (perceived loudness is roughly logarithmic)."""
    step = max(1, min(STEPS, step))
    return 10 ** ((step - STEPS) / 10)  # 10 dB between the quietest and the loudest half of the range


def scaled(wav: bytes, gain: float) -> bytes:
    """The WAV with every sample multiplied by the gain, clipped to 16 bits."""
    samples = array("h", decode_wav(wav))
    if gain != 1.0:
        samples = array("h", (max(-32767, min(32767, int(s * gain))) for s in samples))
    return encode_wav(samples.tobytes())

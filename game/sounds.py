"""Game sounds, synthesised with numpy: a repetition chime, hold done, set done and a gentle
warning. ``python -m game.sounds`` writes them to assets/sounds/ (the committed WAVs); the
game loads them from there (or synthesises them into a temp folder if they are missing)."""
from __future__ import annotations

import tempfile
import wave
from pathlib import Path
from typing import Any

import numpy as np

RATE = 22050
SOUNDS_DIR = Path(__file__).resolve().parents[1] / "assets" / "sounds"


def _tone(freq: float, dur: float, decay: float = 6.0, harmonics=(1.0, 0.35, 0.12)) -> np.ndarray:
    t = np.arange(int(RATE * dur)) / RATE
    wave_ = sum(a * np.sin(2 * np.pi * freq * (k + 1) * t) for k, a in enumerate(harmonics))
    env = np.exp(-decay * t) * np.minimum(1.0, t / 0.008)  # soft attack, bell-like decay
    return wave_ * env


def _seq(notes: list[tuple[float, float, float]], total: float) -> np.ndarray:
    """notes: (start s, frequency Hz, duration s) mixed into ``total`` seconds."""
    out = np.zeros(int(RATE * total))
    for start, freq, dur in notes:
        s = _tone(freq, dur)
        i = int(start * RATE)
        out[i:i + len(s)] += s[: len(out) - i]
    return out


def synthesise() -> dict[str, np.ndarray]:
    """name -> mono float samples in -1..1."""
    c5, e5, g5, c6 = 523.25, 659.25, 783.99, 1046.5
    sounds = {
        "rep": _seq([(0.0, e5, 0.25), (0.08, g5, 0.3)], 0.4),
        "hold_done": _seq([(0.0, g5, 0.6), (0.0, c6, 0.6)], 0.7),
        "set_done": _seq([(0.0, c5, 0.4), (0.15, e5, 0.4), (0.3, g5, 0.5), (0.45, c6, 0.7)], 1.2),
        "warning": _seq([(0.0, 392.0, 0.3), (0.18, 330.0, 0.35)], 0.55) * 0.6,
    }
    return {k: 0.5 * v / max(1e-9, float(np.abs(v).max())) for k, v in sounds.items()}


def write_sounds(folder: Path) -> list[Path]:
    """Write the WAVs (16-bit mono) into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, samples in synthesise().items():
        path = folder / f"{name}.wav"
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes((samples * 32767).astype("<i2").tobytes())
        paths.append(path)
    return paths


class SoundBank:
    """Loads the sounds with a Panda3D loader and plays them by name (silent when muted)."""

    NAMES = ("rep", "hold_done", "set_done", "warning")

    def __init__(self, loader: Any, muted: bool = False, folder: Path = SOUNDS_DIR) -> None:
        self.muted = muted
        self.played: list[str] = []  #: names played, in order (tests and session logs)
        self._sfx: dict[str, Any] = {}
        if not all((folder / f"{n}.wav").is_file() for n in self.NAMES):
            folder = Path(tempfile.mkdtemp(prefix="physioquest-sounds-"))
            write_sounds(folder)
        from panda3d.core import Filename
        for n in self.NAMES:
            self._sfx[n] = loader.loadSfx(Filename.fromOsSpecific(str(folder / f"{n}.wav")))

    def play(self, name: str) -> None:
        if name not in self._sfx:
            raise KeyError(f"unknown sound {name!r}; known: {', '.join(self.NAMES)}")
        self.played.append(name)
        if not self.muted and self._sfx[name] is not None:
            self._sfx[name].play()


if __name__ == "__main__":
    for p in write_sounds(SOUNDS_DIR):
        print(p)

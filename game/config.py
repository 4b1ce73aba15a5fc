"""Typed game configuration: display mode, palette, sound, resolution, input. Flags override a
TOML file (``--config FILE``); every value is validated with errors naming file and field."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from tracking.errors import InputError

MODES = ("home", "clinic")
PALETTES = ("default", "colorblind")
INPUTS = ("auto", "webcam", "video", "demo")

RGBA = tuple[float, float, float, float]


def _hex(h: str, a: float = 1.0) -> RGBA:
    h = h.lstrip("#")
    return (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255, a)


@dataclass(frozen=True)
class Palette:
    """Colours of the interface. ``good``/``warn``/``bad`` colour joints, cues and stars."""

    name: str
    text: RGBA
    text_shadow: RGBA
    panel: RGBA
    accent: RGBA
    good: RGBA
    warn: RGBA
    bad: RGBA
    ghost: RGBA
    sky: RGBA


def palette(name: str, high_contrast: bool = False) -> Palette:
    """``default`` or ``colorblind`` (Okabe-Ito: blue/orange/vermillion, safe for the common
    colour-vision deficiencies). ``high_contrast`` (clinic mode) uses opaque dark panels."""
    panel = (0.0, 0.0, 0.0, 0.82 if high_contrast else 0.55)
    if name == "colorblind":
        return Palette("colorblind", (1, 1, 1, 1), (0, 0, 0, 1), panel,
                       _hex("#56B4E9"), _hex("#0072B2"), _hex("#E69F00"), _hex("#D55E00"),
                       _hex("#56B4E9", 0.35), _hex("#9ECAE1"))
    if name == "default":
        return Palette("default", (1, 1, 1, 1), (0, 0, 0, 1), panel,
                       _hex("#FFD54F"), _hex("#43A047"), _hex("#FFA000"), _hex("#E53935"),
                       _hex("#80DEEA", 0.35), _hex("#8EC5E8"))
    raise ValueError(f"unknown palette {name!r}; choose one of {', '.join(PALETTES)}")


#: the window size when none is chosen
DEFAULT_SIZE = (1280, 720)


@dataclass(frozen=True)
class GameConfig:
    mode: str = "home"  #: home (window) or clinic (fullscreen, larger type, high contrast)
    palette: str = "default"  #: default or colorblind
    mute: bool = False
    #: window size; None: 1280x720 in a window, the screen's own resolution in fullscreen
    size: tuple[int, int] | None = None
    input: str = "auto"  #: auto (webcam when present, else say so), webcam, video, demo
    camera: int = 0
    video: str | None = None
    offscreen: bool = False
    duration_s: float | None = None  #: stop after this many seconds (automated runs)
    screenshots: str | None = None  #: directory for one screenshot per state and scene
    scene: str | None = None
    exercise: str | None = None
    patient: str | None = None
    simulated_clock: bool = False  #: advance game time a fixed 1/sim_fps s per frame (tests)
    sim_fps: int = 30
    unattended: bool = False  #: the demo answers check-ins and calibration itself
    record: bool = True  #: write the session to the store (landmarks, reps, pain, summary)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if self.palette not in PALETTES:
            raise ValueError(f"palette must be one of {', '.join(PALETTES)}, got {self.palette!r}")
        if self.input not in INPUTS:
            raise ValueError(f"input must be one of {', '.join(INPUTS)}, got {self.input!r}")
        w, h = self.window_size
        if not (160 <= w <= 7680 and 120 <= h <= 4320):
            raise ValueError(f"size must be between 160x120 and 7680x4320, got {w}x{h}")
        if not 5 <= self.sim_fps <= 120:
            raise ValueError(f"sim_fps must be 5..120, got {self.sim_fps}")
        if self.duration_s is not None and self.duration_s <= 0:
            raise ValueError("duration must be > 0 seconds")

    @property
    def colours(self) -> Palette:
        return palette(self.palette, high_contrast=self.mode == "clinic")

    @property
    def window_size(self) -> tuple[int, int]:
        """The size asked for, else the window default (fullscreen: see ``game.app``)."""
        return self.size or DEFAULT_SIZE

    @property
    def fullscreen(self) -> bool:
        return self.mode == "clinic" and not self.offscreen

    @property
    def text_scale(self) -> float:
        """Type size factor: clinic mode reads from across a room."""
        return 1.25 if self.mode == "clinic" else 1.0


def parse_size(text: str) -> tuple[int, int]:
    """``"1280x720"`` -> (1280, 720); ValueError in plain words otherwise."""
    try:
        w, h = text.lower().split("x")
        return int(w), int(h)
    except ValueError:
        raise ValueError(f"size must look like 1280x720, got {text!r}") from None


def load_config(path: str | Path, **overrides: Any) -> GameConfig:
    """Read a TOML config file (keys as the GameConfig fields; ``size = "1280x720"``), then
    apply ``overrides`` (flags; None means "not given"). InputError names file and field."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(path, f"cannot read config: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"not valid TOML: {exc}") from None
    return config_from_dict(data, source=path, **overrides)


def config_from_dict(data: dict[str, Any], source: str | Path | None = None,
                     **overrides: Any) -> GameConfig:
    known = {f.name: f for f in fields(GameConfig)}
    values: dict[str, Any] = {}
    for key, val in data.items():
        name = key.replace("-", "_")
        if name not in known:
            raise InputError(source, f"field {key!r}: unknown setting; known: {', '.join(known)}")
        if name == "size" and isinstance(val, str):
            try:
                val = parse_size(val)
            except ValueError as exc:
                raise InputError(source, f"field 'size': {exc}") from None
        expected = {"mute": bool, "offscreen": bool, "camera": int, "simulated_clock": bool, "sim_fps": int, "record": bool,
                    "unattended": bool}.get(name)
        if expected and not isinstance(val, expected):
            raise InputError(source, f"field {key!r}: expected {expected.__name__}, got {val!r}")
        values[name] = val
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return replace(GameConfig(), **values)
    except (ValueError, TypeError) as exc:
        raise InputError(source, f"field problem: {exc}") from None

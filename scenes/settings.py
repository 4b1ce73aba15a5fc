"""Scene settings: ``assets/scenes/<name>.toml`` read into frozen, validated dataclasses.

A therapist or designer edits colours, prop counts and layout distances in the TOML file;
every error names the file, the field and the problem (``tracking.errors.InputError``).

File shape (all sections required)::

    name = "park_path"
    title = "Park path"
    [sky]     top, horizon, ground = "#rrggbb"; fog_density = 0.0..0.1;
              optional glow = "#rrggbb" (a band just above the horizon: dawn, dusk)
    [light]   key_colour, fill_colour, ambient = "#rrggbb";
              key_hpr, fill_hpr = [heading, pitch, roll] in degrees
    [palette] name = "#rrggbb" ...   (the keys a scene declares in PALETTE)
    [counts]  name = integer ...     (the keys a scene declares in COUNTS, within range)
    [layout]  name = number ...      (the keys a scene declares in LAYOUT, within range)
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from tracking.errors import InputError

#: Where the default settings files live.
ASSET_DIR = Path(__file__).resolve().parent.parent / "assets" / "scenes"

Colour = tuple[float, float, float, float]


@dataclass(frozen=True)
class SkySettings:
    top: Colour  #: zenith colour of the sky dome
    horizon: Colour  #: colour at the horizon (also the fog colour)
    ground: Colour  #: colour below the horizon (far ground seen past the props)
    fog_density: float  #: exponential fog density (0 = no fog)
    glow: Colour | None = None  #: optional band just above the horizon (dawn, dusk)


@dataclass(frozen=True)
class LightSettings:
    key_colour: Colour
    key_hpr: tuple[float, float, float]
    fill_colour: Colour
    fill_hpr: tuple[float, float, float]
    ambient: Colour


@dataclass(frozen=True)
class SceneSettings:
    """Everything a scene reads from its TOML file."""

    name: str
    title: str
    sky: SkySettings
    light: LightSettings
    palette: Mapping[str, Colour]
    counts: Mapping[str, int]
    layout: Mapping[str, float]
    path: str = ""

    def colour(self, key: str) -> Colour:
        return self.palette[key]


@dataclass(frozen=True)
class Schema:
    """What a scene needs from its file: palette keys, count and layout ranges."""

    palette: tuple[str, ...] = ()
    counts: Mapping[str, tuple[int, int]] = field(default_factory=lambda: MappingProxyType({}))
    layout: Mapping[str, tuple[float, float]] = field(
        default_factory=lambda: MappingProxyType({}))


def parse_colour(value: Any, path: str, field: str) -> Colour:
    """``"#rrggbb"`` or ``"#rrggbbaa"`` -> (r, g, b, a) floats in 0..1."""
    if not isinstance(value, str) or not value.startswith("#") or len(value) not in (7, 9):
        raise InputError(path, f"{field}: expected a colour like \"#a1b2c3\", got {value!r}")
    try:
        parts = [int(value[i:i + 2], 16) / 255.0 for i in range(1, len(value), 2)]
    except ValueError:
        raise InputError(path, f"{field}: {value!r} is not a hex colour") from None
    if len(parts) == 3:
        parts.append(1.0)
    return (parts[0], parts[1], parts[2], parts[3])


def _table(data: dict, key: str, path: str) -> dict:
    value = data.get(key)
    if not isinstance(value, dict):
        raise InputError(path, f"[{key}]: missing section")
    return value


def _number(table: dict, section: str, key: str, path: str,
            lo: float | None = None, hi: float | None = None) -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(path, f"{section}.{key}: expected a number, got {value!r}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise InputError(path, f"{section}.{key}: {value} is outside {lo}..{hi}")
    return float(value)


def _hpr(table: dict, section: str, key: str, path: str) -> tuple[float, float, float]:
    value = table.get(key)
    if (not isinstance(value, list) or len(value) != 3
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        raise InputError(path, f"{section}.{key}: expected [heading, pitch, roll] in degrees")
    return (float(value[0]), float(value[1]), float(value[2]))


def _check_keys(table: dict, section: str, wanted: set[str], path: str) -> None:
    missing = sorted(wanted - set(table))
    extra = sorted(set(table) - wanted)
    if missing:
        raise InputError(path, f"[{section}]: missing {', '.join(missing)}")
    if extra:
        raise InputError(path, f"[{section}]: unknown {', '.join(extra)}")


def parse_settings(data: dict, schema: Schema, path: str) -> SceneSettings:
    """Validate a parsed TOML document against a scene's schema."""
    name, title = data.get("name"), data.get("title")
    if not isinstance(name, str) or not name:
        raise InputError(path, "name: expected the scene name as text")
    if not isinstance(title, str) or not title:
        raise InputError(path, "title: expected a title as text")
    sky_t = _table(data, "sky", path)
    keys = {"top", "horizon", "ground", "fog_density"}
    _check_keys(sky_t, "sky", keys | ({"glow"} & set(sky_t)), path)
    sky = SkySettings(parse_colour(sky_t["top"], path, "sky.top"),
                      parse_colour(sky_t["horizon"], path, "sky.horizon"),
                      parse_colour(sky_t["ground"], path, "sky.ground"),
                      _number(sky_t, "sky", "fog_density", path, 0.0, 0.1),
                      parse_colour(sky_t["glow"], path, "sky.glow") if "glow" in sky_t else None)
    li = _table(data, "light", path)
    _check_keys(li, "light", {"key_colour", "key_hpr", "fill_colour", "fill_hpr", "ambient"},
                path)
    light = LightSettings(parse_colour(li["key_colour"], path, "light.key_colour"),
                          _hpr(li, "light", "key_hpr", path),
                          parse_colour(li["fill_colour"], path, "light.fill_colour"),
                          _hpr(li, "light", "fill_hpr", path),
                          parse_colour(li["ambient"], path, "light.ambient"))
    pal_t = _table(data, "palette", path)
    _check_keys(pal_t, "palette", set(schema.palette), path)
    palette = {k: parse_colour(pal_t[k], path, f"palette.{k}") for k in schema.palette}
    counts: dict[str, int] = {}
    if schema.counts:
        cnt_t = _table(data, "counts", path)
        _check_keys(cnt_t, "counts", set(schema.counts), path)
        for key, (lo, hi) in schema.counts.items():
            value = cnt_t[key]
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(path, f"counts.{key}: expected a whole number, got {value!r}")
            if not lo <= value <= hi:
                raise InputError(path, f"counts.{key}: {value} is outside {lo}..{hi}")
            counts[key] = value
    layout: dict[str, float] = {}
    if schema.layout:
        lay_t = _table(data, "layout", path)
        _check_keys(lay_t, "layout", set(schema.layout), path)
        for key, (lo, hi) in schema.layout.items():
            layout[key] = _number(lay_t, "layout", key, path, lo, hi)
    return SceneSettings(name, title, sky, light, MappingProxyType(palette),
                         MappingProxyType(counts), MappingProxyType(layout), path)


def load_settings(name: str, schema: Schema, path: str | Path | None = None) -> SceneSettings:
    """Read and validate ``assets/scenes/<name>.toml`` (or ``path``)."""
    file = Path(path) if path is not None else ASSET_DIR / f"{name}.toml"
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(file, "scene settings file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(file, f"cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(file, f"not valid TOML: {exc}") from None
    settings = parse_settings(data, schema, str(file))
    if settings.name != name:
        raise InputError(file, f"name: file is for scene {settings.name!r}, expected {name!r}")
    return settings

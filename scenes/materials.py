"""Shared colours and colour helpers: every scene draws from these for a coherent look.

Scenes are vertex-coloured (no textures), so "materials" here are base colours plus small,
seeded variations that keep repeated props from looking cloned.
"""
from __future__ import annotations

import numpy as np

Colour = tuple[float, float, float, float]


def hexc(value: str) -> Colour:
    """``"#rrggbb"`` -> RGBA floats."""
    return (int(value[1:3], 16) / 255, int(value[3:5], 16) / 255, int(value[5:7], 16) / 255, 1.0)


#: Shared base colours (props fall back on these when a scene's palette has no override).
WOOD = hexc("#8a5a36")
WOOD_DARK = hexc("#5e3b22")
WOOD_LIGHT = hexc("#c49a6c")
BARK = hexc("#6b4a32")
LEAF = hexc("#4f8a3a")
LEAF_DARK = hexc("#37682b")
LEAF_LIGHT = hexc("#7fae4a")
STONE = hexc("#8d8a84")
STONE_DARK = hexc("#6c6964")
METAL = hexc("#9aa3ab")
WHITE = hexc("#f4f1ea")
FABRIC_RED = hexc("#b5483d")
FABRIC_BLUE = hexc("#4a6f9c")
WICKER = hexc("#b98b4e")
WATER = hexc("#3f86a8")
SAND = hexc("#dcc89c")
FRUIT_RED = hexc("#c8322b")
FRUIT_ORANGE = hexc("#e8892a")
FRUIT_YELLOW = hexc("#e9c93a")
HIGHLIGHT = hexc("#ffe07a")  #: the next target glows in this
CAUTION = hexc("#f0a030")  #: tint after a FormFault: "slow down, careful"


def shade(colour, factor: float) -> Colour:
    """Darker (< 1) or lighter (> 1) version of a colour, alpha kept."""
    r, g, b, a = colour
    return (min(1.0, r * factor), min(1.0, g * factor), min(1.0, b * factor), a)


def mix(a, b, t: float) -> Colour:
    return tuple(float(x * (1 - t) + y * t) for x, y in zip(a, b))  # type: ignore[return-value]


def vary(colour, rng: np.random.Generator, amount: float = 0.08) -> Colour:
    """A seeded, small random variation of brightness and hue."""
    r, g, b, a = colour
    k = 1.0 + rng.uniform(-amount, amount)
    d = rng.uniform(-amount / 2, amount / 2, 3)
    return (float(np.clip(r * k + d[0], 0, 1)), float(np.clip(g * k + d[1], 0, 1)),
            float(np.clip(b * k + d[2], 0, 1)), a)

"""Outdoor props built into a MeshBuilder: ground, trees, bushes, rocks, logs, bench, fruit,
flowers, water, clouds. Indoor furniture lives in ``scenes.furniture``.

Every function adds triangles to ``mb`` at ``pos`` (x, y, z) with a heading in degrees;
``rng`` makes the variation reproducible from a scene's seed.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from scenes import materials as mat
from scenes.mesh import MeshBuilder, xform

Vec = tuple[float, float, float]


def noise2(x: np.ndarray, y: np.ndarray, rng: np.random.Generator, octaves: int = 4,
           scale: float = 0.08) -> np.ndarray:
    """Smooth seeded pseudo-noise in about -1..1 (sum of random plane waves)."""
    out = np.zeros(np.broadcast(x, y).shape)
    amp, freq, total = 1.0, scale, 0.0
    for _ in range(octaves):
        for _ in range(3):
            ang = rng.uniform(0, 2 * np.pi)
            ph = rng.uniform(0, 2 * np.pi)
            out += amp * np.sin((np.cos(ang) * x + np.sin(ang) * y) * freq + ph)
            total += amp
        amp *= 0.5
        freq *= 2.1
    return out / total * 2.0


def ground(mb: MeshBuilder, x_range: tuple[float, float], y_range: tuple[float, float],
           step: float, colour_a, colour_b, rng: np.random.Generator,
           height_amp: float = 0.0, height_fn: Callable | None = None,
           colour_fn: Callable | None = None) -> None:
    """Height-field ground with two-colour noise; ``height_fn(x, y, h)`` / ``colour_fn(x, y, c)``
    may reshape it (a path, a stream bed)."""
    xs = np.arange(x_range[0], x_range[1] + step / 2, step)
    ys = np.arange(y_range[0], y_range[1] + step / 2, step)
    gx, gy = np.meshgrid(xs, ys)
    h = noise2(gx, gy, rng, scale=0.05) * height_amp
    t = np.clip(noise2(gx, gy, rng, scale=0.12) * 0.5 + 0.5, 0, 1)[..., None]
    speckle = rng.uniform(-0.04, 0.04, gx.shape + (1,))
    c = np.asarray(colour_a) * (1 - t) + np.asarray(colour_b) * t
    c[..., :3] = np.clip(c[..., :3] * (1 + speckle), 0, 1)
    if height_fn is not None:
        h = height_fn(gx, gy, h)
    if colour_fn is not None:
        c = colour_fn(gx, gy, c)
    mb.grid(xs, ys, h, c)


def tree(mb: MeshBuilder, pos: Vec, rng: np.random.Generator, leaf=mat.LEAF, bark=mat.BARK,
         height: float = 4.0, kind: str = "round") -> None:
    """A broadleaf ("round") tree of clustered crowns, or a "pine" of stacked cones."""
    x, y, z = pos
    trunk_h = height * (0.45 if kind == "round" else 0.25)
    mb.cylinder(height * 0.045, trunk_h + 0.3, mat.vary(bark, rng), xform((x, y, z - 0.1)),
                segments=6, top_radius=height * 0.03)
    if kind == "pine":
        for i in range(3):
            zz = z + trunk_h + i * height * 0.22
            r = height * (0.28 - i * 0.07)
            mb.cylinder(r, height * 0.36, mat.vary(leaf, rng, 0.1), xform((x, y, zz),
                        h=rng.uniform(0, 90)), segments=7, top_radius=0.0, caps=True)
        return
    crown_r = height * 0.3
    cz = z + trunk_h + crown_r * 0.7
    for _ in range(4):
        off = rng.normal(0, crown_r * 0.35, 3) * [1, 1, 0.6]
        r = crown_r * rng.uniform(0.6, 0.9)
        mb.sphere(r, mat.vary(leaf, rng, 0.12), xform((x + off[0], y + off[1], cz + off[2]),
                  s=(1, 1, 0.85)), rings=5, segments=7, smooth=False, jitter=0.12, rng=rng)


def bush(mb: MeshBuilder, pos: Vec, rng: np.random.Generator, colour=mat.LEAF_DARK,
         size: float = 0.6, flowers=None) -> None:
    x, y, z = pos
    for _ in range(3):
        off = rng.normal(0, size * 0.3, 2)
        mb.sphere(size * rng.uniform(0.5, 0.8), mat.vary(colour, rng, 0.1),
                  xform((x + off[0], y + off[1], z + size * 0.3), s=(1, 1, 0.75)),
                  rings=4, segments=6, smooth=False, jitter=0.15, rng=rng)
    if flowers is not None:
        for _ in range(6):
            a = rng.uniform(0, 2 * np.pi)
            mb.sphere(0.06, flowers, xform((x + np.cos(a) * size * 0.6,
                      y + np.sin(a) * size * 0.6, z + size * rng.uniform(0.4, 0.8))),
                      rings=3, segments=4, smooth=False)


def rock(mb: MeshBuilder, pos: Vec, rng: np.random.Generator, size: float = 0.5,
         colour=mat.STONE, flat: float = 0.6) -> None:
    x, y, z = pos
    mb.sphere(size, mat.vary(colour, rng, 0.1), xform((x, y, z), h=rng.uniform(0, 360),
              s=(1.0, rng.uniform(0.7, 1.0), flat)), rings=4, segments=7, smooth=False,
              jitter=0.2, rng=rng)


def log(mb: MeshBuilder, pos: Vec, heading: float, length: float = 1.6,
        radius: float = 0.14, colour=mat.WOOD, end_colour=mat.WOOD_LIGHT) -> None:
    """A log lying on the ground across ``heading`` (its axis is the heading direction)."""
    x, y, z = pos
    m = xform((x, y, z + radius), h=heading, p=90) @ xform((0, 0, -length / 2))
    mb.cylinder(radius, length, colour, m, segments=8, caps=False)
    for end in (0.0, length):
        mb.cylinder(radius * 0.92, 0.02, end_colour, m @ xform((0, 0, end - 0.01)), segments=8)


def bench(mb: MeshBuilder, pos: Vec, heading: float, wood=mat.WOOD, frame=mat.WOOD_DARK,
          width: float = 1.6) -> None:
    """Park bench: slatted seat and back on two side frames, facing -y rotated by heading."""
    base = xform(pos, h=heading)
    for sx in (-width / 2 + 0.1, width / 2 - 0.1):
        mb.box((0.06, 0.45, 0.45), frame, base @ xform((sx, 0, 0)), base=True)
        mb.box((0.06, 0.06, 0.5), frame, base @ xform((sx, 0.2, 0.45)), base=True)
    for i in range(3):
        mb.box((width, 0.12, 0.04), mat.shade(wood, 1 - 0.05 * i),
               base @ xform((0, -0.15 + i * 0.15, 0.46)))
    for i in range(2):
        mb.box((width, 0.03, 0.1), wood, base @ xform((0, 0.23, 0.62 + i * 0.15), p=-10))


def fruit(mb: MeshBuilder, pos: Vec, colour, radius: float = 0.07,
          leaf=mat.LEAF) -> None:
    """An apple-like fruit with a stem and a leaf, centred at ``pos``."""
    x, y, z = pos
    mb.sphere(radius, colour, xform((x, y, z), s=(1, 1, 0.9)), rings=5, segments=8)
    mb.cylinder(radius * 0.08, radius * 0.6, mat.BARK, xform((x, y, z + radius * 0.8)),
                segments=4, caps=False)
    mb.box((radius * 0.7, radius * 0.3, 0.01), leaf,
           xform((x + radius * 0.35, y, z + radius * 1.1), h=20, r=-25))


def flowers(mb: MeshBuilder, centre: Vec, rng: np.random.Generator, colours,
            count: int = 12, spread: float = 0.8) -> None:
    x, y, z = centre
    for _ in range(count):
        px, py = x + rng.normal(0, spread), y + rng.normal(0, spread)
        hgt = rng.uniform(0.1, 0.22)
        mb.sphere(0.09, mat.vary(mat.LEAF, rng, 0.1), xform((px, py, z), s=(1, 1, 0.6)),
                  rings=2, segments=5, smooth=False)
        mb.sphere(0.05, colours[int(rng.integers(len(colours)))], xform((px, py, z + hgt)),
                  rings=2, segments=5, smooth=False)


def basket(mb: MeshBuilder, pos: Vec, colour=mat.WICKER, radius: float = 0.25,
           height: float = 0.22, handle: bool = True) -> None:
    x, y, z = pos
    mb.cylinder(radius * 0.8, height, colour, xform((x, y, z)), segments=10,
                top_radius=radius, caps=False)
    mb.cylinder(radius * 0.8, 0.01, mat.shade(colour, 0.7), xform((x, y, z + 0.01)), segments=10)
    mb.cylinder(radius * 1.02, 0.035, mat.shade(colour, 0.85), xform((x, y, z + height)),
                segments=10, caps=False)
    for k in range(4):
        mb.cylinder(radius * 0.9 + 0.005, 0.012, mat.shade(colour, 0.8),
                    xform((x, y, z + height * (0.2 + 0.2 * k))), segments=10, caps=False)
    if handle:
        n = 9
        seg = np.pi * radius * 0.95 / n * 1.15
        for i in range(n):
            a = np.pi * (i + 0.5) / n
            mb.box((seg, 0.03, 0.025), mat.shade(colour, 0.85),
                   xform((x + np.cos(a) * radius * 0.95, y, z + height + np.sin(a) * radius * 0.95),
                         r=-(np.degrees(a) + 90)))


def water(mb: MeshBuilder, x_range, y_range, step: float, colour, rng: np.random.Generator,
          z: float = 0.0) -> None:
    """Flat water surface with streaks of lighter and darker blue."""
    xs = np.arange(x_range[0], x_range[1] + step / 2, step)
    ys = np.arange(y_range[0], y_range[1] + step / 2, step)
    gx, gy = np.meshgrid(xs, ys)
    t = noise2(gx * 0.4, gy * 2.0, rng, scale=0.3)[..., None]
    c = np.asarray(colour) * (1 + 0.12 * t)
    c[..., 3] = 1.0
    mb.grid(xs, ys, np.full(gx.shape, z), np.clip(c, 0, 1))


def cloud(mb: MeshBuilder, pos: Vec, rng: np.random.Generator, size: float = 8.0,
          colour=mat.WHITE) -> None:
    x, y, z = pos
    for _ in range(5):
        off = rng.normal(0, size * 0.4, 3) * [1.4, 0.6, 0.15]
        mb.sphere(size * rng.uniform(0.35, 0.6), colour,
                  xform((x + off[0], y + off[1], z + off[2]), s=(1.3, 1, 0.5)),
                  rings=4, segments=8)

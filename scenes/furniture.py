"""Indoor props built into a MeshBuilder: floors, walls, windows, counters, shelves, chairs,
sofa, rug, lamps, tables, jars, pot plants. Positions in metres, +z up; ``heading`` in degrees
turns a piece about its own origin (pieces face -y at heading 0, towards a camera in front).
"""
from __future__ import annotations

import numpy as np

from scenes import materials as mat
from scenes.mesh import MeshBuilder, xform

Vec = tuple[float, float, float]


def tiled_floor(mb: MeshBuilder, x_range, y_range, tile: float, colour_a, colour_b,
                rng: np.random.Generator, jitter: float = 0.04) -> None:
    """A floor of separate tiles/planks in two alternating colours with small variation."""
    xs = np.arange(x_range[0], x_range[1], tile)
    ys = np.arange(y_range[0], y_range[1], tile)
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            c = colour_a if (i + j) % 2 == 0 else colour_b
            mb.quad((tile, tile), mat.vary(c, rng, jitter), xform((x + tile / 2, y + tile / 2, 0)))


def plank_floor(mb: MeshBuilder, x_range, y_range, width: float, colour,
                rng: np.random.Generator) -> None:
    """Wooden planks running along y, staggered, each a slightly different shade."""
    x = x_range[0]
    while x < x_range[1] - 1e-6:
        y = y_range[0] - rng.uniform(0, 1.5)
        while y < y_range[1]:
            length = rng.uniform(1.2, 2.4)
            y0, y1 = max(y, y_range[0]), min(y + length, y_range[1])
            mb.quad((width * 0.985, y1 - y0 - 0.01), mat.vary(colour, rng, 0.07),
                    xform((x + width / 2, (y0 + y1) / 2, 0)))
            y += length
        x += width


def wall(mb: MeshBuilder, start: tuple[float, float], end: tuple[float, float],
         height: float, colour, inside: tuple[float, float], skirting=mat.WHITE) -> None:
    """A one-sided wall from ``start`` to ``end`` facing the point ``inside``: seen from
    outside the room it is culled, so a camera pulled back through it still sees in."""
    (x0, y0), (x1, y1) = start, end
    length = float(np.hypot(x1 - x0, y1 - y0))
    h = float(np.degrees(np.arctan2(y1 - y0, x1 - x0)))
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    # the quad faces +z; pitch it up to face -y, then turn it so it faces the inside
    nx, ny = -np.sin(np.radians(h)), np.cos(np.radians(h))  # +y of the wall's frame
    facing = h if (inside[0] - mx) * nx + (inside[1] - my) * ny < 0 else h + 180
    m = xform((mx, my, 0), h=facing)
    mb.quad((length, height), colour, m @ xform((0, 0, height / 2), p=90))
    mb.quad((length, 0.1), skirting, m @ xform((0, -0.015, 0.05), p=90))


def window(mb: MeshBuilder, centre: Vec, heading: float, width: float, height: float,
           frame=mat.WHITE, glass_top=(0.62, 0.78, 0.93, 1), glass_bottom=(0.86, 0.92, 0.95, 1),
           view=None) -> None:
    """A window on a wall facing -y: bright sky glass (gradient), frame, sill, cross bars;
    ``view`` (a colour) paints green hills in the lower part."""
    m = xform(centre, h=heading)
    w2, h2 = width / 2, height / 2
    v = np.array([[-w2, -0.07, -h2], [w2, -0.07, -h2], [w2, -0.07, h2], [-w2, -0.07, h2]])
    cols = [glass_bottom, glass_bottom, glass_top, glass_top]
    mb.add(v, [[0, -1, 0]] * 4, cols, [[0, 1, 2], [0, 2, 3]], m)
    if view is not None:
        xs = np.linspace(-w2, w2, 9)
        top = -h2 + height * (0.22 + 0.08 * np.sin(xs * 4.0 + 1.0))
        hv = np.concatenate([np.c_[xs, np.full(9, -0.075), np.full(9, -h2)],
                             np.c_[xs, np.full(9, -0.075), top]])
        i = np.arange(8)
        mb.add(hv, [[0, -1, 0]] * 18, view, np.concatenate(
            [np.stack([i, i + 1, i + 10], -1), np.stack([i, i + 10, i + 9], -1)]), m)
    t = 0.07
    for sx in (-w2, w2):
        mb.box((t, 0.1, height + t), frame, m @ xform((sx, -0.08, 0)))
    for sz in (-h2, h2):
        mb.box((width + t, 0.1, t), frame, m @ xform((0, -0.08, sz)))
    mb.box((t * 0.6, 0.08, height), frame, m @ xform((0, -0.09, 0)))
    mb.box((width, 0.08, t * 0.6), frame, m @ xform((0, -0.09, h2 * 0.1)))
    mb.box((width + 0.2, 0.22, 0.05), frame, m @ xform((0, -0.15, -h2 - 0.03)))


def curtains(mb: MeshBuilder, centre: Vec, heading: float, width: float, height: float,
             colour) -> None:
    m = xform(centre, h=heading)
    for sx in (-1, 1):
        for k in range(4):
            mb.box((0.09, 0.06, height), mat.shade(colour, 1 - 0.06 * (k % 2)),
                   m @ xform((sx * (width / 2 + 0.05 + k * 0.08), -0.16, 0)))
    mb.cylinder(0.02, width + 0.9, mat.WOOD_DARK,
                m @ xform((-(width + 0.9) / 2, -0.16, height / 2 + 0.05), r=90), segments=6)


def counter(mb: MeshBuilder, x_range, y_back: float, depth: float, height: float,
            body, top, handle=mat.METAL) -> None:
    """Kitchen base cabinets along a back wall (their fronts face -y) with a worktop."""
    x0, x1 = x_range
    yc = y_back - depth / 2
    mb.box((x1 - x0, depth - 0.04, height - 0.04), body, xform(((x0 + x1) / 2, yc + 0.02, 0)),
           base=True)
    mb.box((x1 - x0 + 0.04, depth + 0.03, 0.04), top, xform(((x0 + x1) / 2, yc, height - 0.04)),
           base=True)
    n = max(1, int(round((x1 - x0) / 0.6)))
    w = (x1 - x0) / n
    for i in range(n):
        cx = x0 + w * (i + 0.5)
        mb.box((w - 0.03, 0.02, height - 0.16), mat.shade(body, 1.05),
               xform((cx, y_back - depth - 0.005, 0.1)), base=True)
        mb.box((0.12, 0.03, 0.02), handle, xform((cx, y_back - depth - 0.025, height - 0.15)))


def shelf_board(mb: MeshBuilder, width: float, depth: float, colour, brackets=mat.METAL) -> None:
    """One wall shelf: a board centred at the origin (front edge at -depth/2), two brackets."""
    mb.box((width, depth, 0.03), colour, xform((0, 0, -0.015)))
    for sx in (-width / 2 + 0.12, width / 2 - 0.12):
        mb.box((0.02, depth * 0.8, 0.16), brackets, xform((sx, depth * 0.1, -0.11)))


def jar(mb: MeshBuilder, pos: Vec, colour, lid, radius: float = 0.06,
        height: float = 0.16) -> None:
    x, y, z = pos
    mb.cylinder(radius, height, colour, xform((x, y, z)), segments=10, smooth=True)
    mb.cylinder(radius * 1.05, 0.03, lid, xform((x, y, z + height)), segments=10)


def cup(mb: MeshBuilder, pos: Vec, colour) -> None:
    x, y, z = pos
    mb.cylinder(0.045, 0.09, colour, xform((x, y, z)), segments=10, top_radius=0.05,
                smooth=True)
    mb.box((0.015, 0.04, 0.05), colour, xform((x + 0.055, y, z + 0.045)))


def pot_plant(mb: MeshBuilder, pos: Vec, rng: np.random.Generator, pot=(0.75, 0.42, 0.3, 1),
              leaf=mat.LEAF, size: float = 0.3) -> None:
    x, y, z = pos
    mb.cylinder(size * 0.35, size * 0.6, pot, xform((x, y, z)), segments=8,
                top_radius=size * 0.45)
    for _ in range(7):
        a, tilt = rng.uniform(0, 360), rng.uniform(15, 55)
        mb.box((size * 0.16, 0.01, size * 1.2), mat.vary(leaf, rng, 0.12),
               xform((x, y, z + size * 0.55), h=a, p=0, r=tilt) @ xform((0, 0, size * 0.55)))


def chair(mb: MeshBuilder, pos: Vec, heading: float, wood, fabric,
          seat_height: float = 0.46) -> None:
    """A dining/kitchen chair with a cushion; the sitter faces -y at heading 0."""
    m = xform(pos, h=heading)
    for sx in (-0.21, 0.21):
        for sy in (-0.2, 0.2):
            mb.box((0.04, 0.04, seat_height), wood, m @ xform((sx, sy, 0)), base=True)
    mb.box((0.48, 0.46, 0.04), wood, m @ xform((0, 0, seat_height - 0.04)), base=True)
    mb.box((0.44, 0.42, 0.05), fabric, m @ xform((0, -0.01, seat_height)), base=True)
    for sx in (-0.21, 0.21):
        mb.box((0.04, 0.04, 0.5), wood, m @ xform((sx, 0.21, seat_height)), base=True)
    for k in range(3):
        mb.box((0.44, 0.03, 0.06), wood, m @ xform((0, 0.21, seat_height + 0.18 + k * 0.13)))


def armchair(mb: MeshBuilder, pos: Vec, heading: float, fabric, legs=mat.WOOD_DARK,
             seat_height: float = 0.46) -> None:
    m = xform(pos, h=heading)
    for sx in (-0.33, 0.33):
        for sy in (-0.3, 0.3):
            mb.box((0.05, 0.05, 0.12), legs, m @ xform((sx, sy, 0)), base=True)
    mb.box((0.78, 0.72, seat_height - 0.22), fabric, m @ xform((0, 0, 0.12)), base=True)
    mb.box((0.56, 0.6, 0.12), mat.shade(fabric, 1.1), m @ xform((0, -0.04, seat_height - 0.1)),
           base=True)
    mb.box((0.78, 0.18, 0.5), fabric, m @ xform((0, 0.3, seat_height - 0.1)), base=True)
    for sx in (-0.34, 0.34):
        mb.box((0.12, 0.72, 0.22), mat.shade(fabric, 0.95), m @ xform((sx, 0, seat_height - 0.1)),
               base=True)


def sofa(mb: MeshBuilder, pos: Vec, heading: float, fabric, cushion, legs=mat.WOOD_DARK,
         width: float = 2.0) -> None:
    m = xform(pos, h=heading)
    w2 = width / 2
    for sx in (-w2 + 0.08, w2 - 0.08):
        for sy in (-0.35, 0.35):
            mb.box((0.06, 0.06, 0.1), legs, m @ xform((sx, sy, 0)), base=True)
    mb.box((width, 0.85, 0.28), fabric, m @ xform((0, 0, 0.1)), base=True)
    mb.box((width, 0.22, 0.5), fabric, m @ xform((0, 0.32, 0.38)), base=True)
    for sx in (-w2 + 0.1, w2 - 0.1):
        mb.box((0.2, 0.85, 0.3), mat.shade(fabric, 0.95), m @ xform((sx, 0, 0.38)), base=True)
    n = 3
    cw = (width - 0.4) / n
    for i in range(n):
        cx = -w2 + 0.2 + cw * (i + 0.5)
        mb.box((cw - 0.03, 0.62, 0.12), mat.shade(fabric, 1.1), m @ xform((cx, -0.08, 0.38)),
               base=True)
    for sx, c in ((-w2 + 0.45, cushion), (w2 - 0.45, mat.shade(cushion, 0.9))):
        mb.box((0.4, 0.12, 0.38), c, m @ xform((sx, 0.16, 0.5), p=-12), base=True)


def rug(mb: MeshBuilder, centre: Vec, size, colours) -> None:
    """A layered rectangular rug: each colour a smaller border inside the previous."""
    x, y, z = centre
    sx, sy = size
    for k, c in enumerate(colours):
        inset = 0.12 * k
        mb.quad((sx - 2 * inset, sy - 2 * inset), c, xform((x, y, z + 0.004 * (k + 1))))


def floor_lamp(mb: MeshBuilder, pos: Vec, shade_colour, stand=mat.WOOD_DARK) -> None:
    x, y, z = pos
    mb.cylinder(0.16, 0.03, stand, xform((x, y, z)), segments=10)
    mb.cylinder(0.015, 1.45, stand, xform((x, y, z)), segments=5, caps=False)
    mb.cylinder(0.24, 0.3, shade_colour, xform((x, y, z + 1.35)), segments=12, top_radius=0.15)


def table(mb: MeshBuilder, pos: Vec, size, colour, legs=None) -> None:
    x, y, z = pos
    sx, sy, h = size
    legs = legs or mat.shade(colour, 0.8)
    for dx in (-sx / 2 + 0.05, sx / 2 - 0.05):
        for dy in (-sy / 2 + 0.05, sy / 2 - 0.05):
            mb.box((0.05, 0.05, h - 0.04), legs, xform((x + dx, y + dy, z)), base=True)
    mb.box((sx, sy, 0.04), colour, xform((x, y, z + h - 0.04)), base=True)


def bookcase(mb: MeshBuilder, pos: Vec, heading: float, wood, rng: np.random.Generator,
             book_colours, width: float = 0.9, height: float = 1.8) -> None:
    m = xform(pos, h=heading)
    mb.box((width, 0.3, height), wood, m @ xform((0, 0.02, 0)), base=True)
    rows = 4
    for r in range(rows):
        z0 = 0.08 + r * (height - 0.1) / rows
        mb.box((width - 0.06, 0.02, (height - 0.1) / rows - 0.04), mat.shade(wood, 0.6),
               m @ xform((0, -0.12, z0)), base=True)
        x = -width / 2 + 0.06
        while x < width / 2 - 0.12:
            bw = rng.uniform(0.03, 0.06)
            bh = rng.uniform(0.18, 0.3)
            c = book_colours[int(rng.integers(len(book_colours)))]
            mb.box((bw, 0.2, bh), mat.vary(c, rng), m @ xform((x + bw / 2, -0.15, z0)), base=True)
            x += bw + 0.004


def picture(mb: MeshBuilder, centre: Vec, heading: float, size, frame, colours) -> None:
    """A framed picture on a wall facing -y: a simple landscape in horizontal bands."""
    m = xform(centre, h=heading)
    w, h = size
    mb.box((w + 0.06, 0.03, h + 0.06), frame, m)
    n = len(colours)
    for i, c in enumerate(colours):
        mb.box((w, 0.01, h / n), c, m @ xform((0, -0.02, -h / 2 + h / n * (i + 0.5))))

"""Living room: sit to stand from a sturdy chair, and seated exercises.

The patient's chair stands on a rug in the middle of a warm room (sofa, window with
curtains, floor lamp, bookcase, plants). A string of fairy lights hangs along the back
wall: every RepCompleted lights the next bulb; SetCompleted makes the whole string glow.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Any

import numpy as np
from panda3d.core import NodePath, Point3

from scenes import furniture as fur
from scenes import materials as mat
from scenes.base import Scene
from scenes.mesh import MeshBuilder, xform
from scenes.settings import Schema


class LivingRoom(Scene):
    name = "living_room"
    title = "Living room"
    hosts = ("sit to stand", "seated knee extension", "seated marching", "seated arm raises")
    SCHEMA = Schema(
        palette=("wall", "wall_accent", "floor", "rug_a", "rug_b", "rug_c", "sofa", "cushion",
                 "chair_wood", "chair_seat", "curtain", "lamp_shade", "wood", "plant",
                 "bulb_off", "bulb_on", "window_view", "book_a", "book_b", "book_c"),
        counts=MappingProxyType({"bulbs": (3, 30)}),
        layout=MappingProxyType({"room_width": (4.0, 9.0), "room_depth": (3.0, 8.0),
                                 "wall_height": (2.2, 3.5), "seat_height": (0.38, 0.6)}))

    def __init__(self, parent: NodePath, settings=None, rng_seed: int = 0) -> None:
        super().__init__(parent, settings, rng_seed)
        self.bulbs: list[NodePath] = []
        self.lit = 0
        self.glow = 0.0
        self._clock = 0.0

    def _build_static(self, node: NodePath) -> None:
        pal, lay = self.settings.palette, self.settings.layout
        rng = np.random.default_rng(self.rng_seed)
        w2, depth, hgt = lay["room_width"] / 2, lay["room_depth"], lay["wall_height"]
        back = depth * 0.45
        mb = MeshBuilder()
        fur.plank_floor(mb, (-w2, w2), (-depth, back), 0.2, pal["floor"], rng)
        fur.wall(mb, (-w2, back), (w2, back), hgt, pal["wall"], inside=(0, 0))
        for sx in (-w2, w2):
            fur.wall(mb, (sx, -depth), (sx, back), hgt, pal["wall_accent"], inside=(0, 0))
        fur.window(mb, (0.2, back, 1.4), 0, 1.6, 1.2, view=pal["window_view"])
        fur.curtains(mb, (0.2, back, 1.38), 0, 1.6, 1.45, pal["curtain"])
        fur.rug(mb, (0, -0.1, 0), (2.4, 1.8), (pal["rug_a"], pal["rug_b"], pal["rug_c"],
                                                pal["rug_b"]))
        fur.chair(mb, (0, -0.3, 0), 180, pal["chair_wood"], pal["chair_seat"],
                  seat_height=lay["seat_height"])
        fur.sofa(mb, (-w2 + 0.55, -0.5, 0), 90, pal["sofa"], pal["cushion"], width=2.0)
        fur.table(mb, (-w2 + 1.6, -0.5, 0), (0.55, 1.0, 0.42), pal["wood"])
        fur.cup(mb, (-w2 + 1.55, -0.35, 0.42), mat.WHITE)
        fur.jar(mb, (-w2 + 1.65, -0.75, 0.42), (0.55, 0.7, 0.85, 1), mat.WHITE, 0.05, 0.18)
        fur.floor_lamp(mb, (-w2 + 0.35, back - 0.4, 0), pal["lamp_shade"])
        fur.bookcase(mb, (w2 - 0.6, back - 0.2, 0), 0, pal["wood"], rng,
                     (pal["book_a"], pal["book_b"], pal["book_c"], mat.WHITE), width=0.9)
        fur.armchair(mb, (w2 - 0.75, -1.1, 0), -90, pal["sofa"])
        fur.pot_plant(mb, (-1.0, back - 0.3, 0), rng, leaf=pal["plant"], size=0.6)
        fur.pot_plant(mb, (w2 - 0.35, -0.15, 0), rng, leaf=pal["plant"], size=0.45)
        fur.picture(mb, (-w2 + 0.06, -0.5, 1.55), 90, (0.9, 0.6), pal["wood"],
                    ((0.45, 0.62, 0.38, 1), (0.62, 0.78, 0.88, 1), (0.85, 0.9, 0.95, 1)))
        fur.picture(mb, (1.6, back - 0.06, 1.65), 0, (0.45, 0.55), pal["wood"],
                    ((0.85, 0.7, 0.45, 1), (0.9, 0.55, 0.45, 1), (0.5, 0.35, 0.5, 1)))
        # the cord of the fairy lights, sagging between hooks along the back wall
        n = self.settings.counts["bulbs"]
        for x0, x1, z0, z1 in self._cord_segments(n):
            length = float(np.hypot(x1 - x0, z1 - z0))
            ang = float(np.degrees(np.arctan2(z1 - z0, x1 - x0)))
            mb.box((length, 0.01, 0.01), mat.shade(pal["wood"], 0.4),
                   xform(((x0 + x1) / 2, back - 0.08, (z0 + z1) / 2), r=-ang))
        node.attachNewNode(mb.node("living-room"))

    def _bulb_points(self, n: int) -> list[tuple[float, float]]:
        lay = self.settings.layout
        w2, hgt = lay["room_width"] / 2, lay["wall_height"]
        xs = np.linspace(-w2 + 0.3, w2 - 0.3, n)
        top = hgt - 0.2
        # three sagging swags across the wall
        phase = (xs - xs[0]) / (xs[-1] - xs[0]) * 3.0
        zs = top - 0.22 * np.sin(np.pi * (phase % 1.0))
        return list(zip(xs.tolist(), zs.tolist()))

    def _cord_segments(self, n: int):
        pts = self._bulb_points(n * 4)
        return [(pts[i][0], pts[i + 1][0], pts[i][1] + 0.04, pts[i + 1][1] + 0.04)
                for i in range(len(pts) - 1)]

    def _build_dynamic(self, node: NodePath) -> None:
        pal, lay = self.settings.palette, self.settings.layout
        back = lay["room_depth"] * 0.45
        n = self.settings.counts["bulbs"]
        pts = self._bulb_points(n * 4)[1::4][:n]
        for i, (x, z) in enumerate(pts):
            bm = MeshBuilder()
            bm.sphere(0.045, mat.WHITE, xform((0, 0, -0.02), s=(1, 1, 1.3)), rings=4,
                      segments=6)
            bulb = node.attachNewNode(bm.node(f"bulb-{i}"))
            bulb.setPos(x, back - 0.1, z)
            bulb.setLightOff(1)
            self.bulbs.append(bulb)
        self._paint_bulbs()

    def _paint_bulbs(self) -> None:
        pal = self.settings.palette
        on, off = pal["bulb_on"], pal["bulb_off"]
        for i, bulb in enumerate(self.bulbs):
            if i < self.lit:
                k = 1.0 + 0.25 * self.glow
                bulb.setColorScale(min(1, on[0] * k), min(1, on[1] * k), min(1, on[2] * k), 1)
                bulb.setScale(1.0 + 0.3 * self.glow)
            else:
                bulb.setColorScale(*off)
                bulb.setScale(1.0)

    def _on_rep(self, event: Any) -> None:
        self.lit = min(len(self.bulbs), self.lit + 1)
        self._paint_bulbs()

    def _on_set_completed(self, event: Any) -> None:
        self.glow = 1.0

    def _update(self, dt: float) -> None:
        self._clock += dt
        self.glow = max(0.0, self.glow - dt / 3.0)
        self._paint_bulbs()
        if self.caution > 0 and self.lit < len(self.bulbs):
            self.bulbs[self.lit].setColorScale(*mat.CAUTION)

    def avatar_anchor(self) -> tuple[Point3, float]:
        """In front of the chair's seat, facing the window (+y) like every scene's avatar,
        seen from behind: sit back and the seat is there."""
        return Point3(0, -0.1, 0), 0.0

    def seat(self) -> Point3:
        """The top of the seat cushion (for an avatar's sitting pose)."""
        return Point3(0, -0.31, self.settings.layout["seat_height"] + 0.05)

    def camera_pose(self) -> tuple[Point3, Point3]:
        return Point3(1.7, -2.7, 1.65), Point3(-0.2, 0.4, 0.95)

    def progress(self) -> float:
        return self.lit / max(1, len(self.bulbs))

"""Orchard: reach overhead to pick fruit hanging at the patient's reach; squat to gather
windfalls. Every RepCompleted puts the next fruit into the crate.

The patient stands at the origin facing +y under an apple tree whose lowest fruit hangs at
``Reach.overhead``; the windfalls lie on a sawn stump in front of the feet whose top is at
``Reach.low`` (on the grass when that is near the floor). Which fruit a rep takes depends on
the exercise (ids with "squat", "sit", "lunge", "bend" gather from the ground).
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Any

import numpy as np
from panda3d.core import NodePath, Point3

from scenes import materials as mat
from scenes import props
from scenes.base import Scene
from scenes.mesh import MeshBuilder, xform
from scenes.motion import Flight, Flights
from scenes.settings import Schema

GROUND_KEYWORDS = ("squat", "sit", "lunge", "bend", "deadlift", "pick_up")


class Orchard(Scene):
    name = "orchard"
    title = "Orchard"
    hosts = ("overhead reach", "shoulder flexion", "squats")
    SCHEMA = Schema(
        palette=("grass_a", "grass_b", "mown", "leaf", "leaf_dark", "bark", "fruit",
                 "fruit_ripe", "fruit_alt", "crate", "fence", "hill", "barn", "roof",
                 "flower"),
        counts=MappingProxyType({"tree_rows": (1, 8), "trees_per_row": (2, 20),
                                 "hanging_fruit": (1, 12), "ground_fruit": (1, 12),
                                 "clouds": (0, 20)}),
        layout=MappingProxyType({"row_spacing": (3.0, 10.0), "tree_spacing": (2.5, 8.0),
                                 "hero_tree_distance": (0.6, 2.0)}))

    def __init__(self, parent: NodePath, settings=None, rng_seed: int = 0) -> None:
        super().__init__(parent, settings, rng_seed)
        self.hanging: list[NodePath] = []
        self.windfalls: list[NodePath] = []
        self.in_crate: list[NodePath] = []
        self.flights = Flights()
        self._clock = 0.0

    def _build_static(self, node: NodePath) -> None:
        pal, cnt, lay = self.settings.palette, self.settings.counts, self.settings.layout
        rng = np.random.default_rng(self.rng_seed)
        mb = MeshBuilder()
        rs, ts = lay["row_spacing"], lay["tree_spacing"]
        rows = cnt["tree_rows"]
        xs_rows = [(i - (rows - 1) / 2) * rs for i in range(rows)]

        def mown(gx, gy, c):  # lighter mown strips between the rows
            d = np.min([np.abs(gx - (x + rs / 2)) for x in xs_rows], axis=0)
            t = np.clip(1 - d / 0.9, 0, 1)[..., None] * 0.7
            return c * (1 - t) + np.asarray(pal["mown"]) * t

        props.ground(mb, (-40, 40), (-25, 60), 1.5, pal["grass_a"], pal["grass_b"], rng,
                     height_amp=0.25, colour_fn=mown)
        for i in range(16):
            ang = np.radians(i * 360 / 16 + rng.uniform(-8, 8))
            r = rng.uniform(90, 130)
            mb.sphere(rng.uniform(30, 48), mat.vary(pal["hill"], rng, 0.06),
                      xform((np.sin(ang) * r, 15 + np.cos(ang) * r, -12), s=(1.6, 1, 0.42)),
                      rings=5, segments=10)
        for x in xs_rows:
            for j in range(cnt["trees_per_row"]):
                y = 4.0 + j * ts + rng.uniform(-0.3, 0.3)
                if abs(x) < 2.5 and y < 5:
                    continue
                self._apple_tree(mb, (x + rng.uniform(-0.2, 0.2), y, 0), rng,
                                 rng.uniform(2.6, 3.4))
        # a fence along the back and a red barn beyond it
        fy = 4.0 + cnt["trees_per_row"] * ts + 2.0
        for x in np.arange(-24, 24.1, 2.0):
            mb.box((0.1, 0.1, 1.0), pal["fence"], xform((x, fy, 0)), base=True)
        for z in (0.45, 0.85):
            mb.box((48, 0.05, 0.1), pal["fence"], xform((0, fy - 0.06, z)))
        bx, by = 9.0, fy + 8.0
        mb.box((7, 5, 3.2), pal["barn"], xform((bx, by, 0)), base=True)
        roof = np.array([[-3.8, -2.8, 3.2], [3.8, -2.8, 3.2], [3.8, 2.8, 3.2], [-3.8, 2.8, 3.2],
                         [-3.8, 0, 5.2], [3.8, 0, 5.2]])
        mb.add_flat(roof, [[0, 1, 5], [0, 5, 4], [3, 4, 5], [3, 5, 2]], pal["roof"],
                    xform((bx, by, 0)))
        mb.add_flat(np.array([[-3.5, -2.5, 3.2], [-3.5, 2.5, 3.2], [-3.5, 0, 5.0]]),
                    [[0, 1, 2]], pal["barn"], xform((bx, by, 0)))
        mb.add_flat(np.array([[3.5, -2.5, 3.2], [3.5, 2.5, 3.2], [3.5, 0, 5.0]]),
                    [[0, 2, 1]], pal["barn"], xform((bx, by, 0)))
        mb.box((1.6, 0.05, 2.2), mat.WHITE, xform((bx, by - 2.52, 0)), base=True)
        # the crate the fruit goes into, with a second full one and a ladder beside it
        for cx, full in ((1.05, False), (1.55, True)):
            self._crate(mb, (cx, -0.1, 0), pal["crate"], full, rng)
        ladder = xform((-3.4, 3.3, 0), h=25) @ xform((0, 0, 0), p=-15)
        for sx in (-0.2, 0.2):
            mb.box((0.05, 0.05, 2.7), mat.WOOD_LIGHT, ladder @ xform((sx, 0, 0)), base=True)
        for k in range(8):
            mb.box((0.4, 0.04, 0.04), mat.WOOD_LIGHT, ladder @ xform((0, 0, 0.3 * (k + 0.6))))
        for _ in range(10):
            props.flowers(mb, (rng.uniform(-10, 10), rng.uniform(-4, 20), 0), rng,
                          (pal["flower"], mat.WHITE), count=8, spread=0.6)
        for i in range(cnt["clouds"]):
            ang = rng.uniform(-70, 70)
            props.cloud(mb, (np.sin(np.radians(ang)) * 200, 20 + np.cos(np.radians(ang)) * 200,
                             rng.uniform(60, 110)), rng, size=rng.uniform(10, 18))
        node.attachNewNode(mb.node("orchard"))

    def _apple_tree(self, mb: MeshBuilder, pos, rng, height: float,
                    crown_base: float | None = None) -> None:
        pal = self.settings.palette
        x, y, z = pos
        base = crown_base if crown_base is not None else height * 0.5
        trunk_bottom = z if crown_base is None else z - 3.0
        mb.cylinder(0.12, base + 0.4 + (z - trunk_bottom), mat.vary(pal["bark"], rng),
                    xform((x, y, trunk_bottom)), segments=7, top_radius=0.08)
        r = height * 0.38
        for _ in range(5):
            off = rng.normal(0, r * 0.35, 3) * [1.2, 1.2, 0.5]
            mb.sphere(r * rng.uniform(0.65, 0.9), mat.vary(pal["leaf"], rng, 0.1),
                      xform((x + off[0], y + off[1], z + base + r * 0.75 + off[2]),
                            s=(1, 1, 0.8)), rings=4, segments=7, smooth=False, jitter=0.1,
                      rng=rng)
        for _ in range(10):
            a, e = rng.uniform(0, 2 * np.pi), rng.uniform(-0.3, 0.9)
            fx = x + np.cos(a) * np.cos(e) * r * 1.05
            fy = y + np.sin(a) * np.cos(e) * r * 1.05
            fz = z + base + r * 0.75 + np.sin(e) * r * 0.85
            mb.sphere(0.08, pal["fruit"] if rng.random() < 0.8 else pal["fruit_alt"],
                      xform((fx, fy, fz)), rings=2, segments=5, smooth=False)

    def _crate(self, mb: MeshBuilder, pos, colour, full: bool, rng) -> None:
        x, y, z = pos
        w, d, h = 0.5, 0.36, 0.3
        mb.box((w, d, 0.02), colour, xform((x, y, z + 0.02)), base=True)
        for k in range(3):
            zz = z + 0.03 + k * 0.09
            for sy in (-d / 2, d / 2):
                mb.box((w, 0.02, 0.07), mat.shade(colour, 1 - 0.04 * k), xform((x, y + sy, zz)),
                       base=True)
            for sx in (-w / 2, w / 2):
                mb.box((0.02, d, 0.07), mat.shade(colour, 0.9), xform((x + sx, y, zz)), base=True)
        if full:
            for i in range(12):
                mb.sphere(0.06, self.settings.palette["fruit_ripe"],
                          xform((x + (i % 4 - 1.5) * 0.11, y + (i // 4 - 1) * 0.1, z + h - 0.04)),
                          rings=3, segments=6, smooth=False)

    def _build_dynamic(self, node: NodePath) -> None:
        pal, cnt = self.settings.palette, self.settings.counts
        rng = np.random.default_rng(self.rng_seed + 7)
        mb = MeshBuilder()  # the tree the patient stands under: its crown follows the reach
        self._apple_tree(mb, (0, 0, 0), rng, 2.5, crown_base=0.0)
        self.hero = node.attachNewNode(mb.node("hero-tree"))
        for i in range(cnt["hanging_fruit"]):
            fm = MeshBuilder()
            props.fruit(fm, (0, 0, 0), pal["fruit_ripe"], 0.075, pal["leaf"])
            fruit = node.attachNewNode(fm.node(f"fruit-{i}"))
            sm = MeshBuilder()  # the twig it hangs from, left on the tree when picked
            sm.cylinder(0.008, 0.45, mat.BARK, xform((0, 0, 0.06)), segments=3, caps=False)
            fruit.attachNewNode(sm.node("stem"))
            self.hanging.append(fruit)
        sm = MeshBuilder()  # a sawn stump: windfalls rest on it at the patient's low reach
        sm.cylinder(0.38, 1.0, pal["bark"], segments=12, top_radius=0.34)
        sm.cylinder(0.33, 0.01, mat.WOOD_LIGHT, xform((0, 0, 1.0)), segments=12)
        sm.cylinder(0.22, 0.012, mat.shade(mat.WOOD_LIGHT, 0.85), xform((0, 0, 1.0)), segments=12)
        self.stump = node.attachNewNode(sm.node("stump"))
        self.stump.setPos(0, 0.62, 0)
        for i in range(cnt["ground_fruit"]):
            fm = MeshBuilder()
            props.fruit(fm, (0, 0, 0), pal["fruit_ripe"] if i % 3 else pal["fruit_alt"], 0.07,
                        pal["leaf"])
            f = node.attachNewNode(fm.node(f"windfall-{i}"))
            a = 2 * np.pi * i / cnt["ground_fruit"]
            f.setPos(np.cos(a) * 0.2, 0.62 + np.sin(a) * 0.16, 0.065)
            f.setH(rng.uniform(0, 360))
            self.windfalls.append(f)

    def _place_for_reach(self) -> None:
        lay = self.settings.layout
        top = float(np.clip(self.reach.overhead, 1.4, 2.5))
        ty = lay["hero_tree_distance"]
        self.hero.setPos(0.15, ty, top + 0.25)
        low = float(np.clip(self.reach.low - 0.08, 0.0, 1.0))  # top of the stump
        self.stump.setSz(max(low, 1e-3))
        (self.stump.show if low >= 0.03 else self.stump.hide)()
        for f in self.windfalls:
            if f not in self.in_crate:
                f.setZ(low + 0.065)
        n = len(self.hanging)
        for i, f in enumerate(self.hanging):
            if f in self.in_crate:
                continue
            x = (i - (n - 1) / 2) * min(0.22, 1.1 / max(n, 1))
            f.setPos(x, 0.38 + 0.1 * (i % 2), top - 0.04 * (i % 3))

    def gathering(self) -> bool:
        ex = self.exercise_id.lower()
        return any(k in ex for k in GROUND_KEYWORDS)

    def _next_fruit(self) -> NodePath | None:
        first, second = (self.windfalls, self.hanging) if self.gathering() else \
            (self.hanging, self.windfalls)
        for f in first + second:
            if f not in self.in_crate:
                return f
        return None

    def _on_rep(self, event: Any) -> None:
        f = self._next_fruit()
        if f is None:
            return
        k = len(self.in_crate)
        end = Point3(1.05 + ((k % 4) - 1.5) * 0.1, -0.1 + ((k // 4) % 3 - 1) * 0.1,
                     0.2 + 0.07 * (k // 12))
        self.in_crate.append(f)
        stem = f.find("stem")
        if not stem.isEmpty():
            stem.hide()
        self.flights.add(Flight(f, f.getPos(), end, duration=1.0, arc=0.4))

    def _update(self, dt: float) -> None:
        self._clock += dt
        self.flights.step(dt)
        target = self._next_fruit()
        for f in self.hanging + self.windfalls:
            f.clearColorScale()
        if target is not None:
            if self.caution > 0:
                target.setColorScale(1.3, 0.9, 0.5, 1)
            else:
                p = 1.15 + 0.2 * np.sin(self._clock * 4.0)
                target.setColorScale(p, p, p, 1)
        for i, f in enumerate(self.hanging):  # hanging fruit sways a little
            if f not in self.in_crate:
                f.setR(3.0 * np.sin(self._clock * 1.3 + i))

    def avatar_anchor(self) -> tuple[Point3, float]:
        return Point3(0, 0, 0), 0.0

    def camera_pose(self) -> tuple[Point3, Point3]:
        return Point3(-1.6, -3.4, 1.6), Point3(0.1, 0.5, 1.25)

    def progress(self) -> float:
        return len(self.in_crate) / max(1, len(self.hanging) + len(self.windfalls))

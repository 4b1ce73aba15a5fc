"""Park path: marching or stepping in place walks the patient along a winding path.

Every RepCompleted moves the walker ``step_length`` metres further (smoothly, in ``update``);
logs lie across the path to step over, trees and flower beds line it, and a bench waits at
the end to rest at. The camera follows behind the avatar.
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
from scenes.settings import Schema


class ParkPath(Scene):
    name = "park_path"
    title = "Park path"
    hosts = ("marching in place", "stepping in place", "step-ups", "knee raises")
    SCHEMA = Schema(
        palette=("grass_a", "grass_b", "path", "path_edge", "leaf", "leaf_dark", "bark",
                 "log", "bench", "rock", "flower_a", "flower_b", "flower_c", "hill", "water"),
        counts=MappingProxyType({"trees": (0, 120), "bushes": (0, 80), "rocks": (0, 60),
                                 "flower_beds": (0, 40), "logs": (0, 20), "clouds": (0, 20)}),
        layout=MappingProxyType({"path_length": (10.0, 200.0), "path_width": (1.0, 4.0),
                                 "path_wiggle": (0.0, 10.0), "step_length": (0.1, 2.0),
                                 "camera_back": (1.0, 10.0), "camera_height": (0.5, 5.0),
                                 "walk_speed": (0.2, 5.0)}))

    def __init__(self, parent: NodePath, settings=None, rng_seed: int = 0) -> None:
        super().__init__(parent, settings, rng_seed)
        lay = self.settings.layout
        self.length = lay["path_length"]
        ys = np.linspace(-10.0, self.length + 12.0, 600)
        xs = self._path_x(ys)
        seg = np.hypot(np.diff(xs), np.diff(ys))
        self._ys, self._xs = ys, xs
        self._arc = np.concatenate([[0.0], np.cumsum(seg)])
        self._arc -= np.interp(0.0, ys, self._arc)  # distance 0 at y = 0
        self.target = 0.0  #: metres walked, as the reps say
        self.walked = 0.0  #: metres shown, easing towards target

    def _path_x(self, y):
        w = self.settings.layout["path_wiggle"]
        return w * np.sin(np.asarray(y) * 2 * np.pi / 38.0) + 0.4 * w * np.sin(
            np.asarray(y) * 2 * np.pi / 17.0 + 1.0)

    def point_at(self, dist: float) -> tuple[float, float, float]:
        """Path point (x, y) and heading in degrees at ``dist`` metres along it."""
        y = float(np.interp(dist, self._arc, self._ys))
        x = float(self._path_x(y))
        dx = float(self._path_x(y + 0.5) - self._path_x(y - 0.5))
        heading = -np.degrees(np.arctan2(dx, 1.0))
        return x, y, heading

    def _in_pond(self, x: float, y: float) -> bool:
        px, py, _ = self.point_at(self.length * 0.3)
        return ((x - px - 7.0) / 6.0) ** 2 + ((y - py) / 4.5) ** 2 < 1.0

    def _off_path(self, x, y, margin: float) -> bool:
        return abs(x - float(self._path_x(y))) > self.settings.layout["path_width"] / 2 + margin

    def _build_static(self, node: NodePath) -> None:
        s, lay = self.settings, self.settings.layout
        rng = np.random.default_rng(self.rng_seed)
        pal = s.palette
        half = lay["path_width"] / 2
        mb = MeshBuilder()

        def path_colour(gx, gy, c):
            d = np.abs(gx - self._path_x(gy))
            t = np.clip((half + 0.25 - d) / 0.5, 0, 1)[..., None]
            edge = np.clip(1 - np.abs(d - half) / 0.35, 0, 1)[..., None] * 0.6
            c = c * (1 - edge) + np.asarray(pal["path_edge"]) * edge
            return c * (1 - t) + np.asarray(pal["path"]) * t

        def path_height(gx, gy, h):
            d = np.abs(gx - self._path_x(gy))
            return h * np.clip((d - half - 0.5) / 3.0, 0, 1) - 0.02

        props.ground(mb, (-45, 45), (-25, self.length + 40), 1.5, pal["grass_a"],
                     pal["grass_b"], rng, height_amp=0.5, height_fn=path_height,
                     colour_fn=path_colour)
        # rolling hills and a tree line far away give the place a horizon
        for i in range(14):
            ang = np.radians(i * 360 / 14 + rng.uniform(-8, 8))
            r = rng.uniform(90, 130)
            mb.sphere(rng.uniform(30, 50), mat.vary(pal["hill"], rng, 0.06),
                      xform((np.sin(ang) * r, self.length / 2 + np.cos(ang) * r, -12),
                            s=(1.6, 1, 0.45)), rings=5, segments=10)
        placed = 0
        while placed < s.counts["trees"]:
            if placed % 2:  # half the trees line the path, the rest dot the meadow
                d = rng.uniform(-12, self.length + 18)
                px, py, _ = self.point_at(d)
                x, y = px + rng.choice((-1, 1)) * rng.uniform(half + 2.0, half + 7.0), py
            else:
                x, y = rng.uniform(-32, 32), rng.uniform(-15, self.length + 30)
            if not self._off_path(x, y, 2.0) or self._in_pond(x, y):
                continue
            kind = "pine" if rng.random() < 0.3 else "round"
            props.tree(mb, (x, y, 0), rng, pal["leaf"] if kind == "round" else pal["leaf_dark"],
                       pal["bark"], height=rng.uniform(3.5, 6.5), kind=kind)
            placed += 1
        for k, (count, fn) in enumerate(((s.counts["bushes"], "bush"),
                                         (s.counts["rocks"], "rock"),
                                         (s.counts["flower_beds"], "flowers"))):
            done = 0
            while done < count:
                x, y = rng.uniform(-16, 16), rng.uniform(-8, self.length + 15)
                if not self._off_path(x, y, 0.6) or self._in_pond(x, y):
                    continue
                if fn == "bush":
                    fl = pal["flower_a"] if rng.random() < 0.4 else None
                    props.bush(mb, (x, y, 0), rng, pal["leaf_dark"], rng.uniform(0.4, 0.8), fl)
                elif fn == "rock":
                    props.rock(mb, (x, y, 0), rng, rng.uniform(0.2, 0.6), pal["rock"])
                else:
                    props.flowers(mb, (x, y, 0), rng, (pal["flower_a"], pal["flower_b"],
                                                       pal["flower_c"]), count=16, spread=0.7)
                done += 1
        self._path_ribbon(mb, rng)
        self._pond(mb, rng)
        n_logs = s.counts["logs"]
        for i in range(n_logs):
            x, y, hdg = self.point_at(self.length * (i + 1) / (n_logs + 1))
            props.log(mb, (x, y, -0.03), hdg + 90 + rng.uniform(-8, 8),
                      length=lay["path_width"] + 0.6, colour=pal["log"])
        # the resting bench at the end, facing back down the path, and one half way
        ex, ey, eh = self.point_at(self.length + 2.5)
        props.bench(mb, (ex, ey, 0), eh + 180, pal["bench"])
        mx, my, mh = self.point_at(self.length / 2)
        props.bench(mb, (mx + half + 1.2, my, 0), mh - 90, pal["bench"])
        for i in range(s.counts["clouds"]):
            ang = rng.uniform(-70, 70)
            props.cloud(mb, (np.sin(np.radians(ang)) * 200, self.length / 2
                             + np.cos(np.radians(ang)) * 200, rng.uniform(60, 110)), rng,
                        size=rng.uniform(10, 18))
        node.attachNewNode(mb.node("park"))

    def _path_ribbon(self, mb: MeshBuilder, rng: np.random.Generator) -> None:
        """The gravel path as a crisp strip just above the ground, with a darker verge."""
        pal, half = self.settings.palette, self.settings.layout["path_width"] / 2
        dists = np.arange(-10.0, self.length + 10.0, 0.5)
        pts = np.array([self.point_at(d) for d in dists])
        wob = props.noise2(dists, dists * 0.0, rng, octaves=2, scale=0.4) * 0.12
        rad = np.radians(pts[:, 2])
        side = np.stack([np.cos(rad), np.sin(rad)], -1)  # perpendicular to the heading
        for width, z, colour, var in ((half + 0.22, 0.008, pal["path_edge"], 0.03),
                                      (half, 0.016, pal["path"], 0.06)):
            w = (width + wob)[:, None]
            left = pts[:, :2] - side * w
            right = pts[:, :2] + side * w
            n = len(pts)
            verts = np.concatenate([np.c_[left, np.full(n, z)], np.c_[right, np.full(n, z)]])
            shade = 1 + rng.uniform(-var, var, (2 * n, 1))
            cols = np.clip(np.asarray(colour) * shade, 0, 1)
            cols[:, 3] = 1
            i = np.arange(n - 1)
            tris = np.concatenate([np.stack([i, i + n, i + n + 1], -1),
                                   np.stack([i, i + n + 1, i + 1], -1)])
            mb.add(verts, np.tile([0, 0, 1.0], (2 * n, 1)), cols, tris)
        for _ in range(int(self.length * 3)):  # pebbles
            d = rng.uniform(-8, self.length + 8)
            x, y, h = self.point_at(d)
            off = rng.uniform(-half, half)
            r = np.radians(h)
            mb.sphere(rng.uniform(0.03, 0.07), mat.vary(pal["rock"], rng, 0.15),
                      xform((x + np.cos(r) * off, y + np.sin(r) * off, 0.02), s=(1, 1, 0.5)),
                      rings=2, segments=4, smooth=False)

    def _pond(self, mb: MeshBuilder, rng: np.random.Generator) -> None:
        """A small pond beside the path, rimmed with stones and reeds."""
        pal = self.settings.palette
        x0, y0, _ = self.point_at(self.length * 0.3)
        cx, cy = x0 + 7.0, y0
        mb.cylinder(3.2, 0.05, mat.shade(pal["water"], 0.9), xform((cx, cy, -0.02), s=(1.4, 1, 1)),
                    segments=18)
        mb.cylinder(2.9, 0.06, pal["water"], xform((cx, cy, -0.01), s=(1.4, 1, 1)), segments=18)
        for k in range(22):
            a = 2 * np.pi * k / 22 + rng.uniform(-0.08, 0.08)
            props.rock(mb, (cx + np.cos(a) * 3.25 * 1.4, cy + np.sin(a) * 3.25, 0), rng,
                       rng.uniform(0.15, 0.3), pal["rock"])
        for k in range(18):
            a = rng.uniform(0.3, 1.6)
            r = rng.uniform(2.6, 3.1)
            mb.box((0.025, 0.025, rng.uniform(0.5, 0.9)), mat.vary(pal["leaf_dark"], rng, 0.1),
                   xform((cx + np.cos(a) * r * 1.4, cy + np.sin(a) * r, 0), p=rng.uniform(-10, 10)),
                   base=True)
        for k in range(3):  # lily pads
            mb.cylinder(0.3, 0.01, pal["leaf"], xform((cx + rng.uniform(-2, 2),
                        cy + rng.uniform(-1.5, 1.5), 0.06)), segments=8)

    def _build_dynamic(self, node: NodePath) -> None:
        # a soft marker on the path showing the next step target
        mb = MeshBuilder()
        mb.cylinder(0.35, 0.01, mat.HIGHLIGHT, segments=16)
        self.marker = node.attachNewNode(mb.node("step-marker"))
        self.marker.setLightOff(1)
        self.marker.setTransparency(True)
        self.marker.setAlphaScale(0.55)
        self._place_marker()

    def _place_marker(self) -> None:
        x, y, _ = self.point_at(min(self.length, self.target + 2.5))
        self.marker.setPos(x, y, 0.03)

    def _on_rep(self, event: Any) -> None:
        self.target = min(self.length, self.target + self.settings.layout["step_length"])
        self._place_marker()

    def _update(self, dt: float) -> None:
        speed = self.settings.layout["walk_speed"]
        self.walked = min(self.target, self.walked + speed * dt) if self.walked < self.target \
            else self.target
        colour = mat.CAUTION if self.caution > 0 else mat.HIGHLIGHT
        self.marker.setColorScale(colour[0] / mat.HIGHLIGHT[0], colour[1] / mat.HIGHLIGHT[1],
                                  colour[2] / mat.HIGHLIGHT[2], 1)

    def avatar_anchor(self) -> tuple[Point3, float]:
        x, y, h = self.point_at(self.walked)
        return Point3(x, y, 0.0), h

    def camera_pose(self) -> tuple[Point3, Point3]:
        lay = self.settings.layout
        x, y, h = self.point_at(self.walked)
        back = lay["camera_back"]
        rad = np.radians(h)
        pos = Point3(x + np.sin(rad) * back, y - np.cos(rad) * back, lay["camera_height"])
        lx, ly, _ = self.point_at(self.walked + 3.0)
        return pos, Point3(lx, ly, 1.0)

    def progress(self) -> float:
        return self.target / self.length

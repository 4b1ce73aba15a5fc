"""Stepping stones across a stream: balance holds and weight shifts carry the patient over.

While a hold runs (HoldProgress) a ring of light on the next stone fills; HoldCompleted,
or a RepCompleted (a weight shift), hops the avatar onto it. The stream flows past, reeds
and rocks line the banks.
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
from scenes.motion import ease
from scenes.settings import Schema


class SteppingStones(Scene):
    name = "stepping_stones"
    title = "Stepping stones"
    hosts = ("balance holds", "single-leg stance", "weight shifts", "tandem stance")
    SCHEMA = Schema(
        palette=("grass_a", "grass_b", "bank", "water", "water_deep", "foam", "stone",
                 "stone_top", "leaf", "leaf_dark", "bark", "reed", "rock", "flower"),
        counts=MappingProxyType({"stones": (2, 12), "trees": (0, 60), "bushes": (0, 60),
                                 "reeds": (0, 200), "rocks": (0, 60), "clouds": (0, 20)}),
        layout=MappingProxyType({"stream_width": (2.0, 12.0),
                                 "flow_speed": (0.0, 2.0), "hop_time": (0.2, 2.0),
                                 "camera_back": (1.5, 8.0), "camera_height": (0.8, 5.0)}))

    def __init__(self, parent: NodePath, settings=None, rng_seed: int = 0) -> None:
        super().__init__(parent, settings, rng_seed)
        lay = self.settings.layout
        rng = np.random.default_rng(self.rng_seed + 3)
        n = self.settings.counts["stones"]
        self.bank_near = 0.6  #: y of the near bank's edge
        self.bank_far = self.bank_near + lay["stream_width"]
        gap = lay["stream_width"] / (n - 1 + 2 * 0.55)
        ys = self.bank_near + gap * (0.55 + np.arange(n))
        xs = 0.28 * np.sin(np.arange(n) * 1.7) + rng.uniform(-0.05, 0.05, n)
        #: where the patient stands: the near bank, every stone, then the far bank
        self.spots = [(0.0, 0.0)] + list(zip(xs.tolist(), ys.tolist())) + \
            [(0.0, self.bank_far + 0.6)]
        self.index = 0
        self.hop_t = 1.0
        self.hold = 0.0
        self._clock = 0.0

    def _stream_depth(self, gy) -> np.ndarray:
        c = (self.bank_near + self.bank_far) / 2
        half = (self.bank_far - self.bank_near) / 2
        d = np.clip(1 - np.abs(gy - c) / (half + 0.4), 0, 1)
        return np.sqrt(d) * 0.55

    def _build_static(self, node: NodePath) -> None:
        pal, cnt = self.settings.palette, self.settings.counts
        rng = np.random.default_rng(self.rng_seed)
        mb = MeshBuilder()

        def bed(gx, gy, h):
            return h * (self._stream_depth(gy) == 0) - self._stream_depth(gy)

        def bank_colour(gx, gy, c):
            c = c.copy()
            d = self._stream_depth(gy)[..., None]
            t = np.clip(d * 6, 0, 1)
            return c * (1 - t) + np.asarray(pal["bank"]) * t

        props.ground(mb, (-40, 40), (-25, 45), 1.0, pal["grass_a"], pal["grass_b"], rng,
                     height_amp=0.35, height_fn=bed, colour_fn=bank_colour)
        props.water(mb, (-40, 40), (self.bank_near - 0.5, self.bank_far + 0.5), 0.8,
                    pal["water"], rng, z=-0.12)
        for i in range(12):
            ang = np.radians(i * 30 + rng.uniform(-8, 8))
            r = rng.uniform(90, 130)
            mb.sphere(rng.uniform(30, 48), mat.vary(pal["leaf_dark"], rng, 0.08),
                      xform((np.sin(ang) * r, np.cos(ang) * r, -12), s=(1.6, 1, 0.45)),
                      rings=5, segments=10)
        for x, y in self.spots[1:-1]:
            s = rng.uniform(0.95, 1.1)
            mb.cylinder(0.34 * s, 0.3, pal["stone"], xform((x, y, -0.3), h=rng.uniform(0, 60)),
                        segments=9, top_radius=0.3 * s)
            mb.sphere(0.3 * s, pal["stone_top"], xform((x, y, 0.0), s=(1, 0.95, 0.18)),
                      rings=3, segments=9, smooth=False)
        placed = 0
        while placed < cnt["trees"]:
            x, y = rng.uniform(-28, 28), rng.uniform(-15, 30)
            if self._stream_depth(y) > 0 or abs(x) < 2.5 and -6 < y < self.bank_far + 4 \
                    or abs(x) < 6 and y < 0:  # keep the view from the near bank open
                continue
            kind = "pine" if rng.random() < 0.35 else "round"
            props.tree(mb, (x, y, 0), rng, pal["leaf"] if kind == "round" else pal["leaf_dark"],
                       pal["bark"], height=rng.uniform(3.5, 7.0), kind=kind)
            placed += 1
        clump = (0.0, 0.0)
        for k in range(cnt["reeds"]):
            if k % 7 == 0:  # reeds grow in clumps along both banks
                cx = rng.uniform(1.2, 14) * rng.choice((-1, 1))
                clump = (cx, rng.choice([self.bank_near, self.bank_far]) + rng.normal(0, 0.2))
            x, y = clump[0] + rng.normal(0, 0.18), clump[1] + rng.normal(0, 0.12)
            h = rng.uniform(0.5, 1.1)
            mb.box((0.025, 0.025, h), mat.vary(pal["reed"], rng, 0.12),
                   xform((x, y, -0.12), h=rng.uniform(0, 90), p=rng.uniform(-10, 10)), base=True)
            if rng.random() < 0.3:
                mb.cylinder(0.03, 0.14, mat.WOOD_DARK, xform((x, y, h - 0.15)), segments=5)
        for _ in range(cnt["rocks"]):
            x = rng.uniform(-16, 16)
            y = rng.choice([self.bank_near, self.bank_far]) + rng.normal(0, 0.5)
            if abs(x) < 1.2:
                continue
            props.rock(mb, (x, y, -0.1), rng, rng.uniform(0.15, 0.5), pal["rock"])
        for _ in range(cnt["bushes"]):
            side = rng.choice([-1.0, 1.0])
            y = self.bank_far + rng.uniform(0.8, 6) if side > 0 else -rng.uniform(1.5, 5)
            x = rng.uniform(-15, 15)
            if abs(x) < 1.5 or (side < 0 and abs(x) < 5):
                continue
            props.bush(mb, (x, y, 0), rng, pal["leaf_dark"], rng.uniform(0.4, 0.8),
                       pal["flower"] if rng.random() < 0.3 else None)
        for _ in range(8):
            props.flowers(mb, (rng.uniform(-8, 8), rng.choice([-2.5, self.bank_far + 2.5]), 0),
                          rng, (pal["flower"], mat.WHITE), count=10, spread=0.7)
        for i in range(cnt["clouds"]):
            ang = rng.uniform(-70, 70)
            props.cloud(mb, (np.sin(np.radians(ang)) * 200, np.cos(np.radians(ang)) * 200,
                             rng.uniform(60, 110)), rng, size=rng.uniform(10, 18))
        node.attachNewNode(mb.node("stream"))

    def _build_dynamic(self, node: NodePath) -> None:
        pal = self.settings.palette
        rng = np.random.default_rng(self.rng_seed + 5)
        mb = MeshBuilder()  # foam streaks drifting downstream (+x); two tiles side by side
        for _ in range(60):
            x = rng.uniform(0, 20)
            y = rng.uniform(self.bank_near, self.bank_far)
            mb.quad((rng.uniform(0.3, 1.2), rng.uniform(0.03, 0.07)),
                    mat.vary(pal["foam"], rng, 0.05), xform((x, y, -0.1)))
        for x0 in (-20.0, 0.0):
            tile = node.attachNewNode(mb.node("foam"))
            tile.setX(x0)
        self.foam = node.findAllMatches("foam")
        self.foam_base = [f.getX() for f in self.foam]
        for f in self.foam:
            f.setLightOff(1)
            f.setTransparency(True)
            f.setAlphaScale(0.6)
        rm = MeshBuilder()
        rm.cylinder(0.36, 0.01, mat.HIGHLIGHT, segments=18)
        self.ring = node.attachNewNode(rm.node("hold-ring"))
        self.ring.setLightOff(1)
        self.ring.setTransparency(True)
        self._place_ring()

    def _place_ring(self) -> None:
        if self.index + 1 >= len(self.spots):
            self.ring.hide()
            return
        x, y = self.spots[self.index + 1]
        z = 0.06 if 0 < self.index + 1 < len(self.spots) - 1 else 0.03
        self.ring.show()
        self.ring.setPos(x, y, z)
        s = 0.35 + 0.65 * self.hold
        self.ring.setScale(s, s, 1)
        self.ring.setAlphaScale(0.35 + 0.5 * self.hold)

    def _advance(self) -> None:
        if self.index + 1 < len(self.spots):
            self.index += 1
            self.hop_t = 0.0
        self.hold = 0.0
        self._place_ring()

    def _on_hold_progress(self, event: Any, fraction: float) -> None:
        self.hold = fraction
        self._place_ring()

    def _on_hold_completed(self, event: Any) -> None:
        self._advance()

    def _on_rep(self, event: Any) -> None:
        self._advance()

    def _update(self, dt: float) -> None:
        self._clock += dt
        lay = self.settings.layout
        shift = (self._clock * lay["flow_speed"]) % 20.0
        for f, x0 in zip(self.foam, self.foam_base):
            f.setX(x0 + shift)
        self.hop_t = min(1.0, self.hop_t + dt / lay["hop_time"])
        if self.caution > 0:
            self.ring.setColorScale(1.0, 0.7, 0.4, 1)
        else:
            self.ring.clearColorScale()

    def _spot_z(self, i: int) -> float:
        return 0.05 if 0 < i < len(self.spots) - 1 else 0.0

    def avatar_anchor(self) -> tuple[Point3, float]:
        x1, y1 = self.spots[self.index]
        z1 = self._spot_z(self.index)
        if self.index == 0 or self.hop_t >= 1.0:
            return Point3(x1, y1, z1), 0.0
        x0, y0 = self.spots[self.index - 1]
        z0 = self._spot_z(self.index - 1)
        k = ease(self.hop_t)
        z = z0 + (z1 - z0) * k + 0.25 * 4 * k * (1 - k)
        return Point3(x0 + (x1 - x0) * k, y0 + (y1 - y0) * k, z), 0.0

    def camera_pose(self) -> tuple[Point3, Point3]:
        lay = self.settings.layout
        p, _ = self.avatar_anchor()
        pos = Point3(p.x - 1.4, p.y - lay["camera_back"], lay["camera_height"])
        return pos, Point3(p.x * 0.5, p.y + 1.8, 0.5)

    def progress(self) -> float:
        return self.index / (len(self.spots) - 1)

"""A quiet shore at golden hour: held stretches with a breathing timer.

A soft orb floats above the sand in front of the patient and grows on the in-breath and
shrinks on the out-breath (``inhale_s`` / ``exhale_s``); a ring of beads around it fills as
a hold progresses (HoldProgress) and shines when it is done (HoldCompleted). Waves roll in
and fade on the sand.
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


#: Where the sun hangs over the sea (x, y, z), right of the breathing orb.
SUN = (95.0, 420.0, 14.0)


class Shore(Scene):
    name = "shore"
    title = "Quiet shore"
    hosts = ("held stretches", "breathing", "hamstring stretch", "calf stretch",
             "shoulder stretch")
    SCHEMA = Schema(
        palette=("sand_a", "sand_b", "wet_sand", "sea_near", "sea_far", "foam", "sun",
                 "glitter", "grass", "rock", "wood", "headland", "orb", "bead_off", "bead_on",
                 "mat", "shell"),
        counts=MappingProxyType({"waves": (1, 8), "beads": (4, 32), "grass_tufts": (0, 200),
                                 "rocks": (0, 40)}),
        layout=MappingProxyType({"shoreline": (2.0, 12.0), "inhale_s": (1.0, 10.0),
                                 "exhale_s": (1.0, 12.0), "wave_period": (2.0, 20.0),
                                 "orb_distance": (1.0, 6.0), "orb_height": (0.5, 3.0),
                                 "orb_offset": (-3.0, 3.0)}))

    def __init__(self, parent: NodePath, settings=None, rng_seed: int = 0) -> None:
        super().__init__(parent, settings, rng_seed)
        self.hold = 0.0
        self.hold_done = 0.0  #: seconds left of the "hold done" shine
        self.holds_completed = 0
        self._clock = 0.0
        self.waves: list[NodePath] = []
        self.beads: list[NodePath] = []

    def _sand_height(self, gx, gy) -> np.ndarray:
        shore = self.settings.layout["shoreline"]
        return np.minimum(1.6, -0.1 - 0.07 * (gy - shore)) + 0.04 * np.sin(gx * 0.7)

    def _build_static(self, node: NodePath) -> None:
        pal, cnt, lay = self.settings.palette, self.settings.counts, self.settings.layout
        rng = np.random.default_rng(self.rng_seed)
        shore = lay["shoreline"]
        mb = MeshBuilder()

        def sand_h(gx, gy, h):
            return self._sand_height(gx, gy) + h * np.clip(-gy / 10, 0, 1)

        def sand_c(gx, gy, c):
            t = np.clip(1 - (shore - gy) / 1.5, 0, 1)[..., None]
            return c * (1 - t) + np.asarray(pal["wet_sand"]) * t

        props.ground(mb, (-45, 45), (-30, shore + 3), 1.0, pal["sand_a"], pal["sand_b"], rng,
                     height_amp=0.5, height_fn=sand_h, colour_fn=sand_c)
        xs = np.linspace(-420, 420, 29)
        ys = np.concatenate([np.arange(shore - 2, shore + 30, 2.0),
                             np.geomspace(shore + 30, 450, 16)])
        gx, gy = np.meshgrid(xs, ys)
        t = np.clip((gy - shore) / 120, 0, 1)[..., None] ** 0.6
        col = np.asarray(pal["sea_near"]) * (1 - t) + np.asarray(pal["sea_far"]) * t
        col = col * (1 + 0.05 * props.noise2(gx, gy, rng, scale=0.05)[..., None])
        col[..., 3] = 1
        mb.grid(xs, ys, np.full(gx.shape, -0.1), np.clip(col, 0, 1))
        for _ in range(40):  # the sun's path glittering on the water, towards the sun
            d = rng.uniform(shore + 8, 300)
            w = 0.3 + d * 0.02
            mb.quad((w * rng.uniform(1, 4), 0.15 + d * 0.01), pal["glitter"],
                    xform((d * SUN[0] / SUN[1] + rng.normal(0, 1.5 + d * 0.05), d, -0.09)))
        # a headland with a lighthouse far off to the left, a jetty on the right
        mb.sphere(60, pal["headland"], xform((-160, 330, -18), s=(1.5, 0.8, 0.55)), rings=6,
                  segments=12, smooth=False)
        mb.cylinder(1.6, 9, mat.WHITE, xform((-120, 318, 10)), segments=10, top_radius=1.2)
        mb.cylinder(1.3, 1.5, (0.75, 0.25, 0.2, 1), xform((-120, 318, 19)), segments=10,
                    top_radius=0.0)
        for k in range(12):
            y = shore - 1 + k * 1.2
            for sx in (5.2, 6.8):
                mb.cylinder(0.09, 1.3, mat.WOOD_DARK, xform((sx, y, -0.7)), segments=6)
            mb.box((2.0, 1.15, 0.08), mat.vary(pal["wood"], rng, 0.06), xform((6.0, y, 0.55)))
        props.log(mb, (-3.6, 2.2, self._sand_height(-3.6, 2.2) - 0.05), 70, 2.2, 0.16,
                  pal["wood"], mat.shade(pal["wood"], 1.2))
        for _ in range(cnt["rocks"]):
            x, y = rng.uniform(-14, 14), rng.uniform(shore - 3, shore + 1.5)
            if abs(x) < 2.0:
                continue
            props.rock(mb, (x, y, float(self._sand_height(x, y))), rng, rng.uniform(0.2, 0.8),
                       pal["rock"])
        for _ in range(cnt["grass_tufts"]):
            x, y = rng.uniform(-18, 18), rng.uniform(-12, 2.5)
            if abs(x) < 2.5 and y > -6:  # keep the patient's spot and the view clear
                continue
            z = float(self._sand_height(x, y)) - 0.05
            for _ in range(6):
                mb.box((0.02, 0.02, rng.uniform(0.3, 0.6)), mat.vary(pal["grass"], rng, 0.12),
                       xform((x, y, z), h=rng.uniform(0, 180), p=rng.uniform(-25, 25)),
                       base=True)
        z0 = float(self._sand_height(0.0, 0.0))
        for k, c in enumerate((pal["mat"], mat.shade(pal["mat"], 0.85))):  # the exercise mat
            mb.box((0.7 - 0.06 * k, 1.9 - 0.06 * k, 0.02), c, xform((0, 0.1, z0 - 0.01 + 0.01 * k),
                   p=-np.degrees(np.arctan(0.07))), base=True)
        for _ in range(70):  # shells and pebbles on the sand
            x, y = rng.uniform(-8, 8), rng.uniform(-3, shore - 0.3)
            if abs(x) < 0.6 and y < 1.2:
                continue
            c = mat.vary(pal["shell"] if rng.random() < 0.5 else pal["rock"], rng, 0.12)
            mb.sphere(rng.uniform(0.03, 0.07), c, xform((x, y, float(self._sand_height(x, y))),
                      h=rng.uniform(0, 180), s=(1.3, 1, 0.45)), rings=2, segments=6,
                      smooth=False)
        node.attachNewNode(mb.node("shore"))

    def _build_dynamic(self, node: NodePath) -> None:
        pal, cnt, lay = self.settings.palette, self.settings.counts, self.settings.layout
        rng = np.random.default_rng(self.rng_seed + 9)
        sm = MeshBuilder()  # the sun, low over the sea, unlit
        sm.sphere(14, pal["sun"], rings=6, segments=16)
        sun = node.attachNewNode(sm.node("sun"))
        sun.setPos(*SUN)
        sun.setLightOff(1)
        sun.setFogOff(1)
        for i in range(cnt["waves"]):
            wm = MeshBuilder()  # a foam ribbon: crisp leading edge, fading behind
            xs = np.arange(-32.0, 32.01, 0.5)
            n = len(xs)
            front = 0.15 * np.sin(xs * 0.35 + i * 1.7) + 0.06 * np.sin(xs * 1.3 + i)
            depth = 0.25 + 0.12 * (1 + np.sin(xs * 0.5 + i * 2.3))
            verts = np.concatenate([np.c_[xs, front, np.zeros(n)],
                                    np.c_[xs, front + depth, np.zeros(n)]])
            foam = np.asarray(pal["foam"])
            cols = np.concatenate([np.tile(foam, (n, 1)), np.tile(foam * [1, 1, 1, 0], (n, 1))])
            k = np.arange(n - 1)
            tris = np.concatenate([np.stack([k, k + 1, k + n + 1], -1),
                                   np.stack([k, k + n + 1, k + n], -1)])
            wm.add(verts, np.tile([0, 0, 1.0], (2 * n, 1)), cols, tris)
            wave = node.attachNewNode(wm.node(f"wave-{i}"))
            wave.setLightOff(1)
            wave.setTransparency(True)
            self.waves.append(wave)
        om = MeshBuilder()
        om.sphere(0.2, pal["orb"], rings=8, segments=14)
        om.sphere(0.12, mat.mix(pal["orb"], mat.WHITE, 0.7), rings=6, segments=12)
        self.orb_root = node.attachNewNode("breathing-timer")
        self.orb = self.orb_root.attachNewNode(om.node("orb"))
        self.orb.setLightOff(1)
        self.orb.setTransparency(True)
        self.orb.setDepthWrite(False)
        hm = MeshBuilder()  # a faint halo marking the full-breath size
        hm.sphere(0.4, pal["orb"], rings=8, segments=14)
        self.halo = self.orb_root.attachNewNode(hm.node("halo"))
        self.halo.setLightOff(1)
        self.halo.setTransparency(True)
        self.halo.setAlphaScale(0.18)
        self.halo.setDepthWrite(False)
        self.halo.setBin("transparent", 0)
        n = cnt["beads"]
        for i in range(n):
            bm = MeshBuilder()
            bm.sphere(0.042, mat.WHITE, rings=4, segments=8)
            bead = self.orb_root.attachNewNode(bm.node(f"bead-{i}"))
            a = np.pi / 2 - 2 * np.pi * i / n  # clockwise from the top, like a clock
            bead.setPos(np.cos(a) * 0.58, 0, np.sin(a) * 0.58)
            bead.setLightOff(1)
            self.beads.append(bead)
        self.orb_root.setPos(lay["orb_offset"], lay["orb_distance"], lay["orb_height"])
        self._paint_beads()

    def breath(self) -> tuple[str, float]:
        """("in" | "out", 0..1 through that phase) of the breathing guide right now."""
        lay = self.settings.layout
        cycle = lay["inhale_s"] + lay["exhale_s"]
        t = self._clock % cycle
        if t < lay["inhale_s"]:
            return "in", t / lay["inhale_s"]
        return "out", (t - lay["inhale_s"]) / lay["exhale_s"]

    def orb_size(self) -> float:
        """Orb scale: 1 at empty lungs, 2 at a full breath (smooth)."""
        phase, f = self.breath()
        k = 0.5 - 0.5 * np.cos(np.pi * f)
        return float(1.0 + (k if phase == "in" else 1.0 - k))

    def _paint_beads(self) -> None:
        pal = self.settings.palette
        n = len(self.beads)
        for i, bead in enumerate(self.beads):
            if self.hold_done > 0:
                bead.setColorScale(*pal["bead_on"])
                bead.setScale(1.4)
            elif (i + 1) / n <= self.hold + 1e-6:
                bead.setColorScale(*pal["bead_on"])
                bead.setScale(1.15)
            else:
                bead.setColorScale(*pal["bead_off"])
                bead.setScale(1.0)

    def _on_hold_progress(self, event: Any, fraction: float) -> None:
        self.hold = fraction
        self.hold_done = 0.0
        self._paint_beads()

    def _on_hold_completed(self, event: Any) -> None:
        self.hold = 1.0
        self.hold_done = 2.0
        self.holds_completed += 1
        self._paint_beads()

    def _on_rep(self, event: Any) -> None:
        self._on_hold_completed(event)

    def _update(self, dt: float) -> None:
        lay = self.settings.layout
        self._clock += dt
        if self.hold_done > 0:
            self.hold_done = max(0.0, self.hold_done - dt)
            if self.hold_done == 0.0:
                self.hold = 0.0
        self._paint_beads()
        self.orb.setScale(self.orb_size())
        self.orb.setAlphaScale(0.75 + 0.2 * (self.orb_size() - 1.0))
        if self.caution > 0:
            self.orb.setColorScale(1.2, 0.8, 0.5, 1)
        else:
            self.orb.clearColorScale()
        self.orb_root.setZ(lay["orb_height"] + 0.04 * np.sin(self._clock * 0.8))
        shore, period = lay["shoreline"], lay["wave_period"]
        for i, wave in enumerate(self.waves):
            t = ((self._clock / period) + i / len(self.waves)) % 1.0
            wave.setPos(0, shore + 7.0 * (1 - t) - 0.4, -0.085 + 0.02 * t)
            wave.setScale(1, 1 + 1.5 * t, 1)
            wave.setAlphaScale(float(np.sin(np.pi * t) ** 0.7 * 0.8))

    def avatar_anchor(self) -> tuple[Point3, float]:
        return Point3(0, 0, float(self._sand_height(0.0, 0.0))), 0.0

    def camera_pose(self) -> tuple[Point3, Point3]:
        return Point3(-1.3, -3.8, 1.75), Point3(0.2, 2.5, 1.45)

    def progress(self) -> float:
        return self.hold

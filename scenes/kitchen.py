"""Kitchen shelves: items sit at the patient's calibrated reach and go into a basket.

The patient stands at the origin facing +y, in front of a counter with two wall shelves:
the lower one at shoulder height (forward reach, shoulder flexion to 90 degrees), the upper
one at overhead reach (full flexion), and a shelf unit on each side at shoulder height
(abduction). ``set_reach`` moves shelves and items; every RepCompleted flies the next item
of the group the current exercise reaches for into the basket.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Any

import numpy as np
from panda3d.core import NodePath, Point3

from scenes import furniture as fur
from scenes import materials as mat
from scenes import props
from scenes.base import Scene
from scenes.mesh import MeshBuilder, xform
from scenes.motion import Flight, Flights
from scenes.settings import Schema

#: Exercise-id keywords -> the shelf group it reaches for (first match wins; default "front").
GROUP_KEYWORDS = (("abduction", "side"), ("lateral", "side"), ("scaption", "side"),
                  ("overhead", "top"), ("flexion", "top"), ("raise", "top"))
GROUPS = ("front", "top", "side")


class Kitchen(Scene):
    name = "kitchen"
    title = "Kitchen shelves"
    hosts = ("shoulder flexion", "shoulder abduction", "forward reach")
    SCHEMA = Schema(
        palette=("wall", "backsplash", "floor_a", "floor_b", "cabinet", "worktop", "shelf",
                 "fridge", "item_a", "item_b", "item_c", "item_d", "lid", "basket", "plant",
                 "table", "window_view"),
        counts=MappingProxyType({"front_items": (1, 8), "top_items": (1, 8),
                                 "side_items": (2, 8)}),
        layout=MappingProxyType({"room_width": (3.0, 8.0), "wall_height": (2.2, 3.5),
                                 "counter_height": (0.7, 1.1), "counter_depth": (0.3, 0.7),
                                 "shoulder_offset": (0.1, 0.3)}))

    def __init__(self, parent: NodePath, settings=None, rng_seed: int = 0) -> None:
        super().__init__(parent, settings, rng_seed)
        self.items: list[tuple[NodePath, str, int]] = []  # node, group, slot
        self.in_basket: list[NodePath] = []
        self.flights = Flights()
        self._clock = 0.0

    # --- building --------------------------------------------------------------
    def _build_static(self, node: NodePath) -> None:
        pal, lay = self.settings.palette, self.settings.layout
        rng = np.random.default_rng(self.rng_seed)
        w2, hgt = lay["room_width"] / 2, lay["wall_height"]
        mb = MeshBuilder()
        fur.tiled_floor(mb, (-w2, w2), (-4.0, 1.6), 0.5, pal["floor_a"], pal["floor_b"], rng)
        for sx in (-w2, w2):
            fur.wall(mb, (sx, -4.0), (sx, 1.6), hgt, pal["wall"], inside=(0, 0))
        # a small dining corner on the left, a fridge on the right
        fur.table(mb, (-w2 + 0.7, -1.6, 0), (0.9, 1.2, 0.75), pal["table"])
        fur.chair(mb, (-w2 + 0.7, -2.45, 0), 180, mat.WOOD, mat.FABRIC_RED)
        fur.chair(mb, (-w2 + 1.35, -1.6, 0), -90, mat.WOOD, mat.FABRIC_RED)
        props.fruit(mb, (-w2 + 0.6, -1.5, 0.8), mat.FRUIT_RED)
        props.fruit(mb, (-w2 + 0.75, -1.65, 0.8), mat.FRUIT_YELLOW)
        fur.pot_plant(mb, (-w2 + 0.35, -0.6, 0), rng, leaf=pal["plant"], size=0.55)
        mb.box((0.75, 0.7, 1.9), pal["fridge"], xform((w2 - 0.45, 0.6, 0)), base=True)
        mb.box((0.03, 0.03, 0.5), mat.METAL, xform((w2 - 0.75, 0.23, 1.2)))
        mb.box((0.7, 0.02, 0.01), mat.shade(pal["fridge"], 0.8), xform((w2 - 0.45, 0.245, 1.3)))
        node.attachNewNode(mb.node("kitchen-room"))

    def _build_dynamic(self, node: NodePath) -> None:
        pal, lay = self.settings.palette, self.settings.layout
        rng = np.random.default_rng(self.rng_seed + 1)
        w2, hgt = lay["room_width"] / 2, lay["wall_height"]
        # the back wall unit (wall, counter, window, shelves) slides to the forward reach
        self.unit = node.attachNewNode("back-unit")
        mb = MeshBuilder()
        fur.wall(mb, (-w2 - 0.1, 0.0), (w2 + 0.1, 0.0), hgt, pal["wall"], inside=(0, -1))
        ch, cd = lay["counter_height"], lay["counter_depth"]
        mb.box((2.4, 0.02, 0.55), pal["backsplash"], xform((0, -0.01, ch)), base=True)
        fur.counter(mb, (-1.5, 1.3), 0.0, cd, ch, pal["cabinet"], pal["worktop"])
        fur.window(mb, (-1.05, 0.05, ch + 0.85), 0, 0.7, 0.9, view=pal["window_view"])
        fur.pot_plant(mb, (-1.05, -cd / 2, ch), rng, leaf=pal["plant"], size=0.25)
        fur.jar(mb, (1.05, -0.15, ch), mat.WHITE, pal["lid"], 0.08, 0.22)
        mb.cylinder(0.1, 0.18, mat.METAL, xform((0.75, -0.25, ch)), segments=10, smooth=True)
        self.unit.attachNewNode(mb.node("back-wall"))
        self.boards: dict[str, NodePath] = {}
        for group in ("front", "top"):
            bm = MeshBuilder()
            fur.shelf_board(bm, 1.5, 0.3, pal["shelf"])
            board = self.unit.attachNewNode(bm.node(f"shelf-{group}"))
            board.setY(-0.15)
            self.boards[group] = board
        self.side_units: list[NodePath] = []
        for sx in (-1, 1):
            sm = MeshBuilder()  # a slim stand: top board with a rail on a post
            sm.box((0.3, 0.45, 0.03), pal["shelf"], xform((0, 0, -0.015)))
            sm.box((0.3, 0.02, 0.06), mat.shade(pal["shelf"], 0.8), xform((0, 0.215, 0)),
                   base=True)
            sm.cylinder(0.025, 3.0, mat.shade(pal["shelf"], 0.7), xform((sx * 0.1, 0.12, -3.0)),
                        segments=6)
            unit = node.attachNewNode(sm.node("side-shelf"))
            self.side_units.append(unit)
        colours = [pal["item_a"], pal["item_b"], pal["item_c"], pal["item_d"]]
        counts = self.settings.counts
        for group, n in (("front", counts["front_items"]), ("top", counts["top_items"]),
                         ("side", counts["side_items"])):
            for slot in range(n):
                im = MeshBuilder()
                c = colours[(slot + GROUPS.index(group)) % len(colours)]
                kind = (slot + len(group)) % 3
                if kind == 0:
                    fur.jar(im, (0, 0, 0), c, pal["lid"])
                elif kind == 1:
                    im.box((0.12, 0.08, 0.18), c, base=True)
                    im.box((0.124, 0.084, 0.05), mat.WHITE, xform((0, 0, 0.07)), base=True)
                else:
                    fur.cup(im, (0, 0, 0), c)
                item = node.attachNewNode(im.node(f"item-{group}-{slot}"))
                self.items.append((item, group, slot))
        bm = MeshBuilder()
        fur.table(bm, (0, 0, 0), (0.5, 0.5, 0.55), mat.WOOD_LIGHT)
        props.basket(bm, (0, 0, 0.55), pal["basket"], radius=0.22, height=0.2)
        self.basket = node.attachNewNode(bm.node("basket"))
        self.basket.setPos(-0.75, -0.5, 0)

    def _place_for_reach(self) -> None:
        r, lay = self.reach, self.settings.layout
        fwd = float(np.clip(r.forward, 0.3, 1.0))
        self.unit.setY(fwd + 0.12)
        front_z = float(np.clip(r.shoulder_height - 0.08, lay["counter_height"] + 0.35, 1.8))
        top_z = float(np.clip(r.overhead - 0.2, front_z + 0.3, lay["wall_height"] - 0.15))
        self.boards["front"].setZ(front_z)
        self.boards["top"].setZ(top_z)
        side_x = float(np.clip(r.side + lay["shoulder_offset"], 0.5, 1.4))
        side_z = float(np.clip(r.shoulder_height - 0.08, 0.9, 1.9))
        for sx, unit in zip((-1, 1), self.side_units):
            unit.setPos(sx * (side_x + 0.05), 0.15, side_z)
        counts = self.settings.counts
        for item, group, slot in self.items:
            if item in self.in_basket:
                continue
            if group == "side":
                sx = -1 if slot % 2 == 0 else 1
                k = slot // 2
                pos = Point3(sx * side_x, 0.15 + (k - (counts["side_items"] // 2 - 1) / 2) * 0.16,
                             side_z)
            else:
                n = counts[f"{group}_items"]
                x = (slot - (n - 1) / 2) * min(0.3, 1.3 / max(n, 1))
                pos = Point3(x, fwd, front_z if group == "front" else top_z)
            item.setPos(pos)

    # --- reactions -------------------------------------------------------------
    def group_for_exercise(self) -> str:
        ex = self.exercise_id.lower()
        return next((g for key, g in GROUP_KEYWORDS if key in ex), "front")

    def remaining(self) -> list[tuple[NodePath, str, int]]:
        return [it for it in self.items if it[0] not in self.in_basket]

    def _on_rep(self, event: Any) -> None:
        left = self.remaining()
        if not left:
            return
        group = self.group_for_exercise()
        side = str(getattr(event, "side", "") or "").lower()
        choice = [it for it in left if it[1] == group]
        if group == "side" and side in ("left", "right"):
            # the patient's left is the scene's -x (they face +y)
            wanted = 0 if side == "left" else 1
            choice = [it for it in choice if it[2] % 2 == wanted] or choice
        item = (choice or left)[0][0]
        k = len(self.in_basket)
        end = self.basket_point() + Point3(((k % 3) - 1) * 0.08, ((k // 3) % 2 - 0.5) * 0.08,
                                           0.03 * (k // 6))
        self.in_basket.append(item)
        self.flights.add(Flight(item, item.getPos(), end, duration=0.9, arc=0.35))

    def basket_point(self) -> Point3:
        """The bottom of the basket's inside, where items land."""
        bx, by, bz = self.basket.getPos()
        return Point3(bx, by, bz + 0.6)

    def _update(self, dt: float) -> None:
        self.flights.step(dt)
        nxt = self.remaining()
        group = self.group_for_exercise()
        target = next((it[0] for it in nxt if it[1] == group), nxt[0][0] if nxt else None)
        for item, _, _ in self.items:
            item.clearColorScale()
        if target is not None:  # the next item to reach for glows softly
            pulse = 1.15 + 0.15 * np.sin(self._clock * 4.0)
            if self.caution > 0:
                target.setColorScale(1.3, 0.9, 0.5, 1)
            else:
                target.setColorScale(pulse, pulse, pulse * 0.85, 1)
        self._clock += dt

    def avatar_anchor(self) -> tuple[Point3, float]:
        return Point3(0, 0, 0), 0.0

    def camera_pose(self) -> tuple[Point3, Point3]:
        return Point3(-0.7, -3.3, 2.1), Point3(0.0, 0.35, 1.25)

    def progress(self) -> float:
        return len(self.in_basket) / max(1, len(self.items))

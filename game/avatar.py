"""The patient's avatar: a 3D figure that mirrors the tracked pose live (joints coloured by
form) and a translucent target ghost showing the movement's goal.

Seen from behind (the scenes' cameras follow the avatar), so the patient's left is on the
screen's left, as in a mirror. Input: MediaPipe-style world landmarks (metres, origin
mid-hips, x = patient's left, y down, z away from the camera).
"""
from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
from panda3d.core import (Geom, GeomNode, GeomTriangles, GeomVertexData, GeomVertexFormat,
                          GeomVertexWriter, NodePath, TransparencyAttrib, Vec3)

from tracking.landmarks import BONES, Landmark as L

#: Joints drawn as balls (hands and face points are left out: the bones reach them).
JOINTS = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_ELBOW, L.RIGHT_ELBOW, L.LEFT_WRIST,
          L.RIGHT_WRIST, L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE,
          L.RIGHT_ANKLE)
DRAWN_BONES = tuple(b for b in BONES if L.NOSE not in b and L.LEFT_EYE not in b
                    and L.RIGHT_EYE not in b)
FOOT = (L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX,
        L.RIGHT_FOOT_INDEX)

#: Which joints a measure concerns (by the start of its name; "_l"/"_r" pick one side).
MEASURE_JOINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("trunk", ("SHOULDER", "HIP")), ("pelvi", ("HIP",)), ("hip", ("HIP", "KNEE")),
    ("knee", ("KNEE",)), ("ankle", ("ANKLE",)), ("heel", ("ANKLE",)),
    ("shoulder", ("SHOULDER", "ELBOW")), ("elbow", ("ELBOW",)), ("wrist", ("WRIST",)),
    ("forearm", ("ELBOW", "WRIST")), ("upper_arm", ("SHOULDER", "ELBOW")),
    ("thigh", ("HIP", "KNEE")), ("stance", ("ANKLE",)),
)


def fault_joints(measure: str) -> set[L]:
    """The joints to mark for a fault on ``measure`` (e.g. "knee_valgus_l" -> left knee)."""
    sides = ("LEFT",) if measure.endswith("_l") else ("RIGHT",) if measure.endswith("_r") \
        else ("LEFT", "RIGHT")
    for prefix, parts in MEASURE_JOINTS:
        if measure.startswith(prefix):
            return {L[f"{s}_{p}"] for s in sides for p in parts}
    return set()


def world_to_panda(world: np.ndarray) -> np.ndarray:
    """MediaPipe world landmarks -> avatar-local Panda coordinates (figure faces +y, +z up,
    feet on z = 0): the patient's left is the figure's left (-x)."""
    p = np.empty_like(world, dtype=np.float64)
    p[:, 0] = -world[:, 0]
    p[:, 1] = -world[:, 2]
    p[:, 2] = -world[:, 1]
    feet = p[[int(i) for i in FOOT], 2]
    low = np.nanmin(feet) if np.isfinite(feet).any() else np.nanmin(p[:, 2])
    p[:, 2] -= low if np.isfinite(low) else 0.0
    return p


@functools.lru_cache(maxsize=32)
def _target_pose(exercise_id: str, excursion: float, side: str | None) -> np.ndarray | None:
    """Body-frame points of the virtual patient at the peak of one repetition."""
    try:
        from tracking.virtual_patient.generate import generate
        _, truth = generate(exercise_id, reps=1, rom_deg=excursion, side=side)
    except Exception:  # an exercise the generator cannot make: no ghost
        return None
    if not truth.reps:
        return None
    i = int(round(truth.reps[0].peak_s * truth.fps))
    return np.asarray(truth.points[min(i, len(truth.points) - 1)], np.float64)


def ghost_points(exercise_id: str, target_deg: float, side: str | None = None) -> np.ndarray | None:
    """The target pose (avatar-local Panda coordinates, centred like the live figure): the
    virtual patient at the peak of a repetition that reaches ``target_deg``."""
    from tracking.exercise.library import get_spec
    try:
        p = get_spec(exercise_id).primary
    except Exception:
        return None
    b = _target_pose(exercise_id, round(abs(target_deg - p.start), 0), side)
    if b is None:
        return None
    g = np.empty_like(b)
    g[:, 0], g[:, 1], g[:, 2] = -b[:, 0], b[:, 2], b[:, 1]
    mid = (g[int(L.LEFT_HIP)] + g[int(L.RIGHT_HIP)]) / 2
    g[:, 0] -= mid[0]
    g[:, 1] -= mid[1]
    return g


def _unit_mesh(kind: str, segs: int = 10) -> GeomNode:
    """A unit cylinder (radius 1, from y=0 to y=1) or unit sphere, with normals."""
    vdata = GeomVertexData(kind, GeomVertexFormat.getV3n3(), Geom.UHStatic)
    vw, nw = GeomVertexWriter(vdata, "vertex"), GeomVertexWriter(vdata, "normal")
    tris = GeomTriangles(Geom.UHStatic)
    if kind == "cyl":
        for i in range(segs + 1):
            a = 2 * math.pi * i / segs
            x, z = math.cos(a), math.sin(a)
            for y in (0.0, 1.0):
                vw.addData3(x, y, z)
                nw.addData3(x, 0, z)
        for i in range(segs):
            a0, a1, b0, b1 = 2 * i, 2 * i + 1, 2 * i + 2, 2 * i + 3
            tris.addVertices(a0, b0, a1)
            tris.addVertices(a1, b0, b1)
    else:
        rings = segs // 2
        for r in range(rings + 1):
            th = math.pi * r / rings
            for i in range(segs + 1):
                ph = 2 * math.pi * i / segs
                n = (math.sin(th) * math.cos(ph), math.sin(th) * math.sin(ph), math.cos(th))
                vw.addData3(*n)
                nw.addData3(*n)
        for r in range(rings):
            for i in range(segs):
                a, b = r * (segs + 1) + i, (r + 1) * (segs + 1) + i
                tris.addVertices(a, b, a + 1)
                tris.addVertices(a + 1, b, b + 1)
    geom = Geom(vdata)
    geom.addPrimitive(tris)
    node = GeomNode(kind)
    node.addGeom(geom)
    return node


class _Figure:
    def __init__(self, parent: NodePath, name: str, radius: float) -> None:
        self.root = parent.attachNewNode(name)
        cyl, sph = _unit_mesh("cyl"), _unit_mesh("sph")
        self.bones = [self.root.attachNewNode(cyl.makeCopy()) for _ in DRAWN_BONES]
        self.joints = {j: self.root.attachNewNode(sph.makeCopy()) for j in JOINTS}
        self.head = self.root.attachNewNode(sph.makeCopy())
        self.radius = radius
        for j in self.joints.values():
            j.setScale(radius * 1.5)
        self.head.setScale(0.11)

    def place(self, p: np.ndarray) -> bool:
        if not np.isfinite(p[[int(j) for j in JOINTS]]).all():
            self.root.hide()
            return False
        self.root.show()
        for node, (a, b) in zip(self.bones, DRAWN_BONES):
            pa, pb = p[int(a)], p[int(b)]
            if not (np.isfinite(pa).all() and np.isfinite(pb).all()):
                node.hide()
                continue
            node.show()
            d = pb - pa
            length = float(np.linalg.norm(d)) or 1e-4
            node.setPos(*pa)
            node.lookAt(self.root, Vec3(*pb))
            node.setScale(self.radius, length, self.radius)
        for j, node in self.joints.items():
            node.setPos(*p[int(j)])
        ears = p[[int(L.LEFT_EAR), int(L.RIGHT_EAR)]]
        head = ears.mean(axis=0) if np.isfinite(ears).all() else p[int(L.NOSE)]
        self.head.setPos(*(head + np.array([0, 0, 0.04])))
        return True


def facing_yaw(world: np.ndarray) -> float | None:
    """How far (radians, about the vertical) the patient is turned from facing the camera,
    from the line through the hips (MediaPipe world: x right, z away from the camera)."""
    v = world[int(L.LEFT_HIP)] - world[int(L.RIGHT_HIP)]
    if not np.isfinite(v).all() or float(np.hypot(v[0], v[2])) < 1e-3:
        return None
    return math.atan2(float(v[2]), float(v[0]))


def turn_to_camera(world: np.ndarray, yaw: float) -> np.ndarray:
    """World landmarks turned by -``yaw`` about the vertical: the figure faces the camera
    (the avatar then faces the way the scene goes, however the patient stands to the webcam)."""
    c, s_ = math.cos(yaw), math.sin(yaw)
    out = np.array(world, dtype=np.float64, copy=True)
    x, z = out[:, 0].copy(), out[:, 2].copy()
    out[:, 0] = c * x + s_ * z
    out[:, 2] = -s_ * x + c * z
    return out


def world_to_body(world: np.ndarray) -> np.ndarray:
    """MediaPipe world landmarks -> the team body frame (+y up, faces +z, floor at y = 0)."""
    b = np.empty_like(world, dtype=np.float64)
    b[:, 0], b[:, 1], b[:, 2] = world[:, 0], -world[:, 1], -world[:, 2]
    feet = b[[int(i) for i in FOOT], 1]
    low = np.nanmin(feet) if np.isfinite(feet).any() else np.nanmin(b[:, 1])
    b[:, 1] -= low if np.isfinite(low) else 0.0
    return b


class Avatar:
    """The live figure (the clothed humanoid when every landmark is known, else a stick
    figure), warning-coloured markers on the joints of the faults seen, and the translucent
    target ghost; all under ``parent`` (e.g. the scene's root so the scene's lights shade it)."""

    def __init__(self, parent: NodePath, palette) -> None:
        self.palette = palette
        self.root = parent.attachNewNode("avatar")
        self.sticks = _Figure(self.root, "figure", 0.045)
        self.sticks.root.setColor(0.93, 0.93, 0.95, 1)
        self.body: Any = None
        try:
            from scenes.patient.figure import PatientFigure
            holder = self.root.attachNewNode("body-holder")
            holder.setH(180)  # the body frame faces the camera; the avatar shows its back
            self.body = PatientFigure(holder)
            self.body_holder = holder
        except ImportError:  # scenes without the rendered patient: the stick figure will do
            self.body = None
        self.markers = {j: self.root.attachNewNode(_unit_mesh("sph").makeCopy()) for j in JOINTS}
        for m in self.markers.values():
            m.setScale(0.075)
            m.setColor(*palette.warn)
            m.setLightOff()
            m.hide()
        self.ghost = _Figure(self.root, "ghost", 0.05)
        self.ghost.root.setTransparency(TransparencyAttrib.MAlpha)
        self.ghost.root.setColor(*palette.ghost)
        self.ghost.root.setDepthWrite(False)
        self.ghost.root.setBin("transparent", 10)
        self.ghost.root.setLightOff()
        self.points: np.ndarray | None = None
        self.fault_joints: set[L] = set()
        self.used_body = False
        self.yaw = 0.0  #: smoothed turn of the patient from facing the camera (radians)

    def set_anchor(self, pos, heading: float) -> None:
        self.root.setPos(pos)
        self.root.setH(heading)

    def update(self, world: np.ndarray | None, faults: tuple[str, ...] = (),  # measures
               exercise_id: str = "", target_deg: float | None = None,
               side: str | None = None) -> None:
        """Pose the figure from world landmarks; mark joints of ``faults``; pose the ghost."""
        if world is None or not np.isfinite(world).any():
            for n in (self.sticks.root, self.ghost.root, *self.markers.values()):
                n.hide()
            if self.body is not None:
                self.body_holder.hide()
            self.points = None
            return
        yaw = facing_yaw(world)
        if yaw is not None:  # smoothed: a noisy hip line must not spin the figure
            d = math.atan2(math.sin(yaw - self.yaw), math.cos(yaw - self.yaw))
            self.yaw += 0.25 * d
        world = turn_to_camera(world, self.yaw)
        p = world_to_panda(world)
        self.points = p
        self.used_body = self.body is not None and bool(np.isfinite(world).all())
        if self.used_body:
            self.body_holder.show()
            self.sticks.root.hide()
            self.body.pose(world_to_body(world))
        else:
            if self.body is not None:
                self.body_holder.hide()
            self.sticks.place(p)
        self.fault_joints = {j for f in faults for j in fault_joints(f)}
        for j, node in self.markers.items():
            if j in self.fault_joints and np.isfinite(p[int(j)]).all():
                node.setPos(*p[int(j)])
                node.show()
            else:
                node.hide()
        g = ghost_points(exercise_id, target_deg, side) if target_deg is not None else None
        if g is None:
            self.ghost.root.hide()
        else:
            self.ghost.place(g)

    def show_ghost(self, on: bool) -> None:
        (self.ghost.root.show if on else self.ghost.root.hide)()

    def destroy(self) -> None:
        if self.body is not None:
            self.body.destroy()
        self.root.removeNode()

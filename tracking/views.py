"""Which way the body faces the camera, per frame: the auto view (front, side, oblique), the
side nearer a side camera, and how well a view shows a plane or a limb (for fault judgement).

Pure numpy on landmark arrays (xyzv (T,33,4), world (T,33,3) or None); used by
``tracking.kinematics`` (image vs 3D readings) and the exercise tracker.
"""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from tracking.angles import ANGLES, AngleDef
from tracking.landmarks import Landmark as L

#: the plane a camera view shows squarely (a planar measure in it is read from the image)
SHOWN_PLANE = {"front": "frontal", "side": "sagittal"}
#: landmark indices of the trunk: left shoulder, right shoulder, left hip, right hip
TRUNK = (int(L.LEFT_SHOULDER), int(L.RIGHT_SHOULDER), int(L.LEFT_HIP), int(L.RIGHT_HIP))


def facing(xyzv: np.ndarray, world: np.ndarray | None, width: float = 1.0) -> np.ndarray:
    """(T,) how squarely the body faces (or turns its back to) the camera: 1 front-on, 0 side-on."""
    def frontness(lat: np.ndarray) -> np.ndarray:
        return np.abs(lat[:, 0]) / np.hypot(lat[:, 0], lat[:, 2])
    torso = list(TRUNK)  # L shoulder, R shoulder, L hip, R hip
    img = xyzv[:, torso, :3].astype(np.float64) * np.array([width, 1.0, width])
    li = (img[:, 0] - img[:, 1]) + (img[:, 2] - img[:, 3])
    f = frontness(li)
    if world is not None:
        w = world[:, torso].astype(np.float64)
        lw = (w[:, 0] - w[:, 1]) + (w[:, 2] - w[:, 3])
        fw = frontness(lw)
        f = np.where(np.isfinite(fw), fw, f)
    return f


#: Backends whose depth is measured (depth cameras) or known (the virtual patient's exact 3D
#: points), not guessed from one image: the exercise tracker judges their faults from any
#: view. For the others (MediaPipe) a planar fault measure is judged only while the camera
#: shows its plane (``guessed_plane_visibility``: the less square of the guessed 3D facing and
#: the image's shoulder/hip widths, within ~40 degrees), and a measure of one side's limb is
#: not judged while a side view hides that side (``fault_visibility``).
DEPTH_BACKENDS = ("ui-prmd-kinect", "keraal-kinect", "virtual-patient", "synthetic")


def guesses_depth(backend: str) -> bool:
    """Does this backend guess depth from one image (e.g. MediaPipe), rather than measure it?"""
    return backend not in DEPTH_BACKENDS


def reads_guessed_depth(plane: str, view: str | None, source: str, backend: str) -> bool:
    """Is a measure in ``plane`` read, in this view, from depth a one-camera pose model guessed
    (not measured by a depth camera, not the virtual patient's exact points)? Any non-height
    measure from an oblique frame (view "any"), and a planar one read in 3D because the front
    or side view does not show its plane (a forward reach's shoulder flexion from the front;
    ``source`` "auto": the view picks image or 3D). Such readings jitter by several degrees
    from frame to frame (tracking/exercise/reps.py, ``guessed``)."""
    if plane == "vertical" or not guesses_depth(backend):
        return False
    return view == "any" or (view in SHOWN_PLANE and source == "auto"
                             and plane in SHOWN_PLANE.values() and SHOWN_PLANE[view] != plane)


#: Auto view hysteresis (cosines of the body's turn from the view): a front or side view is
#: entered within 25 degrees of it and kept until the body turns more than 35 degrees away.
VIEW_ENTER, VIEW_LEAVE = float(np.cos(np.radians(25.0))), float(np.cos(np.radians(35.0)))


def decide_views(f: np.ndarray, start: str | None = None) -> list[str]:
    """Per frame "front", "side" or "any" (oblique) from the facing ``f`` (see ``facing``),
    causal with hysteresis; NaN keeps the previous view. ``start`` is the view before."""
    out: list[str] = []
    cur = start if start in ("front", "side", "any") else None
    for x in np.asarray(f, np.float64).ravel().tolist():  # Python floats: a fast scalar loop
        if x == x:
            side = math.sqrt(max(0.0, 1.0 - x * x))
            if cur == "front" and x >= VIEW_LEAVE or cur == "side" and side >= VIEW_LEAVE:
                pass
            elif x >= VIEW_ENTER:
                cur = "front"
            elif side >= VIEW_ENTER:
                cur = "side"
            else:
                cur = "any"
        out.append(cur or "any")
    return out


def auto_views(xyzv: np.ndarray, world: np.ndarray | None, width: int = 0, height: int = 0,
               start: str | None = None) -> list[str]:
    """``decide_views`` on a series' arrays (what ``view="auto"`` uses)."""
    return decide_views(_facing(xyzv, world, width, height), start)


def _facing(xyzv: np.ndarray, world: np.ndarray | None, width: int, height: int) -> np.ndarray:
    """``facing`` of a series' arrays (image scaled by its size when given)."""
    W = float(width) if width > 0 and height > 0 else 1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        return facing(np.asarray(xyzv, np.float64), world, W)


def _plane_factors(frontal: np.ndarray, side_on: np.ndarray) -> dict[str, np.ndarray]:
    """Per plane, ``plane_factor`` of how squarely it is shown: the frontal plane from a
    facing (1 front-on), the sagittal one from the facing's complement (``side_on``: a facing)."""
    return {"frontal": plane_factor(frontal),
            "sagittal": plane_factor(np.sqrt(np.clip(1 - side_on * side_on, 0, 1)))}


def near_side(xyzv: np.ndarray, world: np.ndarray | None) -> np.ndarray:
    """(T,) 1 where the patient's left side is nearer the camera, -1 the right, 0 unknown
    (from the depth of the lateral axis: world landmarks, else the image's relative z)."""
    torso = list(TRUNK)

    def depth(p: np.ndarray) -> np.ndarray:
        return (p[:, 0, 2] - p[:, 1, 2]) + (p[:, 2, 2] - p[:, 3, 2])  # z away from the camera
    z = depth(np.asarray(xyzv, np.float64)[:, torso, :3])
    if world is not None:
        zw = depth(np.asarray(world, np.float64)[:, torso])
        z = np.where(np.isfinite(zw), zw, z)
    return -np.sign(np.nan_to_num(z, nan=0.0))


def plane_visibility(xyzv: np.ndarray, world: np.ndarray | None, width: int = 0,
                     height: int = 0) -> dict[str, np.ndarray]:
    """(T,) 0..1 per plane ("frontal", "sagittal"): how squarely the camera shows it (the
    image view factor; 1 within ~18 degrees, 0 beyond ~45). Other planes: 1."""
    f = _facing(xyzv, world, width, height)
    return _plane_factors(f, f)


#: The shoulder and hip lines' image width across the torso (summed) over the torso's image
#: length, for a body square to the camera as MediaPipe places these points: 1.06-1.10 on the
#: rendered virtual patient front-on (own clips: 800x600 and 960x540, 3.0-3.6 m), 1.07-1.19 on
#: the real front-view clips (../shared/data/videos: quva_020, kai_squat_incorrect_004,
#: wt_squat_19; a squat's forward lean shortens the torso and raises it). Not tuned on any
#: oblique clip.
SQUARE_WIDTH_RATIO = 1.1


def image_frontness(xyzv: np.ndarray, width: int = 0, height: int = 0) -> np.ndarray:
    """(T,) how squarely the body faces the camera judged from the image alone (no depth):
    the shoulder and hip lines' width across the torso axis over the torso's length, against
    ``SQUARE_WIDTH_RATIO``; 1 front-on (or nearer: clipped), about cos(turn) when turned.
    A lean within the image plane does not change it; a camera far above or below the
    chest shortens the torso and raises it (then the 3D facing decides, see
    ``guessed_plane_visibility``)."""
    W, H = (float(width), float(height)) if width > 0 and height > 0 else (1.0, 1.0)
    p = np.asarray(xyzv, np.float64)[:, list(TRUNK), :2] * np.array([W, H])
    axis = 0.5 * (p[:, 0] + p[:, 1]) - 0.5 * (p[:, 2] + p[:, 3])
    length = np.hypot(axis[:, 0], axis[:, 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        across = np.stack([-axis[:, 1], axis[:, 0]], axis=1) / length[:, None]
        wide = (np.abs(np.sum((p[:, 0] - p[:, 1]) * across, axis=1))
                + np.abs(np.sum((p[:, 2] - p[:, 3]) * across, axis=1)))
        return np.clip(wide / length / SQUARE_WIDTH_RATIO, 0.0, 1.0)


def guessed_plane_visibility(xyzv: np.ndarray, world: np.ndarray | None, width: int = 0,
                             height: int = 0, facings: np.ndarray | None = None
                             ) -> dict[str, np.ndarray]:
    """``plane_visibility`` for a pose model that guesses depth (MediaPipe): a plane counts
    as shown only as far as BOTH the 3D facing and ``image_frontness`` show it. MediaPipe
    compresses the depth it guesses, so its 3D facing turns the body towards the camera
    (own rendered clips from 45 degrees: facing 0.85-0.87, i.e. ~30 degrees, giving the
    frontal plane 0.6-0.7 visibility; image_frontness 0.70-0.73, cos 45 = 0.71).
    ``facings``: the series' 3D ``facing`` when already computed."""
    f = _facing(xyzv, world, width, height) if facings is None else facings
    g = image_frontness(xyzv, width, height)
    g = np.where(np.isfinite(g), g, f)
    return _plane_factors(np.fmin(f, g), np.fmax(f, g))


def limb_side(d: AngleDef) -> str:
    """"l"/"r" when every landmark of ``d`` lies on that side of the body (one limb and its
    root, e.g. knee flexion, hip flexion), else "" (trunk, both sides, e.g. pelvic drop)."""
    names = {L(i).name.split("_")[0] for i in d.points}
    return {"LEFT": "l", "RIGHT": "r"}.get(names.pop(), "") if len(names) == 1 else ""


def fault_visibility(names: Iterable[str], xyzv: np.ndarray, world: np.ndarray | None,
                     width: int = 0, height: int = 0) -> dict[str, np.ndarray]:
    """Per measure that needs it, (T,) 0..1: how far a single-camera pose model that guesses
    what it cannot see (MediaPipe) shows the measure well enough to judge a FAULT on it.

    A planar measure (frontal, sagittal) gets ``guessed_plane_visibility`` of its plane (the
    3D facing and the image's widths must both show it: guessed depth is compressed). A measure of
    one side's limb (``limb_side``) also gets that side's occlusion factor: in a side view the
    far side's limbs are hidden behind the body, so there the factor is 1 - the sagittal
    plane's visibility (0 side-on within ~18 degrees, 1 again from ~45 degrees off); the near
    side and any other view keep 1. Counting does not use this (it reads far limbs where the
    spec says so); measures needing neither factor are left out."""
    defs = [ANGLES[n] for n in dict.fromkeys(names)]
    if not defs:
        return {}
    f = _facing(xyzv, world, width, height)
    pv = guessed_plane_visibility(xyzv, world, width, height, f)
    near = near_side(xyzv, world)
    hidden = 1.0 - _plane_factors(f, f)["sagittal"]
    far = {"l": np.where(near < 0, hidden, 1.0), "r": np.where(near > 0, hidden, 1.0)}
    out: dict[str, np.ndarray] = {}
    for d in defs:
        f = pv[d.plane] if d.plane in pv else None
        s = limb_side(d)
        if s:
            f = far[s] if f is None else f * far[s]
        if f is not None:
            out[d.name] = f
    return out


def plane_factor(c: np.ndarray) -> np.ndarray:
    """Full confidence within ~18 degrees of the ideal view, none beyond ~45 degrees."""
    return np.clip((np.nan_to_num(c, nan=0.0) - 0.7) / 0.25, 0.0, 1.0)

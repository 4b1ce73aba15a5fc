"""Kinematic body model: joint angles (DOFs) -> the 33 BlazePose landmarks, in the body frame.

Body frame (team convention): metres, right-handed, +y up, the patient faces +z, +x is the
patient's LEFT, origin on the floor between the feet (in the rest pose).

Proportions follow Winter's anthropometry (Winter, *Biomechanics and Motor Control of Human
Movement*, segment lengths as fractions of height H). Every function is vectorised over
frames: DOF arrays are (T,), landmarks come back as (T, 33, 3).

DOF conventions (degrees unless said; ``_l``/``_r`` = patient's left/right; every DOF is 0
in the rest pose: standing upright, arms hanging, palms facing the thighs, feet flat):

- ``root_x, root_y, root_z`` (m): offset of the whole body, added after grounding.
- ``grounded`` (0/1, default 1): 1 puts the lowest foot point on the floor and pins the
  stance foot horizontally (``stance_l``); 0 leaves the pelvis at the rest height + root.
- ``stance_l`` (0..1): weight of the left foot when pinning the feet in x/z (1 = the left
  foot stays put, 0 = the right foot, 0.5 = the midpoint of both). Default -1 = automatic:
  the lower foot is the stance foot (0.5 when both are down).
- ``pelvis_rotation`` (+ turns the body to its left), ``pelvis_tilt`` (+ anterior: top of the
  pelvis forward), ``pelvis_obliquity`` (+ the left hip rises / the right hip drops).
- ``trunk_flexion`` (+ forward), ``trunk_lateral_lean`` (+ towards the patient's left),
  ``trunk_rotation`` (+ the chest turns to its left); relative to the pelvis, pivot at mid-hip.
- ``neck_flexion`` (+ chin down), ``neck_lateral`` (+ ear to left shoulder), ``neck_rotation``
  (+ face turns left); relative to the chest.
- per side: ``hip_flexion`` (+ thigh forward), ``hip_abduction`` (+ thigh away from the
  midline), ``hip_rotation`` (+ internal), ``knee_flexion`` (+ heel towards buttock),
  ``ankle_plantarflexion`` (+ toes down, - dorsiflexion), ``shoulder_flexion`` (+ arm forward
  and up), ``shoulder_abduction`` (+ arm out to the side and up), ``shoulder_rotation``
  (+ external), ``shoulder_elevation`` (+ shrug: clavicle lifted on top of the automatic
  scapulohumeral rise), ``elbow_flexion``, ``forearm_pronation`` (+ palm turns backwards).

Hip and shoulder swings combine flexion and abduction as one rotation vector (no gimbal lock
below 180 degrees of elevation); pure flexion or pure abduction is the plain planar rotation.
The shoulder landmark rides on a clavicle from the sternal notch: as the arm rises above
shoulder height (elevation 70 -> 170 degrees) the clavicle lifts up to 17 degrees, so the
shoulder point rises about 5 cm and moves about 1 cm inwards, as real shoulders do.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from tracking.landmarks import NUM_LANDMARKS, Landmark as L

SIDES = ("l", "r")
_SIDE_DOFS = ("hip_flexion", "hip_abduction", "hip_rotation", "knee_flexion",
              "ankle_plantarflexion", "shoulder_flexion", "shoulder_abduction",
              "shoulder_rotation", "shoulder_elevation", "elbow_flexion", "forearm_pronation")
#: Every DOF name the model understands, with its rest value.
DOF_DEFAULTS: dict[str, float] = {
    "root_x": 0.0, "root_y": 0.0, "root_z": 0.0, "grounded": 1.0, "stance_l": -1.0,
    "pelvis_rotation": 0.0, "pelvis_tilt": 0.0, "pelvis_obliquity": 0.0,
    "trunk_flexion": 0.0, "trunk_lateral_lean": 0.0, "trunk_rotation": 0.0,
    "neck_flexion": 0.0, "neck_lateral": 0.0, "neck_rotation": 0.0,
    **{f"{name}_{s}": 0.0 for name in _SIDE_DOFS for s in SIDES},
}
DOF_NAMES: tuple[str, ...] = tuple(DOF_DEFAULTS)

#: Automatic clavicle lift (degrees) reached at full arm elevation.
CLAVICLE_LIFT_DEG = 17.0
_RHYTHM_START, _RHYTHM_END = 70.0, 170.0


@dataclass(frozen=True)
class BodyShape:
    """Body proportions. Lengths are fractions of ``height`` (Winter's anthropometry)."""

    height: float = 1.75  #: standing height, m
    ankle_height: float = 0.039
    knee_height: float = 0.285
    hip_height: float = 0.530  #: hip joint centre above the floor
    shoulder_height: float = 0.818
    upper_arm: float = 0.186
    forearm: float = 0.146
    hand: float = 0.108
    foot_length: float = 0.152
    shoulder_width: float = 0.200  #: between the two shoulder landmarks (joint centres)
    hip_width: float = 0.125  #: between the two hip landmarks
    stance_width: float = 0.125  #: between the ankles in the rest pose

    def m(self, frac: float) -> float:
        """A fraction of height in metres."""
        return frac * self.height

    @property
    def thigh(self) -> float:
        return self.m(self.hip_height - self.knee_height)

    @property
    def shank(self) -> float:
        return self.m(self.knee_height - self.ankle_height)

    @property
    def trunk(self) -> float:
        """Mid-hip to sternal notch (mid-shoulder level)."""
        return self.m(self.shoulder_height - self.hip_height)


# -- rotations (vectorised) -----------------------------------------------------------------
def _rot(axis: int, deg: np.ndarray) -> np.ndarray:
    """(T,3,3) right-handed rotations about a body axis (0=x, 1=y, 2=z)."""
    a = np.radians(np.asarray(deg, dtype=np.float64))
    c, s = np.cos(a), np.sin(a)
    out = np.zeros(a.shape + (3, 3))
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    out[..., axis, axis] = 1.0
    out[..., i, i] = c
    out[..., j, j] = c
    out[..., i, j] = -s
    out[..., j, i] = s
    return out


def _rotvec(v: np.ndarray) -> np.ndarray:
    """(T,3) rotation vectors (radians) -> (T,3,3) matrices (Rodrigues)."""
    theta = np.linalg.norm(v, axis=-1)
    safe = np.where(theta > 1e-12, theta, 1.0)
    k = v / safe[..., None]
    kx = np.zeros(v.shape[:-1] + (3, 3))
    kx[..., 0, 1], kx[..., 0, 2] = -k[..., 2], k[..., 1]
    kx[..., 1, 0], kx[..., 1, 2] = k[..., 2], -k[..., 0]
    kx[..., 2, 0], kx[..., 2, 1] = -k[..., 1], k[..., 0]
    s, c = np.sin(theta)[..., None, None], np.cos(theta)[..., None, None]
    return np.eye(3) + s * kx + (1.0 - c) * (kx @ kx)


def _swing(flex: np.ndarray, abd: np.ndarray, sign: float) -> np.ndarray:
    """Limb swing: flexion moves a hanging limb forward, abduction moves it outwards."""
    v = np.stack([-np.radians(flex), np.zeros_like(flex), sign * np.radians(abd)], axis=-1)
    return _rotvec(v)


def _apply(r: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Rotate (3,) or (T,3) vectors by (T,3,3) matrices."""
    return np.einsum("tij,...tj->...ti", r, np.broadcast_to(p, r.shape[:-2] + (3,)))


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def full_dofs(dofs: Mapping[str, np.ndarray | float], n: int | None = None) -> dict[str, np.ndarray]:
    """Every DOF as a (T,) float array (defaults filled in); unknown names raise ValueError."""
    unknown = sorted(set(dofs) - set(DOF_DEFAULTS))
    if unknown:
        raise ValueError(f"unknown DOF names: {', '.join(unknown)}")
    arrays = {k: np.atleast_1d(np.asarray(v, dtype=np.float64)) for k, v in dofs.items()}
    if n is None:
        n = max((a.shape[0] for a in arrays.values()), default=1)
    out = {}
    for name, default in DOF_DEFAULTS.items():
        a = arrays.get(name)
        out[name] = np.full(n, default) if a is None else np.broadcast_to(a, (n,)).astype(np.float64)
    return out


def level_ankle(dofs: Mapping[str, np.ndarray], side: str) -> np.ndarray:
    """Ankle plantarflexion that keeps the foot level in a sagittal pose (no abduction)."""
    return (np.asarray(dofs.get(f"hip_flexion_{side}", 0.0)) - np.asarray(dofs.get("pelvis_tilt", 0.0))
            - np.asarray(dofs.get(f"knee_flexion_{side}", 0.0)))


def arm_elevation(flex: np.ndarray, abd: np.ndarray) -> np.ndarray:
    """Angle (degrees) between the upper arm and the trunk's downward axis."""
    d = _apply(_swing(np.asarray(flex, float), np.asarray(abd, float), 1.0), np.array([0.0, -1.0, 0.0]))
    return np.degrees(np.arccos(np.clip(-d[..., 1], -1.0, 1.0)))


def pose_landmarks(dofs: Mapping[str, np.ndarray | float], body: BodyShape = BodyShape()) -> np.ndarray:
    """Forward kinematics: DOF trajectories -> (T, 33, 3) landmark positions, body frame."""
    d = full_dofs(dofs)
    n = next(iter(d.values())).shape[0]
    b, out = body, np.zeros((n, NUM_LANDMARKS, 3))
    up = np.array([0.0, 1.0, 0.0])

    # Pelvis at mid-hip, rest height; orientation: yaw, obliquity (about z), tilt (about x).
    pelvis_pos = np.tile([0.0, b.m(b.hip_height), 0.0], (n, 1))
    r_pelvis = _rot(1, d["pelvis_rotation"]) @ _rot(2, d["pelvis_obliquity"]) @ _rot(0, d["pelvis_tilt"])
    r_chest = (r_pelvis @ _rot(1, d["trunk_rotation"]) @ _rot(2, -d["trunk_lateral_lean"])
               @ _rot(0, d["trunk_flexion"]))
    notch = pelvis_pos + _apply(r_chest, b.trunk * up)
    r_head = r_chest @ _rot(1, d["neck_rotation"]) @ _rot(2, -d["neck_lateral"]) @ _rot(0, d["neck_flexion"])
    head_base = notch + _apply(r_head, np.array([0.0, b.m(0.03), -b.m(0.005)]))
    k = b.height / 1.75  # face and hand details are given for a 1.75 m adult
    face = {  # relative to head_base in the head frame; x = left, z = forward
        L.NOSE: (0.0, 0.11, 0.105), L.MOUTH_LEFT: (0.025, 0.075, 0.09),
        L.MOUTH_RIGHT: (-0.025, 0.075, 0.09), L.LEFT_EAR: (0.075, 0.14, 0.0),
        L.RIGHT_EAR: (-0.075, 0.14, 0.0), L.LEFT_EYE_INNER: (0.017, 0.155, 0.085),
        L.LEFT_EYE: (0.032, 0.156, 0.083), L.LEFT_EYE_OUTER: (0.046, 0.155, 0.076),
        L.RIGHT_EYE_INNER: (-0.017, 0.155, 0.085), L.RIGHT_EYE: (-0.032, 0.156, 0.083),
        L.RIGHT_EYE_OUTER: (-0.046, 0.155, 0.076)}
    for lm, off in face.items():
        out[:, lm] = head_base + _apply(r_head, k * np.array(off))

    feet_low = []
    for side, sx in (("l", 1.0), ("r", -1.0)):
        sfx = "_" + side
        # Shoulder girdle: clavicle from the notch, lifted by the scapulohumeral rhythm + shrug.
        flex, abd = d["shoulder_flexion" + sfx], d["shoulder_abduction" + sfx]
        elev = arm_elevation(flex, abd)
        lift = (CLAVICLE_LIFT_DEG * _smoothstep((elev - _RHYTHM_START) / (_RHYTHM_END - _RHYTHM_START))
                + d["shoulder_elevation" + sfx])
        a = np.radians(lift)
        half = b.m(b.shoulder_width) / 2.0
        clav = np.stack([sx * half * np.cos(a), half * np.sin(a), np.zeros(n)], axis=-1)
        shoulder = notch + _apply(r_chest, clav)
        r_arm = r_chest @ _swing(flex, abd, sx) @ _rot(1, sx * d["shoulder_rotation" + sfx])
        elbow = shoulder + _apply(r_arm, np.array([0.0, -b.m(b.upper_arm), 0.0]))
        r_fore = r_arm @ _rot(0, -d["elbow_flexion" + sfx]) @ _rot(1, -sx * d["forearm_pronation" + sfx])
        wrist = elbow + _apply(r_fore, np.array([0.0, -b.m(b.forearm), 0.0]))
        # Hand, neutral: palm facing the thigh (-x for the left hand), thumb forward.
        hand = {"PINKY": (-0.012, -0.078, -0.028), "INDEX": (-0.012, -0.088, 0.022),
                "THUMB": (-0.02, -0.055, 0.045)}
        prefix = "LEFT_" if side == "l" else "RIGHT_"
        for name, pt in (("SHOULDER", shoulder), ("ELBOW", elbow), ("WRIST", wrist)):
            out[:, L[prefix + name]] = pt
        for name, (hx, hy, hz) in hand.items():
            out[:, L[prefix + name]] = wrist + _apply(r_fore, k * np.array([sx * hx, hy, hz]))

        # Leg.
        hip = pelvis_pos + _apply(r_pelvis, np.array([sx * b.m(b.hip_width) / 2, 0.0, 0.0]))
        r_thigh = (r_pelvis @ _swing(d["hip_flexion" + sfx], d["hip_abduction" + sfx], sx)
                   @ _rot(1, -sx * d["hip_rotation" + sfx]))
        # The rest stance may be wider than the hips: a constant tilt of the thigh.
        spread = np.degrees(np.arctan2((b.m(b.stance_width) - b.m(b.hip_width)) / 2,
                                       b.thigh + b.shank))
        r_thigh = r_thigh @ _rot(2, np.full(n, sx * spread))
        knee = hip + _apply(r_thigh, np.array([0.0, -b.thigh, 0.0]))
        r_shank = r_thigh @ _rot(0, d["knee_flexion" + sfx])
        ankle = knee + _apply(r_shank, np.array([0.0, -b.shank, 0.0]))
        r_foot = r_shank @ _rot(2, np.full(n, -sx * spread)) @ _rot(0, d["ankle_plantarflexion" + sfx])
        sole = -b.m(b.ankle_height) + 0.02 * k
        heel = ankle + _apply(r_foot, np.array([0.0, sole, -0.2 * b.m(b.foot_length)]))
        toe = ankle + _apply(r_foot, np.array([0.0, sole, 0.7 * b.m(b.foot_length)]))
        for name, pt in (("HIP", hip), ("KNEE", knee), ("ANKLE", ankle), ("HEEL", heel),
                         ("FOOT_INDEX", toe)):
            out[:, L[prefix + name]] = pt
        feet_low.append(np.minimum(heel[:, 1], toe[:, 1]))

    # Grounding: lowest foot point back at its rest height; stance foot pinned in x/z.
    rest_sole = 0.02 * k
    g = d["grounded"][:, None]
    shift = np.zeros((n, 3))
    shift[:, 1] = rest_sole - np.minimum(*feet_low)
    auto = 0.5 * (1.0 + np.tanh((feet_low[1] - feet_low[0]) / (0.01 * k)))
    w = np.where(d["stance_l"] < 0, auto, np.clip(d["stance_l"], 0.0, 1.0))
    pin = w[:, None] * out[:, L.LEFT_ANKLE] + (1 - w)[:, None] * out[:, L.RIGHT_ANKLE]
    rest_pin_x = (2 * w - 1) * b.m(b.stance_width) / 2
    shift[:, 0] = rest_pin_x - pin[:, 0]
    shift[:, 2] = -pin[:, 2]
    shift = g * shift + np.stack([d["root_x"], d["root_y"], d["root_z"]], axis=-1)
    return out + shift[:, None, :]


def rest_landmarks(body: BodyShape = BodyShape()) -> np.ndarray:
    """(33, 3) landmarks of the rest pose."""
    return pose_landmarks({}, body)[0]

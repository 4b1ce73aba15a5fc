"""A small kinematic stick figure that turns joint angles into a PoseSeries.

For tests and demos of the scoring engine: joint angles in, BlazePose landmarks out (image
landmarks from an orthographic camera at a chosen yaw, plus world landmarks). The full
virtual patient (tracking.virtual_patient) is richer; this one is tiny and exact.
Body frame: metres, +y up, +x the patient's left, the patient faces +z (the camera at yaw 0).
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from tracking.landmarks import Landmark as L
from tracking.series import PoseSeries, SeriesMeta

SEG = {"torso": 0.5, "hip": 0.1, "shoulder": 0.18, "thigh": 0.45, "shank": 0.43,
       "upper_arm": 0.3, "forearm": 0.27, "ankle_h": 0.08, "heel": 0.05, "toe": 0.15}
JOINTS = ("knee_flexion", "hip_flexion", "hip_abduction", "shoulder_flexion",
          "shoulder_abduction", "elbow_flexion", "heel_raise", "shoulder_rotation")


def _rot(axis: np.ndarray, ang: np.ndarray) -> np.ndarray:
    """(T,3,3) rotations by ``ang`` radians about unit ``axis`` (3,)."""
    x, y, z = axis
    c, s = np.cos(ang), np.sin(ang)
    C = 1 - c
    return np.stack([
        np.stack([c + x * x * C, x * y * C - z * s, x * z * C + y * s], -1),
        np.stack([y * x * C + z * s, c + y * y * C, y * z * C - x * s], -1),
        np.stack([z * x * C - y * s, z * y * C + x * s, c + z * z * C], -1)], -2)


def _limb(flex: np.ndarray, abd: np.ndarray, out: float) -> np.ndarray:
    """Direction of a limb hanging from the trunk: flexed forward, then abducted outward."""
    a, b = np.radians(flex), np.radians(abd)
    return np.stack([out * np.sin(b), -np.cos(a) * np.cos(b), np.sin(a) * np.cos(b)], -1)


def pose_series(t_s: np.ndarray, joints: Mapping[str, np.ndarray | float], yaw_deg: float = 0.0,
                trunk_forward_lean: np.ndarray | float = 0.0,
                trunk_lateral_lean: np.ndarray | float = 0.0, width: int = 640, height: int = 480,
                visibility: float = 0.99) -> PoseSeries:
    """Landmarks for joint angles in degrees over time.

    ``joints`` maps ``NAME_l`` / ``NAME_r`` (NAME in ``JOINTS``) to a scalar or (T,) array;
    missing joints are 0. ``yaw_deg`` turns the patient about the vertical: 0 faces the
    camera (front view), 90 turns the patient to face image right (the camera sees the
    right side; side view). Trunk leans are
    relative to vertical; limbs are placed relative to the trunk; shoulder flexion and
    abduction should not both be non-zero (the figure does not model combined planes).
    """
    t_s = np.asarray(t_s, np.float64)
    T = len(t_s)

    def j(name: str) -> np.ndarray:
        return np.broadcast_to(np.asarray(joints.get(name, 0.0), np.float64), (T,)).copy()

    fl = np.radians(np.broadcast_to(np.asarray(trunk_forward_lean, np.float64), (T,)))
    ll = np.radians(np.broadcast_to(np.asarray(trunk_lateral_lean, np.float64), (T,)))
    # trunk frame: rotate about x (forward lean: up -> +z), then about z (lean to the left: up -> +x)
    R = _rot(np.array([0.0, 0.0, -1.0]), ll) @ _rot(np.array([1.0, 0.0, 0.0]), fl)
    P = np.zeros((T, 33, 3))
    ex, ey, ez = R[:, :, 0], R[:, :, 1], R[:, :, 2]
    mid_hip = np.zeros((T, 3))
    mid_sh = mid_hip + SEG["torso"] * ey
    for side, out in (("l", 1.0), ("r", -1.0)):
        sh = L.LEFT_SHOULDER if side == "l" else L.RIGHT_SHOULDER
        S = mid_sh + out * SEG["shoulder"] * ex
        Hp = mid_hip + out * SEG["hip"] * ex
        P[:, sh] = S
        P[:, sh + 12] = Hp  # each hip is 12 indices after its shoulder
        # arm
        ua = np.einsum("tij,tj->ti", R, _limb(j(f"shoulder_flexion_{side}"),
                                              j(f"shoulder_abduction_{side}"), out))
        E = S + SEG["upper_arm"] * ua
        # forearm: elbow flexion bends it forward about the arm's lateral axis, then rotation
        lat_arm = np.cross(ua, np.einsum("tij,j->ti", R, np.array([0.0, 0.0, 1.0])))
        bad = np.linalg.norm(lat_arm, axis=1) < 1e-6
        lat_arm[bad] = np.einsum("tij,j->ti", R, np.array([1.0, 0.0, 0.0]))[bad]
        lat_arm /= np.linalg.norm(lat_arm, axis=1, keepdims=True)
        ef = np.radians(j(f"elbow_flexion_{side}"))
        fwd_arm = np.cross(lat_arm, ua)
        fa = np.cos(ef)[:, None] * ua + np.sin(ef)[:, None] * fwd_arm
        rot = np.radians(j(f"shoulder_rotation_{side}"))
        fa = np.einsum("tij,tj->ti", np.stack([_rot(u, r) for u, r in zip(ua, -out * rot)]), fa) \
            if np.any(rot) else fa
        Wr = E + SEG["forearm"] * fa
        P[:, sh + 2], P[:, sh + 4] = E, Wr
        for k in (6, 8, 10):
            P[:, sh + k] = Wr + 0.06 * fa
        # leg
        th = np.einsum("tij,tj->ti", R, _limb(j(f"hip_flexion_{side}"), j(f"hip_abduction_{side}"), out))
        K = Hp + SEG["thigh"] * th
        lat_leg = np.einsum("tij,j->ti", R, np.array([1.0, 0.0, 0.0]))
        lat_leg = lat_leg - np.sum(lat_leg * th, axis=1, keepdims=True) * th
        lat_leg /= np.linalg.norm(lat_leg, axis=1, keepdims=True)
        kf = np.radians(j(f"knee_flexion_{side}"))
        back = np.cross(lat_leg, th)  # lateral x thigh: backwards for a hanging thigh
        sk = np.cos(kf)[:, None] * th + np.sin(kf)[:, None] * back
        A = K + SEG["shank"] * sk
        hr = np.radians(j(f"heel_raise_{side}"))
        fwd = np.array([0.0, 0.0, 1.0])
        toe = A + np.array([0.0, -SEG["ankle_h"], 0.0]) + SEG["toe"] * fwd
        foot_dir = np.stack([np.zeros(T), np.sin(hr), -np.cos(hr)], -1)  # toe -> heel
        heel = toe + (SEG["toe"] + SEG["heel"]) * foot_dir
        a0 = L.LEFT_KNEE if side == "l" else L.RIGHT_KNEE
        P[:, a0], P[:, a0 + 2], P[:, a0 + 4], P[:, a0 + 6] = K, A, heel, toe
    up = np.einsum("tij,j->ti", R, np.array([0.0, 1.0, 0.0]))
    fz = np.einsum("tij,j->ti", R, np.array([0.0, 0.0, 1.0]))
    fx = np.einsum("tij,j->ti", R, np.array([1.0, 0.0, 0.0]))
    head = mid_sh + 0.22 * up
    P[:, L.NOSE] = head + 0.1 * fz
    for i, dx in ((L.LEFT_EYE_INNER, .02), (L.LEFT_EYE, .035), (L.LEFT_EYE_OUTER, .05)):
        P[:, i] = head + 0.03 * up + 0.08 * fz + dx * fx
        P[:, L(i).mirrored] = head + 0.03 * up + 0.08 * fz - dx * fx
    P[:, L.LEFT_EAR], P[:, L.RIGHT_EAR] = head + 0.07 * fx, head - 0.07 * fx
    P[:, L.MOUTH_LEFT], P[:, L.MOUTH_RIGHT] = head - 0.05 * up + 0.08 * fz + 0.025 * fx, \
        head - 0.05 * up + 0.08 * fz - 0.025 * fx
    # stand on the floor: the lowest foot point at y = 0
    feet = P[:, [L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX], 1]
    P[:, :, 1] -= feet.min(axis=1, keepdims=True)
    # turn the patient by yaw about the vertical
    yaw = np.radians(yaw_deg)
    Ry = np.array([[np.cos(yaw), 0, np.sin(yaw)], [0, 1, 0], [-np.sin(yaw), 0, np.cos(yaw)]])
    P = P @ Ry.T
    hips = 0.5 * (P[:, L.LEFT_HIP] + P[:, L.RIGHT_HIP])
    world = (P - hips[:, None]) * np.array([1.0, -1.0, -1.0])
    f = 0.45 * height / 1.9  # pixels per metre: a 1.9 m tall frame fills 45% of the height
    xyzv = np.empty((T, 33, 4))
    xyzv[:, :, 0] = 0.5 + P[:, :, 0] * f / width
    xyzv[:, :, 1] = 0.95 - P[:, :, 1] * f / height
    xyzv[:, :, 2] = -(P[:, :, 2] - hips[:, None, 2]) * f / width
    xyzv[:, :, 3] = visibility
    meta = SeriesMeta(source="synthetic", fps=float(1.0 / np.median(np.diff(t_s))) if T > 1 else 0.0,
                      backend="synthetic", width=width, height=height)
    return PoseSeries(t_s * 1000.0, xyzv.astype(np.float32), world.astype(np.float32), None, meta)

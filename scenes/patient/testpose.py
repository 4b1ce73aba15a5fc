"""A small standalone pose maker: 33 BlazePose points of a standing adult, plus a squat.

Used to build and check the figure on its own (tests, screenshots) independently of the
kinematic virtual patient. Body frame: metres, +y up, faces +z, +x = the patient's left,
origin on the floor between the feet.
"""
from __future__ import annotations

import math

import numpy as np

from tracking.landmarks import Landmark as L

#: A standing adult of about 1.72 m, arms hanging (left side; the right side is mirrored).
_STANDING_LEFT: dict[str, tuple[float, float, float]] = {
    "EYE_INNER": (0.015, 1.615, 0.085), "EYE": (0.032, 1.617, 0.080),
    "EYE_OUTER": (0.048, 1.615, 0.072), "EAR": (0.074, 1.595, 0.000),
    "MOUTH": (0.024, 1.545, 0.085), "SHOULDER": (0.180, 1.430, 0.000),
    "ELBOW": (0.215, 1.150, -0.020), "WRIST": (0.230, 0.890, 0.010),
    "PINKY": (0.240, 0.810, -0.005), "INDEX": (0.225, 0.800, 0.045),
    "THUMB": (0.205, 0.840, 0.045), "HIP": (0.092, 0.930, 0.000),
    "KNEE": (0.100, 0.505, 0.010), "ANKLE": (0.105, 0.080, -0.010),
    "HEEL": (0.105, 0.030, -0.065), "FOOT_INDEX": (0.125, 0.020, 0.150),
}


def standing() -> np.ndarray:
    """(33, 3) float32 landmark positions of the standing test adult."""
    out = np.zeros((33, 3), np.float32)
    out[L.NOSE] = (0.0, 1.585, 0.105)
    for name, (x, y, z) in _STANDING_LEFT.items():
        if name == "MOUTH":
            out[L.MOUTH_LEFT] = (x, y, z)
            out[L.MOUTH_RIGHT] = (-x, y, z)
            continue
        out[L[f"LEFT_{name}"]] = (x, y, z)
        out[L[f"RIGHT_{name}"]] = (-x, y, z)
    return out


def _rot_x(p: np.ndarray, pivot: np.ndarray, deg: float) -> np.ndarray:
    """Rotate points about the x axis through ``pivot`` (positive: +y towards +z)."""
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    q = p - pivot
    return np.stack([q[..., 0], c * q[..., 1] - s * q[..., 2], s * q[..., 1] + c * q[..., 2]],
                    -1) + pivot


def squat(knee_flex_deg: float, arms_forward_deg: float = 0.0) -> np.ndarray:
    """The test adult squatting: knee flexion in degrees (0 = standing), feet planted."""
    p = standing().astype(np.float64)
    shin = knee_flex_deg * 0.45  # shin leans forward, thigh back, trunk forward
    legs_upper = [L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE]
    above_knee = [i for i in range(33) if p[i, 1] > 0.3 and i not in (L.LEFT_KNEE, L.RIGHT_KNEE)]
    for side in ("LEFT", "RIGHT"):
        ankle = p[L[f"{side}_ANKLE"]].copy()
        p[L[f"{side}_KNEE"]] = _rot_x(p[L[f"{side}_KNEE"]], ankle, shin)
    knee_mid = (p[L.LEFT_KNEE] + p[L.RIGHT_KNEE]) / 2
    hip_mid0 = (p[L.LEFT_HIP] + p[L.RIGHT_HIP]) / 2
    thigh_len = float(np.linalg.norm(hip_mid0 - (standing()[L.LEFT_KNEE] + standing()[L.RIGHT_KNEE]) / 2))
    thigh_dir = math.radians(shin - knee_flex_deg)  # angle from vertical, + forward
    hip_mid = knee_mid + thigh_len * np.array([0.0, math.cos(thigh_dir), math.sin(thigh_dir)])
    upper = [i for i in above_knee if i not in legs_upper[2:]]
    trunk = knee_flex_deg * 0.35
    for i in upper:
        p[i] = p[i] - hip_mid0 + hip_mid
    p[upper] = _rot_x(p[upper], hip_mid, trunk)
    for side in ("LEFT", "RIGHT"):
        sh = p[L[f"{side}_SHOULDER"]].copy()
        arm = [L[f"{side}_{n}"] for n in ("ELBOW", "WRIST", "PINKY", "INDEX", "THUMB")]
        p[arm] = _rot_x(p[arm], sh, -arms_forward_deg)
    return p.astype(np.float32)

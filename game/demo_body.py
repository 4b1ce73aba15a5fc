"""A small kinematic body for the demo patient and the tests (alongside the virtual patient).

``body_points(pose)`` places the 33 BlazePose landmarks in the body frame (metres, +y up,
the patient faces +z, +x = patient's left, origin on the floor between the feet) for a few
joint angles; ``to_frame`` projects them into a ``PoseFrame`` as a front camera would see
them (image-normalised, y down; world landmarks MediaPipe-style). ``draw_camera_image``
paints a simple person picture for the camera inset when there is no real camera.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tracking.landmarks import BONES, NUM_LANDMARKS, Landmark as L
from tracking.series import PoseFrame


@dataclass(frozen=True)
class BodyPose:
    """Joint angles in degrees. Arms: 0 = hanging, 90 = sideways, 170 = overhead."""

    arm_left: float = 10.0
    arm_right: float = 10.0
    elbow_left: float = 0.0  #: elbow flexion (0 = straight)
    elbow_right: float = 0.0
    knee: float = 0.0  #: squat: knee flexion of both legs
    lean: float = 0.0  #: sideways trunk lean, + towards the patient's left
    x: float = 0.0  #: sideways position in metres (+ = patient's left)
    sway: float = 0.0  #: small forward/back sway (metres)


SH_W, HIP_W, UPPER, FORE, THIGH, SHIN, TRUNK = 0.19, 0.10, 0.29, 0.27, 0.43, 0.43, 0.50


def _arm(shoulder: np.ndarray, side: float, abd: float, flex: float) -> tuple[np.ndarray, ...]:
    a = math.radians(abd)
    d1 = np.array([side * math.sin(a), -math.cos(a), 0.0])
    elbow = shoulder + UPPER * d1
    b = a + math.radians(flex)  # the forearm turns further up in the frontal plane
    d2 = np.array([side * math.sin(b), -math.cos(b), 0.0])
    d2 = d2 * 0.8 + np.array([0.0, 0.0, 0.2 * math.sin(math.radians(flex))])
    wrist = elbow + FORE * d2 / np.linalg.norm(d2)
    hand = wrist + 0.08 * d2 / np.linalg.norm(d2)
    return elbow, wrist, hand


def body_points(pose: BodyPose) -> np.ndarray:
    """(33, 3) landmark positions in the body frame for ``pose``."""
    p = np.zeros((NUM_LANDMARKS, 3))
    q = math.radians(pose.knee)
    a = q / 2.0  # shin tilts forward, thigh back, by half the knee flexion each
    for side, hip_i, knee_i, ank_i, heel_i, toe_i in (
            (1.0, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
            (-1.0, L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX)):
        ankle = np.array([side * HIP_W, 0.08, 0.0])
        knee = ankle + SHIN * np.array([0.0, math.cos(a), math.sin(a)])
        hip = knee + THIGH * np.array([0.0, math.cos(a), -math.sin(a)])
        p[ank_i], p[knee_i], p[hip_i] = ankle, knee, hip
        p[heel_i] = ankle + [0.0, -0.06, -0.06]
        p[toe_i] = ankle + [0.0, -0.07, 0.16]
    mid_hip = (p[L.LEFT_HIP] + p[L.RIGHT_HIP]) / 2
    lean = math.radians(pose.lean)
    up = np.array([math.sin(lean), math.cos(lean), math.sin(a) * 0.6])
    up /= np.linalg.norm(up)
    side_axis = np.array([math.cos(lean), -math.sin(lean), 0.0])
    mid_sh = mid_hip + TRUNK * up
    p[L.LEFT_SHOULDER] = mid_sh + SH_W * side_axis
    p[L.RIGHT_SHOULDER] = mid_sh - SH_W * side_axis
    for side, s_i, e_i, w_i, hands, abd, flex in (
            (1.0, L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST,
             (L.LEFT_PINKY, L.LEFT_INDEX, L.LEFT_THUMB), pose.arm_left, pose.elbow_left),
            (-1.0, L.RIGHT_SHOULDER, L.RIGHT_ELBOW, L.RIGHT_WRIST,
             (L.RIGHT_PINKY, L.RIGHT_INDEX, L.RIGHT_THUMB), pose.arm_right, pose.elbow_right)):
        elbow, wrist, hand = _arm(p[s_i], side, abd + side * pose.lean, flex)
        p[e_i], p[w_i] = elbow, wrist
        for k, h_i in enumerate(hands):
            p[h_i] = hand + [0.0, 0.0, 0.02 * (k - 1)]
    head = mid_sh + 0.22 * up
    face = {L.NOSE: (0, 0, 0.10), L.LEFT_EYE_INNER: (0.015, 0.03, 0.09),
            L.LEFT_EYE: (0.03, 0.03, 0.09), L.LEFT_EYE_OUTER: (0.045, 0.03, 0.085),
            L.LEFT_EAR: (0.075, 0.01, 0.0), L.MOUTH_LEFT: (0.025, -0.035, 0.09)}
    for lm, off in face.items():
        p[lm] = head + off
        p[lm.mirrored] = head + (-off[0], off[1], off[2])
    p[:, 0] += pose.x
    p[:, 2] += pose.sway
    return p


def to_frame(points: np.ndarray, t_ms: float, index: int = -1, visibility: float = 0.95,
             cam_height: float = 1.0, cam_dist: float = 3.0, aspect: float = 16 / 9) -> PoseFrame:
    """Project body-frame points into a PoseFrame as an unmirrored front camera sees them
    (the patient's left appears on the image's right)."""
    fy = 1.0 / (2 * math.tan(math.radians(30)))  # 60 degrees vertical field of view
    depth = cam_dist - points[:, 2]
    u = 0.5 + fy * points[:, 0] / depth / aspect
    v = 0.5 - fy * (points[:, 1] - cam_height) / depth
    xyzv = np.empty((NUM_LANDMARKS, 4), np.float32)
    xyzv[:, 0], xyzv[:, 1] = u, v
    mid_hip = (points[L.LEFT_HIP] + points[L.RIGHT_HIP]) / 2
    xyzv[:, 2] = -(points[:, 2] - mid_hip[2]) / cam_dist
    xyzv[:, 3] = visibility
    world = np.empty((NUM_LANDMARKS, 3), np.float32)
    rel = points - mid_hip
    world[:, 0], world[:, 1], world[:, 2] = rel[:, 0], -rel[:, 1], -rel[:, 2]
    return PoseFrame(float(t_ms), xyzv, world, 0, index)


def draw_camera_image(xyzv: np.ndarray | None, width: int = 192, height: int = 108,
                      brightness: int = 150) -> np.ndarray:
    """(H, W, 3) uint8 RGB picture of a person drawn from image-normalised landmarks: a
    stand-in camera image for the demo (a room wall, a floor, a figure)."""
    img = np.empty((height, width, 3), np.uint8)
    img[:] = (brightness, int(brightness * 0.93), int(brightness * 0.85))
    img[int(height * 0.78):] = (int(brightness * 0.6), int(brightness * 0.5), int(brightness * 0.4))
    if xyzv is None or not np.isfinite(xyzv[:, :2]).any():
        return img
    yy, xx = np.mgrid[0:height, 0:width]
    pts = xyzv[:, :2] * [width, height]
    mask = np.zeros((height, width), bool)
    r = max(2.0, height / 30)
    for a, b in BONES:
        pa, pb = pts[int(a)], pts[int(b)]
        if not (np.isfinite(pa).all() and np.isfinite(pb).all()):
            continue
        d = pb - pa
        n2 = float(d @ d) or 1e-9
        x0, x1 = int(max(0, min(pa[0], pb[0]) - r - 1)), int(min(width, max(pa[0], pb[0]) + r + 2))
        y0, y1 = int(max(0, min(pa[1], pb[1]) - r - 1)), int(min(height, max(pa[1], pb[1]) + r + 2))
        if x0 >= x1 or y0 >= y1:
            continue
        sx, sy = xx[y0:y1, x0:x1] - pa[0], yy[y0:y1, x0:x1] - pa[1]
        tt = np.clip((sx * d[0] + sy * d[1]) / n2, 0, 1)
        dist2 = (sx - tt * d[0]) ** 2 + (sy - tt * d[1]) ** 2
        mask[y0:y1, x0:x1] |= dist2 <= r * r
    nose = pts[int(L.NOSE)]
    if np.isfinite(nose).all():
        mask |= (xx - nose[0]) ** 2 + (yy - nose[1] + r) ** 2 <= (2.2 * r) ** 2
    img[mask] = (60, 90, 160)
    return img

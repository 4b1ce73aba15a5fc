"""A pinhole camera looking at a body-frame pose: image landmarks (xyzv) and world landmarks.

Body frame: metres, +y up, the patient faces +z, +x is the patient's left (see body.py).
Views: ``front`` (camera in front, on +z), ``left``/``right`` (camera at the patient's left
or right side), ``side`` (= ``left``), ``back``, ``oblique`` (= 45 degrees towards the
patient's left), ``oblique-right``, or any azimuth in degrees (0 front, +90 left side).

Image landmarks follow MediaPipe: x, y normalised to the image (0..1, y down), z the depth
relative to mid-hip in the same scale as x (smaller = closer), plus a visibility heuristic.
World landmarks follow MediaPipe too: metres, origin mid-hip, camera-aligned axes: x to the
image's right, y down, z away from the camera.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tracking.landmarks import NUM_LANDMARKS, Landmark as L

VIEWS: dict[str, float] = {"front": 0.0, "left": 90.0, "side": 90.0, "right": -90.0,
                           "back": 180.0, "oblique": 45.0, "oblique-left": 45.0,
                           "oblique-right": -45.0}

_LEFT = np.array([lm for lm in L if lm.name.startswith("LEFT_") or lm == L.MOUTH_LEFT])
_RIGHT = np.array([lm.mirrored for lm in L if lm.name.startswith("LEFT_") or lm == L.MOUTH_LEFT])
_FACE = np.arange(0, 11)
#: How much a landmark fades when its side of the body faces away from the camera, shaped
#: after MediaPipe's own output on a real side-view clip (wt_push-up_1): far shoulder and hip
#: stay at 1.0, far elbow and wrist fall to ~0.15, the far knee to ~0.25 and the far ankle to
#: ~0.5 (the knee is kept at 0.4 here: a far leg standing under a lifted near one is in view).
_FAR_FADE = np.zeros(33)
_FAR_FADE[[L.LEFT_EAR, L.RIGHT_EAR, L.LEFT_EYE, L.RIGHT_EYE, L.LEFT_EYE_INNER, L.RIGHT_EYE_INNER,
           L.LEFT_EYE_OUTER, L.RIGHT_EYE_OUTER, L.MOUTH_LEFT, L.MOUTH_RIGHT]] = 0.1
_FAR_FADE[[L.LEFT_ELBOW, L.RIGHT_ELBOW, L.LEFT_WRIST, L.RIGHT_WRIST, L.LEFT_PINKY, L.RIGHT_PINKY,
           L.LEFT_INDEX, L.RIGHT_INDEX, L.LEFT_THUMB, L.RIGHT_THUMB]] = 0.8
_FAR_FADE[[L.LEFT_KNEE, L.RIGHT_KNEE]] = 0.6
_FAR_FADE[[L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX,
           L.RIGHT_FOOT_INDEX]] = 0.5


def view_azimuth(view: str | float) -> float:
    """Azimuth in degrees of a named view (or a number)."""
    if isinstance(view, (int, float)):
        return float(view)
    try:
        return VIEWS[view]
    except KeyError:
        try:
            return float(view)
        except ValueError:
            raise ValueError(f"unknown view {view!r}; use one of {', '.join(VIEWS)} "
                             "or an azimuth in degrees") from None


@dataclass(frozen=True)
class Camera:
    """Camera on a circle around the patient, aimed horizontally-ish at ``aim_height``."""

    view: str | float = "front"
    distance: float = 3.2  #: metres from the body-frame origin (horizontal)
    height: float = 1.0  #: camera height above the floor, m
    aim_height: float = 0.9  #: height of the point the camera looks at, m
    width: int = 640
    height_px: int = 480
    vfov_deg: float = 48.0  #: vertical field of view

    @property
    def azimuth(self) -> float:
        return view_azimuth(self.view)

    @property
    def position(self) -> np.ndarray:
        a = np.radians(self.azimuth)
        return np.array([self.distance * np.sin(a), self.height, self.distance * np.cos(a)])

    @property
    def rotation(self) -> np.ndarray:
        """(3,3) rows: camera x (image right), y (image down), z (viewing direction)."""
        target = np.array([0.0, self.aim_height, 0.0])
        fwd = target - self.position
        fwd /= np.linalg.norm(fwd)
        right = np.cross(fwd, [0.0, 1.0, 0.0])
        right /= np.linalg.norm(right)
        down = np.cross(fwd, right)
        return np.stack([right, down, fwd])

    @property
    def focal_px(self) -> float:
        return (self.height_px / 2.0) / np.tan(np.radians(self.vfov_deg) / 2.0)

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """(..., 3) body-frame points -> camera coordinates (x right, y down, z depth)."""
        return (np.asarray(points, float) - self.position) @ self.rotation.T

    def world_landmarks(self, points: np.ndarray) -> np.ndarray:
        """(T,33,3) body-frame points -> MediaPipe-style world landmarks (origin mid-hip)."""
        cam = self.to_camera(points)
        mid = (cam[:, L.LEFT_HIP] + cam[:, L.RIGHT_HIP]) / 2.0
        return cam - mid[:, None, :]

    def project(self, points: np.ndarray) -> np.ndarray:
        """(T,33,3) body-frame points -> (T,33,4) image-normalised x, y, z and visibility."""
        pts = np.asarray(points, float)
        cam = self.to_camera(pts)
        f = self.focal_px
        depth = np.maximum(cam[..., 2], 1e-3)
        u = (f * cam[..., 0] / depth + self.width / 2.0) / self.width
        v = (f * cam[..., 1] / depth + self.height_px / 2.0) / self.height_px
        mid_depth = (depth[:, L.LEFT_HIP] + depth[:, L.RIGHT_HIP]) / 2.0
        z = (depth - mid_depth[:, None]) * f / mid_depth[:, None] / self.width
        out = np.stack([u, v, z, self.visibility(pts, u, v)], axis=-1)
        return out.astype(np.float32)

    def visibility(self, points: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Heuristic visibility (T,33): far-side limbs hidden behind the torso (``_FAR_FADE``),
        a face seen from behind and landmarks outside the image get low values, as MediaPipe's
        do."""
        n = points.shape[0]
        vis = np.full((n, NUM_LANDMARKS), 0.99)
        centre = (points[:, L.LEFT_HIP] + points[:, L.RIGHT_HIP]) / 2.0
        to_cam = self.position - centre  # (T,3): direction from the body to the camera
        to_cam /= np.linalg.norm(to_cam, axis=-1, keepdims=True)
        left_axis = points[:, L.LEFT_SHOULDER] - points[:, L.RIGHT_SHOULDER]
        left_axis += points[:, L.LEFT_HIP] - points[:, L.RIGHT_HIP]
        left_axis /= np.linalg.norm(left_axis, axis=-1, keepdims=True) + 1e-12
        # A far-side point hides behind the torso when it falls within the torso's image
        # width; one held out in front or behind (an arm reaching forward) fades far less.
        torso_u = u[:, [L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP]]
        behind = ((u >= torso_u.min(axis=1, keepdims=True) - 0.02)
                  & (u <= torso_u.max(axis=1, keepdims=True) + 0.02))
        for idx, sign in ((_LEFT, 1.0), (_RIGHT, -1.0)):
            facing = np.einsum("tj,tj->t", sign * left_axis, to_cam)[:, None]
            fade = _FAR_FADE[idx] * np.where(behind[:, idx], 1.0, 0.3)
            vis[:, idx] -= fade * np.clip(-facing, 0.0, 1.0)
        # Face points seen from behind.
        fwd = np.cross(left_axis, [0.0, 1.0, 0.0])  # left x up = forward
        fwd /= np.linalg.norm(fwd, axis=-1, keepdims=True) + 1e-12
        facing = np.einsum("tj,tj->t", fwd, to_cam)[:, None]
        vis[:, _FACE] = np.minimum(vis[:, _FACE], 0.99 - 0.7 * np.clip(-facing, 0.0, 1.0))
        outside = (u < 0) | (u > 1) | (v < 0) | (v > 1)
        vis[outside] = np.minimum(vis[outside], 0.1)
        return vis


def series_from_points(points: np.ndarray, camera: Camera = Camera(), fps: float = 30.0,
                       source: str = "virtual-patient", t_ms: np.ndarray | None = None,
                       extra: dict | None = None) -> "PoseSeries":
    """Body-frame points (T,33,3) -> a PoseSeries seen by ``camera`` (NaN points stay NaN)."""
    from tracking.series import PoseSeries, SeriesMeta

    pts = np.asarray(points, float)
    n = pts.shape[0]
    if t_ms is None:
        t_ms = np.arange(n) * 1000.0 / fps
    meta = SeriesMeta(source=source, fps=float(fps), backend="virtual-patient",
                      model="kinematic body model", width=camera.width, height=camera.height_px,
                      extra={"camera": {"view": camera.view, "azimuth_deg": camera.azimuth,
                                        "distance_m": camera.distance, "height_m": camera.height,
                                        "vfov_deg": camera.vfov_deg}, **(extra or {})})
    return PoseSeries(t_ms, camera.project(pts), camera.world_landmarks(pts).astype(np.float32),
                      None, meta)

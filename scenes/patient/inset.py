"""The rendered patient as a game's camera inset, inside the game's own ShowBase.

``PatientInset(base)`` adds a small offscreen buffer to the game's graphics engine: it is
drawn with every game frame, no second engine and no extra ``render_frame`` call. Pose the
figure before a frame (``pose(points)`` or ``pose_from_world(world)``) and read the picture
of the frame drawn last with ``image_rgb()`` (one frame behind, like a real camera).
"""
from __future__ import annotations

import numpy as np

from scenes.patient.render import CameraView, PatientRenderer
from tracking.landmarks import Landmark as L


def body_points_from_world(world: np.ndarray) -> np.ndarray:
    """MediaPipe-style world landmarks (33, 3) seen from a FRONT camera (metres, origin
    mid-hip, x image-right, y down, z away from the camera) -> body-frame points (x the
    patient's left, y up, z towards the camera), feet on the floor."""
    w = np.asarray(world, np.float64)
    p = np.stack([w[:, 0], -w[:, 1], -w[:, 2]], axis=-1)
    feet = [L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX,
            L.LEFT_ANKLE, L.RIGHT_ANKLE]
    low = np.nanmin(p[feet, 1])
    p[:, 1] -= low if np.isfinite(low) else -0.93
    return p


class PatientInset:
    """A picture of the posed figure, rendered with each frame of ``base`` (a ShowBase)."""

    def __init__(self, base, size: tuple[int, int] = (192, 144),
                 view: CameraView = CameraView(), room: bool = True) -> None:
        self._renderer = PatientRenderer(size, view, room=room, base=base, multisamples=0)
        self.size = self._renderer.size
        self._posed = False

    def pose(self, points: np.ndarray) -> None:
        """Pose the figure from (33, 3) body-frame points for the next frame."""
        self._renderer.figure.pose(points)
        self._posed = True

    def pose_from_world(self, world: np.ndarray) -> bool:
        """Pose from MediaPipe-style world landmarks; False (and no change) if incomplete."""
        if world is None or not np.isfinite(world).all():
            return False
        self.pose(body_points_from_world(world))
        return True

    def image_rgb(self) -> np.ndarray | None:
        """(H, W, 3) uint8 RGB of the frame drawn last; None before the first one."""
        tex = self._renderer.texture
        if not self._posed or not tex.has_ram_image():
            return None
        w, h = self.size
        data = np.frombuffer(memoryview(tex.get_ram_image_as("RGB")), np.uint8)
        if data.size != w * h * 3:
            return None
        return data.reshape(h, w, 3)[::-1].copy()

    def close(self) -> None:
        self._renderer.close()

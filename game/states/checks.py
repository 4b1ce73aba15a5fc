"""Camera check and calibration measurements. Pure: landmark arrays and pixels in, plain
words and numbers out."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from game.bridge import primary_names
from tracking.landmarks import Landmark as L
from tracking.series import PoseFrame

BODY = (L.NOSE, L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE,
        L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE)


@dataclass(frozen=True)
class CameraVerdict:
    ok: bool
    lines: tuple[str, ...]  #: guidance in plain words (what to change), or a confirmation


def check_camera(xyzv: np.ndarray | None, image: np.ndarray | None = None,
                 min_vis: float = 0.5) -> CameraVerdict:
    """Is the whole body in view, at a good distance, in enough light?

    Distance: the body (nose to ankles) should fill 45-90 % of the picture's height.
    Light: mean brightness of the picture 50..215 of 255 and some contrast (std >= 12).
    """
    lines: list[str] = []
    if image is not None and image.size:
        luma = image[..., :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
        mean, std = float(luma.mean()), float(luma.std())
        if mean < 50:
            lines.append("The room is too dark: please turn on a light.")
        elif mean > 215:
            lines.append("Too bright: avoid a window or lamp behind you.")
        elif std < 12:
            lines.append("The picture is flat: please add some light in front of you.")
    if xyzv is None or not np.isfinite(xyzv[:, :2]).any():
        lines.insert(0, "We cannot see you yet: stand in front of the camera.")
        return CameraVerdict(False, tuple(lines))
    pts = xyzv[[int(i) for i in BODY]]
    vis = np.nan_to_num(pts[:, 3], nan=0.0) >= min_vis
    inside = np.isfinite(pts[:, :2]).all(axis=1) & (pts[:, 0] > 0.02) & (pts[:, 0] < 0.98) \
        & (pts[:, 1] > 0.02) & (pts[:, 1] < 0.98)
    seen = vis & inside
    if not seen[7:].all():
        lines.append("Step back so your feet are in the picture.")
    if not seen[0]:
        lines.append("Move so your head is in the picture.")
    if not seen[1:7].all():
        lines.append("Stand in the middle of the picture, facing the camera.")
    if seen.all():
        height = float(pts[7:, 1].max() - pts[0, 1])
        cx = float(pts[:, 0].mean())
        if height > 0.9:
            lines.append("Step back a little.")
        elif height < 0.45:
            lines.append("Come a little closer to the camera.")
        if abs(cx - 0.5) > 0.22:
            lines.append("Move towards the middle of the picture.")
    if lines:
        return CameraVerdict(False, tuple(lines))
    return CameraVerdict(True, ("Whole body in view, good distance, good light.",))


@dataclass
class Calibrator:
    """Collects world landmarks while the patient moves as far as is comfortable, and
    measures their reach (metres, floor = 0) and each exercise's comfortable range."""

    exercises: tuple[str, ...] = ()
    width: int = 0  #: camera picture size (for image-based angles)
    height: int = 0
    _frames: list[np.ndarray] = field(default_factory=list)
    _values: dict[str, list[float]] = field(default_factory=dict)

    def add(self, frame: PoseFrame | None, exercise: str | None = None) -> None:
        """One frame; ``exercise``: the movement being shown now (its primary angle is
        measured with the engine's angle definitions)."""
        if frame is None or frame.world is None:
            return
        world = frame.world
        if np.isfinite(world[[int(i) for i in BODY[1:]]]).all():
            self._frames.append(np.asarray(world, np.float64))
        if exercise:
            from tracking.exercise.library import get_spec
            from tracking.kinematics import frame_angles
            vals = frame_angles(frame, primary_names(get_spec(exercise), None), "any",
                                self.width, self.height)
            ok = [v for v, c in vals.values() if math.isfinite(v) and c >= 0.3]
            if ok:
                spec = get_spec(exercise)
                best = max(ok) if spec.primary.direction == "increase" else min(ok)
                self._values.setdefault(exercise, []).append(best)

    @property
    def frames(self) -> int:
        return len(self._frames)

    def reach(self) -> dict[str, float]:
        """Keys of ``scenes.base.Reach``: shoulder_height, overhead, side, forward, low."""
        if not self._frames:
            return {}
        w = np.stack(self._frames)  # (T, 33, 3): y down, origin mid-hips, z away from camera
        feet = [int(i) for i in (L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL,
                                 L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX)]
        floor = np.nanmax(w[:, feet, 1], axis=1)  # lowest point per frame (y down)
        height = floor[:, None] - w[:, :, 1]  # height above the floor of every landmark
        sh = [int(L.LEFT_SHOULDER), int(L.RIGHT_SHOULDER)]
        wr = [int(L.LEFT_WRIST), int(L.RIGHT_WRIST)]
        side = np.abs(w[:, wr, 0] - w[:, sh, 0])
        forward = -(w[:, wr, 2] - w[:, sh, 2])  # towards the camera = forward
        out = {
            "shoulder_height": float(np.nanmedian(height[:, sh])),
            "overhead": float(np.nanpercentile(height[:, wr], 97)),
            "side": float(np.nanpercentile(side, 97)),
            "forward": float(max(0.1, np.nanpercentile(forward, 97))),
            "low": float(max(0.05, np.nanpercentile(height[:, wr], 3))),
        }
        return {k: round(min(2.9, max(0.05, v)), 3) for k, v in out.items()}

    def comfortable_range(self) -> dict[str, float]:
        """Exercise id -> the furthest primary angle reached towards the target (97th
        percentile of the frames, so one glitch does not count)."""
        from tracking.exercise.library import get_spec
        out = {}
        for ex, vals in self._values.items():
            up = get_spec(ex).primary.direction == "increase"
            out[ex] = round(float(np.percentile(vals, 97 if up else 3)), 1)
        return out

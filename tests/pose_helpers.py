"""Test helpers shared by test modules: how a real pose model sees what the virtual patient's
visibility heuristic does not model."""
from __future__ import annotations

import numpy as np

from tracking.landmarks import Landmark as L
from tracking.series import PoseSeries


def raised_arm_seen(series: PoseSeries) -> PoseSeries:
    """The far arm raised above its shoulder made visible, as MediaPipe reported it on our own
    rendered clip.

    The virtual patient fades every far-side arm landmark within the torso's image width,
    also a hand reached up over the head (visibility about 0.2); MediaPipe on the rendered
    patient side-on (side bend, 800x600) reported that raised far wrist at 0.5-0.7 and hid it
    (no reading) while it hung at the side (on an earlier 640x480 render it too reported the
    raised far wrist at about 0.2: MediaPipe is not consistent there, docs/exercises.md). Here:
    elbow and wrist above their shoulder in the image get at least 0.6."""
    xyzv = series.xyzv.copy()
    for w, e, s in ((L.LEFT_WRIST, L.LEFT_ELBOW, L.LEFT_SHOULDER),
                    (L.RIGHT_WRIST, L.RIGHT_ELBOW, L.RIGHT_SHOULDER)):
        up = xyzv[:, w, 1] < xyzv[:, s, 1]
        for lm in (w, e):
            xyzv[:, lm, 3] = np.where(up, np.maximum(xyzv[:, lm, 3], 0.6), xyzv[:, lm, 3])
    return PoseSeries(series.t_ms, xyzv, series.world, series.flags, series.meta)

"""Trunk side lean: a lean tilts the trunk line and the head line together; a shoulder moving
with its arm (or a head tilt) alone is no lean."""
from __future__ import annotations

import numpy as np
import pytest

from tracking.exercise.synth import pose_series
from tracking.kinematics import angles
from tracking.landmarks import Landmark as L

T = np.arange(5) / 30.0
LEAN = np.array([0.0, 3.0, 6.0, -4.0, 10.0])
RAMP = np.linspace(0.0, 1.0, len(T))


def _lean(s, view: str, name: str = "trunk_lateral_lean") -> np.ndarray:
    return angles(s, [name], view)[name].value_deg


@pytest.mark.parametrize("view", ["front", "any"])
def test_lean_reads_with_the_head_riding_on_the_trunk(view):
    s = pose_series(T, {}, trunk_lateral_lean=LEAN)
    np.testing.assert_allclose(_lean(s, view), LEAN, atol=1.0)
    np.testing.assert_allclose(_lean(s, view, "trunk_lateral_lean_l"), LEAN, atol=1.0)
    np.testing.assert_allclose(_lean(s, view, "trunk_lateral_lean_r"), -LEAN, atol=1.0)


def test_shoulder_rising_with_its_arm_is_no_lean():
    s = pose_series(T, {})
    # the left shoulder (image right) rises 5 cm and moves 4 cm in, as with an arm overhead
    s.world[:, L.LEFT_SHOULDER, 0] -= 0.04 * RAMP
    s.world[:, L.LEFT_SHOULDER, 1] -= 0.05 * RAMP
    s.xyzv[:, L.LEFT_SHOULDER, 0] -= 0.025 * RAMP
    s.xyzv[:, L.LEFT_SHOULDER, 1] -= 0.03 * RAMP
    for view in ("front", "any"):
        assert np.abs(_lean(s, view)).max() < 0.2, view
    # the trunk line alone (no ears, as in Kinect data) reads it as a lean of a few degrees
    for arr in (s.world, s.xyzv):
        arr[:, [L.LEFT_EAR, L.RIGHT_EAR], :3] = np.nan
    assert abs(_lean(s, "any")[-1]) > 1.5 and abs(_lean(s, "front")[-1]) > 1.5


def test_head_tilt_alone_is_no_lean():
    s = pose_series(T, {})
    for arr, dx in ((s.world, -0.10), (s.xyzv, 0.06)):  # both ears 10 cm to one side
        arr[:, [L.LEFT_EAR, L.RIGHT_EAR], 0] += dx * RAMP[:, None]
    for view in ("front", "any"):
        assert np.abs(_lean(s, view)).max() < 0.2, view

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


def test_abduction_measured_from_the_midline_not_the_moving_shoulder():
    """A goniometer's fixed arm lies along the sternum: moving the raised arm's shoulder point
    in (the whole arm with it) changes the abduction by the arm's own tilt only."""
    abd = np.full(len(T), 140.0)
    s = pose_series(T, {"shoulder_abduction_l": abd})
    ref = _lean(s, "front", "shoulder_abduction_l")
    np.testing.assert_allclose(ref, 140.0, atol=1.0)
    moved = pose_series(T, {"shoulder_abduction_l": abd})
    for arr, dx in ((moved.world, -0.04), (moved.xyzv, -0.025)):  # shoulder + arm 4 cm in
        arr[:, [L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST], 0] += dx * RAMP[:, None]
    for view in ("front", "any"):
        np.testing.assert_allclose(_lean(moved, view, "shoulder_abduction_l"), 140.0, atol=0.3)
    # without the head, the mid-shoulder point (and the trunk line) moves with it
    for arr in (moved.world, moved.xyzv):
        arr[:, [L.LEFT_EAR, L.RIGHT_EAR], :3] = np.nan
    assert abs(_lean(moved, "front", "shoulder_abduction_l")[-1] - 140.0) > 1.0

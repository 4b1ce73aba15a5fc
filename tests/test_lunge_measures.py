"""Procedure v4's measures (docs/uiprmd.md): the shank's side tilt, the trunk's twist on the
pelvis and the stance width in leg lengths (synthetic landmarks; tests/test_knee_separation.py's
pose and reader)."""
from __future__ import annotations

import numpy as np
import pytest

from tests.test_knee_separation import _read
from tracking.angles import ANGLES
from tracking.landmarks import Landmark as L


def _yaw(deg: float) -> np.ndarray:
    y = np.radians(deg)
    return np.array([[np.cos(y), 0.0, np.sin(y)], [0.0, 1.0, 0.0], [-np.sin(y), 0.0, np.cos(y)]])


def _pose(knee_dx: float = 0.0, ankle_x: float = 0.1, depth: float = 0.0, twist_deg: float = 0.0,
          yaw_deg: float = 0.0, leg_scale: float = 1.0) -> np.ndarray:
    """Body-frame points (33, 3): hips 0.2 m apart, ankles at +-``ankle_x``, each knee
    ``knee_dx`` outward of its ankle (both legs) and bent forward by ``depth`` (0..1: thighs
    horizontal); the shoulders turned ``twist_deg`` to the left about the vertical against the
    hips; the whole body turned ``yaw_deg``; legs ``leg_scale`` times 0.88 m long."""
    p = np.full((33, 3), np.nan)
    a = np.radians(90.0 * depth)
    for s in (1.0, -1.0):
        hip, knee, ank = (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE) if s > 0 else \
            (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)
        p[hip] = (s * 0.1, 0.0, 0.0)
        p[knee] = (s * (ankle_x + knee_dx), -0.45 * leg_scale * np.cos(a), 0.45 * leg_scale * np.sin(a))
        # the ankle under the knee wherever the knee travels: the shank keeps its side tilt
        p[ank] = (s * ankle_x, p[knee][1] - 0.43 * leg_scale, p[knee][2])
        sh = L.LEFT_SHOULDER if s > 0 else L.RIGHT_SHOULDER
        p[sh] = _yaw(twist_deg) @ np.array([s * 0.18, 0.5, 0.0])
    return p @ _yaw(yaw_deg).T


def test_definitions_in_the_table():
    assert ANGLES["shank_side_tilt_l"].landmarks == (L.LEFT_ANKLE, L.LEFT_KNEE)
    assert ANGLES["shank_side_tilt_r"].landmarks == (L.RIGHT_ANKLE, L.RIGHT_KNEE)
    assert (ANGLES["trunk_twist"].plane, ANGLES["trunk_twist"].unit) == ("3d", "deg")
    assert (ANGLES["stance_width_leg"].plane, ANGLES["stance_width_leg"].unit) == ("frontal", "pct")


@pytest.mark.parametrize("view", ["any", "front"])
def test_shank_side_tilt_reads_the_knee_outward_positive_on_each_side(view):
    names = ("shank_side_tilt_l", "shank_side_tilt_r")
    shank = 0.43
    for dx in (0.0, 0.05, -0.08):
        r = _read([_pose(knee_dx=dx)], view, names)
        want = np.degrees(np.arctan2(dx, shank))
        assert r["shank_side_tilt_l"][0] == pytest.approx(want, abs=0.05), (view, dx)
        assert r["shank_side_tilt_r"][0] == pytest.approx(want, abs=0.05), (view, dx)


def test_shank_side_tilt_ignores_knee_flexion_and_turning():
    """The knee travelling forward (a lunge, a squat) or the body turning does not change it;
    the knee drifting in does (negative)."""
    names = ("shank_side_tilt_l", "shank_side_tilt_r")
    base = np.degrees(np.arctan2(-0.04, 0.43))
    for depth in (0.0, 0.5, 1.0):
        for yaw in (0.0, 40.0):
            r = _read([_pose(knee_dx=-0.04, depth=depth, yaw_deg=yaw)], "any", names)
            assert r["shank_side_tilt_l"][0] == pytest.approx(base, abs=0.05), (depth, yaw)
            assert r["shank_side_tilt_r"][0] == pytest.approx(base, abs=0.05), (depth, yaw)


def test_trunk_twist_reads_the_shoulders_turning_on_the_hips_not_the_body_turning():
    for twist in (0.0, 15.0, -30.0):
        for yaw in (0.0, 35.0, -60.0):
            v = _read([_pose(twist_deg=twist, yaw_deg=yaw)], "any", ("trunk_twist",))["trunk_twist"][0]
            assert v == pytest.approx(twist, abs=0.05), (twist, yaw)


@pytest.mark.parametrize("view", ["any", "front"])
def test_stance_width_in_leg_lengths_does_not_depend_on_body_size(view):
    name = ("stance_width_leg",)
    p = _pose(ankle_x=0.3)
    leg = np.linalg.norm(p[L.LEFT_HIP] - p[L.LEFT_KNEE]) + np.linalg.norm(p[L.LEFT_KNEE] - p[L.LEFT_ANKLE])
    v = _read([p], view, name)["stance_width_leg"][0]
    assert v == pytest.approx(100.0 * 0.6 / leg, abs=0.05)
    # a wider stance on longer legs: the ratio follows the legs, not the hips (0.2 m apart in both)
    big = _pose(ankle_x=0.36, leg_scale=1.2)
    leg_big = np.linalg.norm(big[L.LEFT_HIP] - big[L.LEFT_KNEE]) + np.linalg.norm(big[L.LEFT_KNEE] - big[L.LEFT_ANKLE])
    assert _read([big], view, name)["stance_width_leg"][0] == pytest.approx(100.0 * 0.72 / leg_big, abs=0.05)
    assert _read([big], view, ("stance_width",))["stance_width"][0] == pytest.approx(360.0, abs=0.05)
    assert _read([_pose(ankle_x=0.3, yaw_deg=30.0)], "any", name)["stance_width_leg"][0] == \
        pytest.approx(v, abs=0.05)


def test_existing_measures_unchanged_by_the_new_kinds():
    """Reading the new measures beside old ones leaves the old ones' values as they were."""
    old = ("knee_flexion_l", "knee_ankle_separation", "stance_width", "pelvis_rotation")
    poses = [_pose(knee_dx=-0.03, depth=d, twist_deg=10.0, yaw_deg=20.0) for d in (0.0, 0.4, 0.8)]
    alone = _read(poses, "any", old)
    beside = _read(poses, "any", old + ("shank_side_tilt_l", "trunk_twist", "stance_width_leg"))
    for n in old:
        np.testing.assert_array_equal(alone[n], beside[n])

"""Kinematics: named angles on a stick figure with known joint angles, from the front, the side and in 3D."""
from __future__ import annotations

import numpy as np
import pytest

from tracking.angles import ANGLES, SIDED, known_names, resolve
from tracking.exercise.synth import pose_series
from tracking.kinematics import angles, angles_arrays, frame_angles
from tracking.views import facing

T = np.arange(7) / 30.0
RAMP = np.array([0, 20, 45, 70, 90, 120, 150.0])


def _check(series, name, want, view, tol, source="auto"):
    r = angles(series, [name], view, source)[name]
    assert r.value_deg.shape == (len(series),)
    np.testing.assert_allclose(r.value_deg, want, atol=tol)
    return r


@pytest.mark.parametrize("yaw,view", [(0, "front"), (90, "side"), (0, "any"), (35, "any"), (0, "auto"), (90, "auto")])
def test_joint_angles_match_the_figure(yaw, view):
    j = {"knee_flexion_l": np.clip(RAMP, 0, 130), "elbow_flexion_r": np.clip(RAMP, 0, 140),
         "hip_flexion_r": RAMP * 0.6, "shoulder_flexion_l": RAMP}
    s = pose_series(T, j, yaw_deg=yaw)
    _check(s, "knee_flexion_l", j["knee_flexion_l"], view, 1.0)
    _check(s, "knee_flexion_r", 0, view, 1.0)
    _check(s, "elbow_flexion_r", j["elbow_flexion_r"], view, 1.0)
    _check(s, "hip_flexion_r", j["hip_flexion_r"], view, 1.0)
    _check(s, "shoulder_flexion_l", RAMP, view, 1.0)
    _check(s, "shoulder_extension_l", -RAMP, view, 1.0)
    _check(s, "shoulder_elevation_l", RAMP, view, 1.0)


@pytest.mark.parametrize("yaw,view", [(0, "front"), (90, "any"), (0, "auto")])
def test_frontal_plane_angles(yaw, view):
    s = pose_series(T, {"shoulder_abduction_l": RAMP, "shoulder_abduction_r": RAMP / 2,
                        "hip_abduction_r": RAMP / 5}, yaw_deg=yaw)
    _check(s, "shoulder_abduction_l", RAMP, view, 1.0)
    _check(s, "shoulder_abduction_r", RAMP / 2, view, 1.0)
    _check(s, "hip_abduction_r", RAMP / 5, view, 1.0)
    _check(s, "hip_abduction_l", 0, view, 1.0)


def test_trunk_leans_signs_and_values():
    lean = np.array([0, 10, 20, 30, 40, 0, 0.0])
    side = np.array([0, 0, 0, 0, 0, 15, -15.0])
    for yaw, view in ((0, "front"), (90, "side"), (20, "any")):
        s = pose_series(T, {}, yaw_deg=yaw, trunk_forward_lean=lean, trunk_lateral_lean=side)
        _check(s, "trunk_forward_lean", lean, "any", 1.0)
        _check(s, "trunk_lateral_lean", side, "any", 1.0)
        _check(s, "trunk_lateral_lean_l", side, "any", 1.0)
        _check(s, "trunk_lateral_lean_r", -side, "any", 1.0)
    s = pose_series(T, {}, yaw_deg=0, trunk_lateral_lean=side)
    _check(s, "trunk_lateral_lean", side, "front", 0.5)  # from the image
    s = pose_series(T, {}, yaw_deg=90, trunk_forward_lean=lean)
    _check(s, "trunk_forward_lean", lean, "side", 0.5)


def test_heel_raise_rotation_and_heights():
    s = pose_series(T, {"heel_raise_l": RAMP / 5, "shoulder_abduction_r": 90, "elbow_flexion_r": 90,
                        "shoulder_rotation_r": RAMP / 2 - 30}, yaw_deg=90)
    _check(s, "heel_raise_l", RAMP / 5, "side", 0.5)
    _check(s, "heel_raise_l", RAMP / 5, "any", 0.5)
    _check(s, "shoulder_rotation_r", RAMP / 2 - 30, "any", 1.0)
    squat = np.array([0, 30, 60, 90, 60, 30, 0.0])
    s = pose_series(T, {"knee_flexion_l": squat, "knee_flexion_r": squat,
                        "hip_flexion_l": squat, "hip_flexion_r": squat}, yaw_deg=0)
    h = angles(s, ["hip_height"], "front")["hip_height"].value_deg
    assert h[0] == pytest.approx(100 * (0.45 + 0.43 + 0.0) / 0.5 + 0.0, abs=1.0)  # legs straight
    assert np.all(np.diff(h[:4]) < 0) and np.all(np.diff(h[3:]) > 0)
    lift = pose_series(T, {"hip_flexion_l": RAMP / 3, "knee_flexion_l": RAMP / 3}, yaw_deg=0)
    a = angles(lift, ["ankle_lift_l", "ankle_lift_r"], "front")
    assert a["ankle_lift_l"].value_deg[0] == pytest.approx(0, abs=0.5)
    assert np.all(np.diff(a["ankle_lift_l"].value_deg) > 0)
    np.testing.assert_allclose(a["ankle_lift_r"].value_deg, -a["ankle_lift_l"].value_deg)


def test_pelvic_drop_hike_and_valgus_signs():
    s = pose_series(T[:1], {}, yaw_deg=0)
    P = s.xyzv.copy()
    P[0, 23, 1] += 0.02  # left hip lower in the image (y grows downwards)
    P[0, 11, 1] -= 0.02  # left shoulder higher
    from tracking.series import PoseSeries
    s2 = PoseSeries(s.t_ms, P, None, None, s.meta)
    a = angles(s2, ["pelvic_drop_l", "pelvic_drop_r", "shoulder_hike_l"], "front")
    assert a["pelvic_drop_l"].value_deg[0] > 2 and a["pelvic_drop_r"].value_deg[0] < -2
    assert a["shoulder_hike_l"].value_deg[0] > a["pelvic_drop_l"].value_deg[0]
    P = s.xyzv.copy()
    P[0, 25, 0] -= 0.03  # left knee towards the midline (the patient's left is image right)
    a = angles(PoseSeries(s.t_ms, P, None, None, s.meta), ["knee_valgus_l", "knee_valgus_r"], "front")
    assert a["knee_valgus_l"].value_deg[0] > 5
    assert a["knee_valgus_r"].value_deg[0] == pytest.approx(0, abs=0.5)


def test_view_sets_confidence():
    s = pose_series(T, {"knee_flexion_l": RAMP}, yaw_deg=0)
    front_img = angles(s, ["knee_flexion_l"], "side")["knee_flexion_l"]  # wrong view for the image
    assert front_img.source == "image" and front_img.confidence.max() < 0.1
    world = angles(s, ["knee_flexion_l"], "front")["knee_flexion_l"]
    assert world.source == "world" and world.confidence.min() > 0.8
    assert np.all(facing(s.xyzv, s.world) > 0.99)
    side = pose_series(T, {}, yaw_deg=90)
    assert np.all(facing(side.xyzv, side.world) < 0.01)


def test_visibility_gaps_and_missing_world():
    s = pose_series(T, {"knee_flexion_l": RAMP}, yaw_deg=90)
    xyzv = s.xyzv.copy()
    xyzv[2] = np.nan
    xyzv[3, 25, 3] = 0.2
    r = angles_arrays(xyzv, None, ["knee_flexion_l", "shoulder_abduction_l"], "side", 640, 480)
    k = r["knee_flexion_l"]
    assert np.isnan(k.value_deg[2]) and k.confidence[2] == 0
    assert k.confidence[3] == pytest.approx(0.2, abs=0.01)
    assert r["shoulder_abduction_l"].source == "image3d"  # no world: image x, y, z


def test_aspect_ratio_matters():
    s = pose_series(T, {"knee_flexion_l": RAMP}, yaw_deg=90, width=1280, height=480)
    _check(s, "knee_flexion_l", RAMP, "side", 1.0)
    wrong = angles_arrays(s.xyzv, None, ["knee_flexion_l"], "side", 0, 0)["knee_flexion_l"]
    assert np.max(np.abs(wrong.value_deg - RAMP)) > 10


def test_frame_angles_equal_batch():
    s = pose_series(T, {"knee_flexion_l": RAMP, "shoulder_abduction_r": RAMP}, yaw_deg=30)
    names = list(ANGLES)
    batch = angles(s, names, "auto")
    for i in (0, 3, 6):
        one = frame_angles(s[i], names, "auto", s.meta.width, s.meta.height)
        for n in names:
            v, c = one[n]
            b = batch[n].value_deg[i]
            assert (np.isnan(v) and np.isnan(b)) or v == b, n
            assert c == batch[n].confidence[i]


def test_table_names():
    assert resolve("knee_flexion", "l") == "knee_flexion_l"
    assert resolve("trunk_forward_lean") == "trunk_forward_lean"
    with pytest.raises(KeyError):
        resolve("knee_flexion")
    with pytest.raises(KeyError):
        resolve("wiggle")
    for base, (l, r) in SIDED.items():
        assert ANGLES[l].side == "l" and ANGLES[r].side == "r" and ANGLES[l].base == base
    assert "hip_height" in known_names() and "knee_flexion" in known_names()
    with pytest.raises(ValueError):
        angles(pose_series(T, {}), ["knee_flexion_l"], "top")


def test_arm_and_rotation_measures():
    s = pose_series(T, {"shoulder_flexion_r": RAMP, "elbow_flexion_l": np.clip(RAMP, 0, 90),
                        "hip_flexion_l": np.clip(RAMP, 0, 90)}, yaw_deg=30)
    _check(s, "upper_arm_forward_r", np.degrees(np.arcsin(np.sin(np.radians(RAMP)))), "auto", 1.0)
    _check(s, "forearm_elevation_l", np.clip(RAMP, 0, 90) - 90, "auto", 1.0)
    _check(s, "thigh_elevation_l", np.clip(RAMP, 0, 90), "auto", 1.0)
    _check(s, "pelvis_rotation", 30, "auto", 1.0)
    _check(s, "trunk_rotation", 30, "auto", 1.0)


def test_auto_view_hysteresis_and_near_side():
    from tracking.views import decide_views, near_side
    c = np.cos(np.radians([0, 20, 30, 40, 30, 20, 0, 50, 70, 60, 50, 40]))  # turn from front
    assert decide_views(c) == ["front", "front", "front", "any", "any", "front", "front",
                               "any", "side", "side", "any", "any"]
    assert decide_views([np.nan, 0.0]) == ["any", "side"]
    assert decide_views([0.85], start="front") == ["front"] and decide_views([0.85]) == ["any"]
    # side-on: a side-told reading and the auto reading agree (the image-plane angle)
    s = pose_series(T, {"knee_flexion_l": RAMP, "knee_flexion_r": RAMP}, yaw_deg=90)
    auto = angles(s, ["knee_flexion_l"], "auto")["knee_flexion_l"]
    told = angles(s, ["knee_flexion_l"], "side")["knee_flexion_l"]
    assert auto.source == "image" and np.allclose(auto.value_deg, told.value_deg)
    assert set(near_side(s.xyzv, s.world)) <= {-1.0, 1.0}

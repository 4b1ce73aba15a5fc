"""Body model and camera of the virtual patient: geometry checks with known answers."""
import numpy as np
import pytest

from tracking.landmarks import Landmark as L
from tracking.virtual_patient.body import (BodyShape, DOF_NAMES, full_dofs, level_ankle,
                                           pose_landmarks, rest_landmarks)
from tracking.virtual_patient.camera import Camera, series_from_points


def angle(a, b, c):
    u, v = a - b, c - b
    cos = np.sum(u * v, -1) / np.linalg.norm(u, axis=-1) / np.linalg.norm(v, axis=-1)
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def test_rest_pose_has_human_proportions():
    r = rest_landmarks(BodyShape(height=1.75))
    assert r[L.NOSE, 1] == pytest.approx(0.91 * 1.75, abs=0.03)
    assert r[L.LEFT_SHOULDER, 1] == pytest.approx(0.818 * 1.75, abs=0.01)
    assert r[L.LEFT_HIP, 1] == pytest.approx(0.53 * 1.75, abs=0.01)
    assert 0.0 < r[L.LEFT_HEEL, 1] < 0.04 and 0.0 < r[L.LEFT_FOOT_INDEX, 1] < 0.04
    # Left is +x, the face looks towards +z, symmetric about x = 0.
    assert r[L.LEFT_SHOULDER, 0] > 0.1 and r[L.RIGHT_SHOULDER, 0] < -0.1
    assert r[L.NOSE, 2] > r[L.LEFT_EAR, 2] + 0.05
    assert r[L.LEFT_FOOT_INDEX, 2] > r[L.LEFT_HEEL, 2] + 0.15
    for lm in L:
        assert r[lm, 0] == pytest.approx(-r[lm.mirrored, 0], abs=1e-9)
        assert r[lm, 1:] == pytest.approx(r[lm.mirrored, 1:], abs=1e-9)
    # Body height scales everything.
    tall = rest_landmarks(BodyShape(height=2.0))
    assert tall[L.LEFT_EYE, 1] / r[L.LEFT_EYE, 1] == pytest.approx(2.0 / 1.75, rel=0.02)


def test_knee_flexion_is_exact_and_feet_stay_grounded():
    knee = np.array([0.0, 30.0, 90.0, 120.0])
    p = pose_landmarks({"knee_flexion_l": knee, "hip_flexion_l": knee})
    assert angle(p[:, L.LEFT_HIP], p[:, L.LEFT_KNEE], p[:, L.LEFT_ANKLE]) == pytest.approx(180 - knee, abs=1e-6)
    # The right (stance) foot stays on the floor at its rest place.
    rest = rest_landmarks()
    assert np.abs(p[:, L.RIGHT_HEEL] - rest[L.RIGHT_HEEL]).max() < 0.06


def test_squat_with_level_ankles_keeps_both_feet_flat():
    dofs = {"pelvis_tilt": np.array([0.0, 30.0])}
    for s in "lr":
        dofs[f"hip_flexion_{s}"] = np.array([0.0, 100.0])
        dofs[f"knee_flexion_{s}"] = np.array([0.0, 90.0])
    for s in "lr":
        dofs[f"ankle_plantarflexion_{s}"] = level_ankle(dofs, s)
    p = pose_landmarks(dofs)
    rest = rest_landmarks()
    for lm in (L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX, L.LEFT_ANKLE):
        assert np.abs(p[1, lm] - rest[lm]).max() < 1e-6
    assert p[1, L.LEFT_HIP, 1] < rest[L.LEFT_HIP, 1] - 0.25  # the pelvis went down
    assert p[1, L.LEFT_HIP, 2] < -0.15  # and back
    assert p[1, L.LEFT_KNEE, 2] > 0.1  # knees forward over the toes


def test_shoulder_rises_and_moves_in_as_the_arm_goes_overhead():
    p = pose_landmarks({"shoulder_abduction_l": np.array([0.0, 60.0, 170.0])})
    lift = p[:, L.LEFT_SHOULDER, 1] - p[0, L.LEFT_SHOULDER, 1]
    assert lift[1] < 0.005 and 0.04 < lift[2] < 0.06
    assert p[2, L.LEFT_SHOULDER, 0] < p[0, L.LEFT_SHOULDER, 0] - 0.003
    assert p[2, L.RIGHT_SHOULDER, 1] == pytest.approx(p[0, L.RIGHT_SHOULDER, 1])
    # Abduction moves the arm out to the left (+x) in the frontal plane; flexion forward.
    assert p[1, L.LEFT_ELBOW, 0] > p[1, L.LEFT_SHOULDER, 0] + 0.2
    q = pose_landmarks({"shoulder_flexion_r": np.array([90.0]), "elbow_flexion_l": np.array([90.0])})
    assert q[0, L.RIGHT_WRIST, 2] > 0.5 and q[0, L.LEFT_WRIST, 2] > 0.2


def test_trunk_and_pelvis_signs():
    rest = rest_landmarks()
    p = pose_landmarks({"trunk_flexion": [30.0], "trunk_lateral_lean": [0.0]})[0]
    assert p[L.NOSE, 2] > rest[L.NOSE, 2] + 0.3
    p = pose_landmarks({"trunk_lateral_lean": [15.0]})[0]
    assert p[L.NOSE, 0] > 0.15
    p = pose_landmarks({"trunk_rotation": [45.0]})[0]
    assert p[L.NOSE, 0] > 0.05  # the face turned to the patient's left
    p = pose_landmarks({"hip_abduction_l": [30.0], "stance_l": [0.0]})[0]
    assert p[L.LEFT_ANKLE, 0] > rest[L.LEFT_ANKLE, 0] + 0.3


def test_unknown_dof_is_rejected_and_defaults_filled():
    with pytest.raises(ValueError, match="knee_flex_l"):
        full_dofs({"knee_flex_l": [1.0]})
    d = full_dofs({"knee_flexion_l": np.zeros(4)})
    assert set(d) == set(DOF_NAMES) and all(v.shape == (4,) for v in d.values())


def test_camera_front_view_matches_mediapipe_conventions():
    pts = pose_landmarks({"shoulder_abduction_l": np.array([0.0, 90.0])})
    s = series_from_points(pts, Camera("front"), fps=30)
    assert len(s) == 2 and s.fps == 30 and s.world is not None
    # The patient's left appears on the image's right; y grows downwards.
    assert s.xyzv[0, L.LEFT_SHOULDER, 0] > s.xyzv[0, L.RIGHT_SHOULDER, 0]
    assert s.xyzv[0, L.NOSE, 1] < s.xyzv[0, L.LEFT_HIP, 1] < s.xyzv[0, L.LEFT_ANKLE, 1]
    assert 0 < s.xyzv[..., :2].min() and s.xyzv[..., :2].max() < 1
    # World: origin mid-hip, y down, metric distances kept.
    mid = (s.world[:, L.LEFT_HIP] + s.world[:, L.RIGHT_HIP]) / 2
    assert np.abs(mid).max() < 1e-5
    assert s.world[0, L.NOSE, 1] < -0.5
    d_body = np.linalg.norm(pts[:, L.LEFT_WRIST] - pts[:, L.RIGHT_ANKLE], axis=-1)
    d_world = np.linalg.norm(s.world[:, L.LEFT_WRIST] - s.world[:, L.RIGHT_ANKLE], axis=-1)
    assert d_world == pytest.approx(d_body, abs=1e-5)
    # The nose is closer to a front camera than the ears: smaller z.
    assert s.xyzv[0, L.NOSE, 2] < s.xyzv[0, L.LEFT_EAR, 2]


def test_camera_side_view_lowers_far_side_visibility():
    pts = pose_landmarks({"knee_flexion_l": np.array([0.0])})
    left = series_from_points(pts, Camera("left"))
    assert left.xyzv[0, L.LEFT_KNEE, 3] > 0.9 and left.xyzv[0, L.RIGHT_KNEE, 3] < 0.6
    right = series_from_points(pts, Camera("right"))
    assert right.xyzv[0, L.RIGHT_KNEE, 3] > 0.9 and right.xyzv[0, L.LEFT_KNEE, 3] < 0.6
    back = series_from_points(pts, Camera("back"))
    assert back.xyzv[0, L.NOSE, 3] < 0.5
    with pytest.raises(ValueError):
        Camera("upside-down").azimuth

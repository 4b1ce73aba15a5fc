"""Fault visibility: a far-side limb in a side view is not judged (MediaPipe guesses it)."""
from __future__ import annotations

import dataclasses

import numpy as np

from tracking.angles import ANGLES
from tracking.exercise.synth import pose_series
from tracking.views import fault_visibility, limb_side, near_side


def _series(yaw: float):
    t = np.linspace(0.0, 2.0, 21)
    return pose_series(t, {"hip_flexion_l": 40 * np.sin(np.pi * t / 2)}, yaw_deg=yaw)


def test_limb_side() -> None:
    assert limb_side(ANGLES["knee_flexion_l"]) == "l"
    assert limb_side(ANGLES["hip_flexion_r"]) == "r"
    assert limb_side(ANGLES["shoulder_elevation_r"]) == "r"
    assert limb_side(ANGLES["pelvic_drop_l"]) == ""  # both hips
    assert limb_side(ANGLES["trunk_lateral_lean_l"]) == ""
    assert limb_side(ANGLES["trunk_forward_lean"]) == ""


def test_side_view_hides_the_far_limb_only() -> None:
    s = _series(90.0)
    near = near_side(s.xyzv, s.world)
    assert np.all(near != 0)
    names = ["hip_flexion_l", "hip_flexion_r", "knee_valgus_l", "trunk_forward_lean",
             "shoulder_elevation_l", "shoulder_elevation_r", "pelvic_drop_l", "hip_height"]
    f = fault_visibility(names, s.xyzv, s.world, s.meta.width, s.meta.height)
    near_code, far_code = ("l", "r") if near[0] > 0 else ("r", "l")
    assert np.all(f[f"hip_flexion_{near_code}"] > 0.9)
    assert np.all(f[f"hip_flexion_{far_code}"] < 0.1)
    assert np.all(f[f"shoulder_elevation_{far_code}"] < 0.1)  # 3D limb measure: occlusion only
    assert np.all(f[f"shoulder_elevation_{near_code}"] == 1.0)
    assert np.all(f["knee_valgus_l"] < 0.1)  # frontal plane not shown side-on
    assert np.all(f["trunk_forward_lean"] > 0.9)
    assert "pelvic_drop_l" in f and "hip_height" not in f  # vertical, not one-sided: no factor


def test_front_view_hides_nothing() -> None:
    s = _series(0.0)
    f = fault_visibility(["hip_flexion_l", "hip_flexion_r", "shoulder_elevation_r", "knee_valgus_r"],
                         s.xyzv, s.world, s.meta.width, s.meta.height)
    assert np.all(f["shoulder_elevation_r"] == 1.0)
    assert np.all(f["knee_valgus_r"] > 0.9)
    assert np.all(f["hip_flexion_l"] < 0.1) and np.all(f["hip_flexion_r"] < 0.1)  # sagittal plane


def test_tracker_does_not_judge_a_hidden_standing_leg() -> None:
    """Leg raise side-on (MediaPipe): the standing leg bent 8 deg is judged when it is the near
    leg, not when it is the far one; a depth backend judges it from any view."""
    from tracking.exercise.analysis import analyze_series
    from tracking.exercise.library import get_spec
    from tracking.exercise.tracker import ExerciseTracker

    spec = dataclasses.replace(get_spec("standing_straight_leg_raise"), sides="left")
    t = np.linspace(0.0, 12.0, 361)
    raise_ = np.clip(60 * np.sin(2 * np.pi * (t - 1.0) / 3.0), 0, None) * (t > 1.0) * (t < 10.0)
    bend = 8.0 * (raise_ > 20)
    # yaw 90 shows the right (standing) side; yaw -90 the left (raised) side
    for yaw, backend, want in ((90, "mediapipe-pose", True), (-90, "mediapipe-pose", False),
                               (-90, "synthetic", True)):
        s = pose_series(t, {"hip_flexion_l": raise_, "hip_flexion_r": bend}, yaw_deg=yaw)
        r = analyze_series(s.with_meta(backend=backend), spec, view="side")
        assert r.rep_count == 3, (yaw, backend)
        assert near_side(s.xyzv, s.world)[0] == (-1.0 if yaw > 0 else 1.0)
        hit = any(f.name == "standing_hip_bends" for rep in r.reps for f in rep.faults)
        assert hit == want, (yaw, backend)
        live = ExerciseTracker(spec, width=s.meta.width, height=s.meta.height, view="side")
        events = [e for f in s for e in live.step(f, backend=backend)]
        live_hit = any(getattr(e, "name", "") == "standing_hip_bends" for e in events)
        assert live_hit == want, (yaw, backend, "live")


def test_front_view_reads_an_in_plane_arm_elevation_in_the_image() -> None:
    """shoulder_elevation from the front: a hanging arm whose guessed depth swings (MediaPipe)
    is read in the image; an arm reaching towards the camera in 3D; view "any" in 3D."""
    from tracking.kinematics import angles_arrays

    t = np.linspace(0.0, 2.0, 61)
    fwd = np.where(t > 1.0, 45.0, 0.0)
    s = pose_series(t, {"shoulder_abduction_l": 90 * np.sin(np.pi * t / 2) ** 2,
                        "shoulder_flexion_r": fwd})
    world = s.world.copy()
    rng = np.random.default_rng(1)
    hanging = t <= 1.0
    from tracking.landmarks import Landmark as L
    world[hanging, L.RIGHT_ELBOW, 2] += rng.uniform(-0.05, 0.05, hanging.sum())  # depth noise
    r = angles_arrays(s.xyzv, world, ["shoulder_elevation_r"], "front", s.meta.width,
                      s.meta.height)["shoulder_elevation_r"]
    assert np.all(np.abs(r.value_deg[hanging]) < 1.0)  # the image: no depth noise
    assert np.allclose(r.value_deg[~hanging], 45.0, atol=1.0)  # out of the plane: 3D
    auto = angles_arrays(s.xyzv, world, ["shoulder_elevation_r"], "auto", s.meta.width,
                         s.meta.height)["shoulder_elevation_r"]
    np.testing.assert_allclose(auto.value_deg, r.value_deg, atol=1e-9)
    any_ = angles_arrays(s.xyzv, world, ["shoulder_elevation_r"], "any", s.meta.width,
                         s.meta.height)["shoulder_elevation_r"]
    assert np.max(np.abs(any_.value_deg[hanging])) > 3.0  # 3D as before: the depth noise shows

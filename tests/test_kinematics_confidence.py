"""Confidence of image readings: the view factor from the body's facing and an image-only
in-plane check of the limb segments (MediaPipe's per-landmark depth is not trusted)."""
from __future__ import annotations

import numpy as np

from tracking.exercise.synth import pose_series
from tracking.kinematics import IN_PLANE_HIGH, angles
from tracking.landmarks import Landmark as L

T = np.arange(7) / 30.0
CURL = np.array([10, 30, 60, 90, 110, 130, 140.0])


def test_in_plane_forearm_keeps_its_confidence_whatever_the_depth_guess():
    s = pose_series(T, {"elbow_flexion_l": CURL, "elbow_flexion_r": CURL}, yaw_deg=90)
    # a depth guess that calls the forearm foreshortened (as MediaPipe does near a curl's peak)
    s.xyzv[:, L.LEFT_WRIST, 2] += 0.5
    s.xyzv[:, L.RIGHT_WRIST, 2] -= 0.5
    for name in ("elbow_flexion_l", "elbow_flexion_r"):
        r = angles(s, [name], "side")[name]
        assert r.source == "image"
        np.testing.assert_allclose(r.value_deg, CURL, atol=1.0)
        assert r.confidence.min() > 0.9, r.confidence


def test_segment_seen_end_on_loses_confidence():
    # side view, left arm abducted 90 degrees: the upper arm points along the camera's axis
    s = pose_series(T, {"shoulder_abduction_l": 90.0, "elbow_flexion_l": CURL}, yaw_deg=90)
    r = angles(s, ["elbow_flexion_l"], "side")["elbow_flexion_l"]
    assert r.confidence.max() < 0.3
    # the same arm half-way out of the plane keeps part of it, fully in the plane all of it
    half = pose_series(T, {"shoulder_abduction_l": 60.0, "elbow_flexion_l": 20.0}, yaw_deg=90)
    c_half = angles(half, ["elbow_flexion_l"], "side")["elbow_flexion_l"].confidence
    flat = pose_series(T, {"elbow_flexion_l": 20.0}, yaw_deg=90)
    c_flat = angles(flat, ["elbow_flexion_l"], "side")["elbow_flexion_l"].confidence
    assert np.all(c_half < c_flat) and c_flat.min() > 0.9


def test_view_factor_comes_from_the_body_facing():
    # a front-on body read as a side view: no confidence, whatever the limbs do
    s = pose_series(T, {"knee_flexion_l": CURL}, yaw_deg=0)
    r = angles(s, ["knee_flexion_l"], "side")["knee_flexion_l"]
    assert r.confidence.max() < 0.1
    assert 0.5 < IN_PLANE_HIGH < 1.0  # human proportions vary: full trust before full length

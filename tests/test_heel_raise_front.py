"""Heel raises counted from the front (H8a): the torso's rise in the image.

From the front the foot line cannot be seen, so ``heel_raise``'s ``[front_primary]`` counts
the body's rise: ``torso_height_image``, the torso's centre (both shoulders and hips) above
the image's centre row in torso lengths, relative to the patient's own rest (a camera that
does not move). It replaced ``hip_above_toes`` (hip above the toe point), which on our own
MediaPipe renders of the figure (docs/rendered-patient.md "Front heel raises (H8a)") lost
the small repetitions: MediaPipe's toe point rose with the heel (at the peaks 1.6-5.4 pct of
torso length against the figure's 1.1-2.6) and its hips rose 10-15% less than the body
(its shoulders did not), so its torso length grew at each peak and, divided into a height of
~1.8 torso lengths, swung the reading. Here the virtual patient's exact landmarks are given
that behaviour.
"""
from __future__ import annotations

import numpy as np
import pytest

from tracking.exercise.analysis import analyze_series
from tracking.exercise.library import get_spec
from tracking.kinematics import angles, angles_arrays
from tracking.landmarks import Landmark as L
from tracking.series import PoseSeries
from tracking.virtual_patient.camera import Camera
from tracking.virtual_patient.generate import default_camera, generate

from pose_helpers import rendered_and_tracked

HIPS = [int(L.LEFT_HIP), int(L.RIGHT_HIP)]
TOES = [int(L.LEFT_FOOT_INDEX), int(L.RIGHT_FOOT_INDEX)]


def _front(rom: float, distance: float = 3.0, height: float = 1.0, size=(800, 600),
           reps: int = 4) -> PoseSeries:
    spec = get_spec("heel_raise")
    base = default_camera(spec, ("l",), "front")
    cam = Camera(view=base.view, distance=distance, height=height, width=size[0], height_px=size[1])
    series, _ = generate(spec, reps=reps, rom_deg=rom, view=cam, fps=30.0)
    return series


def mediapipe_like(series: PoseSeries, toe_follow: float = 0.15, hip_short: float = 0.12
                   ) -> PoseSeries:
    """The front heel raise as MediaPipe read our renders: the toe points rise by
    ``toe_follow`` of the hips' rise (measured 0.09-0.17 beyond the figure's own toe rise) and
    the hips rise ``hip_short`` less than they do (measured 0.10-0.15; shoulders exact)."""
    xyzv = series.xyzv.copy()
    y = xyzv[..., 1]
    rest = np.median(y[:20], axis=0)
    hip_rise = np.mean(rest[HIPS] - y[:, HIPS], axis=1)  # image y grows downwards
    for i in HIPS:
        y[:, i] += hip_short * (rest[i] - y[:, i])
    for i in TOES:
        y[:, i] -= toe_follow * hip_rise
    return PoseSeries(series.t_ms, xyzv, series.world, series.flags,
                      series.meta).with_meta(backend="mediapipe-pose")


def test_front_primary_is_the_torso_rise_with_the_primary_fraction():
    spec = get_spec("heel_raise")
    fp = spec.front_primary
    assert fp.angle == "torso_height_image" and fp.relative
    assert fp.min_range / (fp.target - fp.start) == pytest.approx(
        spec.primary.min_range / spec.primary.span, abs=0.01)


@pytest.mark.parametrize("distance,height,size", [(2.5, 0.8, (640, 360)), (3.0, 1.0, (800, 600)),
                                                  (4.0, 1.2, (1280, 720))])
def test_target_and_minimum_are_the_virtual_patients_rise(distance, height, size):
    """On exact landmarks a 25-degree heel raise lifts the torso by the target (within 0.5)
    and a 12-degree one by at least the minimum range, whatever the camera."""
    fp = get_spec("heel_raise").front_primary
    for rom, want in ((25.0, fp.target), (12.0, None)):
        r = angles(_front(rom, distance, height, size, reps=1), ["torso_height_image"], view="front")
        v = r["torso_height_image"].value_deg
        rise = float(np.nanmax(v) - v[0])
        if want is None:
            assert fp.min_range <= rise <= fp.min_range + 1.0
        else:
            assert rise == pytest.approx(want - fp.start, abs=0.5)


def test_measure_is_image_only_and_in_torso_lengths():
    xyzv = np.full((1, 33, 4), np.nan)
    xyzv[0, :, 3] = 1.0
    # shoulders at y 0.3, hips at 0.5 (normalised, y down): torso 0.2 * 600 = 120 px; the
    # torso's centre (0.4) lies 0.1 * 600 = 60 px above the centre row: 50 pct
    for i, (x, y) in {L.LEFT_SHOULDER: (0.55, 0.3), L.RIGHT_SHOULDER: (0.45, 0.3),
                      L.LEFT_HIP: (0.53, 0.5), L.RIGHT_HIP: (0.47, 0.5)}.items():
        xyzv[0, i, :2] = (x, y)
    r = angles_arrays(xyzv, None, ["torso_height_image"], view="front", width=800, height=600)
    assert r["torso_height_image"].value_deg[0] == pytest.approx(50.0)
    assert r["torso_height_image"].unit == "pct"
    world = np.zeros((1, 33, 3))
    w = angles_arrays(xyzv, world, ["torso_height_image"], view="front", source="world")
    assert np.isnan(w["torso_height_image"].value_deg[0])  # no image centre in world space


@pytest.mark.parametrize("rom,distance,height,size", [(14.0, 3.0, 1.0, (800, 600)),
                                                      (15.0, 3.6, 1.1, (640, 360)),
                                                      (16.0, 2.8, 0.9, (1280, 720))])
def test_small_front_heel_raises_count_when_toes_follow_and_hips_lag(rom, distance, height, size):
    """14-16 degrees: a 13-degree one, 1 degree over the minimum, reads about the minimum range
    with these hips (as on our 13-degree render, 1 of 4 counted)."""
    series = mediapipe_like(_front(rom, distance, height, size))
    result = analyze_series(series, "heel_raise", view="front")
    assert result.rep_count == 4
    assert all(r.measure == "torso_height_image" and r.unit == "pct" for r in result.reps)
    assert analyze_series(series, "heel_raise").rep_count == 4  # auto view too


def test_hip_above_toes_lost_them():
    """Why it was replaced: the same series counted from the toe point loses repetitions."""
    from dataclasses import replace
    spec = get_spec("heel_raise")
    old = replace(spec, front_primary=replace(spec.front_primary, angle="hip_above_toes",
                                              start=181.0, target=194.5, min_range=6.5))
    for rom, size in ((14.0, (800, 600)), (16.0, (1280, 720))):
        series = mediapipe_like(_front(rom, 3.0, 1.0, size))
        assert analyze_series(series, old, view="front").rep_count < 4, rom


@pytest.mark.slow
def test_front_heel_raise_rendered_with_mediapipe() -> None:
    """End to end (figure rendered offscreen, real MediaPipe, filter, analysis; about 10 s):
    2 heel raises of 18 degrees filmed from the front at 640x360, 15 fps, counted exactly
    from the torso's rise, in auto view and told "front"."""
    series = rendered_and_tracked("heel_raise", (640, 360), reps=2, rom_deg=18.0, view="front",
                                  fps=15.0, lead_in_s=1.0)
    for told in (None, "front"):
        result = analyze_series(series, "heel_raise", view=told)
        assert result.rep_count == 2, told
        assert all(r.measure == "torso_height_image" for r in result.reps)

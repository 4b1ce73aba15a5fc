"""Frontal-plane movements counted side-on from a pose model's guessed depth (H1d).

Standing hip abduction side-on is counted from the shank's side tilt against the vertical
(``shank_side_tilt``, image3d), not from ``hip_abduction``, whose reference, the trunk
midline, is itself read from guessed depth: on our own MediaPipe renders of the figure the
guessed trunk lean followed the swinging leg by 4-9 degrees at the top of each repetition
(docs/rendered-patient.md "Side-on hip abduction and side bend"): as the working ankle came
39 units (image-width pixels) nearer the camera, MediaPipe put the mid-shoulder 16 and the
ears 23 units further away. Here the virtual patient's exact depth is given that behaviour.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tracking.exercise.analysis import analyze_series
from tracking.exercise.library import get_spec
from tracking.landmarks import Landmark as L
from tracking.series import PoseSeries
from tracking.virtual_patient.camera import Camera
from tracking.virtual_patient.generate import generate

from pose_helpers import rendered_and_tracked

#: depth noise (m, along the camera's axes) of a pose model that guesses depth
GUESSED_DEPTH = (0.003, 0.003, 0.02)
#: landmarks above the hips: face, shoulders, arms, hands
UPPER = list(range(int(L.LEFT_HIP)))


def trunk_follows_leg(series: PoseSeries, ankle: L, follow: float = -0.4) -> PoseSeries:
    """The upper body's guessed depth moved by ``follow`` times the working ankle's depth
    change since the first frame (-0.4: away from the camera as the leg comes nearer, as
    MediaPipe did: -16/39 at the shoulders, -23/39 at the ears)."""
    xyzv = series.xyzv.copy()
    dz = xyzv[:, int(ankle), 2] - xyzv[0, int(ankle), 2]
    xyzv[:, UPPER, 2] += (follow * dz)[:, None].astype(np.float32)
    return PoseSeries(series.t_ms, xyzv, series.world, series.flags,
                      dataclasses.replace(series.meta, backend="mediapipe-pose"))


def _hip_abduction_side_primary(spec):
    """The previous [side_primary]: hip_abduction (against the trunk midline), image3d."""
    sp = dataclasses.replace(spec.side_primary, angle="hip_abduction", target=30.0)
    return dataclasses.replace(spec, side_primary=sp)


def test_hip_abduction_side_primary_is_the_shank_against_the_vertical():
    sp = get_spec("standing_hip_abduction").side_primary
    assert sp.angle == "shank_side_tilt" and sp.source == "image3d" and sp.relative
    assert sp.target < sp.start  # the ankle swings outward of the knee: negative tilt


@pytest.mark.parametrize("seed,side,distance,rom", [
    (1, "left", 3.2, 30.0), (2, "left", 2.9, 24.0), (3, "right", 3.6, 30.0),
    (4, "right", 3.0, 22.0)])
def test_hip_abduction_side_on_counts_while_the_guessed_trunk_follows_the_leg(
        seed, side, distance, rom):
    spec = get_spec("standing_hip_abduction")
    ankle = L.LEFT_ANKLE if side == "left" else L.RIGHT_ANKLE
    series, truth = generate(spec, reps=4, rom_deg=rom, side=side, noise=GUESSED_DEPTH,
                             view=Camera(view=side, distance=distance), seed=seed)
    assert truth.rep_count == 4
    moved = trunk_follows_leg(series, ankle)
    for told in (None, "side"):
        r = analyze_series(moved, spec, view=told)
        assert r.rep_count == 4, (told, [round(x.rom_deg, 1) for x in r.reps])
        for rep, t in zip(r.reps, truth.reps):  # each found inside a performed one
            assert t.start_s - 0.3 <= rep.peak_s <= t.end_s + 0.3
            assert rep.side == side
    # the untouched series counts the same; the trunk-midline measure loses repetitions
    assert analyze_series(series.with_meta(backend="mediapipe-pose"), spec).rep_count == 4


def test_the_trunk_midline_measure_loses_repetitions_where_the_shank_does_not():
    spec = get_spec("standing_hip_abduction")
    old = _hip_abduction_side_primary(spec)
    lost = 0
    for seed, side, rom in ((1, "left", 30.0), (2, "left", 24.0), (4, "right", 22.0)):
        ankle = L.LEFT_ANKLE if side == "left" else L.RIGHT_ANKLE
        series, truth = generate(spec, reps=4, rom_deg=rom, side=side, noise=GUESSED_DEPTH,
                                 view=side, seed=seed)
        moved = trunk_follows_leg(series, ankle)
        assert analyze_series(moved, spec).rep_count == 4
        lost += analyze_series(moved, old).rep_count < 4
    assert lost >= 2  # measured: all 3 lose repetitions (also with -0.35)


def slanted_leg(series: PoseSeries, side: str, slant_deg: float = 45.0,
                gain: float = 0.65) -> PoseSeries:
    """The working leg's guessed depth as MediaPipe gave it on our own right-leg renders: at
    rest the leg reads tilted ``slant_deg`` away from the camera (measured 47-52 degrees at
    the shank), and its depth displacements come out at ``gain`` of the true ones (ankle 61
    units for an expected 93)."""
    xyzv = series.xyzv.copy()
    w, h = series.meta.width, series.meta.height
    pre = "LEFT_" if side == "left" else "RIGHT_"
    hip = int(L[pre + "HIP"])
    for name in ("KNEE", "ANKLE", "HEEL", "FOOT_INDEX"):
        j = int(L[pre + name])
        drop = (xyzv[:, j, 1] - xyzv[:, hip, 1]) * h  # pixels below the hip
        xyzv[:, j, 2] = (xyzv[:, hip, 2] + gain * (xyzv[:, j, 2] - xyzv[:, hip, 2])
                         + np.float32(np.tan(np.radians(slant_deg))) * drop / w)
    return PoseSeries(series.t_ms, xyzv, series.world, series.flags,
                      dataclasses.replace(series.meta, backend="mediapipe-pose"))


@pytest.mark.parametrize("seed,side,rom,distance", [
    (1, "left", 30.0, 3.2), (2, "left", 24.0, 2.9), (3, "right", 30.0, 3.6),
    (4, "right", 24.0, 3.0)])
def test_tangent_counts_from_a_slanted_guessed_rest(seed, side, rom, distance):
    """Counted through its tangent, the shank's swing reads the same from any rest tilt; the
    angle itself compresses it (by cos^2 of the tilt) below the minimum range."""
    spec = get_spec("standing_hip_abduction")
    assert spec.side_primary.tangent
    angle = dataclasses.replace(spec, side_primary=dataclasses.replace(spec.side_primary,
                                                                       tangent=False))
    series, truth = generate(spec, reps=4, rom_deg=rom, side=side, noise=GUESSED_DEPTH,
                             view=Camera(view=side, distance=distance), seed=seed)
    upright = analyze_series(slanted_leg(series, side, 0.0), spec)
    tilted = analyze_series(slanted_leg(series, side, 45.0), spec)
    assert upright.rep_count == tilted.rep_count == 4
    for a, b in zip(upright.reps, tilted.reps):
        assert b.rom_deg == pytest.approx(a.rom_deg, abs=1.0) and b.unit == "deg"
        assert b.peak_deg < 0  # the spec's start plus the (negative) excursion, in degrees
    assert analyze_series(slanted_leg(series, side, 45.0), angle).rep_count < 4


def test_tangent_on_exact_landmarks_reports_the_angle():
    """With the true depth (the virtual patient) the tangent changes nothing: the range read
    back from the tangent is the shank's tilt itself."""
    spec = get_spec("standing_hip_abduction")
    angle = dataclasses.replace(spec, side_primary=dataclasses.replace(spec.side_primary,
                                                                       tangent=False))
    series, truth = generate(spec, reps=3, rom_deg=28.0, view="side")
    a, b = analyze_series(series, spec), analyze_series(series, angle)
    assert a.rep_count == b.rep_count == 3
    for x, y in zip(a.reps, b.reps):
        assert x.rom_deg == pytest.approx(y.rom_deg, abs=0.5)


def test_tangent_spec_checks():
    import tomllib
    from tracking.errors import InputError
    from tracking.exercise.spec import parse_spec
    text = open("assets/exercises/standing_hip_abduction.toml", "rb").read()
    data = tomllib.loads(text.decode())
    assert parse_spec(data).side_primary.tangent
    bad = dict(data, side_primary=dict(data["side_primary"], angle="ankle_height", start=0.0,
                                       target=40.0))
    with pytest.raises(InputError, match="tangent"):
        parse_spec(bad)
    far = dict(data, side_primary=dict(data["side_primary"], target=-80.0))
    with pytest.raises(InputError, match="75"):
        parse_spec(far)
    with pytest.raises(InputError, match="tangent"):  # view primaries only
        parse_spec(dict(data, primary=dict(data["primary"], tangent=True)))


@pytest.mark.slow
def test_hip_abduction_side_on_rendered_with_mediapipe() -> None:
    """End to end (figure rendered offscreen, real MediaPipe, filter, analysis; about 5 s):
    2 repetitions of the left leg filmed side-on at 480x360, 15 fps, counted exactly from the
    shank's side tilt, in auto view and told "side". Counts only: MediaPipe's guessed depth
    read 23-24 degrees for a clean 26 on this clip (18-20 as an angle)."""
    series = rendered_and_tracked("standing_hip_abduction", (480, 360), reps=2, view="side",
                                  fps=15.0, tempo=(1.5, 0.5, 1.5, 0.8), lead_in_s=1.0)
    for told in (None, "side"):
        result = analyze_series(series, "standing_hip_abduction", view=told)
        assert result.rep_count == 2, told
        assert all(r.measure == "shank_side_tilt" and r.unit == "deg" for r in result.reps)

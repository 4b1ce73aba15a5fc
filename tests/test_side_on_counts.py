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


@pytest.mark.slow
def test_hip_abduction_side_on_rendered_with_mediapipe() -> None:
    """End to end (figure rendered offscreen, real MediaPipe, filter, analysis; about 5 s):
    2 repetitions of the left leg filmed side-on at 480x360, 15 fps, counted exactly from the
    shank's side tilt, in auto view and told "side". Counts only: MediaPipe's guessed depth
    read 18-20 degrees for a clean 26 on this clip."""
    pytest.importorskip("panda3d")
    from panda3d.core import loadPrcFileData
    loadPrcFileData("", "window-type offscreen\naudio-library-name null")
    from scenes.patient.clip import clean_analysis, exercise_motion
    from scenes.patient.source import RenderedPatientSource
    from tracking.offline import analyze_video

    motion = exercise_motion("standing_hip_abduction", reps=2, view="side", size=(480, 360),
                             fps=15.0, tempo=(1.5, 0.5, 1.5, 0.8), lead_in_s=1.0)
    clean = clean_analysis(motion)
    assert clean is not None and clean["rep_count"] == 2
    src = RenderedPatientSource(motion.points, fps=15.0, view=motion.view, size=(480, 360))
    run = analyze_video("rendered", show_progress=False, source_factory=lambda _: src)
    assert run.raw.detection_rate >= 0.95
    for told in (None, "side"):
        result = analyze_series(run.series, "standing_hip_abduction", view=told)
        assert result.rep_count == 2, told
        assert all(r.measure == "shank_side_tilt" and r.unit == "deg" for r in result.reps)

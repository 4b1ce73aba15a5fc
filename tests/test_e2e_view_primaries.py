"""The seated biceps curl counted from both camera views on the virtual patient: from the side
by the elbow angle, from the front by the wrists' rise (its [front_primary])."""
from __future__ import annotations

import pytest

from tracking.exercise.analysis import analyze_series
from tracking.exercise.library import get_spec
from tracking.virtual_patient.camera import Camera
from tracking.virtual_patient.generate import generate


@pytest.mark.parametrize("view,distance,rom,noise", [
    ("front", 2.8, 100.0, 0.0), ("front", 3.6, 70.0, 0.004), ("left", 3.0, 110.0, 0.004)])
def test_seated_curl_counted_from_front_and_side(view, distance, rom, noise):
    spec = get_spec("seated_bicep_curl")
    assert spec.front_primary is not None and spec.front_primary.angle == "wrist_height"
    series, truth = generate(spec, reps=4, rom_deg=rom, view=Camera(view=view, distance=distance),
                             noise=noise, seed=3)
    result = analyze_series(series, spec)
    assert result.rep_count == truth.rep_count == 4
    if view != "front":  # the elbow angle, seen side-on
        for rep, want in zip(result.reps, truth.reps):
            assert abs(rep.peak_deg - want.peak_deg) < 5.0

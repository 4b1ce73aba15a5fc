"""Test helpers shared by test modules: how a real pose model sees what the virtual patient's
visibility heuristic does not model."""
from __future__ import annotations

import numpy as np

from tracking.landmarks import Landmark as L
from tracking.series import PoseSeries


def raised_arm_seen(series: PoseSeries) -> PoseSeries:
    """The far arm raised above its shoulder made visible, as MediaPipe reported it on our own
    rendered clip.

    The virtual patient fades every far-side arm landmark within the torso's image width,
    also a hand reached up over the head (visibility about 0.2); MediaPipe on the rendered
    patient side-on (side bend, 800x600) reported that raised far wrist at 0.5-0.7 and hid it
    (no reading) while it hung at the side (on an earlier 640x480 render it too reported the
    raised far wrist at about 0.2: MediaPipe is not consistent there, docs/exercises.md). Here:
    elbow and wrist above their shoulder in the image get at least 0.6."""
    xyzv = series.xyzv.copy()
    for w, e, s in ((L.LEFT_WRIST, L.LEFT_ELBOW, L.LEFT_SHOULDER),
                    (L.RIGHT_WRIST, L.RIGHT_ELBOW, L.RIGHT_SHOULDER)):
        up = xyzv[:, w, 1] < xyzv[:, s, 1]
        for lm in (w, e):
            xyzv[:, lm, 3] = np.where(up, np.maximum(xyzv[:, lm, 3], 0.6), xyzv[:, lm, 3])
    return PoseSeries(series.t_ms, xyzv, series.world, series.flags, series.meta)


def rendered_and_tracked(exercise: str, size: tuple[int, int], **motion: object) -> PoseSeries:
    """A short clip of the rendered patient (Panda3D, offscreen) tracked by real MediaPipe:
    its filtered landmark series. ``motion``: ``exercise_motion``'s options (reps, view, fps,
    rom_deg, tempo, lead_in_s...). Checks on the way that the clean analysis of the figure's
    own joints counts the repetitions asked for and that the person is found in >= 95% of
    the frames. Skips the test where Panda3D is missing."""
    import pytest
    pytest.importorskip("panda3d")
    from panda3d.core import loadPrcFileData
    loadPrcFileData("", "window-type offscreen\naudio-library-name null")
    from scenes.patient.clip import clean_analysis, exercise_motion
    from scenes.patient.source import RenderedPatientSource
    from tracking.offline import analyze_video

    m = exercise_motion(exercise, size=size, **motion)  # type: ignore[arg-type]
    clean = clean_analysis(m)
    assert clean is not None and clean["rep_count"] == motion.get("reps")
    src = RenderedPatientSource(m.points, fps=m.fps, view=m.view, size=size)
    run = analyze_video("rendered", show_progress=False, source_factory=lambda _: src)
    assert run.raw.detection_rate >= 0.95
    return run.series

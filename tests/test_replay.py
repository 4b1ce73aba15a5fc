"""Replay: the timeline model, re-scoring recorded landmarks, the offscreen viewer."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from game.replay.timeline import Playback, load_replay
from game.sessions.recorder import SessionRecorder
from game.sessions.store import open_store


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A squat session of the virtual patient, scored live by the engine and recorded."""
    from tracking.exercise.events import RepCompleted
    from tracking.exercise.library import get_spec
    from tracking.exercise.tracker import ExerciseTracker
    from tracking.virtual_patient.generate import generate
    d = tmp_path_factory.mktemp("replay")
    old = os.environ.get("PHYSIOQUEST_DATA_DIR")
    os.environ["PHYSIOQUEST_DATA_DIR"] = str(d)
    series, truth = generate("squat", reps=4, fps=30, faults={2: ["trunk_forward_lean"]}, seed=3)
    tracker = ExerciseTracker(get_spec("squat"), {"target": 90}, series.meta.width, series.meta.height)
    store = open_store(str(d / "pq.sqlite3"))
    rec = SessionRecorder(store, "P1", None, "orchard", "virtual-patient:squat", meta=series.meta)
    rec.begin_set("squat", 0, target_reps=4, t_ms=0.0)
    for f in series:
        rec.add_frame(f)
        for e in tracker.step(f):
            rec.add_event(e)
            if isinstance(e, RepCompleted):
                rec.add_rep("squat", 0, e.rep)
    rec.end_set("squat", 0)
    session = rec.finish()
    model = load_replay(store, session.id)
    store.close()
    yield d, session, model, series, truth
    if old is None:
        os.environ.pop("PHYSIOQUEST_DATA_DIR", None)
    else:
        os.environ["PHYSIOQUEST_DATA_DIR"] = old


def test_timeline_model(recorded) -> None:
    _, session, model, series, truth = recorded
    assert len(model.marks) == truth.rep_count == 4
    assert model.series.equals(series)
    m2 = model.marks[1]
    assert m2.rep.faults == ("trunk_forward_lean",) and model.marks[0].rep.faults == ()
    mid = (m2.t0_ms + m2.t1_ms) / 2
    assert model.rep_at(mid) is m2 and model.exercise_at(mid) == ("squat", 90.0)
    f = model.frame_at(mid)
    assert f is not None and abs(f.t_ms - mid) <= 1000 / 30 + 1e-6
    assert "trunk_forward_lean" in model.faults_at(mid)
    assert model.faults_at((model.marks[0].t0_ms + model.marks[0].t1_ms) / 2) == ()
    assert model.frame_at(model.start_ms - 1) is None and model.frame_at(series.t_ms[-1] + 5000) is None


def test_playback_controls(recorded) -> None:
    _, _, model, _, _ = recorded
    p = Playback(model)
    assert p.playing and p.t_ms == model.start_ms
    p.step(1.0)
    assert p.t_ms == pytest.approx(model.start_ms + 1000)
    p.faster()
    p.step(0.5)
    assert p.speed == 2.0 and p.t_ms == pytest.approx(model.start_ms + 2000)
    for _ in range(5):
        p.slower()
    assert p.speed == 0.25
    m = p.jump_to_rep(3)
    assert m is model.marks[2] and p.t_ms == m.t0_ms and not p.playing
    assert p.next_rep() is model.marks[3] and p.prev_rep() is model.marks[2]
    assert p.jump_to_rep(99) is None and p.t_ms == model.marks[2].t0_ms
    p.seek_fraction(2.0)
    assert p.t_ms == model.end_ms
    p.toggle()  # play at the end: starts over
    assert p.playing and p.t_ms == model.start_ms
    p.speed = 4.0
    for _ in range(200):
        p.step(0.1)
    assert not p.playing and p.t_ms == model.end_ms


def test_rescoring_recorded_landmarks_matches_live(recorded) -> None:
    from game.replay.rescore import rescore
    _, _, model, _, _ = recorded
    [r] = rescore(model)
    assert (r.exercise_id, r.recorded_reps, r.rescored_reps) == ("squat", 4, 4)
    assert r.rescored_mean_score == pytest.approx(r.recorded_mean_score, abs=0.5)
    live = [m.rep for m in model.marks]
    for a, b in zip(live, r.rescored):
        assert b.start_s * 1000 == pytest.approx(a.t_start_ms, abs=1.0)
        assert b.peak_deg == pytest.approx(a.range_deg, abs=0.01)
        assert tuple(h.name for h in b.faults) == a.faults


def test_replay_cli_rescore(recorded) -> None:
    d, session, _, _, _ = recorded
    env = dict(os.environ, PHYSIOQUEST_DATA_DIR=str(d))
    r = subprocess.run([sys.executable, "-m", "game.cli", "replay", session.id[:12], "--rescore", "--offscreen",
                        "--db", str(d / "pq.sqlite3")], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "squat: recorded 4 reps" in r.stdout and "re-scored 4 reps" in r.stdout


def test_offscreen_viewer_screenshots(recorded, tmp_path) -> None:
    from panda3d.core import PNMImage, Filename
    from game.replay.viewer import ReplayApp, screenshot_times
    _, _, model, _, _ = recorded
    app = ReplayApp(model, offscreen=True, size=(480, 270))
    try:
        app.run_replay(max_frames=3)
        shots = {label: app.screenshot_at(t, tmp_path / f"{label}.png") for t, label in screenshot_times(model)}
        assert set(shots) >= {"start", "rep01", "rep02", "end"}
        assert app.rep_text.node().getText().startswith("Rep ") or "repetitions" in app.rep_text.node().getText()
        app.show_time((model.marks[1].t0_ms + model.marks[1].t1_ms) / 2)
        assert "faults: trunk forward lean" in app.rep_text.node().getText()
        assert app.avatar.points is not None  # the skeleton was posed
    finally:
        app.close()

    def pixels(path):
        img = PNMImage()
        assert img.read(Filename.fromOsSpecific(str(path)))
        return np.array([[img.getXel(x, y) for x in range(0, 480, 4)] for y in range(0, 270, 4)])
    a, b = pixels(shots["rep01"]), pixels(shots["rep02"])
    assert a.std() > 0.05  # a scene, not a blank frame
    assert np.abs(a - b).mean() > 0.002  # the playhead moved and the body with it

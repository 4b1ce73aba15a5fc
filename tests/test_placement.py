"""Camera placement (tracking.exercise.placement): the advice before a set, the view hint
during it (game, once per set), and the note of ``physioquest analyze``."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pytest

from game.feedback import ViewHintTimer
from tracking.exercise.library import get_spec, library
from tracking.exercise.placement import (angle_def, counted_primary, dominant_view,
                                         one_sided, placement_advice, view_check, view_hint)
from tracking.views import SHOWN_PLANE

SPECS = sorted(library().values(), key=lambda s: s.id)
OTHER = {"front": "side", "side": "front"}


# -- the rules, over the whole library ----------------------------------------------------
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_every_spec_gets_advice_unless_any_view(spec) -> None:
    for side in (None, "left", "right"):
        advice = placement_advice(spec, side)
        if spec.view == "any":
            assert advice == ""
            assert all(view_check(spec, v, side) is None for v in ("front", "side", "any"))
        else:
            assert advice.endswith("camera.") and len(advice) < 45
            assert ("fac" in advice.lower()) == (spec.view == "front")
        if spec.view == "side" and one_sided(spec) and side:
            assert f"your {side} side" in advice  # the working side nearest the camera


@pytest.mark.parametrize("spec", [s for s in SPECS if s.view != "any"], ids=lambda s: s.id)
def test_the_best_view_is_never_flagged_and_a_hiding_view_always_is(spec) -> None:
    for side in (None, "left", "right"):
        assert view_hint(spec, spec.view, side) is None
        assert view_hint(spec, None, side) is None  # not decided yet
    other = OTHER[spec.view]
    plane = angle_def(spec.primary.angle).plane
    check = view_check(spec, other)
    if plane == SHOWN_PLANE[spec.view]:  # the primary's plane: the other view cannot show it
        assert check is not None and check.reason in ("hidden", "range")
        assert "towards the camera may be missed" in check.note
        assert check.cue.startswith("Turn") and len(check.cue) < 90
    if check is None:  # not flagged: the other view reads the counted measure
        counted = angle_def(counted_primary(spec, other).angle)
        assert counted.plane in ("3d", "vertical") or SHOWN_PLANE[other] == counted.plane
        assert spec.sides != "alternating" or other != "side"


def test_side_bend_side_on_and_squat_from_the_front_are_flagged() -> None:
    bend = view_check(get_spec("side_bend_stretch"), "side")
    assert bend is not None and bend.cue.startswith("Turn to face the camera")
    assert bend.note.startswith("Filmed side-on: this exercise is best filmed from the front")
    squat = view_check(get_spec("squat"), "front")
    assert squat is not None and squat.reason == "range"  # counted from hip height...
    assert "not in degrees" in squat.note  # ...so the range is not the knee angle
    assert squat.cue.startswith("Turn your side to the camera")
    assert view_check(get_spec("shoulder_abduction"), "side").reason == "hidden"
    assert view_check(get_spec("forward_reach"), "side").reason == "far_side"
    assert view_check(get_spec("shoulder_abduction"), "any").reason == "oblique"
    assert view_check(get_spec("shoulder_scaption"), "side") is None  # a 3D measure
    assert view_check(get_spec("single_leg_stance"), "side") is None  # a height


def test_front_best_exercises_seen_from_the_front_are_never_flagged() -> None:
    front = [s for s in SPECS if s.view == "front"]
    assert len(front) >= 8
    for s in front:
        for side in (None, "left", "right"):
            for near in (None, "left", "right"):
                assert view_check(s, "front", side, near) is None


def test_side_advice_matches_the_side_the_virtual_patient_camera_and_tracker_see() -> None:
    """A one-sided side-view exercise: the advice's side is the one nearer the camera where the
    virtual patient's side camera stands; the other side nearer is flagged."""
    from tracking.views import near_side
    from tracking.virtual_patient.generate import generate
    spec = get_spec("standing_straight_leg_raise")
    for side, sign in (("left", 1), ("right", -1)):
        series, _ = generate(spec, reps=1, side=side)
        near = near_side(series.xyzv, series.world)
        assert np.mean(near == sign) > 0.95
        assert f"your {side} side" in placement_advice(spec, side)
        assert view_check(spec, "side", side, near=side) is None
        other = "right" if side == "left" else "left"
        wrong = view_check(spec, "side", side, near=other)
        assert wrong is not None and wrong.reason == "wrong_side" and side in wrong.cue


def test_dominant_view() -> None:
    assert dominant_view(["side"] * 8 + ["any"] * 2) == ("side", 0.8)
    assert dominant_view(["side"] * 5 + ["front"] * 5)[0] is None
    assert dominant_view([None, None]) == (None, 0.0)


def test_view_hint_timer_fires_once_after_the_delay_and_never_while_fine() -> None:
    hint = "Turn to face the camera: from the side we cannot see all of this movement."
    t = ViewHintTimer(delay_s=3.0, show_s=4.0)
    ts = np.arange(0, 30, 0.1)
    shown = [t.update(x, None).cue for x in ts]
    assert not any(shown) and not t.fired  # the view is fine: never
    t = ViewHintTimer(delay_s=3.0, show_s=4.0)
    # wrong for 2 s, fine, then wrong for good: shown 3 s after the second onset, 4 s long
    out = [t.update(x, hint if (x < 2.0 or x >= 5.0) else None) for x in ts]
    on = [x for x, d in zip(ts, out) if d.cue]
    assert on[0] == pytest.approx(8.0) and on[-1] == pytest.approx(11.9)
    assert sum(d.started for d in out) == 1
    t = ViewHintTimer()  # turning round while it shows hides it; it does not come back
    out = [t.update(x, hint if x < 4.0 or x > 6.0 else None).cue for x in ts]
    assert [x for x, c in zip(ts, out) if c][-1] < 4.0


# -- the game -----------------------------------------------------------------------------
def _side_feed(view: str | None):
    """The demo's virtual patient, filmed from ``view`` during exercises, as a webcam
    (a pose model that guesses depth) would see it."""
    from game.input import DemoFeed

    class Feed(DemoFeed):
        backend = "mediapipe-pose"

        def __init__(self) -> None:
            super().__init__()
            vp, moves = self.patient, {}

            def movement(a):
                from tracking.virtual_patient.generate import generate
                key = (a.exercise, a.side, a.reps)
                if key not in moves:
                    moves[key] = generate(a.exercise, reps=a.reps, side=a.side, view=view)
                return moves[key]
            vp.movement = movement
    return Feed()


def _game(exercise: str, view: str | None):
    pytest.importorskip("panda3d")
    from game.app import PhysioQuestApp
    from game.config import GameConfig
    from game.states.session import default_plan
    cfg = GameConfig(input="demo", offscreen=True, size=(320, 180), mute=True,
                     simulated_clock=True, sim_fps=10, record=False)
    return PhysioQuestApp(cfg, _side_feed(view), plan=default_plan("Sam", exercise=exercise,
                                                                   short=True))


@pytest.mark.parametrize("view", ["side", "front"])
def test_game_shows_the_view_hint_once_from_the_side_never_from_the_front(view: str) -> None:
    app = _game("side_bend_stretch", view)
    try:
        app.start_item(0)
        cues = []
        for _ in range(150):  # 15 game seconds
            app.taskMgr.step()
            cues.append(None if app.hud.cue.isHidden() else app.hud.cue.node().getText())
        assert app.flow.state == "Exercise"
        assert app.set_run.bridge.tracker.engine.view_now == view
        hinted = [c for c in cues if c and "camera" in c]
        if view == "front":
            assert not hinted and app.log.view_hints == []
        else:
            assert app.log.view_hints == [view_hint(get_spec("side_bend_stretch"), "side")]
            first = next(i for i, c in enumerate(cues) if c in app.log.view_hints)
            assert first >= 30  # after 3 s of the wrong view
            runs = sum(1 for a, b in zip([None] + cues, cues) if b in app.log.view_hints
                       and a != b)
            assert runs == 1 and 30 <= len(hinted) <= 45  # once, about 4 s
            assert app.sounds.played.count("warning") >= 1
            assert "camera: Turn to face the camera" in "\n".join(app.log.summary_lines())
    finally:
        app.close()


def test_game_rest_and_calibration_screens_say_how_to_stand() -> None:
    app = _game("standing_straight_leg_raise", None)
    try:
        app.flow.go("Calibration")
        app.taskMgr.step()
        body = app.flow.states["Calibration"].screen.body.node().getText()
        assert body.startswith("Turn your left side to the camera.")
        app.start_item(0)
        app.taskMgr.step()
        app.after_set()  # the right side's set comes next
        app.taskMgr.step()
        assert app.flow.state == "Rest"
        body = app.flow.states["Rest"].screen.body.node().getText()
        assert "Turn your right side to the camera." in body.splitlines()
    finally:
        app.close()


# -- physioquest analyze -------------------------------------------------------------------
def _fake_analyze(series):
    from tracking.offline import OfflineRun

    def analyze_video(path, show_progress=None, source_factory=None):
        return OfflineRun(series, series, len(series), len(series), 1.0)
    return analyze_video


@pytest.mark.parametrize("view", ["side", "front"])
def test_analyze_notes_a_side_on_side_bend_and_keeps_counts(view, tmp_path, monkeypatch,
                                                            capsys) -> None:
    import tracking.offline
    from game.cli import main
    from game.commands.score import score_series
    from tracking.virtual_patient.generate import generate
    series, truth = generate("side_bend_stretch", reps=3, view=view, noise=0.003, seed=1)
    series = series.with_meta(backend="mediapipe-pose")  # as a video's analysis labels it
    monkeypatch.setattr(tracking.offline, "analyze_video", _fake_analyze(series))
    out = tmp_path / "r.json"
    assert main(["analyze", "clip.mp4", "--exercise", "side_bend_stretch",
                 "--json", str(out)]) == 0
    text = capsys.readouterr().out
    data = json.loads(out.read_text())
    plain = score_series(series, "side_bend_stretch", "clip.mp4")
    assert data["rep_count"] == plain["rep_count"] and data["reps"] == plain["reps"]
    assert data["camera_view"]["seen"] == view and data["camera_view"]["share"] > 0.9
    if view == "side":
        line = ("Filmed side-on: this exercise is best filmed from the front; movement towards "
                "the camera may be missed")
        assert len(data["notes"]) == 1 and data["notes"][0].startswith(line)
        assert sum(1 for ln in text.splitlines() if ln.startswith(line)) == 1
    else:
        assert data["notes"] == [] and "Filmed" not in text


def test_score_notes_a_side_on_side_bend_from_a_webcam_but_not_from_a_depth_camera(
        tmp_path, capsys) -> None:
    """``physioquest score`` on a landmark file gives the same note as analyze for a pose
    model that guesses depth; a depth camera's recording (here: the virtual patient's exact
    points) is not flagged: its depth is measured, not guessed."""
    from game.cli import main
    from tracking.series_file import save_series
    from tracking.virtual_patient.generate import generate
    series, _ = generate("side_bend_stretch", reps=2, view="side", noise=0.003, seed=2)
    for backend, flagged in (("mediapipe-pose", True), (series.meta.backend, False)):
        path = tmp_path / f"{backend}.npz"
        save_series(series.with_meta(backend=backend), path)
        out = tmp_path / f"{backend}.json"
        assert main(["score", str(path), "--exercise", "side_bend_stretch",
                     "--json", str(out)]) == 0
        text = capsys.readouterr().out
        data = json.loads(out.read_text())
        assert data["camera_view"]["seen"] == "side"
        assert (data["camera_view"]["flagged"] == "range") is flagged  # counted from wrist height
        assert (len(data["notes"]) == 1) is flagged
        assert ("Filmed side-on" in text) is flagged

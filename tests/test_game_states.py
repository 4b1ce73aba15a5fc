"""Offscreen game tests: every state driven with the virtual patient, keys and gestures,
every scene played once. Small window, simulated clock (10 frames per game second)."""
from __future__ import annotations

import contextlib
from typing import Callable, Iterator

import numpy as np
import pytest

pytest.importorskip("panda3d")

from game.app import PhysioQuestApp  # noqa: E402
from game.config import GameConfig  # noqa: E402
from game.input import Activity, DemoFeed  # noqa: E402


@contextlib.contextmanager
def game(short: bool = True, **over) -> Iterator[PhysioQuestApp]:
    """A game with the short plan (mini squats, 2 sets of 3) unless ``short`` is False."""
    from game.states.session import default_plan
    cfg = GameConfig(**{**dict(input="demo", offscreen=True, size=(320, 180), mute=True,
                               simulated_clock=True, sim_fps=10, record=False), **over})
    app = PhysioQuestApp(cfg, DemoFeed(), plan=default_plan("Sam", short=short))
    try:
        yield app
    finally:
        app.close()


def step_until(app: PhysioQuestApp, done: Callable[[], bool], max_s: float = 30.0) -> None:
    end = app.t + max_s
    while not done():
        assert app.t < end, f"stuck in {app.flow.state} after {max_s} s"
        app.taskMgr.step()


def frame_pixels(app: PhysioQuestApp) -> np.ndarray:
    from panda3d.core import PNMImage
    app.graphicsEngine.renderFrame()
    img = PNMImage()
    assert app.win.getScreenshot(img)
    return np.array([[img.getGray(x, y) for x in range(0, img.getXSize(), 8)]
                     for y in range(0, img.getYSize(), 8)])


def test_states_by_keys_gestures_and_auto_pause() -> None:
    with game(short=False) as app:
        assert app.flow.state == "PatientChoice"
        app.on_key("1")
        assert app.flow.state == "CameraCheck"
        check = app.flow.states["CameraCheck"]
        for _ in range(3):
            app.taskMgr.step()
        assert check.inset.frames_shown >= 1  # the camera picture is shown...
        tex = check.inset.tex
        assert (tex.getXSize(), tex.getYSize()) == (256, 144)  # ...rendered by the figure
        step_until(app, lambda: app.flow.state == "PainCheck", 10)  # the check passes by itself
        assert app.feed.renderer is None  # released once the check is done
        assert app.log.states[:3] == ["PatientChoice", "CameraCheck", "PainCheck"]
        # pain by gesture: one raised hand at "5", held still
        app.act(Activity("pain", value=5))
        step_until(app, lambda: app.flow.state == "Calibration", 8)
        assert app.log.pain_before == 5
        step_until(app, lambda: app.flow.state == "Exercise", 15)
        assert set(app.comfortable) == {"mini_squat", "shoulder_abduction"}
        assert app.comfortable["mini_squat"] > 30 and app.comfortable["shoulder_abduction"] > 100
        assert app.reach["overhead"] > 1.6
        step_until(app, lambda: len(app.set_run.log.reps) == 1, 8)
        assert app.hud.counter.node().getText() == f"1/{app.plan.items[0].reps}"
        assert app.sounds.played.count("rep") == 1
        # pause by key keeps the set's progress
        app.toggle_pause("key")
        assert app.flow.state == "Paused"
        for _ in range(20):
            app.taskMgr.step()
        app.toggle_pause("key")
        assert app.flow.state == "Exercise" and len(app.set_run.log.reps) == 1
        # pause by gesture (hands together above the head), resume by gesture
        app.act(Activity("hands_up"))
        step_until(app, lambda: app.flow.state == "Paused", 5)
        assert app.log.pauses[-1] == "gesture"
        app.act(Activity("stand"))
        for _ in range(10):
            app.taskMgr.step()
        app.act(Activity("hands_up"))
        step_until(app, lambda: app.flow.state == "Exercise", 5)
        # stepping out of the picture pauses, stepping back resumes
        app.act(Activity("leave"))
        step_until(app, lambda: app.flow.state == "Paused", 8)
        n = len(app.set_run.log.reps)
        assert app.log.pauses[-1] == "out of view"
        app.act(Activity("stand"))
        step_until(app, lambda: app.flow.state == "Exercise", 5)
        assert len(app.set_run.log.reps) == n
        app.set_run.log.reps.extend(app.set_run.log.reps[:1] * 6)  # skip ahead: 7 of 8 done
        app.act(Activity("exercise", "mini_squat"))
        step_until(app, lambda: app.flow.state == "SetSummary", 15)
        assert app.sounds.played.count("set_done") == 1
        app.on_key("enter")
        assert app.flow.state == "Rest"
        app.on_key("enter")
        assert app.flow.state == "Exercise" and app.slot.set_no == 2
        # the therapist can end the session early with Escape (pause), Escape (finish)
        app.on_escape()
        assert app.flow.state == "Paused"
        app.on_escape()
        assert app.done


def test_pain_keys_and_high_pain_stops_the_session() -> None:
    with game() as app:
        app.flow.go("PainCheck", when="before")
        app.on_key("arrow_right")
        app.on_key("arrow_right")
        assert app.flow.states["PainCheck"].selected == 2
        app.on_key("9")
        assert app.log.pain_before == 9
        assert app.flow.state == "SessionSummary"
        assert app.log.total_reps == 0 and "therapist" in app.log.level_changes[-1]


def test_form_fault_shows_one_steady_cue_and_marks_joints() -> None:
    with game() as app:
        from tracking.exercise.library import get_spec
        app.start_item(0)
        app.act(Activity("exercise", "mini_squat", fault_every=1))
        cue_words = {f.cue for f in get_spec("mini_squat").faults}
        cues = []
        marked = False
        for _ in range(90):
            app.taskMgr.step()
            cue = app.hud.cue.node().getText() if not app.hud.cue.isHidden() else None
            cues.append(cue)
            marked |= bool(app.avatar.fault_joints)
        shown = [c for c in cues if c]
        assert shown and set(shown) <= cue_words
        changes = sum(1 for a, b in zip(cues, cues[1:]) if a != b)
        assert changes <= 4  # appears and goes, no flicker
        assert marked
        assert not app.avatar.ghost.root.isHidden()  # the target ghost is shown
        assert app.avatar.used_body  # the clothed figure, not the stick figure
        assert app.log.cues and app.sounds.played.count("warning") == len(app.log.cues)


@pytest.mark.parametrize("palette,mode", [("default", "home"), ("colorblind", "clinic")])
def test_every_scene_plays_an_exercise(palette: str, mode: str) -> None:
    from scenes import SCENE_NAMES
    with game(palette=palette, mode=mode) as app:
        app.start_item(0)
        for name in SCENE_NAMES if palette == "default" else SCENE_NAMES[:1]:
            app.use_scene(name)
            assert app.scene is not None and app.scene.name == name
            for _ in range(25):
                app.taskMgr.step()
            assert app.avatar.points is not None
            px = frame_pixels(app)
            assert px.std() > 0.05, f"scene {name} renders a flat picture"
        assert app.hud.title.node().getText() == "Mini squat"


def test_hold_timer_shows_on_a_stretch() -> None:
    from game.states.session import default_plan
    cfg = GameConfig(input="demo", offscreen=True, size=(320, 180), mute=True,
                     simulated_clock=True, sim_fps=10, record=False)
    app = PhysioQuestApp(cfg, DemoFeed(), plan=default_plan("Sam", exercise="side_bend_stretch",
                                                             short=True))
    try:
        app.start_item(0)
        step_until(app, lambda: not app.hud.hold_frame.isHidden(), 15)
        assert app.hud.hold_label.node().getText().startswith("Hold")
        step_until(app, lambda: "hold_done" in app.sounds.played, 20)
        assert app.hud.hold_label.node().getText() == "Well held!"
    finally:
        app.close()


def test_closing_the_window_ends_the_session_with_a_summary() -> None:
    with game() as app:
        for _ in range(3):
            app.taskMgr.step()
        app.userExit()  # what ShowBase calls when the window is closed
        assert app.done and app.flow.state == "SessionSummary" and app.log.stopped_early
        assert "  stopped early (window closed)" in app.log.summary_lines()

"""Game logic without rendering: bridge, camera check, calibration, config, input, sounds."""
from __future__ import annotations

import wave

import numpy as np
import pytest

from game.bridge import (Bridge, FaultsSeen, HoldCompleted, HoldProgress, PersonFound,
                         PersonLost, RepCompleted, make_tracker)
from game.config import GameConfig, config_from_dict, load_config, palette
from game.demo_body import BodyPose, body_points, draw_camera_image, to_frame  # camera check
from game.input import Activity, DemoFeed, open_feed
from game.sounds import synthesise, write_sounds
from game.states.checks import Calibrator, check_camera
from game.states.session import SessionLog, SetLog, default_plan
from tracking.errors import InputError, PhysioQuestError


def play(feed: DemoFeed, bridge: Bridge, seconds: float, fps: float = 30.0, t0: float = 0.0):
    events = []
    for i in range(int(seconds * fps)):
        t = t0 + i / fps
        events += [(t, e) for e in bridge.step(feed.latest(t).frame, t)]
    return events


@pytest.mark.parametrize("exercise,side", [("mini_squat", None), ("shoulder_abduction", "left")])
def test_bridge_counts_demo_reps_and_sees_the_planted_fault(exercise, side) -> None:
    from tracking.exercise.library import get_spec
    fault = get_spec(exercise).faults[0].name  # what the demo plants (the UI-PRMD rules change)
    feed = DemoFeed()
    feed.set_activity(Activity("exercise", exercise, side=side, fault_every=3), 0.0)
    series, truth = feed.patient.movement(feed.activity)
    bridge = Bridge(make_tracker(exercise, side, {"reps": 6}, *feed.size, backend=feed.backend))
    events = play(feed, bridge, series.duration_s + 0.5, fps=15.0)
    reps = [e for _, e in events if isinstance(e, RepCompleted)]
    assert len(reps) == truth.rep_count == 6
    assert [r.rep for r in reps] == [1, 2, 3, 4, 5, 6]
    assert all(r.side == (side or "") for r in reps)
    faulty = [r.rep for r in reps if any(h.name.startswith(fault) for h in r.result.faults)]
    assert faulty == [3, 6]  # the generator planted the spec's first fault in every third rep
    assert reps[0].score > reps[2].score
    seen = {f.fault for _, e in events if isinstance(e, FaultsSeen) for f in e.faults}
    assert fault in seen


def test_bridge_standing_still_counts_nothing() -> None:
    feed = DemoFeed()
    events = play(feed, Bridge(make_tracker("mini_squat", None, {}, *feed.size)), 6.0)
    assert not any(isinstance(e, RepCompleted) for _, e in events)


def test_bridge_presence_lost_and_found() -> None:
    feed = DemoFeed()
    bridge = Bridge(make_tracker("mini_squat", None, {}, *feed.size))
    feed.set_activity(Activity("leave"), 0.0)
    ev = play(feed, bridge, 6.0)
    lost = [t for t, e in ev if isinstance(e, PersonLost)]
    assert len(lost) == 1 and 1.0 < lost[0] < 5.0
    feed.set_activity(Activity("stand"), 6.0)
    ev = play(feed, bridge, 2.0, t0=6.0)
    assert [type(e) for _, e in ev if isinstance(e, (PersonLost, PersonFound))] == [PersonFound]


def test_unknown_exercise_names_known_ones() -> None:
    with pytest.raises(InputError, match="mini_squat"):
        make_tracker("cartwheel")


def test_camera_check_guidance() -> None:
    good = to_frame(body_points(BodyPose()), 0.0).xyzv
    img = draw_camera_image(good)
    assert check_camera(good, img).ok
    assert not check_camera(None, img).ok
    dark = (img * 0.2).astype(np.uint8)
    v = check_camera(good, dark)
    assert not v.ok and any("dark" in line for line in v.lines)
    near = to_frame(body_points(BodyPose()), 0.0, cam_dist=1.2).xyzv  # feet out of the picture
    v = check_camera(near, img)
    assert not v.ok and any("feet" in line or "back" in line for line in v.lines)
    far = to_frame(body_points(BodyPose()), 0.0, cam_dist=9.0).xyzv
    assert any("closer" in line for line in check_camera(far, img).lines)
    side = to_frame(body_points(BodyPose(x=1.5)), 0.0).xyzv
    v = check_camera(side, img)
    assert not v.ok and any("middle" in line for line in v.lines)


def test_calibration_measures_reach_and_comfortable_range() -> None:
    feed = DemoFeed()
    cal = Calibrator(("shoulder_abduction", "mini_squat"), *feed.size)
    for ex, side in (("shoulder_abduction", "left"), ("mini_squat", None)):
        feed.set_activity(Activity("exercise", ex, side=side, fault_every=0, reps=1), 0.0)
        series, truth = feed.patient.movement(feed.activity)
        for i in range(len(series)):
            cal.add(feed.latest(i / series.fps).frame, ex)
    rng = cal.comfortable_range()
    assert rng["shoulder_abduction"] == pytest.approx(truth_peak("shoulder_abduction", "left"), abs=8)
    assert rng["mini_squat"] == pytest.approx(truth.reps[0].peak_deg, abs=6)
    reach = cal.reach()
    assert 1.3 < reach["shoulder_height"] < 1.6
    assert reach["overhead"] > reach["shoulder_height"] + 0.2
    assert reach["low"] < 0.9
    from scenes.base import Reach
    Reach().updated(reach)  # the scenes accept the measurement


def truth_peak(exercise: str, side: str | None) -> float:
    feed = DemoFeed()
    _, truth = feed.patient.movement(Activity("exercise", exercise, side=side, fault_every=0,
                                              reps=1))
    return truth.reps[0].peak_deg


def test_config_validation_and_file(tmp_path) -> None:
    assert GameConfig().mode == "home"
    with pytest.raises(ValueError):
        GameConfig(mode="stadium")
    assert palette("colorblind").warn != palette("default").warn
    assert GameConfig().size is None and GameConfig().window_size == (1280, 720)
    cfg = tmp_path / "game.toml"
    cfg.write_text('mode = "clinic"\npalette = "colorblind"\nsize = "800x450"\nmute = true\n')
    c = load_config(cfg, mute=None, size=(640, 360))
    assert (c.mode, c.palette, c.size, c.mute, c.text_scale) == ("clinic", "colorblind",
                                                                (640, 360), True, 1.25)
    cfg.write_text('colour = "red"\n')
    with pytest.raises(InputError, match="colour"):
        load_config(cfg)
    cfg.write_text('size = "huge"\n')
    with pytest.raises(InputError, match="size"):
        load_config(cfg)
    with pytest.raises(InputError, match="cannot read"):
        load_config(tmp_path / "missing.toml")
    with pytest.raises(InputError, match="mute"):
        config_from_dict({"mute": "yes"})


def test_no_camera_offers_the_demo(monkeypatch) -> None:
    monkeypatch.setattr("game.input.cameras_present", lambda: [])
    with pytest.raises(PhysioQuestError, match="--demo"):
        open_feed(GameConfig(input="auto"))
    with pytest.raises(InputError, match="no such video"):
        open_feed(GameConfig(input="video", video="/nonexistent.mp4"))
    assert open_feed(GameConfig(input="demo")).is_demo


def test_demo_feed_answers_pain_with_one_raised_hand() -> None:
    from game.gestures import pain_from_hand
    feed = DemoFeed()
    for value in (0, 3, 7, 10):
        feed.set_activity(Activity("pain", value=value), 0.0)
        assert pain_from_hand(feed.latest(2.0).frame.xyzv) == value


def test_sounds_written(tmp_path) -> None:
    paths = write_sounds(tmp_path)
    assert {p.stem for p in paths} == {"rep", "hold_done", "set_done", "warning"}
    for p in paths:
        with wave.open(str(p)) as w:
            assert w.getframerate() == 22050 and w.getnframes() > 2000
    s = synthesise()
    assert all(np.abs(v).max() <= 0.51 for v in s.values())


def test_session_log_summary() -> None:
    plan = default_plan("Ann", short=True)
    assert plan.items[0].reps == 3 and plan.items[0].sets == 2
    assert len(plan.slots()) == 2
    both = default_plan("Ann", exercise="shoulder_abduction", short=True)
    assert [(s.set_no, s.side) for s in both.slots()] == [(1, "left"), (1, "right"),
                                                          (2, "left"), (2, "right")]
    log = SessionLog("Ann", pain_before=2, pain_after=4)
    s = SetLog("mini_squat", 1, 3, name="Mini squat")
    s.reps += [RepCompleted(1, 90.0, 120.0, 3), RepCompleted(2, 70.0, 100.0, 2)]
    log.sets.append(s)
    text = "\n".join(log.summary_lines())
    assert "2/3 reps" in text and "score 80" in text and "pain before: 2/10, after: 4/10" in text
    assert log.to_dict()["sets"][0]["reps"][1]["score"] == 70.0


def test_bridge_hold_progress_and_completion_on_a_stretch() -> None:
    feed = DemoFeed()
    feed.set_activity(Activity("exercise", "side_bend_stretch", reps=2, fault_every=0), 0.0)
    series, truth = feed.patient.movement(feed.activity)
    bridge = Bridge(make_tracker("side_bend_stretch", None, {"reps": 2, "hold_s": 5}, *feed.size))
    events = play(feed, bridge, series.duration_s, fps=15.0)
    progress = [e for _, e in events if isinstance(e, HoldProgress)]
    done = [t for t, e in events if isinstance(e, HoldCompleted)]
    assert len(done) == truth.rep_count == 2
    assert progress and max(p.elapsed_s for p in progress) >= 4.5
    assert all(p.target_s == 5 for p in progress)
    assert sum(isinstance(e, RepCompleted) for _, e in events) == 2

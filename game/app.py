"""The game application: a ShowBase wired from ``GameConfig`` that plays one session.

Every rendered frame polls the feed's newest landmarks (never waits for tracking), hands them
to the current state, places the avatar and the camera from the scene, and takes the
screenshots asked for. ``run_session()`` plays until the session summary is closed (or the
duration runs out) and returns the session log.
"""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from direct.showbase.ShowBase import ShowBase
from panda3d.core import ClockObject, Filename, NodePath, PNMImage, unloadPrcFile

from game.avatar import Avatar
from game.config import GameConfig
from game.feedback import CueSelector
from game.gestures import HeldGesture, hands_above_head
from game.hud import Hud
from game.input import Activity, DemoFeed, Feed, FeedSample
from game.panda_setup import configure_panda, make_fallback_ground, open_showbase
from game.progression import LevelState
from game.sounds import SoundBank
from game.states import make_flow
from game.states.recording import (Recording, last_levels, open_store_quietly, patient_ids,
                                   stored_plan)
from game.states.session import SessionLog, SessionPlan, default_plan, plan_from_store
from game.ui.widgets import UiKit
from tracking.errors import PhysioQuestError
from tracking.series import PoseFrame

KEYS = [str(d) for d in range(10)] + ["enter", "arrow_left", "arrow_right"]


class PhysioQuestApp(ShowBase):
    CAMERA_PULL = 1.3  #: camera distance from the scene's look-at point, times the scene's
    def __init__(self, config: GameConfig, feed: Feed, plan: SessionPlan | None = None) -> None:
        self._prc_page = configure_panda(config)
        open_showbase(self, config.offscreen)
        self.settings = config
        self.feed = feed
        self.disableMouse()
        clock = ClockObject.getGlobalClock()
        if config.simulated_clock:  # a fixed step per frame: reproducible, as fast as it renders
            clock.setMode(ClockObject.MNonRealTime)
            clock.setFrameRate(config.sim_fps)
        else:
            clock.setMode(ClockObject.MNormal)
        self.camLens.setFov(60)
        self.ui = UiKit(self, config.colours, config.text_scale)
        self.setBackgroundColor(*config.colours.sky)
        self.hud = Hud(self, self.ui)
        self.hud.set_visible(False)
        self.sounds = SoundBank(self.loader, muted=config.mute)
        self.cues = CueSelector()
        self.patient = config.patient or ("demo" if feed.is_demo else "guest")
        self.fixed_plan = plan is not None or config.exercise is not None
        self.plan = plan or default_plan(self.patient, config.exercise, config.scene,
                                         short=config.unattended)
        self.store = open_store_quietly() if config.record else None
        self.log = SessionLog(self.patient)
        self.levels: dict[str, LevelState] = {}
        self.comfortable: dict[str, float] = {}
        self.reach: dict[str, float] = {}
        self.slots = self.plan.slots()
        self.slot_index, self.set_run = 0, None
        self.recording: Recording | None = None
        self.scene: Any = None
        self.scene_name = ""
        self._fallback_ground: NodePath | None = None
        self.avatar = Avatar(self.render, config.colours)
        self.avatar_visible(False)
        self.pause_gesture = HeldGesture(hold_s=1.5)
        self.shots: list[Path] = []
        self._shot_keys: set[str] = set()
        self._pending_shots: list[tuple[float, str]] = []
        self.done = False
        self.t = 0.0
        self.frames = 0
        self.last_sample = FeedSample(None, None)
        self.flow = make_flow(self)
        self.use_scene(self.plan.items[0].scene)
        for key in KEYS:
            self.accept(key, self.on_key, [key])
        for key in ("space", "p"):
            self.accept(key, self.toggle_pause, ["key"])
        self.accept("escape", self.on_escape)
        self.taskMgr.add(self._tick, "physioquest-tick")
        self.flow.go("PatientChoice")

    # -- per frame --------------------------------------------------------------------
    def _tick(self, task: Any) -> int:
        dt = min(0.1, ClockObject.getGlobalClock().getDt())
        self.t += dt
        self.frames += 1
        sample = self.feed.latest(self.t)
        self.last_sample = sample
        if self.recording is not None and sample.frame is not None:
            self.recording.frame(sample.frame)
        self._gesture(sample)
        state = self.flow.current
        if state is not None:
            state.update(self.t, dt, sample)
        if self.scene is not None:
            self.scene.update(dt)
            pos, look = self.scene.camera_pose()
            pos = look + (pos - look) * self.CAMERA_PULL  # keep the avatar's feet in view
            self.camera.setPos(pos)
            self.camera.lookAt(look)
            feet, heading = self.scene.avatar_anchor()
            self.avatar.set_anchor(feet, heading)
        self._take_due_shots()
        if getattr(self.feed, "ended", False) and not self.done \
                and self.flow.state not in ("SessionSummary", None):
            print(f"physioquest: input ended ({self.feed.status})", file=sys.stderr)
            self.log.stop("input ended")
            self.flow.go("SessionSummary")
        if self.settings.duration_s is not None and self.t >= self.settings.duration_s \
                and self.flow.state != "SessionSummary" and not self.done:
            self.log.stop("time limit")
            self.flow.go("SessionSummary")
        return task.cont

    def _gesture(self, sample: FeedSample) -> None:
        up = sample.frame is not None and hands_above_head(sample.frame.xyzv)
        if self.pause_gesture.update(self.t, up or None) is None:
            return
        if self.flow.state in ("Exercise", "Rest"):
            self.flow.pause("gesture")
        elif self.flow.state == "Paused" and self.flow.states["Paused"].reason != "out of view":
            self.flow.resume()

    # -- services for the states -------------------------------------------------------
    def act(self, activity: Activity) -> None:
        """Tell the demo patient what to do (no-op for a real camera)."""
        if isinstance(self.feed, DemoFeed):
            self.feed.set_activity(activity, self.t)

    def demo_camera(self, on: bool) -> None:
        """The demo's camera picture rendered with the figure (a person moving in a room,
        drawn in an offscreen buffer with every game frame) while ``on``; else the drawn
        stand-in."""
        if not isinstance(self.feed, DemoFeed):
            return
        if on and self.feed.renderer is None:
            try:
                from scenes.patient.inset import PatientInset
                from scenes.patient.render import CameraView
                self.feed.renderer = PatientInset(self, size=(256, 144), view=CameraView("front"))
            except Exception as exc:  # no offscreen buffer here: keep the drawn picture
                print(f"physioquest: demo camera picture not rendered ({exc})", file=sys.stderr)
        elif not on and self.feed.renderer is not None:
            self.feed.renderer.close()
            self.feed.renderer = None

    def patient_names(self) -> list[str]:
        names = [self.patient] + (patient_ids(self.store) if self.store is not None else [])
        return list(dict.fromkeys(names))[:6]

    def set_patient(self, patient_id: str) -> None:
        """The patient chosen: their therapist's plan and levels, and the recording."""
        self.patient = self.log.patient = patient_id
        before = last_levels(self.store, patient_id) if self.store is not None else {}
        stored = None if self.fixed_plan or self.store is None else \
            stored_plan(self.store, patient_id)
        if stored is not None:
            self.plan = plan_from_store(stored, patient_id, self.settings.scene,
                                        {k: v["level"] for k, v in before.items()})
        self.plan = replace(self.plan, patient=patient_id, items=tuple(
            replace(i, level=max(1, min(i.cap, before.get(i.exercise_id, {}).get("level", i.level))))
            for i in self.plan.items))
        for i in self.plan.items:  # progression carries on from the last session
            b = before.get(i.exercise_id, {})
            self.levels[i.exercise_id] = LevelState(i.exercise_id, i.level, i.cap,
                                                    b.get("success_streak", 0),
                                                    b.get("struggle_streak", 0))
        self.slots = self.plan.slots()
        if self.store is not None and self.recording is None:
            try:
                self.recording = Recording(self.store, patient_id, self.plan.plan_id,
                                           self.plan.items[0].scene, self.feed.name,
                                           self.feed.size)
            except Exception as exc:  # the store refused: play on without recording
                print(f"physioquest: session not recorded ({exc})", file=sys.stderr)

    def record_pain(self, when: str, value: int) -> None:
        if when == "before":
            self.log.pain_before = value
        else:
            self.log.pain_after = value
        if self.recording is not None:
            self.recording.pain(when, value)

    def set_calibration(self, reach: dict[str, float], ranges: dict[str, float]) -> None:
        self.reach, self.comfortable = reach, ranges
        self.log.calibration = {**{f"reach_{k}": v for k, v in reach.items()},
                                **{f"range_{k}": v for k, v in ranges.items()}}
        if self.scene is not None and reach:
            try:
                self.scene.set_reach(reach)
            except ValueError:
                pass  # an implausible measurement: the scene keeps its default reach

    def use_scene(self, name: str) -> None:
        if name == self.scene_name:
            return
        if self.scene is not None:
            self.avatar.root.reparentTo(self.render)
            self.scene.destroy()
            self.scene = None
        try:
            from scenes import create_scene
            self.scene = create_scene(name, self.render)
            self.scene.build()
            if self.reach:
                self.scene.set_reach(self.reach)
            self.avatar.root.reparentTo(self.scene.root)
            if self._fallback_ground is not None:
                self._fallback_ground.removeNode()
                self._fallback_ground = None
        except (ImportError, KeyError, PhysioQuestError) as exc:
            print(f"physioquest: scene {name!r} unavailable ({exc}); playing on plain ground",
                  file=sys.stderr)
            self.scene = None
            self._make_fallback_ground()
        self.scene_name = name
        self.log.scenes.append(name)

    def _make_fallback_ground(self) -> None:
        if self._fallback_ground is None:
            self._fallback_ground = make_fallback_ground(self.render, self.camera)

    def avatar_visible(self, on: bool) -> None:
        (self.avatar.root.show if on else self.avatar.root.hide)()

    def show_pose(self, frame: PoseFrame, faults: tuple[str, ...] = (), exercise_id: str = "",
                  target_deg: float | None = None, side: str | None = None) -> None:
        self.avatar.update(frame.world if frame.world is not None else None, faults,
                           exercise_id, target_deg, side)

    @property
    def slot(self):
        return self.slots[self.slot_index]

    def start_item(self, index: int) -> None:
        """Begin the first set of plan item ``index``."""
        self.slot_index = next(i for i, s in enumerate(self.slots) if s.item_index == index)
        self.set_run = None
        self.flow.go("Exercise")

    def after_set(self) -> None:
        self.set_run = None
        if self.slot_index + 1 < len(self.slots):
            self.slot_index += 1
            self.flow.go("Rest")
        else:
            self.flow.go("PainCheck", when="after")

    def session_finished(self) -> None:
        self.avatar_visible(False)
        if self.recording is not None:
            self.log.session_id = self.recording.session_id
            summary = {**self.log.to_dict(), "levels": {
                k: {"level": v.level, "cap": v.cap, "success_streak": v.success_streak,
                    "struggle_streak": v.struggle_streak} for k, v in self.levels.items()}}
            self.recording.finish(summary)
            self.recording = None
            self.store = None

    def finish(self) -> None:
        self.done = True

    def userExit(self) -> None:  # noqa: N802 (ShowBase's name): the window was closed
        """Closing the window ends the session like Escape does: summary printed, recorded."""
        if self.flow.state not in ("SessionSummary", None) and not self.done:
            self.log.stop("window closed")
            self.flow.go("SessionSummary")
        self.finish()

    # -- keys and pause ---------------------------------------------------------------
    def on_key(self, key: str) -> None:
        state = self.flow.current
        if state is not None:
            state.on_key(key)

    def toggle_pause(self, why: str) -> None:
        if self.flow.state == "Paused":
            self.flow.resume()
        else:
            self.flow.pause(why)

    def on_escape(self) -> None:
        if self.flow.state in ("Paused", "SessionSummary", "PatientChoice"):
            self.finish()
        else:
            self.flow.pause("key")

    # -- screenshots ------------------------------------------------------------------
    def on_state_entered(self, name: str, args: dict | None = None) -> None:
        self.log.states.append(name)
        if not self.settings.screenshots:
            return
        extra = ""
        if name == "PainCheck":
            extra = "_" + ("after" if self.log.pain_before is not None else "before")
        elif name in ("Exercise", "Calibration"):
            extra = "_" + (self.plan.items[self.slot.item_index].scene if name == "Exercise"
                           else self.plan.items[0].scene)
        elif name == "Paused":
            extra = "_" + str((args or {}).get("reason", "key")).replace(" ", "_")
        key = name + extra
        if key in self._shot_keys:
            return
        self._shot_keys.add(key)
        delay = {"Exercise": 2.3, "Calibration": 1.5, "CameraCheck": 0.8}.get(name, 0.5)
        self._pending_shots.append((self.t + delay, f"{name.lower()}{extra}", name, key))

    def _take_due_shots(self) -> None:
        for shot in list(self._pending_shots):
            due, label, state, key = shot
            if self.flow.state != state:  # left too soon: try again next time it comes
                self._pending_shots.remove(shot)
                self._shot_keys.discard(key)
            elif self.t >= due:
                self._pending_shots.remove(shot)
                self.screenshot_to(Path(self.settings.screenshots) /
                                   f"{len(self.shots) + 1:02d}_{label}.png")

    def screenshot_to(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.graphicsEngine.renderFrame()
        img = PNMImage()
        self.win.getScreenshot(img)
        img.write(Filename.fromOsSpecific(str(path)))
        self.shots.append(path)
        return path

    # -- running ----------------------------------------------------------------------
    def run_session(self, max_frames: int | None = None) -> SessionLog:
        """Step the game until the session ends (or ``max_frames``); returns the log."""
        try:
            while not self.done and (max_frames is None or self.frames < max_frames):
                self.taskMgr.step()
        finally:
            self.feed.close()
        return self.log

    def close(self) -> None:
        if self.recording is not None:  # ended before the summary: keep what was played
            self.recording.finish({**self.log.to_dict(), "ended": "closed early"})
            self.recording = None
        elif self.store is not None:
            self.store.close()
        self.ignoreAll()
        self.taskMgr.remove("physioquest-tick")
        self.demo_camera(False)
        self.destroy()
        unloadPrcFile(self._prc_page)
        ClockObject.getGlobalClock().setMode(ClockObject.MNormal)

"""The replay viewer: the recorded skeleton moving in the scene where the session happened,
with a timeline (repetitions and faults marked), play/pause, scrub, speed, jump to a
repetition and the target ghost.

Keys: space play/pause, left/right -/+5 s, up/down speed, n/p next/previous repetition,
1-9 repetition by number, g target ghost on/off, home/end, escape quit. Click or drag on the
timeline to scrub.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from direct.showbase.ShowBase import ShowBase
from panda3d.core import (ClockObject, Filename, NodePath, PNMImage,
                          loadPrcFileData)

from game.avatar import Avatar
from game.config import palette as make_palette
from game.replay.timeline import Playback, ReplayModel
from game.ui.widgets import UiKit

BAR_L, BAR_R, BAR_Y, BAR_H = -0.92, 0.92, -0.86, 0.07  #: timeline, in fractions of the half-width


def _fmt_t(ms: float) -> str:
    s = max(0, int(ms // 1000))
    return f"{s // 60}:{s % 60:02d}"


class _EventView:
    """A stored event shown to a scene (scenes match events by class name and read fields)."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self.__dict__.update(payload)


class ReplayApp(ShowBase):
    CAMERA_PULL = 1.3

    def __init__(self, model: ReplayModel, *, offscreen: bool = False, size: tuple[int, int] = (1280, 720),
                 rescored: list[Any] | None = None) -> None:
        from game.panda_setup import display_prc_lines, open_showbase
        lines = [f"win-size {size[0]} {size[1]}", "window-title PhysioQuest replay", "sync-video false",
                 "audio-library-name null", *display_prc_lines(offscreen)]
        loadPrcFileData("physioquest-replay", "\n".join(lines))
        open_showbase(self, offscreen)
        self.disableMouse()
        self.model = model
        self.play = Playback(model)
        self.palette = make_palette("default")
        self.ui = UiKit(self, self.palette)
        self.setBackgroundColor(*self.palette.sky)
        self.camLens.setFov(60)
        self.scene: Any = None
        self._make_scene(model.session.scene)
        self.avatar = Avatar(self.scene.root if self.scene is not None else self.render, self.palette)
        self.ghost_on = True
        self.exercise = ""
        self._event_i = 0
        self.aspect = size[0] / size[1]
        self._build_hud(rescored or [])
        for key, fn in (("space", self.play.toggle), ("arrow_left", lambda: self._skip(-5000)),
                        ("arrow_right", lambda: self._skip(5000)), ("arrow_up", self.play.faster),
                        ("arrow_down", self.play.slower), ("n", self.play.next_rep), ("p", self.play.prev_rep),
                        ("g", self._toggle_ghost), ("home", lambda: self.play.seek(model.start_ms)),
                        ("end", lambda: self.play.seek(model.end_ms)), ("escape", self._quit)):
            self.accept(key, fn)
        for d in range(1, 10):
            self.accept(str(d), self.play.jump_to_rep, [d])
        self.accept("mouse1", self._scrub_start)
        self.accept("mouse1-up", self._scrub_end)
        self._scrubbing = False
        self.done = False
        self.taskMgr.add(self._tick, "replay-tick")

    # -- building ----------------------------------------------------------------------
    def _make_scene(self, name: str) -> None:
        try:
            from scenes import SCENES, create_scene, scene_for_exercise
            if name not in SCENES:
                first = self.model.marks[0].rep.exercise_id if self.model.marks else ""
                name = scene_for_exercise(first)
            self.scene = create_scene(name, self.render)
            self.scene.build()
        except (ImportError, KeyError):
            self.scene = None
            from game.panda_setup import make_fallback_ground
            make_fallback_ground(self.render, self.camera)

    def _x(self, f: float) -> float:
        """Fraction 0..1 of the session -> aspect2d x on the timeline."""
        a = self.aspect
        return a * BAR_L + f * a * (BAR_R - BAR_L)

    def _card(self, parent: NodePath, l: float, r: float, b: float, t: float, colour) -> NodePath:
        return self.ui.panel(parent, l, r, b, t, colour)

    def _build_hud(self, rescored: list[Any]) -> None:
        hud = self.aspect2d.attachNewNode("replay-hud")
        self.hud = hud
        m, a = self.model, self.aspect
        s = m.session
        self.ui.panel(hud, -a, a, 0.80, 1.0, (0, 0, 0, 0.55))
        self.ui.text(hud, f"Replay: {s.patient_id}, {s.local_start:%d %b %Y %H:%M} ({s.status})", 0.065,
                     (-a + 0.05, 0.90), align="left")
        self.info = self.ui.text(hud, "", 0.05, (-a + 0.05, 0.83), align="left")
        self.ui.panel(hud, -a, a, -1.0, -0.70, (0, 0, 0, 0.55))
        bl, br = self._x(0), self._x(1)
        self._card(hud, bl, br, BAR_Y - BAR_H / 2, BAR_Y + BAR_H / 2, (0.15, 0.15, 0.18, 0.95))
        for mk in m.marks:  # repetitions: green met the target, amber with a fault, grey otherwise
            colour = self.palette.warn if mk.rep.faults else (self.palette.good if mk.met else (0.6, 0.6, 0.65, 1))
            l, r = self._x(m.fraction(mk.t0_ms)), self._x(m.fraction(mk.t1_ms))
            self._card(hud, l, max(r, l + 0.004), BAR_Y - BAR_H / 2 + 0.008, BAR_Y + BAR_H / 2 - 0.008, colour)
        for t, name in m._faults:
            x = self._x(m.fraction(t))
            self._card(hud, x - 0.003, x + 0.003, BAR_Y + BAR_H / 2, BAR_Y + BAR_H / 2 + 0.03, self.palette.bad)
        for r in rescored:  # re-scored repetitions: a thin row under the bar
            for rep in r.rescored:
                l = self._x(m.fraction(rep.start_s * 1000.0))
                rr = self._x(m.fraction(rep.end_s * 1000.0))
                self._card(hud, l, max(rr, l + 0.004), BAR_Y - BAR_H / 2 - 0.025, BAR_Y - BAR_H / 2 - 0.01,
                           self.palette.accent)
        self.head = self._card(hud, -0.006, 0.006, BAR_Y - BAR_H * 0.8, BAR_Y + BAR_H * 0.8, (1, 1, 1, 1))
        self.clock_text = self.ui.text(hud, "", 0.05, (a * BAR_R, -0.96), align="right")
        self.ui.text(hud, "space play/pause  <- -> 5 s  up/down speed  n/p rep  1-9 rep  g ghost  click bar: scrub",
                     0.042, (a * BAR_L, -0.96), align="left", colour=(0.85, 0.85, 0.9, 1))
        self.rep_text = self.ui.text(hud, "", 0.055, (a * BAR_L, -0.77), align="left")

    # -- input -------------------------------------------------------------------------
    def _skip(self, ms: float) -> None:
        self.play.seek(self.play.t_ms + ms)

    def _toggle_ghost(self) -> None:
        self.ghost_on = not self.ghost_on

    def _quit(self) -> None:
        self.done = True

    def _mouse_fraction(self) -> float | None:
        if not self.mouseWatcherNode.hasMouse():
            return None
        mp = self.mouseWatcherNode.getMouse()
        x, y = mp.getX() * self.aspect, mp.getY()
        if abs(y - BAR_Y) > BAR_H * 1.5 and not self._scrubbing:
            return None
        return (x - self._x(0)) / (self._x(1) - self._x(0))

    def _scrub_start(self) -> None:
        f = self._mouse_fraction()
        if f is not None:
            self._scrubbing = True
            self.play.seek_fraction(f)

    def _scrub_end(self) -> None:
        self._scrubbing = False

    # -- per frame ---------------------------------------------------------------------
    def _tick(self, task: Any) -> int:
        dt = min(0.1, ClockObject.getGlobalClock().getDt())
        if self._scrubbing:
            f = self._mouse_fraction()
            if f is not None:
                self.play.seek_fraction(f)
        self.play.step(dt)
        self.show_time(self.play.t_ms, dt)
        return task.cont

    def show_time(self, t_ms: float, dt: float = 1 / 30) -> None:
        """Pose the avatar, scene, camera and HUD for playhead ``t_ms``."""
        m = self.model
        ex, target = m.exercise_at(t_ms)
        if ex != self.exercise and self.scene is not None:
            self.exercise = ex
            try:
                self.scene.set_exercise(ex)
            except (KeyError, ValueError):
                pass
        self._feed_events(t_ms)
        frame = m.frame_at(t_ms)
        faults = m.faults_at(t_ms)
        world = frame.world if frame is not None else None
        self.avatar.update(world, faults, ex, target if self.ghost_on else None)
        if self.scene is not None:
            self.scene.update(dt)
            pos, look = self.scene.camera_pose()
            self.camera.setPos(look + (pos - look) * self.CAMERA_PULL)
            self.camera.lookAt(look)
            feet, heading = self.scene.avatar_anchor()
            self.avatar.set_anchor(feet, heading)
        self.head.setX(self._x(m.fraction(t_ms)))
        mk = m.rep_at(t_ms)
        rep = f"Rep {mk.number}/{len(m.marks)}: {mk.label()}" if mk else f"{len(m.marks)} repetitions"
        if faults:
            rep += "   faults: " + ", ".join(f.replace("_", " ") for f in faults)
        self.ui.set_text(self.rep_text, rep, self.palette.warn if faults else self.palette.text)
        state = "playing" if self.play.playing else "paused"
        self.ui.set_text(self.clock_text, f"{_fmt_t(t_ms - m.start_ms)} / {_fmt_t(m.duration_ms)}  "
                                          f"{self.play.speed:g}x  {state}")
        who = "nobody seen" if frame is None or not frame.detected else "tracking"
        target_txt = "" if target is None else f", target {target:.0f} deg" + ("" if self.ghost_on else " (ghost off)")
        self.ui.set_text(self.info, f"{ex or '-'}{target_txt}  |  {who}  |  scene "
                                    f"{m.session.scene or '-'}")

    def _feed_events(self, t_ms: float) -> None:
        if self.scene is None:
            return
        evs = self.model.events
        if self._event_i > 0 and self._event_i <= len(evs) and evs[self._event_i - 1].t_ms > t_ms:
            self._event_i = 0  # scrubbed back: start over (scenes only react to new events)
            while self._event_i < len(evs) and evs[self._event_i].t_ms <= t_ms:
                self._event_i += 1
            return
        while self._event_i < len(evs) and evs[self._event_i].t_ms <= t_ms:
            e = evs[self._event_i]
            self._event_i += 1
            view = type(e.name, (_EventView,), {})(e.payload)
            try:
                self.scene.on_event(view)
            except Exception:  # a scene that cannot read a stored event just does not react
                pass

    # -- screenshots and running -------------------------------------------------------
    def screenshot_at(self, t_ms: float, path: Path, settle_frames: int = 3) -> Path:
        self.play.playing = False
        self.play.seek(t_ms)
        for _ in range(settle_frames):
            self.show_time(self.play.t_ms)
            self.graphicsEngine.renderFrame()
        img = PNMImage()
        self.win.getScreenshot(img)
        path.parent.mkdir(parents=True, exist_ok=True)
        img.write(Filename.fromOsSpecific(str(path)))
        return path

    def run_replay(self, max_frames: int | None = None) -> None:
        n = 0
        while not self.done and (max_frames is None or n < max_frames):
            self.taskMgr.step()
            n += 1

    def close(self) -> None:
        self.ignoreAll()
        self.taskMgr.remove("replay-tick")
        self.destroy()


def screenshot_times(model: ReplayModel, count: int = 6) -> list[tuple[float, str]]:
    """Moments worth a picture: the start, the middle of evenly chosen repetitions, the end."""
    out = [(model.start_ms, "start")]
    marks = model.marks
    if marks:
        step = max(1, len(marks) // max(1, count - 2))
        for mk in marks[::step][:count - 2]:
            out.append(((mk.t0_ms + mk.t1_ms) / 2, f"rep{mk.number:02d}"))
    out.append((model.end_ms, "end"))
    return out

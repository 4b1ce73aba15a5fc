"""The exercise state: tracking events drive the counter, cues, hold timer, pop-ups, sounds,
the avatar, the scene and the session log."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from game.bridge import (AngleReading, Bridge, FaultsSeen, HoldCompleted, HoldProgress,
                         PersonFound, PersonLost, RepCompleted, make_tracker)
from game.feedback import CueDecision, ViewHintTimer, praise_for_score
from game.input import Activity, FeedSample
from game.progression import targets_for_level
from game.states.base import State
from game.states.session import PlanItem, SetLog


@dataclass(frozen=True)
class FormFault:
    """A cue was shown (scenes react to this by class name)."""
    fault: str
    cue: str


@dataclass(frozen=True)
class SetCompleted:
    exercise_id: str
    set_no: int
    reps: int
    mean_score: float
    side: str = ""


@dataclass
class SetRun:
    """One set in progress (kept across a pause)."""
    item: PlanItem
    set_no: int
    side: str | None
    bridge: Bridge
    log: SetLog
    targets: dict[str, float]
    #: the camera-placement hint, once per set (``tracking.exercise.placement``)
    view_timer: ViewHintTimer = field(default_factory=ViewHintTimer)

    @property
    def target_deg(self) -> float:
        return self.targets["target"]


def targets_for(item: PlanItem, comfortable: float | None) -> dict[str, float]:
    """The tracker's targets for this patient today: the level's share of the prescribed
    range (never past the therapist's cap), no further than the calibrated comfortable range,
    the level's share of the hold, the prescribed repetitions."""
    from tracking.exercise.library import get_spec
    spec = get_spec(item.exercise_id)
    p = spec.primary
    up = p.direction == "increase"
    full = item.target if item.target is not None else p.target
    if item.max_target is not None:
        full = min(full, item.max_target) if up else max(full, item.max_target)
    lt = targets_for_level(item.level, item.cap)
    target = p.start + lt.range_fraction * (full - p.start)
    if comfortable is not None and abs(comfortable - p.start) >= p.min_range:
        target = min(target, comfortable) if up else max(target, comfortable)
    hold = item.hold_s if item.hold_s is not None else spec.hold_s
    out = {"target": round(target, 1), "reps": float(item.reps)}
    if hold:
        out["hold_s"] = round(hold * lt.hold_fraction, 1)
    return out


class Exercise(State):
    name = "Exercise"
    resumable = True

    def enter(self, **args: Any) -> None:
        super().enter(**args)
        app = self.app
        if not args.get("resumed") or app.set_run is None:
            slot = app.slot
            item = app.plan.items[slot.item_index]
            targets = targets_for(item, app.comfortable.get(item.exercise_id))
            log = SetLog(item.exercise_id, slot.set_no, item.reps, slot.side, item.name)
            app.log.sets.append(log)
            tracker = make_tracker(item.exercise_id, slot.side, targets, *app.feed.size,
                                   backend=getattr(app.feed, "backend", ""))
            app.set_run = SetRun(item, slot.set_no, slot.side, Bridge(tracker), log, targets)
            app.cues.reset()
            if app.recording is not None:
                app.recording.begin_set(item.exercise_id, slot.set_no, slot.side, item.reps)
            self.left_once = False
        run = app.set_run
        app.use_scene(run.item.scene)
        if app.scene is not None:
            app.scene.set_exercise(run.item.exercise_id)
        app.hud.set_visible(True)
        app.hud.set_exercise(run.item.name, run.set_no, run.item.sets, run.item.level, run.side)
        app.hud.set_count(len(run.log.reps), run.item.reps)
        app.hud.set_cue(None)
        app.hud.set_hold(None, None)
        app.avatar_visible(True)
        self.faults: tuple[str, ...] = ()
        self.view_cue = CueDecision()
        app.act(Activity("exercise", run.item.exercise_id, side=run.side))

    def update(self, t_s: float, dt: float, sample: FeedSample) -> None:
        super().update(t_s, dt, sample)
        app, run = self.app, self.app.set_run
        events = run.bridge.step(sample.frame, t_s)
        if sample.frame is not None:
            self.view_cue = run.view_timer.update(t_s, view_hint_now(run))
        for ev in events:
            self.handle(ev, t_s)
            if app.flow.state != "Exercise":
                return
        app.hud.update(dt)
        if sample.frame is not None:
            app.show_pose(sample.frame, self.faults, run.item.exercise_id, run.target_deg, run.side)
        # the unattended demo steps out of view once, to show the automatic pause
        if app.settings.unattended and not getattr(self, "left_once", True) \
                and app.slot_index == 0 and len(run.log.reps) == 2:
            self.left_once = True
            app.act(Activity("leave"))

    def handle(self, ev: Any, t_s: float) -> None:
        app, run = self.app, self.app.set_run
        scene = app.scene
        if isinstance(ev, AngleReading):
            app.hud.set_range(ev.progress)
        elif isinstance(ev, FaultsSeen):
            measure = {r.name: r.angle for r in run.bridge.tracker.spec.faults}
            self.faults = tuple(measure.get(f.fault, f.fault) for f in ev.faults)
            if self.view_cue.cue:  # the camera is placed wrong: that cue first, briefly
                self.show_view_cue(t_s)
                return
            d = app.cues.update(t_s, list(ev.faults))
            app.hud.set_cue(d.cue)
            if d.started and d.cue:
                app.sounds.play("warning")
                app.log.cues.append(d.cue)
                if app.recording is not None:
                    app.recording.event("FormFault", {"fault": d.fault, "cue": d.cue,
                                                      "t_s": round(t_s, 2)})
                if scene is not None:
                    scene.on_event(FormFault(d.fault or "", d.cue))
        elif isinstance(ev, HoldProgress):
            app.hud.set_hold(ev.elapsed_s, ev.target_s)
            if scene is not None:
                scene.on_event(ev)
        elif isinstance(ev, HoldCompleted):
            app.hud.set_hold(1.0, 1.0)  # full bar: "Well held!"
            app.sounds.play("hold_done")
            if scene is not None:
                scene.on_event(ev)
        elif isinstance(ev, RepCompleted):
            run.log.reps.append(ev)
            if app.recording is not None:
                app.recording.rep(run.item.exercise_id, run.set_no, ev)
            app.hud.set_count(len(run.log.reps), run.item.reps)
            app.hud.set_hold(None, None)
            app.hud.popup(f"{ev.score:.0f}  {praise_for_score(ev.score)}", ev.stars)
            app.sounds.play("rep")
            if scene is not None:
                scene.on_event(ev)
            if len(run.log.reps) >= run.item.reps:
                run.log.completed = True
                done = SetCompleted(run.item.exercise_id, run.set_no, len(run.log.reps),
                                    run.log.mean_score, run.side or "")
                if scene is not None:
                    scene.on_event(done)
                if app.recording is not None:
                    app.recording.end_set(run.item.exercise_id, run.set_no, run.side)
                app.sounds.play("set_done")
                app.flow.go("SetSummary")
        elif isinstance(ev, PersonLost):
            app.flow.pause("out of view")
        elif isinstance(ev, PersonFound):
            pass

    def show_view_cue(self, t_s: float) -> None:
        app, d = self.app, self.view_cue
        app.hud.set_cue(d.cue)
        if d.started:
            app.sounds.play("warning")
            app.log.view_hints.append(d.cue or "")
            if app.recording is not None:
                app.recording.event("ViewHint", {"view": app.set_run.bridge.tracker.engine.view_now,
                                                 "cue": d.cue, "t_s": round(t_s, 2)})

    def exit(self) -> None:
        self.app.hud.set_visible(False)


def view_hint_now(run: SetRun) -> str | None:
    """The placement hint for the view (and, side-on, the near side) the engine decided at
    this frame (None: fine)."""
    from tracking.exercise.placement import view_hint
    tracker = run.bridge.tracker
    engine = getattr(tracker, "engine", None)
    view = getattr(engine, "view_now", None)
    n = getattr(engine, "near_now", 0.0) if view == "side" else 0.0
    near = "left" if n > 0 else "right" if n < 0 else None
    return view_hint(tracker.spec, view, run.side, near)
